/**
 * A batch of the plan and what is printed for it: the orders the plan packs next, in its order (one station's
 * queue or all stations by planned start), their picking list (SKU, location, quantity, the orders it serves) and
 * their labels and packing slips in one PDF, order after order. The plan is read, never recomputed here beyond
 * what `currentPlan` does for GET /plan (its stored plan while its inputs are unchanged).
 */
import type { Locale } from '../core/i18n';
import { localized } from '../core/i18n';
import { sellerUnits } from '../core/pack-station';
import { pickingList, planOrder, type BatchOrderUnits } from '../core/picking';
import { drawPackingSlip, SLIP_SIZES } from '../documents/packing-slip';
import { renderPickingList } from '../documents/picking-list';
import { write, type Doc } from '../documents/pdf';
import { PdfSequence } from '../documents/sequence';
import * as orderStore from '../store/orders';
import * as packing from '../store/packing';
import * as stock from '../store/stock';
import type { AppContext } from './context';
import { ValidationError } from './errors';
import { addLabelSheets, labelsOfOrders, packingSlipData } from './label-printing';
import { planVisibleTo } from './plan-visibility';
import { currentPlan } from './planning';

export interface BatchRequest {
  warehouseId?: string;
  shopIds?: string[];
  /** The shops the caller may see (undefined: all). */
  visibleShops?: readonly string[];
  /** What-if staffing as GET /plan takes it (the pack station's stations on shift). */
  stations?: number;
  /** One station's queue ("station-1"); default: every station, by planned start. */
  station?: string;
  /** The first orders of the plan (default 50). */
  limit?: number;
  caller?: string;
}

export interface Batch {
  warehouseId: string | null;
  orders: Array<{ orderId: number; reference: string; station: string }>;
}

export const DEFAULT_BATCH_SIZE = 50;

/** The batch: the plan's next orders the caller may see, in plan order. */
export async function planBatch(ctx: AppContext, request: BatchRequest): Promise<Batch> {
  const plan = planVisibleTo(
    await currentPlan(ctx, {
      warehouseId: request.warehouseId,
      shopIds: request.shopIds,
      overrides: { stations: request.stations },
      ...(request.caller ? { caller: request.caller } : {}),
    }),
    request.visibleShops,
  );
  const stations = request.station ? plan.stations.filter((s) => s.station === request.station) : plan.stations;
  if (request.station && !stations.length) {
    throw new ValidationError([
      {
        row: 0,
        field: 'station',
        message: localized(
          `The plan has no station ${request.station}; it has ${plan.stations.map((s) => s.station).join(', ') || 'none'}.`,
          `计划中没有工位 ${request.station}；现有工位：${plan.stations.map((s) => s.station).join('、') || '无'}。`,
        ),
      },
    ]);
  }
  const stationOf = new Map(stations.flatMap((s) => s.queue.map((j) => [j.order_id, s.station] as const)));
  const jobs = planOrder(stations, request.limit ?? DEFAULT_BATCH_SIZE);
  return {
    warehouseId: plan.warehouse_id,
    orders: jobs.map((j) => ({
      orderId: j.order_id,
      reference: j.platform_order_id,
      station: stationOf.get(j.order_id)!,
    })),
  };
}

/** Each order's seller units with where they are reserved (the warehouse's name); units not reserved have none. */
async function batchUnits(ctx: AppContext, batch: Batch): Promise<BatchOrderUnits[]> {
  const db = ctx.store.db;
  const ids = batch.orders.map((o) => o.orderId);
  if (!ids.length) return [];
  const [reservations, warehouses] = await Promise.all([
    db
      .selectFrom('stock_reservations')
      .select(['order_id', 'warehouse_id', 'sku', 'quantity'])
      .where('order_id', 'in', ids)
      .orderBy('id')
      .execute(),
    db.selectFrom('warehouses').select(['id', 'name']).execute(),
  ]);
  const nameOf = new Map(warehouses.map((w) => [w.id, w.name || w.id]));
  const result: BatchOrderUnits[] = [];
  for (const o of batch.orders) {
    const order = (await orderStore.getOrder(db, undefined, o.orderId))!;
    const lines = await orderStore.getOrderLines(db, o.orderId);
    const needed = sellerUnits(
      lines,
      await packing.mappingsFor(
        db,
        order.shop_id,
        lines.map((l) => l.sku),
      ),
    );
    const units: Array<{ sku: string; quantity: number; location: string | null }> = [];
    for (const need of needed) {
      let left = need.quantity;
      for (const r of reservations.filter((r) => r.order_id === o.orderId && r.sku === need.sku)) {
        const take = Math.min(left, r.quantity);
        if (take > 0)
          units.push({ sku: need.sku, quantity: take, location: nameOf.get(r.warehouse_id) ?? r.warehouse_id });
        left -= take;
      }
      if (left > 0) units.push({ sku: need.sku, quantity: left, location: null });
    }
    result.push({ orderId: o.orderId, reference: o.reference, units });
  }
  return result;
}

export async function pickingListPdf(
  ctx: AppContext,
  request: BatchRequest,
  locale: Locale,
): Promise<{ pdf: Buffer; batch: Batch }> {
  const batch = await planBatch(ctx, request);
  const units = await batchUnits(ctx, batch);
  const skus = [...new Set(units.flatMap((o) => o.units.map((u) => u.sku)))];
  const bins = new Map((await stock.getSkus(ctx.store.db, skus)).map((s) => [s.sku, s.bin_location] as const));
  const rows = pickingList(units, bins);
  const warehouse = batch.warehouseId
    ? ((
        await ctx.store.db
          .selectFrom('warehouses')
          .select('name')
          .where('id', '=', batch.warehouseId)
          .executeTakeFirst()
      )?.name ?? batch.warehouseId)
    : null;
  const pdf = await renderPickingList(
    {
      warehouse,
      orders: batch.orders.map((o) => o.reference),
      rows,
      printedOn: new Date(ctx.now()).toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    },
    locale,
  );
  return { pdf, batch };
}

/** The batch's labels (where bought) and A6 packing slips in one PDF: for each order in plan order, its labels, then its slip. */
export async function batchDocumentsPdf(
  ctx: AppContext,
  request: BatchRequest,
): Promise<{ pdf: Buffer; batch: Batch; labels: number; slips: number }> {
  const batch = await planBatch(ctx, request);
  const labels = await labelsOfOrders(
    ctx,
    batch.orders.map((o) => o.orderId),
  );
  const sequence = new PdfSequence();
  let labelCount = 0;
  for (const o of batch.orders) {
    const own = labels.get(o.orderId) ?? [];
    labelCount += own.length;
    await addLabelSheets(sequence, own);
    await drawPackingSlip(sequence.drawing(), await packingSlipData(ctx, o.orderId), 'A6');
  }
  return { pdf: await sequence.finish(drawPickingEmpty), batch, labels: labelCount, slips: batch.orders.length };
}

/** A PDF needs a page: an empty batch prints one saying so. */
function drawPickingEmpty(doc: Doc): void {
  doc.addPage({ size: SLIP_SIZES.A6, margin: 0 });
  write(doc, 'Nothing to print: the plan has no orders.\n无可打印内容：计划中没有订单。', 20, 20, {
    size: 10,
    width: SLIP_SIZES.A6[0] - 40,
  });
}
