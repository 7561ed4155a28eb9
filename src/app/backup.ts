/**
 * `backup` and `restore` of a SQLite store. A backup is online and consistent (the database as of one commit,
 * while servers keep writing). A restore refuses while a server runs on the store (its lease is live), refuses a
 * backup that fails `PRAGMA integrity_check` or is no shipby store, replaces the file without its stale `-wal` /
 * `-shm`, checks the result and brings its schema up to date. PostgreSQL stores are backed up with pg_dump.
 */
import fs from 'node:fs';
import { localized } from '../core/i18n';
import { describeUrl, migrateToLatest, openStore } from '../store/database';
import { markUndeliveredForReadback } from '../store/outbox';
import { checkDatabaseFile, replaceDatabaseFile, vacuumInto, type FileCheck } from '../store/sqlite-backup';
import { busyWaitMs } from '../store/sqlite-dialect';
import type { AppContext } from './context';
import { LocalizedError } from './errors';
import { runningServers } from './store-leases';

export interface BackupReport {
  file: string;
  bytes: number;
  orders: number;
  migrations: number;
  /** Restore: the undelivered uploads marked to be read back from the marketplace before anything is sent. */
  uploadsToReadBack?: number;
}

function postgresGuidance(url: string): LocalizedError {
  const shown = describeUrl(url);
  return new LocalizedError(
    localized(
      `backup and restore copy SQLite stores; this one is PostgreSQL (${shown}). Back it up with pg_dump, online and consistent:\n  pg_dump --format=custom --file=shipby.dump '${shown}'\nand restore it, with every server and worker of shipby stopped, with:\n  pg_restore --clean --if-exists --no-owner --dbname='${shown}' shipby.dump`,
      `backup 和 restore 只复制 SQLite 数据库；此数据库是 PostgreSQL（${shown}）。请用 pg_dump 在线一致地备份：\n  pg_dump --format=custom --file=shipby.dump '${shown}'\n恢复时先停止所有 shipby 进程，再运行：\n  pg_restore --clean --if-exists --no-owner --dbname='${shown}' shipby.dump`,
    ),
  );
}

function corrupt(file: string, check: FileCheck): LocalizedError {
  const why = check.problems.length ? check.problems.slice(0, 5).join('; ') : 'no shipby migrations recorded';
  return new LocalizedError(
    localized(
      `${file} is not a sound backup of shipby (${why}); nothing was restored.`,
      `${file} 不是完好的 shipby 备份（${why}）；未恢复任何内容。`,
    ),
  );
}

/** Copies the store to `file`, online; checks the copy. */
export async function backupStore(ctx: AppContext, file: string): Promise<BackupReport> {
  const sqlite = ctx.store.sqlite;
  if (!sqlite) throw postgresGuidance(ctx.store.url);
  await vacuumInto(sqlite, file, busyWaitMs());
  const check = checkDatabaseFile(file);
  if (!check.ok) throw corrupt(file, check);
  return { file, bytes: fs.statSync(file).size, orders: check.orders, migrations: check.migrations };
}

/** Replaces the store `url` names with the backup `file`. The store must not be in use by a server. */
export async function restoreStore(url: string, file: string): Promise<BackupReport> {
  if (!url.startsWith('sqlite:')) throw postgresGuidance(url);
  const target = url.slice('sqlite:'.length);
  const check = checkDatabaseFile(file);
  if (!check.ok) throw corrupt(file, check);
  if (fs.existsSync(target)) {
    const servers = await serversOn(url);
    if (servers.length) {
      {
        const who = servers.map((s) => s.owner).join(', ');
        throw new LocalizedError(
          localized(
            `A shipby server is running on ${target} (${who}); stop it first, then restore. Nothing was changed.`,
            `有 shipby 服务器正在使用 ${target}（${who}）；请先停止它再恢复。未做任何更改。`,
          ),
        );
      }
    }
  }
  replaceDatabaseFile(file, target);
  const after = checkDatabaseFile(target);
  if (!after.ok) throw corrupt(target, after);
  // A backup from an older shipby gets the newer migrations now rather than at the next start.
  const store = openStore(url);
  let readbacks = 0;
  try {
    await migrateToLatest(store);
    // Uploads declared after the backup was taken must not be declared again: the outbox reads them back first.
    readbacks = await store.db.transaction().execute((trx) => markUndeliveredForReadback(trx));
  } finally {
    await store.close();
  }
  return {
    file: target,
    bytes: fs.statSync(target).size,
    orders: after.orders,
    migrations: after.migrations,
    uploadsToReadBack: readbacks,
  };
}

/** The servers whose lease on the store is live; none when the file is too damaged to tell (the reason to restore). */
async function serversOn(url: string): Promise<Array<{ owner: string }>> {
  let store: ReturnType<typeof openStore> | undefined;
  try {
    store = openStore(url);
    const hasLeases = store
      .sqlite!.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'store_leases'`)
      .get();
    return hasLeases ? await runningServers({ store, now: Date.now }) : [];
  } catch {
    return [];
  } finally {
    await store?.close().catch(() => {});
  }
}
