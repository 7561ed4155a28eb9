/**
 * SAMPLE DATA — illustrative prices and transit times, NOT anyone's contract rates. Sellers import their own.
 * A DHL-like express courier: first 500 g + each further 500 g up to 20 kg, per kg above; volumetric divisor 5000;
 * fuel surcharge on the freight. Money: CNY minor units (fen).
 */
import { localized } from '../../i18n';
import type { CarrierService } from '../../carrier/types';
import { ASIA_PACIFIC, EVERY_OTHER, MON_TO_FRI, NORTH_AMERICA, WESTERN_EUROPE } from './zones';

const express = (first: number, step: number, perKgAbove20: number) => [
  {
    upToG: 20_000,
    pricing: {
      kind: 'first-additional',
      firstWeightG: 500,
      firstPrice: first,
      additionalStepG: 500,
      additionalStepPrice: step,
    } as const,
  },
  { upToG: 70_000, pricing: { kind: 'per-kg', perKgPrice: perKgAbove20, roundUpToG: 1_000 } as const },
];

export const expressCourier: CarrierService = {
  code: 'dhl-express',
  carrier: 'dhl',
  name: localized('DHL Express (sample rates)', 'DHL 国际快递（示例运价）'),
  logisticsClass: 'express',
  sample: true,
  currency: 'CNY',
  fuelSurchargePercent: 22.5,
  volumetricDivisor: 5000,
  limits: {
    maxWeightG: 70_000,
    maxLongestSideMm: 1200,
    maxLengthPlusGirthMm: 3000,
    batteries: 'contained',
    liquids: false,
  },
  zones: [
    {
      id: 'APAC',
      countries: [...ASIA_PACIFIC],
      brackets: express(14_000, 3_500, 6_000),
      transit: { p50Days: 3, p90Days: 4 },
    },
    {
      id: 'NA',
      countries: [...NORTH_AMERICA],
      brackets: express(18_000, 4_500, 8_000),
      transit: { p50Days: 3, p90Days: 5 },
    },
    {
      id: 'EU',
      countries: [...WESTERN_EUROPE],
      brackets: express(20_000, 5_000, 8_500),
      transit: { p50Days: 3, p90Days: 5 },
    },
    {
      id: 'ROW',
      countries: [...EVERY_OTHER],
      brackets: express(26_000, 6_500, 11_000),
      transit: { p50Days: 4, p90Days: 7 },
    },
  ],
  pickup: { timeZone: 'Asia/Shanghai', cutoffs: [{ days: MON_TO_FRI, time: '18:00' }] },
};
