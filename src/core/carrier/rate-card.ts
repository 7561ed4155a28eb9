/**
 * Rate-card arithmetic, precompiled for the hot path.
 *
 * - `compileService(service)` → `CompiledService`: zone lookup by country (a Map), brackets as arrays, fuel
 *   surcharge in basis points, transit in ms, a pick-up calendar.
 * - `volumetricWeightG(dimsMm, divisor)`: ⌈L·W·H (mm³) / divisor⌉ grams — with the divisor in cm³/kg this is the
 *   same as (L·W·H in cm³ / divisor) kg.
 * - `quote(compiled, parcel)`: chargeable weight = max(actual, volumetric); the first bracket whose `upToG` covers
 *   it prices the freight:
 *     first-additional: firstPrice + ⌈max(0, w − firstWeightG) / additionalStepG⌉ × additionalStepPrice
 *     per-kg:           ⌈perKgPrice × w' / 1000⌉, w' = max(w, minChargeableG) rounded up to roundUpToG
 *   fuel surcharge = freight × percent, rounded half up to the minor unit; total = freight + fuel + handling fee.
 *   Integer arithmetic throughout (money in minor units).
 */
import { PickupCalendar } from './pickup';
import type { CarrierService, RateZone, TransitDays, WeightPricing } from './types';

const DAY_MS = 86_400_000;

export interface CompiledTransit {
  p50Ms: number;
  p90Ms: number;
}

export interface CompiledZone {
  id: string;
  bracketUpToG: number[];
  bracketPricing: WeightPricing[];
  transit: CompiledTransit;
}

export interface CompiledService {
  readonly def: CarrierService;
  readonly code: string;
  readonly currency: string;
  readonly fuelBasisPoints: number;
  readonly volumetricDivisor: number | undefined;
  readonly pickup: PickupCalendar;
  zoneFor(country: string): CompiledZone | undefined;
  transitFor(country: string, zone: CompiledZone): CompiledTransit;
}

export interface QuoteInput {
  destinationCountry: string;
  grossWeightG: number;
  dimsMm: readonly [number, number, number];
}

export interface RateQuote {
  service: string;
  zone: string;
  currency: string;
  actualG: number;
  volumetricG: number; // 0 when the service bills actual weight only
  chargeableG: number; // max(actual, volumetric): selects the bracket
  billedG: number; // weight the price was computed on (after minimum / rounding rules)
  freight: number;
  fuelSurcharge: number;
  handlingFee: number;
  total: number; // freight + fuelSurcharge + handlingFee, minor units
  /**
   * Where the price comes from when not the rate card: `live`, the carrier's own freight trial for this parcel;
   * `platform`, the marketplace's online-logistics estimate for this order and parcel.
   */
  source?: LivePriceSource;
}

export type QuoteRefusal = { refused: 'destination-not-served' } | { refused: 'no-rate-for-weight'; maxG: number };

function compileTransit(t: TransitDays): CompiledTransit {
  return { p50Ms: Math.round(t.p50Days * DAY_MS), p90Ms: Math.round(t.p90Days * DAY_MS) };
}

function compileZone(zone: RateZone): CompiledZone {
  return {
    id: zone.id,
    bracketUpToG: zone.brackets.map((b) => b.upToG),
    bracketPricing: zone.brackets.map((b) => b.pricing),
    transit: compileTransit(zone.transit),
  };
}

export function compileService(service: CarrierService): CompiledService {
  const byCountry = new Map<string, CompiledZone>();
  let rest: CompiledZone | undefined;
  for (const zone of service.zones) {
    const compiled = compileZone(zone);
    for (const country of zone.countries) {
      if (country === '*') rest = compiled;
      else byCountry.set(country, compiled);
    }
  }
  const transitOverrides = new Map<string, CompiledTransit>();
  for (const [country, transit] of Object.entries(service.transitByCountry ?? {})) {
    transitOverrides.set(country, compileTransit(transit));
  }
  return {
    def: service,
    code: service.code,
    currency: service.currency,
    fuelBasisPoints: Math.round(service.fuelSurchargePercent * 100),
    volumetricDivisor: service.volumetricDivisor,
    pickup: new PickupCalendar(service.pickup),
    zoneFor: (country) => byCountry.get(country) ?? rest,
    transitFor: (country, zone) => transitOverrides.get(country) ?? zone.transit,
  };
}

