/**
 * Shortages, pure: each SKU short at a warehouse, by how much, the orders it blocks and their deadlines, from the
 * needs of the orders waiting for stock and what is free and incoming. No I/O and no clock.
 */
import { stockKey } from './stock-placement';

/** One waiting order's need of one SKU (a recorded shortfall row with its order). */
export interface WaitingNeed {
  order_id: number;
  sku: string;
  warehouse_id: string | null;
  needed: number;
  missing: number;
  recorded_at: number;
  platform_order_id: string;
  shop_id: string;
  ship_by_at: number | null;
}

export interface Shortage {
  sku: string;
  /** Where the orders wait; null when no warehouse stocks the SKU at all. */
  warehouse_id: string | null;
  /** Units to bring in to serve every order waiting here: what they need minus what is free. */
  short_by: number;
  needed: number;
  available: number;
  incoming: number;
  earliest_ship_by_at: number | null;
  /** The orders this SKU blocks (they lack it), the earliest deadline first. */
  orders: Array<{
    order_id: number;
    platform_order_id: string;
    shop_id: string;
    ship_by_at: number | null;
    needed: number;
    missing: number;
  }>;
}

/**
 * The shortages, the earliest deadline first. `free` and `incoming` are keyed by `stockKey(warehouse, sku)`: what
 * is free (on hand − reserved) and on purchase orders placed.
 */
export function shortagesOf(
  needs: readonly WaitingNeed[],
  free: ReadonlyMap<string, number>,
  incoming: ReadonlyMap<string, number>,
): Shortage[] {
  const groups = new Map<string, Shortage>();
  for (const n of needs) {
    const k = stockKey(n.warehouse_id, n.sku);
    let g = groups.get(k);
    if (!g) {
      g = {
        sku: n.sku,
        warehouse_id: n.warehouse_id,
        short_by: 0,
        needed: 0,
        available: Math.max(0, free.get(k) ?? 0),
        incoming: incoming.get(k) ?? 0,
        earliest_ship_by_at: null,
        orders: [],
      };
      groups.set(k, g);
    }
    g.needed += n.needed;
    if (n.missing > 0)
      g.orders.push({
        order_id: n.order_id,
        platform_order_id: n.platform_order_id,
        shop_id: n.shop_id,
        ship_by_at: n.ship_by_at,
        needed: n.needed,
        missing: n.missing,
      });
  }
  const far = Number.MAX_SAFE_INTEGER;
  const result: Shortage[] = [];
  for (const g of groups.values()) {
    if (g.orders.length === 0) continue;
    g.short_by = Math.max(g.needed - g.available, Math.max(...g.orders.map((o) => o.missing)));
    g.orders.sort((a, b) => (a.ship_by_at ?? far) - (b.ship_by_at ?? far) || a.order_id - b.order_id);
    g.earliest_ship_by_at = g.orders[0]!.ship_by_at;
    result.push(g);
  }
  return result.sort(
    (a, b) =>
      (a.earliest_ship_by_at ?? far) - (b.earliest_ship_by_at ?? far) ||
      b.short_by - a.short_by ||
      (a.sku < b.sku ? -1 : 1),
  );
}

/** What the orders waiting at one warehouse need of one SKU, for the replenishment (a waiting order is a sale too). */
export interface Backlog {
  /** Units they need. */
  units: number;
  /** Of those, units of orders that began waiting since `windowStart` (the sales window). */
  unitsInWindow: number;
  /** The earliest ship-by among the orders that lack it. */
  earliest: number | null;
  /** Orders that lack it. */
  orders: number;
}

/** The backlog per `stockKey(warehouse, sku)`. */
export function backlogOf(waiting: readonly WaitingNeed[], windowStart: number): Map<string, Backlog> {
  const backlog = new Map<string, Backlog>();
  for (const w of waiting) {
    const k = stockKey(w.warehouse_id, w.sku);
    const b = backlog.get(k) ?? { units: 0, unitsInWindow: 0, earliest: null, orders: 0 };
    b.units += w.needed;
    // A waiting order is a sale too (it reserved nothing yet, so the ledger does not count it).
    if (w.recorded_at >= windowStart) b.unitsInWindow += w.needed;
    if (w.missing > 0) {
      b.orders++;
      if (w.ship_by_at !== null && (b.earliest === null || w.ship_by_at < b.earliest)) b.earliest = w.ship_by_at;
    }
    backlog.set(k, b);
  }
  return backlog;
}
