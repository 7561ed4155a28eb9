/**
 * What an order's input writes: a new order's row, lines and first events, and the columns every later change of
 * its input sets again (with the deadline its policy gives). No I/O: the callers write them.
 */
import { ORDER_MILESTONE, ORDER_PROGRESS, type OrderState } from '../core/order';
import { orderTotal, type OrderInput } from '../core/order-input';
import type { ShopPolicyResolver } from '../core/policy/registry';
import { timelineEvent } from '../core/timeline';
import type { NewOrderEventRow, NewOrderRow } from '../store/schema';
import { cancelRequestedEvent, shippedOutsideEvent } from './order-events';
import type { WriteMeta } from './orders';
import { deadlineFactsOf, deadlineFor, type OrderDeadline } from './policies';

/** Shipped, in transit, delivered or completed: the seller's part is done (cancelled and closed orders are not). */
export function isShippedOrLater(state: OrderState): boolean {
  return ORDER_PROGRESS[state] >= ORDER_PROGRESS.shipped && state !== 'cancelled' && state !== 'closed_unfulfilled';
}

function newOrderRow(
  shopId: string,
  order: OrderInput,
  hash: string,
  now: number,
  resolver: ShopPolicyResolver,
): NewOrderRow {
  const deadline = deadlineFor(resolver, deadlineFactsOf(order));
  const milestone = ORDER_MILESTONE[order.status];
  const row: NewOrderRow = {
    shop_id: shopId,
    platform: order.platform,
    platform_order_id: order.platformOrderId,
    status: order.status,
    ...importedFields(order, deadline, hash),
    accepted_at: null,
    packed_at: null,
    handed_over_at: null,
    tracking_uploaded_at: null,
    first_scan_at: null,
    warehouse_received_at: null,
    delivered_at: null,
    receipt_confirmed_at: null,
    cancelled_at: null,
    closed_at: null,
    version: 1,
    created_at: now,
    updated_at: now,
  };
  if (milestone) (row as Record<string, unknown>)[milestone] = now;
  if (isShippedOrLater(order.status)) row.handed_over_at = row.tracking_uploaded_at = order.shippedAt ?? now;
  if (order.cancelRequestedAt != null) row.cancel_requested_at = order.cancelRequestedAt;
  return row;
}

/** What a new order writes: its row, its lines and its first events (each without the order id it is given on insert). */
export interface NewOrderRecords {
  row: NewOrderRow;
  lines: Array<{ line_no: number; sku: string; quantity: number; unit_price: number }>;
  events: Array<Omit<NewOrderEventRow, 'order_id'>>;
}

export function newOrderRecords(
  shopId: string,
  order: OrderInput,
  hash: string,
  meta: WriteMeta,
  resolver: ShopPolicyResolver,
): NewOrderRecords {
  const row = newOrderRow(shopId, order, hash, meta.now, resolver);
  const lines = order.lines.map((line, i) => ({
    line_no: i + 1,
    sku: line.sku,
    quantity: line.quantity,
    unit_price: line.unitPrice,
  }));
  const data = meta.source ? JSON.stringify({ source: meta.source }) : null;
  const { order_id: _later, ...created } = timelineEvent({
    orderId: 0,
    at: meta.now,
    actor: meta.actor,
    kind: 'created',
    to: order.status,
    data,
  });
  const events: Array<Omit<NewOrderEventRow, 'order_id'>> = [created];
  if (isShippedOrLater(order.status)) {
    const { order_id: _unset, ...shipped } = shippedOutsideEvent(0, meta, order, order.shippedAt ?? meta.now);
    events.push(shipped);
  }
  if (order.cancelRequestedAt != null) {
    const { order_id: _none, ...requested } = cancelRequestedEvent(0, meta, order.cancelRequestedAt);
    events.push(requested);
  }
  return { row, lines, events };
}

/** Orders that arrive accepted reserve their stock on arrival (or wait for it). */
export function reservesOnArrival(status: string): boolean {
  return status === 'awaiting_shipment' || status === 'awaiting_stock';
}

/** The columns an order's input sets, on creation and on every later change alike. */
export function importedFields(order: OrderInput, deadline: OrderDeadline, hash: string) {
  return {
    platform_status: order.platformStatus,
    currency: order.currency,
    total_amount: orderTotal(order),
    buyer_name: order.buyer.name,
    buyer_country: order.buyer.country,
    address_line1: order.buyer.addressLine1,
    address_line2: order.buyer.addressLine2 ?? null,
    state: order.buyer.state ?? null,
    city: order.buyer.city,
    postcode: order.buyer.postcode,
    phone: order.buyer.phone,
    handling_days: order.handlingDays,
    logistics_service: order.logisticsService,
    paid_at: order.paidAt,
    risk_passed_at: order.riskPassedAt,
    platform_ship_by_at: order.platformShipByAt,
    ship_by_at: deadline.shipBy?.shipByAt ?? null,
    ship_by_source: deadline.shipBy?.source ?? null,
    policy_id: deadline.policy.id,
    policy_version: deadline.policy.version,
    content_hash: hash,
    // Only when the input names it: an update without a type keeps the one the order has.
    ...(order.orderType ? { order_type: order.orderType } : {}),
  };
}
