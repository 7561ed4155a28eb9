/**
 * Order persistence: batched upsert by natural key (shop, platform order id), reads, and the event log.
 * Every function takes the transaction it runs in; only the app layer opens transactions.
 */
import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { Store } from './database';
import { recordset, type RecordColumns } from './pg-recordset';
import { preparedStatement } from './sqlite-statements';
import { ORDER_LIST_FAR_FUTURE } from './migrations/0010-order-list-index';
import type {
  Database,
  NewOrderEventRow,
  NewOrderRow,
  OrderEventRow,
  OrderLineRow,
  OrderRow,
  OrderUpdate,
  ParcelRow,
  ParcelsTable,
} from './schema';

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

/**
 * Applies the same change to many orders, one statement per 1,000, each order only if its version is still the one
 * read (optimistic lock), and bumps the version. `setIfNull` columns are set only where they are still empty (a
 * milestone keeps its first time). Returns the ids updated; a missing one changed meanwhile.
 */
export async function updateOrdersAtVersions(
  db: Executor,
  targets: ReadonlyArray<{ id: number; version: number }>,
  changes: { set: OrderUpdate; setIfNull?: OrderUpdate },
): Promise<Set<number>> {
  const updated = new Set<number>();
  const ifNull = Object.fromEntries(
    Object.entries(changes.setIfNull ?? {}).map(([column, value]) => [
      column,
      sql`COALESCE(${sql.ref(column)}, ${value})`,
    ]),
  );
  for (let i = 0; i < targets.length; i += 1000) {
    const pairs = sql.join(
      targets.slice(i, i + 1000).map((t) => sql`(CAST(${t.id} AS bigint), CAST(${t.version} AS bigint))`),
    );
    const rows = await db
      .updateTable('orders')
      .set({ ...changes.set, ...ifNull, version: sql<number>`version + 1` })
      .where(sql<boolean>`(id, version) IN (VALUES ${pairs})`)
      .returning('id')
      .execute();
    for (const row of rows) updated.add(Number(row.id));
  }
  return updated;
}

/** One order's write at the version read: columns set, and columns set only where still empty. */
export interface OrderWrite {
  id: number;
  version: number;
  set: OrderUpdate;
  setIfNull: OrderUpdate;
}

const ROW_VALUE_TYPES = new Set(['number', 'string']);

/**
 * Writes each order at the version read; returns how many were written (fewer: some changed meanwhile).
 * SQLite (`store.sqlite`, the transaction's one connection): one cached prepared statement per shape of change, run
 * per order — a multi-row statement built through Kysely and prepared again each batch cost more than the writes.
 * PostgreSQL: orders taking the same values share one statement (`updateOrdersAtVersions`); orders taking different
 * values of the same columns (a delivery time each) share one too, their values as one array per column.
 */
export async function writeOrdersAtVersions(
  db: Executor,
  writes: readonly OrderWrite[],
  store: Pick<Store, 'dialect' | 'sqlite'>,
): Promise<number> {
  let written = 0;
  if (store.dialect === 'sqlite' && store.sqlite) {
    for (const write of writes) {
      const statement = sqliteOrderWrite(write);
      if (statement) written += preparedStatement(store.sqlite, statement.text).run(statement.values).changes;
      else written += (await updateOrdersAtVersions(db, [write], write)).size;
    }
    return written;
  }
  const sameValues = new Map<
    string,
    { set: OrderUpdate; setIfNull: OrderUpdate; targets: Array<{ id: number; version: number }> }
  >();
  for (const write of writes) {
    const key = JSON.stringify([write.set, write.setIfNull]);
    const group = sameValues.get(key) ?? { set: write.set, setIfNull: write.setIfNull, targets: [] };
    group.targets.push({ id: write.id, version: write.version });
    sameValues.set(key, group);
  }
  const sameShape = new Map<string, OrderWrite[]>();
  for (const group of sameValues.values()) {
    const shape = shapeOf(group.set, group.setIfNull);
    if (group.targets.length > 1 || shape === null) {
      written += (await updateOrdersAtVersions(db, group.targets, group)).size;
      continue;
    }
    sameShape.set(shape, [
      ...(sameShape.get(shape) ?? []),
      { ...group.targets[0]!, set: group.set, setIfNull: group.setIfNull },
    ]);
  }
  for (const rows of sameShape.values()) {
    if (rows.length === 1) written += (await updateOrdersAtVersions(db, [rows[0]!], rows[0]!)).size;
    else written += await updateOrdersRowByRow(db, rows);
  }
  return written;
}

