/**
 * Shopee, cross-border seller shipping from mainland China. Ship-by = order + Days to Ship (DTS) in
 * working days. Digest section 2 and section 6.
 */
import type { PolicyInput } from './schema';
import { CN_CLOSURES, CN_MAKEUP_WORKING_DAYS, CN_PARTIAL_HOLIDAY_NAMES, expandDateRanges } from './china-calendar';

export const shopee = {
  id: 'shopee',
  version: 1,
  effectiveFrom: '2024-01-15T00:00:00+08:00',
  platform: 'shopee',
  mode: 'shopee',
  name: { en: 'Shopee cross-border', 'zh-CN': 'Shopee 跨境' },
  zone: 'Asia/Shanghai',
  sources: [
    {
      url: 'https://edu.bullmart.com/selling-and-billing-seller-performance-inner/',
      quality: 'SEC',
      note: "Days to Ship counted in working days (no weekends, public holidays, logistics partners' closures); LSR = late orders / orders, past 7 days.",
    },
    {
      url: 'http://sellerby.com/p/1.html',
      quality: 'SEC',
      note: 'Since 2024-01-15 ready-stock DTS is 2 working days for all sites; pre-order 5 to 10.',
    },
    {
      url: 'https://59hwq.com/circle/5121.html',
      quality: 'SEC',
      note: 'Cross-border LSR penalty threshold moved from 10 % to 20 % on 2024-01-15; NFR threshold 10 %.',
    },
    {
      url: 'https://sellerby.com/p/3101.html',
      quality: 'SEC',
      note: 'Singapore lowers the LSR threshold to 5 % from 2026-03-10 (override per shop if selling there).',
    },
    {
      quality: 'ASSUMPTION',
      note: 'Working days are Chinese working days (the seller and the first-mile warehouse are in China).',
    },
    {
      quality: 'ASSUMPTION',
      note: "An order counts as shipped at the logistics partner's first scan; allow 12 h after hand-over.",
    },
    {
      quality: 'ASSUMPTION',
      note: "Shopee's auto-cancel point for unshipped orders is not in the sources: no closing point.",
    },
  ],
  clockStart: 'payment',
  platformDeadline: { wins: true, crossCheckToleranceMinutes: 60 },
  handling: {
    kind: 'business_days',
    defaultDays: 2,
    maxDays: 10,
    calendar: {
      weekendDays: [6, 7],
      holidays: { country: 'CN', types: ['public'], ignoreNames: [...CN_PARTIAL_HOLIDAY_NAMES] },
      closedDates: expandDateRanges(CN_CLOSURES),
      workingDates: [...CN_MAKEUP_WORKING_DAYS],
    },
  },
  deadlineAt: 'instant',
  clockPauses: [],
  buyerExtensions: { allowed: false, maxTotalHours: null },
  shippedWhen: 'carrier_scan',
  handOverLeadHours: 12,
  warningHoursBefore: [48, 24, 6, 2],
  graceHours: 0,
  closing: { hoursAfterDeadline: null, note: 'Unknown: keep shipping late rather than assume a cancellation.' },
  fine: {
    basis: 'fixed',
    currency: 'USD',
    steps: [],
    note: 'No per-order fine: penalty points are given on the weekly rates.',
  },
  points: {
    steps: [],
    note: 'Penalty points follow the rates (older rule: LSR at or above 10 % = 1 point), not single orders.',
  },
  cancellation: { fine: 'none', note: 'A seller cancellation counts toward the non-fulfilment rate.' },
  effects: {
    late: ['late_shipment_rate'],
    unfulfilled: ['non_fulfilment_rate'],
    cancelledBySeller: ['non_fulfilment_rate'],
  },
  metricThresholds: [
    {
      metric: 'late_shipment_rate',
      direction: 'at_most',
      warn: 0.1,
      limit: 0.2,
      assessedOverDays: [7],
      note: 'Cross-border penalty at 20 % (warning at the former 10 %).',
    },
    {
      metric: 'non_fulfilment_rate',
      direction: 'at_most',
      limit: 0.1,
      assessedOverDays: [7],
      note: 'Non-fulfilment rate threshold 10 %.',
    },
  ],
  metricPauses: [],
} satisfies PolicyInput;
