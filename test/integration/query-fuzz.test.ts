/**
 * Finding 11 of issue 19: bad values are a 400 naming the field, never a 500. fast-check sends arbitrary query
 * strings (and path ids) to every GET route of the access table, as the installation's owner, on both backends:
 * NUL characters, numbers past bigint, malformed times and zones, unknown fields, arbitrary Unicode. No answer is a
 * 5xx, and every 400 names at least one field.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { ROUTE_ACCESS } from '../../src/http/route-access';
import { openAccessServer, type AccessWorld, type Caller, type AccessServer } from '../support/access-world';
import { backends } from '../support/backends';

// The query fields the routes declare, and a few nobody does.
const FIELDS = [
  'active',
  'all',
  'before',
  'budget_ms',
  'by',
  'carrier',
  'created',
  'cursor',
  'cycle_days',
  'due_within',
  'expected_at',
  'hourly_cost',
  'last',
  'lead_days',
  'limit',
  'parcel_id',
  'pickups',
  'reason',
  'refresh',
  'safety_days',
  'service',
  'shift',
  'shop',
  'shop_id',
  'sku',
  'stations',
  'status',
  'to',
  'tracking_number',
  'warehouse',
  'window_days',
  'zone',
  'at',
  'q',
  'from',
  'id',
  'order_id',
  'kind',
];
const NASTY = [
  '\u0000',
  'a\u0000b',
  'shop-a\u0000',
  '99999999999999999999',
  '9223372036854775808',
  '-9223372036854775809',
  '1e400',
  '-1',
  '0',
  '1.5',
  'NaN',
  '',
  ' ',
  '25:99',
  '11:00,',
  ',',
  '11:00,99:99',
  'x:y',
  '9:00-',
  '09:00-25:00',
  'Mars/Olympus',
  'UTC\u0000',
  '../../etc',
  "'; drop table orders; --",
  '%',
  '\uFFFF',
  '\uD800',
  '🙂',
  'a'.repeat(5000),
];
const value = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
);
const query = fc.dictionary(
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...FIELDS) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 8 }) },
  ),
  value,
  { maxKeys: 4 },
);
const pathValue = fc.oneof(
  fc.constantFrom('99999999999999999999', '9223372036854775808', '-1', '0', 'a\u0000b', '1e3', 'x'),
  fc.string({ minLength: 1, maxLength: 12 }),
);

describe.each(backends)('arbitrary query strings on every GET route ($name)', (backend) => {
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

  it('never answers 5xx, and a 400 names the field', async () => {
    // `/events` is a live stream that stays open (it reads no query); the dashboard's files are static.
    const routes = Object.keys(ROUTE_ACCESS).filter(
      (route) => route.startsWith('GET ') && route !== 'GET /*' && route !== 'GET /events',
    );
    expect(routes.length).toBeGreaterThan(40);
    const problems: string[] = [];
    let sent = 0;
    for (const route of routes) {
      const pattern = route.slice(4);
      const access = ROUTE_ACCESS[route]!;
      const realId =
        access.scope === 'account'
          ? world.warehouseA
          : access.scope === 'parcel'
            ? world.a.parcelId
            : access.scope === 'case'
              ? world.a.caseId
              : access.scope === 'pack-session'
                ? world.a.packSessionId
                : world.a.orderId;
      await fc.assert(
        fc.asyncProperty(query, fc.option(pathValue, { freq: 3 }), async (q, fuzzId) => {
          const path = pattern.replace(/:(\w+)/g, (_m, name: string) =>
            encodeURIComponent(
              name === 'id' ? (fuzzId ?? String(realId)) : name === 'shop' ? (fuzzId ?? world.a.shop) : 'x',
            ),
          );
          const search = new URLSearchParams(Object.entries(q)).toString();
          const response = await app.inject({
            method: 'GET',
            url: `${path}${search ? `?${search}` : ''}`,
            headers: boss.headers,
          });
          sent++;
          const status = response.statusCode;
          let ok = status < 500;
          if (ok && status === 400) {
            const body = response.json() as { error?: { issues?: Array<{ path?: string }> } };
            ok = Boolean(body.error?.issues?.some((i) => i.path));
          }
          if (!ok) problems.push(`${route} ${path}?${search.slice(0, 100)} → ${status} ${response.body.slice(0, 160)}`);
          return true;
        }),
        { numRuns: 30, seed: 1911 },
      );
    }
    expect(sent).toBeGreaterThan(1200);
    expect(problems.slice(0, 25)).toEqual([]);
  }, 120_000);
});
