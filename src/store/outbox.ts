/**
 * The outbox table: insert, claim, settle. The claim differs by backend:
 * - PostgreSQL: `SELECT … ORDER BY priority_at, id LIMIT n FOR UPDATE SKIP LOCKED`, then mark the rows in flight
 *   under a lease, in one transaction; any number of worker processes claim disjoint rows, and a row whose lease
 *   ran out (its worker died) is claimed again;
 * - SQLite: one process; the same select, then an `UPDATE … WHERE status = 'pending' …` that only takes rows still
 *   claimable (the guard), so a claim never takes a row twice even when two claims interleave in one process.
 * An `all` upload is not claimable while another upload of its order is undelivered (the part/all rule).
 */
import { sql } from 'kysely';
import type { Dialect } from './database';
import type { Executor } from './orders';
import type { NewOutboxRow, OutboxRow } from './schema';

export const UPLOAD_KIND = 'upload_tracking';
export const NOTICE_KIND = 'buyer_notice';

/** Statuses of an upload that still has to reach the platform (they hold back their order's `all`). */
export const UNDELIVERED_UPLOAD_STATUSES = ['held', 'pending', 'in_flight', 'dead'] as const;

export async function insertOutboxRows(db: Executor, rows: NewOutboxRow[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await db
      .insertInto('outbox')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning(['id', 'dedupe_key'])
      .execute();
    for (const row of inserted) ids.set(row.dedupe_key, row.id);
  }
  return ids;
}

export interface ClaimedRow extends OutboxRow {
  /** The status before the claim: `in_flight` means the previous worker's lease ran out. */
  claimed_from: string;
  /** The worker that held it before, for a takeover. */
  previous_owner: string | null;
}

export interface ClaimRequest {
  dialect: Dialect;
  worker: string;
  now: number;
  leaseMs: number;
  limit: number;
  kinds?: readonly string[];
}

/** Claims up to `limit` due rows, most urgent first. Run it inside a transaction. */
export async function claimDueRows(db: Executor, request: ClaimRequest): Promise<ClaimedRow[]> {
  const { now } = request;
  let query = db
    .selectFrom('outbox as o')
    .select(['o.id', 'o.status', 'o.lease_owner'])
    .where((eb) =>
      eb.or([
        eb.and([eb('o.status', '=', 'pending'), eb('o.next_attempt_at', '<=', now)]),
        eb.and([eb('o.status', '=', 'in_flight'), eb('o.lease_until', '<', now)]),
      ]),
    )
    .where((eb) =>
      eb.or([
        eb('o.send_type', 'is', null),
        eb('o.send_type', '<>', 'all'),
        eb.not(
          eb.exists(
            eb
              .selectFrom('outbox as s')
              .select(sql`1`.as('one'))
              .whereRef('s.order_id', '=', 'o.order_id')
              .where('s.kind', '=', UPLOAD_KIND)
              .whereRef('s.id', '<>', 'o.id')
              .where('s.status', 'in', [...UNDELIVERED_UPLOAD_STATUSES]),
          ),
        ),
      ]),
    )
    .orderBy('o.priority_at')
    .orderBy('o.id')
    .limit(request.limit);
  if (request.kinds?.length) query = query.where('o.kind', 'in', [...request.kinds]);
  if (request.dialect === 'postgres') query = query.forUpdate().skipLocked();
  const picked = await query.execute();
  if (picked.length === 0) return [];

  const before = new Map(picked.map((row) => [row.id, row]));
  const claimed = await db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'in_flight',
      lease_owner: request.worker,
      lease_until: now + request.leaseMs,
      attempts: eb('attempts', '+', 1),
      // A takeover does not know what the lost attempt did: read back before sending.
      needs_readback: sql<number>`case when status = 'in_flight' then 1 else needs_readback end`,
      updated_at: now,
    }))
    .where('id', 'in', picked.map((row) => row.id))
    // The guard: only rows that are still claimable (SQLite has no row locks to rely on).
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('status', '=', 'in_flight'), eb('lease_until', '<', now)]),
      ]),
    )
    .returningAll()
    .execute();
  return claimed
    .map((row) => ({ ...row, claimed_from: before.get(row.id)!.status, previous_owner: before.get(row.id)!.lease_owner }))
    .sort((a, b) => a.priority_at - b.priority_at || a.id - b.id);
}

