/**
 * The order and parcel (shipment) lifecycles. Each is one declared table of legal transitions;
 * `decide` (state-machine.ts) is the only place a transition is checked.
 */
import { localized } from './i18n';
import { defineMachine, type Decision } from './state-machine';

export const ORDER_STATES = [
  'new', // paid, in the platform's risk review
  'awaiting_shipment', // risk passed: the ship-by clock runs
  'awaiting_stock', // accepted, but no warehouse holds all of it: waits for stock (the clock still runs)
  'partially_shipped',
  'shipped', // every parcel handed over
  'in_transit',
  'delivered',
  'completed', // receipt confirmed
  'cancelled',
  'closed_unfulfilled', // closed by the platform at the deadline
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const OPEN_ORDER_STATES: readonly OrderState[] = [
  'new',
  'awaiting_shipment',
  'awaiting_stock',
  'partially_shipped',
];
export const TERMINAL_ORDER_STATES: readonly OrderState[] = ['completed', 'cancelled', 'closed_unfulfilled'];

export interface OrderGuardContext {
  reason?: string;
}

export const orderMachine = defineMachine({
  name: 'order',
  states: ORDER_STATES,
  transitions: {
    accept: { from: ['new'], to: 'awaiting_shipment' },
    cancel: {
      from: ['new', 'awaiting_shipment', 'awaiting_stock'],
      to: 'cancelled',
      guard: (c: OrderGuardContext) =>
        c.reason && c.reason.trim() ? undefined : localized('A cancellation needs a reason.', '取消订单需要填写原因。'),
    },
    close_unfulfilled: {
      from: ['new', 'awaiting_shipment', 'awaiting_stock', 'partially_shipped'],
      to: 'closed_unfulfilled',
    },
    // From awaiting_stock only when the platform reports a shipment shipby did not make.
    ship_part: { from: ['awaiting_shipment', 'awaiting_stock', 'partially_shipped'], to: 'partially_shipped' },
    ship_all: { from: ['awaiting_shipment', 'awaiting_stock', 'partially_shipped'], to: 'shipped' },
    report_in_transit: { from: ['shipped'], to: 'in_transit' },
    report_delivered: { from: ['shipped', 'in_transit'], to: 'delivered' },
    confirm_receipt: { from: ['shipped', 'in_transit', 'delivered'], to: 'completed' },
    // Taken by the stock service only (app/stock.ts): no warehouse can serve it whole / now one can.
    wait_for_stock: { from: ['awaiting_shipment'], to: 'awaiting_stock' },
    reserve_stock: { from: ['awaiting_stock'], to: 'awaiting_shipment' },
  },
});
export type OrderAction = keyof typeof orderMachine.transitions;
export type OrderDecision = Decision<OrderState, OrderAction>;

export const PARCEL_STATES = [
  'created',
  'packed',
  'labelled',
  'handed_over',
  'tracking_uploaded',
  'in_transit',
  'delivered',
  'returned',
  'voided',
] as const;
export type ParcelState = (typeof PARCEL_STATES)[number];

export const parcelMachine = defineMachine({
  name: 'parcel',
  states: PARCEL_STATES,
  transitions: {
    pack: { from: ['created'], to: 'packed' },
    label: { from: ['packed'], to: 'labelled' },
    hand_over: { from: ['labelled'], to: 'handed_over' },
    upload_tracking: { from: ['labelled', 'handed_over'], to: 'tracking_uploaded' },
    report_in_transit: { from: ['handed_over', 'tracking_uploaded'], to: 'in_transit' },
    report_delivered: { from: ['tracking_uploaded', 'in_transit'], to: 'delivered' },
    report_returned: { from: ['tracking_uploaded', 'in_transit', 'delivered'], to: 'returned' },
    void: { from: ['created', 'packed', 'labelled'], to: 'voided' },
  },
});
export type ParcelAction = keyof typeof parcelMachine.transitions;

/**
 * How far along an order is, for reconciling a platform's (possibly stale) view with ours:
 * a platform status that lags behind ours is not a transition.
 */
export const ORDER_PROGRESS: Record<OrderState, number> = {
  new: 0,
  awaiting_shipment: 1,
  awaiting_stock: 1,
  partially_shipped: 2,
  shipped: 3,
  in_transit: 4,
  delivered: 5,
  completed: 6,
  cancelled: 6,
  closed_unfulfilled: 6,
};

/** The milestone timestamp an order state sets when it is entered. */
export const ORDER_MILESTONE: Partial<Record<OrderState, string>> = {
  awaiting_shipment: 'accepted_at',
  shipped: 'handed_over_at',
  delivered: 'delivered_at',
  completed: 'receipt_confirmed_at',
  cancelled: 'cancelled_at',
  closed_unfulfilled: 'closed_at',
};
