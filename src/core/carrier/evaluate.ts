/**
 * One carrier service evaluated for one parcel, apart from the choice among them (choose.ts): whether it takes the
 * parcel — destination, limits (weight, longest side, sum of sides, length + girth, declared value, batteries,
 * liquids), the buyer's logistics class —, its price (the carrier's or platform's own price for the parcel when the
 * context has one, else the rate card's for the chargeable weight), its next pick-up and the ship-by deadline, and
 * its p50/p90 arrival against the promised delivery date; each way it falls short is a reason, rendered on first read.
 */
import { localized, type Localized } from '../i18n';
import { formatMoney, type Money } from '../money';
import { DeadlineInputError } from '../deadline';
import { DAY_MS } from '../time';
import { convertMoney } from '../exchange';
import { LOGISTICS_CLASS_LABELS, meetsLogisticsClass } from './logistics-class';
import {
  liveRateQuote,
  quoteInZone,
  type CompiledService,
  type CompiledZone,
  type LivePrice,
  type RateQuote,
} from './rate-card';
import type { RuleParcelFacts } from './rules';
import type { BatteryKind } from './types';

export interface ShipmentParcel extends RuleParcelFacts {
  dimsMm: readonly [number, number, number]; // outer dimensions of the packed parcel
  batteries?: BatteryKind;
  liquids?: boolean;
}

export interface ShippingContext {
  now: number; // epoch ms
  remainingWorkMs?: number; // picking/packing still to do: the parcel is ready at now + this
  shipByAt?: number; // the marketplace's ship-by deadline
  /**
   * What must happen by `shipByAt` (the policy's counted event): the carrier's pick-up (default), or the upload of
   * the tracking number (AliExpress's regular mode): then a label bought and uploaded now makes the deadline even
   * when the pick-up is the next morning, and only a parcel not ready before the deadline misses it.
   */
  countedAt?: 'pickup' | 'upload';
  promisedDeliveryAt?: number; // the delivery date promised to the buyer
  /**
   * The carriers' own prices for this parcel, by service code, already in the service's currency: a carrier's
   * freight trial (`live`) or the marketplace's online-logistics estimate (`platform`). Such a service is priced (and
   * its transit taken, when given) from here instead of its rate card.
   */
  livePrices?: ReadonlyMap<string, LivePrice>;
}

export type DropReasonCode =
  | 'destination-not-served'
  | 'overweight'
  | 'too-long'
  | 'too-large'
  | 'girth'
  | 'value-too-high'
  | 'value-currency'
  | 'batteries'
  | 'liquids'
  | 'no-rate-for-weight'
  | 'below-buyer-class'
  | 'no-pickup'
  | 'misses-ship-by'
  | 'misses-promise'
  | 'costlier'
  | 'slower'
  | 'rule-chose-other';

export interface DropReason {
  code: DropReasonCode;
  readonly message: Localized; // rendered on first read: most reasons are never shown, so the hot path skips it
}

/**
 * A drop reason whose message is rendered on first read. A class (not an object literal with a getter) so every
 * instance shares one hidden class: per-object accessors would allocate a new map per reason and swamp the GC.
 */
