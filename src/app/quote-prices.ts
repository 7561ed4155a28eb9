/**
 * The prices a quote hands the carrier choice (`chooseService`'s `livePrices`), gathered in one place from the two
 * sources that price a parcel itself instead of the contract's rate card, each an adapter call beside the other:
 *
 * - the carrier's freight trial (`live`): each service whose carrier account speaks a protocol that quotes
 *   (YunExpress `Freight/GetPriceTrial`, 4PX `ds.xms.estimated_cost.get`: `CarrierAdapter.quotesLive`) is asked,
 *   all at once, each within `timeoutMs`. The price comes back in the service's currency (converted at the day's
 *   rate when the carrier answers in another); a call that fails, times out or prices nothing leaves the service on
 *   its contract rates, with the reason kept for the explanation (`pricingExplanation`).
 * - the marketplace's estimate (`platform`, issue 15): a service whose carrier account is the marketplace's online
 *   logistics (线上发货, protocol `aliexpress-online`) is priced by the platform for this order and parcel —
 *   `getonlinelogisticsservicelistbyorderid`'s `trial_result` (integrations/carriers/aliexpress-online/protocol.ts).
 *   When the platform gives no readable estimate, in another currency than the rate card's, or cannot be asked (no
 *   connection, an error), the rate card's price stays, and a note says why, once per service.
 *
 * A carrier's live price wins over the platform's estimate for the same service. Services of carriers with neither
 * account are on the contract and are not asked.
 */
import type { LivePrice } from '../core/carrier/rate-card';
import type { CarrierService } from '../core/carrier/types';
import { convertMoney } from '../core/exchange';
import { localized, LocalizedError, type Localized } from '../core/i18n';
import { formatMoney, type Money } from '../core/money';
import { MARKETPLACE_LOGISTICS_PROTOCOL } from '../integrations/carriers/index';
import type { CarrierAdapter, CarrierQuoteRequest } from '../integrations/carriers/types';
import * as packing from '../store/packing';
import type { OrderRow } from '../store/schema';
import type { CarrierResolver, ShippingCatalog } from './carrier-contracts';
import type { AppContext } from './context';
import { onlineLogisticsAdapter } from './online-logistics';

/** ASSUMPTION: a carrier's freight trial answers within 4 s or the contract rates are used (the packer waits). */
export const LIVE_QUOTE_TIMEOUT_MS = 4_000;

export interface ParcelToPrice {
  grossWeightG: number;
  outerMm: readonly [number, number, number];
  batteries: boolean;
}

type LivePricingNote =
  | { service: string; source: 'live'; price: LivePrice }
  | { service: string; source: 'contract'; reason: Localized };

/** The carriers' freight trials of one parcel. */
export interface LivePricing {
  prices: Map<string, LivePrice>;
  /** One per service whose carrier quotes live: its live price, or why its contract rates apply. */
  notes: LivePricingNote[];
}

export interface QuotePrices {
  /** Per parcel (same order as given): the prices for the choice, and the carriers' trials for the explanation. */
  byParcel: Array<{ livePrices: Map<string, LivePrice>; live: LivePricing }>;
  /** Some parcel is priced by the platform's estimate. */
  platformPriced: boolean;
  /** Why a platform estimate was not used, at most one per service. */
  platformNotes: Localized[];
}

/** The prices of every parcel of the order: the platform's estimates, then the carriers' freight trials. */
export async function quotePrices(
  ctx: AppContext,
  order: OrderRow,
  catalog: ShippingCatalog,
  parcels: readonly ParcelToPrice[],
  resolver: CarrierResolver,
  options: { now: number; timeoutMs?: number },
): Promise<QuotePrices> {
  const platform = await platformEstimates(ctx, order, catalog, parcels);
  const carrierOf = once((carrier: string) =>
    // An account that cannot be opened quotes nothing here; buying the label says why.
    resolver(carrier, { shopId: order.shop_id }).catch(() => undefined),
  );
  const byParcel = await Promise.all(
    parcels.map(async (parcel, i) => {
      const live = await carrierTrials(catalog.services, order, parcel, carrierOf, options);
      const livePrices = new Map(live.prices);
      for (const [code, price] of platform.byParcel[i]!)
        if (!livePrices.has(code)) livePrices.set(code, { total: price.amount, source: 'platform' });
      return { livePrices, live };
    }),
  );
  return {
    byParcel,
    platformPriced: platform.byParcel.some((prices) => prices.size > 0),
    platformNotes: platform.notes,
  };
}

/** Each key's value made once: a quote of many parcels opens each carrier's account once. */
function once<V>(make: (key: string) => Promise<V>): (key: string) => Promise<V> {
  const made = new Map<string, Promise<V>>();
  return (key) => {
    let found = made.get(key);
    if (!found) {
      found = make(key);
      made.set(key, found);
    }
    return found;
  };
}

