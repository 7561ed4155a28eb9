/**
 * What a batch of carrier tracking changes means, decided without I/O: facts in (each touched parcel as read, its
 * tracking state before and after the batch's events, the order's other parcels), planned writes out (parcel
 * updates, order moves for the one lifecycle transition, order columns, timeline events, held uploads to release,
 * tracking rows). Ingestion (app/tracking/ingest.ts) reads, calls these, then writes.
 *
 * Two steps, because whether an order's other parcels must be read depends on the parcels' plan:
 * `planParcelTracking` (parcels; says which orders need their siblings), then `planOrderTracking` (orders).
 */
import {
  orderMachine,
  parcelMachine,
  type OrderAction,
  type OrderState,
  type ParcelAction,
  type ParcelState,
} from '../order';
import { decide } from '../state-machine';
import { toIso } from '../time';
import { nextPollAt, type PollCadence } from '../tracking-poll';
import { TRACKING_STATUS_LABELS, parcelMilestoneOf, type TrackingState } from '../tracking-status';
import { timelineEvent, type PlannedEvent } from '../timeline';

/** What the planner reads of a parcel's stored tracking row. */
export interface TrackingRowFacts {
  provider: string | null;
  open_problems: number;
  registered_at: number;
  next_poll_at: number | null;
  last_polled_at: number | null;
  polls: number;
  version: number;
}

/** A parcel as read with its order: what the planner needs of both. */
export interface ParcelFacts {
  parcel_id: number;
  order_id: number;
  shop_id: string;
  tracking_number: string;
  parcel_status: string;
  parcel_first_scan_at: number | null;
  parcel_handed_over_at: number | null;
  parcel_delivered_at: number | null;
  order_status: string;
  order_first_scan_at: number | null;
  order_delivered_at: number | null;
  order_version: number;
  tracking: TrackingRowFacts | null;
}

export interface TouchedParcel<P extends ParcelFacts = ParcelFacts> {
  parcel: P;
  before: TrackingState;
  after: TrackingState;
}

export interface PlanSettings {
  now: number;
  actor: string;
}

export interface PlannedParcelUpdate {
  id: number;
  /** What was read: the update applies only if the parcel still is so (optimistic lock). */
  expected_status: string;
  expected_first_scan_at: number | null;
  status: string;
  first_scan_at: number | null;
  handed_over_at: number | null;
  delivered_at: number | null;
  updated_at: number;
}

interface OrderChange<P extends ParcelFacts> {
  parcel: P;
  firstScanAt: number | null;
  milestones: Set<string>;
  deliveryChanged: boolean;
}

export interface ParcelTrackingPlan<P extends ParcelFacts> {
  /** The touched parcels as the plan leaves them (status and delivery time). */
  parcels: Array<TouchedParcel<P>>;
  parcelUpdates: PlannedParcelUpdate[];
  events: PlannedEvent[];
  /** Parcels whose first scan this is: their held uploads become due. */
  releases: Array<{ parcelId: number; orderId: number }>;
  orderChanges: Map<number, OrderChange<P>>;
  /** Orders whose other parcels decide the outcome (read them, then `planOrderTracking`). */
  needSiblings: number[];
  firstScans: number;
  transitions: number;
}

export interface SiblingFacts {
  id: number;
  status: string;
  delivered_at: number | null;
}

/** A move of an order through the lifecycle transition (app/order-transition.ts), with the columns written beside it. */
export interface PlannedOrderMove {
  order: { id: number; shop_id: string; status: string; version: number };
  actions: OrderAction[];
  reasons: Partial<Record<OrderAction, string>>;
  data: string;
  set: { first_scan_at: number | null; delivered_at: number | null };
}

/** An order whose state stays, but whose first scan or delivery time changes. */
export interface PlannedOrderUpdate {
  id: number;
  version: number;
  status: string;
  first_scan_at: number | null;
  delivered_at: number | null;
  updated_at: number;
}

export interface OrderTrackingPlan {
  moves: PlannedOrderMove[];
  updates: PlannedOrderUpdate[];
}

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

