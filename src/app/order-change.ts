/**
 * A known order whose input changed (a re-import, the API, the marketplace sync), as named steps: the platform's
 * status checked against ours, what changed (for the `updated` event), the deadline again, the shipment the platform
 * reports shipped outside shipby, the buyer's cancellation request, new lines (their stock released and settled
 * again), and the write — through the order transition when the platform's status moved, else at the version read.
 */
import type { Transaction } from 'kysely';
import { localized } from '../core/i18n';
import { orderMachine, type OrderAction, type OrderState } from '../core/order';
import { platformStatusChange } from '../core/order-facts';
import type { ImportIssue, OrderInput } from '../core/order-input';
import type { ShopPolicyResolver } from '../core/policy/registry';
import { decide } from '../core/state-machine';
import { timelineEvent } from '../core/timeline';
import type { Store } from '../store/database';
import * as orderStore from '../store/orders';
import type { Database, NewOrderEventRow, OrderRow, OrderUpdate } from '../store/schema';
import { ConflictError } from './errors';
import { cancelRequestedEvent, firstSeenGuess, shippedOutsideEvent } from './order-events';
import { importedFields, isShippedOrLater } from './order-records';
import { transitionOrder } from './order-transition';
import type { IncomingOrder, WriteMeta } from './orders';
import { deadlineFactsOf, deadlineFor, extensionFromRow } from './policies';
import { releaseBeforeLineChange, settleAfterLineChange } from './stock-reservations';

/** The order fields an import may change, compared to tell the seller what changed. */
const COMPARED: Array<[keyof OrderRow, (o: OrderInput) => unknown]> = [
  ['platform_status', (o) => o.platformStatus],
  ['paid_at', (o) => o.paidAt],
  ['risk_passed_at', (o) => o.riskPassedAt],
  ['platform_ship_by_at', (o) => o.platformShipByAt],
  ['buyer_name', (o) => o.buyer.name],
  ['buyer_country', (o) => o.buyer.country],
  ['address_line1', (o) => o.buyer.addressLine1],
  ['address_line2', (o) => o.buyer.addressLine2 ?? null],
  ['state', (o) => o.buyer.state ?? null],
  ['city', (o) => o.buyer.city],
  ['postcode', (o) => o.buyer.postcode],
  ['phone', (o) => o.buyer.phone],
  ['currency', (o) => o.currency],
  ['handling_days', (o) => o.handlingDays],
  ['logistics_service', (o) => o.logisticsService],
];

type Diff = Record<string, [unknown, unknown]>;

/** Applies a changed input to order `orderId`; an issue (nothing written) when its status cannot follow ours. */
export async function applyOrderChange(
  store: Store,
  trx: Transaction<Database>,
  orderId: number,
  incoming: IncomingOrder,
  hash: string,
  meta: WriteMeta,
  resolver: ShopPolicyResolver,
): Promise<ImportIssue | undefined> {
  const order = incoming.order;
  const current = (await orderStore.getOrder(trx, undefined, orderId))!;
  const currentState = current.status as OrderState;
  const change = statusChangeOf(currentState, order.status);
  if (change.kind === 'illegal') return illegalStatusIssue(incoming, currentState);
  const diff = await changesOf(trx, current, order);
  const extensions = (
    await trx.selectFrom('order_extensions').selectAll().where('order_id', '=', orderId).execute()
  ).map(extensionFromRow);
  const deadline = deadlineFor(
    resolver,
    { ...deadlineFactsOf(order), orderType: order.orderType ?? current.order_type },
    extensions,
  );
  const update: OrderUpdate = { ...importedFields(order, deadline, hash), updated_at: meta.now };
  const events: NewOrderEventRow[] = [];
  if (Object.keys(diff).length) {
    events.push(
      timelineEvent({
        orderId,
        at: meta.now,
        actor: meta.actor,
        kind: 'updated',
        data: JSON.stringify({ source: meta.source, changes: diff }),
      }),
    );
  }
  const path = change.kind === 'transitions' ? change.actions : [];
  const shippedOutside = await shippedOutsideUpdate(trx, current, order, path, update, meta);
  cancelRequestUpdate(current, order, update, events, meta);
  // New lines replace the old ones first (their reservations given back), so the transition's stock hook settles the new.
  const held = diff.lines ? await releaseBeforeLineChange(store, trx, orderId, meta) : [];
  if (diff.lines) {
    await orderStore.replaceOrderLines(
      trx,
      orderId,
      order.lines.map((l, i) => ({
        order_id: orderId,
        line_no: i + 1,
        sku: l.sku,
        quantity: l.quantity,
        unit_price: l.unitPrice,
      })),
    );
  }
  await writeChange(store, trx, current, order, path, update, events, meta);
  if (shippedOutside) await orderStore.appendEvents(trx, [shippedOutside]);
  if (diff.lines) await settleAfterLineChange(store, trx, orderId, held, meta);
  return undefined;
}

/** The platform's status against ours: the same, a path of actions, or illegal. */
function statusChangeOf(currentState: OrderState, reported: OrderState) {
  // The platform cannot tell awaiting_stock from awaiting_shipment: stock decides between those two, not the platform.
  const stockStates: readonly OrderState[] = ['awaiting_shipment', 'awaiting_stock'];
  return stockStates.includes(currentState) && stockStates.includes(reported)
    ? { kind: 'same' as const }
    : platformStatusChange(currentState, reported === 'awaiting_stock' ? 'awaiting_shipment' : reported);
}

