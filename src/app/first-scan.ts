/**
 * The carrier's first scan of a parcel, planned once for both callers: the seller's `first-scan` command
 * (shipments.ts `recordFirstScan`) and carrier tracking (tracking/ingest.ts, batched). The plan itself is pure and
 * lives in core (core/tracking/plan.ts `planFirstScan`): a labelled parcel is handed over (parcel machine), its
 * first_scan_at is set, and the caller releases the uploads held for the first scan.
 */
import { planFirstScan, timelineEvent } from '../core/tracking/plan';
import type { NewOrderEventRow } from '../store/schema';

export { planFirstScan };

/** The timeline line for an upload the first scan released. */
export function uploadReleasedEvent(orderId: number, parcelId: number, outboxId: number, now: number, actor: string): NewOrderEventRow {
  return timelineEvent(orderId, parcelId, now, actor, 'upload_released', null, null, null, "the carrier's first scan", JSON.stringify({ outbox_id: outboxId }));
}
