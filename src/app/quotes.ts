/**
 * Which carrier service each parcel of an order should take, and why (`shipby quote ORDER`, GET /orders/:id/quotes).
 *
 * The parcels are the ones `pack` planned and not yet labelled, or — before packing — the plan `pack` would make.
 * For each, core/carrier `chooseService` applies the seller's rules first (first match whose service fits), else
 * rate shopping (the cheapest service whose 9-in-10 arrival keeps the delivery promise, picked up before the ship-by
 * deadline), and explains every candidate: cost, pick-up, arrival, and why each one was dropped.
 *
 * A service bought through the marketplace's online logistics is priced by the platform's own estimate for the order
 * and parcel, said as its `cost_source` (`platform`), a carrier with a freight trial by its live price (`live`), else
 * by the rate card (quote-prices.ts gathers both).
 *
 * The promise: shipping now + the order's promised delivery days (`freight_commit_day`, kept by the sync in
 * `order_receipts`), else the receipt policy's fallback for the order's logistics class (core/receipt.ts).
 */
import { chooseService, type ServiceChoice } from '../core/carrier/choose';
import type { RateQuote } from '../core/carrier/rate-card';
import type { BatteryKind } from '../core/carrier/types';
import { localized, type Localized } from '../core/i18n';
import type { ExpectedItem } from '../core/pack-station';
import { DEFAULT_RECEIPT_RULES, receiptClassOf } from '../core/receipt';
import { buyerLogisticsClassOf, deliveryPromise, prorate, type DeliveryPromise } from '../core/shipping-facts';
import { toIso } from '../core/time';
import * as marketplace from '../store/marketplace';
import * as orderStore from '../store/orders';
import type { Executor } from '../store/orders';
import * as packing from '../store/packing';
import type { OrderRow } from '../store/schema';
import {
  loadShippingCatalog,
  storedCarrierResolver,
  type CarrierResolver,
  type ShippingCatalog,
} from './carrier-contracts';
import type { AppContext } from './context';
import { NotFoundError } from './errors';
import { loadShopResolver } from './policies';
import { planView, previewPacking } from './pack';
import { pricingExplanation, quotePrices } from './quote-prices';

/** ASSUMPTION: minutes of packing still ahead of a parcel that is not packed yet (it shifts the first pick-up). */
const DEFAULT_PACKING_MINUTES = 20;

export interface ParcelToQuote {
  parcelId: number | null;
  status: string;
  box: string;
  outerMm: [number, number, number];
  grossWeightG: number;
  contents: ExpectedItem[];
}

export interface QuotedParcel extends ParcelToQuote {
  choice: ServiceChoice;
  marketplaceService: string | null;
  /** Which prices the choice used: the carriers' live quotes or the contract rates, and why (quote-prices.ts). */
  pricing: Localized;
}

export interface OrderQuotes {
  order: OrderRow;
  source: ShippingCatalog['source'];
  promise: DeliveryPromise;
  buyerLogisticsClass: string | null;
  parcels: QuotedParcel[];
  message: Localized;
}

const BATTERY_RANK: Record<BatteryKind, number> = { none: 0, contained: 1, standalone: 2 };

/**
 * What the order's policy counts as shipped, for the carrier choice: the tracking upload (AliExpress's regular mode:
 * a label bought and uploaded now makes the deadline whatever the pick-up) or the carrier's pick-up. A shop that
 * uploads only after the carrier's first scan makes the pick-up count again, and is told so.
 */
async function countedEventOf(
  ctx: AppContext,
  order: OrderRow,
): Promise<{ at: 'pickup' | 'upload'; note: Localized | null }> {
  const policy = (await loadShopResolver(ctx.store.db, order.shop_id)).forOrder(
    order.paid_at,
    order.order_type ?? undefined,
  );
  if (policy.shippedWhen !== 'tracking_uploaded') return { at: 'pickup', note: null };
  const connection = await marketplace.getConnection(ctx.store.db, order.shop_id);
  if (connection?.upload_timing === 'first_scan') {
    return {
      at: 'pickup',
      note: localized(
        "The platform counts the tracking upload, but this shop uploads only after the carrier's first scan (its upload timing): the pick-up must then come before the deadline.",
        '平台以上传运单号为准，但该店铺在承运商首次扫描后才上传（上传时机设置）：揽收必须在截止前完成。',
      ),
    };
  }
  return {
    at: 'upload',
    note: localized(
      'The platform counts the tracking upload: a label bought now is uploaded at once and makes the deadline, even when the pick-up is after it.',
      '平台以上传运单号为准：现在购买面单会立即上传单号，即使揽收在截止之后也能按时。',
    ),
  };
}

