/** Whether the dependencies answer (GET /health), and waiting for the database at start. */
import { migrateToLatest, pendingMigrations, type Store } from '../store/database';
import { LocalizedError, localized } from '../core/i18n';
import type { AppContext } from './context';
import { isDatabaseUnavailable } from './errors';

export async function databaseHealth(ctx: AppContext): Promise<{ up: true } | { up: false; error: string }> {
  try {
    await ctx.store.db.selectFrom('shops').select('id').limit(1).execute();
    return { up: true };
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    return { up: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * For the long-running processes (`serve`, `outbox work`): migrate once the database answers, instead of exiting
 * because it was away at start. Says so once, then tries every `everyMs`; any other error is thrown.
 */
export async function migrateWhenReachable(
  store: Store,
  options: { log: (line: string) => void; signal?: AbortSignal; everyMs?: number },
): Promise<void> {
  let said = false;
  while (true) {
    try {
      await migrateToLatest(store);
      if (said) options.log('the database answers; starting');
      return;
    } catch (error) {
      if (!isDatabaseUnavailable(error) || options.signal?.aborted) throw error;
      if (!said) options.log(`waiting for the database: ${(error as Error).message}`);
      said = true;
      await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 2000));
    }
  }
}

class SchemaBehindError extends LocalizedError {
  constructor(
    readonly pending: string[],
    message: ConstructorParameters<typeof LocalizedError>[0],
  ) {
    super(message);
  }
}

/**
 * For processes that must not change the schema (`shipby worker`): waits while the database is away, then throws
 * SchemaBehindError naming the migrations not applied yet — a worker never runs on a schema it does not know.
 */
export async function requireCurrentSchema(
  store: Store,
  options: { log: (line: string) => void; signal?: AbortSignal; everyMs?: number },
): Promise<void> {
  let said = false;
  while (true) {
    try {
      const pending = await pendingMigrations(store);
      if (pending.length === 0) return;
      const names = pending.join(', ');
      throw new SchemaBehindError(
        pending,
        localized(
          `The database is not upgraded to this version of shipby (${pending.length} migration(s) not applied: ${names}). Upgrade it first (start one server, or run the migration), then start the worker.`,
          `数据库尚未升级到此版本的 shipby（${pending.length} 个迁移未执行：${names}）。请先升级（启动一个服务器或执行迁移），再启动工作进程。`,
        ),
      );
    } catch (error) {
      if (!isDatabaseUnavailable(error) || options.signal?.aborted) throw error;
      if (!said) options.log(`waiting for the database: ${(error as Error).message}`);
      said = true;
      await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 2000));
    }
  }
}
