/**
 * Request limits every process sees (the production issue): counters on the store (`database`, the default), in
 * Redis (`redis`, SHIPBY_REDIS_URL), or in this process only (`memory`, one process). SHIPBY_RATE_LIMIT_STORE picks
 * one. Limits are wall-clock (they are about callers, not orders), so the injected clock is not used.
 */
import { createHash } from 'node:crypto';
import * as store from '../store/rate-limits';
import type { AppContext } from './context';

export interface RateCounter {
  /** Counts a hit of `key` in a window of `windowMs`: the hits in the current window and the ms left of it. */
  hit(key: string, windowMs: number): Promise<{ hits: number; ttlMs: number }>;
}

/** Counters on the store, shared by every process on it. */
export function databaseCounter(ctx: AppContext): RateCounter {
  return {
    async hit(key, windowMs) {
      const now = Date.now();
      // Stored hashed: the table holds no address nor user id.
      const hashed = createHash('sha256').update(key).digest('base64url').slice(0, 27);
      const { hits, resetAt } = await store.hitRateLimit(ctx.store.db, hashed, now, windowMs);
      return { hits, ttlMs: Math.max(0, resetAt - now) };
    },
  };
}

/** Deletes the counters of windows that have ended (a job: jobs/housekeeping-jobs.ts). */
export function pruneRateLimits(ctx: AppContext): Promise<number> {
  return store.pruneRateLimits(ctx.store.db, Date.now());
}
