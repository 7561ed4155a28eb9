/**
 * The outbox table: insert, claim, settle. The claim differs by backend:
 * - PostgreSQL: one statement, `WITH … SELECT … ORDER BY priority_at, id LIMIT n FOR UPDATE SKIP LOCKED` feeding an
 *   `UPDATE … FROM` that marks the rows in flight under a lease; any number of worker processes claim disjoint rows,
 *   and a row whose lease ran out (its worker died) is claimed again;
 * - SQLite: one process; the same select, then an `UPDATE … WHERE status = 'pending' …` that only takes rows still
 *   claimable (the guard), so a claim never takes a row twice even when two claims interleave in one process.
 * An `all` upload is not claimable while another upload of its order is undelivered (the part/all rule).
 * Settling is set-based too: one fenced `UPDATE … FROM (VALUES …)` for a whole batch of outcomes.
 */
import { sql } from 'kysely';
import type { Dialect } from './database';
import type { Executor } from './orders';
import { outboxMachine } from '../core/outbox-row';
import type { NewOutboxRow, OutboxRow } from './schema';

export const UPLOAD_KIND = 'upload_tracking';
export const NOTICE_KIND = 'buyer_notice';

/** A row entering the outbox: what it carries, and the fresh state every new row starts from (due now, no tries). */
export function newOutboxRow(
  row: Pick<
    NewOutboxRow,
    'kind' | 'shop_id' | 'order_id' | 'parcel_id' | 'dedupe_key' | 'payload' | 'send_type' | 'priority_at'
  > & { status?: 'pending' | 'held' },
  now: number,
): NewOutboxRow {
  return {
    ...row,
    status: row.status ?? 'pending',
    next_attempt_at: now,
    attempts: 0,
    needs_readback: 0,
    lease_owner: null,
    lease_until: null,
    last_error: null,
    created_at: now,
    updated_at: now,
    done_at: null,
  };
}

/** Statuses of an upload that still has to reach the platform (they hold back their order's `all`). */
const UNDELIVERED_UPLOAD_STATUSES = ['held', 'pending', 'in_flight', 'dead'] as const;

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

/**
 * After a marketplace outage: every waiting upload is due now, so the claim (most urgent first) sends them in
 * urgency order instead of as their backoffs happen to end. Returns how many.
 */
