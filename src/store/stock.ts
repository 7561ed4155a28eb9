/**
 * Stock persistence: the catalogue, stock levels and their ledger, reservations, shortfalls, alerts and
 * purchase orders. Every function takes the transaction it runs in (only the app layer opens them).
 *
 * Locking (PostgreSQL): a writer locks the order rows it settles first (by id), then every stock row it will
 * touch in ONE statement ordered by (warehouse_id, sku), so two writers never wait on each other in a cycle.
 * The locks are FOR NO KEY UPDATE, what an UPDATE of non-key columns takes anyway: FOR UPDATE would also block
 * the FOR KEY SHARE that inserting a reservation (its foreign key) takes on the row, and deadlock.
 * The stock update itself is conditional (`on_hand - reserved >= n`) and the table has a CHECK, so even a
 * writer that got this wrong could not oversell. SQLite has one writer at a time and needs none of it.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema';
import type { StockLevelRow, StockReservationRow } from './schema-stock';
import type { NewMovementRow } from '../core/stock-settle-plan';

export type Executor = Kysely<Database> | Transaction<Database>;
export type LockMode = 'wait' | 'skip' | 'none';

// Bound parameters per statement: SQLite allows 32766, PostgreSQL 65535.
const IN_CHUNK = 5000;
const ROW_CHUNK = 2000;
const FAR_FUTURE = 8.64e15;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Catalogue

export async function catalogIsEmpty(db: Executor): Promise<boolean> {
  return (await db.selectFrom('skus').select('sku').limit(1).executeTakeFirst()) === undefined;
}

export async function upsertWarehouse(
  db: Executor,
  w: { id: string; name: string; kind: string; country: string | null; time_zone: string; cutoff_time: string },
  now: number,
): Promise<void> {
  await db
    .insertInto('warehouses')
    .values({ ...w, created_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        name: w.name,
        kind: w.kind,
        country: w.country,
        time_zone: w.time_zone,
        cutoff_time: w.cutoff_time,
        updated_at: now,
      }),
    )
    .execute();
}

export async function listWarehouses(db: Executor) {
  return db.selectFrom('warehouses').selectAll().orderBy('id').execute();
}

export async function upsertProduct(db: Executor, p: { id: string; name: string }, now: number): Promise<void> {
  await db
    .insertInto('products')
    .values({ ...p, created_at: now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ name: p.name }))
    .execute();
}

export async function upsertSku(
  db: Executor,
  s: {
    sku: string;
    product_id: string | null;
    name: string;
    lead_days: number;
    safety_days: number;
    cycle_days: number;
  },
  now: number,
): Promise<void> {
  await db
    .insertInto('skus')
    .values({ ...s, created_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.column('sku').doUpdateSet({
        product_id: s.product_id,
        name: s.name,
        lead_days: s.lead_days,
        safety_days: s.safety_days,
        cycle_days: s.cycle_days,
        updated_at: now,
      }),
    )
    .execute();
}

export async function getSkus(db: Executor, skus?: readonly string[]) {
  if (skus && skus.length === 0) return [];
  let query = db.selectFrom('skus').selectAll();
  if (skus) query = query.where('sku', 'in', [...skus]);
  return query.orderBy('sku').execute();
}

export async function existingSkus(db: Executor, skus: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks([...new Set(skus)], IN_CHUNK)) {
    for (const r of await db.selectFrom('skus').select('sku').where('sku', 'in', part).execute()) found.add(r.sku);
  }
  return found;
}

export async function replaceMapping(
  db: Executor,
  shopId: string,
  platformSku: string,
  components: Array<{ sku: string; units: number }>,
): Promise<void> {
  await db.deleteFrom('sku_mappings').where('shop_id', '=', shopId).where('platform_sku', '=', platformSku).execute();
  if (components.length) {
    await db
      .insertInto('sku_mappings')
      .values(components.map((c) => ({ shop_id: shopId, platform_sku: platformSku, sku: c.sku, units: c.units })))
      .execute();
  }
}

export async function listMappings(db: Executor, shopId?: string) {
  let query = db.selectFrom('sku_mappings').selectAll();
  if (shopId) query = query.where('shop_id', '=', shopId);
  return query.orderBy('shop_id').orderBy('platform_sku').orderBy('sku').execute();
}

// ---------------------------------------------------------------------------------------------------------
// Orders as stock sees them

export interface OrderHead {
  id: number;
  shop_id: string;
  platform_order_id: string;
  status: string;
  ship_by_at: number | null;
  buyer_country: string;
}

const HEAD_COLUMNS = ['id', 'shop_id', 'platform_order_id', 'status', 'ship_by_at', 'buyer_country'] as const;

/** Orders by id, in id order (locked on PostgreSQL when asked, so two lockers queue rather than deadlock). */
export async function lockOrderHeads(db: Executor, ids: readonly number[], lock: LockMode): Promise<OrderHead[]> {
  const rows: OrderHead[] = [];
  for (const part of chunks(
    [...new Set(ids)].sort((a, b) => a - b),
    IN_CHUNK,
  )) {
    let query = db
      .selectFrom('orders')
      .select([...HEAD_COLUMNS])
      .where('id', 'in', part)
      .orderBy('id');
    if (lock === 'wait') query = query.forNoKeyUpdate();
    if (lock === 'skip') query = query.forNoKeyUpdate().skipLocked();
    rows.push(...(await query.execute()));
  }
  return rows;
}

