/**
 * AliExpress overseas warehouse (海外仓): the seller ships from a warehouse in the destination market.
 * Handling time is at most 5 days; otherwise the order follows the POP rules. Digest 1.1, 1.2, section 6.
 */
import type { PolicyInput } from './schema';
import {
  ALIEXPRESS_COUNTDOWN_FIELDS,
  ALIEXPRESS_COUNTDOWN_VERIFIED,
  ALIEXPRESS_FESTIVAL_PAUSE_DATES,
  ALIEXPRESS_FINES,
  ALIEXPRESS_METRIC_PAUSES,
  ALIEXPRESS_NON_FULFILMENT_RULE,
  ALIEXPRESS_ONLINE_RATE_THRESHOLD,
  ALIEXPRESS_ORDER_STATES,
  ALIEXPRESS_PACIFIC_TIME,
  ALIEXPRESS_RISK_PASSED_CLOCK,
  ONLINE_RATE_THRESHOLDS,
} from './aliexpress-common';

export const aliexpressOverseas = {
  id: 'aliexpress_overseas',
  version: 1,
  effectiveFrom: '2020-09-19T00:00:00-07:00',
  platform: 'aliexpress',
  mode: 'aliexpress_overseas',
  name: { en: 'AliExpress overseas warehouse', 'zh-CN': '速卖通 海外仓' },
  zone: 'America/Los_Angeles',
  sources: [
    { url: 'https://ssopdot.com/blog/19377.html', quality: 'SEC', note: 'Overseas-warehouse products: handling time at most 5 days.' },
    ALIEXPRESS_ORDER_STATES,
    ALIEXPRESS_PACIFIC_TIME,
    ALIEXPRESS_COUNTDOWN_VERIFIED,
    ALIEXPRESS_COUNTDOWN_FIELDS,
    ALIEXPRESS_RISK_PASSED_CLOCK,
    ALIEXPRESS_NON_FULFILMENT_RULE,
    ALIEXPRESS_FINES,
    { quality: 'ASSUMPTION', note: 'Closing, fines and extensions as for POP (no overseas-specific rule was found).' },
    ALIEXPRESS_ONLINE_RATE_THRESHOLD,
    ALIEXPRESS_FESTIVAL_PAUSE_DATES,
  ],
  clockStart: 'risk_passed_else_payment',
  platformDeadline: { wins: true, crossCheckToleranceMinutes: 60 },
  handling: { kind: 'elapsed_hours', defaultHours: 5 * 24, maxHours: 5 * 24 },
  deadlineAt: 'instant',
  clockPauses: [],
  buyerExtensions: { allowed: true, maxTotalHours: null },
  shippedWhen: 'tracking_uploaded',
  handOverLeadHours: 0,
  warningHoursBefore: [48, 24, 6, 2],
  graceHours: 0,
  closing: { hoursAfterDeadline: 0, note: 'As POP: closed and refunded at the deadline (ASSUMPTION).' },
  fine: {
    basis: 'order_total_tiers',
    currency: 'USD',
    steps: [{ afterHours: 0, tiers: [{ orderTotalBelow: 20_00, amount: 1_00 }], otherwise: 2_00 }],
    note: 'Non-fulfilment as POP: USD 1 per order if the order total is below USD 20, else USD 2.',
  },
  points: { steps: [], note: 'No per-order points: non-fulfilment counts toward the monthly review.' },
  cancellation: { fine: 'first_step', note: 'A seller-caused cancellation before shipment is judged as non-fulfilment.' },
  effects: {
    late: ['non_fulfilment_rate'],
    unfulfilled: ['non_fulfilment_rate'],
    cancelledBySeller: ['non_fulfilment_rate'],
  },
  metricThresholds: ONLINE_RATE_THRESHOLDS,
  metricPauses: ALIEXPRESS_METRIC_PAUSES,
} satisfies PolicyInput;
