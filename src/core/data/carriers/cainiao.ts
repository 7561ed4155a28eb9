/**
 * SAMPLE DATA — illustrative prices and transit times, NOT anyone's contract rates. Sellers import their own.
 * AliExpress Standard Shipping (Cainiao) and its economy and special lines. Money: CNY minor units (fen).
 */
import { localized } from '../../i18n';
import type { CarrierService } from '../../carrier/types';
import {
  ASIA_PACIFIC,
  CIS,
  EASTERN_EUROPE,
  EVERY_DAY,
  EVERY_OTHER,
  LATIN_AMERICA,
  MIDDLE_EAST,
  MON_TO_SAT,
  NORTH_AMERICA,
  WESTERN_EUROPE,
} from './zones';

const perKg = (perKgPrice: number, handlingFee: number, minChargeableG = 50) =>
  ({ kind: 'per-kg', perKgPrice, handlingFee, minChargeableG }) as const;

export const aliexpressStandard: CarrierService = {
  code: 'aliexpress-standard',
  carrier: 'cainiao',
  name: localized('AliExpress Standard Shipping (sample rates)', '无忧物流-标准（示例运价）'),
  logisticsClass: 'standard',
  sample: true,
  currency: 'CNY',
  fuelSurchargePercent: 0,
  volumetricDivisor: 8000,
  limits: { maxWeightG: 30_000, maxLongestSideMm: 1200, maxSumOfSidesMm: 2700, batteries: 'contained', liquids: false },
  zones: [
    {
      id: 'NA',
      countries: [...NORTH_AMERICA],
      brackets: [{ upToG: 30_000, pricing: perKg(8_500, 1_700) }],
      transit: { p50Days: 10, p90Days: 18 },
    },
    {
      id: 'EU-W',
      countries: [...WESTERN_EUROPE],
      brackets: [{ upToG: 30_000, pricing: perKg(7_800, 1_600) }],
      transit: { p50Days: 9, p90Days: 16 },
    },
    {
      id: 'EU-E',
      countries: [...EASTERN_EUROPE],
      brackets: [{ upToG: 30_000, pricing: perKg(7_000, 1_500) }],
      transit: { p50Days: 10, p90Days: 17 },
    },
    {
      id: 'CIS',
      countries: [...CIS],
      brackets: [{ upToG: 30_000, pricing: perKg(6_000, 1_200) }],
      transit: { p50Days: 12, p90Days: 22 },
    },
    {
      id: 'LATAM',
      countries: [...LATIN_AMERICA],
      brackets: [{ upToG: 30_000, pricing: perKg(11_000, 2_000) }],
      transit: { p50Days: 18, p90Days: 32 },
    },
    {
      id: 'APAC',
      countries: [...ASIA_PACIFIC],
      brackets: [{ upToG: 30_000, pricing: perKg(6_500, 1_400) }],
      transit: { p50Days: 7, p90Days: 12 },
    },
    {
      id: 'ME',
      countries: [...MIDDLE_EAST],
      brackets: [{ upToG: 30_000, pricing: perKg(8_000, 1_800) }],
      transit: { p50Days: 10, p90Days: 18 },
    },
    {
      id: 'ROW',
      countries: [...EVERY_OTHER],
      brackets: [{ upToG: 30_000, pricing: perKg(10_500, 2_000) }],
      transit: { p50Days: 15, p90Days: 28 },
    },
  ],
  pickup: { timeZone: 'Asia/Shanghai', cutoffs: [{ days: EVERY_DAY, time: '20:00' }] },
};

export const cainiaoSuperEconomy: CarrierService = {
  code: 'cainiao-super-economy',
  carrier: 'cainiao',
  name: localized('Cainiao Super Economy Global (sample rates)', '菜鸟超级经济-全球（示例运价）'),
  logisticsClass: 'economy',
  sample: true,
  currency: 'CNY',
  fuelSurchargePercent: 0,
  limits: {
    maxWeightG: 2_000,
    maxLongestSideMm: 600,
    maxSumOfSidesMm: 900,
    maxDeclaredValue: { amount: 3_500, currency: 'CNY' }, // economy lines are for low-value items
    batteries: 'none',
    liquids: false,
  },
  zones: [
    {
      id: 'NA',
      countries: [...NORTH_AMERICA],
      brackets: [{ upToG: 2_000, pricing: perKg(5_800, 700, 30) }],
      transit: { p50Days: 20, p90Days: 35 },
    },
    {
      id: 'EU',
      countries: [...WESTERN_EUROPE, ...EASTERN_EUROPE],
      brackets: [{ upToG: 2_000, pricing: perKg(5_200, 650, 30) }],
      transit: { p50Days: 18, p90Days: 32 },
    },
    {
      id: 'CIS',
      countries: [...CIS],
      brackets: [{ upToG: 2_000, pricing: perKg(4_200, 500, 30) }],
      transit: { p50Days: 20, p90Days: 38 },
    },
    {
      id: 'ROW',
      countries: [...EVERY_OTHER],
      brackets: [{ upToG: 2_000, pricing: perKg(6_800, 800, 30) }],
      transit: { p50Days: 25, p90Days: 45 },
    },
  ],
  pickup: { timeZone: 'Asia/Shanghai', cutoffs: [{ days: MON_TO_SAT, time: '18:00' }] },
};

export const cainiaoSpecialLine: CarrierService = {
  code: 'cainiao-special-line',
  carrier: 'cainiao',
  name: localized('Cainiao Special Line (sample rates)', '菜鸟特货专线（示例运价）'),
  logisticsClass: 'standard',
  sample: true,
  currency: 'CNY',
  fuelSurchargePercent: 0,
  volumetricDivisor: 8000,
  // The special lines take what the standard line refuses: standalone batteries, cosmetics with liquids.
  limits: { maxWeightG: 20_000, maxLongestSideMm: 1000, maxSumOfSidesMm: 1800, batteries: 'standalone', liquids: true },
  zones: [
    {
      id: 'NA',
      countries: ['US'],
      brackets: [{ upToG: 20_000, pricing: perKg(9_500, 2_200) }],
      transit: { p50Days: 9, p90Days: 15 },
    },
    {
      id: 'EU',
      countries: ['GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'PL'],
      brackets: [{ upToG: 20_000, pricing: perKg(8_800, 2_000) }],
      transit: { p50Days: 10, p90Days: 16 },
    },
    {
      id: 'CIS',
      countries: ['RU'],
      brackets: [{ upToG: 20_000, pricing: perKg(6_800, 1_500) }],
      transit: { p50Days: 12, p90Days: 20 },
    },
    {
      id: 'BR',
      countries: ['BR'],
      brackets: [{ upToG: 20_000, pricing: perKg(12_500, 2_500) }],
      transit: { p50Days: 20, p90Days: 35 },
    },
  ],
  pickup: { timeZone: 'Asia/Shanghai', cutoffs: [{ days: EVERY_DAY, time: '16:00' }] },
};
