/**
 * Group commit on SQLite: the small writes that requests make outside their own transaction (audit lines, the
 * claims and answers of idempotency keys) are queued, and those of one event-loop turn run in one transaction —
 * a better-sqlite3 transaction of prepared statements, taken on Kysely's connection so it never lands inside
 * another request's open transaction, begun IMMEDIATE and waiting on a busy file. Each caller waits for the commit
 * that holds its write and gets its own result: 50 concurrent writers pay one commit, not one each.
 */
import type SqliteDatabase from 'better-sqlite3';
import type { Store } from './database';
import { busyWaitMs, retryWhileBusy } from './sqlite-dialect';

export class SqliteGroupCommit<Op, Result> {
  private pending: Array<{ op: Op; done: (result: Result | undefined, error?: unknown) => void }> = [];
  private scheduled = false;
  private readonly run: SqliteDatabase.Transaction<(ops: Op[]) => Result[]>;

  /** `apply` runs one op inside the shared transaction and returns its result. */
  constructor(
    private readonly store: Store,
    sqlite: NonNullable<Store['sqlite']>,
    apply: (op: Op) => Result,
  ) {
    this.run = sqlite.transaction((ops: Op[]) => ops.map(apply));
  }

  /** Queues `op`; resolves with its result once the transaction that holds it has committed. */
  write(op: Op): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.pending.push({ op, done: (result, error) => (error ? reject(error) : resolve(result as Result)) });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    try {
      const ops = batch.map((p) => p.op);
      const results = await retryWhileBusy(
        () => this.store.db.connection().execute(async () => this.run.immediate(ops)),
        busyWaitMs(),
      );
      batch.forEach((p, i) => p.done(results[i]));
    } catch (error) {
      for (const p of batch) p.done(undefined, error);
    }
  }
}

/** One group-commit writer per SQLite handle and kind of write. */
export function groupCommitFor<Op, Result>(
  cache: WeakMap<object, SqliteGroupCommit<Op, Result>>,
  store: Store,
  make: (sqlite: NonNullable<Store['sqlite']>) => (op: Op) => Result,
): SqliteGroupCommit<Op, Result> | undefined {
  const sqlite = store.sqlite;
  if (!sqlite) return undefined;
  let writer = cache.get(sqlite);
  if (!writer) cache.set(sqlite, (writer = new SqliteGroupCommit(store, sqlite, make(sqlite))));
  return writer;
}