class LazyReason implements DropReason {
  #render: () => Localized;
  #message: Localized | undefined;
  constructor(
    readonly code: DropReasonCode,
    render: () => Localized,
  ) {
    this.#render = render;
  }
  get message(): Localized {
    return (this.#message ??= this.#render());
  }
  toJSON(): { code: DropReasonCode; message: Localized } {
    return { code: this.code, message: this.message };
  }
}

export function reason(code: DropReasonCode, render: () => Localized): DropReason {
  return new LazyReason(code, render);
}

export interface ServiceCandidate {
  service: string;
  name: Localized;
  quote?: RateQuote;
  pickupAt?: number;
  arrivalP50At?: number;
  arrivalP90At?: number;
  chosen: boolean;
  /** Why it was not chosen (several may apply); empty for the chosen service. */
  reasons: DropReason[];
}

const BATTERY_RANK: Record<BatteryKind, number> = { none: 0, contained: 1, standalone: 2 };

export function instant(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export interface Evaluation {
  service: CompiledService;
  candidate: ServiceCandidate;
  fits: boolean; // every condition but the delivery promise
  onTime: boolean; // fits and p90 arrival no later than the promise (or no promise given)
}

/** The declared value in the limit's currency at the rates of `at`, or undefined when no rate is known. */
function declaredIn(value: Money, currency: string, at: number): Money | undefined {
  if (value.currency === currency) return value;
  try {
    return convertMoney(value, currency, at).to;
  } catch (error) {
    if (error instanceof DeadlineInputError) return undefined;
    throw error;
  }
}

export function evaluate(
  service: CompiledService,
  parcel: ShipmentParcel,
  readyAt: number,
  context: ShippingContext,
): Evaluation {
  const def = service.def;
  const reasons: DropReason[] = [];
  const candidate: ServiceCandidate = { service: def.code, name: def.name, chosen: false, reasons };

  const zone = service.zoneFor(parcel.destinationCountry);
  if (!zone) {
    reasons.push(
      reason('destination-not-served', () =>
        localized(`Does not ship to ${parcel.destinationCountry}.`, `不寄送到 ${parcel.destinationCountry}。`),
      ),
    );
  }
  sizeReasons(def.limits, parcel, reasons);
  goodsReasons(def, parcel, context.now, reasons);
  const transit = zone ? priceIn(service, zone, parcel, context, candidate, reasons) : undefined;
  pickupIn(service, readyAt, context, transit, candidate, reasons);
  const fits = reasons.length === 0;
  let onTime = fits;
  const promised = context.promisedDeliveryAt;
  const arrival = candidate.arrivalP90At;
  if (promised !== undefined && arrival !== undefined && arrival > promised) {
    onTime = false;
    reasons.push(
      reason('misses-promise', () =>
        localized(
          `9 in 10 parcels arrive by ${instant(arrival)}, after the promised ${instant(promised)}.`,
          `90% 的包裹在 ${instant(arrival)} 前送达，晚于承诺的 ${instant(promised)}。`,
        ),
      ),
    );
  }
  return { service, candidate, fits, onTime };
}

type Transit = { p50Ms: number; p90Ms: number };

/** The parcel's weight and size against the service's limits. */
function sizeReasons(limits: CompiledService['def']['limits'], parcel: ShipmentParcel, reasons: DropReason[]): void {
  const [a, b, c] = parcel.dimsMm;
  const longest = Math.max(a, b, c);
  const sum = a + b + c;
  if (parcel.grossWeightG > limits.maxWeightG) {
    reasons.push(
      reason('overweight', () =>
        localized(
          `Weighs ${parcel.grossWeightG} g; limit ${limits.maxWeightG} g.`,
          `重量 ${parcel.grossWeightG} 克，超过上限 ${limits.maxWeightG} 克。`,
        ),
      ),
    );
  }
  if (longest > limits.maxLongestSideMm) {
    reasons.push(
      reason('too-long', () =>
        localized(
          `Longest side ${longest} mm; limit ${limits.maxLongestSideMm} mm.`,
          `最长边 ${longest} 毫米，超过上限 ${limits.maxLongestSideMm} 毫米。`,
        ),
      ),
    );
  }
  if (limits.maxSumOfSidesMm !== undefined && sum > limits.maxSumOfSidesMm) {
    reasons.push(
      reason('too-large', () =>
        localized(
          `Length + width + height ${sum} mm; limit ${limits.maxSumOfSidesMm} mm.`,
          `长宽高之和 ${sum} 毫米，超过上限 ${limits.maxSumOfSidesMm} 毫米。`,
        ),
      ),
    );
  }
  if (limits.maxLengthPlusGirthMm !== undefined) {
    const girth = longest + 2 * (sum - longest);
    if (girth > limits.maxLengthPlusGirthMm) {
      reasons.push(
        reason('girth', () =>
          localized(
            `Length + girth ${girth} mm; limit ${limits.maxLengthPlusGirthMm} mm.`,
            `长度加周长 ${girth} 毫米，超过上限 ${limits.maxLengthPlusGirthMm} 毫米。`,
          ),
        ),
      );
    }
  }
}

/** What the parcel holds (declared value, batteries, liquids) and the buyer's class against the service's. */
function goodsReasons(def: CompiledService['def'], parcel: ShipmentParcel, now: number, reasons: DropReason[]): void {
  const limits = def.limits;
  const maxValue = limits.maxDeclaredValue;
  if (maxValue) {
    // A limit in another currency compares through the dated exchange rates of the day (core/exchange.ts).
    const compared = declaredIn(parcel.declaredValue, maxValue.currency, now);
    if (!compared) {
      reasons.push(
        reason('value-currency', () =>
          localized(
            `Declared value is in ${parcel.declaredValue.currency}; the service's value limit is in ${maxValue.currency}, and no exchange rate between them is known for today.`,
            `申报价值币种为 ${parcel.declaredValue.currency}，而该服务的限额币种为 ${maxValue.currency}，且没有今天两者之间的汇率。`,
          ),
        ),
      );
    } else if (compared.amount > maxValue.amount) {
      const shown =
        compared.currency === parcel.declaredValue.currency
          ? formatMoney(parcel.declaredValue)
          : `${formatMoney(parcel.declaredValue)} (${formatMoney(compared)})`;
      reasons.push(
        reason('value-too-high', () =>
          localized(
            `Declared value ${shown}; limit ${formatMoney(maxValue)}.`,
            `申报价值 ${shown}，超过上限 ${formatMoney(maxValue)}。`,
          ),
        ),
      );
    }
  }
  const batteries = parcel.batteries ?? 'none';
  if (BATTERY_RANK[batteries] > BATTERY_RANK[limits.batteries]) {
    reasons.push(
      reason('batteries', () =>
        localized(
          `Does not accept ${batteries === 'standalone' ? 'standalone batteries' : 'batteries'}.`,
          `不接受${batteries === 'standalone' ? '单独电池' : '带电产品'}。`,
        ),
      ),
    );
  }
  if (parcel.liquids && !limits.liquids) {
    reasons.push(reason('liquids', () => localized('Does not accept liquids.', '不接受液体。')));
  }
  if (parcel.buyerLogisticsClass && !meetsLogisticsClass(def.logisticsClass, parcel.buyerLogisticsClass)) {
    const mine = LOGISTICS_CLASS_LABELS[def.logisticsClass];
    const buyer = LOGISTICS_CLASS_LABELS[parcel.buyerLogisticsClass];
    reasons.push(
      reason('below-buyer-class', () =>
        localized(
          `Service class ${mine.en}; the buyer chose ${buyer.en}.`,
          `该服务为${mine['zh-CN']}，买家选择的是${buyer['zh-CN']}。`,
        ),
      ),
    );
  }
}

/** The parcel's price in the zone (its own price from the context, else the rate card's) and the transit days. */
function priceIn(
  service: CompiledService,
  zone: CompiledZone,
  parcel: ShipmentParcel,
  context: ShippingContext,
  candidate: ServiceCandidate,
  reasons: DropReason[],
): Transit | undefined {
  const def = service.def;
  let transit: Transit | undefined;
  const live = context.livePrices?.get(def.code);
  if (live) {
    candidate.quote = liveRateQuote(service, zone, parcel, live);
    transit = live.transitDays
      ? { p50Ms: live.transitDays.p50 * DAY_MS, p90Ms: live.transitDays.p90 * DAY_MS }
      : service.transitFor(parcel.destinationCountry, zone);
  } else {
    const quoted = quoteInZone(service, zone, parcel);
    if ('refused' in quoted) {
      if (quoted.refused === 'no-rate-for-weight') {
        reasons.push(
          reason('no-rate-for-weight', () =>
            localized(
              `No rate above ${quoted.maxG} g chargeable weight to ${parcel.destinationCountry}.`,
              `寄往 ${parcel.destinationCountry} 的计费重量超过 ${quoted.maxG} 克时无报价。`,
            ),
          ),
        );
      }
    } else {
      candidate.quote = quoted;
    }
    transit = service.transitFor(parcel.destinationCountry, zone);
  }
  return transit;
}

/** The next pick-up once the parcel is ready, the ship-by deadline, and the arrival it gives. */
function pickupIn(
  service: CompiledService,
  readyAt: number,
  context: ShippingContext,
  transit: Transit | undefined,
  candidate: ServiceCandidate,
  reasons: DropReason[],
): void {
  const pickupAt = service.pickup.next(readyAt);
  if (pickupAt === undefined) {
    reasons.push(reason('no-pickup', () => localized('Has no pick-up schedule.', '没有揽收时间表。')));
  } else {
    candidate.pickupAt = pickupAt;
    const shipByAt = context.shipByAt;
    if (shipByAt !== undefined && context.countedAt === 'upload') {
      if (readyAt > shipByAt) {
        reasons.push(
          reason('misses-ship-by', () =>
            localized(
              `The parcel is ready only at ${instant(readyAt)}, after the ship-by deadline ${instant(shipByAt)}: its number cannot be uploaded in time.`,
              `包裹要到 ${instant(readyAt)} 才能备好，晚于发货截止时间 ${instant(shipByAt)}：无法按时上传单号。`,
            ),
          ),
        );
      }
    } else if (shipByAt !== undefined && pickupAt > shipByAt) {
      reasons.push(
        reason('misses-ship-by', () =>
          localized(
            `Next pick-up ${instant(pickupAt)} is after the ship-by deadline ${instant(shipByAt)}.`,
            `下一次揽收 ${instant(pickupAt)} 晚于发货截止时间 ${instant(shipByAt)}。`,
          ),
        ),
      );
    }
    if (transit) {
      candidate.arrivalP50At = pickupAt + transit.p50Ms;
      candidate.arrivalP90At = pickupAt + transit.p90Ms;
    }
  }
}
