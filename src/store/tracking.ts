/**
 * Tracking persistence. The ingestion write path is batched (like order-bulk.ts): on PostgreSQL multi-row statements
 * (events inserted with ON CONFLICT DO NOTHING RETURNING, updates as UPDATE … FROM (VALUES …)); on SQLite cached
 * better-sqlite3 prepared statements on the transaction's connection. Every function runs in the caller's transaction.
 * The writer's interface and rows are in tracking-bulk.ts, each backend's writer in tracking-sqlite.ts and
 * tracking-postgres.ts.
 */
import type { Store } from './database';
import { orderBulkWriter } from './order-bulk';
import type { Executor } from './orders';
import type { TrackingBulkWriter } from './tracking-bulk';
import { postgresWriter } from './tracking-postgres';
import { sqliteStatements, sqliteWriter } from './tracking-sqlite';

/** `trx` must be a transaction of `store`; on SQLite the statements run on its single connection. */
export function trackingBulkWriter(store: Store, trx: Executor): TrackingBulkWriter {
  if (store.dialect === 'sqlite' && store.sqlite)
    return sqliteWriter(sqliteStatements(store.sqlite), orderBulkWriter(store, trx));
  return postgresWriter(trx);
}

/** Held tracking uploads of these parcels become due (the carrier's first scan): one statement per batch. */
export async function releaseHeldUploadsOf(
  db: Executor,
  parcels: Array<{ parcelId: number; orderId: number }>,
  now: number,
) {
  if (parcels.length === 0) return [];
  const released: Array<{ id: number; parcel_id: number | null; order_id: number }> = [];
  for (let i = 0; i < parcels.length; i += 2000) {
    const chunk = parcels.slice(i, i + 2000);
    released.push(
      ...(await db
        .updateTable('outbox')
        .set({ status: 'pending', next_attempt_at: now, updated_at: now })
        // order_id first: the outbox is indexed by (order_id, kind).
        .where('order_id', 'in', [...new Set(chunk.map((p) => p.orderId))])
        .where('kind', '=', 'upload_tracking')
        .where('status', '=', 'held')
        .where(
          'parcel_id',
          'in',
          chunk.map((p) => p.parcelId),
        )
        .returning(['id', 'parcel_id', 'order_id'])
        .execute()),
    );
  }
  return released;
}
