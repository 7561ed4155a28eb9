/**
 * When an order waiting for stock can expect it: the units on order (placed purchase orders, each with its expected
 * date) are given to the waiting orders the way receiving serves them — per SKU and warehouse, the earliest
 * deadline first, from the purchase order expected first. An order's stock is expected when the last of its
 * missing SKUs is; null when some SKU is not covered by what is on order (or its purchase order has no date).
 */
export interface WaitingNeed {
  orderId: number;
  shipByAt: number | null;
  sku: string;
  /** The warehouse it waits on; null when no warehouse stocks the SKU (then any warehouse's purchase order serves). */
  warehouseId: string | null;
  missing: number;
}

export interface IncomingLine {
  purchaseOrderId: number;
  warehouseId: string;
  sku: string;
  quantity: number;
  expectedAt: number | null;
}

export interface StockExpectation {
  skus: string[];
  expectedAt: number | null;
}

const FAR = Number.MAX_SAFE_INTEGER;

export function expectedStock(
  needs: readonly WaitingNeed[],
  incoming: readonly IncomingLine[],
): Map<number, StockExpectation> {
  const lines = incoming
    .filter((l) => l.quantity > 0)
    .map((l) => ({ ...l, left: l.quantity }))
    .sort((a, b) => (a.expectedAt ?? FAR) - (b.expectedAt ?? FAR) || a.purchaseOrderId - b.purchaseOrderId);
  const ordered = needs
    .filter((n) => n.missing > 0)
    .sort((a, b) => (a.shipByAt ?? FAR) - (b.shipByAt ?? FAR) || a.orderId - b.orderId);
  const result = new Map<number, StockExpectation>();
  for (const need of ordered) {
    let missing = need.missing;
    let latest = 0;
    let undated = false;
    for (const line of lines) {
      if (missing === 0) break;
      if (
        line.left === 0 ||
        line.sku !== need.sku ||
        (need.warehouseId !== null && line.warehouseId !== need.warehouseId)
      )
        continue;
      const take = Math.min(missing, line.left);
      line.left -= take;
      missing -= take;
      if (line.expectedAt === null) undated = true;
      else latest = Math.max(latest, line.expectedAt);
    }
    const covered = missing === 0 && !undated;
    const entry = result.get(need.orderId) ?? { skus: [], expectedAt: 0 };
    if (!entry.skus.includes(need.sku)) entry.skus.push(need.sku);
    entry.expectedAt = !covered || entry.expectedAt === null ? null : Math.max(entry.expectedAt, latest);
    result.set(need.orderId, entry);
  }
  return result;
}
