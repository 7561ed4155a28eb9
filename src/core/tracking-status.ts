/**
 * Carrier tracking statuses: the normalised set, the provider mapping tables (AfterShip tags/subtags and 17TRACK
 * statuses, marketplace-rules.md §5.3), and the fold of a parcel's events into one tracking state.
 *
 * The fold is a maximum over a total order of events, so it does not depend on the order in which events arrive,
 * nor on duplicates: the current status is that of the greatest event by (phase, event time, rank, event key).
 * Phases move forward only; the return path (returning, returned) is declared as the phases after delivery, so a
 * delivered parcel can still go back to the sender but never back to "in transit".
 */
import { localized, type Localized } from './i18n';

export const TRACKING_STATUSES = [
  'label_created',
  'invalid_number',
  'accepted',
  'in_transit',
  'customs_hold',
  'out_for_delivery',
  'ready_for_pickup',
  'delivery_failed',
  'delivered',
  'returning',
  'returned',
  'lost_damaged',
  'stalled',
] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

export function isTrackingStatus(value: string): value is TrackingStatus {
  return (TRACKING_STATUSES as readonly string[]).includes(value);
}

/**
 * Phases: 0 before the carrier has the parcel, 1 with the carrier, 2 delivered, then the declared return path
 * (3 returning, 4 returned). A status never gives way to one of a lower phase.
 */
const TRACKING_PHASE: Record<TrackingStatus, number> = {
  invalid_number: 0,
  label_created: 0,
  accepted: 1,
  in_transit: 1,
  customs_hold: 1,
  stalled: 1,
  lost_damaged: 1,
  delivery_failed: 1,
  ready_for_pickup: 1,
  out_for_delivery: 1,
  delivered: 2,
  returning: 3,
  returned: 4,
};

/** Ties of phase and time (two events in the same second) go to the status further along. */
const RANK: Record<TrackingStatus, number> = {
  invalid_number: 0,
  label_created: 1,
  accepted: 0,
  in_transit: 1,
  customs_hold: 2,
  stalled: 3,
  lost_damaged: 4,
  delivery_failed: 5,
  ready_for_pickup: 6,
  out_for_delivery: 7,
  delivered: 0,
  returning: 0,
  returned: 0,
};

/** True when an event in this status shows that the carrier has (or had) the parcel: it counts as the first scan. */
function showsCarrierHasParcel(status: TrackingStatus): boolean {
  return TRACKING_PHASE[status] >= 1 && status !== 'stalled';
}

export const TRACKING_STATUS_LABELS: Record<TrackingStatus, Localized> = {
  label_created: localized('label created, not yet with the carrier', '已创建面单，承运商尚未收件'),
  invalid_number: localized('invalid tracking number', '无效运单号'),
  accepted: localized('accepted by the carrier (first scan)', '承运商已收件（已上网）'),
  in_transit: localized('in transit', '运输中'),
  customs_hold: localized('held in customs', '海关扣留/清关中'),
  out_for_delivery: localized('out for delivery', '派送中'),
  ready_for_pickup: localized('ready for pickup', '待取件'),
  delivery_failed: localized('delivery failed', '投递失败'),
  delivered: localized('delivered', '已签收'),
  returning: localized('returning to the sender', '退回中'),
  returned: localized('returned to the sender', '已退回'),
  lost_damaged: localized('lost or damaged', '丢失或损坏'),
  stalled: localized('stalled: no news for a long time', '停滞：长时间无更新'),
};

// ---------------------------------------------------------------------------------------------------------------
// Mapping tables (pure data, tested row by row)

/** AfterShip subtags (digest §5.1) → internal status. */
export const AFTERSHIP_SUBTAGS: Readonly<Record<string, TrackingStatus>> = {
  Pending_001: 'label_created',
  Pending_002: 'label_created',
  Pending_003: 'label_created',
  Pending_004: 'label_created',
  Pending_005: 'label_created',
  Pending_006: 'label_created',
  InfoReceived_001: 'label_created',
  InTransit_001: 'in_transit',
  InTransit_002: 'accepted',
  InTransit_003: 'in_transit',
  InTransit_004: 'in_transit',
  InTransit_005: 'in_transit',
  InTransit_006: 'customs_hold',
  InTransit_007: 'in_transit',
  InTransit_008: 'in_transit',
  InTransit_009: 'in_transit',
  OutForDelivery_001: 'out_for_delivery',
  OutForDelivery_003: 'out_for_delivery',
  OutForDelivery_004: 'out_for_delivery',
  AttemptFail_001: 'delivery_failed',
  AttemptFail_002: 'delivery_failed',
  AttemptFail_003: 'delivery_failed',
  Delivered_001: 'delivered',
  Delivered_002: 'delivered',
  Delivered_003: 'delivered',
  Delivered_004: 'delivered',
  Delivered_005: 'delivered',
  AvailableForPickup_001: 'ready_for_pickup',
  Exception_001: 'delivery_failed',
  Exception_002: 'delivery_failed',
  Exception_003: 'delivery_failed',
  Exception_004: 'customs_hold',
  Exception_005: 'in_transit',
  Exception_006: 'customs_hold',
  Exception_007: 'delivery_failed',
  Exception_008: 'delivery_failed',
  Exception_009: 'delivery_failed',
  Exception_010: 'returning',
  Exception_011: 'returned',
  Exception_012: 'lost_damaged',
  Exception_013: 'lost_damaged',
  Expired_001: 'stalled',
};

