/**
 * Isolation, generated from the route table (src/http/route-access.ts ROUTE_ACCESS), not written per route: every
 * route is called against shop B's objects (another account) as each role of shop A — by browser session and by
 * API key — and as no one. Each answer must be 401, 403 or 404 (a read of a list may answer 200, but nothing of
 * B's may be in it), and nothing in the database may change.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { ROLES } from '../../src/core/access';
import { ROUTE_ACCESS, type RouteAccess } from '../../src/http/access';
import { buildServer } from '../../src/http/server';
import {
  buildAccessWorld,
  keyCaller,
  signIn,
  snapshot,
  type AccessWorld,
  type Caller,
  type ShopObjects,
} from '../support/access-world';
import { backends, contextFor } from '../support/backends';

/** Bodies that would change B's data if a check were missing (beside the scoped fields filled from the table). */
function bodyFor(
  route: string,
  world: AccessWorld,
  target: ShopObjects = world.b,
): Record<string, unknown> | undefined {
  const order = {
    order_id: 'RIVAL-B-NEW',
    platform: 'aliexpress',
    status: 'WAIT_SELLER_SEND_GOODS',
    paid_at: '2026-11-20T10:00:00Z',
    buyer_name: 'X',
    buyer_country: 'FR',
    address_line1: 'a',
    city: 'Paris',
    currency: 'EUR',
    handling_days: 5,
    lines: [{ sku: 'SKU-1', quantity: 1, unit_price: '5.00' }],
  };
  const bodies: Record<string, Record<string, unknown>> = {
    'POST /orders': { orders: [order] },
    'POST /orders/:id/extensions': { hours: 24, agreed_by: 'buyer' },
    'PUT /shops/:shop/policy': { policy_id: 'aliexpress_pop' },
    'POST /webhooks': { url: 'https://attacker.example/hook', secret: '0123456789abcdef0' },
    'POST /stock/adjustments': { sku: 'SKU-1', reason: 'counted', to: 1 },
    'POST /purchase-orders': { supplier: 'x', lines: [{ sku: 'SKU-1', quantity: 1 }] },
    'PUT /orders/:id/receipt': { freight_commit_days: 30 },
    'POST /orders/:id/receipt/extensions': { days: 5 },
    'POST /orders/:id/cases': { kind: 'refund', reason: 'x' },
    'POST /cases/:id/steps': { action: 'respond', note: 'x' },
    'POST /cases/:id/evidence': { file_name: 'a.jpg', content_base64: Buffer.from('jpeg').toString('base64') },
    'PUT /shops/:shop/boxes/:code': {
      inner_mm: [100, 100, 100],
      max_weight_g: 1000,
      tare_g: 10,
      cost: { amount: 1, currency: 'CNY' },
    },
    'PUT /shops/:shop/sender': { name: 'x', address_line1: 'x', city: 'x', country: 'CN' },
    'PUT /orders/:id/note': { note: 'x' },
    'POST /pack/sessions': { order_barcode: target.platformOrderId },
    'POST /pack/sessions/:id/scans': { code: 'SKU-1' },
    'POST /pack/sessions/:id/weight': { grams: 300 },
    'POST /keys': { name: 'stolen', role: 'owner' },
    'POST /shops/:shop/buyers/erase': { buyer: target.buyer },
    'PUT /skus/dimensions': { items: [{ sku: 'SKU-1', dims_mm: [1, 1, 1], weight_g: 1 }] },
    'PUT /carrier/rules': [] as never,
    'PUT /carrier/accounts/:carrier': { url: 'https://attacker.example/labels', api_key: 'stolen' },
    'PUT /tracking/providers/:name': { kind: 'aftership', webhook_secret: '0123456789abcdef0' },
    'POST /shops': { id: world.b.shop },
  };
  return bodies[route] ?? {};
}

/** Whose objects a request aims at: another account's (shop B), or a sibling shop's of the same account (shop C). */
interface Target {
  objects: ShopObjects;
  warehouse: string;
  purchaseOrder: number;
  keyId: number;
}

