/**
 * Violations priced from the policy's data, beside the lateness fine: false shipment (marketplace-rules §1.8 with
 * §1.7's fine table: points per occurrence and a per-order fine chosen by the order total, converted through the
 * dated rates of core/exchange.ts when the order is in another currency) and the semi-managed weight mismatch (§1.9:
 * a fine per parcel by the band of the difference between the warehouse's and the declared weight, the bands set by
 * the seller since the source gives none). Pure; each comes with its arithmetic in both languages and what to do.
 */
import { localized, type Localized } from './i18n';
import type { Money } from './money';
import { tierBasis, type FineOrder } from './penalty';
import type { Policy } from './policy/schema';
import { money } from './policy/wording';

export type ViolationKind = 'false_shipment' | 'weight_mismatch';

export interface PricedViolation {
  kind: ViolationKind;
  /** The fine it costs (zero when the policy has no amounts for it: `priced` false). */
  fine: Money;
  points: number;
  /** false: the policy gives no amount (e.g. weight bands not set): the fine shown is not a price. */
  priced: boolean;
  /** What it is, the arithmetic, and what to do in the dashboard. */
  explanation: Localized;
}

/** A parcel weighed at the platform's warehouse. */
export interface ParcelWeight {
  parcelId: number;
  declaredGrams: number;
  warehouseGrams: number;
}

const SIGN_NAMES: Record<string, [string, string]> = {
  invalid_number: ['the tracking number does not exist at the carrier', '物流单号在承运商处不存在'],
  scan_before_payment: ['the carrier scanned it before the order was paid', '承运商扫描早于订单付款'],
  wrong_destination: ['it goes to another country than the buyer', '目的地与买家国家不符'],
};

/**
 * One occurrence of false shipment on this order (its parcels show `signs`): the policy's points and the per-order
 * fine by the order total. null when the policy does not price false shipment or there is no sign.
 */
export function falseShipmentViolation(
  policy: Policy,
  order: FineOrder,
  signs: readonly string[],
): PricedViolation | null {
  const rule = policy.falseShipment;
  if (rule === null || signs.length === 0) return null;
  const conversion = tierBasis(order, rule.currency, undefined);
  const total = conversion ? conversion.to.amount : order.orderTotal.amount;
  const tier = rule.tiers.find((candidate) => total < candidate.orderTotalBelow);
  const fine: Money = { amount: tier ? tier.amount : rule.otherwise, currency: rule.currency };
  const basis = money(conversion ? conversion.to : order.orderTotal);
  const shown = conversion
    ? `${money(conversion.from)} ≈ ${basis}${conversion.rate === null ? " (the platform's amount)" : ` at ${conversion.rate} (rate of ${conversion.rateDate})`}`
    : basis;
  const shownZh = conversion
    ? `${money(conversion.from)} ≈ ${basis}${conversion.rate === null ? '（平台给出的金额）' : `，汇率 ${conversion.rate}（${conversion.rateDate} 的汇率）`}`
    : basis;
  const bound = money({
    amount: tier ? tier.orderTotalBelow : rule.tiers[rule.tiers.length - 1]!.orderTotalBelow,
    currency: rule.currency,
  });
  const why = signs.map((sign) => SIGN_NAMES[sign] ?? [sign, sign]);
  return {
    kind: 'false_shipment',
    fine,
    points: rule.pointsPerOccurrence,
    priced: true,
    explanation: localized(
      `False shipment risk (${why.map((w) => w[0]).join('; ')}): ${rule.pointsPerOccurrence} points and a fine of ${money(fine)} (order total ${shown} is ${tier ? 'below' : 'at least'} ${bound}). ` +
        'Open the parcel on the Parcels screen and correct the tracking number or the parcel before the platform judges it.',
      `虚假发货风险（${why.map((w) => w[1]).join('；')}）：扣 ${rule.pointsPerOccurrence} 分，罚款 ${money(fine)}（订单总额 ${shownZh}${tier ? '低于' : '不低于'} ${bound}）。` +
        '请在"包裹"页面打开该包裹，在平台判定前更正物流单号或包裹。',
    ),
  };
}

