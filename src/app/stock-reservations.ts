/**
 * Reservations: one engine, `settleStockInTransaction`, makes the stock agree with a set of orders and applies
 * stock changes, in the caller's transaction.
 *
 *  - an order entering awaiting_shipment (accepted, or imported in that state) reserves its whole demand from
 *    one warehouse chosen by the WarehouseStrategy, or moves to awaiting_stock with what is missing;
 *  - cancelled / closed orders release; shipped orders consume; changed lines re-plan;
 *  - stock that grows (receipt, import, adjustment, release) serves the orders waiting for it, the earliest
 *    deadline first, in the same transaction.
 *
 * It locks the orders first, then every stock row it needs in one ordered statement (store/stock.ts), plans in
 * memory against the locked rows, and writes each stock row once with the conditional UPDATE. Every change of
 * on_hand or reserved writes a ledger row.
 */
import type { Transaction } from 'kysely';
import { localized } from '../core/i18n';
import {
  Availability,
  byDeadline,
  crossedLowStock,
  deadlineFirstStrategy,
  describeShortfalls,
  lineNeeds,
  nextCutoffAt,
  placeOrders,
  sameNeeds,
  stockKey,
  type LineNeed,
  type OrderDemand,
  type Placement,
  type SkuComponent,
  type WarehouseKind,
  type WarehouseStrategy,
  type WarehouseView,
} from '../core/inventory';
import { orderMachine, type OrderAction, type OrderState } from '../core/order';
import { decide } from '../core/state-machine';
import type { Store } from '../store/database';
import type { Database, NewOrderEventRow } from '../store/schema';
import type { StockReservationRow } from '../store/schema-stock';
import * as stock from '../store/stock';
import { accountsOfShops } from '../store/accounts';
import { settlementReader, writeSettlement, type SettlementReader } from '../store/stock-bulk';
import { inRetriedTransaction } from '../store/transaction-retry';
import type { AppContext } from './context';
import { ConflictError } from './errors';
import {
  StockChangeRefused,
  type ConsumeItem,
  type HeldUnits,
  type SettleIntent,
  type SettleReport,
  type SettleRequest,
  type StockRefusal,
} from './stock-settle-types';
import { timelineEvent } from '../core/timeline';

// What a settlement is asked and answers, and the refusal of a stock change, live in stock-settle-types.ts.
export * from './stock-settle-types';

export interface StockMeta {
  now: number;
  actor: string;
}

const strategies = new WeakMap<Store, WarehouseStrategy>();
const nonEmptyCatalogues = new WeakSet<Store>();

/** nextCutoffAt, remembered: the next cut-off stays the same until it has passed (luxon is slow on the hot path). */
const cutoffs = new Map<string, { from: number; at: number }>();
function cutoffAfter(now: number, timeZone: string, cutoffTime: string): number {
  const key = `${timeZone}|${cutoffTime}`;
  const known = cutoffs.get(key);
  if (known && known.from <= now && now <= known.at) return known.at;
  const at = nextCutoffAt(now, timeZone, cutoffTime);
  cutoffs.set(key, { from: now, at });
  return at;
}

/** Units of an order line that left in a parcel (marketplace units, as on the line). */
interface Demand {
  needs: LineNeed[];
  lines: Array<{ id: number; sku: string; quantity: number }>;
  componentsOf: (platformSku: string) => readonly SkuComponent[] | undefined;
}

const STOCK_STATES: readonly string[] = ['awaiting_shipment', 'awaiting_stock'];
const CONSUMED_STATES: readonly string[] = ['shipped', 'in_transit', 'delivered', 'completed'];
const RELEASED_STATES: readonly string[] = ['new', 'cancelled', 'closed_unfulfilled'];

