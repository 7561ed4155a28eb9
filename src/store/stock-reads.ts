import type { Executor } from './orders';

export interface LevelFilter {
  sku?: string;
  warehouseId?: string;
}

export async function listStockLevels(db: Executor, filter: LevelFilter = {}) {
  let query = db
    .selectFrom('stock_levels as l')
    .innerJoin('skus as s', 's.sku', 'l.sku')
    .select([
      'l.warehouse_id',
      'l.sku',
      's.name',
      'l.on_hand',
      'l.reserved',
      'l.low_stock_threshold',
      'l.updated_at',
      's.lead_days',
      's.safety_days',
      's.cycle_days',
    ]);
  if (filter.sku) query = query.where('l.sku', '=', filter.sku);
  if (filter.warehouseId) query = query.where('l.warehouse_id', '=', filter.warehouseId);
  return query.orderBy('l.sku').orderBy('l.warehouse_id').execute();
}

/** Units on purchase orders placed and not received, per warehouse and SKU. */
export async function incomingUnits(db: Executor) {
  const rows = await db
    .selectFrom('purchase_order_lines as pl')
    .innerJoin('purchase_orders as p', 'p.id', 'pl.purchase_order_id')
    .select(['p.warehouse_id', 'pl.sku', (eb) => eb.fn.sum<number>('pl.quantity').as('quantity')])
    .where('p.status', '=', 'ordered')
    .groupBy(['p.warehouse_id', 'pl.sku'])
    .execute();
  return rows.map((r) => ({ ...r, quantity: Number(r.quantity) }));
}

/** Each line of each placed purchase order with its expected date: what the waiting orders can expect, and when. */
export async function incomingLines(db: Executor) {
  return db
    .selectFrom('purchase_order_lines as pl')
    .innerJoin('purchase_orders as p', 'p.id', 'pl.purchase_order_id')
    .select(['p.id as purchase_order_id', 'p.warehouse_id', 'pl.sku', 'pl.quantity', 'p.expected_at'])
    .where('p.status', '=', 'ordered')
    .execute();
}

/** What orders waiting for stock need, with their deadlines: the shortage report and the backlog. */
export async function waitingNeeds(db: Executor) {
  return db
    .selectFrom('stock_shortfalls as f')
    .innerJoin('orders as o', 'o.id', 'f.order_id')
    .select([
      'f.order_id',
      'f.sku',
      'f.warehouse_id',
      'f.needed',
      'f.missing',
      'f.recorded_at',
      'o.platform_order_id',
      'o.shop_id',
      'o.ship_by_at',
    ])
    .where('o.status', '=', 'awaiting_stock')
    .execute();
}

/**
 * Units sold per warehouse and SKU since `from`: the net of reservations made and released in the window
 * (a cancelled order nets to zero; a shipped one stays counted, since shipping consumes a reservation).
 */
export async function reservedFlowSince(db: Executor, from: number) {
  const rows = await db
    .selectFrom('stock_movements')
    .select(['warehouse_id', 'sku', (eb) => eb.fn.sum<number>('reserved_delta').as('units')])
    .where('kind', 'in', ['reserve', 'release'])
    .where('at', '>=', from)
    .groupBy(['warehouse_id', 'sku'])
    .execute();
  return rows.map((r) => ({ ...r, units: Number(r.units) }));
}

export interface MovementFilter {
  sku?: string;
  warehouseId?: string;
  orderId?: number;
  kind?: string;
  beforeId?: number;
  /** Only these warehouses (the caller's account). */
  warehouseIds?: readonly string[];
  limit: number;
}

export async function listMovements(db: Executor, filter: MovementFilter) {
  let query = db.selectFrom('stock_movements').selectAll();
  if (filter.sku) query = query.where('sku', '=', filter.sku);
  if (filter.warehouseId) query = query.where('warehouse_id', '=', filter.warehouseId);
  if (filter.warehouseIds)
    query = filter.warehouseIds.length
      ? query.where('warehouse_id', 'in', [...filter.warehouseIds])
      : query.where('id', '<', 0);
  if (filter.orderId !== undefined) query = query.where('order_id', '=', filter.orderId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}

/** Sums of the ledger per stock row, for the audit: they must equal the row. */
export async function ledgerTotals(db: Executor) {
  const rows = await db
    .selectFrom('stock_movements')
    .select([
      'warehouse_id',
      'sku',
      (eb) => eb.fn.sum<number>('on_hand_delta').as('on_hand'),
      (eb) => eb.fn.sum<number>('reserved_delta').as('reserved'),
    ])
    .groupBy(['warehouse_id', 'sku'])
    .execute();
  return rows.map((r) => ({
    warehouse_id: r.warehouse_id,
    sku: r.sku,
    on_hand: Number(r.on_hand),
    reserved: Number(r.reserved),
  }));
}

export async function reservationTotals(db: Executor) {
  const rows = await db
    .selectFrom('stock_reservations')
    .select(['warehouse_id', 'sku', (eb) => eb.fn.sum<number>('quantity').as('quantity')])
    .groupBy(['warehouse_id', 'sku'])
    .execute();
  return rows.map((r) => ({ warehouse_id: r.warehouse_id, sku: r.sku, quantity: Number(r.quantity) }));
}

/** Reservations held by orders that are not open for shipping (must be none). */
export async function strayReservations(db: Executor) {
  return db
    .selectFrom('stock_reservations as r')
    .innerJoin('orders as o', 'o.id', 'r.order_id')
    .select(['r.id', 'r.order_id', 'o.status', 'r.sku', 'r.warehouse_id', 'r.quantity'])
    .where('o.status', 'not in', ['awaiting_shipment', 'partially_shipped'])
    .execute();
}

/** Orders waiting without a recorded reason, and reasons recorded for orders not waiting (must be none). */
export async function inconsistentShortfalls(db: Executor) {
  const waitingWithout = await db
    .selectFrom('orders as o')
    .select(['o.id', 'o.status'])
    .where('o.status', '=', 'awaiting_stock')
    .where((eb) =>
      eb.not(
        eb.exists(eb.selectFrom('stock_shortfalls as f').select('f.order_id').whereRef('f.order_id', '=', 'o.id')),
      ),
    )
    .execute();
  const strays = await db
    .selectFrom('stock_shortfalls as f')
    .innerJoin('orders as o', 'o.id', 'f.order_id')
    .select(['o.id', 'o.status'])
    .distinct()
    .where('o.status', '!=', 'awaiting_stock')
    .execute();
  return [...waitingWithout, ...strays];
}
