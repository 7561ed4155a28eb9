/**
 * `backup` and `restore` of a SQLite store. A backup is online and consistent (the database as of one commit,
 * while servers keep writing). A restore refuses while a server runs on the store (its lease is live), refuses a
 * backup that fails `PRAGMA integrity_check` or is no shipby store, replaces the file without its stale `-wal` /
 * `-shm`, checks the result and brings its schema up to date. PostgreSQL stores are backed up with pg_dump.
 */
import fs from 'node:fs';
import { localized, type Localized } from '../core/i18n';
import { describeUrl, migrateToLatest, openStore } from '../store/database';
import { markUndeliveredForReadback } from '../store/outbox';
import { checkDatabaseFile, replaceDatabaseFile, vacuumInto, type FileCheck } from '../store/sqlite-backup';
import { isSqliteBusy } from '../store/sqlite-busy';
import { busyWaitMs } from '../store/sqlite-dialect';
import type { AppContext } from './context';
import { LocalizedError } from './errors';
import { runningServers } from './store-leases';
import { systemErrorMessage } from './system-errors';

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

/** SQLite cannot open a missing file or a folder, and says so vaguely: the file system's own code says which. */
function readFailure(file: string, failure: unknown): unknown {
  const code = String((failure as { code?: unknown } | null)?.code ?? '');
  if (!/^SQLITE_(CANTOPEN|IOERR)/.test(code)) return failure;
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return { code: 'ENOENT', path: file };
  return stat.isDirectory() ? { code: 'EISDIR', path: file } : failure;
}

/**
 * `file` failed its check: the file system's refusal (no such file, a folder, no permission) as such, else what is
 * wrong with it as a backup (not a database, damaged, no shipby store), and `advice`. `outcome`: what was not done.
 */
function unsound(file: string, check: FileCheck, outcome: Localized, advice: Localized): LocalizedError {
  const failure = check.failure === undefined ? undefined : readFailure(file, check.failure);
  const code = String((failure as { code?: unknown } | undefined)?.code ?? '');
  const refused = /^SQLITE_(NOTADB|CORRUPT)/.test(code) ? undefined : refusedFile(failure, file, outcome);
  if (refused instanceof LocalizedError) return refused;
  const why = check.problems.length ? check.problems.slice(0, 5).join('; ') : 'no shipby migrations recorded';
  const whyZh = code.startsWith('SQLITE_NOTADB')
    ? '不是数据库文件'
    : code.startsWith('SQLITE_CORRUPT') || check.problems.length
      ? `数据库已损坏，完整性检查发现 ${check.problems.length} 处问题`
      : '其中没有 shipby 的迁移记录，不是 shipby 的数据库';
  return new LocalizedError(
    localized(
      `${file} is not a sound backup of shipby (${why}); ${outcome.en[0]!.toLowerCase()}${outcome.en.slice(1)} ${advice.en}`,
      `${file} 不是完好的 shipby 备份（${whyZh}）；${outcome['zh-CN']}${advice['zh-CN']}`,
    ),
  );
}

/** A system error about `file` said with what was not done (`outcome`); an error of another kind as it is. */
function refusedFile(error: unknown, file: string, outcome: Localized): unknown {
  const said = systemErrorMessage(error, file);
  return said
    ? new LocalizedError(localized(`${said.en} ${outcome.en}`, `${said['zh-CN']}${outcome['zh-CN']}`))
    : error;
}

const NOTHING_RESTORED = localized('Nothing was restored.', '未恢复任何内容。');

/** Copies the store to `file`, online; checks the copy. */
export async function backupStore(ctx: AppContext, file: string): Promise<BackupReport> {
  const sqlite = ctx.store.sqlite;
  if (!sqlite) throw postgresGuidance(ctx.store.url);
  try {
    await vacuumInto(sqlite, file, busyWaitMs());
  } catch (error) {
    // The store busy past the wait is the store's, said as such by the caller (StoreBusyError); the rest is `file`'s.
    throw isSqliteBusy(error) ? error : refusedFile(error, file, localized('No backup was written.', '未写入备份。'));
  }
  const check = checkDatabaseFile(file);
  if (!check.ok)
    throw unsound(
      file,
      check,
      localized('The backup is not usable.', '该备份不可用。'),
      localized('Take it again.', '请重新备份。'),
    );
  return { file, bytes: fs.statSync(file).size, orders: check.orders, migrations: check.migrations };
}

/** Replaces the store `url` names with the backup `file`. The store must not be in use by a server. */
export async function restoreStore(url: string, file: string): Promise<BackupReport> {
  if (!url.startsWith('sqlite:')) throw postgresGuidance(url);
  const target = url.slice('sqlite:'.length);
  const check = checkDatabaseFile(file);
  if (!check.ok)
    throw unsound(file, check, NOTHING_RESTORED, localized('Use another backup file.', '请改用另一份备份文件。'));
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
  try {
    replaceDatabaseFile(file, target);
  } catch (error) {
    throw refusedFile(
      error,
      target,
      localized(`${target} was not replaced: nothing was restored.`, `${target} 未被替换：未恢复任何内容。`),
    );
  }
  const after = checkDatabaseFile(target);
  if (!after.ok)
    throw unsound(
      target,
      after,
      localized('The restored store fails its check.', '恢复后的数据库未通过检查。'),
      localized('Restore another backup file.', '请恢复另一份备份文件。'),
    );
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
