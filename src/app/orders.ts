/**
 * Orders in: the upsert of a batch of one shop (file import, API, marketplace sync) — new orders written with their
 * lines and first events (order-records.ts) and their stock settled, changed ones through order-change.ts — and a
 * seller's action on an order. The reads are order-reads.ts (re-exported below).
 */
import type { Transaction } from 'kysely';
import { localized } from '../core/i18n';
import { orderMachine, type OrderAction } from '../core/order';
import { orderContentHash } from '../core/order-facts';
import type { ImportIssue, OrderInput } from '../core/order-input';
import { isAction } from '../core/state-machine';
import type { Store } from '../store/database';
import { orderBulkWriter } from '../store/order-bulk';
import * as orderStore from '../store/orders';
import type { Database, NewOrderEventRow, OrderRow, OrderUpdate } from '../store/schema';
import type { AppContext } from './context';
import { NotFoundError, ValidationError } from './errors';
import { applyOrderChange } from './order-change';
import { newOrderRecords, reservesOnArrival } from './order-records';
import { transitionOrder } from './order-transition';
import { loadShopResolver } from './policies';
import { settleOrdersStock } from './stock-reservations';

export { newOrderRecords, type NewOrderRecords } from './order-records';

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
