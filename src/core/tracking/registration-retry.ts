import { type BackoffPolicy, backoffMs } from '../backoff';

/**
 * When a provider that failed to take a number is asked again: 1 minute after the first failure, doubling each time,
 * at most 6 hours apart. A webhook-only provider never polls, so a registration dropped leaves it deaf to that parcel:
 * the row is given up (dead) only after REGISTRATION_MAX_ATTEMPTS, about eight days of failures — a provider failing
 * that long is misconfigured (a revoked key, a wrong URL), not down, and asking it forever only hides that.
 */
export const REGISTRATION_FIRST_RETRY_MS = 60_000;
export const REGISTRATION_MAX_RETRY_MS = 6 * 3_600_000;
export const REGISTRATION_BACKOFF: BackoffPolicy = {
  firstMs: REGISTRATION_FIRST_RETRY_MS,
  maxMs: REGISTRATION_MAX_RETRY_MS,
  jitter: 'none',
};
/** Attempts (sends) after which a registration that keeps failing is dead: 9 waits doubling to 4 h 16 min, then 30 of 6 h. */
export const REGISTRATION_MAX_ATTEMPTS = 40;

/** The wait before the next attempt, after `attempts` failed ones (1 or more). */
export function registrationBackoff(attempts: number): number {
  return backoffMs(REGISTRATION_BACKOFF, attempts);
}
