/**
 * Kysely's SQLite dialect, made safe for several processes on one file and for a crash mid-migration:
 * - writing transactions begin with `BEGIN IMMEDIATE`, so the write lock is taken (or waited for) at the start.
 *   A deferred `BEGIN` that reads first and writes later fails at once with "database is locked" when another
 *   process wrote in between (SQLite cannot upgrade a stale read snapshot; the busy handler is not even called).
 *   `db.transaction().setAccessMode('read only')` keeps a deferred `BEGIN`.
 * - a busy database is waited for, not failed: each statement waits `busy_timeout` (blocking, as better-sqlite3
 *   is synchronous), and a `BEGIN IMMEDIATE` or a statement outside a transaction that still finds the file
 *   locked is tried again after a short asynchronous pause, up to `busyWaitMs` in all (SHIPBY_SQLITE_BUSY_WAIT).
 * - the adapter reports transactional DDL, so Kysely's Migrator runs the pending migrations and their
 *   `kysely_migration` rows in one transaction: a process killed mid-migration leaves the store as it was.
 * - a rollback after SQLite already rolled back by itself (SQLITE_FULL, SQLITE_IOERR…) is skipped, so the real
 *   error is reported rather than "cannot rollback - no transaction is active".
 */
import type SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { setting } from '../core/config';
import { isSqliteBusy } from './sqlite-busy';

/** How long a writer waits in all for another process's write lock before "database is locked" reaches the user. */
const DEFAULT_BUSY_WAIT_MS = 60_000;

/** The wait configured for this process (SHIPBY_SQLITE_BUSY_WAIT_MS), else the default. */
export function busyWaitMs(): number {
  return setting(process.env, 'SHIPBY_SQLITE_BUSY_WAIT_MS');
}

export { isSqliteBusy } from './sqlite-busy';

/** Runs `attempt` again after short asynchronous pauses while SQLite says the file is busy, up to `budgetMs`. */
export async function retryWhileBusy<T>(attempt: () => T | Promise<T>, budgetMs: number): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isSqliteBusy(error) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause + Math.floor(Math.random() * pause)));
    }
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** Retries a statement that finds the file busy, but only outside a transaction (where nothing was done yet). */
class BusyWaitingConnection implements DatabaseConnection {
  constructor(
    private readonly inner: DatabaseConnection,
    private readonly sqlite: SqliteDatabase.Database,
    private readonly busyWaitMs: number,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.sqlite.inTransaction) return this.inner.executeQuery<R>(query);
    return retryWhileBusy(() => this.inner.executeQuery<R>(query), this.busyWaitMs);
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  private readonly wrapped = new WeakMap<DatabaseConnection, BusyWaitingConnection>();

  constructor(
    private readonly sqlite: SqliteDatabase.Database,
    private readonly busyWaitMs: number,
  ) {
    super({ database: sqlite });
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await super.acquireConnection();
    let connection = this.wrapped.get(inner);
    if (!connection) {
      connection = new BusyWaitingConnection(inner, this.sqlite, this.busyWaitMs);
      this.wrapped.set(inner, connection);
    }
    return connection;
  }

  override async beginTransaction(connection: DatabaseConnection, settings?: TransactionSettings): Promise<void> {
    await connection.executeQuery(
      CompiledQuery.raw(settings?.accessMode === 'read only' ? 'begin' : 'begin immediate'),
    );
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.sqlite.inTransaction) return;
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
}

export class ShipbySqliteDialect extends SqliteDialect {
  constructor(
    private readonly sqlite: SqliteDatabase.Database,
    private readonly busyWaitMs: number = DEFAULT_BUSY_WAIT_MS,
  ) {
    super({ database: sqlite });
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.sqlite, this.busyWaitMs);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
