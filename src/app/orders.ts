import type { Transaction } from 'kysely';
import { localized } from '../core/i18n';
import { ORDER_MILESTONE, ORDER_PROGRESS, orderMachine, type OrderAction, type OrderState } from '../core/order';
import { orderContentHash, platformStatusChange } from '../core/order-facts';
import type { ShopPolicyResolver } from '../core/policy/registry';
import { orderTotal, type ImportIssue, type OrderInput } from '../core/order-input';
import { decide, isAction } from '../core/state-machine';
import type { Store } from '../store/database';
import { orderBulkWriter } from '../store/order-bulk';
import * as orderStore from '../store/orders';
import type { Database, NewOrderEventRow, NewOrderRow, OrderRow, OrderUpdate } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { deadlineFactsOf, deadlineFor, extensionFromRow, loadShopResolver, type OrderDeadline } from './policies';
import { cancelRequestedEvent, firstSeenGuess, shippedOutsideEvent } from './order-events';
import { transitionOrder } from './order-transition';
import { releaseBeforeLineChange, settleAfterLineChange, settleOrdersStock } from './stock-reservations';
import { timelineEvent } from '../core/timeline';

export interface IncomingOrder {
  order: OrderInput;
  /** The source row (file row or request index) of the order's first line, for error reports. */
  row: number;
}

export interface UpsertResult {
  created: number;
  updated: number;
  unchanged: number;
  /** Orders refused by a state rule (their platform status cannot follow ours); nothing of them was written. */
  issues: ImportIssue[];
  /** shipby ids of the orders written or found, by platform order id. */
  ids: Map<string, number>;
}

export interface WriteMeta {
  now: number;
  actor: string;
  /** e.g. the file name, recorded on each event. */
  source?: string;
}

