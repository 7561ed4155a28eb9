/**
 * Two accounts for the access tests. Account `default` has shops A and C; account `rival` has shop B. Users of
 * shop A hold one role each (owner, manager, packer, viewer) in A only; `boss` owns the whole default account.
 * Each shop has an order with a parcel, an after-sales case and a pack session; each account a warehouse with stock
 * and a purchase order, and staffing; wh-a serves a planned order of shop A and one of shop C. Keys: one per role,
 * scoped to shop A.
 */
import type { FastifyInstance } from 'fastify';
import { addShop, addUser, createAccount, createApiKey, assignWarehouse } from '../../src/app/accounts';
import { openCase } from '../../src/app/after-sales';
import type { AppContext } from '../../src/app/context';
import { addWebhook } from '../../src/app/deadlines';
import { upsertOrders } from '../../src/app/orders';
import { setStaffing } from '../../src/app/planning';
import { adjustStock, createPurchaseOrder, defineSku, defineWarehouse } from '../../src/app/stock';
import { ROLES, type Role } from '../../src/core/access';
import { CSRF_HEADER } from '../../src/http/access';
import { buildServer } from '../../src/http/server';
import { contextFor, manualClock, type TestBackend } from './backends';
import { jsonOrder } from './stock';

export const PASSWORD = 'correct horse battery';

export interface ShopObjects {
  shop: string;
  orderId: number;
  platformOrderId: string;
  parcelId: number;
  caseId: number;
  packSessionId: number;
  buyer: string;
}

export interface Caller {
  name: string;
  headers: Record<string, string>;
}

export interface AccessWorld {
  a: ShopObjects;
  b: ShopObjects;
  c: ShopObjects;
  warehouseA: string;
  warehouseB: string;
  purchaseOrderB: number;
  keyIdB: number;
  /** A key of shop C (the same account as A), made by the account's owner: not for A's owner to see or revoke. */
  keyIdC: number;
  /** Strings that only shop C's data contains (a sibling of A in the same account). */
  markersOfC: string[];
  /** Strings that only shop B's (and account rival's) data contains. */
  markersOfB: string[];
  /** Users of shop A by role, and the default account's owner. */
  emails: Record<Role | 'boss', string>;
  keys: Record<Role, string>;
}

