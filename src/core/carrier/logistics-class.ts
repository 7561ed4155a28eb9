/**
 * The buyer-facing logistics classes (AliExpress: Economy, Standard, Premium, plus commercial Express), ranked.
 * A seller may upgrade a buyer (standard → premium) but shipping below the class the buyer chose is the
 * "economy passed off as standard/express" false-shipment case (marketplace-rules.md §1.8, item 4).
 */
import { localized, type Localized } from '../i18n';

export const LOGISTICS_CLASSES = ['economy', 'standard', 'premium', 'express'] as const;
export type LogisticsClass = (typeof LOGISTICS_CLASSES)[number];

const RANK: Record<LogisticsClass, number> = { economy: 0, standard: 1, premium: 2, express: 3 };

export const LOGISTICS_CLASS_LABELS: Record<LogisticsClass, Localized> = {
  economy: localized('economy', '经济类'),
  standard: localized('standard', '标准类'),
  premium: localized('premium', '优先类'),
  express: localized('express', '快速类'),
};

/** True when a service of class `service` meets or exceeds the class the buyer chose. */
export function meetsLogisticsClass(service: LogisticsClass, buyerChose: LogisticsClass): boolean {
  return RANK[service] >= RANK[buyerChose];
}
