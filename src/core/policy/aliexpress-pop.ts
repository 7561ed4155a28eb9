/**
 * AliExpress regular (POP, 自运营): the seller ships to the buyer and uploads the tracking number.
 * Digest 1.2, 1.3, 1.5–1.7, 1.10 and section 6.
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
  ALIEXPRESS_POINTS,
  ALIEXPRESS_RISK_PASSED_CLOCK,
  ONLINE_RATE_THRESHOLDS,
  ALIEXPRESS_BUYER_CANCELLATION,
  ALIEXPRESS_CANCELLATION_REQUESTS,
  ALIEXPRESS_FALSE_SHIPMENT,
  ALIEXPRESS_FALSE_SHIPMENT_RULE,
} from './aliexpress-common';

export const aliexpressPop = {
  id: 'aliexpress_pop',
  version: 1,
  effectiveFrom: '2020-09-19T00:00:00-07:00',
  platform: 'aliexpress',
  mode: 'aliexpress_pop',
  name: { en: 'AliExpress regular (POP)', 'zh-CN': '速卖通 自运营（POP）' },
  zone: 'America/Los_Angeles',
  sources: [
    ALIEXPRESS_ORDER_STATES,
    ALIEXPRESS_PACIFIC_TIME,
    ALIEXPRESS_COUNTDOWN_VERIFIED,
    ALIEXPRESS_COUNTDOWN_FIELDS,
    ALIEXPRESS_RISK_PASSED_CLOCK,
    ALIEXPRESS_NON_FULFILMENT_RULE,
    ALIEXPRESS_FINES,
    ALIEXPRESS_POINTS,
    {
      url: 'https://christinasbeautyjourney.blogspot.com/2022/05/announcement-of-entry-into-force-of.html',
      quality: 'SEC',
      note: 'Handling time above 7 days only for customised categories (2019 announcement repost).',
    },
    {
      url: 'https://zaro.info/aliexpress-buyer-protection/what-happens-when-an-aliexpress-seller-doesn-t-ship-an-item',
      quality: 'WEAK',
      note: 'At the end of the countdown the order is closed and refunded automatically.',
    },
    {
      url: 'https://alibestfinds.com/aliexpress-extend-order-processing-time',
      quality: 'WEAK',
      note: 'The buyer can extend the processing time from the order page.',
    },
    {
      quality: 'ASSUMPTION',
      note: 'The ship-by countdown does not skip weekends or festivals (no source says it does).',
    },
    ALIEXPRESS_ONLINE_RATE_THRESHOLD,
    ALIEXPRESS_FESTIVAL_PAUSE_DATES,
    ALIEXPRESS_CANCELLATION_REQUESTS,
    ALIEXPRESS_FALSE_SHIPMENT_RULE,
  ],
  clockStart: 'risk_passed_else_payment',
  platformDeadline: { wins: true, crossCheckToleranceMinutes: 60 },
  // goods_prepare_time days × 24 h of continuous time; the order's own handling days replace the default.
  handling: { kind: 'elapsed_hours', defaultHours: 7 * 24, maxHours: 7 * 24 },
  deadlineAt: 'instant',
  clockPauses: [],
  buyerExtensions: { allowed: true, maxTotalHours: null },
  shippedWhen: 'tracking_uploaded',
  handOverLeadHours: 0,
  warningHoursBefore: [48, 24, 6, 2],
  graceHours: 0,
  closing: {
    hoursAfterDeadline: 0,
    note: 'The platform closes and refunds the order at the deadline; no tracking number can be uploaded after it.',
  },
  fine: {
    basis: 'order_total_tiers',
    currency: 'USD',
    steps: [{ afterHours: 0, tiers: [{ orderTotalBelow: 20_00, amount: 1_00 }], otherwise: 2_00 }],
    note: 'Non-fulfilment: USD 1 per order if the order total is below USD 20, else USD 2.',
  },
  points: {
    steps: [],
    note: 'No per-order points: non-fulfilment counts toward the monthly review (deductions from 2 points by count and ratio).',
  },
  cancellation: {
    fine: 'first_step',
    note: 'A seller-caused cancellation before shipment is judged as non-fulfilment.',
  },
  effects: {
    late: ['non_fulfilment_rate'],
    unfulfilled: ['non_fulfilment_rate'],
    cancelledBySeller: ['non_fulfilment_rate'],
  },
  buyerCancellation: ALIEXPRESS_BUYER_CANCELLATION,
  falseShipment: ALIEXPRESS_FALSE_SHIPMENT,
  metricThresholds: ONLINE_RATE_THRESHOLDS,
  metricPauses: ALIEXPRESS_METRIC_PAUSES,
} satisfies PolicyInput;
