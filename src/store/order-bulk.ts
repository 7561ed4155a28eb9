/**
 * The write path of order ingestion, batched. On PostgreSQL it is Kysely's multi-row statements; on
 * SQLite it goes straight to cached better-sqlite3 prepared statements on the same connection (inside
 * the caller's transaction), because building and preparing a fresh statement per batch cost the import
 * more than the writes themselves (bench:ingest).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { preparedStatements } from './sqlite-statements';
import type { Store } from './database';
import * as orders from './orders';
import type { Executor, ExistingOrderKey } from './orders';
import type { NewOrderEventRow, NewOrderRow, OrderLineRow } from './schema';

export interface OrderBulkWriter {
  findKeys(shopId: string, platformOrderIds: string[]): Promise<ExistingOrderKey[]>;
  insertOrders(rows: NewOrderRow[]): Promise<Map<string, number>>;
  insertLines(rows: Array<Omit<OrderLineRow, 'id'>>): Promise<void>;
  appendEvents(rows: NewOrderEventRow[]): Promise<void>;
}

export const ORDER_COLUMNS = [
  'shop_id',
  'platform',
  'platform_order_id',
  'status',
  'platform_status',
  'currency',
  'total_amount',
  'buyer_name',
  'buyer_country',
  'address_line1',
  'address_line2',
  'state',
  'city',
  'postcode',
  'phone',
  'handling_days',
  'logistics_service',
  'paid_at',
  'risk_passed_at',
  'ship_by_at',
  'ship_by_source',
  'platform_ship_by_at',
  'accepted_at',
  'packed_at',
  'handed_over_at',
  'tracking_uploaded_at',
  'first_scan_at',
  'delivered_at',
  'receipt_confirmed_at',
  'cancelled_at',
  'closed_at',
  'content_hash',
  'version',
  'created_at',
  'updated_at',
  'policy_id',
  'policy_version',
  'order_type',
  'cancel_requested_at',
] as const satisfies ReadonlyArray<keyof NewOrderRow>;
const EVENT_COLUMNS = [
  'order_id',
  'parcel_id',
  'at',
  'actor',
  'kind',
  'action',
  'from_state',
  'to_state',
  'reason',
  'data',
] as const;

interface SqliteStatements {
  findKey: BetterSqlite3.Statement;
  insertOrder: BetterSqlite3.Statement;
  insertLine: BetterSqlite3.Statement;
  insertEvent: BetterSqlite3.Statement;
}

const sqliteStatements = preparedStatements(
  (db): SqliteStatements => ({
    findKey: db.prepare(
      'SELECT id, platform_order_id, content_hash, status, version FROM orders WHERE shop_id = ? AND platform_order_id = ?',
    ),
    insertOrder: db.prepare(
      `INSERT INTO orders (${ORDER_COLUMNS.join(', ')}) VALUES (${ORDER_COLUMNS.map(() => '?').join(', ')})`,
    ),
    insertLine: db.prepare(
      'INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price) VALUES (?, ?, ?, ?, ?)',
    ),
    insertEvent: db.prepare(
      `INSERT INTO order_events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
    ),
  }),
);

/** `trx` must be a transaction of `store`; on SQLite the statements run on its single connection. */
export function orderBulkWriter(store: Store, trx: Executor): OrderBulkWriter {
  if (store.dialect !== 'sqlite' || !store.sqlite) {
    return {
      findKeys: (shopId, ids) => orders.findOrderKeys(trx, shopId, ids),
      insertOrders: (rows) => orders.insertOrders(trx, rows),
      insertLines: (rows) => orders.insertOrderLines(trx, rows),
      appendEvents: (rows) => orders.appendEvents(trx, rows),
    };
  }
  const s = sqliteStatements(store.sqlite);
  return {
    async findKeys(shopId, ids) {
      const found: ExistingOrderKey[] = [];
      for (const id of ids) {
        const row = s.findKey.get(shopId, id) as ExistingOrderKey | undefined;
        if (row) found.push(row);
      }
      return found;
    },
    async insertOrders(rows) {
      const ids = new Map<string, number>();
      const values: unknown[] = new Array(ORDER_COLUMNS.length);
      for (const row of rows) {
        for (let i = 0; i < ORDER_COLUMNS.length; i++) values[i] = row[ORDER_COLUMNS[i]!] ?? null;
        ids.set(row.platform_order_id, Number(s.insertOrder.run(values).lastInsertRowid));
      }
      return ids;
    },
    async insertLines(rows) {
      for (const r of rows) s.insertLine.run(r.order_id, r.line_no, r.sku, r.quantity, r.unit_price);
    },
    async appendEvents(rows) {
      for (const e of rows) {
        s.insertEvent.run(
          e.order_id,
          e.parcel_id ?? null,
          e.at,
          e.actor,
          e.kind,
          e.action ?? null,
          e.from_state ?? null,
          e.to_state ?? null,
          e.reason ?? null,
          e.data ?? null,
        );
      }
    },
  };
}
