/**
 * The stock settle's plan, pure (phase 2 of app/stock-settle.ts, between loading the demand and writing): against a
 * snapshot of the locked stock rows, the rows as they will be, the reservations, ledger movements, shortfalls, order
 * transitions and timeline rows. No I/O and no clock: `now` and the actor are passed in.
 */
import {
  Availability,
  byDeadline,
  describeShortfalls,
  placeOrders,
  stockKey,
  type LineNeed,
  type OrderDemand,
  type Placement,
  type WarehouseStrategy,
  type WarehouseView,
} from './inventory';
import { orderMachine, type OrderAction, type OrderState } from './order';
import { decide } from './state-machine';
import {
  emptySettleReport,
  group,
  type Demand,
  type LevelRow,
  type RecordedShortfall,
  type SettleHead,
  type SettleReport,
  type SortedOrders,
  type StockChange,
} from './stock-settle';
import { timelineEvent, type PlannedEvent } from './timeline';

export interface SettlementInput {
  now: number;
  actor: string;
  heads: readonly SettleHead[];
  sorted: SortedOrders;
  demand: ReadonlyMap<number, Demand>;
  recordedShortfalls: ReadonlyMap<number, readonly RecordedShortfall[]>;
  changes: readonly StockChange[];
  /** Every stock row touched, locked, and the warehouses that stock them. */
  levels: readonly LevelRow[];
  views: readonly WarehouseView[];
  /** Orders waiting for SKUs whose free stock may grow, with their lines and recorded shortfalls. */
  waiters: readonly SettleHead[];
  waiterDemand: ReadonlyMap<number, Demand>;
  waiterShortfalls: ReadonlyMap<number, readonly RecordedShortfall[]>;
  /** The account of each shop: an order reserves only in its own account's warehouses (issue 19). */
  accountOfShop: ReadonlyMap<string, string>;
  strategy: WarehouseStrategy;
}

export interface NewMovementRow {
  at: number;
  warehouse_id: string;
  sku: string;
  kind: string;
  on_hand_delta: number;
  reserved_delta: number;
  reason: string | null;
  order_id: number | null;
  purchase_order_id: number | null;
  actor: string;
  note: string | null;
}

export interface NewReservationRow {
  order_id: number;
  order_line_id: number;
  warehouse_id: string;
  sku: string;
  quantity: number;
  created_at: number;
}

export interface NewShortfallRow extends RecordedShortfall {
  order_id: number;
  recorded_at: number;
}

/** A change that would leave less on hand than is reserved (or below zero). */
export interface PlannedRefusal {
  warehouseId: string;
  sku: string;
  row?: number;
  onHandAfter: number;
  reserved: number;
}

export interface SettlementPlan {
  /** The report as planned (`alerts` is counted when written). */
  report: SettleReport;
  /** Refused changes: nothing is to be written when there is one. */
  refusals: PlannedRefusal[];
  deleteReservations: number[];
  partlyConsumed: Array<{ id: number; quantity: number }>;
  reservations: NewReservationRow[];
  movements: NewMovementRow[];
  events: PlannedEvent[];
  clearShortfalls: number[];
  shortfalls: NewShortfallRow[];
  transitions: Array<{ from: string; to: string; ids: number[] }>;
  /** Net change per stock row (and a new low-stock threshold). */
  deltas: Array<{ warehouse_id: string; sku: string; on_hand: number; reserved: number; low_stock_threshold?: number }>;
}

