/**
 * Labelling packed parcels and printing.
 *
 * `labelParcels` (a saga of steps that know how to undo themselves):
 *   1. the service: the one asked for, else the quote's choice (rules, then rate shopping); a service below the
 *      buyer's logistics class is refused before anything is bought, unless overridden with a reason;
 *   2. the carrier adapter's `createLabel` (idempotency key per parcel and attempt: a retry never buys twice);
 *   3. the number is checked (core/tracking `checkTrackingNumber`: the carrier's format, the S10 check digit, not
 *      used by another order within 12 months — parcels and labels in the database — and the buyer's logistics
 *      class with the override's reason); a refused number is voided at the carrier and the label kept as voided;
 *   4. the label row is written (`issued`), then the parcel takes the `label` transition and its number is handed
 *      to the existing upload path (`markParcelsShipped`: one transaction with the outbox row). A shop without a
 *      marketplace connection gets the transition alone (upload by hand). If this step fails the label is voided.
 * `labelsPdf` prints labels in one PDF in a chosen order; `packingSlipPdf` the order's slip (A6 or A4).
 */
import { meetsLogisticsClass, LOGISTICS_CLASS_LABELS } from '../core/carrier/logistics-class';
import type { CarrierService } from '../core/carrier/types';
import { localized, type Localized } from '../core/i18n';
import { parcelMachine, type ParcelState } from '../core/order';
import { sellerUnits } from '../core/pack-station';
import { buyerLogisticsClassOf, sortForPrinting, type PrintOrder } from '../core/shipping-facts';
import { decide } from '../core/state-machine';
import { carrierName, resolveCarrier } from '../core/tracking/formats';
import { checkTrackingNumber, type TrackingCheck } from '../core/tracking/number-check';
import { toIso } from '../core/time';
import { renderLabels, type LabelData } from '../documents/label';
import { renderPackingSlip, type SlipItem, type SlipSize } from '../documents/packing-slip';
import { CarrierRefusedError, CarrierUnavailableError, type CarrierAdapter } from '../integrations/carriers/types';
import * as marketplace from '../store/marketplace';
import * as orderStore from '../store/orders';
import * as packing from '../store/packing';
import type { OrderRow, ParcelRow } from '../store/schema';
import type { ParcelLabelRow, ShopSenderRow } from '../store/schema-packing';
import { loadShippingCatalog, storedCarrierResolver, type CarrierResolver } from './carrier-contracts';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { planView, previewPacking } from './pack';
import { quoteOrder } from './quotes';
import { event, markParcelsShipped } from './shipments';

export interface LabelRequestInput {
  orderId: number;
  /** Label only these parcels (default: every packed parcel of the order without a label). */
  parcelIds?: number[];
  /** A service code of the catalogue; default: the quote's choice for each parcel. */
  service?: string;
  /** Ship below the buyer's logistics class anyway (e.g. the buyer agreed): recorded with the label. */
  overrideReason?: string;
}

export interface LabelledParcel {
  parcelId: number;
  trackingNumber: string;
  carrier: string;
  service: string;
  marketplaceService: string;
  routingCode: string | null;
  cost: { amount: number; currency: string } | null;
  /** `pending` / `held` when queued for upload; `not_connected` when the shop has no marketplace connection. */
  upload: 'pending' | 'held' | 'not_connected';
  checks: TrackingCheck[];
  warnings: Localized[];
}

/** The carrier answered but the label could not be used: voided at the carrier, refused here. */
export class LabelRefused extends ConflictError {}

function carrierProblem(error: unknown): ConflictError {
  if (error instanceof CarrierRefusedError) {
    return new ConflictError('carrier.refused', localized(`The carrier refused: ${error.message} (${error.code}).`, `承运商拒绝：${error.message}（${error.code}）。`));
  }
  if (error instanceof CarrierUnavailableError) {
    return new ConflictError('carrier.unavailable', localized(`The carrier could not be reached: ${error.message}. Nothing was labelled; try again.`, `无法连接承运商：${error.message}。未生成面单，请重试。`));
  }
  return error as ConflictError;
}

