/**
 * Abuse of every write route of the table: fast-check makes arbitrary JSON bodies (scalars, arrays, objects that
 * carry a field no route knows) and sends them as the installation's owner, who may do everything, to shop A's
 * own objects. The answer is always a 4xx with the error shape, never a 5xx, and the database never changes.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { ROUTE_ACCESS } from '../../src/http/access';
import { openAccessServer, snapshot, type AccessWorld, type Caller, type AccessServer } from '../support/access-world';
import { backends } from '../support/backends';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Sign-out takes no body and ends the caller's own session: it is not a route a body can abuse.
const SKIP = new Set(['POST /auth/logout']);

/** JSON that no write route accepts: a scalar, an array of scalars, or an object with a field nobody declared. */
const hostileBody = fc.oneof(
  fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean()),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), { minLength: 1, maxLength: 5 }),
  fc
    .tuple(
      fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
      fc.string({ minLength: 1, maxLength: 8 }),
    )
    .map(([object, suffix]) => ({ ...object, [`unknown_${suffix}`]: object })),
);

describe.each(backends.slice(0, 1))('arbitrary bodies on every write route ($name)', (backend) => {
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

  it('answers 4xx, never 5xx, and stores nothing', async () => {
    const params: Record<string, string> = {
      id: String(world.a.orderId),
      shop: world.a.shop,
      action: 'cancel',
      code: 'M',
      name: 'fuzz',
      provider: 'sample',
    };
    const routes = Object.keys(ROUTE_ACCESS).filter((route) => UNSAFE.has(route.split(' ')[0]!) && !SKIP.has(route));
    expect(routes.length).toBeGreaterThan(30);
    const before = await snapshot(ctx);
    const problems: string[] = [];
    for (const route of routes) {
      const [method, pattern] = route.split(' ') as [string, string];
      const access = ROUTE_ACCESS[route]!;
      const id =
        access.scope === 'account'
          ? world.warehouseA
          : access.scope === 'parcel'
            ? world.a.parcelId
            : access.scope === 'case'
              ? world.a.caseId
              : access.scope === 'pack-session'
                ? world.a.packSessionId
                : route.startsWith('DELETE /keys')
                  ? 999_999
                  : world.a.orderId;
      const url = pattern.replace(/:(\w+)/g, (_m, name: string) =>
        name === 'id' ? String(id) : (params[name] ?? 'x'),
      );
      await fc
        .assert(
          fc.asyncProperty(hostileBody, async (body) => {
            const response = await app.inject({
              method: method as 'POST',
              url,
              headers: { ...boss.headers, 'content-type': 'application/json' },
              payload: JSON.stringify(body),
            });
            const ok =
              response.statusCode >= 400 &&
              response.statusCode < 500 &&
              typeof response.json().error?.message === 'string';
            if (!ok)
              problems.push(
                `${route} ${JSON.stringify(body).slice(0, 80)} → ${response.statusCode} ${response.body.slice(0, 120)}`,
              );
            return ok;
          }),
          { numRuns: 40, seed: 4242 },
        )
        .catch(() => undefined); // every failure is collected above, so all routes are tried before the test fails
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(await snapshot(ctx)).toBe(before);
  }, 240_000);
});