export function volumetricWeightG(dimsMm: readonly [number, number, number], divisorCm3PerKg: number): number {
  return Math.ceil((dimsMm[0] * dimsMm[1] * dimsMm[2]) / divisorCm3PerKg);
}

/** Freight (before fuel and handling) and the billed weight for a bracket's pricing. */
function priceWeight(
  pricing: WeightPricing,
  chargeableG: number,
): { freight: number; billedG: number; handlingFee: number } {
  if (pricing.kind === 'first-additional') {
    const extraSteps = Math.ceil(Math.max(0, chargeableG - pricing.firstWeightG) / pricing.additionalStepG);
    return {
      freight: pricing.firstPrice + extraSteps * pricing.additionalStepPrice,
      billedG: Math.max(chargeableG, pricing.firstWeightG),
      handlingFee: pricing.handlingFee ?? 0,
    };
  }
  const step = pricing.roundUpToG ?? 1;
  const billedG = Math.ceil(Math.max(chargeableG, pricing.minChargeableG ?? 0) / step) * step;
  return {
    freight: Math.ceil((pricing.perKgPrice * billedG) / 1000),
    billedG,
    handlingFee: pricing.handlingFee ?? 0,
  };
}

/** Rounds value × basisPoints / 10000 half up, in integers. */
export function applyBasisPoints(value: number, basisPoints: number): number {
  return Math.floor((value * basisPoints + 5000) / 10000);
}

export function quote(service: CompiledService, parcel: QuoteInput): RateQuote | QuoteRefusal {
  const zone = service.zoneFor(parcel.destinationCountry);
  if (!zone) return { refused: 'destination-not-served' };
  return quoteInZone(service, zone, parcel);
}

export function quoteInZone(
  service: CompiledService,
  zone: CompiledZone,
  parcel: QuoteInput,
): RateQuote | QuoteRefusal {
  const actualG = parcel.grossWeightG;
  const volumetricG = service.volumetricDivisor ? volumetricWeightG(parcel.dimsMm, service.volumetricDivisor) : 0;
  const chargeableG = Math.max(actualG, volumetricG);
  const brackets = zone.bracketUpToG;
  let index = 0;
  while (index < brackets.length && brackets[index]! < chargeableG) index++;
  if (index === brackets.length) return { refused: 'no-rate-for-weight', maxG: brackets[brackets.length - 1]! };
  const { freight, billedG, handlingFee } = priceWeight(zone.bracketPricing[index]!, chargeableG);
  const fuelSurcharge = applyBasisPoints(freight, service.fuelBasisPoints);
  return {
    service: service.code,
    zone: zone.id,
    currency: service.currency,
    actualG,
    volumetricG,
    chargeableG,
    billedG,
    freight,
    fuelSurcharge,
    handlingFee,
    total: freight + fuelSurcharge + handlingFee,
  };
}

export function isQuoteRefusal(value: RateQuote | QuoteRefusal): value is QuoteRefusal {
  return 'refused' in value;
}

export type LivePriceSource = 'live' | 'platform';

/**
 * A price given for this very parcel, in minor units of the service's currency: the carrier's freight trial (`live`,
 * the default) or the marketplace's online-logistics estimate (`platform`).
 */
export interface LivePrice {
  total: number;
  source?: LivePriceSource;
  chargeableG?: number;
  transitDays?: { p50: number; p90: number } | null;
}

/** The carrier's live price as a quote: the weights as the rate card reads them (when it has a rate), its price. */
export function liveRateQuote(
  service: CompiledService,
  zone: CompiledZone,
  parcel: QuoteInput,
  live: LivePrice,
): RateQuote {
  const card = quoteInZone(service, zone, parcel);
  const weights =
    'refused' in card
      ? { actualG: parcel.grossWeightG, volumetricG: 0, chargeableG: parcel.grossWeightG, billedG: parcel.grossWeightG }
      : { actualG: card.actualG, volumetricG: card.volumetricG, chargeableG: card.chargeableG, billedG: card.billedG };
  if (live.chargeableG !== undefined) weights.chargeableG = weights.billedG = live.chargeableG;
  return {
    service: service.code,
    zone: zone.id,
    currency: service.currency,
    ...weights,
    freight: live.total,
    fuelSurcharge: 0,
    handlingFee: 0,
    total: live.total,
    source: live.source ?? 'live',
  };
}
