/**
 * Printing: `labelsPdf` prints labels (100 × 150 mm, Code 128) in one PDF in a chosen order; `packingSlipPdf` the
 * order's slip (A6 or A4).
 */
import { sellerUnits } from '../core/pack-station';
import { sortForPrinting, type PrintOrder } from '../core/shipping-facts';
import { carrierName, resolveCarrier } from '../core/tracking/formats';
import { customsDeclaration, needsCustomsDeclaration } from '../core/customs';
import { localized } from '../core/i18n';
import { toIso } from '../core/time';
import { drawLabels, drawMissingCarrierLabel, type LabelData } from '../documents/label';
import { PdfSequence } from '../documents/sequence';
import { renderPackingSlip, type SlipData, type SlipItem, type SlipSize } from '../documents/packing-slip';
import * as orderStore from '../store/orders';
import * as packing from '../store/packing';
import type { OrderRow, ParcelRow } from '../store/schema';
import type { ShopSenderRow } from '../store/schema-packing';
import { loadShippingCatalog, storedCarrierResolver, type CarrierResolver } from './carrier-contracts';
import { carrierDocuments, type CarrierDocument } from './label-documents';
import type { AppContext } from './context';
import { NotFoundError } from './errors';
import { planView } from './pack';

function displayCarrier(code: string | null): string {
  if (!code) return '';
  const known = resolveCarrier(code);
  return known ? carrierName(known).en : code;
}

export function senderAddress(s: ShopSenderRow) {
  return {
    name: s.name,
    line1: s.address_line1,
    line2: s.address_line2,
    city: s.city,
    postcode: s.postcode,
    country: s.country,
    phone: s.phone,
  };
}

export interface LabelsPdfFilter {
  orderBy: PrintOrder;
  /** Only these orders' labels; default: every parcel labelled and not yet handed over (the print queue). */
  orderIds?: number[];
  shopIds?: string[];
  limit?: number;
}

export async function labelsPdf(
  ctx: AppContext,
  filter: LabelsPdfFilter,
  resolver: CarrierResolver = storedCarrierResolver(ctx),
): Promise<{
  pdf: Buffer;
  count: number;
  order: Array<{ parcelId: number; trackingNumber: string; orderReference: string }>;
}> {
  const db = ctx.store.db;
  let query = db
    .selectFrom('parcels as p')
    .innerJoin('orders as o', 'o.id', 'p.order_id')
    .selectAll('p')
    .select(['o.platform_order_id', 'o.ship_by_at', 'o.shop_id as order_shop'])
    .where('p.tracking_number', 'is not', null);
  if (filter.orderIds?.length)
    query = query.where('p.order_id', 'in', filter.orderIds).where('p.status', '!=', 'voided');
  else query = query.where('p.status', '=', 'labelled');
  if (filter.shopIds?.length) query = query.where('p.shop_id', 'in', filter.shopIds);
  const rows = await query
    .orderBy('p.id')
    .limit(filter.limit ?? 1_000)
    .execute();
  const data = await labelDataFor(ctx, rows);
  const sorted = sortForPrinting(data, filter.orderBy);
  const sequence = new PdfSequence();
  await addLabelSheets(sequence, await labelSheets(ctx, sorted, resolver));
  return {
    pdf: await sequence.finish(),
    count: sorted.length,
    order: sorted.map((d) => ({
      parcelId: d.parcelId,
      trackingNumber: d.label.trackingNumber,
      orderReference: d.label.orderReference,
    })),
  };
}

async function labelDataFor(
  ctx: AppContext,
  rows: Array<ParcelRow & { platform_order_id: string; ship_by_at: number | null }>,
) {
  const facts = await labelFacts(ctx, rows);
  return rows.map((row) => printableLabel(row, facts));
}

