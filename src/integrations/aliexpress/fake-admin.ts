/**
 * The fake's test/admin API, apart from the protocol: everything under `/__fake/`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeAuth } from './fake-auth';
import type { FaultConfig, FaultInjector } from './fake-faults';
import { isCountRequest, readJson, sendJson } from './fake-http';
import type { FakeMarketplace, FakeOrderSeed } from './fake-marketplace';

export interface AdminContext {
  marketplace: FakeMarketplace;
  auth: FakeAuth;
  faults: FaultInjector;
  seed: number | undefined;
  now(): number;
  baseNow(): number;
  clockOffset(): number;
  setClockOffset(offsetMs: number): void;
  stats(): unknown;
  resetStats(): void;
}

/**
 * GET  /__fake/health                      → { ok, now }
 * GET  /__fake/orders                      → internal orders
 * POST /__fake/orders                      ← seed | seed[] | { count, seed? } → { order_ids }
 * GET  /__fake/orders/:id                  → { order, platform } (platform = findorderbyid target)
 * POST /__fake/orders/:id/status           ← { status }
 * GET  /__fake/shipments                   → every declaration attempt (accepted or refused)
 * GET  /__fake/messages                    → buyer messages
 * POST /__fake/auth/code                   → { code } (what the consent page hands the app's callback)
 * GET  /__fake/auth                        → { counts: { create, refresh } }
 * POST /__fake/auth/revoke                 ← { refresh_token? } → { revoked } (every refresh token when none named)
 *                                          ← { access_token: token | true } → { revoked } (that access token, or all)
 * POST /__fake/auth/fault                  ← { answer: 'not_json' | 'truncated' | null } (the next token answer)
 * GET  /__fake/stats, POST /__fake/stats/reset
 * GET  /__fake/faults, POST /__fake/faults ← FaultConfig (replaces the current one)
 * POST /__fake/clock                       ← { offset_ms } | { now }
 * POST /__fake/reset                       → clears orders, shipments, messages, stats, faults
 */
export async function handleAdmin(
  admin: AdminContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const { marketplace, auth, faults } = admin;
  const path = url.pathname.replace(/\/+$/, '');
  const verb = req.method ?? 'GET';
  const body = verb === 'POST' ? await readJson(req) : undefined;
  const current = admin.now();
  marketplace.advance(current);
  try {
    if (verb === 'GET' && path === '/__fake/health') return sendJson(res, 200, { ok: true, now: current });
    if (verb === 'GET' && path === '/__fake/orders')
      return sendJson(res, 200, { orders: [...marketplace.orders.values()] });
    if (verb === 'POST' && path === '/__fake/orders') {
      const created = isCountRequest(body)
        ? marketplace.seedRandomOrders(body.count, current, body.seed ?? admin.seed ?? 1)
        : (Array.isArray(body) ? body : [body]).map((seed) =>
            marketplace.addOrder((seed ?? {}) as FakeOrderSeed, current),
          );
      return sendJson(res, 201, { order_ids: created.map((order) => order.orderId) });
    }
    const orderMatch = /^\/__fake\/orders\/(\d+)(\/status)?$/.exec(path);
    if (orderMatch) {
      const orderId = orderMatch[1]!;
      if (verb === 'POST' && orderMatch[2]) {
        const status = (body as { status?: unknown } | undefined)?.status;
        if (typeof status !== 'string') return sendJson(res, 400, { error: 'status is required' });
        const order = marketplace.setStatus(orderId, status, current);
        return order ? sendJson(res, 200, { order }) : sendJson(res, 404, { error: 'no such order' });
      }
      const order = marketplace.orders.get(orderId);
      if (verb === 'GET' && !orderMatch[2]) {
        return order
          ? sendJson(res, 200, { order, platform: marketplace.renderDetail(order) })
          : sendJson(res, 404, { error: 'no such order' });
      }
    }
    if (verb === 'GET' && path === '/__fake/shipments')
      return sendJson(res, 200, { declarations: marketplace.declarations });
    if (verb === 'GET' && path === '/__fake/messages') return sendJson(res, 200, { messages: marketplace.messages });
    if (verb === 'GET' && path === '/__fake/stats') return sendJson(res, 200, admin.stats());
    if (verb === 'POST' && path === '/__fake/stats/reset') {
      admin.resetStats();
      return sendJson(res, 200, admin.stats());
    }
    if (verb === 'GET' && path === '/__fake/faults') return sendJson(res, 200, faults.config);
    if (verb === 'POST' && path === '/__fake/faults') {
      faults.set((body ?? {}) as FaultConfig);
      return sendJson(res, 200, faults.config);
    }
    if (verb === 'POST' && path === '/__fake/clock') {
      const clock = (body ?? {}) as { offset_ms?: unknown; now?: unknown };
      if (typeof clock.offset_ms === 'number') admin.setClockOffset(clock.offset_ms);
      else if (typeof clock.now === 'number') admin.setClockOffset(clock.now - admin.baseNow());
      else return sendJson(res, 400, { error: 'offset_ms or now (epoch ms) is required' });
      return sendJson(res, 200, { now: admin.now(), offset_ms: admin.clockOffset() });
    }
    if (verb === 'POST' && path === '/__fake/auth/code')
      return sendJson(res, 200, { code: auth.issueCode(admin.now()) });
    if (verb === 'GET' && path === '/__fake/auth') return sendJson(res, 200, { counts: auth.counts });
    if (verb === 'POST' && path === '/__fake/auth/revoke') {
      const { refresh_token: token, access_token: access } = (body ?? {}) as {
        refresh_token?: unknown;
        access_token?: unknown;
      };
      // { access_token: "<token>" | true }: access tokens (one, or every one); otherwise refresh tokens.
      if (access !== undefined)
        return sendJson(res, 200, { revoked: auth.revokeAccessToken(typeof access === 'string' ? access : undefined) });
      return sendJson(res, 200, { revoked: auth.revokeRefreshToken(typeof token === 'string' ? token : undefined) });
    }
    if (verb === 'POST' && path === '/__fake/auth/fault') {
      const answer = (body as { answer?: unknown } | undefined)?.answer;
      if (answer !== null && answer !== 'not_json' && answer !== 'truncated')
        return sendJson(res, 400, { error: "answer must be 'not_json', 'truncated' or null" });
      auth.answerFault = answer ?? undefined;
      return sendJson(res, 200, { answer });
    }
    if (verb === 'POST' && path === '/__fake/reset') {
      marketplace.reset();
      auth.reset();
      admin.resetStats();
      faults.set({});
      return sendJson(res, 200, { ok: true });
    }
    sendJson(res, 404, { error: `no admin route ${verb} ${path}` });
  } catch (error) {
    sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
  }
}
