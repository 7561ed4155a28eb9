/**
 * TikTok Shop US. Dispatch SLA 2 business days; the carrier must scan the parcel (In Transit) within it.
 * Two versions: the earlier page required a late-dispatch rate of at most 4 %, the 2026-03 version
 * recommends 4 % and enforces above 10 %. Digest section 2 and section 6.
 */
import type { PolicyInput } from './schema';

const sources: PolicyInput['sources'] = [
  {
    url: 'https://seller-us.tiktok.com/university/essay?knowledge_id=3668989549299511',
    quality: 'OFF',
    note: 'Dispatch SLA 2 business days (Mon to Fri, excluding US federal holidays); the carrier scan must happen within the SLA.',
  },
  {
    url: 'https://sellerops.io/tiktok-shop-late-dispatch-rate-explained',
    quality: 'SEC',
    note: 'Late dispatch rate = orders dispatched after the SLA / orders dispatched.',
  },
  { quality: 'ASSUMPTION', note: 'Business days counted in Pacific time.' },
  { quality: 'ASSUMPTION', note: 'The carrier scans within 12 h of hand-over.' },
  {
    quality: 'ASSUMPTION',
    note: 'The auto-cancel point for unshipped orders is not in the sources: no closing point.',
  },
];

const common = {
  platform: 'tiktok',
  mode: 'tiktok_shop',
  name: { en: 'TikTok Shop (US)', 'zh-CN': 'TikTok Shop（美国）' },
  zone: 'America/Los_Angeles',
  clockStart: 'payment',
  platformDeadline: { wins: true, crossCheckToleranceMinutes: 60 },
  handling: {
    kind: 'business_days',
    defaultDays: 2,
    calendar: { weekendDays: [6, 7], holidays: { country: 'US', types: ['public'] } },
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
    note: 'No per-order fine: enforcement is through Account Health Rating points on the rate.',
  },
  points: { steps: [], note: 'Account Health Rating points follow the rates, not single orders.' },
  cancellation: { fine: 'none', note: 'Counts toward the seller-fault cancellation rate.' },
  effects: {
    late: ['late_shipment_rate'],
    unfulfilled: ['non_fulfilment_rate'],
    cancelledBySeller: ['non_fulfilment_rate'],
  },
  metricPauses: [],
} as const satisfies Partial<PolicyInput>;

export const tiktokShopV1 = {
  ...common,
  id: 'tiktok_shop',
  version: 1,
  effectiveFrom: '2023-01-01T00:00:00-08:00',
  sources: [
    ...sources,
    {
      quality: 'ASSUMPTION',
      note: 'The start date of the earlier page is unknown; set early so older orders resolve.',
    },
  ],
  metricThresholds: [
    {
      metric: 'late_shipment_rate',
      direction: 'at_most',
      limit: 0.04,
      assessedOverDays: [30],
      note: 'Late dispatch rate at most 4 % (earlier version).',
    },
  ],
} satisfies PolicyInput;

export const tiktokShopV2 = {
  ...common,
  id: 'tiktok_shop',
  version: 2,
  effectiveFrom: '2026-03-01T00:00:00-08:00',
  sources: [...sources, { quality: 'ASSUMPTION', note: 'The 2026-03 page gives no day: taken as 2026-03-01.' }],
  metricThresholds: [
    {
      metric: 'late_shipment_rate',
      direction: 'at_most',
      warn: 0.04,
      limit: 0.1,
      assessedOverDays: [30],
      note: 'Recommended at most 4 %, enforcement above 10 % (2026-03 version).',
    },
  ],
} satisfies PolicyInput;
