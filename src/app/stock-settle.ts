/**
 * The stock settle: one engine, `settleStockInTransaction`, makes the stock agree with a set of orders and applies
 * stock changes, in the caller's transaction (the order transition's `settle_stock` hook, order-hooks.ts; stock
 * receipts, imports and adjustments, stock.ts and import-stock.ts). Three named phases:
 *
 *  1. load demand — the orders, locked first; what they hold, lack and need; the waiters whose stock may grow;
 *     then every stock row this touches, locked in one ordered statement (store/stock.ts);
 *  2. plan, in core (core/stock-settle-plan.ts, pure) — against the locked rows, in memory: releases, consumptions,
 *     changes (refused below what is reserved), reservations in deadline order, shortfalls, transitions;
 *  3. write — each stock row once with the conditional UPDATE, and the rest in one statement on PostgreSQL
 *     (store/stock-bulk.ts); every change of on_hand or reserved writes a ledger row; low-stock alerts.
 *
 * What it remembers between calls (the catalogue is not empty; the warehouses' next cut-offs) is the store's memo
 * (`store.memo`), passed with the store: no module state.
 */
import type { Transaction } from 'kysely';
import { localized } from '../core/i18n';
import {
  crossedLowStock,
  deadlineFirstStrategy,
  lineNeeds,
  nextCutoffAt,
  stockKey,
  type SkuComponent,
  type WarehouseKind,
  type WarehouseView,
} from '../core/inventory';
import {
  emptySettleReport,
  group,
  needsDemand,
  sortSettlingOrders,
  type Demand,
  type SettleIntent,
} from '../core/stock-settle';
import { planSettlement, type SettlementInput, type SettlementPlan } from '../core/stock-settle-plan';
import { accountsOfShops } from '../store/accounts';
import type { Store, StoreMemo } from '../store/database';
import type { Database } from '../store/schema';
import * as stock from '../store/stock';
import { settlementReader, writeSettlement, type SettlementReader } from '../store/stock-bulk';
import { ConflictError } from './errors';
import { StockChangeRefused, type SettleReport, type SettleRequest } from './stock-settle-types';

export interface StockMeta {
  now: number;
  actor: string;
}

export async function settleStockInTransaction(
  store: Store,
  trx: Transaction<Database>,
  request: SettleRequest,
  meta: StockMeta,
): Promise<SettleReport> {
  const loaded = await loadDemand(store, trx, request, meta);
  if (!loaded) return emptySettleReport();
  const plan = planSettlement(loaded);
  return writePlan(store, trx, loaded, plan, meta);
}

// ---------------------------------------------------------------------------------------------------------
// 1. Load demand

type Loaded = SettlementInput & { original: ReadonlyMap<string, stock.LevelWithWarehouse> };

