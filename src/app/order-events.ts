/**
 * The timeline events an order's writes append (split from app/orders.ts along its seam), built with core/timeline.ts:
 * the upload time of an order shipped outside shipby, a buyer's cancellation request reported by the platform.
 */
import type { Transaction } from 'kysely';
import type { OrderInput } from '../core/order-input';
import type { Database, NewOrderEventRow } from '../store/schema';
import type { WriteMeta } from './orders';
import { timelineEvent } from '../core/timeline';

/**
 * An order that arrives shipped outside shipby (import, API, sync) had its number uploaded where shipby did not see
 * it: its upload time (what the regular mode counts) and hand-over are the platform's ship time when given, else the
 * time shipby first saw it shipped. The timeline event says which.
 */
export function shippedOutsideEvent(orderId: number, meta: WriteMeta, order: OrderInput, at: number): NewOrderEventRow {
  const fromPlatform = order.shippedAt != null;
  return timelineEvent({
    orderId,
    at: meta.now,
    actor: meta.actor,
    kind: fromPlatform ? 'upload_time_from_platform' : 'upload_time_first_seen',
    data: JSON.stringify({
      source: meta.source,
      platform_status: order.platformStatus,
      tracking_uploaded_at: at,
      shipped_at: order.shippedAt ?? null,
    }),
  });
}

/** The order's upload time is shipby's guess (it first saw the order shipped then), not an upload it recorded. */
export async function firstSeenGuess(
  trx: Transaction<Database>,
  orderId: number,
  uploadedAt: number,
): Promise<boolean> {
  const events = await trx
    .selectFrom('order_events')
    .select(['kind', 'data'])
    .where('order_id', '=', orderId)
    .where('kind', 'in', ['upload_time_first_seen', 'upload_time_from_platform'])
    .orderBy('id', 'desc')
    .limit(1)
    .execute();
  const last = events[0];
  if (last?.kind !== 'upload_time_first_seen' || !last.data) return false;
  return (JSON.parse(last.data) as { tracking_uploaded_at?: number }).tracking_uploaded_at === uploadedAt;
}

export function cancelRequestedEvent(orderId: number, meta: WriteMeta, at: number): NewOrderEventRow {
  const reason = `the buyer asked to cancel at ${new Date(at).toISOString()}`;
  return timelineEvent({
    orderId,
    at: meta.now,
    actor: meta.actor,
    kind: 'cancel_requested',
    reason,
    data: JSON.stringify({ at: new Date(at).toISOString(), source: meta.source ?? null }),
  });
}
