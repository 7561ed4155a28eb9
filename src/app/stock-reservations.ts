/**
 * Reservations: the order use cases' hooks into the stock settle (app/stock-settle.ts, `settleStockInTransaction`:
 * load demand, plan in core, write), and the use cases with their own transaction.
 *
 *  - an order entering awaiting_shipment (accepted, or imported in that state) reserves its whole demand from
 *    one warehouse chosen by the WarehouseStrategy, or moves to awaiting_stock with what is missing;
 *  - cancelled / closed orders release; shipped orders consume; changed lines re-plan;
 *  - stock that grows (receipt, import, adjustment, release) serves the orders waiting for it, the earliest
 *    deadline first, in the same transaction.
 */
import type { Transaction } from 'kysely';
import type { Store } from '../store/database';
import type { Database } from '../store/schema';
import * as stock from '../store/stock';
import { inRetriedTransaction } from '../store/transaction-retry';
import type { AppContext } from './context';
import { settleStockInTransaction, type StockMeta } from './stock-settle';
import type { ConsumeItem, HeldUnits, SettleIntent, SettleReport } from './stock-settle-types';

// The engine and what a settlement is asked and answers (and the refusal of a stock change) live beside this file.
export * from './stock-settle-types';
export { settleStockInTransaction, type StockMeta } from './stock-settle';

// ---------------------------------------------------------------------------------------------------------
// Hooks the order use cases call in their own transaction (app/orders.ts)

/** After an order was created or changed state: reserve, wait, release or consume as its state says. */
export async function settleOrdersStock(
  store: Store,
  trx: Transaction<Database>,
  orderIds: readonly number[],
  meta: StockMeta,
): Promise<SettleReport> {
  return settleStockInTransaction(store, trx, { orders: orderIds.map((orderId) => ({ orderId })) }, meta);
}

/**
 * Before an order's lines are replaced: gives back what it holds (the old lines are about to go) and says
 * what a partially shipped order held, so its remaining parcels keep their units.
 */
export async function releaseBeforeLineChange(
  store: Store,
  trx: Transaction<Database>,
  orderId: number,
  meta: StockMeta,
): Promise<HeldUnits[]> {
  const held = await stock.reservationsOfOrders(trx, [orderId]);
  if (held.length === 0) return [];
  const lines = new Map((await stock.linesOfOrders(trx, [orderId])).map((l) => [l.id, l.sku]));
  await settleStockInTransaction(
    store,
    trx,
    { orders: [{ orderId, intent: { kind: 'release', reason: 'lines changed' } }], serveWaiting: false },
    meta,
  );
  return held.map((r) => ({
    platformSku: lines.get(r.order_line_id) ?? '',
    sku: r.sku,
    warehouseId: r.warehouse_id,
    quantity: r.quantity,
  }));
}

/** After the lines were replaced: re-plan the order (a partially shipped one keeps what it held, as far as still needed). */
export async function settleAfterLineChange(
  store: Store,
  trx: Transaction<Database>,
  orderId: number,
  held: HeldUnits[],
  meta: StockMeta,
): Promise<SettleReport> {
  const head = (await stock.lockOrderHeads(trx, [orderId], 'none'))[0];
  const intent: SettleIntent = head?.status === 'partially_shipped' ? { kind: 'carry', held } : { kind: 'settle' };
  return settleStockInTransaction(
    store,
    trx,
    { orders: [{ orderId, intent }], alsoServe: [...new Set(held.map((h) => h.sku))] },
    meta,
  );
}

/** Shipping consumes what the order reserved: all of it, or the given units of some lines (a partial parcel). */
async function consumeOrderStockInTransaction(
  store: Store,
  trx: Transaction<Database>,
  orderId: number,
  items: ConsumeItem[] | undefined,
  meta: StockMeta,
): Promise<SettleReport> {
  return settleStockInTransaction(
    store,
    trx,
    { orders: [{ orderId, intent: { kind: 'consume', ...(items ? { items } : {}) } }] },
    meta,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Use cases with their own transaction

export async function consumeOrderStock(
  ctx: AppContext,
  orderId: number,
  items: ConsumeItem[] | undefined,
  actor: string,
): Promise<SettleReport> {
  return inRetriedTransaction(ctx.store.db, (trx) =>
    consumeOrderStockInTransaction(ctx.store, trx, orderId, items, { now: ctx.now(), actor }),
  );
}

/** Reserves for a batch of orders in one transaction (what an import or a sync batch does). */
export async function reserveOrders(
  ctx: AppContext,
  orderIds: readonly number[],
  actor: string,
): Promise<SettleReport> {
  return inRetriedTransaction(ctx.store.db, (trx) =>
    settleOrdersStock(ctx.store, trx, orderIds, { now: ctx.now(), actor }),
  );
}

/**
 * Settles every open order that holds nothing (accepted before its SKUs were in the catalogue) and retries
 * every waiting order, in batches, the earliest deadline first within a batch. A sweep: safe to run any time.
 */
export async function settleOpenOrders(ctx: AppContext, actor: string, batchSize = 500): Promise<SettleReport> {
  const total: SettleReport = { reserved: [], waiting: [], served: [], releasedUnits: 0, consumedUnits: 0, alerts: 0 };
  for (const source of [stock.unreservedOpenOrderIds, stock.waitingOrderIds]) {
    let after = 0;
    for (;;) {
      const ids = await source(ctx.store.db, batchSize, after);
      if (ids.length === 0) break;
      after = ids[ids.length - 1]!;
      const r = await reserveOrders(ctx, ids, actor);
      total.reserved.push(...r.reserved);
      total.served.push(...r.served);
      total.alerts += r.alerts;
      total.releasedUnits += r.releasedUnits;
      total.consumedUnits += r.consumedUnits;
    }
  }
  const reserved = new Set(total.reserved);
  total.waiting = (await stock.waitingOrderIds(ctx.store.db, 1_000_000)).filter((id) => !reserved.has(id));
  return total;
}
