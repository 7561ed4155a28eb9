/**
 * What the stock screens read: stock levels with what is incoming and awaited, the ledger, the shortages and the
 * replenishment. The reads are store/stock-reads.ts; the arithmetic is pure (core/shortages.ts,
 * core/replenishment.ts).
 */
import {
  backlogOf,
  rankReplenishment,
  shortagesOf,
  stockKey,
  suggestReplenishment,
  type ReplenishmentLine,
  type Shortage,
} from '../core/inventory';
import { fieldIssue } from '../core/order-input';
import { DAY_MS } from '../core/time';
import * as stockReads from '../store/stock-reads';
import type { AppContext } from './context';
import { ValidationError } from './errors';

export type { Shortage } from '../core/inventory';

export async function listStock(ctx: AppContext, filter: stockReads.LevelFilter = {}) {
  const db = ctx.store.db;
  const [levels, incoming, waiting] = await Promise.all([
    stockReads.listStockLevels(db, filter),
    stockReads.incomingUnits(db),
    stockReads.waitingNeeds(db),
  ]);
  const incomingBy = new Map(incoming.map((i) => [stockKey(i.warehouse_id, i.sku), i.quantity]));
  const waitingBy = new Map<string, number>();
  for (const w of waiting)
    waitingBy.set(stockKey(w.warehouse_id, w.sku), (waitingBy.get(stockKey(w.warehouse_id, w.sku)) ?? 0) + w.needed);
  return levels.map((l) => ({
    warehouse_id: l.warehouse_id,
    sku: l.sku,
    name: l.name,
    on_hand: l.on_hand,
    reserved: l.reserved,
    available: l.on_hand - l.reserved,
    incoming: incomingBy.get(stockKey(l.warehouse_id, l.sku)) ?? 0,
    waiting: waitingBy.get(stockKey(l.warehouse_id, l.sku)) ?? 0,
    low_stock_threshold: l.low_stock_threshold,
    updated_at: l.updated_at,
  }));
}

export async function listLedger(ctx: AppContext, filter: stockReads.MovementFilter) {
  return stockReads.listMovements(ctx.store.db, filter);
}

/** Each SKU short, by how much, the orders it blocks and their deadlines; the earliest deadline first. */
export async function listShortages(ctx: AppContext): Promise<Shortage[]> {
  const db = ctx.store.db;
  const [needs, levels, incoming] = await Promise.all([
    stockReads.waitingNeeds(db),
    stockReads.listStockLevels(db),
    stockReads.incomingUnits(db),
  ]);
  const free = new Map(levels.map((l) => [stockKey(l.warehouse_id, l.sku), l.on_hand - l.reserved]));
  const incomingBy = new Map(incoming.map((i) => [stockKey(i.warehouse_id, i.sku), i.quantity]));
  return shortagesOf(needs, free, incomingBy);
}

export interface ReplenishmentOptions {
  windowDays?: number;
  /** Overrides of the SKUs' own planning days. */
  leadDays?: number;
  safetyDays?: number;
  cycleDays?: number;
  /** Every SKU and warehouse, not only those to order. */
  all?: boolean;
}

/** Replenishment per SKU and warehouse (core/replenishment.ts does the arithmetic), the deadlines at risk first. */
export async function replenishment(ctx: AppContext, options: ReplenishmentOptions = {}): Promise<ReplenishmentLine[]> {
  const windowDays = options.windowDays ?? 30;
  if (!(Number.isInteger(windowDays) && windowDays >= 1 && windowDays <= 365)) {
    throw new ValidationError([
      fieldIssue('window', 'the sales window must be 1 to 365 days.', '销量统计窗口须为 1–365 天。'),
    ]);
  }
  const db = ctx.store.db;
  const now = ctx.now();
  const [levels, incoming, waiting, sold] = await Promise.all([
    stockReads.listStockLevels(db),
    stockReads.incomingUnits(db),
    stockReads.waitingNeeds(db),
    stockReads.reservedFlowSince(db, now - windowDays * DAY_MS),
  ]);
  const incomingBy = new Map(incoming.map((i) => [stockKey(i.warehouse_id, i.sku), i.quantity]));
  const soldBy = new Map(sold.map((s) => [stockKey(s.warehouse_id, s.sku), s.units]));
  const backlog = backlogOf(waiting, now - windowDays * DAY_MS);
  const lines = levels.map((l) => {
    const k = stockKey(l.warehouse_id, l.sku);
    const b = backlog.get(k);
    return suggestReplenishment({
      sku: l.sku,
      warehouseId: l.warehouse_id,
      unitsSold: (soldBy.get(k) ?? 0) + (b?.unitsInWindow ?? 0),
      windowDays,
      leadDays: options.leadDays ?? l.lead_days,
      safetyDays: options.safetyDays ?? l.safety_days,
      cycleDays: options.cycleDays ?? l.cycle_days,
      onHand: l.on_hand,
      reserved: l.reserved,
      incoming: incomingBy.get(k) ?? 0,
      backlog: b?.units ?? 0,
      earliestBlockedDeadline: b?.earliest ?? null,
      blockedOrders: b?.orders ?? 0,
    });
  });
  const ranked = rankReplenishment(lines);
  return options.all ? ranked : ranked.filter((l) => l.suggest);
}
