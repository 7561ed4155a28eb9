/**
 * Order persistence: batched upsert by natural key (shop, platform order id), reads, and the event log.
 * Every function takes the transaction it runs in; only the app layer opens transactions.
 *
 * Imported as `orderStore`; it re-exports the reads (order-reads.ts) and the writes of many orders at their versions
 * (order-version-writes.ts), so `orderStore` names them all.
 */
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database, NewOrderEventRow, NewOrderRow, OrderLineRow, OrderUpdate, ParcelsTable } from './schema';

export * from './order-reads';
export * from './order-version-writes';

export type Executor = Kysely<Database> | Transaction<Database>;

// SQLite allows 32766 bound parameters per statement and PostgreSQL 65535; orders have 33 columns.
const ORDER_INSERT_CHUNK = 400;
const SMALL_INSERT_CHUNK = 2000;

export async function ensureShop(
  db: Executor,
  shop: { id: string; name?: string; platform: string },
  now: number,
): Promise<void> {
  await db
    .insertInto('shops')
    .values({ id: shop.id, name: shop.name ?? shop.id, platform: shop.platform, created_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function findShop(db: Executor, id: string) {
  return db.selectFrom('shops').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listShops(db: Executor) {
  return db.selectFrom('shops').selectAll().orderBy('id').execute();
}

export interface ExistingOrderKey {
  id: number;
  platform_order_id: string;
  content_hash: string;
  status: string;
  version: number;
}

export async function findOrderKeys(
  db: Executor,
  shopId: string,
  platformOrderIds: string[],
): Promise<ExistingOrderKey[]> {
  if (platformOrderIds.length === 0) return [];
  return db
    .selectFrom('orders')
    .select(['id', 'platform_order_id', 'content_hash', 'status', 'version'])
    .where('shop_id', '=', shopId)
    .where('platform_order_id', 'in', platformOrderIds)
    .execute();
}

/** Inserts orders and returns their ids keyed by platform order id. */
export async function insertOrders(db: Executor, rows: NewOrderRow[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < rows.length; i += ORDER_INSERT_CHUNK) {
    const inserted = await db
      .insertInto('orders')
      .values(rows.slice(i, i + ORDER_INSERT_CHUNK))
      .returning(['id', 'platform_order_id'])
      .execute();
    for (const r of inserted) ids.set(r.platform_order_id, r.id);
  }
  return ids;
}

export async function insertOrderLines(db: Executor, rows: Array<Omit<OrderLineRow, 'id'>>): Promise<void> {
  for (let i = 0; i < rows.length; i += SMALL_INSERT_CHUNK) {
    await db
      .insertInto('order_lines')
      .values(rows.slice(i, i + SMALL_INSERT_CHUNK))
      .execute();
  }
}

export async function replaceOrderLines(
  db: Executor,
  orderId: number,
  rows: Array<Omit<OrderLineRow, 'id'>>,
): Promise<void> {
  await db.deleteFrom('order_lines').where('order_id', '=', orderId).execute();
  await insertOrderLines(db, rows);
}

export async function appendEvents(db: Executor, events: NewOrderEventRow[]): Promise<void> {
  for (let i = 0; i < events.length; i += SMALL_INSERT_CHUNK) {
    await db
      .insertInto('order_events')
      .values(events.slice(i, i + SMALL_INSERT_CHUNK))
      .execute();
  }
}

/**
 * Updates an order only if nobody changed it since `expectedVersion` was read (optimistic lock);
 * returns false when the version moved, so the caller can re-read and decide again.
 */
export async function updateOrder(
  db: Executor,
  id: number,
  expectedVersion: number,
  changes: OrderUpdate,
): Promise<boolean> {
  const result = await db
    .updateTable('orders')
    .set({ ...changes, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The same change to many parcels (one statement per 5,000). */
export async function updateParcels(
  db: Executor,
  ids: readonly number[],
  changes: Updateable<ParcelsTable>,
): Promise<void> {
  for (let i = 0; i < ids.length; i += 5000) {
    await db
      .updateTable('parcels')
      .set(changes)
      .where('id', 'in', ids.slice(i, i + 5000))
      .execute();
  }
}