/** Everything the plan reads, locked: orders first, then stock rows. Undefined when there is nothing to settle. */
async function loadDemand(
  store: Store,
  trx: Transaction<Database>,
  request: SettleRequest,
  meta: StockMeta,
): Promise<Loaded | undefined> {
  const targets = request.orders ?? [];
  const changes = request.changes ?? [];
  if (targets.length === 0 && changes.length === 0) return undefined;
  // Nothing in the catalogue: nothing is tracked, so nothing can be held either (the common case of a shop
  // that does not manage stock in shipby costs one indexed read, then none once there is a SKU).
  if (changes.length === 0 && !store.memo.catalogueHasSkus) {
    if (await stock.catalogIsEmpty(trx)) return undefined;
    store.memo.catalogueHasSkus = true;
  }
  const postgres = store.dialect === 'postgres';

  // The orders, locked first; what they hold and lack; the lines of those whose demand counts.
  const intents = new Map<number, SettleIntent>();
  for (const t of targets) intents.set(t.orderId, t.intent ?? { kind: 'settle' });
  const read = settlementReader(store, trx);
  const heads = await read.settlingOrders([...intents.keys()], postgres ? 'wait' : 'none');
  const heldByOrder = group(
    await read.reservationsOfOrders(heads.filter((h) => h.held > 0).map((h) => h.id)),
    (r) => r.order_id,
  );
  const recordedShortfalls = group(
    await read.shortfallsOfOrders(heads.filter((h) => h.short > 0).map((h) => h.id)),
    (s) => s.order_id,
  );
  const demand = await demandOf(
    read,
    heads.filter((h) => needsDemand(h, intents.get(h.id)!)),
  );
  const sorted = sortSettlingOrders(heads, intents, heldByOrder, demand);

  // Orders waiting for SKUs whose free stock may grow: read now, locked again after the stock rows.
  const growing = new Set<string>(request.alsoServe ?? []);
  for (const r of sorted.toRelease) growing.add(r.res.sku);
  for (const c of changes) if (c.set !== undefined || (c.delta ?? 0) > 0) growing.add(c.sku);
  const serve = request.serveWaiting !== false && growing.size > 0;
  const { toRelease, toConsume, toPlan, toCarry } = sorted;
  const nothingToDo =
    !toRelease.length && !toConsume.length && !toPlan.length && !toCarry.length && !changes.length && !serve;
  if (nothingToDo && recordedShortfalls.size === 0) return undefined; // e.g. an order none of whose SKUs is stocked
  const targetIds = new Set(heads.map((h) => h.id));
  let waiters = serve
    ? (await stock.waitingOrdersNeeding(trx, [...growing], 'none')).filter((h) => !targetIds.has(h.id))
    : [];
  const waiterDemand = await demandOf(read, waiters);

  // Every stock row this touches, locked.
  const skus = new Set<string>();
  for (const head of toPlan) for (const n of demand.get(head.id)!.needs) skus.add(n.sku);
  for (const r of toRelease) skus.add(r.res.sku);
  for (const r of toConsume) skus.add(r.res.sku);
  for (const c of toCarry) for (const h of c.held) skus.add(h.sku);
  for (const c of changes) skus.add(c.sku);
  for (const d of waiterDemand.values()) for (const n of d.needs) skus.add(n.sku);
  if (changes.length)
    await stock.ensureStockLevels(
      trx,
      changes.map((c) => ({ warehouse_id: c.warehouseId, sku: c.sku })),
      meta.now,
    );
  const levels = await read.levelsWithWarehouses([...skus], postgres ? 'wait' : 'none');
  if (postgres && serve) {
    // Now that the rows are ours, take the waiters again, locked: ones that started waiting while we queued for
    // the rows are seen, ones another transaction holds are left to it (it will find this stock), and their
    // lines are read again under the lock. One that needs a row we did not lock waits for the next sweep.
    const locked = (await stock.waitingOrdersNeeding(trx, [...growing], 'skip')).filter((h) => !targetIds.has(h.id));
    waiterDemand.clear();
    for (const [id, d] of await demandOf(read, locked))
      if (d.needs.every((n) => skus.has(n.sku))) waiterDemand.set(id, d);
    waiters = locked.filter((h) => waiterDemand.has(h.id));
  }
  const waiterShortfalls = group(await read.shortfallsOfOrders(waiters.map((w) => w.id)), (s) => s.order_id);
  const accountOfShop = await accountsOfShops(
    trx,
    [...heads, ...waiters].map((h) => h.shop_id),
  );
  return {
    now: meta.now,
    actor: meta.actor,
    heads,
    sorted,
    demand,
    recordedShortfalls,
    changes,
    levels,
    views: warehouseViews(store.memo, levels, meta.now),
    waiters,
    waiterDemand,
    waiterShortfalls,
    accountOfShop,
    strategy: request.strategy ?? deadlineFirstStrategy,
    original: new Map(levels.map((l) => [stockKey(l.warehouse_id, l.sku), l])),
  };
}

/** Lines and their seller-SKU needs for some orders: the shop's mapping, else the SKU itself when it is a seller SKU. */
async function demandOf(read: SettlementReader, heads: readonly stock.OrderHead[]): Promise<Map<number, Demand>> {
  const demand = new Map<number, Demand>();
  if (heads.length === 0) return demand;
  const byOrder = group(await read.demandLines(heads.map((h) => h.id)), (l) => l.order_id);
  for (const head of heads) {
    const rows = byOrder.get(head.id) ?? [];
    const lines: Demand['lines'] = [];
    const components = new Map<string, SkuComponent[]>();
    for (const r of rows) {
      // A line appears once per component of its mapping (or once, unmapped).
      if (!lines.some((l) => l.id === r.id)) lines.push({ id: r.id, sku: r.sku, quantity: r.quantity });
      if (r.mapped_sku !== null) {
        const list = components.get(r.sku) ?? [];
        if (!list.some((c) => c.sku === r.mapped_sku)) list.push({ sku: r.mapped_sku, units: r.units! });
        components.set(r.sku, list);
      } else if (r.own_sku !== null) components.set(r.sku, [{ sku: r.own_sku, units: 1 }]);
    }
    const componentsOf = (platformSku: string) => components.get(platformSku);
    const { needs } = lineNeeds(
      lines.map((l) => ({ lineId: l.id, platformSku: l.sku, quantity: l.quantity })),
      componentsOf,
    );
    demand.set(head.id, { needs, lines, componentsOf });
  }
  return demand;
}