export interface SettlingOrder extends OrderHead {
  /** Reservation rows it holds and shortfall rows it has: the common fresh order has neither, and reads no more. */
  held: number;
  short: number;
}

/** The orders to settle, locked, with how much they hold and lack (one round trip instead of three). */
export async function lockSettlingOrders(
  db: Executor,
  ids: readonly number[],
  lock: LockMode,
): Promise<SettlingOrder[]> {
  const rows: SettlingOrder[] = [];
  for (const part of chunks(
    [...new Set(ids)].sort((a, b) => a - b),
    IN_CHUNK,
  )) {
    let query = db
      .selectFrom('orders as o')
      .select(['o.id', 'o.shop_id', 'o.platform_order_id', 'o.status', 'o.ship_by_at', 'o.buyer_country'])
      .select((eb) => [
        eb
          .selectFrom('stock_reservations as r')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('r.order_id', '=', 'o.id')
          .as('held'),
        eb
          .selectFrom('stock_shortfalls as f')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('f.order_id', '=', 'o.id')
          .as('short'),
      ])
      .where('o.id', 'in', part)
      .orderBy('o.id');
    if (lock === 'wait') query = query.forNoKeyUpdate('o');
    if (lock === 'skip') query = query.forNoKeyUpdate('o').skipLocked();
    rows.push(...(await query.execute()).map((r) => ({ ...r, held: Number(r.held), short: Number(r.short) })));
  }
  return rows;
}

/** An order line with what its marketplace SKU means in the shop: the mapping's components, or the SKU itself. */
export interface DemandLineRow {
  id: number;
  order_id: number;
  sku: string;
  quantity: number;
  mapped_sku: string | null;
  units: number | null;
  own_sku: string | null;
}

export async function demandLines(db: Executor, orderIds: readonly number[]): Promise<DemandLineRow[]> {
  const rows: DemandLineRow[] = [];
  for (const part of chunks(orderIds, IN_CHUNK)) {
    rows.push(
      ...(await db
        .selectFrom('order_lines as l')
        .innerJoin('orders as o', 'o.id', 'l.order_id')
        .leftJoin('sku_mappings as m', (join) =>
          join.onRef('m.shop_id', '=', 'o.shop_id').onRef('m.platform_sku', '=', 'l.sku'),
        )
        .leftJoin('skus as s', 's.sku', 'l.sku')
        .select(['l.id', 'l.order_id', 'l.sku', 'l.quantity', 'm.sku as mapped_sku', 'm.units', 's.sku as own_sku'])
        .where('l.order_id', 'in', part)
        .orderBy('l.order_id')
        .orderBy('l.line_no')
        .execute()),
    );
  }
  return rows;
}

