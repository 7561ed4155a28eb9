/**
 * Order reads: one order with its lines, parcels and events, look-ups by reference, the event log's head for the
 * live view, and the order list (keyset pagination, so a page costs the same at any depth). Every function takes
 * the transaction it runs in; re-exported by orders.ts (`orderStore`).
 */
import { sql } from 'kysely';
import { ORDER_LIST_FAR_FUTURE } from './migrations/0010-order-list-index';
import type { Executor } from './orders';
import type { OrderEventRow, OrderLineRow, OrderRow, ParcelRow } from './schema';

export async function getOrder(db: Executor, shopId: string | undefined, id: number): Promise<OrderRow | undefined> {
  let query = db.selectFrom('orders').selectAll().where('id', '=', id);
  if (shopId) query = query.where('shop_id', '=', shopId);
  return query.executeTakeFirst();
}

/** Finds orders by shipby id or platform order id, for commands that take either. */
export async function findOrdersByReference(
  db: Executor,
  reference: string,
  shopId?: string,
  shopIds?: readonly string[],
): Promise<OrderRow[]> {
  let query = db.selectFrom('orders').selectAll();
  query =
    /^\d+$/.test(reference) && reference.length < 16
      ? query.where((eb) => eb.or([eb('id', '=', Number(reference)), eb('platform_order_id', '=', reference)]))
      : query.where('platform_order_id', '=', reference);
  if (shopId) query = query.where('shop_id', '=', shopId);
  if (shopIds) query = shopIds.length ? query.where('shop_id', 'in', [...shopIds]) : query.where('id', '<', 0);
  return query.limit(10).execute();
}

export async function getOrderLines(db: Executor, orderId: number): Promise<OrderLineRow[]> {
  return db.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('line_no').execute();
}

export async function getParcels(db: Executor, orderId: number): Promise<ParcelRow[]> {
  return db.selectFrom('parcels').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}

export async function getEvents(db: Executor, orderId: number): Promise<OrderEventRow[]> {
  return db.selectFrom('order_events').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}

/** The newest order event's id (0 when there is none): an index-only read, cheap to ask every second. */
export async function latestOrderEventId(db: Executor): Promise<number> {
  const row = await db.selectFrom('order_events').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? Number(row.id) : 0;
}

/** The shops whose orders have events with ids in (after, upTo]: a range of the primary key. */
export async function shopsWithEventsBetween(db: Executor, after: number, upTo: number): Promise<string[]> {
  const rows = await db
    .selectFrom('order_events')
    .innerJoin('orders', 'orders.id', 'order_events.order_id')
    .select('orders.shop_id')
    .distinct()
    .where('order_events.id', '>', after)
    .where('order_events.id', '<=', upTo)
    .execute();
  return rows.map((r) => r.shop_id);
}

export interface OrderListFilter {
  shopIds?: string[];
  statuses?: string[];
  dueBefore?: number;
  /** Orders with stock reserved in, or waiting for stock at, one of these warehouses. */
  warehouseIds?: string[];
  /** Orders with a parcel (not voided) of one of these carriers. */
  carriers?: string[];
  /** Keyset cursor: the last row of the previous page. */
  after?: { shipByAt: number | null; id: number };
  sort: 'ship_by' | 'id';
  limit: number;
}

/**
 * Orders by deadline (nulls last) or by id, with keyset pagination so a page costs the same at any depth.
 */
export async function listOrders(db: Executor, filter: OrderListFilter): Promise<OrderRow[]> {
  let query = db.selectFrom('orders').selectAll();
  if (filter.shopIds?.length) query = query.where('shop_id', 'in', filter.shopIds);
  if (filter.statuses?.length) query = query.where('status', 'in', filter.statuses);
  if (filter.dueBefore !== undefined) query = query.where('ship_by_at', '<=', filter.dueBefore);
  // The warehouse and carrier filters are EXISTS subqueries (indexed by order_id), so an order is listed once
  // however many lines, reservations or parcels match, and the keyset order and its index stay as they are.
  const warehouseIds = filter.warehouseIds;
  if (warehouseIds?.length) {
    query = query.where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('stock_reservations')
            .select(sql.lit(1).as('one'))
            .whereRef('stock_reservations.order_id', '=', 'orders.id')
            .where('stock_reservations.warehouse_id', 'in', warehouseIds),
        ),
        eb.exists(
          eb
            .selectFrom('stock_shortfalls')
            .select(sql.lit(1).as('one'))
            .whereRef('stock_shortfalls.order_id', '=', 'orders.id')
            .where('stock_shortfalls.warehouse_id', 'in', warehouseIds),
        ),
      ]),
    );
  }
  const carriers = filter.carriers;
  if (carriers?.length) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('parcels')
          .select(sql.lit(1).as('one'))
          .whereRef('parcels.order_id', '=', 'orders.id')
          .where('parcels.carrier', 'in', carriers)
          .where('parcels.status', '!=', 'voided'),
      ),
    );
  }
  if (filter.sort === 'id') {
    if (filter.after) query = query.where('id', '>', filter.after.id);
    return query.orderBy('id').limit(filter.limit).execute();
  }
  // ship_by_at ascending with NULLs last, then id: encode NULL as +infinity in the comparison. Written as a literal,
  // not a parameter, so the expression is the one orders_shop_list_idx holds (migration 0010).
  const farFuture = ORDER_LIST_FAR_FUTURE;
  const key = sql<number>`coalesce(ship_by_at, ${sql.lit(farFuture)})`;
  if (filter.after) {
    const afterKey = filter.after.shipByAt ?? farFuture;
    query = query.where((eb) =>
      eb.or([eb(key, '>', afterKey), eb.and([eb(key, '=', afterKey), eb('id', '>', filter.after!.id)])]),
    );
  }
  return query.orderBy(key).orderBy('id').limit(filter.limit).execute();
}
