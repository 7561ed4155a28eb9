/**
 * What a batch of tracking changes does, in the batch's transaction: parcel and order transitions through
 * `decide`, the first scan, the parcel tracking rows, and problems raised or resolved once with an alert.
 */
import { localized } from '../../core/i18n';
import { orderMachine, parcelMachine, type OrderAction, type OrderState, type ParcelAction, type ParcelState } from '../../core/order';
import { decide } from '../../core/state-machine';
import { toIso } from '../../core/time';
import { nextPollAt } from '../../core/tracking-poll';
import { type ProblemRules } from '../../core/tracking-problems';
import { TRACKING_STATUS_LABELS, parcelMilestoneOf, type TrackingState } from '../../core/tracking-status';
import type { Executor } from '../../store/orders';
import type { NewOrderEventRow } from '../../store/schema';
import type { ParcelTrackingRow, TrackingProviderRow } from '../../store/schema-tracking';
import { releaseHeldUploadsOf, type OrderTrackingUpdate, type ParcelContext, type ParcelUpdate, type TrackingBulkWriter } from '../../store/tracking';
import type { AppContext } from '../context';
import { ConflictError } from '../errors';
import { planFirstScan, uploadReleasedEvent } from '../first-scan';
import type { IngestReport, Touched } from './ingest';
import { cadenceOf } from './providers';
import { reconcileProblems } from './problems';

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
  if (milestone === 'delivered' && (state === 'tracking_uploaded' || state === 'in_transit')) path.push('report_delivered');
  if (milestone === 'returned' && (state === 'tracking_uploaded' || state === 'in_transit' || state === 'delivered')) path.push('report_returned');
  return path;
}

function transitionEvent(orderId: number, parcelId: number | null, now: number, actor: string, action: string, from: string, to: string, reason: string, data: Record<string, unknown>): NewOrderEventRow {
  return { order_id: orderId, parcel_id: parcelId, at: now, actor, kind: 'transition', action, from_state: from, to_state: to, reason, data: JSON.stringify(data) };
}

