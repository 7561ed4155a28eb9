/**
 * The stock settle, pure: what a settlement is asked (intents, stock changes) and answers, the rows it reads, and
 * what each order's held units become (released, consumed, re-planned, carried). The plan against the locked stock
 * rows is stock-settle-plan.ts; the phases that load and write are app/stock-settle.ts.
 */
import { sameNeeds, type LineNeed, type SkuComponent } from './inventory';

// ---------------------------------------------------------------------------------------------------------
// What a settlement is asked

export interface ConsumeItem {
  lineId: number;
  quantity: number;
}

/** What a partially shipped order held before its lines were replaced. */
export interface HeldUnits {
  platformSku: string;
  sku: string;
  warehouseId: string;
  quantity: number;
}

export type SettleIntent =
  /** Make the stock agree with the order's state (the default). */
  | { kind: 'settle' }
  | { kind: 'release'; reason: string }
  /** Shipping: all that is reserved, or the given units of some lines. */
  | { kind: 'consume'; items?: ConsumeItem[] }
  | { kind: 'carry'; held: HeldUnits[] };

export interface StockChange {
  warehouseId: string;
  sku: string;
  /** The counted quantity (stock import, stock-take) … */
  set?: number;
  /** … or a change (receipt, damage, found). */
  delta?: number;
  lowStockThreshold?: number;
  kind: 'import' | 'adjust' | 'receive';
  reason: string | null;
  note: string | null;
  purchaseOrderId: number | null;
  /** The file row, for the refusal. */
  row?: number;
}

export interface SettleReport {
  /** Orders that now hold their whole demand (targets and served waiters). */
  reserved: number[];
  /** Orders that wait for stock. */
  waiting: number[];
  /** Waiting orders this settlement served (a subset of `reserved`). */
  served: number[];
  releasedUnits: number;
  consumedUnits: number;
  alerts: number;
}

export function emptySettleReport(): SettleReport {
  return { reserved: [], waiting: [], served: [], releasedUnits: 0, consumedUnits: 0, alerts: 0 };
}

// ---------------------------------------------------------------------------------------------------------
// The rows it reads (as loaded, locked, by phase 1)

/** An order as stock sees it. */
export interface SettleHead {
  id: number;
  shop_id: string;
  status: string;
  ship_by_at: number | null;
  buyer_country: string;
}

/** A reservation an order holds. */
export interface HeldReservation {
  id: number;
  order_id: number;
  order_line_id: number;
  warehouse_id: string;
  sku: string;
  quantity: number;
}

/** A recorded shortfall of an order waiting for stock. */
export interface RecordedShortfall {
  sku: string;
  warehouse_id: string | null;
  needed: number;
  missing: number;
}

/** An order's lines and their seller-SKU needs. */
export interface Demand {
  needs: LineNeed[];
  lines: Array<{ id: number; sku: string; quantity: number }>;
  componentsOf: (platformSku: string) => readonly SkuComponent[] | undefined;
}

/** A stock row, locked. */
export interface LevelRow {
  warehouse_id: string;
  sku: string;
  on_hand: number;
  reserved: number;
  low_stock_threshold: number;
}

// ---------------------------------------------------------------------------------------------------------
// What happens to each order's held units

const STOCK_STATES: readonly string[] = ['awaiting_shipment', 'awaiting_stock'];
const CONSUMED_STATES: readonly string[] = ['shipped', 'in_transit', 'delivered', 'completed'];
const RELEASED_STATES: readonly string[] = ['new', 'cancelled', 'closed_unfulfilled'];

/** Whether the order's lines are needed to sort it (and to plan it). */
export function needsDemand(head: SettleHead, intent: SettleIntent): boolean {
  return (
    intent.kind === 'carry' ||
    intent.kind === 'consume' ||
    (intent.kind === 'settle' && STOCK_STATES.includes(head.status))
  );
}

export interface SortedOrders {
  toRelease: Array<{ res: HeldReservation; reason: string }>;
  toConsume: Array<{ res: HeldReservation; units: number }>;
  toPlan: SettleHead[];
  toCarry: Array<{ head: SettleHead; held: HeldUnits[] }>;
}

/** What happens to each order: its held units released, consumed, re-planned or carried. */
export function sortSettlingOrders(
  heads: readonly SettleHead[],
  intents: ReadonlyMap<number, SettleIntent>,
  heldByOrder: ReadonlyMap<number, readonly HeldReservation[]>,
  demand: ReadonlyMap<number, Demand>,
): SortedOrders {
  const sorted: SortedOrders = { toRelease: [], toConsume: [], toPlan: [], toCarry: [] };
  const { toRelease, toConsume, toPlan, toCarry } = sorted;
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
  return sorted;
}

/** Items by a key, in their order. */
export function group<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
