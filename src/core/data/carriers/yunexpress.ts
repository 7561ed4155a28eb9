/**
 * SAMPLE DATA — illustrative prices and transit times, NOT anyone's contract rates. Sellers import their own.
 * YunExpress Global Direct Line: two weight brackets per zone. Money: CNY minor units (fen).
 */
import { localized } from '../../i18n';
import type { CarrierService } from '../../carrier/types';
import {
  ASIA_PACIFIC,
  EASTERN_EUROPE,
  LATIN_AMERICA,
  MIDDLE_EAST,
  MON_TO_SAT,
  NORTH_AMERICA,
  WESTERN_EUROPE,
} from './zones';

const twoBrackets = (light: [number, number], heavy: [number, number]) => [
  {
    upToG: 2_000,
    pricing: { kind: 'per-kg', perKgPrice: light[0], handlingFee: light[1], minChargeableG: 50 } as const,
  },
  { upToG: 30_000, pricing: { kind: 'per-kg', perKgPrice: heavy[0], handlingFee: heavy[1], roundUpToG: 100 } as const },
];

export const yunExpressDirect: CarrierService = {
  code: 'yunexpress-direct',
  carrier: 'yunexpress',
  name: localized('YunExpress Global Direct Line (sample rates)', '云途全球专线挂号（示例运价）'),
  logisticsClass: 'standard',
  sample: true,
  currency: 'CNY',
  fuelSurchargePercent: 0,
  volumetricDivisor: 8000,
  limits: { maxWeightG: 30_000, maxLongestSideMm: 1200, maxSumOfSidesMm: 2000, batteries: 'contained', liquids: false },
  zones: [
    {
      id: 'NA',
      countries: [...NORTH_AMERICA],
      brackets: twoBrackets([7_600, 1_800], [7_000, 2_500]),
      transit: { p50Days: 7, p90Days: 12 },
    },
    {
      id: 'EU',
      countries: [...WESTERN_EUROPE, ...EASTERN_EUROPE],
      brackets: twoBrackets([6_800, 1_700], [6_200, 2_300]),
      transit: { p50Days: 7, p90Days: 13 },
    },
    {
      id: 'APAC',
      countries: [...ASIA_PACIFIC],
      brackets: twoBrackets([5_800, 1_500], [5_200, 2_000]),
      transit: { p50Days: 6, p90Days: 11 },
    },
    {
      id: 'LATAM',
      countries: [...LATIN_AMERICA],
      brackets: twoBrackets([12_000, 2_200], [11_000, 3_000]),
      transit: { p50Days: 15, p90Days: 26 },
    },
    {
      id: 'ME',
      countries: [...MIDDLE_EAST],
      brackets: twoBrackets([8_500, 2_000], [7_900, 2_600]),
      transit: { p50Days: 8, p90Days: 14 },
    },
  ],
  pickup: { timeZone: 'Asia/Shanghai', cutoffs: [{ days: MON_TO_SAT, time: '18:30' }] },
};