/** Lines and their seller-SKU needs for some orders: the shop's mapping, else the SKU itself when it is a seller SKU. */
async function loadDemand(read: SettlementReader, heads: readonly stock.OrderHead[]): Promise<Map<number, Demand>> {
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

function toDemand(head: stock.OrderHead, needs: LineNeed[], accountOfShop: ReadonlyMap<string, string>): OrderDemand {
  // An order reserves only in its own account's warehouses (issue 19); a shop of no known account, in none.
  return {
    orderId: head.id,
    shipByAt: head.ship_by_at,
    buyerCountry: head.buyer_country,
    needs,
    accountId: accountOfShop.get(head.shop_id) ?? '',
  };
}

function group<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

function sameShortfalls(
  a: ReadonlyArray<{ sku: string; warehouse_id: string | null; needed: number; missing: number }>,
  b: typeof a,
): boolean {
  if (a.length !== b.length) return false;
  const key = (s: (typeof a)[number]) => `${s.sku}\u0001${s.warehouse_id}\u0001${s.needed}\u0001${s.missing}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((k, i) => k === right[i]);
}

export async function settleStockInTransaction(
  store: Store,
  trx: Transaction<Database>,
  request: SettleRequest,
  meta: StockMeta,
): Promise<SettleReport> {
  const report: SettleReport = { reserved: [], waiting: [], served: [], releasedUnits: 0, consumedUnits: 0, alerts: 0 };
  const targets = request.orders ?? [];
  const changes = request.changes ?? [];
  if (targets.length === 0 && changes.length === 0) return report;
  // Nothing in the catalogue: nothing is tracked, so nothing can be held either (the common case of a shop
  // that does not manage stock in shipby costs one indexed read).
  if (changes.length === 0 && !nonEmptyCatalogues.has(store)) {
    if (await stock.catalogIsEmpty(trx)) return report;
    nonEmptyCatalogues.add(store); // SKUs are never deleted: once there is one, there always is
  }
  const postgres = store.dialect === 'postgres';
  const strategy = strategies.get(store) ?? deadlineFirstStrategy;

  // 1. The orders, locked first.
  const intents = new Map<number, SettleIntent>();
  for (const t of targets) intents.set(t.orderId, t.intent ?? { kind: 'settle' });
  const read = settlementReader(store, trx);
  const heads = await read.settlingOrders([...intents.keys()], postgres ? 'wait' : 'none');
  const headIds = heads.map((h) => h.id);
  const heldByOrder = group(
    await read.reservationsOfOrders(heads.filter((h) => h.held > 0).map((h) => h.id)),
    (r) => r.order_id,
  );
  const recordedShortfalls = group(
    await read.shortfallsOfOrders(heads.filter((h) => h.short > 0).map((h) => h.id)),
    (s) => s.order_id,
  );
  const demandHeads = heads.filter((h) => {
    const intent = intents.get(h.id)!;
    return (
      intent.kind === 'carry' ||
      intent.kind === 'consume' ||
      (intent.kind === 'settle' && STOCK_STATES.includes(h.status))
    );
  });
  const demand = await loadDemand(read, demandHeads);

  // 2. What happens to each order.
  const toRelease: Array<{ res: StockReservationRow; reason: string }> = [];
  const toConsume: Array<{ res: StockReservationRow; units: number }> = [];
  const toPlan: stock.OrderHead[] = [];
  const toCarry: Array<{ head: stock.OrderHead; held: HeldUnits[] }> = [];
  for (const head of heads) {
    const intent = intents.get(head.id)!;
    const held = heldByOrder.get(head.id) ?? [];
    if (intent.kind === 'release') {
      for (const res of held) toRelease.push({ res, reason: intent.reason });
    } else if (intent.kind === 'consume') {
      if (!intent.items) for (const res of held) toConsume.push({ res, units: res.quantity });
      else {
        const d = demand.get(head.id)!;
        for (const item of intent.items) {
          const line = d.lines.find((l) => l.id === item.lineId);
          if (!line) continue;
          for (const c of d.componentsOf(line.sku) ?? []) {
            const res = held.find((r) => r.order_line_id === line.id && r.sku === c.sku);
            if (res) toConsume.push({ res, units: Math.min(res.quantity, item.quantity * c.units) });
          }
        }
      }
    } else if (intent.kind === 'carry') {
      for (const res of held) toRelease.push({ res, reason: 'lines changed' });
      toCarry.push({ head, held: intent.held });
    } else if (RELEASED_STATES.includes(head.status)) {
      for (const res of held)
        toRelease.push({ res, reason: head.status === 'new' ? 'order back in review' : head.status });
    } else if (CONSUMED_STATES.includes(head.status)) {
      for (const res of held) toConsume.push({ res, units: res.quantity });
    } else if (head.status === 'awaiting_shipment') {
      const heldNeeds = held.map((r) => ({ lineId: r.order_line_id, sku: r.sku, quantity: r.quantity }));
      const oneWarehouse = new Set(held.map((r) => r.warehouse_id)).size <= 1;
      if (!(oneWarehouse && sameNeeds(heldNeeds, demand.get(head.id)!.needs))) {
        for (const res of held) toRelease.push({ res, reason: 're-planned' });
        toPlan.push(head);
      }
    } else if (head.status === 'awaiting_stock') {
      for (const res of held) toRelease.push({ res, reason: 're-planned' });
      toPlan.push(head);
    }
    // partially_shipped keeps what it holds for the parcels still to come.
  }

  // 3. Orders waiting for SKUs whose free stock may grow: read now, locked again after the stock rows.
  const growing = new Set<string>(request.alsoServe ?? []);
  for (const r of toRelease) growing.add(r.res.sku);
  for (const c of changes) if (c.set !== undefined || (c.delta ?? 0) > 0) growing.add(c.sku);
  const serve = request.serveWaiting !== false && growing.size > 0;
  const nothingToDo =
    !toRelease.length && !toConsume.length && !toPlan.length && !toCarry.length && !changes.length && !serve;
  if (nothingToDo && recordedShortfalls.size === 0) return report; // e.g. an order none of whose SKUs is stocked here
  const targetIds = new Set(headIds);
  let waiters = serve
    ? (await stock.waitingOrdersNeeding(trx, [...growing], 'none')).filter((h) => !targetIds.has(h.id))
    : [];
  const waiterDemand = await loadDemand(read, waiters);

  // 4. Every stock row this touches.
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
  // The warehouses that stock any of these SKUs: one without a row for them has none to give.
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
      nextCutoffAt: cutoffAfter(meta.now, l.time_zone, l.cutoff_time),
    });
  }
  if (postgres && serve) {
    // Now that the rows are ours, take the waiters again, locked: ones that started waiting while we queued for
    // the rows are seen, ones another transaction holds are left to it (it will find this stock), and their
    // lines are read again under the lock. One that needs a row we did not lock waits for the next sweep.
    const locked = (await stock.waitingOrdersNeeding(trx, [...growing], 'skip')).filter((h) => !targetIds.has(h.id));
    waiterDemand.clear();
    for (const [id, d] of await loadDemand(read, locked))
      if (d.needs.every((n) => skus.has(n.sku))) waiterDemand.set(id, d);
    waiters = locked.filter((h) => waiterDemand.has(h.id));
  }
  const waiterShortfalls = group(await read.shortfallsOfOrders(waiters.map((w) => w.id)), (s) => s.order_id);
  return settleAgainst(levels, waiters, waiterShortfalls);

  /** Steps 5–7, against the locked rows. */
  async function settleAgainst(
    levels: stock.LevelWithWarehouse[],
    waiters: stock.OrderHead[],
    waiterShortfalls: Map<number, Array<{ sku: string; warehouse_id: string | null; needed: number; missing: number }>>,
  ): Promise<SettleReport> {
    const report: SettleReport = {
      reserved: [],
      waiting: [],
      served: [],
      releasedUnits: 0,
      consumedUnits: 0,
      alerts: 0,
    };
    const accountOfShop = await accountsOfShops(
      trx,
      [...heads, ...waiters].map((h) => h.shop_id),
    );
    // 5. The rows as they will be, in memory.
    const original = new Map(levels.map((l) => [stockKey(l.warehouse_id, l.sku), l]));
    const current = new Map(
      levels.map((l) => [stockKey(l.warehouse_id, l.sku), { on_hand: l.on_hand, reserved: l.reserved }]),
    );
    const thresholds = new Map<string, number>();
    const level = (warehouseId: string, sku: string) => {
      const row = current.get(stockKey(warehouseId, sku));
      if (!row) throw new Error(`stock row ${warehouseId}/${sku} missing for a reservation that names it`);
      return row;
    };
    const movements: stock.NewMovement[] = [];
    const movement = (m: Omit<stock.NewMovement, 'at' | 'actor'>) =>
      movements.push({ at: meta.now, actor: meta.actor, ...m });
    const deletedReservations: number[] = [];

    for (const { res, reason } of toRelease) {
      level(res.warehouse_id, res.sku).reserved -= res.quantity;
      deletedReservations.push(res.id);
      movement({
        warehouse_id: res.warehouse_id,
        sku: res.sku,
        kind: 'release',
        on_hand_delta: 0,
        reserved_delta: -res.quantity,
        reason,
        order_id: res.order_id,
        purchase_order_id: null,
        note: null,
      });
      report.releasedUnits += res.quantity;
    }
    const partlyConsumed: Array<{ id: number; quantity: number }> = [];
    for (const { res, units } of toConsume) {
      if (units <= 0) continue;
      const row = level(res.warehouse_id, res.sku);
      row.on_hand -= units;
      row.reserved -= units;
      if (units >= res.quantity) deletedReservations.push(res.id);
      else partlyConsumed.push({ id: res.id, quantity: res.quantity - units });
      movement({
        warehouse_id: res.warehouse_id,
        sku: res.sku,
        kind: 'ship',
        on_hand_delta: -units,
        reserved_delta: -units,
        reason: 'shipped',
        order_id: res.order_id,
        purchase_order_id: null,
        note: null,
      });
      report.consumedUnits += units;
    }

    const refusals: StockRefusal[] = [];
    for (const c of changes) {
      const row = level(c.warehouseId, c.sku);
      const next = c.set ?? row.on_hand + (c.delta ?? 0);
      if (next < row.reserved) {
        refusals.push({
          warehouseId: c.warehouseId,
          sku: c.sku,
          row: c.row,
          onHandAfter: next,
          reserved: row.reserved,
          holders: [],
        });
        continue;
      }
      if (next !== row.on_hand) {
        movement({
          warehouse_id: c.warehouseId,
          sku: c.sku,
          kind: c.kind,
          on_hand_delta: next - row.on_hand,
          reserved_delta: 0,
          reason: c.reason,
          order_id: null,
          purchase_order_id: c.purchaseOrderId,
          note: c.note,
        });
        row.on_hand = next;
      }
      if (c.lowStockThreshold !== undefined) thresholds.set(stockKey(c.warehouseId, c.sku), c.lowStockThreshold);
    }
    if (refusals.length) {
      for (const r of refusals)
        r.holders = (await stock.holdersOf(trx, r.warehouseId, r.sku)).map((h) => ({
          ...h,
          quantity: Number(h.quantity),
        }));
      throw new StockChangeRefused(refusals);
    }

    // 6. Plan: the orders settled first (their deadline order), then the waiters (theirs).
    const available = new Availability();
    for (const [key, row] of current) {
      const o = original.get(key)!;
      available.set(o.warehouse_id, o.sku, row.on_hand - row.reserved);
    }
    const newReservations: stock.NewReservation[] = [];
    const events: NewOrderEventRow[] = [];
    const transitions = new Map<string, number[]>(); // "from\u0001to" → order ids
    const clearShortfalls: number[] = [];
    const newShortfalls: Array<{
      order_id: number;
      sku: string;
      warehouse_id: string | null;
      needed: number;
      missing: number;
      recorded_at: number;
    }> = [];

    const transition = (head: stock.OrderHead, action: OrderAction, reason: string, data: unknown) => {
      const decision = decide(orderMachine, head.status as OrderState, action, {});
      if (!decision.ok) throw new Error(`stock: ${decision.message.en}`);
      const key = `${decision.from}\u0001${decision.to}`;
      const list = transitions.get(key) ?? [];
      list.push(head.id);
      transitions.set(key, list);
      events.push(
        timelineEvent({
          orderId: head.id,
          at: meta.now,
          actor: meta.actor,
          kind: 'transition',
          action,
          from: decision.from,
          to: decision.to,
          reason,
          data: JSON.stringify(data),
        }),
      );
    };
    const reserveItems = (head: stock.OrderHead, warehouseId: string, items: readonly LineNeed[]) => {
      const bySku = new Map<string, number>();
      for (const item of items) {
        newReservations.push({
          order_id: head.id,
          order_line_id: item.lineId,
          warehouse_id: warehouseId,
          sku: item.sku,
          quantity: item.quantity,
          created_at: meta.now,
        });
        bySku.set(item.sku, (bySku.get(item.sku) ?? 0) + item.quantity);
      }
      for (const [sku, quantity] of bySku) {
        level(warehouseId, sku).reserved += quantity;
        movement({
          warehouse_id: warehouseId,
          sku,
          kind: 'reserve',
          on_hand_delta: 0,
          reserved_delta: quantity,
          reason: null,
          order_id: head.id,
          purchase_order_id: null,
          note: null,
        });
      }
      return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
    };

    const apply = (
      head: stock.OrderHead,
      placement: Placement,
      recorded: ReadonlyArray<{ sku: string; warehouse_id: string | null; needed: number; missing: number }>,
      served: boolean,
    ) => {
      if (placement.kind === 'reserve') {
        const items = reserveItems(head, placement.warehouseId, placement.items);
        // A plain reservation is in the ledger (stock ledger --order); the timeline gets the change of state.
        if (head.status === 'awaiting_stock') {
          const text = `reserved ${items.map((i) => `${i.quantity} × ${i.sku}`).join(', ')} at ${placement.warehouseId}`;
          transition(head, 'reserve_stock', text, {
            warehouse: placement.warehouseId,
            items,
            meets_deadline: placement.meetsDeadline,
          });
        }
        if (recorded.length) clearShortfalls.push(head.id);
        report.reserved.push(head.id);
        if (served) report.served.push(head.id);
      } else if (placement.kind === 'wait') {
        const rows = placement.shortfalls.map((s) => ({
          order_id: head.id,
          sku: s.sku,
          warehouse_id: placement.warehouseId,
          needed: s.needed,
          missing: s.missing,
          recorded_at: meta.now,
        }));
        const data = {
          warehouse: placement.warehouseId,
          missing: placement.shortfalls.filter((s) => s.missing > 0),
          needs: placement.shortfalls,
        };
        const text = describeShortfalls(placement.shortfalls, placement.warehouseId).en;
        const changed = !sameShortfalls(recorded, rows);
        if (head.status === 'awaiting_shipment') transition(head, 'wait_for_stock', text, data);
        else if (changed)
          events.push(
            timelineEvent({
              orderId: head.id,
              at: meta.now,
              actor: meta.actor,
              kind: 'stock_short',
              reason: text,
              data: JSON.stringify(data),
            }),
          );
        if (changed) {
          if (recorded.length) clearShortfalls.push(head.id);
          newShortfalls.push(...rows);
        }
        report.waiting.push(head.id);
      } else {
        if (head.status === 'awaiting_stock')
          transition(head, 'reserve_stock', 'no item of the order is stocked in shipby', { untracked: true });
        if (recorded.length) clearShortfalls.push(head.id);
      }
    };

    const planned = toPlan.map((head) => toDemand(head, demand.get(head.id)!.needs, accountOfShop)).sort(byDeadline);
    const headById = new Map(heads.map((h) => [h.id, h]));
    for (const placement of placeOrders(planned, views, available, strategy)) {
      apply(headById.get(placement.orderId)!, placement, recordedShortfalls.get(placement.orderId) ?? [], false);
    }
    for (const { head, held } of toCarry) {
      // The parcels still to come keep the units they held, as far as the new lines still ask for them.
      const d = demand.get(head.id)!;
      const items: LineNeed[] = [];
      for (const h of held) {
        const line = d.lines.find((l) => l.sku === h.platformSku);
        const units = line ? (d.componentsOf(line.sku) ?? []).find((c) => c.sku === h.sku)?.units : undefined;
        if (!line || units === undefined) continue;
        const quantity = Math.min(h.quantity, line.quantity * units, available.get(h.warehouseId, h.sku));
        if (quantity <= 0) continue;
        available.take(h.warehouseId, h.sku, quantity);
        items.push({ lineId: line.id, sku: h.sku, quantity });
      }
      for (const [warehouseId, list] of group(items, (i) => held.find((h) => h.sku === i.sku)!.warehouseId))
        reserveItems(head, warehouseId, list);
    }
    for (const head of heads) {
      if (head.status !== 'awaiting_stock' && !toPlan.includes(head) && recordedShortfalls.has(head.id))
        clearShortfalls.push(head.id);
    }
    const waiting = waiters.map((h) => toDemand(h, waiterDemand.get(h.id)!.needs, accountOfShop)).sort(byDeadline);
    const waiterById = new Map(waiters.map((h) => [h.id, h]));
    for (const placement of placeOrders(waiting, views, available, strategy)) {
      apply(waiterById.get(placement.orderId)!, placement, waiterShortfalls.get(placement.orderId) ?? [], true);
    }

    // 7. Write it all while the rows are held: one statement on PostgreSQL (store/stock-bulk.ts).
    const deltas: stock.StockDelta[] = [];
    for (const [key, row] of current) {
      const o = original.get(key)!;
      const threshold = thresholds.get(key);
      const thresholdChanged = threshold !== undefined && threshold !== o.low_stock_threshold;
      if (row.on_hand !== o.on_hand || row.reserved !== o.reserved || thresholdChanged) {
        deltas.push({
          warehouse_id: o.warehouse_id,
          sku: o.sku,
          on_hand: row.on_hand - o.on_hand,
          reserved: row.reserved - o.reserved,
          ...(thresholdChanged ? { low_stock_threshold: threshold } : {}),
        });
      }
    }
    const transitionList = [...transitions].map(([key, ids]) => {
      const [from, to] = key.split('\u0001') as [string, string];
      return { from, to, ids };
    });
    const { written, moved } = await writeSettlement(store, trx, {
      now: meta.now,
      deleteReservations: deletedReservations,
      partlyConsumed,
      reservations: newReservations,
      movements,
      events,
      clearShortfalls,
      shortfalls: newShortfalls,
      transitions: transitionList,
      deltas,
    });
    if (written.length !== deltas.length) {
      // Cannot happen while the rows are locked; if it does, the transaction rolls back rather than oversell.
      throw new ConflictError(
        'stock.changed',
        localized('the stock changed while it was being reserved; try again.', '预留期间库存发生了变化，请重试。'),
      );
    }
    if (moved.some((n, k) => n !== transitionList[k]!.ids.length)) {
      throw new ConflictError(
        'order.version',
        localized('an order changed while its stock was settled; try again.', '处理库存期间订单发生了变化，请重试。'),
      );
    }
    const alerts = [];
    for (const w of written) {
      const o = original.get(stockKey(w.warehouse_id, w.sku))!;
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
    report.alerts = alerts.length;
    return report;
  }
}

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