/** What both sources are asked: the parcel of the order. */
function parcelRequest(order: OrderRow, parcel: ParcelToPrice, service: string): CarrierQuoteRequest {
  return {
    service,
    destinationCountry: order.buyer_country,
    grossWeightG: parcel.grossWeightG,
    dimsMm: parcel.outerMm,
    platformOrderId: order.platform_order_id,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function reasonOf(error: unknown): Localized {
  if (error instanceof LocalizedError) return error.localizedMessage;
  const text = error instanceof Error ? error.message : String(error);
  return localized(text, text);
}

/** The carriers' freight trials (`live`) of one parcel, every quoting service at once. */
async function carrierTrials(
  services: readonly CarrierService[],
  order: OrderRow,
  parcel: ParcelToPrice,
  carrierOf: (carrier: string) => Promise<CarrierAdapter | undefined>,
  options: { now: number; timeoutMs?: number },
): Promise<LivePricing> {
  const timeoutMs = options.timeoutMs ?? LIVE_QUOTE_TIMEOUT_MS;
  const asked = await Promise.all(
    services.map(async (service): Promise<LivePricingNote | null> => {
      const adapter = await carrierOf(service.carrier);
      if (!adapter?.quotesLive) return null;
      try {
        const request = {
          ...parcelRequest(order, parcel, service.code),
          postcode: order.postcode,
          batteries: parcel.batteries,
        };
        const quote = await withTimeout(adapter.quote(request), timeoutMs, `${adapter.describe} (freight trial)`);
        const total =
          quote.cost.currency === service.currency
            ? quote.cost.amount
            : convertMoney(quote.cost, service.currency, options.now).to.amount;
        return {
          service: service.code,
          source: 'live',
          price: { total, ...(quote.transitDays ? { transitDays: quote.transitDays } : {}) },
        };
      } catch (error) {
        return { service: service.code, source: 'contract', reason: reasonOf(error) };
      }
    }),
  );
  const notes = asked.filter((n): n is LivePricingNote => n !== null);
  return {
    prices: new Map(notes.flatMap((n) => (n.source === 'live' ? [[n.service, n.price] as const] : []))),
    notes,
  };
}

/** The platform's estimates (`platform`) for the online-logistics services of the catalog, per parcel. */
async function platformEstimates(
  ctx: AppContext,
  order: OrderRow,
  catalog: ShippingCatalog,
  parcels: readonly ParcelToPrice[],
): Promise<{ byParcel: Array<Map<string, Money>>; notes: Localized[] }> {
  const result = { byParcel: parcels.map(() => new Map<string, Money>()), notes: [] as Localized[] };
  const accounts = await packing.listCarrierAccounts(ctx.store.db);
  const accountOf = (carrier: string) =>
    accounts.find((a) => a.carrier === carrier) ?? accounts.find((a) => a.carrier === '*');
  const online = catalog.services.filter((s) => accountOf(s.carrier)?.protocol === MARKETPLACE_LOGISTICS_PROTOCOL);
  if (online.length === 0 || parcels.length === 0) return result;
  const noted = new Set<string>();
  const note = (code: string, text: Localized) => {
    if (noted.has(code)) return;
    noted.add(code);
    result.notes.push(text);
  };
  const adapterOf = once((accountId: string) => onlineLogisticsAdapter(ctx, order.shop_id, accountId));
  for (const service of online) {
    const platformService = catalog.marketplaceServices.get(service.code) ?? service.code.toUpperCase();
    for (const [index, parcel] of parcels.entries()) {
      let estimate: Money;
      try {
        const adapter = await adapterOf(accountOf(service.carrier)!.account_id);
        estimate = (await adapter.quote(parcelRequest(order, parcel, platformService))).cost;
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        note(
          service.code,
          localized(
            `${service.code}: the platform's estimate could not be read (${why}); the rate card's price is shown.`,
            `${service.code}：无法读取平台的运费试算（${why}）；显示的是运价表的价格。`,
          ),
        );
        continue;
      }
      if (estimate.currency !== service.currency) {
        note(
          service.code,
          localized(
            `${service.code}: the platform's estimate is in ${estimate.currency}, the rate card in ${service.currency}; the rate card's price is shown.`,
            `${service.code}：平台试算以 ${estimate.currency} 计价，运价表以 ${service.currency} 计价；显示的是运价表的价格。`,
          ),
        );
        continue;
      }
      result.byParcel[index]!.set(service.code, estimate);
    }
  }
  return result;
}

/**
 * Which prices the choice used, in both languages: the chosen service's (the carrier's live price or the contract
 * rates), then each service left on its contract rates because its carrier's live quote failed, with the reason.
 */
export function pricingExplanation(
  pricing: LivePricing,
  chosen: { service: string; currency: string } | null,
): Localized {
  const en: string[] = [];
  const zh: string[] = [];
  if (chosen) {
    const live = pricing.prices.get(chosen.service);
    if (live) {
      const price = formatMoney({ amount: live.total, currency: chosen.currency });
      en.push(`${chosen.service} is priced live by its carrier (${price}), not from the contract rates.`);
      zh.push(`${chosen.service} 的价格为承运商实时报价（${price}），而非合同运价。`);
    } else {
      en.push(`${chosen.service} is priced from the contract rates.`);
      zh.push(`${chosen.service} 的价格来自合同运价。`);
    }
  }
  for (const note of pricing.notes) {
    if (note.source !== 'contract') continue;
    const why = note.reason;
    en.push(
      `${note.service}: the carrier's live quote failed (${why.en.replace(/[.。]$/, '')}); its contract rates apply.`,
    );
    zh.push(`${note.service}：承运商实时报价失败（${why['zh-CN'].replace(/[.。]$/, '')}），按合同运价计算。`);
  }
  return localized(en.join(' '), zh.join(''));
}
