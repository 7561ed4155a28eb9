/**
 * Pure derivations from an order input: its content fingerprint (so a replayed import changes nothing),
 * the fields that differ between two versions, and the transition a platform status change means.
 */
import { hash } from 'node:crypto';
import { orderMachine, ORDER_PROGRESS, type OrderAction, type OrderState } from './order';
import type { OrderInput } from './order-input';

export function orderContentHash(order: OrderInput): string {
  const b = order.buyer;
  const S = '\u0001';
  let text =
    order.platform +
    S +
    order.platformStatus +
    S +
    order.status +
    S +
    order.paidAt +
    S +
    order.riskPassedAt +
    S +
    order.platformShipByAt +
    S +
    b.name +
    S +
    b.country +
    S +
    b.addressLine1 +
    S +
    b.city +
    S +
    b.postcode +
    S +
    b.phone +
    S +
    order.currency +
    S +
    order.handlingDays +
    S +
    order.logisticsService;
  for (const line of order.lines) text += S + line.sku + S + line.quantity + S + line.unitPrice;
  // Only when given, so the fingerprints of orders without a ship time stay as they were.
  if (order.shippedAt != null) text += S + 'shipped_at' + S + order.shippedAt;
  if (order.orderType != null) text += S + 'order_type' + S + order.orderType;
  if (order.cancelRequestedAt != null) text += S + 'cancel_requested_at' + S + order.cancelRequestedAt;
  return hash('sha1', text, 'base64url');
}

export type StatusChange =
  | { kind: 'same' }
  | { kind: 'stale' } // the platform lags behind what shipby already knows
  | { kind: 'transitions'; actions: OrderAction[] } // the shortest legal path, one event per step
  | { kind: 'illegal' };

/** What a status reported by the platform means for an order that shipby holds in `current`. */
export function platformStatusChange(current: OrderState, reported: OrderState): StatusChange {
  if (current === reported) return { kind: 'same' };
  const path = shortestPath(current, reported);
  if (path) return { kind: 'transitions', actions: path };
  if (ORDER_PROGRESS[reported] < ORDER_PROGRESS[current]) return { kind: 'stale' };
  return { kind: 'illegal' };
}

function shortestPath(from: OrderState, to: OrderState): OrderAction[] | undefined {
  const rules = Object.entries(orderMachine.transitions) as [
    OrderAction,
    { from: readonly OrderState[]; to: OrderState },
  ][];
  const previous = new Map<OrderState, { state: OrderState; action: OrderAction } | null>([[from, null]]);
  const queue: OrderState[] = [from];
  while (queue.length) {
    const state = queue.shift()!;
    if (state === to) break;
    for (const [action, rule] of rules) {
      if (rule.from.includes(state) && !previous.has(rule.to) && rule.to !== state) {
        previous.set(rule.to, { state, action });
        queue.push(rule.to);
      }
    }
  }
  if (!previous.has(to)) return undefined;
  const actions: OrderAction[] = [];
  for (let step = previous.get(to); step; step = previous.get(step.state)) actions.unshift(step.action);
  return actions;
}
