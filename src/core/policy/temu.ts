/**
 * Temu, US seller-fulfilled orders (also semi-managed sellers' own shipments). The platform derives a Ship
 * Date from the product's handling time in operating days. Digest section 2.
 */
import type { PolicyInput } from './schema';

export const temu = {
  id: 'temu',
  version: 1,
  effectiveFrom: '2024-01-01T00:00:00-08:00',
  platform: 'temu',
  mode: 'temu',
  name: { en: 'Temu seller-fulfilled (US)', 'zh-CN': 'Temu 卖家自发货（美国）' },
  zone: 'America/Los_Angeles',
  sources: [
    {
      url: 'https://seller.temu.com/policy-page.html?type=31',
      quality: 'OFF',
      note: 'Handling Time and Transit Time per product; defaults 1 and 2 operating days.',
    },
    {
      url: 'https://www.temu.com/support/c3/what-is-late-delivery-compensation-f-48-s-1633.html',
      quality: 'OFF',
      note: 'Buyers get a credit when the latest delivery date is missed (platform courtesy).',
    },
    {
      url: 'http://gantiao.com.cn/post/2025111831.html',
      quality: 'SEC',
      note: 'Sellers pay late-arrival compensation (amounts not given).',
    },
    {
      url: 'https://hb2b.com/ask/174955.html',
      quality: 'SEC',
      note: 'Full-managed stocking orders void after 14 d / 7 d (not this mode).',
    },
    { quality: 'ASSUMPTION', note: 'Operating days = Monday to Friday except US public holidays, in Pacific time.' },
    {
      quality: 'ASSUMPTION',
      note: 'Shipping counts at tracking upload; no closing point or per-order fine is known; the effective date is unknown.',
    },
  ],
  clockStart: 'payment',
  platformDeadline: { wins: true, crossCheckToleranceMinutes: 60 },
  handling: {
    kind: 'business_days',
    defaultDays: 1,
    calendar: { weekendDays: [6, 7], holidays: { country: 'US', types: ['public'] } },
  },
  deadlineAt: 'instant',
  clockPauses: [],
  buyerExtensions: { allowed: false, maxTotalHours: null },
  shippedWhen: 'tracking_uploaded',
  handOverLeadHours: 0,
  warningHoursBefore: [48, 24, 6, 2],
  graceHours: 0,
  closing: { hoursAfterDeadline: null, note: 'Unknown for seller-fulfilled orders.' },
  fine: {
    basis: 'fixed',
    currency: 'USD',
    steps: [],
    note: 'Late-arrival compensation exists but its amounts are not published: configure per shop.',
  },
  points: { steps: [], note: 'No points scheme found.' },
  cancellation: { fine: 'none', note: 'No cancellation fine found.' },
  effects: {
    late: ['late_shipment_rate'],
    unfulfilled: ['non_fulfilment_rate'],
    cancelledBySeller: ['non_fulfilment_rate'],
  },
  metricThresholds: [],
  metricPauses: [],
} satisfies PolicyInput;
