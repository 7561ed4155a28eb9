/**
 * What a batch of carrier tracking changes means, decided without I/O: facts in (each touched parcel as read, its
 * tracking state before and after the batch's events, the order's other parcels), planned writes out (parcel
 * updates, order moves for the one lifecycle transition, order columns, timeline events, held uploads to release,
 * tracking rows). Ingestion (app/tracking/ingest.ts) reads, calls these, then writes. The facts and plans are typed
 * in plan-types.ts.
 *
 * Three steps, because whether an order's other parcels must be read depends on the parcels' plan:
 * `planParcelTracking` (parcels, here; says which orders need their siblings), then `planOrderTracking` (orders,
 * plan-orders.ts), then `planTrackingRows` (the parcels' tracking rows, tracking-rows.ts).
 */
import { parcelMachine, type ParcelAction, type ParcelState } from '../order';
import { decide } from '../state-machine';
import { toIso } from '../time';
import { TRACKING_STATUS_LABELS, parcelMilestoneOf, type TrackingState } from '../tracking-status';
import { timelineEvent, type PlannedEvent } from '../timeline';
import type { ParcelFacts, ParcelTrackingPlan, PlanSettings, TouchedParcel } from './plan-types';

const TO_IN_TRANSIT: readonly ParcelState[] = ['handed_over', 'tracking_uploaded'];

/** The parcel machine actions that take a parcel from `from` to the milestone the tracking state asks for. */
function parcelPath(from: ParcelState, milestone: ReturnType<typeof parcelMilestoneOf>): ParcelAction[] {
  const path: ParcelAction[] = [];
  let state = from;
  if (milestone === 'none') return path;
  if (TO_IN_TRANSIT.includes(state) && (milestone === 'in_transit' || state === 'handed_over')) {
    path.push('report_in_transit');
    state = 'in_transit';
  }
  if (milestone === 'delivered' && (state === 'tracking_uploaded' || state === 'in_transit'))
    path.push('report_delivered');
  if (milestone === 'returned' && (state === 'tracking_uploaded' || state === 'in_transit' || state === 'delivered'))
    path.push('report_returned');
  return path;
}

/**
 * The carrier's first scan of a parcel (also the seller's `first-scan` command): a labelled parcel is handed over
 * at the scan, the scan is on the timeline, and the parcel's first scan time is set.
 */
export function planFirstScan(
  parcel: { id: number; order_id: number; status: string; first_scan_at: number | null },
  scannedAt: number,
  now: number,
  actor: string,
): { status: ParcelState; firstScanAt: number; handedOverAt: number | null; events: PlannedEvent[] } {
  const events: PlannedEvent[] = [];
  let state = parcel.status as ParcelState;
  let handedOverAt: number | null = null;
  if (state === 'labelled') {
    const decision = decide(parcelMachine, state, 'hand_over', {});
    if (decision.ok) {
      events.push(
        timelineEvent({
          orderId: parcel.order_id,
          parcelId: parcel.id,
          at: now,
          actor,
          kind: 'transition',
          action: 'hand_over',
          from: decision.from,
          to: decision.to,
          reason: 'first carrier scan',
        }),
      );
      state = decision.to;
      handedOverAt = scannedAt;
    }
  }
  events.push(
    timelineEvent({
      orderId: parcel.order_id,
      parcelId: parcel.id,
      at: now,
      actor,
      kind: 'first_scan',
      data: JSON.stringify({ scanned_at: scannedAt }),
    }),
  );
  return { status: state, firstScanAt: parcel.first_scan_at ?? scannedAt, handedOverAt, events };
}

const labelOf = (state: TrackingState) => (state.status ? TRACKING_STATUS_LABELS[state.status].en : 'no status');

/** Where one touched parcel stands while its plan is made: read from the parcel, moved by the batch's events. */
interface ParcelProgress {
  status: ParcelState;
  firstScanAt: number | null;
  handedOverAt: number | null;
  deliveredAt: number | null;
}

/** Step one: each touched parcel's first scan, its moves through the parcel machine, and what its order must hear. */
export function planParcelTracking<P extends ParcelFacts>(
  touched: ReadonlyArray<TouchedParcel<P>>,
  settings: PlanSettings,
): ParcelTrackingPlan<P> {
  const plan: ParcelTrackingPlan<P> = {
    parcels: [],
    parcelUpdates: [],
    events: [],
    releases: [],
    orderChanges: new Map(),
    needSiblings: [],
    firstScans: 0,
    transitions: 0,
  };
  for (const entry of touched) planTouchedParcel(entry, settings, plan);
  // The siblings decide whether every parcel is delivered, and the order's delivery time (the latest of theirs). An
  // order already delivered needs them only when this batch moved a parcel's delivery time: otherwise (a late scan
  // of a delivered parcel, the common case) nothing they could change did change.
  for (const [orderId, change] of plan.orderChanges) {
    if (change.parcel.order_status === 'delivered' && !change.deliveryChanged) continue;
    if ([...change.milestones].some((s) => s === 'delivered' || s === 'returned')) plan.needSiblings.push(orderId);
  }
  return plan;
}

