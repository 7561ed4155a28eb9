/**
 * Bound parameters per statement: SQLite allows 32766, PostgreSQL 65535. A list of ids goes IN_CHUNK at a time,
 * rows ROW_CHUNK at a time.
 */
export const IN_CHUNK = 5000;
export const ROW_CHUNK = 2000;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
