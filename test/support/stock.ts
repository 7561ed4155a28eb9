/**
 * Stock test helpers: a small catalogue, orders with chosen lines, and an independent check of the invariants
 * (it recomputes what each order needs from its lines and the mapping, without the engine's code).
 */
import { expect } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { upsertOrders } from '../../src/app/orders';
import { auditStock, defineSku, defineWarehouse, mapPlatformSku } from '../../src/app/stock';
import { type ImportIssue } from '../../src/core/order-input';
import { parseJsonOrder } from '../../src/core/order-input-json';
import type { Store } from '../../src/store/database';

export async function seedCatalogue(ctx: AppContext, shopId = 'shop-s'): Promise<void> {
  await defineWarehouse(ctx, {
    id: 'SZ',
    name: 'Shenzhen',
    kind: 'domestic',
    country: 'CN',
    timeZone: 'Asia/Shanghai',
    cutoffTime: '16:00',
  });
  await defineWarehouse(ctx, {
    id: 'MAD',
    name: 'Madrid',
    kind: 'overseas',
    country: 'ES',
    timeZone: 'Europe/Madrid',
    cutoffTime: '12:00',
  });
  for (const sku of ['A', 'B', 'C'])
    await defineSku(ctx, { sku, name: `Seller ${sku}`, productId: 'P1', leadDays: 7, safetyDays: 3, cycleDays: 14 });
  // The shop must exist for its mapping: an order creates it.
  await upsertOrders(
    ctx,
    shopId,
    [{ order: jsonOrder('seed', 'FINISH', [{ sku: 'UNTRACKED', quantity: 1 }]), row: 1 }],
    'test',
  );
  await mapPlatformSku(ctx, shopId, 'AE-A', [{ sku: 'A', units: 1 }]);
  await mapPlatformSku(ctx, shopId, 'AE-KIT', [
    { sku: 'A', units: 1 },
    { sku: 'B', units: 2 },
  ]);
}

/** Back to the seeded catalogue with no stock and no orders but the seed: cheaper than a fresh database. */
export async function resetStock(store: Store): Promise<void> {
  for (const table of [
    'stock_alerts',
    'stock_movements',
    'stock_shortfalls',
    'stock_reservations',
    'purchase_order_lines',
    'purchase_orders',
    'stock_levels',
  ] as const) {
    await store.db.deleteFrom(table).execute();
  }
  await store.db.deleteFrom('order_events').execute();
  const others = store.db.selectFrom('orders').select('id').where('platform_order_id', '!=', 'seed');
  await store.db.deleteFrom('order_lines').where('order_id', 'in', others).execute();
  await store.db.deleteFrom('orders').where('platform_order_id', '!=', 'seed').execute();
}

export function jsonOrder(
  id: string,
  status: string,
  lines: Array<{ sku: string; quantity: number }>,
  extra: Record<string, unknown> = {},
) {
  const issues: ImportIssue[] = [];
  const order = parseJsonOrder(
    {
      order_id: id,
      platform: 'aliexpress',
      status,
      paid_at: '2026-11-20T10:00:00Z',
      buyer_name: 'B',
      buyer_country: 'FR',
      address_line1: 'a',
      city: 'Paris',
      currency: 'EUR',
      handling_days: 5,
      lines: lines.map((l) => ({ ...l, unit_price: '5.00' })),
      ...extra,
    },
    '',
    1,
    issues,
  );
  if (!order) throw new Error(JSON.stringify(issues));
  return order;
}

export async function placeOrder(
  ctx: AppContext,
  shopId: string,
  id: string,
  lines: Array<{ sku: string; quantity: number }>,
  options: { status?: string; shipBy?: string } = {},
): Promise<number> {
  const order = jsonOrder(
    id,
    options.status ?? 'RISK_CONTROL',
    lines,
    options.shipBy ? { ship_by: options.shipBy } : {},
  );
  const { ids } = await upsertOrders(ctx, shopId, [{ order, row: 1 }], 'test');
  return ids.get(id)!;
}

export async function level(store: Store, warehouseId: string, sku: string) {
  const row = await store.db
    .selectFrom('stock_levels')
    .selectAll()
    .where('warehouse_id', '=', warehouseId)
    .where('sku', '=', sku)
    .executeTakeFirst();
  return row ? { on_hand: row.on_hand, reserved: row.reserved } : undefined;
}

export async function orderState(store: Store, id: number): Promise<string> {
  return (await store.db.selectFrom('orders').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
}

/**
 * The invariants, checked from the tables: the audit finds nothing (on_hand ≥ reserved ≥ 0, reservations sum
 * to reserved and belong to open orders, the ledger sums to the stock); every stock-tracked order awaiting
 * shipment holds exactly its demand from ONE warehouse; every waiting order holds nothing, has its reason
 * recorded, and (when `strict`) no single warehouse could serve it now.
 */
export async function expectStockInvariants(ctx: AppContext, options: { strict?: boolean } = {}): Promise<void> {
  expect(await auditStock(ctx)).toEqual([]);
  const db = ctx.store.db;
  const orders = await db
    .selectFrom('orders')
    .select(['id', 'shop_id', 'status'])
    .where('status', 'in', ['awaiting_shipment', 'awaiting_stock'])
    .execute();
  if (orders.length === 0) return;
  const lines = await db.selectFrom('order_lines').selectAll().execute();
  const mappings = await db.selectFrom('sku_mappings').selectAll().execute();
  const skus = new Set((await db.selectFrom('skus').select('sku').execute()).map((s) => s.sku));
  const reservations = await db.selectFrom('stock_reservations').selectAll().execute();
  const shortfalls = await db.selectFrom('stock_shortfalls').selectAll().execute();
  const levels = await db.selectFrom('stock_levels').selectAll().execute();
  for (const o of orders) {
    const need = new Map<string, number>(); // "lineId|sku" → units
    for (const l of lines.filter((x) => x.order_id === o.id)) {
      const own = mappings.filter((m) => m.shop_id === o.shop_id && m.platform_sku === l.sku);
      const components = own.length
        ? own.map((m) => ({ sku: m.sku, units: m.units }))
        : skus.has(l.sku)
          ? [{ sku: l.sku, units: 1 }]
          : [];
      for (const c of components) need.set(`${l.id}|${c.sku}`, l.quantity * c.units);
    }
    const held = reservations.filter((r) => r.order_id === o.id);
    if (o.status === 'awaiting_shipment') {
      expect(
        new Map(held.map((r) => [`${r.order_line_id}|${r.sku}`, r.quantity])),
        `order ${o.id} holds its demand`,
      ).toEqual(need);
      expect(new Set(held.map((r) => r.warehouse_id)).size, `order ${o.id} from one warehouse`).toBeLessThanOrEqual(1);
    } else {
      expect(held, `waiting order ${o.id} holds nothing`).toEqual([]);
      const reasons = shortfalls.filter((s) => s.order_id === o.id);
      expect(
        reasons.some((s) => s.missing > 0),
        `waiting order ${o.id} says what is missing`,
      ).toBe(true);
      if (options.strict) {
        const bySku = new Map<string, number>();
        for (const [k, q] of need) bySku.set(k.split('|')[1]!, (bySku.get(k.split('|')[1]!) ?? 0) + q);
        for (const w of new Set(levels.map((l) => l.warehouse_id))) {
          const servable = [...bySku].every(([sku, q]) => {
            const l = levels.find((x) => x.warehouse_id === w && x.sku === sku);
            return l !== undefined && l.on_hand - l.reserved >= q;
          });
          expect(servable, `waiting order ${o.id} could be served from ${w}`).toBe(false);
        }
      }
    }
  }
}