/** What the labels of these parcels read: their orders, senders, labels, plans and lines, and the SKUs' customs. */
async function labelFacts(ctx: AppContext, rows: ParcelRow[]) {
  const db = ctx.store.db;
  const orderIds = [...new Set(rows.map((r) => r.order_id))];
  const orders = new Map<number, OrderRow>();
  for (const id of orderIds) orders.set(id, (await orderStore.getOrder(db, undefined, id))!);
  const senders = new Map<string, ShopSenderRow | undefined>();
  for (const shop of new Set(rows.map((r) => r.shop_id))) senders.set(shop, await packing.getSender(db, shop));
  const labels = await db
    .selectFrom('parcel_labels')
    .selectAll()
    .where('parcel_id', 'in', rows.length ? rows.map((r) => r.id) : [0])
    .where('status', '!=', 'voided')
    .execute();
  const catalog = await loadShippingCatalog(ctx);
  const names = new Map(catalog.services.map((s) => [s.code, s.name.en]));
  const plans = new Map<number, Awaited<ReturnType<typeof planView>>>();
  for (const id of orderIds) plans.set(id, await planView(db, id));
  const lines = new Map<number, Awaited<ReturnType<typeof orderStore.getOrderLines>>>();
  for (const id of orderIds) lines.set(id, await orderStore.getOrderLines(db, id));
  // What customs need of each SKU (the catalogue's HS code, description and value per unit), when the seller set it.
  const allSkus = [
    ...new Set(
      [...lines.values()]
        .flat()
        .map((l) => l.sku)
        .concat([...plans.values()].flat().flatMap((p) => p.contents.map((c) => c.sku))),
    ),
  ];
  const skuCustoms = new Map(
    (allSkus.length
      ? await db
          .selectFrom('skus')
          .select(['sku', 'hs_code', 'customs_description', 'customs_value', 'customs_currency'])
          .where('sku', 'in', allSkus)
          .execute()
      : []
    ).map((s) => [s.sku, s]),
  );
  return { orders, senders, labels, names, plans, lines, skuCustoms };
}

/** One parcel's label as it prints, with what sorting and the carrier's document need. */
function printableLabel(row: ParcelRow, facts: Awaited<ReturnType<typeof labelFacts>>) {
  const { names } = facts;
  const order = facts.orders.get(row.order_id)!;
  const sender = facts.senders.get(row.shop_id);
  const label = facts.labels.find((l) => l.parcel_id === row.id && l.tracking_number === row.tracking_number);
  const plan = facts.plans.get(row.order_id)!;
  const planned = plan.find((p) => p.parcelId === row.id);
  const all = plan.length || 1;
  const senderAddr = sender ? senderAddress(sender) : { name: row.shop_id, line1: '', city: '', country: 'CN' };
  const weightG = row.weight_g ?? planned?.expectedGrossG ?? 0;
  const orderLines = facts.lines.get(row.order_id) ?? [];
  // The parcel's own contents when the order ships in several, each at its order line's price; else the order.
  // The SKU's declared value when it is in the order's currency, else the price paid for the line.
  const customsLine = (sku: string, quantity: number, paid: number) => {
    const c = facts.skuCustoms.get(sku);
    return {
      sku,
      quantity,
      unitValue: c?.customs_value != null && c.customs_currency === order.currency ? c.customs_value : paid,
      hsCode: c?.hs_code ?? null,
      description: c?.customs_description ?? null,
    };
  };
  const contents =
    planned && all > 1
      ? planned.contents.map((c) =>
          customsLine(c.sku, c.quantity, orderLines.find((l) => l.sku === c.sku)?.unit_price ?? 0),
        )
      : orderLines.map((l) => customsLine(l.sku, l.quantity, l.unit_price));
  const data: LabelData = {
    trackingNumber: row.tracking_number!,
    carrierName: displayCarrier(row.carrier),
    serviceName:
      (label && names.get(label.service)) ||
      (row.service && names.get(row.service)) ||
      label?.marketplace_service ||
      row.service ||
      '',
    routingCode: label?.routing_code ?? null,
    sender: senderAddr,
    recipient: {
      name: order.buyer_name,
      line1: order.address_line1,
      line2: order.address_line2,
      state: order.state,
      city: order.city,
      postcode: order.postcode,
      country: order.buyer_country,
      phone: order.phone,
    },
    customs: needsCustomsDeclaration(senderAddr.country, order.buyer_country)
      ? customsDeclaration(contents, weightG, order.currency)
      : null,
    orderReference: order.platform_order_id,
    parcelPosition: planned?.position ?? 1,
    parcelCount: planned ? all : 1,
    weightG,
    box: planned?.box ?? null,
    labelledOn: new Date(row.labelled_at ?? row.updated_at).toISOString().slice(0, 10),
  };
  return {
    parcelId: row.id,
    /** The label bought from a carrier (its own document is printed), or null: a number shipby labels itself. */
    carrierLabel: label
      ? { id: label.id, parcel_id: label.parcel_id, carrier: label.carrier, carrier_label_id: label.carrier_label_id }
      : null,
    shopId: row.shop_id,
    shipByAt: order.ship_by_at,
    carrier: row.carrier ?? '',
    service: row.service ?? '',
    skus: planned?.contents.map((c) => c.sku) ?? [],
    label: data,
  };
}

export async function packingSlipPdf(ctx: AppContext, orderId: number, size: SlipSize): Promise<Buffer> {
  return renderPackingSlip(await packingSlipData(ctx, orderId), size);
}

