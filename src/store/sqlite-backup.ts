/**
 * The SQLite side of `backup` and `restore`: an online, consistent copy (`VACUUM INTO`: one read transaction, so
 * writers in other processes go on and the copy is the database as of one commit), integrity checks, and the
 * replacement of a store's file that does not let a stale `-wal` be replayed onto the restored database.
 */
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { retryWhileBusy } from './sqlite-dialect';

/** Copies the open database into `file` (replaced if there), through a temporary file renamed at the end. */
export async function vacuumInto(sqlite: SqliteDatabase.Database, file: string, busyWaitMs: number): Promise<void> {
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  fs.rmSync(partial, { force: true });
  try {
    await retryWhileBusy(() => sqlite.prepare('VACUUM INTO ?').run(partial), busyWaitMs);
    fs.renameSync(partial, target);
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

export interface FileCheck {
  ok: boolean;
  /** `PRAGMA integrity_check`'s first lines, or why the file could not be read as a database. */
  problems: string[];
  /** The migrations recorded in it (a shipby store has at least one). */
  migrations: number;
  orders: number;
  /** The error that kept the file from being read as a database at all (SQLite's or the file system's). */
  failure?: unknown;
}

/** Opens `file` read-only and checks it: integrity, and that it is a shipby store. */
export function checkDatabaseFile(file: string): FileCheck {
  let db: SqliteDatabase.Database | undefined;
  try {
    db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    const problems = (db.pragma('integrity_check(20)') as Array<{ integrity_check: string }>)
      .map((r) => r.integrity_check)
      .filter((r) => r !== 'ok');
    const has = (table: string) =>
      Boolean(db!.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table));
    const migrations = has('kysely_migration')
      ? Number((db.prepare('SELECT count(*) AS n FROM kysely_migration').get() as { n: number }).n)
      : 0;
    const orders = has('orders')
      ? Number((db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n)
      : 0;
    return { ok: problems.length === 0 && migrations > 0, problems, migrations, orders };
  } catch (error) {
    return {
      ok: false,
      problems: [error instanceof Error ? error.message : String(error)],
      migrations: 0,
      orders: 0,
      failure: error,
    };
  } finally {
    db?.close();
  }
}

/**
 * Puts a copy of `backup` in place of the store file `target`. The copy is written beside the target first; the
 * target's `-wal` and `-shm` (which belong to the database being replaced, and whose frames SQLite would otherwise
 * replay onto the restored one) are removed before the copy is renamed over it.
 */
export function replaceDatabaseFile(backup: string, target: string): void {
  const resolved = path.resolve(target);
  fs.mkdirSync(path.dirname(resolved), { recursive: true });
  const incoming = `${resolved}.restoring-${process.pid}`;
  try {
    fs.copyFileSync(backup, incoming);
    const handle = fs.openSync(incoming, 'r+');
    try {
      fs.fsyncSync(handle);
    } finally {
      fs.closeSync(handle);
    }
    for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(`${resolved}${suffix}`, { force: true });
    fs.renameSync(incoming, resolved);
  } finally {
    fs.rmSync(incoming, { force: true });
  }
}