async function promiseFor(db: Executor, order: OrderRow, now: number, promisedDays?: number): Promise<DeliveryPromise> {
  if (promisedDays !== undefined) return deliveryPromise(now, promisedDays, 'order');
  const receipt = await db
    .selectFrom('order_receipts')
    .select('freight_commit_days')
    .where('order_id', '=', order.id)
    .executeTakeFirst();
  if (receipt?.freight_commit_days) return deliveryPromise(now, receipt.freight_commit_days, 'order');
  const receiptClass = receiptClassOf(order.logistics_service, order.policy_id);
  return deliveryPromise(now, DEFAULT_RECEIPT_RULES.fallbackDays[receiptClass], 'policy', receiptClass);
}

/** The parcels still to be labelled: planned ones, or the plan `pack` would make. */
async function parcelsToQuote(db: Executor, order: OrderRow): Promise<ParcelToQuote[]> {
  const planned = (await planView(db, order.id)).filter((p) => p.status === 'created' || p.status === 'packed');
  if (planned.length) {
    return planned.map((p) => ({
      parcelId: p.parcelId,
      status: p.status,
      box: p.box,
      outerMm: p.outerMm,
      grossWeightG: p.measuredG ?? p.expectedGrossG,
      contents: p.contents,
    }));
  }
  const preview = await previewPacking(db, order);
  if (!preview) return [];
  return preview.result.parcels.map((parcel) => {
    const contents = new Map<string, number>();
    for (const p of parcel.placements) contents.set(p.sku, (contents.get(p.sku) ?? 0) + 1);
    return {
      parcelId: null,
      status: 'unplanned',
      box: parcel.box.code,
      outerMm: [...parcel.outerMm] as [number, number, number],
      grossWeightG: parcel.grossWeightG,
      contents: [...contents].map(([sku, quantity]) => ({ sku, quantity })),
    };
  });
}

export interface QuoteOptions {
  /** Override the promised delivery days (else the order's, else the policy's). */
  promisedDays?: number;
  /** Packing still to do before an unpacked parcel is ready (default DEFAULT_PACKING_MINUTES). */
  remainingWorkMinutes?: number;
  /** Quote only these parcels. */
  parcelIds?: number[];
  /** How long a carrier's live quote may take before its contract rates are used (default LIVE_QUOTE_TIMEOUT_MS). */
  liveQuoteTimeoutMs?: number;
}

export async function quoteOrder(
  ctx: AppContext,
  orderId: number,
  options: QuoteOptions = {},
  resolver: CarrierResolver = storedCarrierResolver(ctx),
): Promise<OrderQuotes> {
  const db = ctx.store.db;
  const now = ctx.now();
  const order = await orderStore.getOrder(db, undefined, orderId);
  if (!order) throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
  const catalog = await loadShippingCatalog(ctx);
  const promise = await promiseFor(db, order, now, options.promisedDays);
  const counted = await countedEventOf(ctx, order);
  let parcels = await parcelsToQuote(db, order);
  if (options.parcelIds)
    parcels = parcels.filter((p) => p.parcelId !== null && options.parcelIds!.includes(p.parcelId));
  const skus = [...new Set(parcels.flatMap((p) => p.contents.map((c) => c.sku)))];
  const dims = new Map((await packing.getSkuDimensions(db, skus)).map((d) => [d.sku, d]));
  const units = parcels.map((p) => p.contents.reduce((n, c) => n + c.quantity, 0));
  const values = prorate(order.total_amount, units);
  const buyerClass = buyerLogisticsClassOf(order.logistics_service);
  const goods = parcels.map((parcel) => {
    let batteries: BatteryKind = 'none';
    let liquids = false;
    for (const c of parcel.contents) {
      const d = dims.get(c.sku);
      if (d && BATTERY_RANK[d.batteries as BatteryKind] > BATTERY_RANK[batteries])
        batteries = d.batteries as BatteryKind;
      liquids ||= d?.liquids === 1;
    }
    return { batteries, liquids };
  });
  // The platform's estimates and the carriers' freight trials, per parcel (quote-prices.ts).
  const prices = await quotePrices(
    ctx,
    order,
    catalog,
    parcels.map((parcel, i) => ({ ...parcel, batteries: goods[i]!.batteries !== 'none' })),
    resolver,
    { now, ...(options.liveQuoteTimeoutMs !== undefined ? { timeoutMs: options.liveQuoteTimeoutMs } : {}) },
  );
  const quoted = parcels.map((parcel, i) => {
    const { batteries, liquids } = goods[i]!;
    const { livePrices, live } = prices.byParcel[i]!;
    const packed = parcel.status === 'packed';
    const choice = chooseService(
      {
        destinationCountry: order.buyer_country,
        grossWeightG: parcel.grossWeightG,
        declaredValue: { amount: values[i]!, currency: order.currency },
        skus: parcel.contents.map((c) => c.sku),
        shop: order.shop_id,
        ...(buyerClass ? { buyerLogisticsClass: buyerClass } : {}),
        dimsMm: parcel.outerMm,
        batteries,
        liquids,
      },
      catalog.services,
      catalog.rules,
      {
        now,
        remainingWorkMs: packed ? 0 : (options.remainingWorkMinutes ?? DEFAULT_PACKING_MINUTES) * 60_000,
        ...(order.ship_by_at !== null ? { shipByAt: order.ship_by_at } : {}),
        countedAt: counted.at,
        promisedDeliveryAt: promise.at,
        ...(livePrices.size ? { livePrices } : {}),
      },
    );
    return {
      ...parcel,
      choice,
      marketplaceService: choice.service ? (catalog.marketplaceServices.get(choice.service) ?? null) : null,
      pricing: pricingExplanation(
        live,
        choice.service && choice.quote ? { service: choice.service, currency: choice.quote.currency } : null,
      ),
    };
  });
  const sample =
    catalog.source === 'sample'
      ? localized(
          " Prices are SAMPLE rates, not your contract's (Settings → Carrier services shows which services are in use).",
          ' 价格为示例运价，并非您的合同运价（在「设置 → 物流服务」中可查看当前使用的服务）。',
        )
      : localized('', '');
  const platformNote = prices.platformPriced
    ? localized(
        " Online-logistics prices are the platform's own estimate for this order and parcel.",
        ' 线上发货价格为平台针对该订单和包裹的运费试算。',
      )
    : localized('', '');
  const notes = [platformNote, ...prices.platformNotes.map((n) => localized(` ${n.en}`, n['zh-CN']))];
  const extra = localized(notes.map((n) => n.en).join(''), notes.map((n) => n['zh-CN']).join(''));
  const message =
    quoted.length === 0
      ? localized(
          'Nothing to quote: every parcel of the order is labelled.',
          '无需报价：该订单的所有包裹都已打印面单。',
        )
      : localized(
          `${quoted.length} parcel${quoted.length > 1 ? 's' : ''}; ${promise.explanation.en}.${counted.note ? ` ${counted.note.en}` : ''}${sample.en}${extra.en}`,
          `${quoted.length} 个包裹；${promise.explanation['zh-CN']}。${counted.note ? counted.note['zh-CN'] : ''}${sample['zh-CN']}${extra['zh-CN']}`,
        );
  return { order, source: catalog.source, promise, buyerLogisticsClass: buyerClass ?? null, parcels: quoted, message };
}

