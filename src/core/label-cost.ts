/**
 * Whether a label is expensive for its order (issue 17: Enter silently bought a ¥367.50 express label for a €12.90
 * order): its cost, in the order's currency at the day's exchange rates, over a share of the order's value (a shop
 * setting, default 30 %) asks the packer to confirm first. Pure: the rates and the instant are passed in.
 */
import { DeadlineInputError } from './deadline';
import { convertMoney } from './exchange';
import { localized, type Localized } from './i18n';
import { formatMoney, type Money } from './money';

export const DEFAULT_LABEL_COST_SHARE_PERCENT = 30;

export interface LabelCostVerdict {
  /** The labels' cost in the order's currency (undefined when no exchange rate is known). */
  costInOrderCurrency: Money | undefined;
  /** The share of the order's value, in whole percent (undefined when it cannot be worked out). */
  sharePercent: number | undefined;
  /** True when the packer must confirm before the label is bought. */
  needsConfirmation: boolean;
  message: Localized;
}

export function isCostSharePercent(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 1000;
}

/** The verdict on `costs` (one per parcel, any currency) for an order worth `orderValue`, with the shop's limit. */
export function labelCostVerdict(
  costs: readonly Money[],
  orderValue: Money,
  limitPercent: number,
  at: number,
): LabelCostVerdict {
  const shown = costs.map((c) => formatMoney(c)).join(' + ');
  let total = 0;
  try {
    for (const cost of costs) total += convertMoney(cost, orderValue.currency, at).to.amount;
  } catch (error) {
    if (!(error instanceof DeadlineInputError)) throw error;
    return {
      costInOrderCurrency: undefined,
      sharePercent: undefined,
      needsConfirmation: true,
      message: localized(
        `The label costs ${shown}; with no exchange rate to ${orderValue.currency} today it cannot be compared with the order's value (${formatMoney(orderValue)}): confirm to buy it.`,
        `面单费用 ${shown}；今天没有换算到 ${orderValue.currency} 的汇率，无法与订单金额（${formatMoney(orderValue)}）比较：请确认后购买。`,
      ),
    };
  }
  const cost = { amount: total, currency: orderValue.currency };
  const share = orderValue.amount > 0 ? Math.round((total * 100) / orderValue.amount) : Infinity;
  const over = orderValue.amount <= 0 ? total > 0 : total * 100 > orderValue.amount * limitPercent;
  const sharePercent = Number.isFinite(share) ? share : undefined;
  const costText =
    costs.length === 1 && costs[0]!.currency === orderValue.currency ? shown : `${shown} ≈ ${formatMoney(cost)}`;
  return {
    costInOrderCurrency: cost,
    sharePercent,
    needsConfirmation: over,
    message: over
      ? localized(
          `The label costs ${costText}, ${sharePercent ?? '∞'} % of the order's ${formatMoney(orderValue)} (the shop asks above ${limitPercent} %): confirm to buy it, or choose a cheaper service.`,
          `面单费用 ${costText}，占订单金额 ${formatMoney(orderValue)} 的 ${sharePercent ?? '∞'}%（店铺设定超过 ${limitPercent}% 需确认）：请确认购买，或选择更便宜的服务。`,
        )
      : localized(
          `The label costs ${costText}, ${sharePercent} % of the order's value.`,
          `面单费用 ${costText}，占订单金额的 ${sharePercent}%。`,
        ),
  };
}
