/**
 * The tracking planner's order step (after `planParcelTracking`, core/tracking/plan.ts): what the parcels' changes
 * mean for their orders — first scan, in transit, delivered — as moves through the order machine or column updates.
 */
import { orderMachine, type OrderAction, type OrderState } from '../order';
import { decide } from '../state-machine';
import { toIso } from '../time';
import type { OrderTrackingPlan, ParcelFacts, ParcelTrackingPlan, PlanSettings, SiblingFacts } from './plan-types';

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