/** AfterShip tags, for a checkpoint whose subtag is missing or unknown. */
export const AFTERSHIP_TAGS: Readonly<Record<string, TrackingStatus>> = {
  Pending: 'label_created',
  InfoReceived: 'label_created',
  InTransit: 'in_transit',
  OutForDelivery: 'out_for_delivery',
  AttemptFail: 'delivery_failed',
  Delivered: 'delivered',
  AvailableForPickup: 'ready_for_pickup',
  Exception: 'delivery_failed',
  Expired: 'stalled',
};

/** 17TRACK sub-statuses (digest §5.2) → internal status. */
export const SEVENTEEN_TRACK_SUBSTATUSES: Readonly<Record<string, TrackingStatus>> = {
  NotFound_Other: 'label_created',
  NotFound_InvalidCode: 'invalid_number',
  InfoReceived: 'label_created',
  InTransit_PickedUp: 'accepted',
  InTransit_Other: 'in_transit',
  InTransit_Departure: 'in_transit',
  InTransit_Arrival: 'in_transit',
  InTransit_TransportDeparted: 'in_transit',
  InTransit_TransportArrived: 'in_transit',
  InTransit_CustomsProcessing: 'customs_hold',
  InTransit_CustomsReleased: 'in_transit',
  InTransit_CustomsRequiringInformation: 'customs_hold',
  Expired_Other: 'stalled',
  AvailableForPickup_Other: 'ready_for_pickup',
  OutForDelivery_Other: 'out_for_delivery',
  DeliveryFailure_Other: 'delivery_failed',
  DeliveryFailure_NoBody: 'delivery_failed',
  DeliveryFailure_Security: 'delivery_failed',
  DeliveryFailure_Rejected: 'delivery_failed',
  DeliveryFailure_InvalidAddress: 'delivery_failed',
  Delivered_Other: 'delivered',
  Exception_Other: 'delivery_failed',
  Exception_Returning: 'returning',
  Exception_Returned: 'returned',
  Exception_NoBody: 'delivery_failed',
  Exception_Security: 'delivery_failed',
  Exception_Damage: 'lost_damaged',
  Exception_Rejected: 'delivery_failed',
  Exception_Delayed: 'in_transit',
  Exception_Lost: 'lost_damaged',
  Exception_Destroyed: 'lost_damaged',
  // A waybill the carrier cancelled can never be tracked: a false-shipment sign like an invalid number (§6, check 9).
  Exception_Cancel: 'invalid_number',
};

/** 17TRACK main statuses, for an event without a (known) sub-status. */
export const SEVENTEEN_TRACK_STATUSES: Readonly<Record<string, TrackingStatus>> = {
  NotFound: 'label_created',
  InfoReceived: 'label_created',
  InTransit: 'in_transit',
  Expired: 'stalled',
  AvailableForPickup: 'ready_for_pickup',
  OutForDelivery: 'out_for_delivery',
  DeliveryFailure: 'delivery_failed',
  Delivered: 'delivered',
  Exception: 'delivery_failed',
};

export function fromAfterShip(
  tag: string | null | undefined,
  subtag: string | null | undefined,
): TrackingStatus | undefined {
  return (subtag ? AFTERSHIP_SUBTAGS[subtag] : undefined) ?? (tag ? AFTERSHIP_TAGS[tag] : undefined);
}

