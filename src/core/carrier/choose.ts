/**
 * Choosing the carrier service for a parcel, with the reasons.
 *
 * `chooseService(parcel, services, rules, context)`:
 *   1. Every service is evaluated: destination served, limits (weight, longest side, sum of sides, length + girth,
 *      declared value, batteries, liquids), a rate for the chargeable weight, at least the buyer's logistics class,
 *      next pick-up cut-off at or after `readyAt = now + remainingWorkMs` and no later than the ship-by deadline
 *      (when the platform counts the tracking upload instead, `countedAt: 'upload'`, only `readyAt` must be),
 *      p50/p90 arrival = pick-up + transit days.
 *   2. Seller rules, in their fixed order: the first rule whose conditions match AND whose service fits (all of the
 *      above except the delivery promise, which is the seller's call when they write a rule) wins.
 *   3. Otherwise rate shopping: the cheapest fitting service whose p90 arrival is no later than the promised
 *      delivery date (ties: earlier p90 arrival, then catalogue order).
 *   4. If no fitting service keeps the promise, the fitting service with the earliest p90 arrival is chosen and the
 *      choice says the promise is at risk (shipping late beats not shipping: the order closes at the deadline).
 * The result lists every candidate with its quote, pick-up and arrival, and a Localized reason for each one not
 * chosen; rules that matched but could not be used are listed with their service's reasons.
 *
 * `services` and `rules` may be the raw arrays (compiled once and cached per array; treat them as immutable) or
 * the output of `compileServices` / `compileRulesFor`. All services must share one currency so costs compare.
 */
import { localized, type Localized } from '../i18n';
import { formatMoney, type Money } from '../money';
import { DeadlineInputError } from '../deadline';
import { DAY_MS } from '../time';
import { convertMoney } from '../exchange';
import { LOGISTICS_CLASS_LABELS, meetsLogisticsClass } from './logistics-class';
import {
  compileService,
  liveRateQuote,
  quoteInZone,
  type CompiledService,
  type LivePrice,
  type RateQuote,
} from './rate-card';
import { compileRules, type CompiledRules, type RuleParcelFacts, type ShippingRule } from './rules';
import type { BatteryKind, CarrierService } from './types';

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

