/**
 * Sources and data shared by the AliExpress policy files (digest sections 1.3, 1.6, 1.7, 1.10).
 * Each policy file still lists its own sources; these are the ones every AliExpress mode relies on.
 */
import type { PolicyInput } from './schema';
import { CN_FESTIVAL_PAUSES } from './china-calendar';

type Source = PolicyInput['sources'][number];

export const ALIEXPRESS_ORDER_STATES: Source = {
  url: 'https://developer.alibaba.com/docs/doc.htm?articleId=108126&docType=1&treeId=502',
  quality: 'OFF',
  note: 'Order states: RISK_CONTROL (up to 24 h) then WAIT_SELLER_SEND_GOODS; tracking upload only in WAIT_SELLER_SEND_GOODS / SELLER_PART_SEND_GOODS.',
};

export const ALIEXPRESS_PACIFIC_TIME: Source = {
  url: 'https://api.alidayu.com/docs/api.htm?apiId=42270',
  quality: 'OFF',
  note: 'Order timestamps are US Pacific time (America/Los_Angeles, with daylight saving).',
};

export const ALIEXPRESS_COUNTDOWN_VERIFIED: Source = {
  url: 'https://github.com/yellowsea19/smallrig',
  quality: 'VERIFIED',
  note: 'Captured findorderbyid response (test_case/temp.py): the countdown is N x 24 h of elapsed time from a Los Angeles timestamp, so across a DST switch add hours, not calendar days.',
};

export const ALIEXPRESS_COUNTDOWN_FIELDS: Source = {
  url: 'https://api.alidayu.com/docs/doc.htm?articleId=114953&docType=1&treeId=504',
  quality: 'OFF',
  note: 'The platform returns the countdown (timeout_left_time / over_time_left) for WAIT_SELLER_SEND_GOODS: the platform deadline wins over ours.',
};

export const ALIEXPRESS_RISK_PASSED_CLOCK: Source = {
  url: 'https://hungryforhealthierjudgement.com/guide/aliexpress/xfwzsign',
  quality: 'SEC',
  note: 'Seller-backend indicator help: times are measured from payment success (risk review passed); online rates over 30 calendar days, National Day and Spring Festival skipped.',
};

export const ALIEXPRESS_FINES: Source = {
  url: 'https://en.hb2b.com/ask/190554.html',
  quality: 'SEC',
  note: 'Fine rules summary: POP non-fulfilment / false shipment USD 1 (order total < USD 20) or USD 2; semi-managed JIT 0.5x / 1x product price from 24:00 of the due day; self-send 0 / 0.5x / 1x at 48 h / 96 h.',
};

export const ALIEXPRESS_NON_FULFILMENT_RULE: Source = {
  url: 'https://sell.aliexpress.com/__pc/-rulesEN.htm',
  quality: 'OFF',
  note: 'Transaction non-fulfilment (rules dated 2020-08-25): not uploading tracking before the shipping deadline counts as not shipping.',
};

export const ALIEXPRESS_POINTS: Source = {
  url: 'https://christinasbeautyjourney.blogspot.com/2022/02/penalties.html',
  quality: 'SEC',
  note: 'Non-fulfilment indicator in the store service score; monthly review with deductions from 2 points by count and ratio (text truncated): no per-order points known.',
};

export const ALIEXPRESS_ONLINE_RATE_THRESHOLD: Source = {
  quality: 'ASSUMPTION',
  note: 'No numeric pass mark was found for online rates: 7-day online rate warning below 95 %, critical below 90 % (digest section 6).',
};

export const ALIEXPRESS_FESTIVAL_PAUSE_DATES: Source = {
  quality: 'ASSUMPTION',
  note: 'Spring Festival and National Day pause dates taken from the State Council holiday schedule (Beijing time); verify yearly.',
};

export const ALIEXPRESS_METRIC_PAUSES: PolicyInput['metricPauses'] = CN_FESTIVAL_PAUSES;

export const ONLINE_RATE_THRESHOLDS: PolicyInput['metricThresholds'] = [
  {
    metric: 'online_rate_7d',
    direction: 'at_least',
    warn: 0.95,
    limit: 0.9,
    assessedOverDays: [30],
    note: 'The 7-day online rate is the floor (campaign entry, store tiers); thresholds are an ASSUMPTION.',
  },
];

export const ALIEXPRESS_CANCELLATION_REQUESTS: Source = {
  url: 'https://guide-aliexpress.com/en/when-will-my-aliexpress-order-be-shipped/',
  quality: 'WEAK',
  note: "A buyer's cancellation request the seller does not answer within 48 h cancels the order automatically (rule since 2020-03-16; a buyer guide, digest 1.5).",
};

/** Digest 1.5, from a WEAK source only: marked as an assumption, so every screen says so. */
export const ALIEXPRESS_BUYER_CANCELLATION: PolicyInput['buyerCancellation'] = {
  answerHours: 48,
  note: 'ASSUMPTION (WEAK source, guide-aliexpress.com, rule since 2020-03-16): a cancellation request left unanswered for 48 h cancels the order automatically.',
};

export const ALIEXPRESS_FALSE_SHIPMENT_RULE: Source = {
  url: 'https://christinasbeautyjourney.blogspot.com/2022/01/asking-for-help-false-shipment-12192021.html',
  quality: 'SEC',
  note: 'False shipment (invalid number, number unrelated to the order, no online information, wrong method): general violation 2 points per occurrence, plus the per-order fines of non-fulfilment (digest 1.8).',
};

/** Digest 1.7 (the fine table) and 1.8 (the points). */
export const ALIEXPRESS_FALSE_SHIPMENT: PolicyInput['falseShipment'] = {
  pointsPerOccurrence: 2,
  currency: 'USD',
  tiers: [{ orderTotalBelow: 20_00, amount: 1_00 }],
  otherwise: 2_00,
  note: 'False shipment, general violation: 2 points per occurrence; USD 1 per order when the order total is below USD 20, else USD 2.',
};

export const ALIEXPRESS_WEIGHT_MISMATCH_RULE: Source = {
  url: 'https://en.hb2b.com/ask/190554.html',
  quality: 'SEC',
  note: 'Semi-managed: the warehouse weight differing from the declared weight is fined by weight band; the source gives no amounts (digest 1.9).',
};

/** Digest 1.9: no amounts are known, so no bands: the seller sets them in the shop's policy overrides. */
export const SEMI_MANAGED_WEIGHT_MISMATCH: PolicyInput['weightMismatch'] = {
  currency: 'CNY',
  bands: [],
  note:
    'NOT SET: the source gives no amounts; set your bands (the shop policy overrides, weightMismatch.bands: [{overGrams, amount}]). ' +
    'ASSUMPTION: a band is chosen by the difference between the warehouse and the declared weight, per parcel.',
};
