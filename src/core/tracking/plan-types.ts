/**
 * What the tracking planner (core/tracking/plan.ts, plan-orders.ts, tracking-rows.ts) reads and what it plans: the
 * facts in (each touched parcel as read with its order and tracking row, the order's other parcels) and the planned
 * writes out (parcel updates, order moves and updates), shared by the planner's steps and the store that writes them.
 */
import type { OrderAction } from '../order';
import type { PlannedEvent } from '../timeline';
import type { TrackingState } from '../tracking-status';

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
