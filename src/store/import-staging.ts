/**
 * The staging side of an order import (issue 20): the file's new orders, their lines and first events, and the
 * changes it makes, are written here in short committed chunks; `mergeStagedOrders` then moves the new ones into
 * `orders` with three set-based statements inside the merge's one transaction, so the write lock is held for the
 * merge only. Nothing here is read by anything but the import that owns the run.
 */
import { sql } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import { preparedStatements } from './sqlite-statements';
import type { Store } from './database';
import { ownerIsGone, processOwnerId } from './leases';
import { ORDER_COLUMNS } from './order-bulk';
import type { Executor } from './orders';
import type {
  ImportStagedChangesTable,
  ImportStagedEventsTable,
  ImportStagedLinesTable,
  ImportStagedOrdersTable,
} from './schema-imports';

const STAGED_ORDER_COLUMNS = ['import_id', 'seq', ...ORDER_COLUMNS] as const;
const PG_ROWS_PER_STATEMENT = 400;
const DELETE_SPAN = 5_000;

export type StagedOrder = ImportStagedOrdersTable;
export type StagedLine = ImportStagedLinesTable;
export type StagedEvent = ImportStagedEventsTable;
export type StagedChange = ImportStagedChangesTable;

export async function openImportRun(
  db: Executor,
  run: { id: string; shopId: string; file: string; owner: string; now: number },
): Promise<void> {
  await db
    .insertInto('import_runs')
    .values({ id: run.id, shop_id: run.shopId, file: run.file, owner: run.owner, started_at: run.now })
    .execute();
}

/**
 * Runs nobody is finishing: their process is gone (killed mid-import), or it is this process and the run is not
 * `active` here (its drop failed, e.g. on a full disk), or they are older than a week. Their staged rows are dropped.
 */
export async function abandonedRuns(db: Executor, now: number, active: ReadonlySet<string>): Promise<string[]> {
  const runs = await db.selectFrom('import_runs').select(['id', 'owner', 'started_at']).execute();
  const ours = (owner: string) => owner.startsWith(`${processOwnerId()}:`);
  return runs
    .filter(
      (r) => ownerIsGone(r.owner) || (ours(r.owner) && !active.has(r.id)) || now - r.started_at > 7 * 24 * 3_600_000,
    )
    .map((r) => r.id);
}

/** Stages new orders. Lines and events are staged separately, keyed by the order's `seq`. */
export async function stageOrders(store: Store, trx: Executor, rows: StagedOrder[]): Promise<void> {
  if (store.dialect === 'sqlite' && store.sqlite) {
    const insert = sqliteStatements(store.sqlite).insertOrder;
    const values: unknown[] = new Array(STAGED_ORDER_COLUMNS.length);
    for (const row of rows) {
      for (let i = 0; i < STAGED_ORDER_COLUMNS.length; i++)
        values[i] = (row as Record<string, unknown>)[STAGED_ORDER_COLUMNS[i]!] ?? null;
      insert.run(values);
    }
    return;
  }
  for (let i = 0; i < rows.length; i += PG_ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + PG_ROWS_PER_STATEMENT);
    await trx
      .insertInto('import_staged_orders')
      .values(
        chunk.map(
          (row) =>
            Object.fromEntries(
              STAGED_ORDER_COLUMNS.map((c) => [c, (row as Record<string, unknown>)[c] ?? null]),
            ) as StagedOrder,
        ),
      )
      .execute();
  }
}

export async function stageLines(store: Store, trx: Executor, rows: StagedLine[]): Promise<void> {
  if (store.dialect === 'sqlite' && store.sqlite) {
    const insert = sqliteStatements(store.sqlite).insertLine;
    for (const r of rows)
      insert.run(r.import_id, r.seq, r.platform_order_id, r.line_no, r.sku, r.quantity, r.unit_price);
    return;
  }
  for (let i = 0; i < rows.length; i += PG_ROWS_PER_STATEMENT)
    await trx
      .insertInto('import_staged_lines')
      .values(rows.slice(i, i + PG_ROWS_PER_STATEMENT))
      .execute();
}

