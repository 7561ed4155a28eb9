/**
 * Stock placement, pure: what an order needs in seller SKUs (bundles expanded), which warehouse serves it (a
 * replaceable strategy), and the allocation of a batch of orders in deadline order against a snapshot of what is
 * available. No I/O and no clock.
 */
import { localized, type Localized } from './i18n';
import type { Warehouse } from './warehouse';

// ---------------------------------------------------------------------------------------------------------
// What an order needs, in seller SKUs

/** One seller SKU inside a marketplace SKU; a bundle has several, or `units` > 1. */
export interface SkuComponent {
  sku: string;
  units: number;
}

export interface DemandLine {
  lineId: number;
  /** The marketplace SKU on the order line. */
  platformSku: string;
  quantity: number;
}

/** Units of one seller SKU that one order line needs. */
export interface LineNeed {
  lineId: number;
  sku: string;
  quantity: number;
}

/**
 * Expands order lines into seller-SKU needs. A line whose marketplace SKU maps to nothing is untracked:
 * the seller does not manage its stock in shipby, so it neither reserves nor blocks.
 */
export function lineNeeds(
  lines: readonly DemandLine[],
  componentsOf: (platformSku: string) => readonly SkuComponent[] | undefined,
): { needs: LineNeed[]; untracked: string[] } {
  const needs: LineNeed[] = [];
  const untracked: string[] = [];
  for (const line of lines) {
    const components = componentsOf(line.platformSku);
    if (!components || components.length === 0) {
      untracked.push(line.platformSku);
      continue;
    }
    for (const c of components) needs.push({ lineId: line.lineId, sku: c.sku, quantity: line.quantity * c.units });
  }
  return { needs, untracked };
}

export function needsBySku(needs: readonly LineNeed[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const n of needs) totals.set(n.sku, (totals.get(n.sku) ?? 0) + n.quantity);
  return totals;
}

