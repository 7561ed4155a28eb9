/**
 * The one leased work queue. A queue is a table declared once as data (`defineLeasedQueue`): its columns, its
 * statuses, the order claims take rows in, its lease, its attempts limit and its backoff (core/backoff.ts). Every
 * queue of shipby — the outbox, the alert-webhook deliveries, the tracking webhook deliveries — is claimed, settled,
 * retried and dead-lettered here, the same way:
 *
 * - `claim` takes up to `n` due rows, most urgent first, under a lease for one owner, and counts the attempt.
 *   PostgreSQL: one statement, the due rows read `FOR UPDATE SKIP LOCKED` feeding an `UPDATE … FROM`, so any number
 *   of processes claim disjoint rows. SQLite (one writer; transactions begin IMMEDIATE): the same read, then one
 *   `UPDATE … RETURNING` guarded by the same conditions, so two interleaved claims never take a row twice.
 *   A row whose lease ran out (its owner died), or whose owner is known to be gone, is claimed again.
 * - `settle` writes the outcomes of a batch in one fenced `UPDATE … FROM (VALUES …)` per chunk: only rows this owner
 *   still holds; the ids settled are returned (a missing one was taken over after its lease ran out).
 * - `done`, `retry` (backoff, dead once `maxAttempts` are spent) and `deadLetter` are settles of the usual shapes.
 *
 * Two ways a table marks a leased row, both declared: a `leased` status of its own (the outbox: `in_flight`), or the
 * `ready` status kept while `lease_until` is in the future (`leased` equal to `ready`). A table without a due column
 * uses `lease_until` as the not-before time of a retry too.
 *
 * Run `claim` inside a transaction (the lock and the update are one unit). Its statements are in
 * leased-queue-claim.ts.
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { type BackoffPolicy, backoffMs } from '../core/backoff';
import type { Dialect } from './database';
import { claimRows, untyped } from './leased-queue-claim';
import type { Executor } from './orders';

type ColumnType = 'text' | 'bigint' | 'integer';

export interface QueueColumns {
  id: string;
  status: string;
  attempts: string;
  leaseOwner: string;
  leaseUntil: string;
  /** When a ready row is due (`<= now`); none: due once its lease is free (`retry` writes `leaseUntil`). */
  due?: string;
  /** The last failure's text (cleared by `done`). */
  error?: string;
  /** When the row was done. */
  doneAt?: string;
  /** Touched by every claim and settle. */
  updatedAt?: string;
}

/** The columns every queue table has under these names unless its declaration says otherwise. */
const USUAL_COLUMNS = {
  id: 'id',
  status: 'status',
  attempts: 'attempts',
  leaseOwner: 'lease_owner',
  leaseUntil: 'lease_until',
} as const;

export interface LeasedQueueSpec {
  table: string;
  /** Its columns; `id`, `status`, `attempts`, `lease_owner` and `lease_until` unless named here. */
  columns: Partial<QueueColumns>;
  statuses: { ready: string; leased: string; done: string; dead: string };
  /** Claims take rows in this order (most urgent first); the last column must be unique (the id). */
  order: readonly string[];
  /** How long a claim holds a row unless the claimer says otherwise. */
  leaseMs: number;
  /** Attempts after which `retry` dead-letters a row. */
  maxAttempts: number;
  backoff: BackoffPolicy;
  /** Further columns a settle may write, with their SQL types. */
  settleColumns?: Readonly<Record<string, ColumnType>>;
  /** Written by a claim that takes a row over from an owner whose lease ran out (only with a `leased` status). */
  onTakeover?: Readonly<Record<string, string | number>>;
}

export interface ClaimOptions {
  dialect: Dialect;
  owner: string;
  now: number;
  limit: number;
  leaseMs?: number;
  /** Owners known to be gone (their process left this host): their leases are free now. */
  goneOwners?: readonly string[];
  /** Only rows matching this too; the table is aliased `q` (`eb('q.shop_id', 'in', …)`). */
  where?: (eb: ExpressionBuilder<any, any>) => Expression<SqlBool>;
}