/** The band that applies to a difference of `grams` (strictly more than its `overGrams`), or -1. */
function weightBandIndex(policy: Policy, grams: number): number {
  const bands = policy.weightMismatch?.bands ?? [];
  let index = -1;
  for (let i = 0; i < bands.length; i++) {
    if (grams > bands[i]!.overGrams) index = i;
    else break;
  }
  return index;
}

/**
 * The parcels whose warehouse weight differs from the declared one, fined by the policy's bands, summed over the
 * order's parcels. null when the policy has no weight rule or no parcel differs.
 */
export function weightMismatchViolation(policy: Policy, parcels: readonly ParcelWeight[]): PricedViolation | null {
  const rule = policy.weightMismatch;
  if (rule === null) return null;
  const differing = parcels.filter((p) => p.warehouseGrams !== p.declaredGrams);
  if (differing.length === 0) return null;
  const parts = differing.map((p) => {
    const difference = Math.abs(p.warehouseGrams - p.declaredGrams);
    const band = weightBandIndex(policy, difference);
    return { p, difference, amount: band < 0 ? 0 : rule.bands[band]!.amount };
  });
  const fine: Money = { amount: parts.reduce((sum, part) => sum + part.amount, 0), currency: rule.currency };
  const list = parts
    .map(
      (part) => `parcel ${part.p.parcelId}: declared ${part.p.declaredGrams} g, warehouse ${part.p.warehouseGrams} g`,
    )
    .join('; ');
  const listZh = parts
    .map((part) => `包裹 ${part.p.parcelId}：申报 ${part.p.declaredGrams} 克，仓库称重 ${part.p.warehouseGrams} 克`)
    .join('；');
  if (rule.bands.length === 0) {
    return {
      kind: 'weight_mismatch',
      fine,
      points: 0,
      priced: false,
      explanation: localized(
        `Weight mismatch (${list}): the platform fines it by weight band, but the source gives no amounts and your policy has no bands yet. Set your bands in Settings, in the shop's policy overrides.`,
        `重量不符（${listZh}）：平台按重量档位罚款，但资料未给出金额，您的策略也尚未设置档位。请在"设置"的店铺策略覆盖中设置档位。`,
      ),
    };
  }
  return {
    kind: 'weight_mismatch',
    fine,
    points: 0,
    priced: true,
    explanation: localized(
      `Weight mismatch (${list}): ${money(fine)} by your weight bands. Check the scale at the pack station and declare the weight the warehouse will find.`,
      `重量不符（${listZh}）：按您设置的重量档位罚款 ${money(fine)}。请检查打包台的秤，申报与仓库称重一致的重量。`,
    ),
  };
}

/** The violations of a seller's orders, per kind: how many orders, the points, and the fines per currency. */
export interface ViolationTotals {
  kind: ViolationKind;
  orders: number;
  points: number;
  /** One amount per currency (never converted), in the order the currencies first came. */
  fines: Money[];
  /** Orders whose violation the policy gives no amount for (e.g. weight bands not set). */
  unpriced: number;
}

/** Sums the violations of each order's situation, per kind (false shipment first). */
export function sumViolations(perOrder: Iterable<readonly PricedViolation[]>): ViolationTotals[] {
  const totals = new Map<ViolationKind, ViolationTotals>();
  for (const kind of ['false_shipment', 'weight_mismatch'] as const)
    totals.set(kind, { kind, orders: 0, points: 0, fines: [], unpriced: 0 });
  for (const violations of perOrder) {
    for (const violation of violations) {
      const total = totals.get(violation.kind)!;
      total.orders += 1;
      total.points += violation.points;
      if (!violation.priced) total.unpriced += 1;
      const same = total.fines.find((fine) => fine.currency === violation.fine.currency);
      if (same) same.amount += violation.fine.amount;
      else total.fines.push({ ...violation.fine });
    }
  }
  return [...totals.values()];
}
