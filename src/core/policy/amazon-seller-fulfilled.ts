/**
 * Amazon seller-fulfilled (merchant-fulfilled) orders, US marketplace. Digest section 2 and section 6.
 */
import type { PolicyInput } from './schema';

export const amazonSellerFulfilled = {
  id: 'amazon_seller_fulfilled',
  version: 1,
  effectiveFrom: '2021-04-01T00:00:00-07:00',
  platform: 'amazon',
  mode: 'amazon_seller_fulfilled',
  name: { en: 'Amazon seller-fulfilled (US)', 'zh-CN': '亚马逊 自配送（美国站）' },
  zone: 'America/Los_Angeles',
  sources: [
    {
      url: 'https://sellercentral.amazon.com/gp/help/external/202152050',
      quality: 'OFF',
      note: 'Expected ship date = order date + handling time in business days, adjusted for national holidays.',
    },
    {
      url: 'https://sellercentral.amazon.in/gp/help/external/G201817070',
      quality: 'OFF',
      note: 'Late shipment rate: ship-confirmed after the expected ship date / orders, 10- and 30-day windows, target below 4 %.',
    },
    {
      url: 'https://sellercentral-europe.amazon.com/gp/help/external/help.html?itemID=202072550',
      quality: 'OFF',
      note: 'Valid tracking rate at least 95 %; a number is valid only with at least one carrier scan; pre-fulfilment cancel rate below 2.5 %.',
    },
    {
      url: 'https://github.com/amzn/selling-partner-api-docs/issues/489',
      quality: 'OFF',
      note: 'Since 2021-04 Amazon checks the tracking-ID format against the selected carrier.',
    },
    { url: 'https://amazowl.com/?p=8557', quality: 'SEC', note: 'Unconfirmed shipments are cancelled and not paid.' },
    { url: 'https://cajari.com/reports/shipping-performance', quality: 'SEC', note: 'Metric windows and targets.' },
    {
      quality: 'ASSUMPTION',
      note: 'Business days and holidays counted in Pacific time (the marketplace reports in PT).',
    },
    { quality: 'ASSUMPTION', note: 'Default handling time 2 business days when the listing gives none.' },
    {
      quality: 'ASSUMPTION',
      note: 'The point at which Amazon cancels an unconfirmed order is not published: no closing point.',
    },
  ],
  clockStart: 'payment',
  platformDeadline: { wins: true, crossCheckToleranceMinutes: 60 },
  handling: {
    kind: 'business_days',
    defaultDays: 2,
    maxDays: 30,
    calendar: { weekendDays: [6, 7], holidays: { country: 'US', types: ['public'] } },
  },
  deadlineAt: 'instant',
  clockPauses: [],
  buyerExtensions: { allowed: false, maxTotalHours: null },
  shippedWhen: 'tracking_uploaded',
  handOverLeadHours: 0,
  warningHoursBefore: [48, 24, 6, 2],
  graceHours: 0,
  closing: {
    hoursAfterDeadline: null,
    note: 'Unconfirmed orders are eventually cancelled; the timing is not specified.',
  },
  fine: {
    basis: 'fixed',
    currency: 'USD',
    steps: [],
    note: 'No per-order fine: lateness hurts the late-shipment rate.',
  },
  points: { steps: [], note: 'Account health is judged on rates, not per-order points.' },
  cancellation: { fine: 'none', note: 'A seller cancellation counts toward the pre-fulfilment cancel rate.' },
  effects: {
    late: ['late_shipment_rate'],
    unfulfilled: ['non_fulfilment_rate'],
    cancelledBySeller: ['non_fulfilment_rate'],
  },
  metricThresholds: [
    {
      metric: 'late_shipment_rate',
      direction: 'at_most',
      limit: 0.04,
      assessedOverDays: [10, 30],
      note: 'Target below 4 %; above it the account may be deactivated.',
    },
    {
      metric: 'non_fulfilment_rate',
      direction: 'at_most',
      limit: 0.025,
      assessedOverDays: [7],
      note: 'Pre-fulfilment cancel rate below 2.5 %.',
    },
    {
      metric: 'valid_tracking_rate',
      direction: 'at_least',
      limit: 0.95,
      assessedOverDays: [7, 30],
      note: 'Valid tracking rate at least 95 %.',
    },
  ],
  metricPauses: [],
} satisfies PolicyInput;