/** Shipped, in transit, delivered or completed: the seller's part is done (cancelled and closed orders are not). */
function isShippedOrLater(state: OrderState): boolean {
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
function reservesOnArrival(status: string): boolean {
  return status === 'awaiting_shipment' || status === 'awaiting_stock';
}

/** The columns an order's input sets, on creation and on every later change alike. */
function importedFields(order: OrderInput, deadline: OrderDeadline, hash: string) {
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

/**
 * Upserts a batch of orders of one shop inside `trx`. Unchanged orders (same content fingerprint) are
 * not touched; changed ones are updated with an `updated` event listing what changed, and a platform
 * status change is applied through the state machine, one `transition` event per step.
 */
export async function upsertOrdersInTransaction(
  store: Store,
  trx: Transaction<Database>,
  shopId: string,
  batch: IncomingOrder[],
  meta: WriteMeta,
): Promise<UpsertResult> {
  const result: UpsertResult = { created: 0, updated: 0, unchanged: 0, issues: [], ids: new Map() };
  if (batch.length === 0) return result;
  const writer = orderBulkWriter(store, trx);
  const resolver = await loadShopResolver(trx, shopId);
  const existing = new Map(
    (
      await writer.findKeys(
        shopId,
        batch.map((b) => b.order.platformOrderId),
      )
    ).map((e) => [e.platform_order_id, e]),
  );
  const fresh: Array<{ incoming: IncomingOrder; hash: string }> = [];
  const changed: Array<{ incoming: IncomingOrder; hash: string; key: orderStore.ExistingOrderKey }> = [];
  for (const incoming of batch) {
    const hash = orderContentHash(incoming.order);
    const key = existing.get(incoming.order.platformOrderId);
    if (!key) fresh.push({ incoming, hash });
    else if (key.content_hash === hash) {
      result.unchanged++;
      result.ids.set(incoming.order.platformOrderId, key.id);
    } else changed.push({ incoming, hash, key });
  }

  if (fresh.length) {
    const records = fresh.map((f) => newOrderRecords(shopId, f.incoming.order, f.hash, meta, resolver));
    const ids = await writer.insertOrders(records.map((r) => r.row));
    const lines: Array<{ order_id: number; line_no: number; sku: string; quantity: number; unit_price: number }> = [];
    const events: NewOrderEventRow[] = [];
    for (const record of records) {
      const id = ids.get(record.row.platform_order_id)!;
      result.ids.set(record.row.platform_order_id, id);
      for (const line of record.lines) lines.push({ order_id: id, ...line });
      for (const event of record.events) events.push({ order_id: id, ...event });
    }
    await writer.insertLines(lines);
    await writer.appendEvents(events);
    // Orders that arrive accepted reserve their stock now (or wait for it), in this transaction.
    await settleOrdersStock(
      store,
      trx,
      records.filter((r) => reservesOnArrival(r.row.status)).map((r) => ids.get(r.row.platform_order_id)!),
      meta,
    );
    result.created += fresh.length;
  }

  for (const { incoming, hash, key } of changed) {
    const issue = await applyOrderChange(store, trx, key.id, incoming, hash, meta, resolver);
    if (issue) result.issues.push(issue);
    else {
      result.updated++;
      result.ids.set(incoming.order.platformOrderId, key.id);
    }
  }
  return result;
}

async function applyOrderChange(
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
  // The platform cannot tell awaiting_stock from awaiting_shipment: stock decides between those two, not the platform.
  const stockStates: readonly OrderState[] = ['awaiting_shipment', 'awaiting_stock'];
  const change =
    stockStates.includes(currentState) && stockStates.includes(order.status)
      ? { kind: 'same' as const }
      : platformStatusChange(currentState, order.status === 'awaiting_stock' ? 'awaiting_shipment' : order.status);
  if (change.kind === 'illegal') {
    return {
      row: incoming.row,
      field: 'status',
      message: localized(
        `order ${order.platformOrderId} is ${currentState} in shipby; its status cannot become ${order.status} (${order.platformStatus}).`,
        `订单 ${order.platformOrderId} 在 shipby 中为「${currentState}」，其状态不能变为「${order.status}」（${order.platformStatus}）。`,
      ),
    };
  }
  const diff: Record<string, [unknown, unknown]> = {};
  for (const [column, read] of COMPARED) {
    const next = read(order);
    if (current[column] !== next) diff[column] = [current[column], next];
  }
  const oldLines = await orderStore.getOrderLines(trx, orderId);
  const linesText = (ls: Array<{ sku: string; quantity: number; unit_price?: number; unitPrice?: number }>) =>
    ls.map((l) => `${l.sku}×${l.quantity}@${l.unit_price ?? l.unitPrice}`).join(', ');
  const newLinesText = linesText(order.lines);
  if (linesText(oldLines) !== newLinesText) diff.lines = [linesText(oldLines), newLinesText];

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
  // Shipped outside shipby: the upload time shipby never saw. One shipby recorded itself is never overwritten; only
  // its own guess (the time it first saw the order shipped) gives way to the platform's ship time.
  const path = change.kind === 'transitions' ? change.actions : [];
  const reached = path.length ? finalState(currentState, path) : currentState;
  let shippedOutside: NewOrderEventRow | undefined;
  if (isShippedOrLater(order.status) && isShippedOrLater(reached)) {
    const justShipped = !isShippedOrLater(currentState);
    const guess =
      current.tracking_uploaded_at !== null &&
      order.shippedAt != null &&
      order.shippedAt !== current.tracking_uploaded_at
        ? await firstSeenGuess(trx, orderId, current.tracking_uploaded_at)
        : false;
    if ((current.tracking_uploaded_at === null && (order.shippedAt != null || justShipped)) || guess) {
      const at = order.shippedAt ?? meta.now;
      update.tracking_uploaded_at = at;
      if (current.handed_over_at === null || (guess && current.handed_over_at === current.tracking_uploaded_at))
        update.handed_over_at = at;
      shippedOutside = shippedOutsideEvent(orderId, meta, order, at);
    }
  }
  // The buyer's cancellation request the platform reports: a new one after an answer starts afresh.
  const requested = order.cancelRequestedAt;
  if (requested != null && requested !== current.cancel_requested_at) {
    update.cancel_requested_at = requested;
    if (current.cancel_answer !== null && requested > (current.cancel_answered_at ?? 0))
      update.cancel_answer = update.cancel_answered_at = null;
    events.push(cancelRequestedEvent(orderId, meta, requested));
  }
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
  } else {
    if (!(await orderStore.updateOrder(trx, orderId, current.version, update))) {
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
  if (shippedOutside) await orderStore.appendEvents(trx, [shippedOutside]);
  if (diff.lines) await settleAfterLineChange(store, trx, orderId, held, meta);
  return undefined;
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

/** Upserts orders from the API or the marketplace in one transaction; refuses all if any is refused. */
export async function upsertOrders(
  ctx: AppContext,
  shopId: string,
  batch: IncomingOrder[],
  actor: string,
): Promise<UpsertResult> {
  const platform = batch[0]?.order.platform ?? 'aliexpress';
  return ctx.store.db.transaction().execute(async (trx) => {
    await orderStore.ensureShop(trx, { id: shopId, platform }, ctx.now());
    const result = await upsertOrdersInTransaction(ctx.store, trx, shopId, batch, { now: ctx.now(), actor });
    if (result.issues.length) throw new ValidationError(result.issues);
    return result;
  });
}

export interface ActionRequest {
  action: string;
  reason?: string;
  actor: string;
  shopIds?: string[];
}

/** Applies a seller action to an order; refused actions change nothing and name the rule. */
export async function applyOrderAction(ctx: AppContext, orderId: number, request: ActionRequest): Promise<OrderRow> {
  if (!isAction(orderMachine, request.action)) {
    throw new ValidationError([
      {
        row: 0,
        field: 'action',
        message: localized(`unknown action "${request.action}".`, `未知操作「${request.action}」。`),
      },
    ]);
  }
  const action: OrderAction = request.action;
  return ctx.store.db.transaction().execute(async (trx) => {
    const current = await orderStore.getOrder(trx, undefined, orderId);
    if (!current || (request.shopIds && !request.shopIds.includes(current.shop_id))) {
      throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
    }
    const reason = request.reason?.trim() || null;
    // A seller's cancellation is the seller's (non-fulfilment counts it); the buyer's is recorded by its request's answer.
    const set: OrderUpdate = action === 'cancel' ? { cancelled_by: 'seller' } : {};
    await transitionOrder(
      trx,
      { order: current, actions: [action], reason, guard: { reason: request.reason }, set },
      { store: ctx.store, now: ctx.now(), actor: request.actor },
    );
    return (await orderStore.getOrder(trx, undefined, orderId))!;
  });
}

// The reads live in order-reads.ts (a read command loads none of the writes above); kept importable from here.
export { getOrderDetail, getOrderPage, listOrders, type OrderDetail, resolveOrder } from './order-reads';