export interface SettleChanges {
  status: string;
  next_attempt_at?: number;
  needs_readback?: number;
  last_error?: string | null;
  done_at?: number | null;
  /** Undo the claim's attempt count (the attempt never reached the platform, e.g. the worker was stopping). */
  attempts_delta?: number;
}

/** Settles a claimed row, only if this worker still holds it; false when the claim was lost (lease expired). */
export async function settleClaimedRow(db: Executor, id: number, worker: string, now: number, changes: SettleChanges): Promise<boolean> {
  const { attempts_delta, ...rest } = changes;
  const result = await db
    .updateTable('outbox')
    .set((eb) => ({
      ...rest,
      ...(attempts_delta ? { attempts: eb('attempts', '+', attempts_delta) } : {}),
      lease_owner: null,
      lease_until: null,
      updated_at: now,
    }))
    .where('id', '=', id)
    .where('lease_owner', '=', worker)
    .where('status', '=', 'in_flight')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function getOutboxRow(db: Executor, id: number): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function uploadsOfOrders(db: Executor, orderIds: number[]): Promise<OutboxRow[]> {
  if (orderIds.length === 0) return [];
  const rows: OutboxRow[] = [];
  for (let i = 0; i < orderIds.length; i += 1000) {
    rows.push(
      ...(await db
        .selectFrom('outbox')
        .selectAll()
        .where('order_id', 'in', orderIds.slice(i, i + 1000))
        .where('kind', '=', UPLOAD_KIND)
        .orderBy('id')
        .execute()),
    );
  }
  return rows;
}

export async function listOutbox(db: Executor, filter: { statuses?: string[]; shopId?: string; limit: number }): Promise<OutboxRow[]> {
  let query = db.selectFrom('outbox').selectAll();
  if (filter.statuses?.length) query = query.where('status', 'in', filter.statuses);
  if (filter.shopId) query = query.where('shop_id', '=', filter.shopId);
  return query.orderBy('priority_at').orderBy('id').limit(filter.limit).execute();
}

export async function countOutbox(db: Executor): Promise<Array<{ kind: string; status: string; count: number }>> {
  const rows = await db
    .selectFrom('outbox')
    .select(['kind', 'status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy(['kind', 'status'])
    .orderBy('kind')
    .orderBy('status')
    .execute();
  return rows.map((row) => ({ kind: row.kind, status: row.status, count: Number(row.count) }));
}

/** Rows a worker still has to deliver (due or not). */
export async function countOpenRows(db: Executor, kinds?: readonly string[]): Promise<number> {
  let query = db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('count')).where('status', 'in', ['pending', 'in_flight']);
  if (kinds?.length) query = query.where('kind', 'in', [...kinds]);
  const row = await query.executeTakeFirst();
  return Number(row?.count ?? 0);
}

export async function updateOutboxRow(db: Executor, id: number, expectedStatus: string, changes: Partial<Omit<OutboxRow, 'id'>>): Promise<boolean> {
  const result = await db.updateTable('outbox').set(changes).where('id', '=', id).where('status', '=', expectedStatus).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseHeldUploads(db: Executor, parcelId: number, now: number): Promise<OutboxRow[]> {
  return db
    .updateTable('outbox')
    .set({ status: 'pending', next_attempt_at: now, updated_at: now })
    .where('parcel_id', '=', parcelId)
    .where('kind', '=', UPLOAD_KIND)
    .where('status', '=', 'held')
    .returningAll()
    .execute();
}
