/**
 * The carrier's first scan of a parcel, planned once for both callers: the seller's `first-scan` command
 * (shipments.ts `recordFirstScan`) and carrier tracking (tracking.ts, batched). A labelled parcel is handed over
 * (parcel machine), its first_scan_at is set, and the caller releases the uploads held for the first scan.
 */
import { parcelMachine, type ParcelState } from '../core/order';
import { decide } from '../core/state-machine';
import type { NewOrderEventRow } from '../store/schema';

export interface FirstScanPlan {
  status: ParcelState;
  firstScanAt: number;
  /** Set when the scan handed the parcel over. */
  handedOverAt: number | null;
  events: NewOrderEventRow[];
}

export function planFirstScan(
  parcel: { id: number; order_id: number; status: string; first_scan_at: number | null },
  scannedAt: number,
  now: number,
  actor: string,
): FirstScanPlan {
  const events: NewOrderEventRow[] = [];
  let state = parcel.status as ParcelState;
  let handedOverAt: number | null = null;
  if (state === 'labelled') {
    const decision = decide(parcelMachine, state, 'hand_over', {});
    if (decision.ok) {
      events.push(row(parcel, now, actor, 'transition', 'hand_over', decision.from, decision.to, 'first carrier scan', null));
      state = decision.to;
      handedOverAt = scannedAt;
    }
  }
  events.push(row(parcel, now, actor, 'first_scan', null, null, null, null, JSON.stringify({ scanned_at: scannedAt })));
  return { status: state, firstScanAt: parcel.first_scan_at ?? scannedAt, handedOverAt, events };
}

/** The timeline line for an upload the first scan released. */
export function uploadReleasedEvent(orderId: number, parcelId: number, outboxId: number, now: number, actor: string): NewOrderEventRow {
  return row({ id: parcelId, order_id: orderId }, now, actor, 'upload_released', null, null, null, "the carrier's first scan", JSON.stringify({ outbox_id: outboxId }));
}

function row(
  parcel: { id: number; order_id: number },
  at: number,
  actor: string,
  kind: string,
  action: string | null,
  from: string | null,
  to: string | null,
  reason: string | null,
  data: string | null,
): NewOrderEventRow {
  return { order_id: parcel.order_id, parcel_id: parcel.id, at, actor, kind, action, from_state: from, to_state: to, reason, data };
}
