/**
 * The carrier's first scan of a parcel, planned once for both callers: the seller's `first-scan` command
 * (shipments.ts `recordFirstScan`) and carrier tracking (tracking/ingest.ts, batched). The plan itself is pure and
 * lives in core (core/tracking/plan.ts `planFirstScan`): a labelled parcel is handed over (parcel machine), its
 * first_scan_at is set, and the caller releases the uploads held for the first scan.
 */
import { planFirstScan } from '../core/tracking/plan';
import { timelineEvent } from '../core/timeline';
import type { NewOrderEventRow } from '../store/schema';

export { planFirstScan };

/** The timeline line for an upload the first scan released. */
export function uploadReleasedEvent(
  orderId: number,
  parcelId: number,
  outboxId: number,
  now: number,
  actor: string,
): NewOrderEventRow {
  return timelineEvent({
    orderId,
    parcelId,
    at: now,
    actor,
    kind: 'upload_released',
    reason: "the carrier's first scan",
    data: JSON.stringify({ outbox_id: outboxId }),
  });
}