async function voidQuietly(adapter: CarrierAdapter, labelId: string): Promise<string | null> {
  try {
    await adapter.void(labelId);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** True when, after `labelling` are labelled, nothing of the order is left unlabelled (the upload is then `all`). */
async function isLastOf(ctx: AppContext, order: OrderRow, labelling: Set<number>): Promise<boolean> {
  const parcels = (await orderStore.getParcels(ctx.store.db, order.id)).filter((p) => p.status !== 'voided');
  const unlabelled = parcels.filter((p) => (p.status === 'created' || p.status === 'packed') && !labelling.has(p.id));
  if (unlabelled.length) return false;
  // Items still to plan (or that cannot be planned yet: sizes missing) mean more parcels will follow.
  const more = await previewPacking(ctx.store.db, order).then((plan) => plan !== undefined, () => true);
  return !more;
}

export async function labelParcels(ctx: AppContext, input: LabelRequestInput, actor: string, resolver: CarrierResolver = storedCarrierResolver(ctx)): Promise<LabelledParcel[]> {
  const db = ctx.store.db;
  const order = await orderStore.getOrder(db, undefined, input.orderId);
  if (!order) throw new NotFoundError(localized(`order ${input.orderId} not found.`, `未找到订单 ${input.orderId}。`));
  const sender = await packing.getSender(db, order.shop_id);
  if (!sender) {
    throw new ValidationError([{ row: 0, field: 'sender', message: localized(`shop ${order.shop_id} has no sender address for its labels: set it first (shipby pack sender, PUT /shops/:shop/sender).`, `店铺 ${order.shop_id} 没有面单寄件人地址：请先设置（shipby pack sender 或 PUT /shops/:shop/sender）。`) }]);
  }
  const planned = await planView(db, order.id);
  const open = await packing.openSessionOfOrder(db, order.id);
  let targets = planned.filter((p) => p.status === 'packed');
  if (input.parcelIds) {
    const unknown = input.parcelIds.filter((id) => !planned.some((p) => p.parcelId === id));
    if (unknown.length) throw new ValidationError([{ row: 0, field: 'parcel', message: localized(`parcel ${unknown.join(', ')} is not a packed parcel of this order.`, `包裹 ${unknown.join('、')} 不是该订单已打包的包裹。`) }]);
    targets = targets.filter((p) => input.parcelIds!.includes(p.parcelId));
  }
  if (targets.length === 0) {
    const waiting = planned.some((p) => p.status === 'created');
    throw new ConflictError(
      'label.nothing_packed',
      waiting
        ? localized('No packed parcel to label: scan-pack the planned parcels first.', '没有已打包的包裹可打印面单：请先扫描装箱。')
        : localized('No packed parcel to label (run pack, then scan-pack).', '没有已打包的包裹可打印面单（请先装箱计划并扫描装箱）。'),
      order.status,
    );
  }
  for (const parcel of targets) {
    if (parcel.weightStatus === 'held') {
      throw new ConflictError('label.weight_held', localized(`parcel ${parcel.parcelId} is held for a weight check (${parcel.measuredG} g, expected ${parcel.expectedGrossG} g): re-weigh it or accept it with a reason first.`, `包裹 ${parcel.parcelId} 因重量异常暂停（${parcel.measuredG} 克，应为 ${parcel.expectedGrossG} 克）：请先重新称重或填写理由放行。`), 'held');
    }
    if (open && open.current_parcel_id === parcel.parcelId && parcel.weightStatus === 'pending') {
      throw new ConflictError('label.not_weighed', localized(`parcel ${parcel.parcelId} is packed but not weighed yet: weigh it at the station first.`, `包裹 ${parcel.parcelId} 已装好但尚未称重：请先在工位称重。`), open.status);
    }
  }
  const catalog = await loadShippingCatalog(ctx);
  const servicesByCode = new Map(catalog.services.map((s) => [s.code, s]));
  const buyerClass = buyerLogisticsClassOf(order.logistics_service);
  const override = input.overrideReason?.trim();

  // 1. The service per parcel.
  const chosen = new Map<number, CarrierService>();
  if (input.service) {
    const service = servicesByCode.get(input.service);
    if (!service) throw new ValidationError([{ row: 0, field: 'service', message: localized(`no service "${input.service}" (have: ${[...servicesByCode.keys()].join(', ')}).`, `没有服务「${input.service}」（可用：${[...servicesByCode.keys()].join('、')}）。`) }]);
    for (const parcel of targets) chosen.set(parcel.parcelId, service);
  } else {
    const quotes = await quoteOrder(ctx, order.id, { parcelIds: targets.map((t) => t.parcelId) });
    for (const q of quotes.parcels) {
      if (!q.choice.service) throw new ConflictError('label.no_service', q.choice.explanation, order.status);
      chosen.set(q.parcelId!, servicesByCode.get(q.choice.service)!);
    }
  }
  for (const service of new Set(chosen.values())) {
    if (buyerClass && !meetsLogisticsClass(service.logisticsClass, buyerClass) && !override) {
      const mine = LOGISTICS_CLASS_LABELS[service.logisticsClass];
      const theirs = LOGISTICS_CLASS_LABELS[buyerClass];
      throw new ConflictError(
        'label.below_buyer_class',
        localized(
          `${service.name.en} is ${mine.en}, below the ${theirs.en} shipping the buyer chose (${order.logistics_service}): ship the class the buyer chose, or give the buyer's agreement as the override reason.`,
          `${service.name['zh-CN']}为${mine['zh-CN']}，低于买家选择的${theirs['zh-CN']}（${order.logistics_service}）：请按买家所选方式发货，或填写买家同意的理由。`,
        ),
        order.status,
      );
    }
  }

  const connection = await marketplace.getConnection(db, order.shop_id);
  const labelling = new Set(targets.map((t) => t.parcelId));
  const last = await isLastOf(ctx, order, labelling);
  const results: LabelledParcel[] = [];
  for (const [index, parcel] of targets.entries()) {
    const service = chosen.get(parcel.parcelId)!;
    const adapter = await resolver(service.carrier);
    if (!adapter) {
      throw new ValidationError([{ row: 0, field: 'carrier', message: localized(`no carrier account for ${service.carrier}: add one (shipby carrier account ${service.carrier} --url URL --api-key KEY).`, `没有 ${service.carrier} 的承运商账号：请先添加（shipby carrier account ${service.carrier} --url URL --api-key KEY）。`) }]);
    }
    const marketplaceService = catalog.marketplaceServices.get(service.code) ?? service.code.toUpperCase();
    const attempt = (await db.selectFrom('parcel_labels').select((eb) => eb.fn.countAll<number>().as('n')).where('parcel_id', '=', parcel.parcelId).where('status', '=', 'voided').executeTakeFirst())?.n ?? 0;
    // 2. Buy the label.
    let created;
    try {
      created = await adapter.createLabel({
        service: service.code,
        reference: order.platform_order_id,
        idempotencyKey: `shipby-parcel-${parcel.parcelId}-${Number(attempt) + 1}`,
        sender: senderAddress(sender),
        recipient: { name: order.buyer_name, line1: order.address_line1, city: order.city, postcode: order.postcode, country: order.buyer_country, phone: order.phone },
        grossWeightG: parcel.measuredG ?? parcel.expectedGrossG,
        dimsMm: parcel.outerMm,
        declaredValue: { amount: order.total_amount, currency: order.currency },
        contents: parcel.contents,
      });
    } catch (error) {
      throw carrierProblem(error);
    }
    const now = ctx.now();
    // 3. Check the number it gave.
    const number = created.trackingNumber.replace(/[\s-]+/g, '').toUpperCase();
    const usedBy = (await packing.numberUses(db, [number]))
      .filter((u) => u.order_id !== order.id)
      .map((u) => ({ orderId: u.platform_order_id, usedAt: u.used_at }));
    const report = checkTrackingNumber(number, {
      carrier: service.carrier,
      country: order.buyer_country,
      service: { code: service.code, name: service.name, logisticsClass: service.logisticsClass, ...(service.s10IndicatorFirstLetters ? { s10IndicatorFirstLetters: service.s10IndicatorFirstLetters } : {}) },
      ...(buyerClass ? { buyerLogisticsClass: buyerClass } : {}),
      usedBy,
      now,
      reuseWindowDays: 365,
      ...(override ? { override: { reason: override } } : {}),
    });
    const labelRow: Omit<ParcelLabelRow, 'id'> = {
      parcel_id: parcel.parcelId,
      order_id: order.id,
      carrier: service.carrier,
      service: service.code,
      marketplace_service: marketplaceService,
      tracking_number: number,
      carrier_label_id: created.carrierLabelId,
      routing_code: created.routingCode,
      cost: created.cost?.amount ?? null,
      currency: created.cost?.currency ?? null,
      status: report.valid ? 'issued' : 'voided',
      problem: report.valid ? null : report.summary.en,
      created_at: now,
      updated_at: now,
      voided_at: report.valid ? null : now,
    };
    if (!report.valid) {
      const voidProblem = await voidQuietly(adapter, created.carrierLabelId);
      await db.transaction().execute(async (trx) => {
        await packing.insertLabel(trx, { ...labelRow, problem: voidProblem ? `${report.summary.en} Void failed: ${voidProblem}` : report.summary.en });
        await orderStore.appendEvents(trx, [event(order.id, parcel.parcelId, now, actor, 'label_refused', null, null, null, report.summary.en, JSON.stringify({ tracking_number: number, service: service.code, failed: report.failed, voided: voidProblem === null }))]);
      });
      throw new LabelRefused('label.number_refused', localized(`${report.summary.en} The label was voided at the carrier.`, `${report.summary['zh-CN']} 已在承运商处作废该面单。`), order.status);
    }
    // 4. Keep the label, then the parcel: label transition + the upload path.
    const labelId = await db.transaction().execute((trx) => packing.insertLabel(trx, labelRow));
    const lastParcel = last && index === targets.length - 1;
    let upload: LabelledParcel['upload'] = 'not_connected';
    const warnings: Localized[] = report.checks.filter((c) => c.result === 'warn').map((c) => c.message);
    try {
      if (connection) {
        const [shipped] = await markParcelsShipped(ctx, [{ orderId: order.id, parcelId: parcel.parcelId, trackingNumber: number, serviceName: marketplaceService, carrier: service.carrier, lastParcel }], actor);
        upload = shipped!.uploadStatus;
        warnings.push(...shipped!.warnings);
      } else {
        await labelWithoutUpload(ctx, order, parcel.parcelId, number, service, actor);
        warnings.push(localized('The shop has no marketplace connection: upload this number on the marketplace yourself.', '该店铺未连接平台：请自行在平台上传此单号。'));
      }
    } catch (error) {
      const voidProblem = await voidQuietly(adapter, created.carrierLabelId);
      const why = error instanceof Error ? error.message : String(error);
      await db.transaction().execute((trx) => packing.setLabelStatus(trx, labelId, 'voided', voidProblem ? `${why} Void failed: ${voidProblem}` : why, ctx.now()));
      throw error;
    }
    const done = ctx.now();
    await db.transaction().execute(async (trx) => {
      await packing.setLabelStatus(trx, labelId, 'active', null, done);
      await orderStore.appendEvents(trx, [
        event(order.id, parcel.parcelId, done, actor, 'label_created', null, null, null, override && report.checks.some((c) => c.id === 'logistics-class' && c.result === 'warn') ? `override: ${override}` : null, JSON.stringify({ tracking_number: number, carrier: service.carrier, service: service.code, marketplace_service: marketplaceService, routing_code: created.routingCode, cost: created.cost, label_id: labelId })),
      ]);
    });
    results.push({ parcelId: parcel.parcelId, trackingNumber: number, carrier: service.carrier, service: service.code, marketplaceService, routingCode: created.routingCode, cost: created.cost, upload, checks: report.checks, warnings });
  }
  return results;
}

function displayCarrier(code: string | null): string {
  if (!code) return '';
  const known = resolveCarrier(code);
  return known ? carrierName(known).en : code;
}

function senderAddress(s: ShopSenderRow) {
  return { name: s.name, line1: s.address_line1, line2: s.address_line2, city: s.city, postcode: s.postcode, country: s.country, phone: s.phone };
}

/** For shops without a marketplace connection: the `label` transition and the number on the parcel, no upload. */
async function labelWithoutUpload(ctx: AppContext, order: OrderRow, parcelId: number, number: string, service: CarrierService, actor: string): Promise<void> {
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    let query = trx.selectFrom('parcels').selectAll().where('id', '=', parcelId);
    if (ctx.store.dialect === 'postgres') query = query.forUpdate();
    const parcel = (await query.executeTakeFirst())!;
    const decision = decide(parcelMachine, parcel.status as ParcelState, 'label', {});
    if (!decision.ok) throw new ConflictError(decision.rule, decision.message, parcel.status);
    await trx.updateTable('parcels').set({ status: decision.to, tracking_number: number, carrier: service.carrier, service: service.code, labelled_at: now, updated_at: now }).where('id', '=', parcelId).execute();
    await orderStore.appendEvents(trx, [event(order.id, parcelId, now, actor, 'transition', 'label', decision.from, decision.to, `tracking number ${number}`, null)]);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Printing

export interface LabelsPdfFilter {
  orderBy: PrintOrder;
  /** Only these orders' labels; default: every parcel labelled and not yet handed over (the print queue). */
  orderIds?: number[];
  shopIds?: string[];
  limit?: number;
}

export async function labelsPdf(ctx: AppContext, filter: LabelsPdfFilter): Promise<{ pdf: Buffer; count: number; order: Array<{ parcelId: number; trackingNumber: string; orderReference: string }> }> {
  const db = ctx.store.db;
  let query = db
    .selectFrom('parcels as p')
    .innerJoin('orders as o', 'o.id', 'p.order_id')
    .selectAll('p')
    .select(['o.platform_order_id', 'o.ship_by_at', 'o.shop_id as order_shop'])
    .where('p.tracking_number', 'is not', null);
  if (filter.orderIds?.length) query = query.where('p.order_id', 'in', filter.orderIds).where('p.status', '!=', 'voided');
  else query = query.where('p.status', '=', 'labelled');
  if (filter.shopIds?.length) query = query.where('p.shop_id', 'in', filter.shopIds);
  const rows = await query.orderBy('p.id').limit(filter.limit ?? 1_000).execute();
  const data = await labelDataFor(ctx, rows);
  const sorted = sortForPrinting(data, filter.orderBy);
  return { pdf: await renderLabels(sorted.map((d) => d.label)), count: sorted.length, order: sorted.map((d) => ({ parcelId: d.parcelId, trackingNumber: d.label.trackingNumber, orderReference: d.label.orderReference })) };
}

async function labelDataFor(ctx: AppContext, rows: Array<ParcelRow & { platform_order_id: string; ship_by_at: number | null }>) {
  const db = ctx.store.db;
  const orderIds = [...new Set(rows.map((r) => r.order_id))];
  const orders = new Map<number, OrderRow>();
  for (const id of orderIds) orders.set(id, (await orderStore.getOrder(db, undefined, id))!);
  const senders = new Map<string, ShopSenderRow | undefined>();
  for (const shop of new Set(rows.map((r) => r.shop_id))) senders.set(shop, await packing.getSender(db, shop));
  const labels = await db.selectFrom('parcel_labels').selectAll().where('parcel_id', 'in', rows.length ? rows.map((r) => r.id) : [0]).where('status', '!=', 'voided').execute();
  const catalog = await loadShippingCatalog(ctx);
  const names = new Map(catalog.services.map((s) => [s.code, s.name.en]));
  const plans = new Map<number, Awaited<ReturnType<typeof planView>>>();
  for (const id of orderIds) plans.set(id, await planView(db, id));
  return rows.map((row) => {
    const order = orders.get(row.order_id)!;
    const sender = senders.get(row.shop_id);
    const label = labels.find((l) => l.parcel_id === row.id && l.tracking_number === row.tracking_number);
    const plan = plans.get(row.order_id)!;
    const planned = plan.find((p) => p.parcelId === row.id);
    const all = plan.length || 1;
    const data: LabelData = {
      trackingNumber: row.tracking_number!,
      carrierName: displayCarrier(row.carrier),
      serviceName: (label && names.get(label.service)) || (row.service && names.get(row.service)) || label?.marketplace_service || row.service || '',
      routingCode: label?.routing_code ?? null,
      sender: sender ? senderAddress(sender) : { name: row.shop_id, line1: '', city: '', country: 'CN' },
      recipient: { name: order.buyer_name, line1: order.address_line1, city: order.city, postcode: order.postcode, country: order.buyer_country, phone: order.phone },
      orderReference: order.platform_order_id,
      parcelPosition: planned?.position ?? 1,
      parcelCount: planned ? all : 1,
      weightG: row.weight_g ?? planned?.expectedGrossG ?? 0,
      box: planned?.box ?? null,
      labelledOn: new Date(row.labelled_at ?? row.updated_at).toISOString().slice(0, 10),
    };
    return { parcelId: row.id, shipByAt: order.ship_by_at, carrier: row.carrier ?? '', service: row.service ?? '', skus: planned?.contents.map((c) => c.sku) ?? [], label: data };
  });
}

export async function packingSlipPdf(ctx: AppContext, orderId: number, size: SlipSize): Promise<Buffer> {
  const db = ctx.store.db;
  const order = await orderStore.getOrder(db, undefined, orderId);
  if (!order) throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
  const [lines, shop, notes, plan] = await Promise.all([orderStore.getOrderLines(db, orderId), orderStore.findShop(db, order.shop_id), packing.getBuyerNotes(db, [orderId]), planView(db, orderId)]);
  const mappings = await packing.mappingsFor(db, order.shop_id, lines.map((l) => l.sku));
  const items: SlipItem[] = [];
  if (plan.length > 1) {
    for (const parcel of plan) for (const c of parcel.contents) items.push({ sku: c.sku, quantity: c.quantity, parcel: `${parcel.position}/${parcel.of} (${parcel.box})` });
  } else {
    for (const unit of sellerUnits(lines, mappings)) {
      const from = lines.filter((l) => mappings.get(l.sku)?.some((c) => c.sku === unit.sku)).map((l) => l.sku);
      items.push({ sku: unit.sku, quantity: unit.quantity, fromPlatformSku: from.length ? from.join(', ') : null, parcel: plan[0] ? `1/1 (${plan[0].box})` : null });
    }
  }
  return renderPackingSlip(
    {
      orderReference: order.platform_order_id,
      shopName: shop?.name ?? order.shop_id,
      shipBy: order.ship_by_at !== null ? `${toIso(order.ship_by_at)!.slice(0, 16).replace('T', ' ')} UTC` : null,
      buyerName: order.buyer_name,
      buyerCountry: order.buyer_country,
      buyerCity: order.city,
      items,
      buyerNote: notes.get(orderId) ?? null,
      printedOn: new Date(ctx.now()).toISOString().slice(0, 16).replace('T', ' '),
    },
    size,
  );
}