/** A claimed row, with its status and owner before the claim (a takeover: the previous owner's lease ran out). */
export type Claimed<Row> = Row & { claimed_from: string; previous_owner: string | null };

export interface SettleEntry {
  id: number;
  status: string;
  /** Columns to write (from the declared ones); absent: kept. */
  set?: Readonly<Record<string, unknown>>;
  /** Added to the attempts (−1: the claimed attempt never happened). */
  attemptsDelta?: number;
}

export interface LeasedQueue<Row> {
  readonly spec: LeasedQueueSpec;
  claim(db: Executor, options: ClaimOptions): Promise<Array<Claimed<Row>>>;
  settle(db: Executor, owner: string, now: number, entries: readonly SettleEntry[]): Promise<Set<number>>;
  done(
    db: Executor,
    owner: string,
    now: number,
    entries: ReadonlyArray<{ id: number; set?: Record<string, unknown> }>,
  ): Promise<Set<number>>;
  /** Failed attempts: due again after the backoff, or dead once `attempts` (claims counted) reach `maxAttempts`. */
  retry(
    db: Executor,
    owner: string,
    now: number,
    entries: ReadonlyArray<{ id: number; attempts: number; error: string | null }>,
    random?: () => number,
  ): Promise<{ retried: Set<number>; dead: Set<number> }>;
  deadLetter(
    db: Executor,
    owner: string,
    now: number,
    entries: ReadonlyArray<{ id: number; error: string | null }>,
  ): Promise<Set<number>>;
  /** The owners holding rows under a lease not yet run out. */
  holders(db: Executor, now: number): Promise<string[]>;
}

/** Rows settled per statement at most (PostgreSQL binds 65,535 parameters, SQLite 32,766). */
const SETTLE_CHUNK = 500;

/** What a queue's statements are built from: its declaration and what follows from it. */
export type QueueShape = ReturnType<typeof queueShape>;

function queueShape(spec: LeasedQueueSpec) {
  const c: QueueColumns = { ...USUAL_COLUMNS, ...spec.columns };
  const { ready, leased } = spec.statuses;
  const settleColumns: Array<[string, ColumnType]> = Object.entries({
    ...(c.due ? { [c.due]: 'bigint' } : { [c.leaseUntil]: 'bigint' }),
    ...(c.error ? { [c.error]: 'text' } : {}),
    ...(c.doneAt ? { [c.doneAt]: 'bigint' } : {}),
    ...spec.settleColumns,
  } as Record<string, ColumnType>);
  return {
    spec,
    c,
    ready,
    leased,
    /** The queue marks a leased row by a status of its own (else by `lease_until` in the future). */
    ownStatus: leased !== ready,
    settleColumns,
    /** The columns a claim reads of its candidates. */
    picked: [...new Set([c.id, c.status, c.leaseOwner, ...spec.order])],
    /** Claim order (most urgent first). */
    compare: (a: Record<string, any>, b: Record<string, any>) => {
      for (const column of spec.order) {
        if (a[column] < b[column]) return -1;
        if (a[column] > b[column]) return 1;
      }
      return 0;
    },
  };
}

