import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../src/app/context';
import {
  addWebhook,
  deliverWebhooks,
  runWarningSweep,
  signWebhook,
  WEBHOOK_MAX_ATTEMPTS,
} from '../../src/app/deadlines';
import { upsertOrders } from '../../src/app/orders';
import { ordersPastCalendarData } from '../../src/app/calendar-coverage';
import { type ImportIssue } from '../../src/core/order-input';
import { parseJsonOrder } from '../../src/core/order-input-json';
import { HOUR_MS } from '../../src/core/time';
import { buildServer } from '../../src/http/server';
import { openStore, type Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';

function order(id: string, extra: Record<string, unknown> = {}) {
  const issues: ImportIssue[] = [];
  const o = parseJsonOrder(
    {
      order_id: id,
      platform: 'aliexpress',
      status: 'WAIT_SELLER_SEND_GOODS',
      paid_at: '2026-11-20T00:00:00Z',
      risk_passed_at: '2026-11-20T02:00:00Z',
      buyer_name: 'Ana',
      buyer_country: 'BR',
      address_line1: 'Av. Paulista 1',
      city: 'São Paulo',
      currency: 'USD',
      handling_days: 5,
      lines: [{ sku: 'A', quantity: 2, unit_price: '15.00' }],
      ...extra,
    },
    '',
    1,
    issues,
  );
  if (!o) throw new Error(JSON.stringify(issues));
  return { order: o, row: 1 };
}

// Risk passed 2026-11-20 02:00 UTC + 5 × 24 h.
const DEADLINE = Date.UTC(2026, 10, 25, 2);

describe.each(backends)('deadlines on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  const clock = manualClock(DEADLINE - 30 * HOUR_MS);
  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, clock);
    app = await buildServer(ctx, { authentication: false });
    await upsertOrders(
      ctx,
      'ae',
      [
        order('D1'),
        order('D2', { handling_days: 7 }),
        order('D3', { lines: [{ sku: 'B', quantity: 1, unit_price: '5.00' }] }),
      ],
      'test',
    );
  });
  afterAll(async () => {
    await app.close();
    await dispose();
  });

  const idOf = async (platformId: string) =>
    (
      await store.db
        .selectFrom('orders')
        .select('id')
        .where('platform_order_id', '=', platformId)
        .executeTakeFirstOrThrow()
    ).id;

  it('computes each deadline under the shop policy and answers "can I still ship?" before and after it', async () => {
    const d1 = await store.db
      .selectFrom('orders')
      .selectAll()
      .where('platform_order_id', '=', 'D1')
      .executeTakeFirstOrThrow();
    expect(d1).toMatchObject({
      ship_by_at: DEADLINE,
      ship_by_source: 'computed',
      policy_id: 'aliexpress_pop',
      policy_version: 1,
    });
    const before = (await app.inject({ method: 'GET', url: `/orders/${d1.id}/verdict` })).json();
    expect(before).toMatchObject({
      status: 'on_track',
      can_still_ship: true,
      time_left_ms: 30 * HOUR_MS,
      latest_hand_over_at: new Date(DEADLINE).toISOString(),
    });
    expect(before.headline['zh-CN']).toMatch(/[\u4e00-\u9fff]/);

    clock.set(DEADLINE + 2 * HOUR_MS);
    const after = (await app.inject({ method: 'GET', url: `/orders/${d1.id}/verdict` })).json();
    // POP: the platform closes the order at the deadline; 30 USD ≥ 20 USD → USD 2 non-fulfilment fine.
    expect(after).toMatchObject({
      status: 'closed',
      can_still_ship: false,
      fine_now: { amount: 200, currency: 'USD' },
    });
    expect(after.situation).toMatchObject({ kind: 'closed', actionable: false, in_queues: false, exposure: null });
    // Closed orders are in no queue and no total: the at-risk view leaves D1 and D3 out.
    const atRisk = (await app.inject({ method: 'GET', url: '/orders?shop=ae&due_within=24h' })).json();
    expect(atRisk.items.map((i: { platform_order_id: string }) => i.platform_order_id)).toEqual([]);
    // Six hours before the deadline they are at risk, each with the fine if missed (30 USD ≥ 20 → USD 2; 5 USD → USD 1).
    clock.set(DEADLINE - 6 * HOUR_MS);
    const soon = (await app.inject({ method: 'GET', url: '/orders?shop=ae&due_within=24h' })).json();
    expect(
      soon.items.map((i: { platform_order_id: string; deadline: { fine_if_missed: unknown; situation: string } }) => [
        i.platform_order_id,
        i.deadline.fine_if_missed,
        i.deadline.situation,
      ]),
    ).toEqual([
      ['D1', { amount: 200, currency: 'USD' }, 'at_risk'],
      ['D3', { amount: 100, currency: 'USD' }, 'at_risk'],
    ]);
    clock.set(DEADLINE - 30 * HOUR_MS);
  });

  it('answers the verdict, the order, the at-risk view and the receipt as of at=, and refuses a bad at with a 400 naming it', async () => {
    const id = await idOf('D1');
    const later = new Date(DEADLINE + 2 * HOUR_MS).toISOString();
    // The clock says 30 h before the deadline; at= asks for 2 h after it.
    const verdict = (
      await app.inject({ method: 'GET', url: `/orders/${id}/verdict?at=${encodeURIComponent(later)}` })
    ).json();
    expect(verdict).toMatchObject({
      status: 'closed',
      can_still_ship: false,
      fine_now: { amount: 200, currency: 'USD' },
    });
    expect((await app.inject({ method: 'GET', url: `/orders/${id}/verdict` })).json()).toMatchObject({
      status: 'on_track',
      time_left_ms: 30 * HOUR_MS,
    });
    const detail = (await app.inject({ method: 'GET', url: `/orders/${id}?at=2026-11-25T00:00:00%2B00:00` })).json();
    expect(detail).toMatchObject({ as_of: '2026-11-25T00:00:00.000Z', time_left_ms: 2 * HOUR_MS });
    const sooner = new Date(DEADLINE - 2 * HOUR_MS).toISOString();
    const atRisk = (
      await app.inject({ method: 'GET', url: `/orders?shop=ae&due_within=3h&at=${encodeURIComponent(sooner)}` })
    ).json();
    expect(
      atRisk.items.map((i: { platform_order_id: string; deadline: { time_left_ms: number; situation: string } }) => [
        i.platform_order_id,
        i.deadline.time_left_ms,
        i.deadline.situation,
      ]),
    ).toEqual([
      ['D1', 2 * HOUR_MS, 'at_risk'],
      ['D3', 2 * HOUR_MS, 'at_risk'],
    ]);
    // As of 2 h after the deadline the platform has closed both: in no queue.
    expect(
      (await app.inject({ method: 'GET', url: `/orders?shop=ae&due_within=1h&at=${encodeURIComponent(later)}` })).json()
        .items,
    ).toEqual([]);
    const receipt = (
      await app.inject({ method: 'GET', url: `/orders/${id}/receipt?at=${encodeURIComponent(later)}` })
    ).json();
    expect(receipt).toMatchObject({ as_of: later, time_left_ms: null });
    for (const url of [
      `/orders/${id}/verdict?at=yesterday`,
      `/orders/${id}?at=2026-11-25T00:00:00`,
      `/orders?shop=ae&due_within=24h&at=2026-13-01T00:00:00Z`,
      `/orders/${id}/receipt?at=soon`,
    ]) {
      const bad = await app.inject({ method: 'GET', url });
      expect(bad.statusCode, url).toBe(400);
      expect(JSON.stringify(bad.json().error), url).toContain('"at"');
    }
  });

  it("warns on an order whose deadline falls past the end of its policy's holiday data, and lists such orders", async () => {
    // Shopee counts Chinese working days over the holiday data (to 2027-12-31). Paid Thu 2027-12-30 10:00 Beijing,
    // 7 working days → past it; paid 2027-12-01 → within it.
    await upsertOrders(
      ctx,
      'far',
      [
        order('F1', { paid_at: '2027-12-30T02:00:00Z', risk_passed_at: '2027-12-30T03:00:00Z', handling_days: 7 }),
        order('F2', { paid_at: '2027-12-01T02:00:00Z', risk_passed_at: '2027-12-01T03:00:00Z', handling_days: 2 }),
      ],
      'test',
    );
    // Under AliExpress POP (elapsed hours) the holiday data shapes no deadline: no warning.
    expect((await app.inject({ method: 'GET', url: `/orders/${await idOf('F1')}` })).json().warnings).toEqual([]);
    expect(
      (await app.inject({ method: 'PUT', url: '/shops/far/policy', payload: { policy_id: 'shopee' } })).statusCode,
    ).toBe(200);
    const far = (await app.inject({ method: 'GET', url: `/orders/${await idOf('F1')}` })).json();
    // Fri 31 Dec, then Mon 3 … Fri 7 and Mon 10 Jan 2028: the end of that day in Beijing.
    expect(far.ship_by_at).toBe('2028-01-10T16:00:00.000Z');
    expect(far.warnings).toHaveLength(1);
    expect(far.warnings[0].en).toContain(
      'falls after the end of the holiday and festival data of policy shopee (2027-12-31)',
    );
    expect(far.warnings[0]['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    expect((await app.inject({ method: 'GET', url: `/orders/${await idOf('F2')}` })).json().warnings).toEqual([]);
    expect((await app.inject({ method: 'GET', url: `/orders/${await idOf('D1')}` })).json().warnings).toEqual([]);
    const groups = await ordersPastCalendarData(ctx);
    expect(groups.map((g) => [g.policyId, g.until, g.count, g.orders.map((o) => o.platformOrderId)])).toEqual([
      ['shopee', '2027-12-31', 1, ['F1']],
    ]);
    expect(groups[0]!.message.en).toContain('dashboard');
    expect(await ordersPastCalendarData(ctx, { policyId: 'aliexpress_pop' })).toEqual([]);
  });

  it('refuses a bad policy with the path of the field and keeps the running one; a good one recomputes open orders', async () => {
    const bad = await app.inject({
      method: 'PUT',
      url: '/shops/ae/policy',
      payload: { overrides: { aliexpress_pop: { timeZone: 'Mars/Olympus' } } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].path).toMatch(/^overrides\.timeZone/);
    const unknown = await app.inject({ method: 'PUT', url: '/shops/ae/policy', payload: { policy_id: 'nope' } });
    expect(unknown.json().error.issues[0].path).toBe('policy_id');
    expect(
      (await store.db.selectFrom('shops').select('policy_id').where('id', '=', 'ae').executeTakeFirstOrThrow())
        .policy_id,
    ).toBeNull();

    const good = await app.inject({
      method: 'PUT',
      url: '/shops/ae/policy',
      payload: { policy_id: 'aliexpress_semi_jit' },
    });
    expect(good.json()).toMatchObject({ recomputed: 3 });
    const d1 = await store.db
      .selectFrom('orders')
      .selectAll()
      .where('platform_order_id', '=', 'D1')
      .executeTakeFirstOrThrow();
    expect(d1.policy_id).toBe('aliexpress_semi_jit');
    const events = await store.db
      .selectFrom('order_events')
      .selectAll()
      .where('order_id', '=', d1.id)
      .where('kind', '=', 'deadline_changed')
      .execute();
    expect(events.length).toBe(good.json().changed > 0 ? 1 : 0);
    await app.inject({ method: 'PUT', url: '/shops/ae/policy', payload: { policy_id: 'aliexpress_pop' } });
  });

  it('warns once per threshold, even when two sweepers run at once', async () => {
    clock.set(DEADLINE - 30 * HOUR_MS); // within 48 h, not yet 24 h
    // PostgreSQL: a second pool, as a second worker process would have. SQLite: one process, one connection.
    const other = backend.name === 'postgres' ? openStore(store.url, { poolSize: 2 }) : undefined;
    const otherCtx = other ? createContext(other, clock.now) : ctx;
    try {
      const [a, b] = await Promise.all([runWarningSweep(ctx), runWarningSweep(otherCtx)]);
      expect(a.warned + b.warned).toBe(2); // D1 and D3 at 48 h; D2 (7 days) is not due
      clock.set(DEADLINE - 5 * HOUR_MS); // 24 h and 6 h crossed together: one warning, both recorded
      const [c, d] = await Promise.all([runWarningSweep(ctx), runWarningSweep(otherCtx)]);
      expect(c.warned + d.warned).toBe(2);
      expect((await runWarningSweep(ctx)).warned).toBe(0);
    } finally {
      await other?.close();
    }
    const d1 = await idOf('D1');
    const warnings = await store.db
      .selectFrom('order_events')
      .select(['data'])
      .where('order_id', '=', d1)
      .where('kind', '=', 'deadline_warning')
      .orderBy('id')
      .execute();
    expect(warnings.map((w) => JSON.parse(w.data!))).toEqual([
      { hours_before: [48], sent: 48 },
      { hours_before: [24, 6], sent: 6 },
    ]);
  });

  it('sends alerts to a webhook, signed, and retries a failing one until it is dead', async () => {
    const received: Array<{ body: string; signature: string; timestamp: string }> = [];
    let fail = false;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({
          body,
          signature: String(req.headers['x-shipby-signature']),
          timestamp: String(req.headers['x-shipby-timestamp']),
        });
        res.statusCode = fail ? 503 : 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const secret = 'a-long-enough-secret';
      await addWebhook(ctx, { url: `http://127.0.0.1:${port}/alerts`, secret, shopId: 'ae' });
      await upsertOrders(ctx, 'ae', [order('D4', { risk_passed_at: '2026-11-20T04:00:00Z' })], 'test');
      clock.set(DEADLINE - 1 * HOUR_MS);
      expect((await runWarningSweep(ctx)).deliveriesQueued).toBeGreaterThan(0);
      const sent = await deliverWebhooks(ctx);
      expect(sent.delivered).toBeGreaterThan(0);
      const first = received[0]!;
      expect(first.signature).toBe(`sha256=${signWebhook(secret, first.timestamp, first.body)}`);
      expect(JSON.parse(first.body)).toMatchObject({ kind: 'deadline_warning', shop_id: 'ae' });

      fail = true;
      await store.db
        .insertInto('order_warnings')
        .values({ order_id: await idOf('D2'), hours_before: 999, sent_at: 0 })
        .execute();
      clock.set(Date.UTC(2026, 10, 27, 2) - 3 * HOUR_MS); // D2 (7 days) now within 6 h
      await runWarningSweep(ctx);
      for (let i = 0; i < WEBHOOK_MAX_ATTEMPTS; i++) {
        await deliverWebhooks(ctx);
        clock.advance(2 * 60 * 60_000);
      }
      const rows = await store.db
        .selectFrom('webhook_deliveries')
        .select(['status', 'attempts'])
        .orderBy('id')
        .execute();
      expect(rows.at(-1)).toEqual({ status: 'dead', attempts: WEBHOOK_MAX_ATTEMPTS });
    } finally {
      server.close();
    }
  });

  it('records a buyer extension and moves the deadline later, never earlier', async () => {
    const id = await idOf('D3');
    clock.set(DEADLINE - 10 * HOUR_MS); // agreed before the deadline it extends
    const before = await store.db
      .selectFrom('orders')
      .select('ship_by_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const res = await app.inject({
      method: 'POST',
      url: `/orders/${id}/extensions`,
      payload: { hours: 48, agreed_by: 'buyer', note: 'asked to wait for colour' },
    });
    expect(res.statusCode).toBe(200);
    expect(Date.parse(res.json().ship_by_at)).toBe(before.ship_by_at! + 48 * HOUR_MS);
    const bad = await app.inject({ method: 'POST', url: `/orders/${id}/extensions`, payload: { agreed_by: 'buyer' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].path).toBe('hours');
    const events = await store.db
      .selectFrom('order_events')
      .select(['kind'])
      .where('order_id', '=', id)
      .where('kind', 'in', ['extension_recorded', 'deadline_changed'])
      .execute();
    expect(events.map((e) => e.kind).slice(-2)).toEqual(['extension_recorded', 'deadline_changed']);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics/seller?shop=ae' })).json();
    expect(metrics.windows.map((w: { days: number }) => w.days)).toEqual([7, 30]);
  });
});

