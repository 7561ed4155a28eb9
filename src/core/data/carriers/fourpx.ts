/**
 * SAMPLE DATA — illustrative prices and transit times, NOT anyone's contract rates. Sellers import their own.
 * 4PX standard registered line. Money: CNY minor units (fen).
 */
import { localized } from '../../i18n';
import type { CarrierService } from '../../carrier/types';
import { ASIA_PACIFIC, CIS, EASTERN_EUROPE, EVERY_OTHER, MON_TO_SAT, NORTH_AMERICA, WESTERN_EUROPE } from './zones';

const perKg = (perKgPrice: number, handlingFee: number) =>
  ({ kind: 'per-kg', perKgPrice, handlingFee, minChargeableG: 50 }) as const;

export const fourPxStandard: CarrierService = {
  code: '4px-standard',
  carrier: '4px',
  name: localized('4PX Standard Registered (sample rates)', '递四方标准挂号（示例运价）'),
  logisticsClass: 'standard',
  sample: true,
  currency: 'CNY',
  fuelSurchargePercent: 0,
  limits: { maxWeightG: 2_000, maxLongestSideMm: 600, maxSumOfSidesMm: 900, batteries: 'contained', liquids: false },
  zones: [
    {
      id: 'NA',
      countries: [...NORTH_AMERICA],
      brackets: [{ upToG: 2_000, pricing: perKg(7_200, 1_500) }],
      transit: { p50Days: 12, p90Days: 22 },
    },
    {
      id: 'EU',
      countries: [...WESTERN_EUROPE, ...EASTERN_EUROPE],
      brackets: [{ upToG: 2_000, pricing: perKg(6_600, 1_400) }],
      transit: { p50Days: 11, p90Days: 20 },
    },
    {
      id: 'CIS',
      countries: [...CIS],
      brackets: [{ upToG: 2_000, pricing: perKg(5_600, 1_200) }],
      transit: { p50Days: 14, p90Days: 26 },
    },
    {
      id: 'APAC',
      countries: [...ASIA_PACIFIC],
      brackets: [{ upToG: 2_000, pricing: perKg(5_000, 1_200) }],
      transit: { p50Days: 8, p90Days: 15 },
    },
    {
      id: 'ROW',
      countries: [...EVERY_OTHER],
      brackets: [{ upToG: 2_000, pricing: perKg(9_800, 1_800) }],
      transit: { p50Days: 16, p90Days: 30 },
    },
  ],
  pickup: { timeZone: 'Asia/Shanghai', cutoffs: [{ days: MON_TO_SAT, time: '18:00' }] },
};
