/**
 * Rate-limit counters on the store (`rate_limits`, migration 0022), shared by every process: one upsert counts a hit
 * and starts the window again once it has ended, atomically on SQLite and PostgreSQL alike.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';

/** Counts one hit of `key` at `now` in a window of `windowMs`: the hits so far in the current window and its end. */
export async function hitRateLimit(
  db: Kysely<Database>,
  key: string,
  now: number,
  windowMs: number,
): Promise<{ hits: number; resetAt: number }> {
  const ends = now + windowMs;
  const row = await db
    .insertInto('rate_limits')
    .values({ key, hits: 1, reset_at: ends })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql<number>`case when rate_limits.reset_at <= ${now} then 1 else rate_limits.hits + 1 end`,
        reset_at: sql<number>`case when rate_limits.reset_at <= ${now} then ${ends} else rate_limits.reset_at end`,
      }),
    )
    .returning(['hits', 'reset_at'])
    .executeTakeFirstOrThrow();
  return { hits: Number(row.hits), resetAt: Number(row.reset_at) };
}

/** Deletes the counters whose window ended before `now`; how many. */
export async function pruneRateLimits(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db.deleteFrom('rate_limits').where('reset_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
