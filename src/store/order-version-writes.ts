/**
 * Writing many orders at the versions read (optimistic lock), each only if nobody changed it since: the same
 * change to many in one statement, or a change of its own to each — on SQLite one cached prepared statement per
 * shape, on PostgreSQL one statement per shape with the values as arrays. Re-exported by orders.ts (`orderStore`).
 */
import { sql } from 'kysely';
import type { Store } from './database';
import type { Executor } from './orders';
import { recordset, type RecordColumns } from './pg-recordset';
import type { OrderUpdate } from './schema';
import { preparedStatement } from './sqlite-statements';

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
 * PostgreSQL: one statement per shape of change — `updateOrdersAtVersions` when every order of the shape takes the
 * same values, else the values as one array per column (a delivery time each).
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
  // One statement per shape of change (the columns set and their kinds): the same values for all its orders, or a
  // value of its own for each (arrays). Grouping by equal values first made one statement per group, and orders
  // sharing a value by chance (two parcels scanned in the same second) made thousands of small statements per batch.
  const byShape = new Map<string, OrderWrite[]>();
  const unshaped = new Map<string, OrderWrite[]>();
  for (const write of writes) {
    const shape = shapeOf(write.set, write.setIfNull);
    const [groups, key] = shape === null ? [unshaped, JSON.stringify([write.set, write.setIfNull])] : [byShape, shape];
    const group = groups.get(key);
    if (group) group.push(write);
    else groups.set(key, [write]);
  }
  // Values neither a number, a string nor null: orders taking the same ones share a statement.
  for (const rows of unshaped.values()) written += (await updateOrdersAtVersions(db, rows, rows[0]!)).size;
  for (const rows of byShape.values()) {
    const first = JSON.stringify([rows[0]!.set, rows[0]!.setIfNull]);
    if (rows.every((row) => JSON.stringify([row.set, row.setIfNull]) === first))
      written += (await updateOrdersAtVersions(db, rows, rows[0]!)).size;
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
    // Numbers go as bigint when every one is a whole number (times, amounts in minor units), else as numeric: a
    // numeric array cast back to each bigint column cost the server a conversion per value.
    const record: RecordColumns = [
      ['id', 'bigint'],
      ['version', 'bigint'],
      ...valued.map((c, j) => {
        const key = `c${j}`;
        if (c.kind !== 'number') return [key, 'text'] as const;
        const whole = values.every((cells) => cells[key] === null || Number.isSafeInteger(cells[key]));
        return [key, whole ? 'bigint' : 'numeric'] as const;
      }),
    ];
    const result = await sql<{
      id: number;
    }>`UPDATE orders SET ${assignments} FROM ${recordset(values, record)} WHERE orders.id = v.id AND orders.version = v.version RETURNING orders.id`.execute(
      db,
    );
    written += result.rows.length;
  }
  return written;
}