/** The labels bought for these orders (voided ones left out), per order, in parcel order, each as it prints. */
export async function labelsOfOrders(
  ctx: AppContext,
  orderIds: readonly number[],
  resolver: CarrierResolver = storedCarrierResolver(ctx),
): Promise<Map<number, LabelSheet[]>> {
  const byOrder = new Map<number, LabelSheet[]>();
  if (!orderIds.length) return byOrder;
  const rows = await ctx.store.db
    .selectFrom('parcels as p')
    .innerJoin('orders as o', 'o.id', 'p.order_id')
    .selectAll('p')
    .select(['o.platform_order_id', 'o.ship_by_at'])
    .where('p.tracking_number', 'is not', null)
    .where('p.order_id', 'in', [...orderIds])
    .where('p.status', '!=', 'voided')
    .orderBy('p.id')
    .execute();
  const data = await labelDataFor(ctx, rows);
  const sheets = await labelSheets(ctx, data, resolver);
  data.forEach((d, i) => {
    const orderId = rows.find((r) => r.id === d.parcelId)!.order_id;
    byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), sheets[i]!]);
  });
  return byOrder;
}

/** One parcel's label as it prints: the carrier's own document when the label was bought from one, else drawn. */
export interface LabelSheet {
  label: LabelData;
  /** null: shipby draws the label (a number with no carrier label behind it, e.g. typed in for a contract carrier). */
  document: CarrierDocument | null;
}

async function labelSheets(
  ctx: AppContext,
  data: ReadonlyArray<{ label: LabelData; carrierLabel: CarrierLabelRef | null; shopId: string }>,
  resolver: CarrierResolver,
): Promise<LabelSheet[]> {
  const documents = await carrierDocuments(
    ctx,
    data.flatMap((d) => (d.carrierLabel ? [{ ...d.carrierLabel, shopId: d.shopId }] : [])),
    resolver,
  );
  return data.map((d) => ({ label: d.label, document: d.carrierLabel ? documents.get(d.carrierLabel.id)! : null }));
}

type CarrierLabelRef = { id: number; parcel_id: number; carrier: string; carrier_label_id: string };

/** Adds the sheets' pages in order: a carrier's document as it is, shipby's drawing for the others. */
export async function addLabelSheets(sequence: PdfSequence, sheets: readonly LabelSheet[]): Promise<void> {
  let drawn: LabelData[] = [];
  const drawPending = async () => {
    if (drawn.length) await drawLabels(sequence.drawing(), drawn);
    drawn = [];
  };
  for (const sheet of sheets) {
    if (!sheet.document) {
      drawn.push(sheet.label);
      continue;
    }
    await drawPending();
    if ('pdf' in sheet.document) await sequence.append(sheet.document.pdf);
    else
      drawMissingCarrierLabel(sequence.drawing(), {
        trackingNumber: sheet.label.trackingNumber,
        orderReference: sheet.label.orderReference,
        reason: sheet.document.problem,
      });
  }
  await drawPending();
}

/** What the order's packing slip shows. */
export async function packingSlipData(ctx: AppContext, orderId: number): Promise<SlipData> {
  const db = ctx.store.db;
  const order = await orderStore.getOrder(db, undefined, orderId);
  if (!order) throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
  const [lines, shop, notes, plan] = await Promise.all([
    orderStore.getOrderLines(db, orderId),
    orderStore.findShop(db, order.shop_id),
    packing.getBuyerNotes(db, [orderId]),
    planView(db, orderId),
  ]);
  const mappings = await packing.mappingsFor(
    db,
    order.shop_id,
    lines.map((l) => l.sku),
  );
  const items: SlipItem[] = [];
  if (plan.length > 1) {
    for (const parcel of plan)
      for (const c of parcel.contents)
        items.push({ sku: c.sku, quantity: c.quantity, parcel: `${parcel.position}/${parcel.of} (${parcel.box})` });
  } else {
    for (const unit of sellerUnits(lines, mappings)) {
      const from = lines.filter((l) => mappings.get(l.sku)?.some((c) => c.sku === unit.sku)).map((l) => l.sku);
      items.push({
        sku: unit.sku,
        quantity: unit.quantity,
        fromPlatformSku: from.length ? from.join(', ') : null,
        parcel: plan[0] ? `1/1 (${plan[0].box})` : null,
      });
    }
  }
  return {
    orderReference: order.platform_order_id,
    shopName: shop?.name ?? order.shop_id,
    shipBy: order.ship_by_at !== null ? `${toIso(order.ship_by_at)!.slice(0, 16).replace('T', ' ')} UTC` : null,
    buyerName: order.buyer_name,
    buyerCountry: order.buyer_country,
    buyerCity: order.city,
    items,
    buyerNote: notes.get(orderId) ?? null,
    printedOn: new Date(ctx.now()).toISOString().slice(0, 16).replace('T', ' '),
  };
}
