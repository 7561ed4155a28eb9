/**
 * Rows sent to PostgreSQL as one array parameter per column and turned back into rows by `unnest`: a statement whose
 * text is the same for any number of rows (the bulk writers' updates and inserts: store/tracking.ts, store/orders.ts),
 * where a `VALUES` list of thousands of fragments cost more to build and compile than the write.
 */
import { sql } from 'kysely';

/** The PostgreSQL types a column of values is sent as. */
export type PgArrayType = 'text' | 'bigint' | 'int' | 'numeric';

export type RecordColumns = ReadonlyArray<readonly [string, PgArrayType]>;

const ARRAY_QUOTE = /[\\"]/;
const ARRAY_QUOTES = /[\\"]/g;

/**
 * One column of `rows` as a PostgreSQL array literal, written straight: numbers as they are, text quoted (a backslash
 * or a double quote escaped). node-postgres would serialise an array parameter value by value through its generic
 * path (each value prepared, quoted and escaped with regular expressions), several times slower; a JSON parameter
 * (`json_to_recordset`) was cheap to build but costs the server more to parse than an array literal.
 */
function arrayLiteral(rows: readonly object[], key: string, type: PgArrayType): string {
  // Pieces joined once: numbers stay numbers (join writes them), a text is its quotes around it (no string per value).
  const parts: unknown[] = ['{'];
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) parts.push(',');
    const value = (rows[i] as Record<string, unknown>)[key];
    if (value === null || value === undefined) parts.push('NULL');
    else if (type !== 'text') parts.push(value);
    else {
      const text = String(value);
      parts.push('"', ARRAY_QUOTE.test(text) ? text.replace(ARRAY_QUOTES, '\\$&') : text, '"');
    }
  }
  parts.push('}');
  return parts.join('');
}

/** Rows as a relation `v` with these columns: `unnest` of one array parameter per column (a missing key is null). */
export function recordset(rows: readonly object[], columns: RecordColumns) {
  const arrays = columns.map(([key, type]) => sql`${arrayLiteral(rows, key, type)}::${sql.raw(type)}[]`);
  return sql`unnest(${sql.join(arrays)}) AS v(${sql.raw(columns.map(([key]) => key).join(', '))})`;
}