export function fromSeventeenTrack(
  status: string | null | undefined,
  subStatus: string | null | undefined,
): TrackingStatus | undefined {
  return (
    (subStatus ? SEVENTEEN_TRACK_SUBSTATUSES[subStatus] : undefined) ??
    (status ? SEVENTEEN_TRACK_STATUSES[status] : undefined)
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Events and their fold

/** One carrier event, normalised, with the provider's own words kept beside it. */
export interface TrackingEvent {
  /** The event's identity within (carrier, tracking number): the provider's id, or time + code. */
  key: string;
  occurredAt: number;
  status: TrackingStatus;
  rawStatus: string | null;
  rawSubstatus: string | null;
  description: string | null;
  location: string | null;
  /** ISO 3166 alpha-2 of the parcel's destination, when the provider says. */
  destinationCountry: string | null;
}

/** The identity of an event without an id of its own: its time and its code. */
export function eventKeyOf(id: string | null | undefined, occurredAt: number, code: string | null | undefined): string {
  return id && id.trim() ? `id:${id.trim()}` : `t:${occurredAt}:${code ?? ''}`;
}

export interface TrackingState {
  status: TrackingStatus | null;
  phase: number;
  statusAt: number | null;
  statusRank: number;
  statusKey: string;
  rawStatus: string | null;
  rawSubstatus: string | null;
  description: string | null;
  location: string | null;
  /** The earliest event showing the carrier has the parcel. */
  firstScanAt: number | null;
  /** The latest carrier event (shipby's own "stalled" marks excluded). */
  lastEventAt: number | null;
  /** The earliest delivered event, and the earliest returned one. */
  deliveredAt: number | null;
  returnedAt: number | null;
  destinationCountry: string | null;
  /** The order key of the event the destination was read from (the latest one that named it wins). */
  destinationKey: string;
}

export const EMPTY_TRACKING_STATE: TrackingState = {
  status: null,
  phase: -1,
  statusAt: null,
  statusRank: -1,
  statusKey: '',
  rawStatus: null,
  rawSubstatus: null,
  description: null,
  location: null,
  firstScanAt: null,
  lastEventAt: null,
  deliveredAt: null,
  returnedAt: null,
  destinationCountry: null,
  destinationKey: '',
};

/** Events that shipby writes itself (the stalled mark) are not carrier news. */
export const SHIPBY_EVENT_PREFIX = 'shipby:';

/** Orders events: phase, then time, then rank, then key (a total order, so the fold is a maximum). */
function compareEventOrder(
  a: { phase: number; at: number; rank: number; key: string },
  b: { phase: number; at: number; rank: number; key: string },
): number {
  if (a.phase !== b.phase) return a.phase - b.phase;
  if (a.at !== b.at) return a.at - b.at;
  if (a.rank !== b.rank) return a.rank - b.rank;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function minOf(a: number | null, b: number): number {
  return a === null || b < a ? b : a;
}

/** Folds one event into a state. Commutative, associative and idempotent: any order, any duplicates. */
export function foldTrackingEvent(state: TrackingState, event: TrackingEvent): TrackingState {
  return foldTrackingEventInto({ ...state }, event);
}

/** The same fold, changing `state` in place (the ingestion's hot path folds into its own copy). */
export function foldTrackingEventInto(state: TrackingState, event: TrackingEvent): TrackingState {
  const phase = TRACKING_PHASE[event.status];
  const rank = RANK[event.status];
  if (
    state.status === null ||
    phase > state.phase ||
    (phase === state.phase &&
      compareEventOrder(
        { phase, at: event.occurredAt, rank, key: event.key },
        { phase: state.phase, at: state.statusAt ?? 0, rank: state.statusRank, key: state.statusKey },
      ) > 0)
  ) {
    state.status = event.status;
    state.phase = phase;
    state.statusAt = event.occurredAt;
    state.statusRank = rank;
    state.statusKey = event.key;
    state.rawStatus = event.rawStatus;
    state.rawSubstatus = event.rawSubstatus;
    state.description = event.description;
    state.location = event.location;
  }
  if (showsCarrierHasParcel(event.status)) state.firstScanAt = minOf(state.firstScanAt, event.occurredAt);
  if (
    (state.lastEventAt === null || event.occurredAt > state.lastEventAt) &&
    !event.key.startsWith(SHIPBY_EVENT_PREFIX)
  )
    state.lastEventAt = event.occurredAt;
  if (event.status === 'delivered') state.deliveredAt = minOf(state.deliveredAt, event.occurredAt);
  if (event.status === 'returned') state.returnedAt = minOf(state.returnedAt, event.occurredAt);
  if (event.destinationCountry) {
    const order = `${String(event.occurredAt).padStart(16, '0')}|${event.key}`;
    if (state.destinationCountry === null || order > state.destinationKey) {
      state.destinationCountry = event.destinationCountry;
      state.destinationKey = order;
    }
  }
  return state;
}

export function foldTrackingEvents(
  events: Iterable<TrackingEvent>,
  from: TrackingState = EMPTY_TRACKING_STATE,
): TrackingState {
  let state = from;
  for (const event of events) state = foldTrackingEvent(state, event);
  return state;
}

/** What a tracking state asks of the parcel's own lifecycle (core/order.ts parcel machine). */
export type ParcelMilestone = 'none' | 'in_transit' | 'delivered' | 'returned';

export function parcelMilestoneOf(state: TrackingState): ParcelMilestone {
  if (state.status === 'returned') return 'returned';
  if (state.deliveredAt !== null && state.phase >= 2) return 'delivered';
  if (state.firstScanAt !== null) return 'in_transit';
  return 'none';
}

/** Statuses in which the parcel is still on its way to the buyer. */
export const MOVING_STATUSES: readonly TrackingStatus[] = [
  'accepted',
  'in_transit',
  'customs_hold',
  'out_for_delivery',
  'ready_for_pickup',
  'delivery_failed',
  'stalled',
];