/** Two lists of line needs are the same reservation (order-insensitive). */
export function sameNeeds(a: readonly LineNeed[], b: readonly LineNeed[]): boolean {
  if (a.length !== b.length) return false;
  const key = (n: LineNeed) => `${n.lineId}\u0001${n.sku}\u0001${n.quantity}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((k, i) => k === right[i]);
}

// ---------------------------------------------------------------------------------------------------------
// Availability and the warehouse strategy

export function stockKey(warehouseId: string | null, sku: string): string {
  return `${warehouseId}\u0001${sku}`;
}

/** What is free (on hand − reserved) per warehouse and SKU, as a batch is planned; taking is in memory only. */
export class Availability {
  private readonly free = new Map<string, number>();

  set(warehouseId: string, sku: string, available: number): void {
    this.free.set(stockKey(warehouseId, sku), available);
  }

  get(warehouseId: string, sku: string): number {
    return this.free.get(stockKey(warehouseId, sku)) ?? 0;
  }

  add(warehouseId: string, sku: string, units: number): void {
    this.set(warehouseId, sku, this.get(warehouseId, sku) + units);
  }

  take(warehouseId: string, sku: string, units: number): void {
    const left = this.get(warehouseId, sku) - units;
    if (left < 0)
      throw new Error(`allocation would take ${units} × ${sku} from ${warehouseId} with only ${left + units} free`);
    this.set(warehouseId, sku, left);
  }
}

export interface OrderDemand {
  orderId: number;
  shipByAt: number | null;
  buyerCountry: string | null;
  needs: readonly LineNeed[];
  /** The account of the order's shop: it reserves only in that account's warehouses (issue 19). */
  accountId?: string;
}

/** The warehouses an order may take stock from: those of its own account (all, for data that names no account). */
function warehousesOfOrder(order: OrderDemand, warehouses: readonly WarehouseView[]): readonly WarehouseView[] {
  if (order.accountId === undefined) return warehouses;
  return warehouses.filter((view) => view.warehouse.accountId === order.accountId);
}

/** A warehouse as the strategy sees it for one planning run: its next cut-off is computed once. */
export interface WarehouseView {
  warehouse: Warehouse;
  nextCutoffAt: number;
}

/** How far one warehouse can serve one order right now. */
export interface WarehouseFit {
  view: WarehouseView;
  coveredUnits: number;
  coversAll: boolean;
  meetsDeadline: boolean;
}

function warehouseFit(
  order: OrderDemand,
  totals: ReadonlyMap<string, number>,
  view: WarehouseView,
  available: Availability,
): WarehouseFit {
  let covered = 0;
  let all = true;
  for (const [sku, needed] of totals) {
    const free = available.get(view.warehouse.id, sku);
    covered += Math.min(needed, free);
    if (free < needed) all = false;
  }
  return {
    view,
    coveredUnits: covered,
    coversAll: all,
    meetsDeadline: order.shipByAt === null || view.nextCutoffAt <= order.shipByAt,
  };
}

/** Chooses the warehouse an order is served from (or waits on). Replaceable: the planner takes any. */
export interface WarehouseStrategy {
  readonly name: string;
  choose(order: OrderDemand, fits: readonly WarehouseFit[]): WarehouseFit | undefined;
}

/**
 * The default: a warehouse that can ship the whole order and make its deadline (its next cut-off is at or
 * before ship-by), preferring one in the buyer's country, then the earliest cut-off; if none can, the one
 * that holds the most of the order (then: whole, in time, earliest cut-off).
 */
export const deadlineFirstStrategy: WarehouseStrategy = {
  name: 'deadline-first',
  choose(order, fits) {
    const byCutoffThenId = (a: WarehouseFit, b: WarehouseFit) =>
      a.view.nextCutoffAt - b.view.nextCutoffAt ||
      (a.view.warehouse.id < b.view.warehouse.id ? -1 : a.view.warehouse.id > b.view.warehouse.id ? 1 : 0);
    const local = (f: WarehouseFit) =>
      order.buyerCountry !== null && f.view.warehouse.country === order.buyerCountry ? 0 : 1;
    const inTime = fits.filter((f) => f.coversAll && f.meetsDeadline);
    if (inTime.length) return [...inTime].sort((a, b) => local(a) - local(b) || byCutoffThenId(a, b))[0];
    return [...fits].sort(
      (a, b) =>
        b.coveredUnits - a.coveredUnits ||
        Number(b.coversAll) - Number(a.coversAll) ||
        Number(b.meetsDeadline) - Number(a.meetsDeadline) ||
        byCutoffThenId(a, b),
    )[0];
  },
};

export interface SkuShortfall {
  sku: string;
  needed: number;
  available: number;
  missing: number;
}

export type Placement =
  | { kind: 'reserve'; orderId: number; warehouseId: string; items: LineNeed[]; meetsDeadline: boolean }
  /** Waits for stock at `warehouseId` (null when no warehouse exists); `shortfalls` lists every SKU it needs. */
  | { kind: 'wait'; orderId: number; warehouseId: string | null; shortfalls: SkuShortfall[] }
  | { kind: 'untracked'; orderId: number };

/** Deadline order: the earliest ship-by first, unknown deadlines last, then by id. */
export function byDeadline<T extends { shipByAt: number | null; orderId: number }>(a: T, b: T): number {
  const da = a.shipByAt ?? Number.MAX_SAFE_INTEGER;
  const db = b.shipByAt ?? Number.MAX_SAFE_INTEGER;
  return da - db || a.orderId - b.orderId;
}

/**
 * Places orders one by one against `available`, taking what each reserved, so a batch never promises the
 * same unit twice. Orders are served in the order given (callers pass deadline order: `byDeadline`).
 * All or nothing per order: an order is reserved whole from one warehouse, or it waits and takes nothing.
 */
export function placeOrders(
  orders: readonly OrderDemand[],
  warehouses: readonly WarehouseView[],
  available: Availability,
  strategy: WarehouseStrategy = deadlineFirstStrategy,
): Placement[] {
  const placements: Placement[] = [];
  for (const order of orders) {
    if (order.needs.length === 0) {
      placements.push({ kind: 'untracked', orderId: order.orderId });
      continue;
    }
    const totals = needsBySku(order.needs);
    const fits = warehousesOfOrder(order, warehouses).map((view) => warehouseFit(order, totals, view, available));
    const chosen = strategy.choose(order, fits);
    if (chosen && chosen.coversAll) {
      for (const [sku, units] of totals) available.take(chosen.view.warehouse.id, sku, units);
      placements.push({
        kind: 'reserve',
        orderId: order.orderId,
        warehouseId: chosen.view.warehouse.id,
        items: [...order.needs],
        meetsDeadline: chosen.meetsDeadline,
      });
      continue;
    }
    const warehouseId = chosen?.view.warehouse.id ?? null;
    const shortfalls = [...totals].map(([sku, needed]) => {
      const free = warehouseId === null ? 0 : available.get(warehouseId, sku);
      return { sku, needed, available: free, missing: Math.max(0, needed - free) };
    });
    placements.push({ kind: 'wait', orderId: order.orderId, warehouseId, shortfalls });
  }
  return placements;
}

export function describeShortfalls(shortfalls: readonly SkuShortfall[], warehouseId: string | null): Localized {
  const missing = shortfalls.filter((s) => s.missing > 0);
  const en = missing.map((s) => `${s.missing} × ${s.sku}`).join(', ');
  const zh = missing.map((s) => `${s.sku} 缺 ${s.missing} 件`).join('，');
  return warehouseId === null
    ? localized(`waiting for stock: no warehouse holds ${en}.`, `等待库存：没有仓库存有这些商品（${zh}）。`)
    : localized(`waiting for stock at ${warehouseId}: short of ${en}.`, `等待 ${warehouseId} 仓库存：${zh}。`);
}
