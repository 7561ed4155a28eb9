/**
 * The sample carrier's `GET /api/Freight/GetPriceTrial` (sample-server.ts), YunExpress's freight trial: every
 * service that takes the parcel (its limits, a rate for its weight), priced from the service's rate card, in the
 * fields of a YunExpress trial item (yunexpress/protocol.ts). `Items` is null when no service takes it, as
 * YunExpress answers.
 */
import { isQuoteRefusal, quote, type CompiledService } from '../../core/carrier/rate-card';
import { minorDigits } from '../../core/money';

const DAY_MS = 86_400_000;

export function priceTrial(
  services: Iterable<CompiledService>,
  query: URLSearchParams,
): { items: Array<Record<string, unknown>> | null } | { refused: string } {
  const country = (query.get('CountryCode') ?? '').toUpperCase();
  const weightG = Math.round(Number(query.get('Weight')) * 1000);
  const dims = ['Length', 'Width', 'Height'].map((k) => Math.round(Number(query.get(k) ?? '1') * 10)) as [
    number,
    number,
    number,
  ];
  if (!/^[A-Z]{2}$/.test(country) || !(weightG > 0) || !dims.every((d) => d > 0))
    return { refused: 'CountryCode and a positive Weight (kg) are required' };
  const items: Array<Record<string, unknown>> = [];
  for (const service of services) {
    const limits = service.def.limits;
    if (weightG > limits.maxWeightG || Math.max(...dims) > limits.maxLongestSideMm) continue;
    const priced = quote(service, { destinationCountry: country, grossWeightG: weightG, dimsMm: dims });
    if (isQuoteRefusal(priced)) continue;
    const transit = service.transitFor(country, service.zoneFor(country)!);
    const major = (minor: number) => minor / 10 ** minorDigits(priced.currency);
    items.push({
      Code: service.code,
      CName: service.def.name['zh-CN'],
      EName: service.def.name.en,
      ShippingFee: major(priced.freight),
      RegistrationFee: major(priced.handlingFee),
      FuelFee: major(priced.fuelSurcharge),
      SundryFee: 0,
      TariffPrepayFee: null,
      TotalFee: major(priced.total),
      Currency: priced.currency,
      DeliveryDays: `${Math.round(transit.p50Ms / DAY_MS)}-${Math.round(transit.p90Ms / DAY_MS)}`,
      Remark: '',
    });
  }
  return { items: items.length ? items : null };
}
