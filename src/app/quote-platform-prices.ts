/**
 * The platform's own price in the quote (issue 15): a candidate service whose carrier account is the marketplace's
 * online logistics (线上发货, protocol `aliexpress-online`) is priced by the platform for this order and parcel —
 * `getonlinelogisticsservicelistbyorderid`'s `trial_result` (integrations/carriers/aliexpress-online/protocol.ts) —
 * instead of the contract's rate card. When the platform gives no readable estimate, in another currency than the
 * rate card's, or cannot be asked (no connection, an error), the rate card's price stays, and a note says why.
 */
import { localized, type Localized } from '../core/i18n';
import type { Money } from '../core/money';
import { MARKETPLACE_LOGISTICS_PROTOCOL } from '../integrations/carriers/index';
import type { CarrierAdapter } from '../integrations/carriers/types';
import * as packing from '../store/packing';
import type { OrderRow } from '../store/schema';
import type { ShippingCatalog } from './carrier-contracts';
import type { AppContext } from './context';
import { onlineLogisticsAdapter } from './online-logistics';

export interface PricedParcel {
  grossWeightG: number;
  outerMm: readonly [number, number, number];
}

export interface PlatformPrices {
  /** Per parcel (same order as given): service code → the platform's price, minor units. */
  byParcel: Array<Map<string, { total: number; currency: string }>>;
  /** Why a platform estimate was not used, at most one per service. */
  notes: Localized[];
}

/** The platform's estimates for the online-logistics services of the catalog, per parcel. */
export async function platformPrices(
  ctx: AppContext,
  order: OrderRow,
  catalog: ShippingCatalog,
  parcels: readonly PricedParcel[],
): Promise<PlatformPrices> {
  const result: PlatformPrices = { byParcel: parcels.map(() => new Map()), notes: [] };
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
  const adapters = new Map<string, CarrierAdapter>();
  for (const service of online) {
    const platformService = catalog.marketplaceServices.get(service.code) ?? service.code.toUpperCase();
    for (const [index, parcel] of parcels.entries()) {
      let estimate: Money;
      try {
        const account = accountOf(service.carrier)!;
        let adapter = adapters.get(account.account_id);
        if (!adapter) {
          adapter = await onlineLogisticsAdapter(ctx, order.shop_id, account.account_id);
          adapters.set(account.account_id, adapter);
        }
        estimate = (
          await adapter.quote({
            service: platformService,
            destinationCountry: order.buyer_country,
            grossWeightG: parcel.grossWeightG,
            dimsMm: parcel.outerMm,
            platformOrderId: order.platform_order_id,
          })
        ).cost;
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
      result.byParcel[index]!.set(service.code, { total: estimate.amount, currency: estimate.currency });
    }
  }
  return result;
}
