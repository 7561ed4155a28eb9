/** Whether the dependencies answer (GET /health), and waiting for the database at start. */
import { migrateToLatest, type Store } from '../store/database';
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
export async function migrateWhenReachable(store: Store, options: { log: (line: string) => void; signal?: AbortSignal; everyMs?: number }): Promise<void> {
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