export function defineLeasedQueue<Row>(spec: LeasedQueueSpec): LeasedQueue<Row> {
  const shape = queueShape(spec);
  const { c, ready } = shape;
  const settle = (db: Executor, owner: string, now: number, entries: readonly SettleEntry[]) =>
    settleRows(shape, db, owner, now, entries);
  return {
    spec,
    claim: (db, options) => claimRows<Row>(shape, db, options),
    settle,
    done(db, owner, now, entries) {
      return settle(
        db,
        owner,
        now,
        entries.map(({ id, set }) => ({
          id,
          status: spec.statuses.done,
          set: { ...(c.doneAt ? { [c.doneAt]: now } : {}), ...(c.error ? { [c.error]: null } : {}), ...set },
        })),
      );
    },
    async retry(db, owner, now, entries, random = Math.random) {
      const dead = new Set<number>();
      const plan: SettleEntry[] = entries.map(({ id, attempts, error }) => {
        const failure = c.error ? { [c.error]: error } : {};
        if (attempts >= spec.maxAttempts) {
          dead.add(id);
          return { id, status: spec.statuses.dead, set: failure };
        }
        const due = now + backoffMs(spec.backoff, attempts, random());
        // Without a due column the row waits under a lease of no one, which holds up to and including its end.
        return { id, status: ready, set: { ...failure, ...(c.due ? { [c.due]: due } : { [c.leaseUntil]: due - 1 }) } };
      });
      const settled = await settle(db, owner, now, plan);
      const retried = new Set([...settled].filter((id) => !dead.has(id)));
      return { retried, dead: new Set([...dead].filter((id) => settled.has(id))) };
    },
    deadLetter(db, owner, now, entries) {
      return settle(
        db,
        owner,
        now,
        entries.map(({ id, error }) => ({
          id,
          status: spec.statuses.dead,
          ...(c.error ? { set: { [c.error]: error } } : {}),
        })),
      );
    },
    async holders(db, now) {
      const rows = await untyped(db)
        .selectFrom(spec.table)
        .select(c.leaseOwner)
        .distinct()
        .where(c.status, '=', shape.leased)
        .where(c.leaseUntil, '>=', now)
        .where(c.leaseOwner, 'is not', null)
        .execute();
      return rows.map((row) => row[c.leaseOwner] as string);
    },
  };
}

async function settleRows(
  { spec, c, leased, settleColumns }: QueueShape,
  db: Executor,
  owner: string,
  now: number,
  entries: readonly SettleEntry[],
): Promise<Set<number>> {
  const settled = new Set<number>();
  const seen = new Set<number>();
  const unique = entries.filter(({ id }) => !seen.has(id) && seen.add(id));
  // Each declared column travels as a flag (written or kept) and a value, so one statement settles rows whose
  // outcomes write different columns.
  const names = ['v_id', 'v_status', ...settleColumns.flatMap((_, i) => [`f${i}`, `c${i}`]), 'v_delta'].map((n) =>
    sql.id(n),
  );
  const sets = [
    sql`${sql.id(c.status)} = v.v_status`,
    sql`${sql.id(c.attempts)} = t.${sql.id(c.attempts)} + v.v_delta`,
    sql`${sql.id(c.leaseOwner)} = NULL`,
    ...settleColumns.map(([column], i) =>
      column === c.leaseUntil
        ? sql`${sql.id(column)} = CASE WHEN v.${sql.id(`f${i}`)} = 1 THEN v.${sql.id(`c${i}`)} ELSE NULL END`
        : sql`${sql.id(column)} = CASE WHEN v.${sql.id(`f${i}`)} = 1 THEN v.${sql.id(`c${i}`)} ELSE t.${sql.id(column)} END`,
    ),
    ...(settleColumns.some(([column]) => column === c.leaseUntil) ? [] : [sql`${sql.id(c.leaseUntil)} = NULL`]),
    ...(c.updatedAt ? [sql`${sql.id(c.updatedAt)} = ${now}`] : []),
  ];
  for (let i = 0; i < unique.length; i += SETTLE_CHUNK) {
    const values = sql.join(
      unique.slice(i, i + SETTLE_CHUNK).map((entry) => {
        const fields = settleColumns.flatMap(([column, type]) => {
          const value = entry.set?.[column];
          return [
            sql`CAST(${value === undefined ? 0 : 1} AS integer)`,
            sql`CAST(${value ?? null} AS ${sql.raw(type)})`,
          ];
        });
        return sql`(CAST(${entry.id} AS bigint), CAST(${entry.status} AS text), ${sql.join(fields)}, CAST(${entry.attemptsDelta ?? 0} AS integer))`;
      }),
    );
    const result = await sql<{ id: number }>`
      WITH v(${sql.join(names)}) AS (VALUES ${values})
      UPDATE ${sql.table(spec.table)} AS t SET ${sql.join(sets)}
        FROM v
       WHERE t.${sql.id(c.id)} = v.v_id AND t.${sql.id(c.leaseOwner)} = ${owner} AND t.${sql.id(c.status)} = ${leased}
      RETURNING ${sql.id(c.id)} AS id`.execute(db); // unqualified: SQLite's RETURNING names no alias
    for (const row of result.rows) settled.add(Number(row.id));
  }
  return settled;
}