const PLAIN_COLUMN = /^[a-z_][a-z0-9_]*$/;

/**
 * One order's write as a SQLite statement text (the same for every order changing the same columns) and its values;
 * null when a value is not one SQLite binds as it is (then the Kysely path writes the batch). As
 * `updateOrdersAtVersions`: a column in `setIfNull` is set only where empty and wins over the same one in `set`.
 */
function sqliteOrderWrite(write: OrderWrite): { text: string; values: unknown[] } | null {
  const assignments: string[] = [];
  const values: unknown[] = [];
  const ifNull = write.setIfNull as Record<string, unknown>;
  for (const [column, value] of Object.entries(write.set)) {
    if (value === undefined || column === 'version' || ifNull[column] !== undefined) continue;
    if (!PLAIN_COLUMN.test(column) || (value !== null && !ROW_VALUE_TYPES.has(typeof value))) return null;
    assignments.push(`${column} = ?`);
    values.push(value);
  }
  for (const [column, value] of Object.entries(ifNull)) {
    if (value === undefined || value === null || column === 'version') continue;
    if (!PLAIN_COLUMN.test(column) || !ROW_VALUE_TYPES.has(typeof value)) return null;
    assignments.push(`${column} = COALESCE(${column}, ?)`);
    values.push(value);
  }
  assignments.push('version = version + 1');
  values.push(write.id, write.version);
  return { text: `UPDATE orders SET ${assignments.join(', ')} WHERE id = ? AND version = ?`, values };
}

/** The columns and value kinds of a change (null when a value is neither a number, a string nor null). */
function shapeOf(set: OrderUpdate, setIfNull: OrderUpdate): string | null {
  const parts: string[] = [];
  for (const [prefix, columns] of [
    ['=', set],
    ['?', setIfNull],
  ] as const) {
    for (const [column, value] of Object.entries(columns)) {
      if (value === undefined) continue;
      if (value !== null && !ROW_VALUE_TYPES.has(typeof value)) return null;
      parts.push(`${prefix}${column}:${value === null ? 'null' : typeof value}`);
    }
  }
  return parts.join(',');
}

/**
 * PostgreSQL: orders of one shape, each with its own values: one statement per chunk, the values as one array
 * parameter per column (`unnest`), so the statement's text is the same whatever the number of orders.
 */
async function updateOrdersRowByRow(db: Executor, rows: readonly OrderWrite[]): Promise<number> {
  const first = rows[0]!;
  const columns: Array<{ column: string; ifNull: boolean; kind: 'number' | 'string' | 'null' }> = [];
  for (const [ifNull, changes] of [
    [false, first.set],
    [true, first.setIfNull],
  ] as const) {
    for (const [column, value] of Object.entries(changes)) {
      if (value === undefined || (ifNull && value === null)) continue;
      columns.push({ column, ifNull, kind: value === null ? 'null' : (typeof value as 'number' | 'string') });
    }
  }
  const valued = columns.filter((c) => c.kind !== 'null');
  const record: RecordColumns = [
    ['id', 'bigint'],
    ['version', 'bigint'],
    ...valued.map((c, i) => [`c${i}`, c.kind === 'number' ? 'numeric' : 'text'] as const),
  ];
  const assignments = sql.join([
    sql`version = orders.version + 1`,
    ...columns.map((c) => {
      if (c.kind === 'null') return sql`${sql.ref(c.column)} = NULL`;
      const value = sql.ref(`v.c${valued.indexOf(c)}`);
      return c.ifNull
        ? sql`${sql.ref(c.column)} = COALESCE(orders.${sql.ref(c.column)}, ${value})`
        : sql`${sql.ref(c.column)} = ${value}`;
    }),
  ]);
  let written = 0;
  for (let i = 0; i < rows.length; i += 5000) {
    const values = rows.slice(i, i + 5000).map((row) => {
      const cells: Record<string, unknown> = { id: row.id, version: row.version };
      valued.forEach((c, j) => (cells[`c${j}`] = (c.ifNull ? row.setIfNull : row.set)[c.column as keyof OrderUpdate]));
      return cells;
    });
    const result = await sql<{
      id: number;
    }>`UPDATE orders SET ${assignments} FROM ${recordset(values, record)} WHERE orders.id = v.id AND orders.version = v.version RETURNING orders.id`.execute(
      db,
    );
    written += result.rows.length;
  }
  return written;
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