function sameShortfalls(a: readonly RecordedShortfall[], b: readonly RecordedShortfall[]): boolean {
  if (a.length !== b.length) return false;
  const key = (s: RecordedShortfall) => `${s.sku}\u0001${s.warehouse_id}\u0001${s.needed}\u0001${s.missing}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((k, i) => k === right[i]);
}

function toDemand(head: SettleHead, needs: LineNeed[], accountOfShop: ReadonlyMap<string, string>): OrderDemand {
  // An order reserves only in its own account's warehouses (issue 19); a shop of no known account, in none.
  return {
    orderId: head.id,
    shipByAt: head.ship_by_at,
    buyerCountry: head.buyer_country,
    needs,
    accountId: accountOfShop.get(head.shop_id) ?? '',
  };
}

/**
 * The settlement against the locked rows: releases and consumptions first, then the stock changes (refused when
 * they would go below what is reserved), then the orders to plan in their deadline order, the carried ones, and the
 * waiters in theirs; then the net change of each stock row.
 */
export function planSettlement(input: SettlementInput): SettlementPlan {
  const { now, actor, sorted, demand } = input;
  const report = emptySettleReport();
  const plan: SettlementPlan = {
    report,
    refusals: [],
    deleteReservations: [],
    partlyConsumed: [],
    reservations: [],
    movements: [],
    events: [],
    clearShortfalls: [],
    shortfalls: [],
    transitions: [],
    deltas: [],
  };
  // The rows as they will be, in memory.
  const original = new Map(input.levels.map((l) => [stockKey(l.warehouse_id, l.sku), l]));
  const current = new Map(
    input.levels.map((l) => [stockKey(l.warehouse_id, l.sku), { on_hand: l.on_hand, reserved: l.reserved }]),
  );
  const thresholds = new Map<string, number>();
  const level = (warehouseId: string, sku: string) => {
    const row = current.get(stockKey(warehouseId, sku));
    if (!row) throw new Error(`stock row ${warehouseId}/${sku} missing for a reservation that names it`);
    return row;
  };
  const movement = (m: Omit<NewMovementRow, 'at' | 'actor'>) => plan.movements.push({ at: now, actor, ...m });

  for (const { res, reason } of sorted.toRelease) {
    level(res.warehouse_id, res.sku).reserved -= res.quantity;
    plan.deleteReservations.push(res.id);
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
  for (const { res, units } of sorted.toConsume) {
    if (units <= 0) continue;
    const row = level(res.warehouse_id, res.sku);
    row.on_hand -= units;
    row.reserved -= units;
    if (units >= res.quantity) plan.deleteReservations.push(res.id);
    else plan.partlyConsumed.push({ id: res.id, quantity: res.quantity - units });
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

  for (const c of input.changes) {
    const row = level(c.warehouseId, c.sku);
    const next = c.set ?? row.on_hand + (c.delta ?? 0);
    if (next < row.reserved) {
      plan.refusals.push({
        warehouseId: c.warehouseId,
        sku: c.sku,
        ...(c.row !== undefined ? { row: c.row } : {}),
        onHandAfter: next,
        reserved: row.reserved,
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
  if (plan.refusals.length) return plan;

  // The orders settled first (their deadline order), then the waiters (theirs).
  const available = new Availability();
  for (const [key, row] of current) {
    const o = original.get(key)!;
    available.set(o.warehouse_id, o.sku, row.on_hand - row.reserved);
  }
  const transitions = new Map<string, number[]>(); // "from\u0001to" → order ids

  const transition = (head: SettleHead, action: OrderAction, reason: string, data: unknown) => {
    const decision = decide(orderMachine, head.status as OrderState, action, {});
    if (!decision.ok) throw new Error(`stock: ${decision.message.en}`);
    const key = `${decision.from}\u0001${decision.to}`;
    const list = transitions.get(key) ?? [];
    list.push(head.id);
    transitions.set(key, list);
    plan.events.push(
      timelineEvent({
        orderId: head.id,
        at: now,
        actor,
        kind: 'transition',
        action,
        from: decision.from,
        to: decision.to,
        reason,
        data: JSON.stringify(data),
      }),
    );
  };
  const reserveItems = (head: SettleHead, warehouseId: string, items: readonly LineNeed[]) => {
    const bySku = new Map<string, number>();
    for (const item of items) {
      plan.reservations.push({
        order_id: head.id,
        order_line_id: item.lineId,
        warehouse_id: warehouseId,
        sku: item.sku,
        quantity: item.quantity,
        created_at: now,
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

  const apply = (head: SettleHead, placement: Placement, recorded: readonly RecordedShortfall[], served: boolean) => {
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
      if (recorded.length) plan.clearShortfalls.push(head.id);
      report.reserved.push(head.id);
      if (served) report.served.push(head.id);
    } else if (placement.kind === 'wait') {
      const rows = placement.shortfalls.map((s) => ({
        order_id: head.id,
        sku: s.sku,
        warehouse_id: placement.warehouseId,
        needed: s.needed,
        missing: s.missing,
        recorded_at: now,
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
        plan.events.push(
          timelineEvent({
            orderId: head.id,
            at: now,
            actor,
            kind: 'stock_short',
            reason: text,
            data: JSON.stringify(data),
          }),
        );
      if (changed) {
        if (recorded.length) plan.clearShortfalls.push(head.id);
        plan.shortfalls.push(...rows);
      }
      report.waiting.push(head.id);
    } else {
      if (head.status === 'awaiting_stock')
        transition(head, 'reserve_stock', 'no item of the order is stocked in shipby', { untracked: true });
      if (recorded.length) plan.clearShortfalls.push(head.id);
    }
  };

  const planned = sorted.toPlan
    .map((head) => toDemand(head, demand.get(head.id)!.needs, input.accountOfShop))
    .sort(byDeadline);
  const headById = new Map(input.heads.map((h) => [h.id, h]));
  for (const placement of placeOrders(planned, input.views, available, input.strategy)) {
    apply(headById.get(placement.orderId)!, placement, input.recordedShortfalls.get(placement.orderId) ?? [], false);
  }
  for (const { head, held } of sorted.toCarry) {
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
  for (const head of input.heads) {
    if (head.status !== 'awaiting_stock' && !sorted.toPlan.includes(head) && input.recordedShortfalls.has(head.id))
      plan.clearShortfalls.push(head.id);
  }
  const waiting = input.waiters
    .map((h) => toDemand(h, input.waiterDemand.get(h.id)!.needs, input.accountOfShop))
    .sort(byDeadline);
  const waiterById = new Map(input.waiters.map((h) => [h.id, h]));
  for (const placement of placeOrders(waiting, input.views, available, input.strategy)) {
    apply(waiterById.get(placement.orderId)!, placement, input.waiterShortfalls.get(placement.orderId) ?? [], true);
  }

  // The net change of each stock row.
  for (const [key, row] of current) {
    const o = original.get(key)!;
    const threshold = thresholds.get(key);
    const thresholdChanged = threshold !== undefined && threshold !== o.low_stock_threshold;
    if (row.on_hand !== o.on_hand || row.reserved !== o.reserved || thresholdChanged) {
      plan.deltas.push({
        warehouse_id: o.warehouse_id,
        sku: o.sku,
        on_hand: row.on_hand - o.on_hand,
        reserved: row.reserved - o.reserved,
        ...(thresholdChanged ? { low_stock_threshold: threshold } : {}),
      });
    }
  }
  plan.transitions = [...transitions].map(([key, ids]) => {
    const [from, to] = key.split('\u0001') as [string, string];
    return { from, to, ids };
  });
  return plan;
}