async function shopObjects(ctx: AppContext, shop: string, buyer: string): Promise<ShopObjects> {
  const platformOrderId = `${shop.toUpperCase()}-ORDER-1`;
  const { ids } = await upsertOrders(
    ctx,
    shop,
    [
      {
        order: jsonOrder(platformOrderId, 'WAIT_SELLER_SEND_GOODS', [{ sku: 'SKU-1', quantity: 1 }], {
          buyer_name: buyer,
          phone: '+33 6 12 34 56 78',
        }),
        row: 1,
      },
    ],
    'test',
  );
  const orderId = ids.get(platformOrderId)!;
  const now = ctx.now();
  const parcel = await ctx.store.db
    .insertInto('parcels')
    .values({
      order_id: orderId,
      shop_id: shop,
      status: 'labelled',
      carrier: 'sample',
      service: 'SAMPLE-STD',
      tracking_number: `LX${shop.length}00000000CN`,
      weight_g: 300,
      packed_at: now,
      labelled_at: now,
      handed_over_at: null,
      tracking_uploaded_at: null,
      first_scan_at: null,
      delivered_at: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const kase = await openCase(ctx, { orderId, kind: 'not_received', reason: 'where is it' }, 'test');
  const session = await ctx.store.db
    .insertInto('pack_sessions')
    .values({
      order_id: orderId,
      shop_id: shop,
      status: 'scanning',
      current_parcel_id: null,
      station: 'S1',
      packer: 'p',
      tolerance_bp: 1000,
      tolerance_min_g: 20,
      started_at: now,
      updated_at: now,
      finished_at: null,
      version: 1,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { shop, orderId, platformOrderId, parcelId: parcel.id, caseId: kase.id, packSessionId: session.id, buyer };
}

export async function buildAccessWorld(ctx: AppContext): Promise<AccessWorld> {
  await createAccount(ctx, 'rival', 'Rival Trading');
  await addShop(ctx, { id: 'shop-a', accountId: 'default' });
  await addShop(ctx, { id: 'shop-c', accountId: 'default' });
  await addShop(ctx, { id: 'rival-b', accountId: 'rival' });
  await defineSku(ctx, { sku: 'SKU-1', name: 'Widget' });
  for (const [warehouse, account] of [
    ['wh-a', 'default'],
    ['rival-wh', 'rival'],
  ] as const) {
    await defineWarehouse(ctx, { id: warehouse, kind: 'domestic', timeZone: 'Asia/Shanghai', cutoffTime: '16:00' });
    await assignWarehouse(ctx, warehouse, account);
    await adjustStock(ctx, { warehouseId: warehouse, sku: 'SKU-1', reason: 'counted', to: 50, actor: 'test' });
  }
  const a = await shopObjects(ctx, 'shop-a', 'Alice Buyer');
  const b = await shopObjects(ctx, 'rival-b', 'Rivalina Secretbuyer');
  const c = await shopObjects(ctx, 'shop-c', 'Carol Buyer');
  // Orders with a deadline that warehouse wh-a serves for its two shops, A and C: its plan holds both. The rival
  // account's warehouse has staffing, so a refresh of every plan would reach it.
  // (Its SKU is stocked in wh-a only, so that is where the orders reserve.)
  await defineSku(ctx, { sku: 'SKU-PLAN', name: 'Planned widget' });
  await adjustStock(ctx, { warehouseId: 'wh-a', sku: 'SKU-PLAN', reason: 'counted', to: 10, actor: 'test' });
  for (const shop of ['shop-a', 'shop-c']) {
    const order = jsonOrder(
      `${shop.toUpperCase()}-PLANNED`,
      'WAIT_SELLER_SEND_GOODS',
      [{ sku: 'SKU-PLAN', quantity: 1 }],
      { paid_at: '2026-11-24T00:00:00Z', risk_passed_at: '2026-11-24T02:00:00Z', handling_days: 5 },
    );
    await upsertOrders(ctx, shop, [{ order, row: 1 }], 'test');
  }
  await setStaffing(ctx, 'wh-a', { stations: 1 });
  await setStaffing(ctx, 'rival-wh', { stations: 1 });
  const purchaseOrderB = await createPurchaseOrder(ctx, {
    warehouseId: 'rival-wh',
    supplier: 'Rival Supplier',
    lines: [{ sku: 'SKU-1', quantity: 5 }],
  });
  await addWebhook(ctx, { shopId: 'rival-b', url: 'https://rival.example/hook', secret: 'rival-secret-0123456789' });

  const emails = { boss: 'boss@a.example' } as Record<Role | 'boss', string>;
  await addUser(ctx, { email: emails.boss, password: PASSWORD, accountOwner: true });
  for (const role of ROLES) {
    emails[role] = `${role}@a.example`;
    await addUser(ctx, { email: emails[role], password: PASSWORD, shops: [{ shopId: 'shop-a', role }] });
  }
  await addUser(ctx, { email: 'owner@rival.example', password: PASSWORD, accountId: 'rival', accountOwner: true });
  const keys = {} as Record<Role, string>;
  for (const role of ROLES)
    keys[role] = (
      await createApiKey(ctx, {
        accountId: 'default',
        name: `erp-${role}`,
        role,
        shopIds: ['shop-a'],
        createdBy: 'test',
      })
    ).token;
  const keyIdB = (
    await createApiKey(ctx, {
      accountId: 'rival',
      name: 'rival-erp',
      role: 'owner',
      shopIds: ['rival-b'],
      createdBy: 'test',
    })
  ).id;
  const keyIdC = (
    await createApiKey(ctx, {
      accountId: 'default',
      name: 'sibling-c-erp',
      role: 'owner',
      shopIds: ['shop-c'],
      createdBy: emails.boss,
    })
  ).id;
  await addUser(ctx, { email: 'packer@c.example', password: PASSWORD, shops: [{ shopId: 'shop-c', role: 'packer' }] });

  return {
    a,
    b,
    c,
    warehouseA: 'wh-a',
    warehouseB: 'rival-wh',
    purchaseOrderB,
    keyIdB,
    keyIdC,
    emails,
    keys,
    markersOfC: ['shop-c', 'SHOP-C-ORDER-1', 'Carol Buyer', 'sibling-c-erp', 'packer@c.example'],
    markersOfB: ['rival-b', 'RIVAL-B-ORDER-1', 'Rivalina', 'rival-wh', 'Rival Supplier', 'rival.example', 'rival-erp'],
  };
}

/** Signs in through the API: the session cookie and the CSRF header, as a browser would send them. */
export async function signIn(app: FastifyInstance, email: string, password = PASSWORD): Promise<Caller> {
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });
  if (response.statusCode !== 200)
    throw new Error(`sign-in of ${email} failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'shipby_session')!;
  return {
    name: `session:${email}`,
    headers: { cookie: `shipby_session=${cookie.value}`, [CSRF_HEADER]: response.json().csrf_token },
  };
}

export function keyCaller(role: Role, token: string): Caller {
  return { name: `key:${role}`, headers: { authorization: `Bearer ${token}` } };
}

/**
 * Everything the API can change, as one comparable value: every table but the ones that record access itself
 * (the audit log, sessions, sign-in links, the keys' last use, the shared rate-limit counters) and the rate of
 * change of nothing else.
 */
export async function snapshot(ctx: AppContext): Promise<string> {
  const skip = new Set([
    'audit_log',
    'user_sessions',
    'sign_in_links',
    'sign_in_failures',
    'known_devices',
    'api_keys',
    'users',
    'kysely_migration',
    'kysely_migration_lock',
    'rate_limits',
  ]);
  const tables = (await ctx.store.db.introspection.getTables())
    .map((t) => t.name)
    .filter((name) => !skip.has(name))
    .sort();
  const parts: string[] = [];
  for (const table of tables) {
    const rows = await ctx.store.db
      .selectFrom(table as never)
      .selectAll()
      .execute();
    parts.push(`${table}:${JSON.stringify(rows.map((r) => JSON.stringify(r)).sort())}`);
  }
  // Users change only by their counters of failed sign-ins (which the lockout test moves on purpose).
  const users = await ctx.store.db
    .selectFrom('users')
    .select(['id', 'email', 'password_hash', 'account_owner', 'disabled_at'])
    .orderBy('id')
    .execute();
  const keys = await ctx.store.db
    .selectFrom('api_keys')
    .select(['id', 'name', 'role', 'revoked_at'])
    .orderBy('id')
    .execute();
  parts.push(`users:${JSON.stringify(users)}`, `api_keys:${JSON.stringify(keys)}`);
  return parts.join('\n');
}

/** A server on a fresh store of `backend` holding the access world, with the installation's owner signed in. */
export interface AccessServer {
  ctx: AppContext;
  app: FastifyInstance;
  world: AccessWorld;
  boss: Caller;
  close(): Promise<void>;
}

export async function openAccessServer(
  backend: TestBackend,
  options: { clock?: ReturnType<typeof manualClock> } = {},
): Promise<AccessServer> {
  const opened = await backend.open();
  const ctx = options.clock ? contextFor(opened.store, options.clock) : contextFor(opened.store);
  const world = await buildAccessWorld(ctx);
  // No rate limit in the way: these tests send thousands of requests as one caller.
  const app = await buildServer(ctx, { rateLimit: { perMinute: 1_000_000, loginPerMinute: 1_000_000 } });
  const boss = await signIn(app, world.emails.boss);
  return {
    ctx,
    app,
    world,
    boss,
    async close() {
      await app.close();
      await opened.dispose();
    },
  };
}