export interface LevelWithWarehouse extends StockLevelRow {
  name: string;
  kind: string;
  country: string | null;
  time_zone: string;
  cutoff_time: string;
  account_id: string;
}

/** Every stock row of the given SKUs with its warehouse, locked in (warehouse_id, sku) order (see the top). */
export async function lockLevelsWithWarehouses(
  db: Executor,
  skus: readonly string[],
  lock: LockMode,
): Promise<LevelWithWarehouse[]> {
  if (skus.length === 0) return [];
  const rows: LevelWithWarehouse[] = [];
  for (const part of chunks([...new Set(skus)].sort(), IN_CHUNK * 4)) {
    let query = db
      .selectFrom('stock_levels as l')
      .innerJoin('warehouses as w', 'w.id', 'l.warehouse_id')
      .selectAll('l')
      .select(['w.name', 'w.kind', 'w.country', 'w.time_zone', 'w.cutoff_time', 'w.account_id'])
      .where('l.sku', 'in', part)
      .orderBy('l.warehouse_id')
      .orderBy('l.sku');
    if (lock === 'wait') query = query.forNoKeyUpdate('l');
    if (lock === 'skip') query = query.forNoKeyUpdate('l').skipLocked();
    rows.push(...(await query.execute()));
  }
  return rows;
}

/**
 * Orders waiting for stock that need any of `skus`, the earliest deadline first. With `skip`, orders another
 * transaction holds are left out (it is settling them and will see this stock when it gets the rows).
 */
export async function waitingOrdersNeeding(
  db: Executor,
  skus: readonly string[],
  lock: LockMode,
): Promise<OrderHead[]> {
  if (skus.length === 0) return [];
  const ids = new Set<number>();
  for (const part of chunks([...new Set(skus)], IN_CHUNK)) {
    for (const r of await db
      .selectFrom('stock_shortfalls')
      .select('order_id')
      .distinct()
      .where('sku', 'in', part)
      .execute())
      ids.add(r.order_id);
  }
  const rows: OrderHead[] = [];
  for (const part of chunks(
    [...ids].sort((a, b) => a - b),
    IN_CHUNK,
  )) {
    let query = db
      .selectFrom('orders')
      .select([...HEAD_COLUMNS])
      .where('id', 'in', part)
      .where('status', '=', 'awaiting_stock')
      .orderBy('id');
    if (lock === 'wait') query = query.forNoKeyUpdate();
    if (lock === 'skip') query = query.forNoKeyUpdate().skipLocked();
    rows.push(...(await query.execute()));
  }
  return rows.sort((a, b) => (a.ship_by_at ?? FAR_FUTURE) - (b.ship_by_at ?? FAR_FUTURE) || a.id - b.id);
}

export async function waitingOrderIds(db: Executor, limit: number, afterId = 0): Promise<number[]> {
  const rows = await db
    .selectFrom('orders')
    .select('id')
    .where('status', '=', 'awaiting_stock')
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Open orders that hold nothing and record no shortfall: accepted before their SKUs were in the catalogue. */
export async function unreservedOpenOrderIds(db: Executor, limit: number, afterId = 0): Promise<number[]> {
  const rows = await db
    .selectFrom('orders as o')
    .select('o.id')
    .where('o.status', 'in', ['awaiting_shipment', 'awaiting_stock'])
    .where('o.id', '>', afterId)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('stock_reservations as r').select('r.id').whereRef('r.order_id', '=', 'o.id'))),
    )
    .orderBy('o.id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export async function linesOfOrders(db: Executor, orderIds: readonly number[]) {
  const rows: Array<{ id: number; order_id: number; line_no: number; sku: string; quantity: number }> = [];
  for (const part of chunks(orderIds, IN_CHUNK)) {
    rows.push(
      ...(await db
        .selectFrom('order_lines')
        .select(['id', 'order_id', 'line_no', 'sku', 'quantity'])
        .where('order_id', 'in', part)
        .orderBy('order_id')
        .orderBy('line_no')
        .execute()),
    );
  }
  return rows;
}