const otherAccount = (world: AccessWorld): Target => ({
  objects: world.b,
  warehouse: world.warehouseB,
  purchaseOrder: world.purchaseOrderB,
  keyId: world.keyIdB,
});
const siblingShop = (world: AccessWorld): Target => ({
  objects: world.c,
  warehouse: world.warehouseA,
  purchaseOrder: world.purchaseOrderB,
  keyId: world.keyIdC,
});

function requestFor(route: string, access: RouteAccess, world: AccessWorld, target: Target = otherAccount(world)) {
  const [method, pattern] = route.split(' ') as [string, string];
  const t = target.objects;
  const objectId: Record<string, number> = {
    order: t.orderId,
    parcel: t.parcelId,
    case: t.caseId,
    'pack-session': t.packSessionId,
    'purchase-order': target.purchaseOrder,
  };
  const params: Record<string, string> = {
    id: String(
      access.scope === 'account'
        ? target.warehouse
        : route.startsWith('DELETE /keys')
          ? target.keyId
          : (objectId[access.scope] ?? t.orderId),
    ),
    shop: t.shop,
    action: access.scope === 'purchase-order' ? 'place' : 'cancel',
    code: 'M',
    name: 'rival-provider',
    provider: 'sample',
  };
  const url = pattern.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(params[name] ?? 'x'));
  const query: Record<string, string> = {};
  const body = method === 'GET' || method === 'DELETE' ? undefined : bodyFor(route, world, t);
  const place = (where: { in: string; field: string } | undefined) => {
    if (!where || where.in === 'params') return;
    const value = where.field === 'warehouse' ? target.warehouse : where.field === 'shops' ? [t.shop] : t.shop;
    if (where.in === 'query') query[where.field] = String(value);
    else if (body && !Array.isArray(body)) body[where.field] = value;
  };
  if (access.scope === 'shops') place(access.shop);
  if (access.scope === 'shops' || access.scope === 'account') place(access.warehouse);
  if (route === 'GET /shops/:shop/buyers/export') query['buyer'] = t.buyer;
  if (route === 'GET /metrics/seller' || route === 'GET /metrics/inr') query['shop'] = t.shop;
  const search = new URLSearchParams(query).toString();
  return {
    method: method as 'GET',
    url: search ? `${url}?${search}` : url,
    ...(body !== undefined ? { payload: body as object } : {}),
  };
}