export async function stageEvents(store: Store, trx: Executor, rows: StagedEvent[]): Promise<void> {
  if (store.dialect === 'sqlite' && store.sqlite) {
    const insert = sqliteStatements(store.sqlite).insertEvent;
    for (const e of rows)
      insert.run(
        e.import_id,
        e.seq,
        e.event_no,
        e.platform_order_id,
        e.at,
        e.actor,
        e.kind,
        e.to_state ?? null,
        e.reason ?? null,
        e.data ?? null,
      );
    return;
  }
  for (let i = 0; i < rows.length; i += PG_ROWS_PER_STATEMENT)
    await trx
      .insertInto('import_staged_events')
      .values(rows.slice(i, i + PG_ROWS_PER_STATEMENT))
      .execute();
}

export async function stageChanges(trx: Executor, rows: StagedChange[]): Promise<void> {
  for (let i = 0; i < rows.length; i += PG_ROWS_PER_STATEMENT)
    await trx
      .insertInto('import_staged_changes')
      .values(rows.slice(i, i + PG_ROWS_PER_STATEMENT))
      .execute();
}

/** How many staged new orders another writer created meanwhile (e.g. the marketplace sync). */
export async function conflictsWithOrders(trx: Executor, importId: string, shopId: string): Promise<number> {
  const row = await trx
    .selectFrom('import_staged_orders as s')
    .innerJoin('orders as o', (j) =>
      j.onRef('o.platform_order_id', '=', 's.platform_order_id').on('o.shop_id', '=', shopId),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('s.import_id', '=', importId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The outcome of a merge: how many orders, and on SQLite the id base (an order's id is `base + seq`). */
export interface MergedRun {
  importId: string;
  shopId: string;
  count: number;
  idBase: number | null;
}

/**
 * Writes the staged new orders, their lines, their "created" events (`created`: at, actor, data) and any further
 * staged events into the real tables, in file order. On SQLite, which holds the write lock for the whole merge,
 * each order gets the id `max(id) + seq`, so lines and events need no lookup by platform order id; on PostgreSQL,
 * where other writers insert meanwhile, ids come from the sequence and lines and events join on the shop's key.
 */
export async function mergeStagedOrders(
  store: Store,
  trx: Executor,
  importId: string,
  shopId: string,
  created: { at: number; actor: string; data: string | null },
): Promise<MergedRun> {
  const columns = sql.raw(ORDER_COLUMNS.join(', '));
  if (store.dialect === 'sqlite') {
    const top = await sql<{ top: number | null }>`SELECT MAX(id) AS top FROM orders`.execute(trx);
    const base = Number(top.rows[0]?.top ?? 0);
    const inserted =
      await sql`INSERT INTO orders (id, ${columns}) SELECT ${base} + seq, ${columns} FROM import_staged_orders WHERE import_id = ${importId} ORDER BY seq`.execute(
        trx,
      );
    await sql`INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price)
      SELECT ${base} + seq, line_no, sku, quantity, unit_price FROM import_staged_lines WHERE import_id = ${importId} ORDER BY seq, line_no`.execute(
      trx,
    );
    await sql`INSERT INTO order_events (order_id, parcel_id, at, actor, kind, action, from_state, to_state, reason, data)
      SELECT ${base} + seq, NULL, ${created.at}, ${created.actor}, 'created', NULL, NULL, status, NULL, ${created.data}
      FROM import_staged_orders WHERE import_id = ${importId} ORDER BY seq`.execute(trx);
    await sql`INSERT INTO order_events (order_id, parcel_id, at, actor, kind, action, from_state, to_state, reason, data)
      SELECT ${base} + seq, NULL, at, actor, kind, NULL, NULL, to_state, reason, data FROM import_staged_events
      WHERE import_id = ${importId} ORDER BY seq, event_no`.execute(trx);
    return { importId, shopId, count: Number(inserted.numAffectedRows ?? 0n), idBase: base };
  }
  const inserted =
    await sql`INSERT INTO orders (${columns}) SELECT ${columns} FROM import_staged_orders WHERE import_id = ${importId} ORDER BY seq`.execute(
      trx,
    );
  await sql`INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price)
    SELECT o.id, l.line_no, l.sku, l.quantity, l.unit_price FROM import_staged_lines l
    JOIN orders o ON o.shop_id = ${shopId} AND o.platform_order_id = l.platform_order_id
    WHERE l.import_id = ${importId} ORDER BY l.seq, l.line_no`.execute(trx);
  await sql`INSERT INTO order_events (order_id, parcel_id, at, actor, kind, action, from_state, to_state, reason, data)
    SELECT o.id, NULL, ${created.at}, ${created.actor}, 'created', NULL, NULL, s.status, NULL, ${created.data} FROM import_staged_orders s
    JOIN orders o ON o.shop_id = ${shopId} AND o.platform_order_id = s.platform_order_id
    WHERE s.import_id = ${importId} ORDER BY s.seq`.execute(trx);
  await sql`INSERT INTO order_events (order_id, parcel_id, at, actor, kind, action, from_state, to_state, reason, data)
    SELECT o.id, NULL, e.at, e.actor, e.kind, NULL, NULL, e.to_state, e.reason, e.data FROM import_staged_events e
    JOIN orders o ON o.shop_id = ${shopId} AND o.platform_order_id = e.platform_order_id
    WHERE e.import_id = ${importId} ORDER BY e.seq, e.event_no`.execute(trx);
  return { importId, shopId, count: Number(inserted.numAffectedRows ?? 0n), idBase: null };
}

/** The shipby ids of the merged orders whose status is one of `statuses`, in file order. */
export async function mergedOrderIds(trx: Executor, run: MergedRun, statuses: readonly string[]): Promise<number[]> {
  if (run.idBase !== null) {
    const rows = await trx
      .selectFrom('import_staged_orders')
      .select('seq')
      .where('import_id', '=', run.importId)
      .where('status', 'in', [...statuses])
      .orderBy('seq')
      .execute();
    return rows.map((r) => run.idBase! + r.seq);
  }
  const rows = await trx
    .selectFrom('import_staged_orders as s')
    .innerJoin('orders as o', (j) =>
      j.onRef('o.platform_order_id', '=', 's.platform_order_id').on('o.shop_id', '=', run.shopId),
    )
    .select('o.id')
    .where('s.import_id', '=', run.importId)
    .where('s.status', 'in', [...statuses])
    .orderBy('s.seq')
    .execute();
  return rows.map((r) => r.id);
}

/** The staged changes after `afterSeq`, in file order, `limit` at a time. */
export async function stagedChanges(
  trx: Executor,
  importId: string,
  afterSeq: number,
  limit: number,
): Promise<StagedChange[]> {
  return trx
    .selectFrom('import_staged_changes')
    .selectAll()
    .where('import_id', '=', importId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/**
 * Drops a run's staged rows in short transactions of `DELETE_SPAN` orders each (by file order), then the run.
 * `maxSeq` bounds the loop; `write` runs one short write transaction.
 */
export async function dropImportRun(
  write: (work: (trx: Executor) => Promise<void>) => Promise<void>,
  db: Executor,
  importId: string,
): Promise<void> {
  const highest = await db
    .selectFrom('import_staged_orders')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('import_id', '=', importId)
    .executeTakeFirst();
  const highestChange = await db
    .selectFrom('import_staged_changes')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('import_id', '=', importId)
    .executeTakeFirst();
  const maxSeq = Math.max(Number(highest?.seq ?? 0), Number(highestChange?.seq ?? 0));
  for (let from = 0; from <= maxSeq; from += DELETE_SPAN) {
    await write(async (trx) => {
      for (const table of [
        'import_staged_orders',
        'import_staged_lines',
        'import_staged_events',
        'import_staged_changes',
      ] as const) {
        await trx
          .deleteFrom(table)
          .where('import_id', '=', importId)
          .where('seq', '>=', from)
          .where('seq', '<', from + DELETE_SPAN)
          .execute();
      }
    });
  }
  await write(async (trx) => {
    for (const table of [
      'import_staged_orders',
      'import_staged_lines',
      'import_staged_events',
      'import_staged_changes',
    ] as const) {
      await trx.deleteFrom(table).where('import_id', '=', importId).execute();
    }
    await trx.deleteFrom('import_runs').where('id', '=', importId).execute();
  });
}

interface SqliteStatements {
  insertOrder: BetterSqlite3.Statement;
  insertLine: BetterSqlite3.Statement;
  insertEvent: BetterSqlite3.Statement;
}

const sqliteStatements = preparedStatements(
  (db): SqliteStatements => ({
    insertOrder: db.prepare(
      `INSERT INTO import_staged_orders (${STAGED_ORDER_COLUMNS.join(', ')}) VALUES (${STAGED_ORDER_COLUMNS.map(() => '?').join(', ')})`,
    ),
    insertLine: db.prepare(
      'INSERT INTO import_staged_lines (import_id, seq, platform_order_id, line_no, sku, quantity, unit_price) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    insertEvent: db.prepare(
      'INSERT INTO import_staged_events (import_id, seq, event_no, platform_order_id, at, actor, kind, to_state, reason, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
  }),
);
