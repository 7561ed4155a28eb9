/**
 * The tracking webhook deliveries as a leased queue (store/leased-queue.ts): stored raw by the webhook's answer,
 * processed oldest first. A row stays `pending` while leased (`lease_until`, `lease_owner`); the table has no due
 * column, so a failed one waits out its backoff in `lease_until` (1 minute, doubling, at most 30 minutes) with no
 * owner; dead after DELIVERY_MAX_ATTEMPTS.
 */
import type { Selectable } from 'kysely';
import { defineLeasedQueue } from './leased-queue';
import type { TrackingDeliveriesTable } from './schema-tracking';

export const DELIVERY_MAX_ATTEMPTS = 8;

export const trackingDeliveryQueue = defineLeasedQueue<Selectable<TrackingDeliveriesTable>>({
  table: 'tracking_deliveries',
  columns: {
    error: 'error',
    doneAt: 'processed_at',
  },
  statuses: { ready: 'pending', leased: 'pending', done: 'processed', dead: 'dead' },
  order: ['id'],
  leaseMs: 120_000,
  maxAttempts: DELIVERY_MAX_ATTEMPTS,
  backoff: { firstMs: 60_000, maxMs: 30 * 60_000, jitter: 'none' },
  settleColumns: { events: 'integer', notes: 'text' },
});
