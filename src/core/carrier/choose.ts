/**
 * Choosing the carrier service for a parcel, with the reasons.
 *
 * `chooseService(parcel, services, rules, context)`:
 *   1. Every service is evaluated (evaluate.ts): destination served, limits (weight, longest side, sum of sides,
 *      length + girth, declared value, batteries, liquids), a rate for the chargeable weight, at least the buyer's
 *      logistics class,
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
import {
  evaluate,
  instant,
  reason,
  type DropReason,
  type Evaluation,
  type ServiceCandidate,
  type ShipmentParcel,
  type ShippingContext,
} from './evaluate';
import { compileService, type CompiledService, type RateQuote } from './rate-card';
import { compileRules, type CompiledRules, type ShippingRule } from './rules';
import type { CarrierService } from './types';

export type {
  DropReason,
  DropReasonCode,
  ServiceCandidate,
  ShipmentParcel,
  ShippingContext,
} from './evaluate';

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

function money(amount: number, currency: string): string {
  return formatMoney({ amount, currency });
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