export async function reservationsOfOrders(db: Executor, orderIds: readonly number[]): Promise<StockReservationRow[]> {
  const rows: StockReservationRow[] = [];
  for (const part of chunks(orderIds, IN_CHUNK))
    rows.push(...(await db.selectFrom('stock_reservations').selectAll().where('order_id', 'in', part).execute()));
  return rows;
}

export async function shortfallsOfOrders(db: Executor, orderIds: readonly number[]) {
  const rows: Array<{
    order_id: number;
    sku: string;
    warehouse_id: string | null;
    needed: number;
    missing: number;
    recorded_at: number;
  }> = [];
  for (const part of chunks(orderIds, IN_CHUNK))
    rows.push(...(await db.selectFrom('stock_shortfalls').selectAll().where('order_id', 'in', part).execute()));
  return rows;
}

/** Reservations of a stock row, with the orders that hold them: who an adjustment below `reserved` would rob. */
export async function holdersOf(db: Executor, warehouseId: string, sku: string, limit = 20) {
  return db
    .selectFrom('stock_reservations as r')
    .innerJoin('orders as o', 'o.id', 'r.order_id')
    .select([
      'o.id as order_id',
      'o.platform_order_id',
      'o.shop_id',
      'o.ship_by_at',
      (eb) => eb.fn.sum<number>('r.quantity').as('quantity'),
    ])
    .where('r.warehouse_id', '=', warehouseId)
    .where('r.sku', '=', sku)
    .groupBy(['o.id', 'o.platform_order_id', 'o.shop_id', 'o.ship_by_at'])
    .orderBy('o.ship_by_at')
    .orderBy('o.id')
    .limit(limit)
    .execute();
}

export async function setOrdersStatus(
  db: Executor,
  ids: readonly number[],
  from: string,
  to: string,
  now: number,
): Promise<number> {
  let updated = 0;
  for (const part of chunks(ids, IN_CHUNK)) {
    const result = await db
      .updateTable('orders')
      .set((eb) => ({ status: to, updated_at: now, version: eb('version', '+', 1) }))
      .where('id', 'in', part)
      .where('status', '=', from)
      .executeTakeFirst();
    updated += Number(result.numUpdatedRows);
  }
  return updated;
}

// ---------------------------------------------------------------------------------------------------------
// Stock levels

