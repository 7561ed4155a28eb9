/**
 * The one backoff policy of the leased queues (store/leased-queue.ts) and of anything else that tries again later:
 * the wait after the n-th failed attempt is `firstMs · 2^(n-1)`, capped at `maxMs`; with `jitter: 'equal'` it is a
 * random point of the step's upper half, so retries of rows that failed together spread out. Pure.
 */

export interface BackoffPolicy {
  /** The wait after the first failure; doubles per failed attempt. */
  firstMs: number;
  /** Cap of one wait. */
  maxMs: number;
  /** `none`: exactly the step; `equal`: in [step/2, step). */
  jitter: 'none' | 'equal';
}

/** The step after `failedAttempts` failures (1 or more; fewer count as 1), before jitter. */
export function backoffStepMs(policy: Pick<BackoffPolicy, 'firstMs' | 'maxMs'>, failedAttempts: number): number {
  // 2^30 · firstMs is beyond any cap worth having; stop doubling there so the power stays finite.
  const doublings = Math.max(0, Math.min(failedAttempts - 1, 30));
  return Math.min(policy.maxMs, policy.firstMs * 2 ** doublings);
}

/** The wait before the next attempt after `failedAttempts` failures; `random` in [0, 1) (used by `equal` jitter). */
export function backoffMs(policy: BackoffPolicy, failedAttempts: number, random = 0): number {
  const step = backoffStepMs(policy, failedAttempts);
  return policy.jitter === 'equal' ? Math.floor(step / 2 + random * (step / 2)) : step;
}