function reason(code: DropReasonCode, render: () => Localized): DropReason {
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

export type ChoiceBasis = 'rule' | 'cheapest-on-time' | 'fastest-late' | 'none';

export interface ServiceChoice {
  service?: string;
  basis: ChoiceBasis;
  rule?: { id: string; name?: string };
  quote?: RateQuote;
  cost?: Money;
  pickupAt?: number;
  arrivalP90At?: number;
  /** False when the chosen service's p90 arrival is after the promised delivery date. */
  promiseKept?: boolean;
  candidates: ServiceCandidate[];
  /** Rules that matched the parcel but whose service could not take it, in rule order. */
  skippedRules: Array<{ id: string; name?: string; service: string; reasons: DropReason[] }>;
  readonly explanation: Localized; // rendered on first read
}

export interface CompiledServices {
  readonly services: readonly CompiledService[];
  readonly byCode: ReadonlyMap<string, CompiledService>;
  readonly currency: string;
}

const BATTERY_RANK: Record<BatteryKind, number> = { none: 0, contained: 1, standalone: 2 };

export function compileServices(services: readonly CarrierService[]): CompiledServices {
  if (services.length === 0) throw new RangeError('No carrier services to choose from.');
  const currency = services[0]!.currency;
  const byCode = new Map<string, CompiledService>();
  const compiled = services.map((service) => {
    if (service.currency !== currency) {
      throw new RangeError(
        `Service "${service.code}" is priced in ${service.currency}, others in ${currency}: costs would not compare.`,
      );
    }
    if (byCode.has(service.code)) throw new RangeError(`Duplicate service code "${service.code}".`);
    const c = compileService(service);
    byCode.set(service.code, c);
    return c;
  });
  return { services: compiled, byCode, currency };
}

const servicesCache = new WeakMap<readonly CarrierService[], CompiledServices>();
const rulesCache = new WeakMap<readonly ShippingRule[], WeakMap<CompiledServices, CompiledRules>>();

function asCompiledServices(services: readonly CarrierService[] | CompiledServices): CompiledServices {
  if (!Array.isArray(services)) return services as CompiledServices;
  const list = services as readonly CarrierService[];
  let compiled = servicesCache.get(list);
  if (!compiled) {
    compiled = compileServices(list);
    servicesCache.set(list, compiled);
  }
  return compiled;
}

function asCompiledRules(rules: readonly ShippingRule[] | CompiledRules, services: CompiledServices): CompiledRules {
  if (!Array.isArray(rules)) return rules as CompiledRules;
  const list = rules as readonly ShippingRule[];
  let perServices = rulesCache.get(list);
  if (!perServices) {
    perServices = new WeakMap();
    rulesCache.set(list, perServices);
  }
  let compiled = perServices.get(services);
  if (!compiled) {
    compiled = compileRules(list, new Set(services.byCode.keys()));
    perServices.set(services, compiled);
  }
  return compiled;
}

/** Compiles rules against a compiled service set (checks that every rule names one of its services). */
export function compileRulesFor(rules: readonly ShippingRule[], services: CompiledServices): CompiledRules {
  return compileRules(rules, new Set(services.byCode.keys()));
}

function instant(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

function money(amount: number, currency: string): string {
  return formatMoney({ amount, currency });
}

interface Evaluation {
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

function evaluate(
  service: CompiledService,
  parcel: ShipmentParcel,
  readyAt: number,
  context: ShippingContext,
): Evaluation {
  const def = service.def;
  const limits = def.limits;
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
  const maxValue = limits.maxDeclaredValue;
  if (maxValue) {
    // A limit in another currency compares through the dated exchange rates of the day (core/exchange.ts).
    const compared = declaredIn(parcel.declaredValue, maxValue.currency, context.now);
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
  let transit: { p50Ms: number; p90Ms: number } | undefined;
  const live = context.livePrices?.get(def.code);
  if (zone && live) {
    candidate.quote = liveRateQuote(service, zone, parcel, live);
    transit = live.transitDays
      ? { p50Ms: live.transitDays.p50 * DAY_MS, p90Ms: live.transitDays.p90 * DAY_MS }
      : service.transitFor(parcel.destinationCountry, zone);
  } else if (zone) {
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

function better(x: Evaluation, y: Evaluation): boolean {
  const xt = x.candidate.quote!.total;
  const yt = y.candidate.quote!.total;
  if (xt !== yt) return xt < yt;
  return x.candidate.arrivalP90At! < y.candidate.arrivalP90At!;
}

export function chooseService(
  parcel: ShipmentParcel,
  services: readonly CarrierService[] | CompiledServices,
  rules: readonly ShippingRule[] | CompiledRules,
  context: ShippingContext,
): ServiceChoice {
  const compiledServices = asCompiledServices(services);
  const compiledRules = asCompiledRules(rules, compiledServices);
  const readyAt = context.now + (context.remainingWorkMs ?? 0);
  const evaluations = compiledServices.services.map((service) => evaluate(service, parcel, readyAt, context));
  const byCode = new Map(evaluations.map((e) => [e.service.code, e]));

  let chosen: Evaluation | undefined;
  let basis: ChoiceBasis = 'none';
  let rule: ShippingRule | undefined;
  const skippedRules: ServiceChoice['skippedRules'] = [];
  for (const compiled of compiledRules.forCountry(parcel.destinationCountry)) {
    if (!compiled.matches(parcel)) continue;
    const evaluation = byCode.get(compiled.rule.service)!;
    if (evaluation.fits) {
      chosen = evaluation;
      basis = 'rule';
      rule = compiled.rule;
      break;
    }
    skippedRules.push({
      id: compiled.rule.id,
      ...(compiled.rule.name !== undefined ? { name: compiled.rule.name } : {}),
      service: compiled.rule.service,
      reasons: evaluation.candidate.reasons.filter((r) => r.code !== 'misses-promise'),
    });
  }
  if (!chosen) {
    for (const e of evaluations) if (e.onTime && (!chosen || better(e, chosen))) chosen = e;
    if (chosen) basis = 'cheapest-on-time';
  }
  if (!chosen) {
    for (const e of evaluations) {
      if (e.fits && (!chosen || e.candidate.arrivalP90At! < chosen.candidate.arrivalP90At!)) chosen = e;
    }
    if (chosen) basis = 'fastest-late';
  }

  const currency = compiledServices.currency;
  const candidates = evaluations.map((e) => e.candidate);
  if (!chosen) {
    return new Choice({ basis: 'none', candidates, skippedRules }, () => explainNone(candidates));
  }

  const c = chosen.candidate;
  c.chosen = true;
  // The chosen one may carry 'misses-promise' (fastest-late, or a rule's choice): a warning then, not a drop.
  const promiseWarning = c.reasons.find((r) => r.code === 'misses-promise');
  c.reasons = [];
  for (const e of evaluations) {
    if (e === chosen) continue;
    const reasons = e.candidate.reasons;
    if (basis === 'rule' && e.fits) {
      const label = rule!.name ?? rule!.id;
      reasons.push(
        reason('rule-chose-other', () =>
          localized(`Seller rule "${label}" chose ${c.name.en}.`, `卖家规则“${label}”选择了 ${c.name['zh-CN']}。`),
        ),
      );
    } else if (basis === 'cheapest-on-time' && e.onTime) {
      const diff = e.candidate.quote!.total - c.quote!.total;
      reasons.push(
        reason('costlier', () =>
          diff > 0
            ? localized(
                `Costs ${money(diff, currency)} more than ${c.name.en}.`,
                `比 ${c.name['zh-CN']} 贵 ${money(diff, currency)}。`,
              )
            : localized(`Same cost as ${c.name.en} but arrives later.`, `与 ${c.name['zh-CN']} 价格相同但到达更晚。`),
        ),
      );
    } else if (basis === 'fastest-late' && e.fits) {
      reasons.push(
        reason('slower', () => localized(`Arrives later than ${c.name.en}.`, `比 ${c.name['zh-CN']} 到达更晚。`)),
      );
    }
  }
  const quote = c.quote!;
  const chosenBasis = basis;
  const chosenRule = rule;
  return new Choice(
    {
      service: c.service,
      basis,
      ...(rule ? { rule: { id: rule.id, ...(rule.name !== undefined ? { name: rule.name } : {}) } } : {}),
      quote,
      cost: { amount: quote.total, currency },
      pickupAt: c.pickupAt!,
      arrivalP90At: c.arrivalP90At!,
      promiseKept: promiseWarning === undefined,
      candidates,
      skippedRules,
    },
    () => explainChoice(c, chosenBasis, chosenRule, promiseWarning, currency),
  );
}

/** The choice with its explanation rendered on first read (one shared hidden class; JSON includes it). */
class Choice implements ServiceChoice {
  declare service?: string;
  declare basis: ChoiceBasis;
  declare rule?: { id: string; name?: string };
  declare quote?: RateQuote;
  declare cost?: Money;
  declare pickupAt?: number;
  declare arrivalP90At?: number;
  declare promiseKept?: boolean;
  declare candidates: ServiceCandidate[];
  declare skippedRules: ServiceChoice['skippedRules'];
  #explain: () => Localized;
  #explanation: Localized | undefined;
  constructor(fields: Omit<ServiceChoice, 'explanation'>, explain: () => Localized) {
    Object.assign(this, fields);
    this.#explain = explain;
  }
  get explanation(): Localized {
    return (this.#explanation ??= this.#explain());
  }
  toJSON(): Omit<ServiceChoice, 'explanation'> & { explanation: Localized } {
    return { ...this, explanation: this.explanation };
  }
}

function explainChoice(
  c: ServiceCandidate,
  basis: ChoiceBasis,
  rule: ShippingRule | undefined,
  promiseWarning: DropReason | undefined,
  currency: string,
): Localized {
  const label = rule ? (rule.name ?? rule.id) : '';
  const head =
    basis === 'rule'
      ? localized(`Seller rule "${label}" → ${c.name.en}`, `卖家规则“${label}” → ${c.name['zh-CN']}`)
      : basis === 'cheapest-on-time'
        ? localized(`Cheapest service that arrives in time: ${c.name.en}`, `按时送达的最便宜服务：${c.name['zh-CN']}`)
        : localized(
            `No service arrives by the promised date; earliest arrival: ${c.name.en}`,
            `没有服务能在承诺日期前送达；最早到达的是：${c.name['zh-CN']}`,
          );
  const cost = money(c.quote!.total, currency);
  const pickup = instant(c.pickupAt!);
  const arrival = instant(c.arrivalP90At!);
  const warn = basis === 'rule' ? promiseWarning?.message : undefined;
  return localized(
    `${head.en}: ${cost}, pick-up ${pickup}, 9 in 10 arrive by ${arrival}.${warn ? ` Warning: ${warn.en}` : ''}`,
    `${head['zh-CN']}：${cost}，揽收 ${pickup}，90% 在 ${arrival} 前送达。${warn ? ` 注意：${warn['zh-CN']}` : ''}`,
  );
}

function explainNone(candidates: readonly ServiceCandidate[]): Localized {
  return localized(
    `No service can take this parcel: ${candidates.map((c) => `${c.name.en}: ${c.reasons.map((r) => r.message.en).join(' ')}`).join('; ')}`,
    `没有可用的物流服务：${candidates.map((c) => `${c.name['zh-CN']}：${c.reasons.map((r) => r.message['zh-CN']).join(' ')}`).join('；')}`,
  );
}