function illegalStatusIssue(incoming: IncomingOrder, currentState: OrderState): ImportIssue {
  const order = incoming.order;
  return {
    row: incoming.row,
    field: 'status',
    message: localized(
      `order ${order.platformOrderId} is ${currentState} in shipby; its status cannot become ${order.status} (${order.platformStatus}).`,
      `订单 ${order.platformOrderId} 在 shipby 中为「${currentState}」，其状态不能变为「${order.status}」（${order.platformStatus}）。`,
    ),
  };
}

/** What the input changes of the order's compared fields and of its lines: column → [before, after]. */
async function changesOf(trx: Transaction<Database>, current: OrderRow, order: OrderInput): Promise<Diff> {
  const diff: Diff = {};
  for (const [column, read] of COMPARED) {
    const next = read(order);
    if (current[column] !== next) diff[column] = [current[column], next];
  }
  const oldLines = await orderStore.getOrderLines(trx, current.id);
  const linesText = (ls: Array<{ sku: string; quantity: number; unit_price?: number; unitPrice?: number }>) =>
    ls.map((l) => `${l.sku}×${l.quantity}@${l.unit_price ?? l.unitPrice}`).join(', ');
  const newLinesText = linesText(order.lines);
  if (linesText(oldLines) !== newLinesText) diff.lines = [linesText(oldLines), newLinesText];
  return diff;
}

/**
 * Shipped outside shipby: the upload time shipby never saw, set in `update`, and its event. One shipby recorded
 * itself is never overwritten; only its own guess (the time it first saw the order shipped) gives way to the
 * platform's ship time.
 */
async function shippedOutsideUpdate(
  trx: Transaction<Database>,
  current: OrderRow,
  order: OrderInput,
  path: readonly OrderAction[],
  update: OrderUpdate,
  meta: WriteMeta,
): Promise<NewOrderEventRow | undefined> {
  const currentState = current.status as OrderState;
  const reached = path.length ? finalState(currentState, path) : currentState;
  if (!(isShippedOrLater(order.status) && isShippedOrLater(reached))) return undefined;
  const justShipped = !isShippedOrLater(currentState);
  const guess =
    current.tracking_uploaded_at !== null && order.shippedAt != null && order.shippedAt !== current.tracking_uploaded_at
      ? await firstSeenGuess(trx, current.id, current.tracking_uploaded_at)
      : false;
  if (!((current.tracking_uploaded_at === null && (order.shippedAt != null || justShipped)) || guess)) return undefined;
  const at = order.shippedAt ?? meta.now;
  update.tracking_uploaded_at = at;
  if (current.handed_over_at === null || (guess && current.handed_over_at === current.tracking_uploaded_at))
    update.handed_over_at = at;
  return shippedOutsideEvent(current.id, meta, order, at);
}

/**
 * The buyer's cancellation request the platform reports, set in `update` with its event: a new one after an answer
 * starts afresh.
 */
function cancelRequestUpdate(
  current: OrderRow,
  order: OrderInput,
  update: OrderUpdate,
  events: NewOrderEventRow[],
  meta: WriteMeta,
): void {
  const requested = order.cancelRequestedAt;
  if (requested == null || requested === current.cancel_requested_at) return;
  update.cancel_requested_at = requested;
  if (current.cancel_answer !== null && requested > (current.cancel_answered_at ?? 0))
    update.cancel_answer = update.cancel_answered_at = null;
  events.push(cancelRequestedEvent(current.id, meta, requested));
}

/** Writes the change: through the order transition when the platform's status moved, else at the version read. */
async function writeChange(
  store: Store,
  trx: Transaction<Database>,
  current: OrderRow,
  order: OrderInput,
  path: readonly OrderAction[],
  update: OrderUpdate,
  events: NewOrderEventRow[],
  meta: WriteMeta,
): Promise<void> {
  if (path.length) {
    // The platform's steps through the one transition: state, milestones (first time only), one event per step, and
    // the declared hooks (the stock settles as the new state says).
    await orderStore.appendEvents(trx, events);
    const reason = `reported by ${order.platform}: ${order.platformStatus}`;
    await transitionOrder(
      trx,
      { order: current, actions: path, reason, guard: { reason }, set: update },
      { store, now: meta.now, actor: meta.actor },
    );
    return;
  }
  if (!(await orderStore.updateOrder(trx, current.id, current.version, update))) {
    throw new ConflictError(
      'order.version',
      localized(
        `order ${order.platformOrderId} was changed by someone else; try again.`,
        `订单 ${order.platformOrderId} 已被他人修改，请重试。`,
      ),
    );
  }
  await orderStore.appendEvents(trx, events);
}

/** Where a path of order actions leads (the transition decides each step again when it is taken). */
function finalState(from: OrderState, path: readonly OrderAction[]): OrderState {
  let state = from;
  for (const action of path) {
    const decision = decide(orderMachine, state, action, { reason: 'platform' });
    if (!decision.ok) return state;
    state = decision.to;
  }
  return state;
}
