import { type BackoffPolicy, backoffMs } from '../backoff';

/**
 * When a provider that failed to take a number is asked again: 1 minute after the first failure, doubling each time,
 * at most 6 hours apart — never given up while the registration is pending (a webhook-only provider never polls, so
 * a registration dropped would leave it deaf to that parcel).
 */
export const REGISTRATION_FIRST_RETRY_MS = 60_000;
export const REGISTRATION_MAX_RETRY_MS = 6 * 3_600_000;
const REGISTRATION_BACKOFF: BackoffPolicy = {
  firstMs: REGISTRATION_FIRST_RETRY_MS,
  maxMs: REGISTRATION_MAX_RETRY_MS,
  jitter: 'none',
};

/** The wait before the next attempt, after `attempts` failed ones (1 or more). */
export function registrationBackoff(attempts: number): number {
  return backoffMs(REGISTRATION_BACKOFF, attempts);
}
