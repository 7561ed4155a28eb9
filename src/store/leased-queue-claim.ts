/**
 * A leased queue's claim (leased-queue.ts declares the queues): up to `n` due rows, most urgent first, under a lease
 * for one owner, the attempt counted. PostgreSQL: one statement, the due rows read `FOR UPDATE SKIP LOCKED` feeding
 * an `UPDATE … FROM`. SQLite (one writer; transactions begin IMMEDIATE): the same read, then one `UPDATE … RETURNING`
 * guarded by the same conditions, so two interleaved claims never take a row twice.
 */
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { ClaimOptions, Claimed, QueueShape } from './leased-queue';
import type { Executor } from './orders';

/** The executor without the schema's types: a queue's table and columns are data. */
export const untyped = (db: Executor) => db as unknown as Kysely<any>;

/** What makes a row claimable, as one condition per part (each part is read on its own index walk). */
function claimable(
  { c, ready, leased, ownStatus }: QueueShape,
  eb: ExpressionBuilder<any, any>,
  at: string,
  now: number,
  gone: string[] | null,
) {
  const col = (name: string) => `${at}${name}`;
  const leaseOver = eb.or([
    eb(col(c.leaseUntil), '<', now),
    ...(gone ? [eb(col(c.leaseOwner), 'in', gone)] : []),
    ...(ownStatus ? [] : [eb(col(c.leaseUntil), 'is', null)]),
  ]);
  const due = c.due ? [eb(col(c.due), '<=', now)] : [];
  if (!ownStatus) return [eb.and([eb(col(c.status), '=', ready), ...due, leaseOver])];
  return [eb.and([eb(col(c.status), '=', ready), ...due]), eb.and([eb(col(c.status), '=', leased), leaseOver])];
}

/** How one claim goes: its options, its lease, and the owners known to be gone. */
interface ClaimRun {
  options: ClaimOptions;
  leaseUntil: number;
  gone: string[] | null;
  /** `claimable` has one part per way a row is free (ready; leased with its lease over). */
  parts: number;
  takeover: Array<[string, string | number]>;
}

export async function claimRows<Row>(
  shape: QueueShape,
  db: Executor,
  options: ClaimOptions,
): Promise<Array<Claimed<Row>>> {
  const { spec } = shape;
  const run: ClaimRun = {
    options,
    leaseUntil: options.now + (options.leaseMs ?? spec.leaseMs),
    gone: options.goneOwners?.length ? [...options.goneOwners] : null,
    parts: shape.ownStatus ? 2 : 1,
    takeover: Object.entries(spec.onTakeover ?? {}),
  };
  return options.dialect === 'postgres' ? claimOnPostgres<Row>(shape, db, run) : claimOnSqlite<Row>(shape, db, run);
}

/** The claimable rows of one part, most urgent first, `limit` at most (PostgreSQL: locked, skipping locked ones). */
function candidates(shape: QueueShape, db: Executor, run: ClaimRun, part: number) {
  const { spec } = shape;
  const { options } = run;
  let query = untyped(db)
    .selectFrom(`${spec.table} as q`)
    .select(shape.picked.map((column) => `q.${column}`))
    .where((eb) => claimable(shape, eb, 'q.', options.now, run.gone)[part]!);
  if (options.where) query = query.where(options.where);
  for (const column of spec.order) query = query.orderBy(`q.${column}`);
  query = query.limit(options.limit);
  return options.dialect === 'postgres' ? query.forUpdate().skipLocked() : query;
}

/**
 * One statement: lock the claimable rows no one else has locked, keep the most urgent `limit` of all parts, lease
 * them, and return them with their status and owner before. Rows locked but not kept are freed at commit.
 */
async function claimOnPostgres<Row>(shape: QueueShape, db: Executor, run: ClaimRun): Promise<Array<Claimed<Row>>> {
  const { spec, c, leased } = shape;
  const { options, parts } = run;
  const ctes = Array.from({ length: parts }, (_, i) => sql`${sql.id(`p${i}`)} AS (${candidates(shape, db, run, i)})`);
  const union = sql.join(
    Array.from({ length: parts }, (_, i) => sql`SELECT * FROM ${sql.id(`p${i}`)}`),
    sql` UNION ALL `,
  );
  const sets = [
    sql`${sql.id(c.status)} = ${leased}`,
    sql`${sql.id(c.leaseOwner)} = ${options.owner}`,
    sql`${sql.id(c.leaseUntil)} = ${run.leaseUntil}`,
    sql`${sql.id(c.attempts)} = t.${sql.id(c.attempts)} + 1`,
    ...(c.updatedAt ? [sql`${sql.id(c.updatedAt)} = ${options.now}`] : []),
    ...run.takeover.map(
      ([column, value]) =>
        sql`${sql.id(column)} = CASE WHEN t.${sql.id(c.status)} = ${leased} THEN ${value} ELSE t.${sql.id(column)} END`,
    ),
  ];
  const { rows } = await sql<Claimed<Row>>`
    WITH ${sql.join(ctes)},
         picked AS (${union} ORDER BY ${sql.join(spec.order.map((o) => sql.id(o)))} LIMIT ${options.limit})
    UPDATE ${sql.table(spec.table)} AS t SET ${sql.join(sets)}
      FROM picked
     WHERE t.${sql.id(c.id)} = picked.${sql.id(c.id)}
    RETURNING t.*, picked.${sql.id(c.status)} AS claimed_from, picked.${sql.id(c.leaseOwner)} AS previous_owner`.execute(
    db,
  );
  return rows.sort(shape.compare);
}

/** The same read, then one `UPDATE … RETURNING` guarded by the same conditions (SQLite has no row locks). */
async function claimOnSqlite<Row>(shape: QueueShape, db: Executor, run: ClaimRun): Promise<Array<Claimed<Row>>> {
  const { spec, c, leased, compare } = shape;
  const { options, parts } = run;
  const { now } = options;
  const chosen: Array<Record<string, any>> = [];
  for (let part = 0; part < parts; part++) chosen.push(...(await candidates(shape, db, run, part).execute()));
  chosen.sort(compare).splice(options.limit);
  if (chosen.length === 0) return [];
  const before = new Map(chosen.map((row) => [row[c.id], row]));
  const claimed = await untyped(db)
    .updateTable(spec.table)
    .set((eb) => ({
      [c.status]: leased,
      [c.leaseOwner]: options.owner,
      [c.leaseUntil]: run.leaseUntil,
      [c.attempts]: eb(c.attempts, '+', 1),
      ...(c.updatedAt ? { [c.updatedAt]: now } : {}),
      ...Object.fromEntries(
        run.takeover.map(([column, value]) => [
          column,
          sql`case when ${sql.ref(c.status)} = ${leased} then ${value} else ${sql.ref(column)} end`,
        ]),
      ),
    }))
    .where(c.id, 'in', [...before.keys()])
    // The guard: only rows still claimable (SQLite has no row locks; RETURNING cannot name another table).
    .where((eb) => eb.or(claimable(shape, eb, '', now, run.gone)))
    .returningAll()
    .execute();
  return claimed
    .map((row) => {
      const was = before.get(row[c.id])!;
      return { ...row, claimed_from: was[c.status], previous_owner: was[c.leaseOwner] } as Claimed<Row>;
    })
    .sort(compare);
}