export async function releaseWaitingUploads(db: Executor, now: number, shopId?: string): Promise<number> {
  let query = db
    .updateTable('outbox')
    .set({ next_attempt_at: now, updated_at: now })
    .where('status', '=', 'pending')
    .where('kind', '=', UPLOAD_KIND)
    .where('next_attempt_at', '>', now);
  // One shop's (authorised again after a pause), or every shop's (a marketplace outage ended).
  if (shopId !== undefined) query = query.where('shop_id', '=', shopId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
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
  /** Only these shops' rows (a worker of one account, or of one shard's accounts); none: every shop's. */
  shopIds?: readonly string[];
  /** Workers known to be dead (their process is gone from this host): their rows in flight are claimable now. */
  goneOwners?: readonly string[];
}

/** The workers holding rows in flight under a lease not yet run out. */
export async function inFlightOwners(db: Executor, now: number): Promise<string[]> {
  const rows = await db
    .selectFrom('outbox')
    .select('lease_owner')
    .distinct()
    .where('status', '=', 'in_flight')
    .where('lease_until', '>=', now)
    .where('lease_owner', 'is not', null)
    .execute();
  return rows.map((r) => r.lease_owner!);
}

/**
 * Claims up to `limit` due rows, most urgent first. Run it inside a transaction.
 *
 * The due rows are read in two parts, each walking `outbox_status_priority_idx` in urgency order and stopping after
 * `limit` rows: pending rows that are due, and rows in flight whose lease ran out (few: at most what the workers
 * hold). One query with an OR over both would read and sort every due row on each claim, a cost that grows with the
 * backlog (18 ms a claim at 10,000 pending rows on PostgreSQL, against under 1 ms this way). PostgreSQL walks the
 * index once its statistics know the rows are there: right after a burst of new rows, until autovacuum's next
 * ANALYZE (about a minute), it may still read every pending row through a bitmap scan and a sort, as before.
 */
export async function claimDueRows(db: Executor, request: ClaimRequest): Promise<ClaimedRow[]> {
  const { now } = request;
  const gone = request.goneOwners?.length ? [...request.goneOwners] : null;
  const candidates = (part: 'pending' | 'in_flight') => {
    let query = db
      .selectFrom('outbox as o')
      .select(['o.id', 'o.status', 'o.lease_owner', 'o.priority_at'])
      .where('o.status', '=', part)
      .where((eb) =>
        part === 'pending'
          ? eb('o.next_attempt_at', '<=', now)
          : gone
            ? eb.or([eb('o.lease_until', '<', now), eb('o.lease_owner', 'in', gone)])
            : eb('o.lease_until', '<', now),
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
    if (request.shopIds)
      query = request.shopIds.length
        ? query.where('o.shop_id', 'in', [...request.shopIds])
        : query.where(sql<boolean>`false`);
    return request.dialect === 'postgres' ? query.forUpdate().skipLocked() : query;
  };
  if (request.dialect === 'postgres') {
    // One statement: lock the due rows other workers have not locked (SKIP LOCKED), keep the most urgent `limit`
    // of both parts, mark them in flight, and return them with the status they had (a takeover): one round trip.
    // The rows locked but not kept are released at commit.
    const { rows } = await sql<OutboxRow & { claimed_from: string; previous_owner: string | null }>`
      WITH expired AS (${candidates('in_flight')}),
           due AS (${candidates('pending')}),
           picked AS (SELECT * FROM expired UNION ALL SELECT * FROM due ORDER BY priority_at, id LIMIT ${request.limit})
      UPDATE outbox
         SET status = 'in_flight',
             lease_owner = ${request.worker},
             lease_until = ${now + request.leaseMs},
             attempts = outbox.attempts + 1,
             needs_readback = CASE WHEN outbox.status = 'in_flight' THEN 1 ELSE outbox.needs_readback END,
             updated_at = ${now}
        FROM picked
       WHERE outbox.id = picked.id
      RETURNING outbox.*, picked.status AS claimed_from, picked.lease_owner AS previous_owner`.execute(db);
    return rows.sort((a, b) => a.priority_at - b.priority_at || a.id - b.id);
  }
  const picked = [...(await candidates('in_flight').execute()), ...(await candidates('pending').execute())]
    .sort((a, b) => a.priority_at - b.priority_at || a.id - b.id)
    .slice(0, request.limit);
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
    .where(
      'id',
      'in',
      picked.map((row) => row.id),
    )
    // The guard: only rows that are still claimable (SQLite has no row locks to rely on). SQLite's RETURNING cannot
    // name the FROM side of an UPDATE, hence the separate select for the statuses before.
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
        eb.and([
          eb('status', '=', 'in_flight'),
          gone ? eb.or([eb('lease_until', '<', now), eb('lease_owner', 'in', gone)]) : eb('lease_until', '<', now),
        ]),
      ]),
    )
    .returningAll()
    .execute();
  return claimed
    .map((row) => ({
      ...row,
      claimed_from: before.get(row.id)!.status,
      previous_owner: before.get(row.id)!.lease_owner,
    }))
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

/** Rows settled per statement (8 parameters each). */
const SETTLE_CHUNK = 500;

/**
 * Settles claimed rows in one statement per SETTLE_CHUNK rows, each only if this worker still holds it (fenced by
 * `lease_owner` and `in_flight`); returns the ids settled; a missing id is a lost claim (the lease ran out and
 * another worker took the row over). An id given twice is settled once, by its first entry.
 */