/** The answer as the API and `--json` show it: every sentence in both languages, instants as ISO. */
export function presentQuotes(q: OrderQuotes) {
  return {
    order: {
      id: q.order.id,
      platform_order_id: q.order.platform_order_id,
      destination: q.order.buyer_country,
      ship_by_at: toIso(q.order.ship_by_at),
      logistics_service: q.order.logistics_service,
    },
    source: q.source,
    buyer_logistics_class: q.buyerLogisticsClass,
    promise: {
      at: toIso(q.promise.at),
      days: q.promise.days,
      source: q.promise.source,
      explanation: q.promise.explanation,
    },
    message: q.message,
    parcels: q.parcels.map((p) => ({
      parcel_id: p.parcelId,
      status: p.status,
      box: p.box,
      outer_mm: p.outerMm,
      gross_weight_g: p.grossWeightG,
      contents: p.contents,
      chosen: p.choice.service ?? null,
      marketplace_service: p.marketplaceService,
      basis: p.choice.basis,
      rule: p.choice.rule ?? null,
      cost: p.choice.cost ?? null,
      cost_source: p.choice.service ? costSource(q, p.choice.candidates.find((c) => c.chosen)?.quote) : null,
      pickup_at: toIso(p.choice.pickupAt),
      arrival_p90_at: toIso(p.choice.arrivalP90At),
      promise_kept: p.choice.promiseKept ?? null,
      explanation: p.pricing.en
        ? localized(
            `${p.choice.explanation.en} ${p.pricing.en}`,
            `${p.choice.explanation['zh-CN']}${p.pricing['zh-CN']}`,
          )
        : p.choice.explanation,
      pricing: p.pricing,
      candidates: p.choice.candidates.map((c) => ({
        service: c.service,
        name: c.name,
        chosen: c.chosen,
        cost: c.quote ? { amount: c.quote.total, currency: c.quote.currency } : null,
        cost_source: c.quote ? costSource(q, c.quote) : null,
        chargeable_g: c.quote?.chargeableG ?? null,
        pickup_at: toIso(c.pickupAt),
        arrival_p50_at: toIso(c.arrivalP50At),
        arrival_p90_at: toIso(c.arrivalP90At),
        dropped_because: c.reasons.map((r) => ({ code: r.code, message: r.message })),
      })),
      skipped_rules: p.choice.skippedRules.map((r) => ({
        id: r.id,
        name: r.name ?? null,
        service: r.service,
        reasons: r.reasons.map((x) => ({ code: x.code, message: x.message })),
      })),
    })),
  };
}

/**
 * Where a price comes from: `live` (the carrier's freight trial), `platform` (the marketplace's online-logistics
 * estimate), else the rate card's: `contract` or `sample`.
 */
function costSource(q: OrderQuotes, quote: RateQuote | undefined) {
  return quote?.source ?? q.source;
}
