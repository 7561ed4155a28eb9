/**
 * The one transaction-retry policy. A transaction that lost to another one through no fault of its own — PostgreSQL
 * chose it as a deadlock victim (40P01) or could not serialise it (40001), or SQLite found the file locked by another
 * connection (SQLITE_BUSY / SQLITE_LOCKED) — rolled back whole, so running it again from the start is safe. Callers
 * that check an optimistic version inside their transaction add that conflict with `alsoRetry` (the store does not
 * know the app's error classes). Anything else is thrown at once.
 */
import type { Kysely, Transaction } from 'kysely';
import { isSqliteBusy } from './sqlite-busy';

/** PostgreSQL's SQLSTATEs for a transaction that lost a race: serialization_failure, deadlock_detected. */
const LOST_RACE_SQLSTATES: ReadonlySet<string> = new Set(['40001', '40P01']);

/** How many times a transaction runs at most, the first run included. */
export const TRANSACTION_ATTEMPTS = 8;

export interface TransactionRetryOptions {
  /** Another error the caller retries too (an optimistic version check that lost). */
  alsoRetry?: (error: unknown) => boolean;
  /** Waits between attempts; tests pass one that does not sleep. */
  pause?: (ms: number) => Promise<void>;
  /** In [0, 1): spreads the retries of transactions that collided, so they do not collide again. */
  random?: () => number;
}

/** Whether the error is a lost race of the database's own (deadlock, serialisation failure, busy file). */
export function isTransientTransactionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && LOST_RACE_SQLSTATES.has(code)) || isSqliteBusy(error);
}

/** The policy: whether a transaction that failed on its `attempt`-th run (1-based) runs again. */
export function shouldRetryTransaction(
  error: unknown,
  attempt: number,
  alsoRetry?: (error: unknown) => boolean,
): boolean {
  if (attempt >= TRANSACTION_ATTEMPTS) return false;
  return isTransientTransactionError(error) || (alsoRetry?.(error) ?? false);
}

/** The base of the pause after the `attempt`-th failed run: 5 ms doubling with each attempt, at most 400 ms. */
export function transactionRetryBaseMs(attempt: number): number {
  return Math.min(5 * 2 ** Math.min(attempt - 1, 10), 400);
}

/**
 * The pause before the next run after the `attempt`-th failed: its base plus up to as much again at random, so
 * transactions that collided spread out, and more the more often they collided (three ingestions of one parcel on a
 * machine at load 18 lost five times in a row to pauses of 5·n + 20 ms).
 */
export function transactionRetryPauseMs(attempt: number, random: number): number {
  const base = transactionRetryBaseMs(attempt);
  return base + Math.floor(random * base);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `run` (which opens its own transaction) again under the policy; returns its first success. */
export async function retryTransaction<T>(run: () => Promise<T>, options: TransactionRetryOptions = {}): Promise<T> {
  const pause = options.pause ?? sleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!shouldRetryTransaction(error, attempt, options.alsoRetry)) throw error;
      await pause(transactionRetryPauseMs(attempt, random()));
    }
  }
}

/** Opens a transaction on `db` and runs `body` in it, again from the start under the policy. */
export function inRetriedTransaction<DB, T>(
  db: Kysely<DB>,
  body: (trx: Transaction<DB>) => Promise<T>,
  options: TransactionRetryOptions = {},
): Promise<T> {
  return retryTransaction(() => db.transaction().execute(body), options);
}
