/**
 * Orders as stock sees them: what the stock settle reads before it writes — the orders to settle, their demand
 * lines, the stock rows with their warehouses, the orders waiting for stock, and what each holds and lacks. Reads
 * that lock take their rows in the order stock.ts (its top) explains, so two writers never wait on each other in a
 * cycle. Every function takes the transaction it runs in.
 */
import type { StockLevelRow, StockReservationRow } from './schema-stock';
import { chunks, IN_CHUNK } from './statement-chunks';
import type { Executor, LockMode } from './stock';

const FAR_FUTURE = 8.64e15;

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

/** Every stock row of the given SKUs with its warehouse, locked in (warehouse_id, sku) order (see stock.ts). */
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
