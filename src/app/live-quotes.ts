/**
 * Live prices for a parcel: each service whose carrier account speaks a protocol that quotes (YunExpress
 * `Freight/GetPriceTrial`, 4PX `ds.xms.estimated_cost.get`: `CarrierAdapter.quotesLive`) is asked for its price,
 * all at once, each within `timeoutMs`. A price comes back in the service's currency (converted at the day's rate
 * when the carrier answers in another); a call that fails, times out or prices nothing leaves the service on its
 * contract rates, with the reason kept for the explanation. Services of carriers without such an account are on
 * the contract and are not asked.
 */
import type { LivePrice } from '../core/carrier/rate-card';
import type { CarrierService } from '../core/carrier/types';
import { convertMoney } from '../core/exchange';
import { formatMoney } from '../core/money';
import { localized, LocalizedError, type Localized } from '../core/i18n';
import type { CarrierAdapter, CarrierQuoteRequest } from '../integrations/carriers/types';
import type { CarrierResolver } from './carrier-accounts';

/** ASSUMPTION: a carrier's freight trial answers within 4 s or the contract rates are used (the packer waits). */
export const LIVE_QUOTE_TIMEOUT_MS = 4_000;

export type LivePricingNote =
  | { service: string; source: 'live'; price: LivePrice }
  | { service: string; source: 'contract'; reason: Localized };

export interface LivePricing {
  prices: Map<string, LivePrice>;
  /** One per service whose carrier quotes live: its live price, or why its contract rates apply. */
  notes: LivePricingNote[];
}

/** The adapters of the carriers, each resolved once (a quote of many parcels asks for each carrier once). */
export function cachedResolver(resolver: CarrierResolver, scope: { shopId: string }) {
  const adapters = new Map<string, Promise<CarrierAdapter | undefined>>();
  return (carrier: string): Promise<CarrierAdapter | undefined> => {
    let found = adapters.get(carrier);
    if (!found) {
      // An account that cannot be opened quotes nothing here; buying the label says why.
      found = resolver(carrier, scope).catch(() => undefined);
      adapters.set(carrier, found);
    }
    return found;
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

export async function livePricesFor(
  services: readonly CarrierService[],
  parcel: Omit<CarrierQuoteRequest, 'service'>,
  adapterOf: (carrier: string) => Promise<CarrierAdapter | undefined>,
  options: { now: number; timeoutMs?: number },
): Promise<LivePricing> {
  const timeoutMs = options.timeoutMs ?? LIVE_QUOTE_TIMEOUT_MS;
  const asked = await Promise.all(
    services.map(async (service): Promise<LivePricingNote | null> => {
      const adapter = await adapterOf(service.carrier);
      if (!adapter?.quotesLive) return null;
      try {
        const quote = await withTimeout(
          adapter.quote({ ...parcel, service: service.code }),
          timeoutMs,
          `${adapter.describe} (freight trial)`,
        );
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
