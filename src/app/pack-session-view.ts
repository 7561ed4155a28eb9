/**
 * How a pack session reads at the station and in the dashboard: its state, whether the order is being packed, the
 * current parcel with its items still to scan (each with its bin location, where the packer fetches a missing
 * one) and its weight range, and the order's planned parcels.
 */
import type { Localized } from '../core/i18n';
import {
  describeRemaining,
  progressOf,
  weightRange,
  type ItemProgress,
  type WeightTolerance,
} from '../core/pack-station';
import { toIso } from '../core/time';
import * as orderStore from '../store/orders';
import type { Executor } from '../store/orders';
import * as packSessions from '../store/pack-sessions';
import * as stock from '../store/stock';
import type { PackSessionRow } from '../store/schema-packing';
import { planView, type PlannedParcel } from './pack';

export interface PackSessionView {
  id: number;
  orderId: number;
  platformOrderId: string;
  shopId: string;
  shipByAt: string | null;
  status: string;
  beingPacked: boolean;
  station: string | null;
  packer: string | null;
  tolerance: WeightTolerance;
  startedAt: string | null;
  finishedAt: string | null;
  current: null | {
    parcelId: number;
    position: number;
    of: number;
    box: string;
    items: Array<ItemProgress & { bin: string | null }>;
    remaining: Localized;
    expectedGrossG: number;
    weightRange: { minG: number; maxG: number };
  };
  parcels: PlannedParcel[];
}

export async function sessionView(trx: Executor, session: PackSessionRow): Promise<PackSessionView> {
  const order = (await orderStore.getOrder(trx, undefined, session.order_id))!;
  const parcels = await planView(trx, session.order_id);
  const tolerance = { basisPoints: session.tolerance_bp, minG: session.tolerance_min_g };
  let current: PackSessionView['current'] = null;
  const parcel = parcels.find((p) => p.parcelId === session.current_parcel_id);
  if (parcel && (session.status === 'scanning' || session.status === 'weighing' || session.status === 'held')) {
    const counts = await packSessions.scannedCounts(trx, session.id, parcel.parcelId);
    const items =
      session.status === 'scanning'
        ? progressOf(parcel.contents, counts)
        : parcel.contents.map((c) => ({ sku: c.sku, expected: c.quantity, scanned: c.quantity, remaining: 0 }));
    const skus = items.map((i) => i.sku);
    const bins = new Map((await stock.getSkus(trx, skus)).map((s) => [s.sku, s.bin_location] as const));
    current = {
      parcelId: parcel.parcelId,
      position: parcel.position,
      of: parcel.of,
      box: parcel.box,
      items: items.map((i) => ({ ...i, bin: bins.get(i.sku) ?? null })),
      remaining: describeRemaining(items),
      expectedGrossG: parcel.expectedGrossG,
      weightRange: weightRange(parcel.expectedGrossG, tolerance),
    };
  }
  return {
    id: session.id,
    orderId: order.id,
    platformOrderId: order.platform_order_id,
    shopId: order.shop_id,
    shipByAt: toIso(order.ship_by_at),
    status: session.status,
    beingPacked: (packSessions.OPEN_PACK_SESSION_STATES as readonly string[]).includes(session.status),
    station: session.station,
    packer: session.packer,
    tolerance,
    startedAt: toIso(session.started_at),
    finishedAt: toIso(session.finished_at),
    current,
    parcels,
  };
}
