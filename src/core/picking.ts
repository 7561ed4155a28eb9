/**
 * The picking list of a batch: what to take from the shelves for the orders of the batch, in the plan's order.
 * One row per seller SKU and location, with the quantity and the orders it serves (each order once, in plan order,
 * with its units). The rows follow the SKUs' bin locations (natural order: A-2 before A-10), so the picker walks the
 * shelves once; SKUs without a bin come after, in the order the batch first needs them (the packing order).
 * Pure: the orders come in plan order with their seller units and where those are reserved, and the SKUs' bins.
 */
import { compareBins } from './bin-location';

export interface BatchOrderUnits {
  orderId: number;
  reference: string;
  /** Seller SKUs (bundles already expanded) with the warehouse each unit is reserved in (null: not reserved). */
  units: ReadonlyArray<{ sku: string; quantity: number; location: string | null }>;
}

export interface PickRow {
  sku: string;
  /** The warehouse the units are reserved in (null: not reserved). */
  location: string | null;
  /** The SKU's bin location in the warehouse (null: none set). */
  bin: string | null;
  quantity: number;
  orders: Array<{ reference: string; quantity: number }>;
}

export function pickingList(
  batch: readonly BatchOrderUnits[],
  bins: ReadonlyMap<string, string | null> = new Map(),
): PickRow[] {
  const rows = new Map<string, PickRow>();
  for (const order of batch) {
    for (const unit of order.units) {
      if (unit.quantity <= 0) continue;
      const key = `${unit.sku}\u0000${unit.location ?? ''}`;
      let row = rows.get(key);
      if (!row)
        rows.set(
          key,
          (row = { sku: unit.sku, location: unit.location, bin: bins.get(unit.sku) ?? null, quantity: 0, orders: [] }),
        );
      row.quantity += unit.quantity;
      const served = row.orders.find((o) => o.reference === order.reference);
      if (served) served.quantity += unit.quantity;
      else row.orders.push({ reference: order.reference, quantity: unit.quantity });
    }
  }
  // A stable sort: rows of no bin (and of one bin) keep the order the batch first needs them.
  return [...rows.values()].sort((a, b) => compareBins(a.bin, b.bin));
}

/** The orders of a plan in its order: by planned start, then station, then position; the first `limit`. */
export function planOrder<J extends { order_id: number; start: string; position: number }>(
  stations: ReadonlyArray<{ station: string; queue: readonly J[] }>,
  limit?: number,
): J[] {
  const all = stations.flatMap((s, stationIndex) => s.queue.map((job) => ({ job, stationIndex })));
  all.sort(
    (a, b) =>
      a.job.start.localeCompare(b.job.start) || a.stationIndex - b.stationIndex || a.job.position - b.job.position,
  );
  const seen = new Set<number>();
  const ordered = all.map((a) => a.job).filter((j) => (seen.has(j.order_id) ? false : (seen.add(j.order_id), true)));
  return limit !== undefined ? ordered.slice(0, limit) : ordered;
}