/** Step one: each touched parcel's first scan, its moves through the parcel machine, and what its order must hear. */
export function planParcelTracking<P extends ParcelFacts>(
  touched: ReadonlyArray<TouchedParcel<P>>,
  settings: PlanSettings,
): ParcelTrackingPlan<P> {
  const { now, actor } = settings;
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
  for (const entry of touched) {
    const { parcel, before, after } = entry;
    let status = parcel.parcel_status as ParcelState;
    let firstScanAt = parcel.parcel_first_scan_at;
    let handedOverAt = parcel.parcel_handed_over_at;
    let deliveredAt = parcel.parcel_delivered_at;
    const voided = status === 'voided';

    if (!voided && after.firstScanAt !== null) {
      if (firstScanAt === null) {
        const first = planFirstScan(
          { id: parcel.parcel_id, order_id: parcel.order_id, status, first_scan_at: null },
          after.firstScanAt,
          now,
          actor,
        );
        plan.events.push(...first.events);
        status = first.status;
        firstScanAt = first.firstScanAt;
        if (first.handedOverAt !== null) handedOverAt = first.handedOverAt;
        plan.releases.push({ parcelId: parcel.parcel_id, orderId: parcel.order_id });
        plan.firstScans++;
      } else if (after.firstScanAt < firstScanAt) {
        // A late event showed an earlier scan: the online clock is measured from the true first scan.
        plan.events.push(
          timelineEvent({
            orderId: parcel.order_id,
            parcelId: parcel.parcel_id,
            at: now,
            actor,
            kind: 'first_scan_corrected',
            reason: 'a late carrier event shows an earlier first scan',
            data: JSON.stringify({ was: firstScanAt, scanned_at: after.firstScanAt }),
          }),
        );
        firstScanAt = after.firstScanAt;
      }
    }

    const milestone = parcelMilestoneOf(after);
    if (!voided) {
      for (const action of parcelPath(status, milestone)) {
        const decision = decide(parcelMachine, status, action, {});
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
        status = decision.to;
        if (decision.to === 'delivered') deliveredAt = after.deliveredAt;
        plan.transitions++;
      }
    }
    // A parcel delivered (or returned after a delivery) was delivered at the first delivered scan, whichever batch
    // brought it: a late event can show an earlier delivery, or a delivery of a parcel already returned.
    if (
      (status === 'delivered' || status === 'returned') &&
      after.deliveredAt !== null &&
      (deliveredAt === null || after.deliveredAt < deliveredAt)
    )
      deliveredAt = after.deliveredAt;
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
        updated_at: now,
      });
    }
    if (before.status !== after.status && (after.status === 'returning' || after.status === 'returned') && !voided) {
      plan.events.push(
        timelineEvent({
          orderId: parcel.order_id,
          parcelId: parcel.parcel_id,
          at: now,
          actor,
          kind: `parcel_${after.status}`,
          from: before.status,
          to: after.status,
          reason: `carrier: ${labelOf(after)}`,
          data: JSON.stringify({ tracking_number: parcel.tracking_number, event_at: toIso(after.statusAt) }),
        }),
      );
    }
    if (!voided && (firstScanAt !== null || milestone !== 'none')) {
      const change = plan.orderChanges.get(parcel.order_id) ?? {
        parcel,
        firstScanAt: null,
        milestones: new Set<string>(),
        deliveryChanged: false,
      };
      if (firstScanAt !== null && (change.firstScanAt === null || firstScanAt < change.firstScanAt))
        change.firstScanAt = firstScanAt;
      change.milestones.add(status);
      if (deliveredAt !== parcel.parcel_delivered_at) change.deliveryChanged = true;
      plan.orderChanges.set(parcel.order_id, change);
    }
    plan.parcels.push({ ...entry, parcel: { ...parcel, parcel_status: status, parcel_delivered_at: deliveredAt } });
  }
  // The siblings decide whether every parcel is delivered, and the order's delivery time (the latest of theirs). An
  // order already delivered needs them only when this batch moved a parcel's delivery time: otherwise (a late scan
  // of a delivered parcel, the common case) nothing they could change did change.
  for (const [orderId, change] of plan.orderChanges) {
    if (change.parcel.order_status === 'delivered' && !change.deliveryChanged) continue;
    if ([...change.milestones].some((s) => s === 'delivered' || s === 'returned')) plan.needSiblings.push(orderId);
  }
  return plan;
}

/**
 * Step two: each order's first scan (the earliest of its parcels), in transit (a parcel moves), delivered (every
 * live parcel delivered or returned, one delivered; at the latest of their deliveries). `siblings` holds every
 * parcel of the orders in `needSiblings`, as read.
 */