/** Creates the stock rows that do not exist yet (0 on hand), so they can be locked and changed like the rest. */
export async function ensureStockLevels(
  db: Executor,
  keys: ReadonlyArray<{ warehouse_id: string; sku: string }>,
  now: number,
): Promise<void> {
  for (const part of chunks(keys, ROW_CHUNK)) {
    await db
      .insertInto('stock_levels')
      .values(
        part.map((k) => ({
          warehouse_id: k.warehouse_id,
          sku: k.sku,
          on_hand: 0,
          reserved: 0,
          low_stock_threshold: 0,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['warehouse_id', 'sku']).doNothing())
      .execute();
  }
}

export interface StockDelta {
  warehouse_id: string;
  sku: string;
  on_hand: number;
  reserved: number;
  /** Set the threshold too (stock import), else keep it. */
  low_stock_threshold?: number;
}

/**
 * Applies net changes per stock row in one statement, each only if it keeps on_hand ≥ reserved ≥ 0:
 * for a reservation (on_hand +0, reserved +n) the condition is exactly `on_hand - reserved >= n`.
 * Returns the rows as they are after the change; a row missing from the answer was refused.
 */
export async function applyStockDeltas(db: Executor, deltas: readonly StockDelta[], now: number) {
  const changed: Array<{
    warehouse_id: string;
    sku: string;
    on_hand: number;
    reserved: number;
    low_stock_threshold: number;
  }> = [];
  for (const part of chunks(deltas, ROW_CHUNK)) {
    const values = sql.join(
      part.map(
        (d) =>
          sql`(CAST(${d.warehouse_id} AS text), CAST(${d.sku} AS text), CAST(${d.on_hand} AS integer), CAST(${d.reserved} AS integer), CAST(${d.low_stock_threshold ?? -1} AS integer))`,
      ),
    );
    const result = await sql<{
      warehouse_id: string;
      sku: string;
      on_hand: number;
      reserved: number;
      low_stock_threshold: number;
    }>`
      WITH v(warehouse_id, sku, d_on, d_res, threshold) AS (VALUES ${values})
      UPDATE stock_levels
         SET on_hand = stock_levels.on_hand + v.d_on,
             reserved = stock_levels.reserved + v.d_res,
             low_stock_threshold = CASE WHEN v.threshold >= 0 THEN v.threshold ELSE stock_levels.low_stock_threshold END,
             updated_at = ${now}
        FROM v
       WHERE stock_levels.warehouse_id = v.warehouse_id AND stock_levels.sku = v.sku
         AND stock_levels.on_hand - stock_levels.reserved >= v.d_res - v.d_on
         AND stock_levels.reserved + v.d_res >= 0
      RETURNING stock_levels.warehouse_id, stock_levels.sku, stock_levels.on_hand, stock_levels.reserved, stock_levels.low_stock_threshold`.execute(
      db,
    );
    changed.push(...result.rows);
  }
  return changed;
}

// ---------------------------------------------------------------------------------------------------------
// Reservations, shortfalls, ledger, alerts

export type NewReservation = Omit<StockReservationRow, 'id'>;

export async function insertReservations(db: Executor, rows: readonly NewReservation[]): Promise<void> {
  for (const part of chunks(rows, ROW_CHUNK)) await db.insertInto('stock_reservations').values(part).execute();
}

export async function deleteReservations(db: Executor, ids: readonly number[]): Promise<void> {
  for (const part of chunks(ids, IN_CHUNK)) await db.deleteFrom('stock_reservations').where('id', 'in', part).execute();
}

export async function setReservationQuantity(db: Executor, id: number, quantity: number): Promise<void> {
  await db.updateTable('stock_reservations').set({ quantity }).where('id', '=', id).execute();
}

export async function deleteShortfalls(db: Executor, orderIds: readonly number[]): Promise<void> {
  for (const part of chunks(orderIds, IN_CHUNK))
    await db.deleteFrom('stock_shortfalls').where('order_id', 'in', part).execute();
}

export async function insertShortfalls(
  db: Executor,
  rows: ReadonlyArray<{
    order_id: number;
    sku: string;
    warehouse_id: string | null;
    needed: number;
    missing: number;
    recorded_at: number;
  }>,
): Promise<void> {
  for (const part of chunks(rows, ROW_CHUNK)) await db.insertInto('stock_shortfalls').values(part).execute();
}

/** A ledger row to write: the stock settle plans them (core/stock-settle-plan.ts). */
export type NewMovement = NewMovementRow;

export async function insertMovements(db: Executor, rows: readonly NewMovement[]): Promise<void> {
  for (const part of chunks(rows, ROW_CHUNK)) await db.insertInto('stock_movements').values(part).execute();
}

export async function insertAlerts(
  db: Executor,
  rows: ReadonlyArray<{
    at: number;
    kind: string;
    warehouse_id: string;
    sku: string;
    available: number;
    threshold: number;
    data: string | null;
  }>,
): Promise<void> {
  for (const part of chunks(rows, ROW_CHUNK))
    await db
      .insertInto('stock_alerts')
      .values(part.map((r) => ({ ...r, notified_at: null })))
      .execute();
}

export async function pendingAlerts(db: Executor, limit: number, lock: LockMode) {
  let query = db.selectFrom('stock_alerts').selectAll().where('notified_at', 'is', null).orderBy('id').limit(limit);
  if (lock === 'skip') query = query.forNoKeyUpdate().skipLocked();
  return query.execute();
}

export async function markAlertsNotified(db: Executor, ids: readonly number[], now: number): Promise<void> {
  for (const part of chunks(ids, IN_CHUNK))
    await db.updateTable('stock_alerts').set({ notified_at: now }).where('id', 'in', part).execute();
}
