import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isTransientTransactionError,
  retryTransaction,
  shouldRetryTransaction,
  TRANSACTION_ATTEMPTS,
  transactionRetryBaseMs,
  transactionRetryPauseMs,
} from '../../src/store/transaction-retry';

const withCode = (code: string) => Object.assign(new Error(code), { code });
const TRANSIENT = ['40001', '40P01', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED'];
const OTHER = ['23505', '23503', '42P01', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR', '57P01'];
class VersionLost extends Error {}
const isVersionLost = (error: unknown) => error instanceof VersionLost;
const noPause = async () => {};

/** An error of either family, with whether the policy should retry it (the caller retries version conflicts). */
const anError = fc.oneof(
  fc.constantFrom(...TRANSIENT).map((code) => ({ error: withCode(code) as unknown, transient: true })),
  fc.constantFrom(...OTHER).map((code) => ({ error: withCode(code) as unknown, transient: false })),
  fc.constant({ error: new VersionLost('version') as unknown, transient: false }),
  fc.constant({ error: new Error('no code') as unknown, transient: false }),
  fc.constant({ error: null as unknown, transient: false }),
);

describe('the transaction-retry policy', () => {
  it('retries deadlocks, serialisation failures and a busy SQLite file, nothing else of its own', () => {
    for (const code of TRANSIENT) expect(isTransientTransactionError(withCode(code))).toBe(true);
    for (const code of OTHER) expect(isTransientTransactionError(withCode(code))).toBe(false);
    expect(isTransientTransactionError(new VersionLost())).toBe(false);
    expect(isTransientTransactionError(undefined)).toBe(false);
  });

  it('retries a version conflict only when the caller says so', () => {
    expect(shouldRetryTransaction(new VersionLost(), 1)).toBe(false);
    expect(shouldRetryTransaction(new VersionLost(), 1, isVersionLost)).toBe(true);
  });

  it('decides by the error and the attempt alone, and never past the last attempt (property)', () => {
    fc.assert(
      fc.property(
        anError,
        fc.integer({ min: 1, max: 50 }),
        fc.boolean(),
        ({ error, transient }, attempt, callerRetriesVersions) => {
          const alsoRetry = callerRetriesVersions ? isVersionLost : undefined;
          const retryable = transient || (callerRetriesVersions && error instanceof VersionLost);
          expect(shouldRetryTransaction(error, attempt, alsoRetry)).toBe(retryable && attempt < TRANSACTION_ATTEMPTS);
        },
      ),
      { seed: 21 },
    );
  });

  it('pauses at least as long for a later attempt, between its base and twice it (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, random) => {
          const ms = transactionRetryPauseMs(attempt, random);
          expect(Number.isInteger(ms)).toBe(true);
          const base = transactionRetryBaseMs(attempt);
          expect(ms).toBeGreaterThanOrEqual(base);
          expect(ms).toBeLessThan(Math.max(2 * base, base + 1));
          expect(base).toBeLessThanOrEqual(400);
          expect(transactionRetryBaseMs(attempt + 1)).toBeGreaterThanOrEqual(base);
          expect(transactionRetryPauseMs(attempt + 1, random)).toBeGreaterThanOrEqual(ms);
        },
      ),
      { seed: 21 },
    );
  });

  it('runs again until a success, at most the attempts of the policy, and rethrows the last error (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anError, { maxLength: 8 }), fc.boolean(), async (failures, callerRetriesVersions) => {
        const alsoRetry = callerRetriesVersions ? isVersionLost : undefined;
        let runs = 0;
        const pauses: number[] = [];
        const outcome = await retryTransaction(
          async () => {
            const failure = failures[runs++];
            if (failure) throw failure.error;
            return 'done';
          },
          { ...(alsoRetry ? { alsoRetry } : {}), pause: async (ms) => void pauses.push(ms), random: () => 0.5 },
        ).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        // The first failure the policy does not retry (or the last attempt's) ends it; otherwise a success does.
        const stop = failures.findIndex((f, i) => !shouldRetryTransaction(f.error, i + 1, alsoRetry));
        if (stop === -1) {
          expect(outcome).toEqual({ value: 'done' });
          expect(runs).toBe(failures.length + 1);
        } else {
          expect(outcome).toEqual({ error: failures[stop]!.error });
          expect(runs).toBe(stop + 1);
        }
        expect(runs).toBeLessThanOrEqual(TRANSACTION_ATTEMPTS);
        expect(pauses).toEqual(Array.from({ length: runs - 1 }, (_, i) => transactionRetryPauseMs(i + 1, 0.5)));
      }),
      { seed: 21 },
    );
  });

  it('does not run again after a success or a mistake of the caller', async () => {
    let runs = 0;
    await expect(retryTransaction(async () => ++runs, { pause: noPause })).resolves.toBe(1);
    await expect(
      retryTransaction(
        async () => {
          runs++;
          throw withCode('23505');
        },
        { pause: noPause },
      ),
    ).rejects.toMatchObject({ code: '23505' });
    expect(runs).toBe(2);
  });
});
