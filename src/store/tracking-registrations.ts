/**
 * The tracking registrations as a leased queue (store/leased-queue.ts): a number to register with a provider, one
 * row per provider and number. A row stays `pending` while leased (`lease_until`, `lease_owner`), due at
 * `next_attempt_at`, oldest due first; a failure waits 1 minute, doubling, at most 6 hours; dead after
 * REGISTRATION_MAX_ATTEMPTS (core/tracking/registration-retry.ts). Settled as `registered`, or `refused` with the
 * provider's words.
 */
import type { Selectable } from 'kysely';
import { REGISTRATION_BACKOFF, REGISTRATION_MAX_ATTEMPTS } from '../core/tracking/registration-retry';
import { defineLeasedQueue } from './leased-queue';
import type { TrackingRegistrationsTable } from './schema-tracking';

export type TrackingRegistrationRow = Selectable<TrackingRegistrationsTable>;

/** The status of a number the provider refused (a settle of its own: not a failure, never asked again). */
export const REGISTRATION_REFUSED = 'refused';

export const trackingRegistrationQueue = defineLeasedQueue<TrackingRegistrationRow>({
  table: 'tracking_registrations',
  columns: {
    due: 'next_attempt_at',
    error: 'last_error',
    updatedAt: 'updated_at',
  },
  statuses: { ready: 'pending', leased: 'pending', done: 'registered', dead: 'dead' },
  order: ['next_attempt_at', 'id'],
  // As long as the old claim moved `next_attempt_at` on: a provider's batches of a claim are sent within it.
  leaseMs: 5 * 60_000,
  maxAttempts: REGISTRATION_MAX_ATTEMPTS,
  backoff: REGISTRATION_BACKOFF,
});