function planTouchedParcel<P extends ParcelFacts>(
  entry: TouchedParcel<P>,
  settings: PlanSettings,
  plan: ParcelTrackingPlan<P>,
): void {
  const { parcel, before, after } = entry;
  const progress: ParcelProgress = {
    status: parcel.parcel_status as ParcelState,
    firstScanAt: parcel.parcel_first_scan_at,
    handedOverAt: parcel.parcel_handed_over_at,
    deliveredAt: parcel.parcel_delivered_at,
  };
  const voided = progress.status === 'voided';
  if (!voided && after.firstScanAt !== null) planFirstScanFact(entry, after.firstScanAt, progress, settings, plan);
  const milestone = parcelMilestoneOf(after);
  if (!voided) planMovesToMilestone(entry, milestone, progress, settings, plan);
  const { status, firstScanAt, handedOverAt } = progress;
  // A parcel delivered (or returned after a delivery) was delivered at the first delivered scan, whichever batch
  // brought it: a late event can show an earlier delivery, or a delivery of a parcel already returned.
  if (
    (status === 'delivered' || status === 'returned') &&
    after.deliveredAt !== null &&
    (progress.deliveredAt === null || after.deliveredAt < progress.deliveredAt)
  )
    progress.deliveredAt = after.deliveredAt;
  const { deliveredAt } = progress;
  if (
    status !== parcel.parcel_status ||
    firstScanAt !== parcel.parcel_first_scan_at ||
    handedOverAt !== parcel.parcel_handed_over_at ||
    deliveredAt !== parcel.parcel_delivered_at
  ) {
    plan.parcelUpdates.push({
      id: parcel.parcel_id,
      expected_status: parcel.parcel_status,
      expected_first_scan_at: parcel.parcel_first_scan_at,
      status,
      first_scan_at: firstScanAt,
      handed_over_at: handedOverAt,
      delivered_at: deliveredAt,
      updated_at: settings.now,
    });
  }
  if (before.status !== after.status && (after.status === 'returning' || after.status === 'returned') && !voided) {
    plan.events.push(
      timelineEvent({
        orderId: parcel.order_id,
        parcelId: parcel.parcel_id,
        at: settings.now,
        actor: settings.actor,
        kind: `parcel_${after.status}`,
        from: before.status,
        to: after.status,
        reason: `carrier: ${labelOf(after)}`,
        data: JSON.stringify({ tracking_number: parcel.tracking_number, event_at: toIso(after.statusAt) }),
      }),
    );
  }
  if (!voided && (firstScanAt !== null || milestone !== 'none')) noteOrderChange(parcel, progress, plan);
  plan.parcels.push({ ...entry, parcel: { ...parcel, parcel_status: status, parcel_delivered_at: deliveredAt } });
}

/** The carrier's first scan of the parcel: the parcel's first (it is handed over), or an earlier one than known. */
function planFirstScanFact<P extends ParcelFacts>(
  { parcel }: TouchedParcel<P>,
  scannedAt: number,
  progress: ParcelProgress,
  { now, actor }: PlanSettings,
  plan: ParcelTrackingPlan<P>,
): void {
  if (progress.firstScanAt === null) {
    const first = planFirstScan(
      { id: parcel.parcel_id, order_id: parcel.order_id, status: progress.status, first_scan_at: null },
      scannedAt,
      now,
      actor,
    );
    plan.events.push(...first.events);
    progress.status = first.status;
    progress.firstScanAt = first.firstScanAt;
    if (first.handedOverAt !== null) progress.handedOverAt = first.handedOverAt;
    plan.releases.push({ parcelId: parcel.parcel_id, orderId: parcel.order_id });
    plan.firstScans++;
  } else if (scannedAt < progress.firstScanAt) {
    // A late event showed an earlier scan: the online clock is measured from the true first scan.
    plan.events.push(
      timelineEvent({
        orderId: parcel.order_id,
        parcelId: parcel.parcel_id,
        at: now,
        actor,
        kind: 'first_scan_corrected',
        reason: 'a late carrier event shows an earlier first scan',
        data: JSON.stringify({ was: progress.firstScanAt, scanned_at: scannedAt }),
      }),
    );
    progress.firstScanAt = scannedAt;
  }
}

/** The parcel machine's moves to the milestone the tracking state asks for, each one on the timeline. */
function planMovesToMilestone<P extends ParcelFacts>(
  { parcel, after }: TouchedParcel<P>,
  milestone: ReturnType<typeof parcelMilestoneOf>,
  progress: ParcelProgress,
  { now, actor }: PlanSettings,
  plan: ParcelTrackingPlan<P>,
): void {
  for (const action of parcelPath(progress.status, milestone)) {
    const decision = decide(parcelMachine, progress.status, action, {});
    if (!decision.ok) break;
    const reason = `carrier: ${labelOf(after)}${after.rawSubstatus ? ` (${after.rawSubstatus})` : ''}`;
    const data = JSON.stringify({
      tracking_number: parcel.tracking_number,
      tracking_status: after.status,
      event_at: toIso(after.statusAt),
    });
    plan.events.push(
      timelineEvent({
        orderId: parcel.order_id,
        parcelId: parcel.parcel_id,
        at: now,
        actor,
        kind: 'transition',
        action,
        from: decision.from,
        to: decision.to,
        reason,
        data,
      }),
    );
    progress.status = decision.to;
    if (decision.to === 'delivered') progress.deliveredAt = after.deliveredAt;
    plan.transitions++;
  }
}

/** What the parcel's order must hear: its earliest first scan, the parcels' milestones, a moved delivery time. */
function noteOrderChange<P extends ParcelFacts>(
  parcel: P,
  progress: ParcelProgress,
  plan: ParcelTrackingPlan<P>,
): void {
  const { firstScanAt } = progress;
  const change = plan.orderChanges.get(parcel.order_id) ?? {
    parcel,
    firstScanAt: null,
    milestones: new Set<string>(),
    deliveryChanged: false,
  };
  if (firstScanAt !== null && (change.firstScanAt === null || firstScanAt < change.firstScanAt))
    change.firstScanAt = firstScanAt;
  change.milestones.add(progress.status);
  if (progress.deliveredAt !== parcel.parcel_delivered_at) change.deliveryChanged = true;
  plan.orderChanges.set(parcel.order_id, change);
}
