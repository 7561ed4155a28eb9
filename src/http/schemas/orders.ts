/** The orders' answers: an order (app/present.ts presentOrder), the at-risk list, one order's page, the verdict. */
import {
  anyValue,
  bool,
  list,
  num,
  numOrNull,
  object,
  open,
  orNull,
  record,
  ref,
  str,
  strOrNull,
  type Schema,
} from './common';

const money = ref('Money');
const moneyOrNull = orNull(money);
const localized = ref('Localized');

const Order = object({
  id: num,
  shop_id: str,
  platform: str,
  platform_order_id: str,
  status: str,
  platform_status: strOrNull,
  total: money,
  buyer: object({
    name: str,
    country: str,
    address_line1: strOrNull,
    city: strOrNull,
    postcode: strOrNull,
    phone: strOrNull,
  }),
  handling_days: numOrNull,
  logistics_service: strOrNull,
  ship_by_at: strOrNull,
  ship_by_source: strOrNull,
  /** paid_at, accepted_at, packed_at, …: each milestone's time, or null while it has not happened. */
  milestones: record(strOrNull),
  cancelled_by: strOrNull,
  cancellation_request: orNull(object({ requested_at: strOrNull, answer: strOrNull, answered_at: strOrNull })),
  /** Held by the seller (not packed or labelled until released), or null. */
  hold: orNull(object({ held_at: strOrNull, reason: strOrNull })),
  version: num,
  created_at: str,
  updated_at: str,
});

const orderFields = Order.properties as Record<string, Schema>;

/**
 * An order in the list (GET /orders); in the at-risk view (`due_within`) with its deadline: the countdown, the
 * fine if missed now, and why.
 */
const OrderListItem = object(
  {
    ...orderFields,
    deadline: object({
      time_left_ms: numOrNull,
      fine_if_missed: moneyOrNull,
      status: str,
      /** The order's situation (open, at_risk, will_miss; no_deadline when it has none yet). */
      situation: str,
      why: localized,
      cancellation_answer_by: strOrNull,
    }),
  },
  ['deadline'],
);

const OrderPage = object({ items: list(ref('OrderListItem')), next_cursor: strOrNull });

const OrderLine = object({ line_no: num, sku: str, quantity: num, unit_price: money });

const Parcel = object({
  id: num,
  status: str,
  carrier: strOrNull,
  service: strOrNull,
  tracking_number: strOrNull,
  weight_g: numOrNull,
  warehouse_weight_g: numOrNull,
  packed_at: strOrNull,
  handed_over_at: strOrNull,
  tracking_uploaded_at: strOrNull,
  first_scan_at: strOrNull,
  delivered_at: strOrNull,
});

/** A timeline row: an order event, or (negative id) an audit line of who acted on the order. */
const TimelineEvent = object({
  id: num,
  at: strOrNull,
  actor: str,
  kind: str,
  action: strOrNull,
  from: strOrNull,
  to: strOrNull,
  reason: strOrNull,
  parcel_id: numOrNull,
  data: anyValue,
});

const OrderDetail = object({
  ...orderFields,
  as_of: strOrNull,
  situation: strOrNull,
  time_left_ms: numOrNull,
  /** What to check on this order, e.g. a deadline past the end of its policy's holiday and festival data. */
  warnings: list(localized),
  lines: list(ref('OrderLine')),
  parcels: list(ref('Parcel')),
  timeline: list(ref('TimelineEvent')),
});

/** The order's situation (core/situation.ts; app/present.ts presentSituation). */
const Situation = open({
  kind: str,
  reasons: list(localized),
  actionable: bool,
  in_queues: bool,
  exposure: moneyOrNull,
  assumptions: list(localized),
  cancellation_request: orNull(
    object({ state: str, requested_at: strOrNull, answer_by: strOrNull, answered_at: strOrNull }),
  ),
  violations: list(open({ kind: str, fine: moneyOrNull, points: num, priced: bool, explanation: localized })),
});

/** Can I still ship? (GET /orders/:id/verdict; app/present.ts presentVerdict), with the order's situation. */
const Verdict = open({
  order_id: num,
  platform_order_id: str,
  policy: str,
  /** The event the policy counts as shipped (`tracking_uploaded`, `handed_over`, `carrier_scan`, `warehouse_received`). */
  counted_event: strOrNull,
  status: str,
  can_still_ship: bool,
  closed_by_platform: bool,
  ship_by_at: strOrNull,
  ship_by_source: strOrNull,
  time_left_ms: numOrNull,
  latest_hand_over_at: strOrNull,
  closes_at: strOrNull,
  lateness_ms: numOrNull,
  fine_now: moneyOrNull,
  points_now: num,
  steps_ahead: list(object({ starts_at: strOrNull, hand_over_by: strOrNull, fine: moneyOrNull, points: num })),
  metric_effects: list(str),
  options: list(object({ course: str, available: bool, cost: moneyOrNull, points: num, explanation: localized })),
  recommended: strOrNull,
  headline: localized,
  sentences: list(localized),
  reasons: list(localized),
  situation: ref('Situation'),
});

export const ORDER_SCHEMAS = {
  Order,
  OrderListItem,
  OrderPage,
  OrderLine,
  Parcel,
  TimelineEvent,
  OrderDetail,
  Situation,
  Verdict,
};