describe.each(backends)('isolation between shops and accounts on $name', (backend) => {
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  let world: AccessWorld;
  const callers: Caller[] = [];

  beforeAll(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    ctx = contextFor(opened.store);
    world = await buildAccessWorld(ctx);
    app = await buildServer(ctx, { rateLimit: { perMinute: 1_000_000, loginPerMinute: 1000 } });
    for (const role of ROLES) callers.push(await signIn(app, world.emails[role]), keyCaller(role, world.keys[role]));
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await dispose?.();
  });

  /**
   * Sends the request as every role of shop A (session and key): each answer must be 401, 403 or 404, or a read
   * whose body holds none of the markers. Failures are appended; answers the number of requests sent.
   */
  async function probeAsEveryRole(
    route: string,
    request: ReturnType<typeof requestFor>,
    markers: string[],
    failures: string[],
  ): Promise<number> {
    for (const caller of callers) {
      const response = await app.inject({ ...request, headers: caller.headers });
      const status = response.statusCode;
      if (status === 401 || status === 403 || status === 404) continue;
      // Shop codes are unique across the installation: B's code is refused as taken (409), naming no account.
      if (route === 'POST /shops' && status === 409 && !response.body.includes('account')) continue;
      const leaked = markers.filter((marker) => response.body.includes(marker));
      if (request.method !== 'GET' || status >= 300 || leaked.length > 0)
        failures.push(
          `${route} as ${caller.name}: ${status}${leaked.length ? ` leaks ${leaked.join(', ')}` : ''} ${response.body.slice(0, 160)}`,
        );
    }
    return callers.length;
  }

  it('every route of the table exists, and every route the server has is in the table', () => {
    for (const route of Object.keys(ROUTE_ACCESS)) {
      const [method, url] = route.split(' ') as [string, string];
      if (url === '/*' || url === '/') continue; // the dashboard's files: present only when it is built
      expect(app.hasRoute({ method: method as 'GET', url }), route).toBe(true);
    }
  });

  it("no role of shop A reaches shop B's objects, no one reaches anything, and nothing changes", async () => {
    const before = await snapshot(ctx);
    const failures: string[] = [];
    let calls = 0;
    for (const [route, access] of Object.entries(ROUTE_ACCESS)) {
      if (access.scope === 'public' || access.scope === 'signed-in') continue;
      const request = requestFor(route, access, world);
      const anonymous = await app.inject(request);
      calls++;
      if (anonymous.statusCode !== 401) failures.push(`${route} as no one: ${anonymous.statusCode}`);
      // The live stream never ends for a caller it admits (it carries only a version number, no shop's data).
      if (route === 'GET /events') continue;
      calls += await probeAsEveryRole(route, request, world.markersOfB, failures);
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(Object.keys(ROUTE_ACCESS).length * 5);
    expect(await snapshot(ctx)).toBe(before);
  }, 180_000);

  it("within one account, no role of shop A reaches sibling shop C's objects, users or keys, and nothing changes", async () => {
    // Warehouses, purchase orders and the installation's catalogues are the account's (or everyone's) by design;
    // everything addressed by shop, by an object of a shop, or by a key of a shop is checked against shop C.
    const sharedScopes = new Set(['public', 'signed-in', 'account', 'purchase-order', 'installation']);
    const before = await snapshot(ctx);
    const failures: string[] = [];
    let calls = 0;
    for (const [route, access] of Object.entries(ROUTE_ACCESS)) {
      if (sharedScopes.has(access.scope) || route === 'GET /events') continue;
      const request = requestFor(route, access, world, siblingShop(world));
      calls += await probeAsEveryRole(route, request, world.markersOfC, failures);
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(200);
    expect(await snapshot(ctx)).toBe(before);
  }, 180_000);

  it("refreshing every plan reaches only the caller's account's warehouses; the rival's plan is not computed", async () => {
    const storedRival = () =>
      ctx.store.db
        .selectFrom('stored_plans')
        .select('warehouse_id')
        .where('warehouse_id', '=', world.warehouseB)
        .execute();
    expect(await storedRival()).toEqual([]);
    for (const caller of [callers.find((c) => c.name === 'key:owner')!, await signIn(app, world.emails.boss)]) {
      const response = await app.inject({ method: 'POST', url: '/plan/refresh', headers: caller.headers, payload: {} });
      expect(response.statusCode, caller.name).toBe(200);
      expect(response.json().plans.map((p: { warehouse_id: string }) => p.warehouse_id)).toEqual([world.warehouseA]);
      expect(world.markersOfB.filter((m) => response.body.includes(m))).toEqual([]);
    }
    expect(await storedRival()).toEqual([]);
  });

  it("a warehouse's plan shows a caller of shop A none of sibling shop C's orders, which they cannot open either", async () => {
    const url = `/plan?warehouse=${world.warehouseA}`;
    const ids = (body: { stations: Array<{ queue: Array<{ platform_order_id: string }> }> }) =>
      body.stations.flatMap((s) => s.queue.map((j) => j.platform_order_id)).sort();
    const boss = await signIn(app, world.emails.boss);
    const all = await app.inject({ method: 'GET', url, headers: boss.headers });
    expect(ids(all.json())).toEqual(['SHOP-A-PLANNED', 'SHOP-C-PLANNED']);
    const orderC = await ctx.store.db
      .selectFrom('orders')
      .select('id')
      .where('platform_order_id', '=', 'SHOP-C-PLANNED')
      .executeTakeFirstOrThrow();
    for (const caller of callers) {
      const response = await app.inject({ method: 'GET', url, headers: caller.headers });
      expect(response.statusCode, caller.name).toBe(200);
      expect(ids(response.json()), caller.name).toEqual(['SHOP-A-PLANNED']);
      expect(response.body, caller.name).not.toContain('shop-c');
      expect(response.json().hidden_orders, caller.name).toBe(1);
      expect(
        (await app.inject({ method: 'GET', url: `/orders/${orderC.id}`, headers: caller.headers })).statusCode,
        caller.name,
      ).toBe(404);
    }
  });
});