export async function settleClaimedRows(
  db: Executor,
  worker: string,
  now: number,
  settles: ReadonlyArray<{ id: number; changes: SettleChanges }>,
): Promise<Set<number>> {
  const settled = new Set<number>();
  const seen = new Set<number>();
  const unique = settles.filter(({ id }) => !seen.has(id) && seen.add(id));
  for (let i = 0; i < unique.length; i += SETTLE_CHUNK) {
    // Absent fields keep the row's value: next_attempt_at and needs_readback are NOT NULL (null = keep); last_error
    // and done_at may be set to null, so a flag says whether they are set.
    const values = sql.join(
      unique.slice(i, i + SETTLE_CHUNK).map(
        ({
          id,
          changes: c,
        }) => sql`(CAST(${id} AS bigint), CAST(${c.status} AS text), CAST(${c.next_attempt_at ?? null} AS bigint),
        CAST(${c.needs_readback ?? null} AS integer), CAST(${c.last_error === undefined ? 0 : 1} AS integer), CAST(${c.last_error ?? null} AS text),
        CAST(${c.done_at === undefined ? 0 : 1} AS integer), CAST(${c.done_at ?? null} AS bigint), CAST(${c.attempts_delta ?? 0} AS integer))`,
      ),
    );
    const result = await sql<{ id: number }>`
      WITH v(id, status, next_attempt_at, needs_readback, set_error, last_error, set_done, done_at, attempts_delta) AS (VALUES ${values})
      UPDATE outbox
         SET status = v.status,
             next_attempt_at = COALESCE(v.next_attempt_at, outbox.next_attempt_at),
             needs_readback = COALESCE(v.needs_readback, outbox.needs_readback),
             last_error = CASE WHEN v.set_error = 1 THEN v.last_error ELSE outbox.last_error END,
             done_at = CASE WHEN v.set_done = 1 THEN v.done_at ELSE outbox.done_at END,
             attempts = outbox.attempts + v.attempts_delta,
             lease_owner = NULL,
             lease_until = NULL,
             updated_at = ${now}
        FROM v
       WHERE outbox.id = v.id AND outbox.lease_owner = ${worker} AND outbox.status = 'in_flight'
      RETURNING outbox.id`.execute(db);
    for (const row of result.rows) settled.add(Number(row.id));
  }
  return settled;
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

export async function listOutbox(
  db: Executor,
  filter: { statuses?: string[]; shopId?: string; limit: number },
): Promise<OutboxRow[]> {
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
  let query = db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('status', 'in', ['pending', 'in_flight']);
  if (kinds?.length) query = query.where('kind', 'in', [...kinds]);
  const row = await query.executeTakeFirst();
  return Number(row?.count ?? 0);
}

export async function updateOutboxRow(
  db: Executor,
  id: number,
  expectedStatus: string,
  changes: Partial<Omit<OutboxRow, 'id'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set(changes)
    .where('id', '=', id)
    .where('status', '=', expectedStatus)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The outbox machine's `release` (core/outbox-row.ts), for the held uploads of a parcel: due now. */
export async function releaseHeldUploads(db: Executor, parcelId: number, now: number): Promise<OutboxRow[]> {
  const release = outboxMachine.transitions.release;
  return db
    .updateTable('outbox')
    .set({ status: release.to, next_attempt_at: now, updated_at: now })
    .where('parcel_id', '=', parcelId)
    .where('kind', '=', UPLOAD_KIND)
    .where('status', 'in', [...release.from])
    .returningAll()
    .execute();
}

/** After a restore: an upload the backup holds as undelivered may have gone out since, so each reads the order back first. */
export async function markUndeliveredForReadback(db: Executor): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ needs_readback: 1 })
    .where('kind', '=', UPLOAD_KIND)
    .where('status', 'in', [...UNDELIVERED_UPLOAD_STATUSES])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