describe.each(backends)('the work plan on $name', (backend) => {
  it('plans the open orders on the stations, no worse than earliest-deadline-first, and says who is late', async () => {
    const { store, dispose } = await backend.open();
    const clock = manualClock(DEADLINE - 30 * HOUR_MS);
    const ctx = contextFor(store, clock);
    const app = await buildServer(ctx, { authentication: false });
    try {
      const batch = Array.from({ length: 12 }, (_, i) =>
        order(`P${i}`, {
          handling_days: 4 + (i % 3),
          lines: [{ sku: 'A', quantity: 1 + (i % 4), unit_price: `${5 + i}.00` }],
        }),
      );
      await upsertOrders(ctx, 'plan-shop', batch, 'test');
      const res = await app.inject({
        method: 'GET',
        url: '/plan?shop=plan-shop&stations=1&shift=09:00-18:00&pickups=17:00&zone=Asia/Shanghai&budget_ms=200',
      });
      expect(res.statusCode).toBe(200);
      const plan = res.json();
      const queued = plan.stations.flatMap(
        (s: { queue: Array<{ platform_order_id: string; start: string; finish: string; penalty: number }> }) => s.queue,
      );
      expect(queued.map((j: { platform_order_id: string }) => j.platform_order_id).sort()).toEqual(
        batch.map((b) => b.order.platformOrderId).sort(),
      );
      expect(plan.total_penalty).toBeLessThanOrEqual(plan.edd_penalty);
      expect(plan.total_penalty).toBe(queued.reduce((sum: number, j: { penalty: number }) => sum + j.penalty, 0));
      for (let i = 1; i < queued.length; i++)
        expect(Date.parse(queued[i].start)).toBeGreaterThanOrEqual(Date.parse(queued[i - 1].finish));
      expect(plan.late.every((j: { lateness_minutes: number }) => j.lateness_minutes > 0)).toBe(true);

      // An order on the packing station stays first on it, whatever its deadline: it is never reordered.
      const latest = queued.reduce(
        (a: { platform_order_id: string; ship_by_at: string }, b: { platform_order_id: string; ship_by_at: string }) =>
          Date.parse(b.ship_by_at) > Date.parse(a.ship_by_at) ? b : a,
      );
      const latestId = (
        await store.db
          .selectFrom('orders')
          .select('id')
          .where('platform_order_id', '=', latest.platform_order_id)
          .executeTakeFirstOrThrow()
      ).id;
      await store.db
        .insertInto('pack_sessions')
        .values({
          order_id: latestId,
          shop_id: 'plan-shop',
          status: 'scanning',
          current_parcel_id: null,
          station: 'station-1',
          packer: 'li',
          tolerance_bp: 500,
          tolerance_min_g: 20,
          started_at: clock.now(),
          updated_at: clock.now(),
          finished_at: null,
          version: 1,
        })
        .execute();
      const pinned = (await app.inject({ method: 'GET', url: '/plan?shop=plan-shop&stations=1&budget_ms=200' })).json();
      expect(pinned.stations[0].queue[0]).toMatchObject({ platform_order_id: latest.platform_order_id, pinned: true });
    } finally {
      await app.close();
      await dispose();
    }
  });
});
