/** Whether the dependencies answer (GET /health): the database, by one indexed read. */
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
