/**
 * Stock rules, pure: low-stock crossings and adjustments here; the rest of the inventory's rules in their own
 * modules, re-exported so `core/inventory` names them all: warehouses and their cut-off (warehouse.ts), what an
 * order needs and where it is served from (stock-placement.ts), replenishment (replenishment.ts), shortages
 * (shortages.ts).
 * No I/O and no clock: `now` is passed in as epoch ms.
 */
import { localized, type Localized } from './i18n';

export * from './replenishment';
export * from './shortages';
export * from './stock-placement';
export * from './warehouse';

// ---------------------------------------------------------------------------------------------------------
// Alerts and adjustments

/** An alert is raised when what is free falls from above the threshold to at or below it (0 = out of stock). */
export function crossedLowStock(availableBefore: number, availableAfter: number, threshold: number): boolean {
  return availableBefore > threshold && availableAfter <= threshold;
}

export const ADJUSTMENT_REASONS = ['counted', 'damaged', 'found'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

/** Why an adjustment is not allowed as given, or undefined. A stock-take (counted) may go either way. */
export function checkAdjustment(reason: string, delta: number): Localized | undefined {
  if (!(ADJUSTMENT_REASONS as readonly string[]).includes(reason)) {
    return localized(
      `the reason must be one of ${ADJUSTMENT_REASONS.join(', ')}.`,
      `原因必须是 ${ADJUSTMENT_REASONS.join('、')} 之一。`,
    );
  }
  if (!Number.isSafeInteger(delta))
    return localized('the change must be a whole number of units.', '变动数量必须是整数。');
  // A stock-take that confirms the count is a fact worth recording; a damage or find of nothing is a mistake.
  if (delta === 0 && reason !== 'counted') return localized('the adjustment changes nothing.', '该调整没有任何变化。');
  if (reason === 'damaged' && delta > 0) return localized('damaged stock can only go down.', '损坏只能减少库存。');
  if (reason === 'found' && delta < 0) return localized('found stock can only go up.', '盘盈只能增加库存。');
  return undefined;
}