/** The warehouses that stock any of these SKUs (one without a row for them has none to give), with their cut-off. */
function warehouseViews(memo: StoreMemo, levels: readonly stock.LevelWithWarehouse[], now: number): WarehouseView[] {
  const views: WarehouseView[] = [];
  for (const l of levels) {
    if (views.some((v) => v.warehouse.id === l.warehouse_id)) continue;
    views.push({
      warehouse: {
        id: l.warehouse_id,
        name: l.name,
        kind: l.kind as WarehouseKind,
        country: l.country,
        timeZone: l.time_zone,
        cutoffTime: l.cutoff_time,
        accountId: l.account_id,
      },
      nextCutoffAt: cutoffAfter(memo, now, l.time_zone, l.cutoff_time),
    });
  }
  return views;
}

/** nextCutoffAt, remembered in the store's memo: the next cut-off stays the same until it has passed. */
function cutoffAfter(memo: StoreMemo, now: number, timeZone: string, cutoffTime: string): number {
  const key = `${timeZone}|${cutoffTime}`;
  const known = memo.cutoffs.get(key);
  if (known && known.from <= now && now <= known.at) return known.at;
  const at = nextCutoffAt(now, timeZone, cutoffTime);
  memo.cutoffs.set(key, { from: now, at });
  return at;
}

// ---------------------------------------------------------------------------------------------------------
// 3. Write

/** Writes the plan while the rows are held (a refused change writes nothing), then the low-stock alerts. */
async function writePlan(
  store: Store,
  trx: Transaction<Database>,
  loaded: Loaded,
  plan: SettlementPlan,
  meta: StockMeta,
): Promise<SettleReport> {
  if (plan.refusals.length) {
    const refusals = [];
    for (const r of plan.refusals) {
      const holders = await stock.holdersOf(trx, r.warehouseId, r.sku);
      refusals.push({ ...r, holders: holders.map((h) => ({ ...h, quantity: Number(h.quantity) })) });
    }
    throw new StockChangeRefused(refusals);
  }
  const { written, moved } = await writeSettlement(store, trx, {
    now: meta.now,
    deleteReservations: plan.deleteReservations,
    partlyConsumed: plan.partlyConsumed,
    reservations: plan.reservations,
    movements: plan.movements,
    events: plan.events,
    clearShortfalls: plan.clearShortfalls,
    shortfalls: plan.shortfalls,
    transitions: plan.transitions,
    deltas: plan.deltas,
  });
  if (written.length !== plan.deltas.length) {
    // Cannot happen while the rows are locked; if it does, the transaction rolls back rather than oversell.
    throw new ConflictError(
      'stock.changed',
      localized('the stock changed while it was being reserved; try again.', '预留期间库存发生了变化，请重试。'),
    );
  }
  if (moved.some((n, k) => n !== plan.transitions[k]!.ids.length)) {
    throw new ConflictError(
      'order.version',
      localized('an order changed while its stock was settled; try again.', '处理库存期间订单发生了变化，请重试。'),
    );
  }
  const alerts = [];
  for (const w of written) {
    const o = loaded.original.get(stockKey(w.warehouse_id, w.sku))!;
    const before = o.on_hand - o.reserved;
    const after = w.on_hand - w.reserved;
    if (crossedLowStock(before, after, w.low_stock_threshold)) {
      alerts.push({
        at: meta.now,
        kind: after <= 0 ? 'out_of_stock' : 'low_stock',
        warehouse_id: w.warehouse_id,
        sku: w.sku,
        available: after,
        threshold: w.low_stock_threshold,
        data: JSON.stringify({ on_hand: w.on_hand, reserved: w.reserved, available_before: before }),
      });
    }
  }
  await stock.insertAlerts(trx, alerts);
  return { ...plan.report, alerts: alerts.length };
}
