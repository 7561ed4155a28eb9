/**
 * Replenishment, pure (BigSeller's rule, with the orders already waiting counted as demand on top): what each SKU
 * and warehouse should order, and the most urgent first. No I/O and no clock.
 */

export interface ReplenishmentInput {
  sku: string;
  warehouseId: string;
  /** Units sold from this warehouse over the window. */
  unitsSold: number;
  windowDays: number;
  leadDays: number;
  safetyDays: number;
  cycleDays: number;
  onHand: number;
  reserved: number;
  /** Units on purchase orders placed and not yet received. */
  incoming: number;
  /** Units that orders waiting for this SKU here still need: already sold, not yet covered. */
  backlog: number;
  /** The earliest ship-by among the orders waiting for it (the deadline at risk), or null. */
  earliestBlockedDeadline: number | null;
  blockedOrders: number;
}

export interface ReplenishmentLine extends ReplenishmentInput {
  dailySales: number;
  available: number;
  /** available + incoming − backlog: what the next sales can draw on. */
  position: number;
  /** Units the lead and safety days will sell: (lead + safety) × daily sales. */
  demandUntilArrival: number;
  suggest: boolean;
  /** (cycle + lead + safety) × daily sales − position, rounded up; 0 when no order is suggested. */
  quantity: number;
  /** Days until what is available and incoming runs out at the current rate (null when nothing sells). */
  coverDays: number | null;
}

function ceilDiv(numerator: number, denominator: number): number {
  return numerator <= 0
    ? -Math.floor(-numerator / denominator)
    : Math.floor((numerator + denominator - 1) / denominator);
}

/**
 * Suggest an order when (lead + safety) × daily sales > available + incoming − backlog; the quantity
 * covers the purchase cycle too: (cycle + lead + safety) × daily sales − (available + incoming − backlog).
 * Daily sales = units sold / window days; the comparison is done in whole units × days, so no rounding
 * decides whether to order.
 */
export function suggestReplenishment(input: ReplenishmentInput): ReplenishmentLine {
  if (!(input.windowDays > 0) || !Number.isInteger(input.windowDays))
    throw new Error('the sales window must be a whole number of days ≥ 1');
  const available = input.onHand - input.reserved;
  const position = available + input.incoming - input.backlog;
  const sold = Math.max(0, input.unitsSold);
  const window = input.windowDays;
  const untilArrival = (input.leadDays + input.safetyDays) * sold; // × 1/window
  const suggest = untilArrival > position * window;
  const quantity = suggest
    ? Math.max(0, ceilDiv((input.cycleDays + input.leadDays + input.safetyDays) * sold - position * window, window))
    : 0;
  return {
    ...input,
    unitsSold: sold,
    dailySales: sold / window,
    available,
    position,
    demandUntilArrival: ceilDiv(untilArrival, window),
    suggest,
    quantity,
    coverDays: sold > 0 ? Math.max(0, (position * window) / sold) : null,
  };
}

/**
 * The most urgent first: suggestions before the rest; among them the earliest deadline already at risk
 * (orders waiting), then the soonest to run out, then by SKU and warehouse.
 */
export function rankReplenishment(lines: readonly ReplenishmentLine[]): ReplenishmentLine[] {
  const far = Number.MAX_SAFE_INTEGER;
  return [...lines].sort(
    (a, b) =>
      Number(b.suggest) - Number(a.suggest) ||
      (a.earliestBlockedDeadline ?? far) - (b.earliestBlockedDeadline ?? far) ||
      (a.coverDays ?? far) - (b.coverDays ?? far) ||
      (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0) ||
      (a.warehouseId < b.warehouseId ? -1 : a.warehouseId > b.warehouseId ? 1 : 0),
  );
}
