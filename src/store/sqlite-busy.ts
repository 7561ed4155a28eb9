/** Whether an error is SQLite's "the file is locked by another connection". Apart from the dialect (and kysely), so app/errors.ts can ask without loading them. */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