export function planOrderTracking<P extends ParcelFacts>(
  parcels: ParcelTrackingPlan<P>,
  siblings: ReadonlyMap<number, readonly SiblingFacts[]>,
  settings: PlanSettings,
): OrderTrackingPlan {
  const { now } = settings;
  const plan: OrderTrackingPlan = { moves: [], updates: [] };
  const touchedByParcel = new Map(parcels.parcels.map((t) => [t.parcel.parcel_id, t.parcel]));
  for (const [orderId, change] of parcels.orderChanges) {
    const order = change.parcel;
    let status = order.order_status as OrderState;
    let firstScanAt = order.order_first_scan_at;
    let deliveredAt = order.order_delivered_at;
    if (change.firstScanAt !== null && (firstScanAt === null || change.firstScanAt < firstScanAt))
      firstScanAt = change.firstScanAt;
    // The siblings as this batch leaves them.
    const all = (siblings.get(orderId) ?? []).map((s) => {
      const mine = touchedByParcel.get(s.id);
      return mine ? { ...s, status: mine.parcel_status, delivered_at: mine.parcel_delivered_at } : s;
    });
    const live = all.filter((s) => s.status !== 'voided');
    const allDelivered =
      live.length > 0 &&
      live.every((s) => s.status === 'delivered' || s.status === 'returned') &&
      live.some((s) => s.status === 'delivered');
    const wanted: OrderAction[] = [];
    if (
      status === 'shipped' &&
      [...change.milestones].some((s) => s === 'in_transit' || s === 'delivered' || s === 'returned')
    )
      wanted.push('report_in_transit');
    if (allDelivered) wanted.push('report_delivered');
    if (status === 'delivered' && allDelivered) {
      const latest = Math.max(...live.map((s) => s.delivered_at ?? 0));
      if (latest > 0 && latest !== deliveredAt) deliveredAt = latest;
    }
    const actions: OrderAction[] = [];
    for (const action of wanted) {
      const decision = decide(orderMachine, status, action, {});
      if (!decision.ok) continue;
      if (decision.to === 'delivered')
        deliveredAt = Math.max(...live.filter((s) => s.delivered_at !== null).map((s) => s.delivered_at!), 0) || now;
      actions.push(action);
      status = decision.to;
    }
    if (actions.length) {
      plan.moves.push({
        order: { id: orderId, shop_id: order.shop_id, status: order.order_status, version: order.order_version },
        actions,
        reasons: {
          report_in_transit: 'carrier: a parcel is in transit',
          report_delivered: 'carrier: every parcel delivered',
        },
        data: JSON.stringify({ first_scan_at: toIso(firstScanAt) }),
        set: { first_scan_at: firstScanAt, delivered_at: deliveredAt },
      });
    } else if (firstScanAt !== order.order_first_scan_at || deliveredAt !== order.order_delivered_at) {
      plan.updates.push({
        id: orderId,
        version: order.order_version,
        status,
        first_scan_at: firstScanAt,
        delivered_at: deliveredAt,
        updated_at: now,
      });
    }
  }
  return plan;
}

/** Whether two tracking states would write the same row. */
function sameTrackingState(a: TrackingState, b: TrackingState): boolean {
  return (
    a.status === b.status &&
    a.statusAt === b.statusAt &&
    a.statusKey === b.statusKey &&
    a.firstScanAt === b.firstScanAt &&
    a.lastEventAt === b.lastEventAt &&
    a.deliveredAt === b.deliveredAt &&
    a.returnedAt === b.returnedAt &&
    a.destinationCountry === b.destinationCountry &&
    a.destinationKey === b.destinationKey
  );
}

/** The tracking state as the columns of a parcel's tracking row. */
export function trackingColumns(state: TrackingState) {
  return {
    status: state.status,
    phase: state.phase,
    status_at: state.statusAt,
    status_rank: state.statusRank,
    status_key: state.statusKey,
    raw_status: state.rawStatus,
    raw_substatus: state.rawSubstatus,
    description: state.description,
    location: state.location,
    first_scan_at: state.firstScanAt,
    last_event_at: state.lastEventAt,
    delivered_at: state.deliveredAt,
    returned_at: state.returnedAt,
    destination_country: state.destinationCountry,
    destination_key: state.destinationKey,
  };
}

/**
 * The tracking row each touched parcel gets, given the change in its open problems (known once they are
 * reconciled). A late event that changes nothing (an older scan, a copy under another key) writes nothing.
 * `poller` is the polling provider's name, if any; `cadence` its polling cadence.
 */
export function planTrackingRows<P extends ParcelFacts>(
  touched: ReadonlyArray<TouchedParcel<P>>,
  problemChange: ReadonlyMap<number, number>,
  settings: PlanSettings & { poller: string | null; cadence: PollCadence },
) {
  const { now } = settings;
  const rows = [];
  for (const t of touched) {
    const existing = t.parcel.tracking;
    const change = problemChange.get(t.parcel.parcel_id) ?? 0;
    if (existing && change === 0 && sameTrackingState(t.before, t.after)) continue;
    const registeredAt = existing?.registered_at ?? now;
    const provider = existing ? existing.provider : settings.poller;
    const polled = provider !== null && (existing ? existing.next_poll_at !== null : true);
    rows.push({
      row: {
        parcel_id: t.parcel.parcel_id,
        tracking_number: t.parcel.tracking_number,
        provider,
        ...trackingColumns(t.after),
        open_problems:
          change === 0 ? (existing?.open_problems ?? 0) : Math.max(0, (existing?.open_problems ?? 0) + change),
        registered_at: registeredAt,
        next_poll_at: polled
          ? (existing?.next_poll_at ?? nextPollAt(registeredAt, t.after, now, settings.cadence))
          : null,
        last_polled_at: existing?.last_polled_at ?? null,
        polls: existing?.polls ?? 0,
        updated_at: now,
        version: existing?.version ?? 1,
      },
      base: existing as P['tracking'],
    });
  }
  return rows;
}
