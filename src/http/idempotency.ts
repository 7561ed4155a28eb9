/**
 * `Idempotency-Key` on every POST, Stripe's contract: the first request under a key is carried out and its answer
 * stored for 24 h (store/idempotency-keys.ts); a repeat with the same key and the same body gets that answer again
 * (with `Idempotent-Replayed: true`) and changes nothing; the same key with another body or route is a 422. A
 * repeat that arrives while the first is still being answered waits for it (up to `waitMs`), then gets a 409 with
 * Retry-After. Keys are per caller (user, API key, or address when signed out), so they never cross callers.
 * Answers that say "try again" (5xx, 429) are not stored: the key is freed so the retry runs afresh.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app/context';
import { localized } from '../core/i18n';
import * as keys from '../store/idempotency-keys';
import { errorBody } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { scope: string; key: string; owner: string };
  }
}

const HEADER = 'idempotency-key';
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

export interface IdempotencyOptions {
  /** How long an answer is kept. */
  keepMs?: number;
  /** How long a repeat waits for the first request to be answered. */
  waitMs?: number;
  /** How long a request may hold its key before another process may take it (its process died). */
  lockMs?: number;
}

function scopeOf(request: FastifyRequest): string {
  const principal = request.principal;
  return principal ? `${principal.kind}:${principal.id}` : `ip:${request.ip}`;
}

function fingerprint(request: FastifyRequest): string {
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
  return createHash('sha256')
    .update(JSON.stringify(request.body ?? null))
    .update('\n')
    .update(query)
    .digest('hex');
}

function replay(reply: FastifyReply, stored: keys.StoredAnswer): FastifyReply {
  reply.code(stored.statusCode).header('idempotent-replayed', 'true');
  if (stored.contentType) reply.header('content-type', stored.contentType);
  return reply.send(stored.body);
}

export function registerIdempotency(app: FastifyInstance, ctx: AppContext, options: IdempotencyOptions = {}): void {
  const keepMs = options.keepMs ?? 24 * 3_600_000;
  const waitMs = options.waitMs ?? 30_000;
  const lockMs = options.lockMs ?? 120_000;
  app.decorateRequest('idempotency', undefined);

  // After access and validation: a refused or malformed request never takes a key.
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST') return;
    const raw = request.headers[HEADER];
    if (raw === undefined) return;
    const key = Array.isArray(raw) ? raw[0]! : raw;
    if (!KEY_SHAPE.test(key)) {
      return reply
        .code(400)
        .send(
          errorBody(
            request,
            'validation',
            localized(
              'The Idempotency-Key header must be 1 to 255 visible ASCII characters; nothing was changed.',
              'Idempotency-Key 请求头必须是 1 到 255 个可见 ASCII 字符；未做任何更改。',
            ),
            { issues: [{ path: 'headers.idempotency-key' }] },
          ),
        );
    }
    const scope = scopeOf(request);
    const route = `POST ${request.url.split('?')[0]}`;
    const hash = fingerprint(request);
    const giveUpAt = Date.now() + waitMs;
    let pause = 25;
    for (;;) {
      const outcome = await keys.claim(ctx.store, { scope, key, request: route, bodyHash: hash, keepMs, lockMs });
      if (outcome.kind === 'claimed') {
        request.idempotency = { scope, key, owner: outcome.owner };
        return;
      }
      if (outcome.kind === 'mismatch') {
        return reply
          .code(422)
          .send(
            errorBody(
              request,
              'idempotency_key_reused',
              localized(
                `This Idempotency-Key was already used for another request (${outcome.request}, or another body): use a new key for a new request. Nothing was changed.`,
                `此 Idempotency-Key 已用于另一个请求（${outcome.request}，或请求体不同）：新请求请使用新的键。未做任何更改。`,
              ),
            ),
          );
      }
      if (outcome.kind === 'answered') return replay(reply, outcome.answer);
      if (Date.now() >= giveUpAt) {
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        return reply
          .code(409)
          .header('retry-after', String(seconds))
          .send(
            errorBody(
              request,
              'idempotency_in_progress',
              localized(
                'The first request with this Idempotency-Key is still being answered: try again in a moment with the same key.',
                '使用此 Idempotency-Key 的第一个请求仍在处理中：请稍后用同一个键重试。',
              ),
              { retry_after_seconds: seconds },
            ),
          );
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(250, pause * 2);
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const held = request.idempotency;
    if (!held) return payload;
    request.idempotency = undefined;
    const status = reply.statusCode;
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload : null;
    if (status >= 500 || status === 429 || body === null) {
      await keys
        .release(ctx.store.db, held.scope, held.key, held.owner)
        .catch((error) => request.log.error({ err: error }, 'idempotency key release failed'));
      return payload;
    }
    const contentType = reply.getHeader('content-type');
    await keys
      .settle(ctx.store, held, {
        statusCode: status,
        contentType: typeof contentType === 'string' ? contentType : null,
        body,
      })
      .catch((error) => request.log.error({ err: error }, 'idempotency answer not stored'));
    return payload;
  });

  // A request that ended without an answer (the client went away before onSend) frees its key.
  app.addHook('onResponse', async (request) => {
    const held = request.idempotency;
    if (held) await keys.release(ctx.store.db, held.scope, held.key, held.owner).catch(() => undefined);
  });
}
