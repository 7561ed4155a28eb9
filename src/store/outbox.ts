/**
 * The outbox table: insert, claim, settle. Claiming and settling are the leased queue's (store/leased-queue.ts:
 * SKIP LOCKED on PostgreSQL, a guarded UPDATE on SQLite; one fenced `UPDATE … FROM (VALUES …)` per batch of outcomes),
 * with the outbox's own rule on top: an `all` upload is not claimable while another upload of its order is
 * undelivered (the part/all rule).
 */
import { sql } from 'kysely';
import type { Dialect } from './database';
import type { Executor } from './orders';
import { outboxMachine } from '../core/outbox-row';
import { DEFAULT_RETRY_POLICY } from '../core/upload-rules';
import { type Claimed, defineLeasedQueue } from './leased-queue';
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

/** A claimed row; `claimed_from` (the status before) `in_flight` means the previous worker's lease ran out. */
export type ClaimedRow = Claimed<OutboxRow>;

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

/**
 * The outbox as a leased queue (store/leased-queue.ts): `in_flight` under a lease, most urgent first
 * (`priority_at`, then id); a takeover of a row whose worker's lease ran out reads the order back before sending
 * (`needs_readback`). Retries and dead letters are decided by the outbox outcomes (app/outbox-outcomes.ts: closing
 * points, urgency, outages) and written through `settle`.
 */
const outboxQueue = defineLeasedQueue<OutboxRow>({
  table: 'outbox',
  columns: {
    due: 'next_attempt_at',
    error: 'last_error',
    doneAt: 'done_at',
    updatedAt: 'updated_at',
  },
  statuses: {
    ready: outboxMachine.transitions.retry.to,
    leased: outboxMachine.transitions.claim.to,
    done: outboxMachine.transitions.accept.to,
    dead: outboxMachine.transitions.dead_letter.to,
  },
  order: ['priority_at', 'id'],
  leaseMs: 120_000,
  maxAttempts: DEFAULT_RETRY_POLICY.maxAttempts,
  backoff: { firstMs: DEFAULT_RETRY_POLICY.baseDelayMs, maxMs: DEFAULT_RETRY_POLICY.maxDelayMs, jitter: 'equal' },
  settleColumns: { needs_readback: 'integer' },
  // A takeover does not know what the lost attempt did: read back before sending.
  onTakeover: { needs_readback: 1 },
});

/** The workers holding rows in flight under a lease not yet run out. */
export function inFlightOwners(db: Executor, now: number): Promise<string[]> {
  return outboxQueue.holders(db, now);
}

/**
 * Claims up to `limit` due rows, most urgent first (the leased queue's claim). Run it inside a transaction.
 *
 * The due rows are read in two parts, each walking `outbox_status_priority_idx` in urgency order and stopping after
 * `limit` rows: pending rows that are due, and rows in flight whose lease ran out (few: at most what the workers
 * hold). One query with an OR over both would read and sort every due row on each claim, a cost that grows with the
 * backlog (18 ms a claim at 10,000 pending rows on PostgreSQL, against under 1 ms this way). PostgreSQL walks the
 * index once its statistics know the rows are there: right after a burst of new rows, until autovacuum's next
 * ANALYZE (about a minute), it may still read every pending row through a bitmap scan and a sort, as before.
 */
export function claimDueRows(db: Executor, request: ClaimRequest): Promise<ClaimedRow[]> {
  const { kinds, shopIds } = request;
  return outboxQueue.claim(db, {
    dialect: request.dialect,
    owner: request.worker,
    now: request.now,
    limit: request.limit,
    leaseMs: request.leaseMs,
    ...(request.goneOwners ? { goneOwners: request.goneOwners } : {}),
    where: (eb) =>
      eb.and([
        // The part/all rule: an `all` waits until every other upload of its order is delivered.
        eb.or([
          eb('q.send_type', 'is', null),
          eb('q.send_type', '<>', 'all'),
          eb.not(
            eb.exists(
              eb
                .selectFrom('outbox as s')
                .select(sql`1`.as('one'))
                .whereRef('s.order_id', '=', 'q.order_id')
                .where('s.kind', '=', UPLOAD_KIND)
                .whereRef('s.id', '<>', 'q.id')
                .where('s.status', 'in', [...UNDELIVERED_UPLOAD_STATUSES]),
            ),
          ),
        ]),
        ...(kinds?.length ? [eb('q.kind', 'in', [...kinds])] : []),
        ...(shopIds ? [shopIds.length ? eb('q.shop_id', 'in', [...shopIds]) : sql<boolean>`false`] : []),
      ]),
  });
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

/**
 * Settles claimed rows (the leased queue's fenced settle: only rows this worker still holds in flight); returns the
 * ids settled; a missing id is a lost claim (the lease ran out and another worker took the row over). An id given
 * twice is settled once, by its first entry.
 */
export function settleClaimedRows(
  db: Executor,
  worker: string,
  now: number,
  settles: ReadonlyArray<{ id: number; changes: SettleChanges }>,
): Promise<Set<number>> {
  return outboxQueue.settle(
    db,
    worker,
    now,
    settles.map(({ id, changes: { status, attempts_delta, ...set } }) => ({
      id,
      status,
      set,
      ...(attempts_delta ? { attemptsDelta: attempts_delta } : {}),
    })),
  );
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
