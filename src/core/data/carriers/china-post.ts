/**
 * SAMPLE DATA — illustrative prices and transit times, NOT anyone's contract rates. Sellers import their own.
 * China Post Registered Air Mail (R… numbers) and ePacket (L… numbers). Money: CNY minor units (fen).
 */
import { localized } from '../../i18n';
import type { CarrierService } from '../../carrier/types';
import { ASIA_PACIFIC, CIS, EASTERN_EUROPE, EVERY_OTHER, MON_TO_SAT, NORTH_AMERICA, WESTERN_EUROPE } from './zones';

const perKg = (perKgPrice: number, handlingFee: number, minChargeableG: number) =>
  ({ kind: 'per-kg', perKgPrice, handlingFee, minChargeableG }) as const;

const smallPacketLimits = {
  maxWeightG: 2_000,
  maxLongestSideMm: 600,
  maxSumOfSidesMm: 900,
  batteries: 'none',
  liquids: false,
} as const;

export const chinaPostRegistered: CarrierService = {
  code: 'china-post-registered',
  carrier: 'china-post',
  name: localized('China Post Registered Air Mail (sample rates)', '中国邮政挂号小包（示例运价）'),
  logisticsClass: 'standard',
  sample: true,
  currency: 'CNY',
  fuelSurchargePercent: 0,
  limits: smallPacketLimits,
  s10IndicatorFirstLetters: 'R',
  zones: [
    {
      id: '1',
      countries: [...ASIA_PACIFIC],
      brackets: [{ upToG: 2_000, pricing: perKg(6_200, 800, 10) }],
      transit: { p50Days: 12, p90Days: 25 },
    },
    {
      id: '2',
      countries: [...NORTH_AMERICA],
      brackets: [{ upToG: 2_000, pricing: perKg(9_000, 800, 10) }],
      transit: { p50Days: 16, p90Days: 32 },
    },
    {
      id: '3',
      countries: [...WESTERN_EUROPE, ...EASTERN_EUROPE],
      brackets: [{ upToG: 2_000, pricing: perKg(8_000, 800, 10) }],
      transit: { p50Days: 15, p90Days: 30 },
    },
    {
      id: '4',
      countries: [...CIS],
      brackets: [{ upToG: 2_000, pricing: perKg(7_000, 800, 10) }],
      transit: { p50Days: 18, p90Days: 35 },
    },
    {
      id: '5',
      countries: [...EVERY_OTHER],
      brackets: [{ upToG: 2_000, pricing: perKg(11_000, 800, 10) }],
      transit: { p50Days: 22, p90Days: 45 },
    },
  ],
  pickup: { timeZone: 'Asia/Shanghai', cutoffs: [{ days: MON_TO_SAT, time: '17:00' }] },
};

export const ePacket: CarrierService = {
  code: 'epacket',
  carrier: 'china-post',
  name: localized('ePacket (sample rates)', 'e 邮宝（示例运价）'),
  logisticsClass: 'standard',
  sample: true,
  currency: 'CNY',
  fuelSurchargePercent: 0,
  limits: { ...smallPacketLimits, maxDeclaredValue: { amount: 200_000, currency: 'CNY' } },
  s10IndicatorFirstLetters: 'L',
  zones: [
    {
      id: 'US',
      countries: ['US'],
      brackets: [{ upToG: 2_000, pricing: perKg(7_500, 900, 50) }],
      transit: { p50Days: 9, p90Days: 16 },
    },
    {
      id: 'CA-AU',
      countries: ['CA', 'AU', 'NZ'],
      brackets: [{ upToG: 2_000, pricing: perKg(7_000, 1_900, 50) }],
      transit: { p50Days: 10, p90Days: 18 },
    },
    {
      id: 'EU',
      countries: ['GB', 'FR', 'DE', 'ES', 'IT', 'NL', 'BE', 'AT', 'IE', 'SE', 'DK', 'NO', 'FI', 'CH', 'PL', 'PT'],
      brackets: [{ upToG: 2_000, pricing: perKg(6_500, 1_900, 50) }],
      transit: { p50Days: 9, p90Days: 17 },
    },
    {
      id: 'RU',
      countries: ['RU', 'UA', 'BY', 'KZ'],
      brackets: [{ upToG: 2_000, pricing: perKg(5_500, 1_700, 50) }],
      transit: { p50Days: 14, p90Days: 25 },
    },
    {
      id: 'ASIA',
      countries: ['JP', 'KR', 'SG', 'MY', 'TH'],
      brackets: [{ upToG: 2_000, pricing: perKg(4_500, 1_600, 50) }],
      transit: { p50Days: 6, p90Days: 11 },
    },
    {
      id: 'LATAM',
      countries: ['BR', 'MX', 'CL'],
      brackets: [{ upToG: 2_000, pricing: perKg(9_800, 2_000, 50) }],
      transit: { p50Days: 20, p90Days: 35 },
    },
  ],
  pickup: { timeZone: 'Asia/Shanghai', cutoffs: [{ days: MON_TO_SAT, time: '17:00' }] },
};
