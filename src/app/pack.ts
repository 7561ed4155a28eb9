/**
 * The box plan, as the seller, the station and the label flow see it. Making it is pack-plan.ts (choosing boxes with
 * core/packing.ts `chooseBoxes` and creating the parcels); the order's lock, whether it may be packed and the
 * station's refusal are pack-order.ts; the scan session at the pack station is pack-sessions.ts.
 *
 * - `packOrder`: the order's lines as seller SKUs (bundles expanded), less what is already in its parcels, packed
 *   into the cheapest boxes of the shop's catalogue; one parcel (state `created`) per box, each with what it holds
 *   and its expected gross weight (`parcel_packages`). A split is said in the answer and on the timeline.
 * - `planView`: the order's planned parcels as the station and the label flow see them.
 * - `previewPacking`: the plan `pack` would make, not written (quotes, labels and the handover read it).
 * Every state change goes through `decide` and writes its `order_events` row in the same transaction.
 */
import type { PackingResult } from '../core/packing';
import { localized, type Localized } from '../core/i18n';
import type { ExpectedItem } from '../core/pack-station';
import * as orderStore from '../store/orders';
import type { Executor } from '../store/orders';
import * as packing from '../store/packing';
import type { OrderRow } from '../store/schema';
import type { AppContext } from './context';
import { contentsOf, lockOrder, requirePackable } from './pack-order';
import { choosePlan, ensurePlan } from './pack-plan';

export { PackStationRefusal } from './pack-order';

export interface PlannedParcel {
  parcelId: number;
  position: number;
  of: number;
  status: string;
  box: string;
  outerMm: [number, number, number];
  contents: ExpectedItem[];
  contentWeightG: number;
  expectedGrossG: number;
  boxCost: { amount: number; currency: string };
  measuredG: number | null;
  weightStatus: string;
}

export interface PackOutcome {
  orderId: number;
  platformOrderId: string;
  created: boolean;
  split: boolean;
  message: Localized;
  parcels: PlannedParcel[];
}

/** The order's parcels that `pack` planned (not voided), with box, contents and weights, in parcel order. */
export async function planView(trx: Executor, orderId: number): Promise<PlannedParcel[]> {
  const parcels = (await orderStore.getParcels(trx, orderId)).filter((p) => p.status !== 'voided');
  const packages = new Map(
    (
      await packing.packagesOf(
        trx,
        parcels.map((p) => p.id),
      )
    ).map((p) => [p.parcel_id, p]),
  );
  const planned = parcels.filter((p) => packages.has(p.id));
  return planned.map((parcel, i) => {
    const pkg = packages.get(parcel.id)!;
    return {
      parcelId: parcel.id,
      position: i + 1,
      of: planned.length,
      status: parcel.status,
      box: pkg.box_code,
      outerMm: [pkg.outer_length_mm, pkg.outer_width_mm, pkg.outer_height_mm],
      contents: contentsOf(pkg),
      contentWeightG: pkg.content_weight_g,
      expectedGrossG: pkg.expected_gross_g,
      boxCost: { amount: pkg.box_cost, currency: pkg.currency },
      measuredG: pkg.measured_g,
      weightStatus: pkg.weight_status,
    };
  });
}

/** The plan `pack` would make for what is left to pack, without writing it (undefined: nothing is left). */
export async function previewPacking(
  db: Executor,
  order: OrderRow,
): Promise<{ result: PackingResult; currency: string } | undefined> {
  const parcels = await orderStore.getParcels(db, order.id);
  const packages = await packing.packagesOfOrder(db, order.id);
  return choosePlan(db, order, packages, new Set(parcels.filter((p) => p.status !== 'voided').map((p) => p.id)));
}

/**
 * Plans and creates the parcels for what is left to pack. Idempotent: while planned parcels are still `created`,
 * they are the answer (`replan` voids them through the parcel machine and plans again).
 */
export async function packOrder(
  ctx: AppContext,
  orderId: number,
  actor: string,
  options: { replan?: boolean } = {},
): Promise<PackOutcome> {
  const now = ctx.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const order = await lockOrder(ctx, trx, orderId);
    requirePackable(order);
    const created = await ensurePlan(ctx, trx, order, now, actor, options.replan === true);
    const parcels = await planView(trx, order.id);
    const split = parcels.filter((p) => p.status === 'created').length > 1;
    const pending = parcels.filter((p) => p.status === 'created');
    const message = created ?? describePlan(pending);
    return {
      orderId: order.id,
      platformOrderId: order.platform_order_id,
      created: created !== undefined,
      split,
      message,
      parcels,
    };
  });
}

export function describePlan(parcels: PlannedParcel[]): Localized {
  if (parcels.length === 0) return localized('Everything is packed.', '已全部打包。');
  const list = parcels
    .map((p) => `${p.box} (${p.contents.reduce((n, i) => n + i.quantity, 0)}, ${p.expectedGrossG} g)`)
    .join(', ');
  return parcels.length > 1
    ? localized(
        `Already planned, split into ${parcels.length} parcels: ${list}.`,
        `已有装箱计划，拆分为 ${parcels.length} 个包裹：${list}。`,
      )
    : localized(`Already planned: ${list}.`, `已有装箱计划：${list}。`);
}
