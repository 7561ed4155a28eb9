/**
 * Finding 11 of issue 19, case by case: each bad value is a 400 naming its field, on both backends, and changes
 * nothing. (query-fuzz.test.ts sends arbitrary ones to every GET route.)
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { openAccessServer, snapshot, type AccessWorld, type Caller, type AccessServer } from '../support/access-world';
import { backends } from '../support/backends';

describe.each(backends)('bad values on $name', (backend) => {
  let server: AccessServer;
  let ctx: AppContext;
  let app: FastifyInstance;
  let world: AccessWorld;
  let boss: Caller;
  beforeAll(async () => {
    server = await openAccessServer(backend);
    ({ ctx, app, world, boss } = server);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  const expect400 = async (method: 'GET' | 'POST' | 'PUT', url: string, field: string, payload?: unknown) => {
    const res = await app.inject({
      method,
      url,
      headers: {
        ...boss.headers,
        'accept-language': 'zh-CN',
        ...(payload ? { 'content-type': 'application/json' } : {}),
      },
      ...(payload ? { payload: JSON.stringify(payload) } : {}),
    });
    expect([url, res.statusCode]).toEqual([url, 400]);
    const body = res.json() as {
      error: { issues: Array<{ path: string; messages: { en: string; 'zh-CN': string } }> };
    };
    expect([url, body.error.issues.map((i) => i.path)]).toEqual([url, expect.arrayContaining([field])]);
    const issue = body.error.issues.find((i) => i.path === field)!;
    expect(issue.messages.en.length).toBeGreaterThan(10);
    expect(issue.messages['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
  };

  it('the plan: a malformed pick-up time or an unknown time zone', async () => {
    await expect400('GET', '/plan?pickups=25:99', 'pickups');
    await expect400('GET', '/plan?pickups=noon', 'pickups');
    await expect400('GET', '/plan?pickups=11:00,,x', 'pickups');
    await expect400('GET', '/plan?zone=Mars/Olympus', 'zone');
    await expect400('GET', '/plan?shift=25:00-26:00', 'shift');
    await expect400('GET', '/plan?zone=', 'zone');
    await expect400('GET', `/plan?warehouse=${world.warehouseA}&zone=Not/AZone&pickups=11:00`, 'zone');
  });

  it('a NUL character in a filter, a path or a body field', async () => {
    const before = await snapshot(ctx);
    await expect400('GET', '/orders?shop=shop-a%00', 'shop');
    await expect400('GET', '/orders?status=%00', 'status');
    await expect400('GET', `/orders/${world.a.orderId}/verdict?at=2026-01-01%00`, 'at');
    await expect400('GET', '/tracking/unmatched?tracking_number=LX%00', 'tracking_number');
    await expect400('POST', '/webhooks', 'url', {
      url: 'https://hooks.example/\u0000',
      secret: 'a-secret-of-16-chars',
    });
    await expect400('PUT', `/warehouses/${world.warehouseA}/staffing`, 'time_zone', {
      time_zone: 'Asia/Shanghai\u0000',
    });
    expect(await snapshot(ctx)).toBe(before);
  });

  it('an id past bigint in a path or a filter', async () => {
    for (const path of [
      '/orders/9223372036854775808',
      '/orders/99999999999999999999/verdict',
      '/parcels/9223372036854775808/tracking',
      '/cases/18446744073709551616',
      '/pack/sessions/9223372036854775808',
    ]) {
      await expect400('GET', path, 'id');
    }
  });
});