export async function applyEffects(
  ctx: AppContext,
  trx: Executor,
  writer: TrackingBulkWriter,
  touched: Touched[],
  now: number,
  actor: string,
  poller: TrackingProviderRow | undefined,
  rules: ProblemRules,
  report: IngestReport,
): Promise<void> {
  const events: NewOrderEventRow[] = [];
  const parcelUpdates: ParcelUpdate[] = [];
  const releases: Array<{ parcelId: number; orderId: number }> = [];
  const orderChanges = new Map<number, { parcel: ParcelContext; firstScanAt: number | null; milestones: Set<string>; deliveryChanged: boolean }>();
  const cadence = cadenceOf(poller);

  for (const entry of touched) {
    const { parcel, before, after } = entry;
    report.parcelsUpdated++;
    let status = parcel.parcel_status as ParcelState;
    let firstScanAt = parcel.parcel_first_scan_at;
    let handedOverAt = parcel.parcel_handed_over_at;
    let deliveredAt = parcel.parcel_delivered_at;
    const voided = status === 'voided';

    if (!voided && after.firstScanAt !== null) {
      if (firstScanAt === null) {
        // The first scan: the same plan as `shipby first-scan`.
        const plan = planFirstScan({ id: parcel.parcel_id, order_id: parcel.order_id, status, first_scan_at: null }, after.firstScanAt, now, actor);
        events.push(...plan.events);
        status = plan.status;
        firstScanAt = plan.firstScanAt;
        if (plan.handedOverAt !== null) handedOverAt = plan.handedOverAt;
        releases.push({ parcelId: parcel.parcel_id, orderId: parcel.order_id });
        report.firstScans++;
      } else if (after.firstScanAt < firstScanAt) {
        // A late event showed an earlier scan: the online clock is measured from the true first scan.
        events.push({ order_id: parcel.order_id, parcel_id: parcel.parcel_id, at: now, actor, kind: 'first_scan_corrected', action: null, from_state: null, to_state: null, reason: 'a late carrier event shows an earlier first scan', data: JSON.stringify({ was: firstScanAt, scanned_at: after.firstScanAt }) });
        firstScanAt = after.firstScanAt;
      }
    }

    const milestone = parcelMilestoneOf(after);
    const labelOf = (state: TrackingState) => (state.status ? TRACKING_STATUS_LABELS[state.status].en : 'no status');
    if (!voided) {
      for (const action of parcelPath(status, milestone)) {
        const decision = decide(parcelMachine, status, action, {});
        if (!decision.ok) break;
        events.push(
          transitionEvent(parcel.order_id, parcel.parcel_id, now, actor, action, decision.from, decision.to, `carrier: ${labelOf(after)}${after.rawSubstatus ? ` (${after.rawSubstatus})` : ''}`, {
            tracking_number: parcel.tracking_number,
            tracking_status: after.status,
            event_at: toIso(after.statusAt),
          }),
        );
        status = decision.to;
        if (decision.to === 'delivered') deliveredAt = after.deliveredAt;
        report.transitions++;
      }
    }
    // A late event can show an earlier delivery: the parcel was delivered at the first delivered scan.
    if ((status === 'delivered' || status === 'returned') && deliveredAt !== null && after.deliveredAt !== null && after.deliveredAt < deliveredAt) deliveredAt = after.deliveredAt;
    if (status !== parcel.parcel_status || firstScanAt !== parcel.parcel_first_scan_at || handedOverAt !== parcel.parcel_handed_over_at || deliveredAt !== parcel.parcel_delivered_at) {
      parcelUpdates.push({ id: parcel.parcel_id, expected_status: parcel.parcel_status, expected_first_scan_at: parcel.parcel_first_scan_at, status, first_scan_at: firstScanAt, handed_over_at: handedOverAt, delivered_at: deliveredAt, updated_at: now });
    }
    if (before.status !== after.status && (after.status === 'returning' || after.status === 'returned') && !voided) {
      events.push({ order_id: parcel.order_id, parcel_id: parcel.parcel_id, at: now, actor, kind: `parcel_${after.status}`, action: null, from_state: before.status, to_state: after.status, reason: `carrier: ${labelOf(after)}`, data: JSON.stringify({ tracking_number: parcel.tracking_number, event_at: toIso(after.statusAt) }) });
    }
    if (!voided && (firstScanAt !== null || milestone !== 'none')) {
      const change = orderChanges.get(parcel.order_id) ?? { parcel, firstScanAt: null, milestones: new Set<string>(), deliveryChanged: false };
      if (firstScanAt !== null && (change.firstScanAt === null || firstScanAt < change.firstScanAt)) change.firstScanAt = firstScanAt;
      change.milestones.add(status);
      if (deliveredAt !== parcel.parcel_delivered_at) change.deliveryChanged = true;
      orderChanges.set(parcel.order_id, change);
    }
    entry.parcel = { ...parcel, parcel_status: status, parcel_delivered_at: deliveredAt };
  }

  // Orders: first scan (the earliest of its parcels), in transit, delivered when every parcel is.
  const orderUpdates: OrderTrackingUpdate[] = [];
  const orderIds = [...orderChanges.keys()];
  // The siblings decide whether every parcel is delivered, and the order's delivery time (the latest of theirs). An
  // order already delivered needs them only when this batch moved a parcel's delivery time: otherwise (a late scan
  // of a delivered parcel, the common case) nothing they could change did change.
  const needSiblings = orderIds.filter((id) => {
    const change = orderChanges.get(id)!;
    if (change.parcel.order_status === 'delivered' && !change.deliveryChanged) return false;
    return [...change.milestones].some((s) => s === 'delivered' || s === 'returned');
  });
  const siblings = new Map<number, Array<{ id: number; status: string; delivered_at: number | null }>>();
  for (const s of await writer.parcelsOfOrders(needSiblings)) siblings.set(s.order_id, [...(siblings.get(s.order_id) ?? []), s]);
  const touchedByParcel = new Map(touched.map((t) => [t.parcel.parcel_id, t]));
  for (const [orderId, change] of orderChanges) {
    const parcel = change.parcel;
    let status = parcel.order_status as OrderState;
    let firstScanAt = parcel.order_first_scan_at;
    let deliveredAt = parcel.order_delivered_at;
    if (change.firstScanAt !== null && (firstScanAt === null || change.firstScanAt < firstScanAt)) firstScanAt = change.firstScanAt;
    const actions: OrderAction[] = [];
    // The siblings as this batch leaves them.
    const all = (siblings.get(orderId) ?? []).map((s) => {
      const mine = touchedByParcel.get(s.id);
      return mine ? { ...s, status: mine.parcel.parcel_status, delivered_at: mine.parcel.parcel_delivered_at } : s;
    });
    const live = all.filter((s) => s.status !== 'voided');
    const allDelivered = live.length > 0 && live.every((s) => s.status === 'delivered' || s.status === 'returned') && live.some((s) => s.status === 'delivered');
    if (status === 'shipped' && [...change.milestones].some((s) => s === 'in_transit' || s === 'delivered' || s === 'returned')) actions.push('report_in_transit');
    if (allDelivered) actions.push('report_delivered');
    if (status === 'delivered' && allDelivered) {
      const latest = Math.max(...live.map((s) => s.delivered_at ?? 0));
      if (latest > 0 && latest !== deliveredAt) deliveredAt = latest;
    }
    for (const action of actions) {
      const decision = decide(orderMachine, status, action, {});
      if (!decision.ok) continue;
      if (decision.to === 'delivered') deliveredAt = Math.max(...live.filter((s) => s.delivered_at !== null).map((s) => s.delivered_at!), 0) || now;
      events.push(transitionEvent(orderId, null, now, actor, action, decision.from, decision.to, action === 'report_delivered' ? 'carrier: every parcel delivered' : 'carrier: a parcel is in transit', { first_scan_at: toIso(firstScanAt) }));
      status = decision.to;
      report.transitions++;
    }
    if (status !== parcel.order_status || firstScanAt !== parcel.order_first_scan_at || deliveredAt !== parcel.order_delivered_at) {
      orderUpdates.push({ id: orderId, version: parcel.order_version, status, first_scan_at: firstScanAt, delivered_at: deliveredAt, updated_at: now });
    }
  }

  // Problems: raised once (and alerted), resolved when their condition is gone.
  const problemChanges = await reconcileProblems(
    ctx,
    trx,
    touched.map((t) => ({ parcel: t.parcel, state: t.after })),
    now,
    actor,
    rules,
    events,
    report,
  );

  const trackingWrites: Array<{ row: ParcelTrackingRow; base: ParcelTrackingRow | null }> = [];
  for (let i = 0; i < touched.length; i++) {
    const t = touched[i]!;
    const existing = t.parcel.tracking;
    const change = problemChanges.get(t.parcel.parcel_id) ?? 0;
    // A late event that changes nothing (an older scan, a copy under another key) writes nothing.
    if (existing && change === 0 && sameTrackingState(t.before, t.after)) continue;
    const registeredAt = existing?.registered_at ?? now;
    const provider = existing ? existing.provider : poller?.name ?? null;
    const polled = provider !== null && (existing ? existing.next_poll_at !== null : true);
    const state = t.after;
    const row: ParcelTrackingRow = {
      parcel_id: t.parcel.parcel_id,
      tracking_number: t.parcel.tracking_number,
      provider,
      ...trackingColumns(state),
      open_problems: change === 0 ? existing?.open_problems ?? 0 : Math.max(0, (existing?.open_problems ?? 0) + change),
      registered_at: registeredAt,
      next_poll_at: polled ? existing?.next_poll_at ?? nextPollAt(registeredAt, state, now, cadence) : null,
      last_polled_at: existing?.last_polled_at ?? null,
      polls: existing?.polls ?? 0,
      updated_at: now,
      version: existing?.version ?? 1,
    };
    trackingWrites.push({ row, base: existing });
  }
  if ((await writer.upsertTracking(trackingWrites)) !== trackingWrites.length) {
    throw new ConflictError('order.version', localized('a parcel\'s tracking changed while it was applied; applying again.', '应用物流信息时包裹轨迹已被修改；正在重新应用。'));
  }
  // Parcels are not locked either: one changed since it was read (a first scan from another batch, an upload
  // accepted) fails the batch, which runs again from fresh reads — so no first scan or transition is recorded twice.
  if ((await writer.updateParcels(parcelUpdates)) !== parcelUpdates.length) {
    throw new ConflictError('order.version', localized('a parcel changed while its tracking was applied; applying again.', '应用物流信息时包裹已被修改；正在重新应用。'));
  }
  // Orders are not locked: an order changed since it was read (a sync, an upload) fails the batch, which runs again.
  if ((await writer.updateOrders(orderUpdates)) !== orderUpdates.length) {
    throw new ConflictError('order.version', localized('an order changed while its tracking was applied; applying again.', '应用物流信息时订单已被修改；正在重新应用。'));
  }
  for (const row of await releaseHeldUploadsOf(trx, releases, now)) {
    events.push(uploadReleasedEvent(row.order_id, row.parcel_id!, row.id, now, actor));
    report.uploadsReleased++;
  }
  await writer.appendOrderEvents(events);
}

function sameTrackingState(a: TrackingState, b: TrackingState): boolean {
  return (
    a.status === b.status && a.statusAt === b.statusAt && a.statusKey === b.statusKey && a.firstScanAt === b.firstScanAt && a.lastEventAt === b.lastEventAt &&
    a.deliveredAt === b.deliveredAt && a.returnedAt === b.returnedAt && a.destinationCountry === b.destinationCountry && a.destinationKey === b.destinationKey
  );
}

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
