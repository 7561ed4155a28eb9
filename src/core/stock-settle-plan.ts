/**
 * The stock settle's plan, pure (phase 2 of app/stock-settle.ts, between loading the demand and writing): against a
 * snapshot of the locked stock rows, the rows as they will be, the reservations, ledger movements, shortfalls, order
 * transitions and timeline rows. No I/O and no clock: `now` and the actor are passed in. The rows as they will be and
 * the writes planned so far are kept in stock-settle-draft.ts.
 */
import {
  byDeadline,
  placeOrders,
  type LineNeed,
  type OrderDemand,
  type WarehouseStrategy,
  type WarehouseView,
} from './inventory';
import type {
  Demand,
  LevelRow,
  RecordedShortfall,
  SettleHead,
  SettleReport,
  SortedOrders,
  StockChange,
} from './stock-settle';
import { SettlementDraft } from './stock-settle-draft';
import type { PlannedEvent } from './timeline';

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
  const { sorted, demand } = input;
  const draft = new SettlementDraft(input.now, input.actor, input.levels);
  draft.releaseAndConsume(sorted);
  draft.applyStockChanges(input.changes);
  if (draft.plan.refusals.length) return draft.plan;

  // The orders settled first (their deadline order), then the waiters (theirs).
  const available = draft.availability();
  const planned = sorted.toPlan
    .map((head) => toDemand(head, demand.get(head.id)!.needs, input.accountOfShop))
    .sort(byDeadline);
  const headById = new Map(input.heads.map((h) => [h.id, h]));
  for (const placement of placeOrders(planned, input.views, available, input.strategy)) {
    const recorded = input.recordedShortfalls.get(placement.orderId) ?? [];
    draft.applyPlacement(headById.get(placement.orderId)!, placement, recorded, false);
  }
  for (const carried of sorted.toCarry) draft.carryHeld(carried, demand.get(carried.head.id)!, available);
  for (const head of input.heads) {
    if (head.status !== 'awaiting_stock' && !sorted.toPlan.includes(head) && input.recordedShortfalls.has(head.id))
      draft.plan.clearShortfalls.push(head.id);
  }
  const waiting = input.waiters
    .map((h) => toDemand(h, input.waiterDemand.get(h.id)!.needs, input.accountOfShop))
    .sort(byDeadline);
  const waiterById = new Map(input.waiters.map((h) => [h.id, h]));
  for (const placement of placeOrders(waiting, input.views, available, input.strategy)) {
    const recorded = input.waiterShortfalls.get(placement.orderId) ?? [];
    draft.applyPlacement(waiterById.get(placement.orderId)!, placement, recorded, true);
  }
  return draft.finish();
}
