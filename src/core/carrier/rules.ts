/**
 * Seller shipping rules: "when the parcel looks like this, ship it with that service".
 *
 * Rules are kept in a fixed order and the FIRST matching rule whose service fits the parcel wins (chooseService
 * decides "fits"). Conditions within a rule are ANDed; a missing condition matches everything:
 *   countries / excludeCountries (destination), minWeightG / maxWeightG (gross, inclusive),
 *   minValue / maxValue (declared value, inclusive; a rule whose currency differs from the parcel's does not match),
 *   skus (any SKU in the parcel), shops, buyerLogisticsClasses (the class the buyer chose at checkout).
 *
 * `compileRules(rules, serviceCodes)` checks every rule names a known service and indexes the rules by destination
 * country, so a parcel only walks the rules that can apply to its country — in the original order.
 */
import type { Money } from '../money';
import type { LogisticsClass } from './logistics-class';

export interface ShippingRuleConditions {
  countries?: readonly string[];
  excludeCountries?: readonly string[];
  minWeightG?: number;
  maxWeightG?: number;
  minValue?: Money;
  maxValue?: Money;
  skus?: readonly string[];
  shops?: readonly string[];
  buyerLogisticsClasses?: readonly LogisticsClass[];
}

export interface ShippingRule {
  id: string;
  name?: string;
  when: ShippingRuleConditions;
  service: string; // service code
}

export interface RuleParcelFacts {
  destinationCountry: string;
  grossWeightG: number;
  declaredValue: Money;
  skus?: readonly string[];
  shop?: string;
  buyerLogisticsClass?: LogisticsClass;
}

export interface CompiledRule {
  readonly rule: ShippingRule;
  readonly order: number;
  matches(parcel: RuleParcelFacts): boolean;
}

export interface CompiledRules {
  readonly rules: readonly CompiledRule[];
  /** The rules that can apply to a destination, in the sellers' order. */
  forCountry(country: string): readonly CompiledRule[];
}

function compileRule(rule: ShippingRule, order: number): CompiledRule {
  const w = rule.when;
  const excluded = w.excludeCountries?.length ? new Set(w.excludeCountries) : undefined;
  const skus = w.skus?.length ? new Set(w.skus) : undefined;
  const shops = w.shops?.length ? new Set(w.shops) : undefined;
  const classes = w.buyerLogisticsClasses?.length ? new Set(w.buyerLogisticsClasses) : undefined;
  const minG = w.minWeightG ?? Number.NEGATIVE_INFINITY;
  const maxG = w.maxWeightG ?? Number.POSITIVE_INFINITY;
  const { minValue, maxValue } = w;
  // Country membership is handled by the index; the rest is checked here, cheapest tests first.
  return {
    rule,
    order,
    matches(parcel) {
      if (parcel.grossWeightG < minG || parcel.grossWeightG > maxG) return false;
      if (excluded && excluded.has(parcel.destinationCountry)) return false;
      if (
        minValue &&
        (minValue.currency !== parcel.declaredValue.currency || parcel.declaredValue.amount < minValue.amount)
      )
        return false;
      if (
        maxValue &&
        (maxValue.currency !== parcel.declaredValue.currency || parcel.declaredValue.amount > maxValue.amount)
      )
        return false;
      if (shops && (parcel.shop === undefined || !shops.has(parcel.shop))) return false;
      if (classes && (parcel.buyerLogisticsClass === undefined || !classes.has(parcel.buyerLogisticsClass)))
        return false;
      if (skus) {
        let any = false;
        for (const sku of parcel.skus ?? [])
          if (skus.has(sku)) {
            any = true;
            break;
          }
        if (!any) return false;
      }
      return true;
    },
  };
}

export function compileRules(rules: readonly ShippingRule[], serviceCodes: ReadonlySet<string>): CompiledRules {
  const ids = new Set<string>();
  const compiled = rules.map((rule, order) => {
    if (!serviceCodes.has(rule.service))
      throw new RangeError(`Rule "${rule.id}" names unknown service "${rule.service}".`);
    if (ids.has(rule.id)) throw new RangeError(`Duplicate rule id "${rule.id}".`);
    ids.add(rule.id);
    return compileRule(rule, order);
  });
  const anyCountry = compiled.filter((r) => !r.rule.when.countries?.length);
  const named = new Set(compiled.flatMap((r) => r.rule.when.countries ?? []));
  const byCountry = new Map<string, CompiledRule[]>();
  for (const country of named) {
    byCountry.set(
      country,
      compiled.filter((r) => !r.rule.when.countries?.length || r.rule.when.countries.includes(country)),
    );
  }
  return { rules: compiled, forCountry: (country) => byCountry.get(country) ?? anyCountry };
}
