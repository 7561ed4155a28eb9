/**
 * The alert-webhook deliveries as a leased queue (store/leased-queue.ts): a row stays `pending` while leased (its
 * lease in `lease_until`, its owner in `lease_owner`), due at `next_attempt_at`, oldest due first; a failure waits
 * 30 s, doubling, at most an hour; dead after WEBHOOK_MAX_ATTEMPTS.
 */
import type { Dialect } from './database';
import { type Claimed, defineLeasedQueue } from './leased-queue';
import type { Executor } from './orders';
import type { WebhookDeliveriesTable } from './schema-deadlines';
import type { Selectable } from 'kysely';

export const WEBHOOK_MAX_ATTEMPTS = 8;

export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;

export const webhookDeliveryQueue = defineLeasedQueue<WebhookDeliveryRow>({
  table: 'webhook_deliveries',
  columns: {
    due: 'next_attempt_at',
    error: 'last_error',
    doneAt: 'delivered_at',
  },
  statuses: { ready: 'pending', leased: 'pending', done: 'delivered', dead: 'dead' },
  order: ['next_attempt_at', 'id'],
  leaseMs: 60_000,
  maxAttempts: WEBHOOK_MAX_ATTEMPTS,
  backoff: { firstMs: 30_000, maxMs: 60 * 60_000, jitter: 'none' },
});

/** A claimed delivery with where it goes (the webhook's URL and its sealed secret). */
export type ClaimedWebhookDelivery = Claimed<WebhookDeliveryRow> & { url: string; secret: string };

/** Claims due deliveries for `owner` (run it inside a transaction), each with its webhook. */
export async function claimWebhookDeliveries(
  db: Executor,
  request: { dialect: Dialect; owner: string; now: number; limit: number; goneOwners?: readonly string[] },
): Promise<ClaimedWebhookDelivery[]> {
  const claimed = await webhookDeliveryQueue.claim(db, request);
  if (claimed.length === 0) return [];
  const hooks = await db
    .selectFrom('alert_webhooks')
    .select(['id', 'url', 'secret'])
    .where('id', 'in', [...new Set(claimed.map((d) => d.webhook_id))])
    .execute();
  const byId = new Map(hooks.map((h) => [h.id, h]));
  // A delivery's webhook is there while the delivery is (deleting a webhook deletes its deliveries).
  return claimed.flatMap((d) => {
    const hook = byId.get(d.webhook_id);
    return hook ? [{ ...d, url: hook.url, secret: hook.secret }] : [];
  });
}
