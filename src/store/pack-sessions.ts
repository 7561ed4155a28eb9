/**
 * Reads and writes of the pack station's sessions and their scans (`pack_sessions`, `pack_scans` in
 * schema-packing.ts; the session's machine is core/pack-station.ts). The app opens the transactions.
 */
import { OPEN_PACK_SESSION_STATES } from './migrations/0006-packing';
import type { Executor } from './orders';
import type { PackSessionRow } from './schema-packing';

export { OPEN_PACK_SESSION_STATES };

export async function insertSession(db: Executor, row: Omit<PackSessionRow, 'id'>): Promise<number> {
  const inserted = await db.insertInto('pack_sessions').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(inserted.id);
}

export async function getSession(db: Executor, id: number, lock: boolean): Promise<PackSessionRow | undefined> {
  let query = db.selectFrom('pack_sessions').selectAll().where('id', '=', id);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function openSessionOfOrder(db: Executor, orderId: number): Promise<PackSessionRow | undefined> {
  return db
    .selectFrom('pack_sessions')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('status', 'in', [...OPEN_PACK_SESSION_STATES])
    .executeTakeFirst();
}

/** The order's last finished session (`done`), the one a rescan continues at the label step. */
export async function lastDoneSessionOfOrder(db: Executor, orderId: number): Promise<PackSessionRow | undefined> {
  return db
    .selectFrom('pack_sessions')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('status', '=', 'done')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function updateSession(
  db: Executor,
  id: number,
  expectedVersion: number,
  changes: Partial<Omit<PackSessionRow, 'id' | 'version'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('pack_sessions')
    .set({ ...changes, version: expectedVersion + 1 })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listSessions(
  db: Executor,
  filter: { open?: boolean; shopIds?: string[]; limit?: number },
): Promise<PackSessionRow[]> {
  let query = db.selectFrom('pack_sessions').selectAll();
  if (filter.open) query = query.where('status', 'in', [...OPEN_PACK_SESSION_STATES]);
  if (filter.shopIds?.length) query = query.where('shop_id', 'in', filter.shopIds);
  return query
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100)
    .execute();
}

/** Orders a station is packing right now (an open session): the planner pins them. */
export async function ordersBeingPacked(
  db: Executor,
  shopIds?: string[],
): Promise<Array<{ order_id: number; session_id: number; station: string | null; started_at: number }>> {
  let query = db
    .selectFrom('pack_sessions')
    .select(['order_id', 'id as session_id', 'station', 'started_at'])
    .where('status', 'in', [...OPEN_PACK_SESSION_STATES]);
  if (shopIds?.length) query = query.where('shop_id', 'in', shopIds);
  return (await query.orderBy('started_at').execute()).map((r) => ({ ...r, session_id: Number(r.session_id) }));
}

export async function insertScan(
  db: Executor,
  row: {
    session_id: number;
    parcel_id: number | null;
    at: number;
    code: string;
    sku: string | null;
    accepted: number;
    refusal: string | null;
    actor: string;
  },
): Promise<void> {
  await db.insertInto('pack_scans').values(row).execute();
}

/** Accepted scans per SKU for a parcel of a session. */
export async function scannedCounts(db: Executor, sessionId: number, parcelId: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('pack_scans')
    .select(['sku', (eb) => eb.fn.countAll<number>().as('n')])
    .where('session_id', '=', sessionId)
    .where('parcel_id', '=', parcelId)
    .where('accepted', '=', 1)
    .groupBy('sku')
    .execute();
  return new Map(rows.map((r) => [r.sku!, Number(r.n)]));
}

export async function scansOfSession(db: Executor, sessionId: number) {
  return db.selectFrom('pack_scans').selectAll().where('session_id', '=', sessionId).orderBy('id').execute();
}
