/**
 * The access log (http/access-log.ts): one line per request with method, route, path, status, duration, caller and
 * request id (the proxy's X-Request-Id kept and sent back); the request's other lines carry the same id; personal
 * fields replaced by pino's redact wherever they sit in a logged object, the rest of the object kept; phone
 * numbers masked in messages; no credential and no query string in any line.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server';
import { buildAccessWorld, keyCaller, type AccessWorld } from '../support/access-world';
import { backends, contextFor } from '../support/backends';

describe.each(backends.slice(0, 1))('access log on $name', (backend) => {
  let dispose: () => Promise<void>;
  let world: AccessWorld;
  let app: FastifyInstance;
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    const ctx = contextFor(opened.store);
    world = await buildAccessWorld(ctx);
    const stream = new PassThrough();
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop()!;
      for (const p of parts) if (p) lines.push(JSON.parse(p) as Record<string, unknown>);
    });
    app = await buildServer(ctx, {
      logger: true,
      logStream: stream,
      rateLimit: { perMinute: 100_000, loginPerMinute: 1000 },
    });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await dispose?.();
  });

  it('writes one line per request with the route, status, duration, caller and request id', async () => {
    const answer = await app.inject({
      method: 'GET',
      url: '/orders?shop=shop-a&limit=5',
      headers: { ...keyCaller('viewer', world.keys.viewer).headers, 'x-request-id': 'proxy-req-42' },
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['x-request-id']).toBe('proxy-req-42');
    await expect.poll(() => lines.find((l) => l.request_id === 'proxy-req-42' && l.msg === 'request')).toBeTruthy();
    const line = lines.find((l) => l.request_id === 'proxy-req-42' && l.msg === 'request')!;
    expect(line).toMatchObject({
      method: 'GET',
      route: '/orders',
      path: '/orders',
      status: 200,
      caller: expect.stringMatching(/^key:\d+$/),
    });
    expect(typeof line.duration_ms).toBe('number');
    const anonymous = await app.inject({
      method: 'GET',
      url: '/orders',
      headers: { cookie: 'shipby_session=made-up' },
    });
    expect(anonymous.statusCode).toBe(401);
    await expect
      .poll(() => lines.find((l) => l.request_id === anonymous.headers['x-request-id'] && l.msg === 'request'))
      .toMatchObject({ status: 401, caller: 'anonymous' });
    const all = JSON.stringify(lines);
    expect(all).not.toContain(world.keys.viewer);
    expect(all).not.toContain('made-up');
    expect(all).not.toContain('limit=5');
  });

  it('redacts personal fields in place and masks phone numbers in messages', async () => {
    const child = app.log.child({ request_id: 'probe-1' });
    child.info(
      {
        order: {
          id: 7,
          buyer_name: 'Lucía Pérez',
          ship_to: { address_line1: 'Calle Mayor 1', city: 'Madrid' },
          phone: '+34 600 123 456',
        },
      },
      'buyer +34 600 123 456 called',
    );
    await expect.poll(() => lines.find((l) => l.request_id === 'probe-1')).toBeTruthy();
    const line = lines.find((l) => l.request_id === 'probe-1')!;
    expect(line.order).toEqual({
      id: 7,
      buyer_name: '[masked]',
      ship_to: { address_line1: '[masked]', city: 'Madrid' },
      phone: '[masked]',
    });
    expect(line.msg).toBe('buyer ***56 called');
  });
});
