/**
 * AliExpress full-managed (全托管, "Choice"), JIT orders: the platform sells and fulfils, the seller hands
 * goods over on demand. Late shipment is fined as for semi-managed JIT; the price is the supply price.
 * Digest 1.1, 1.9 and section 6.
 */
import type { PolicyInput } from './schema';
import { ALIEXPRESS_FESTIVAL_PAUSE_DATES, ALIEXPRESS_FINES, ALIEXPRESS_METRIC_PAUSES } from './aliexpress-common';

export const aliexpressFullJit = {
  id: 'aliexpress_full_jit',
  version: 1,
  effectiveFrom: '2023-01-01T00:00:00+08:00',
  platform: 'aliexpress',
  mode: 'aliexpress_full_jit',
  name: { en: 'AliExpress full-managed (Choice), JIT', 'zh-CN': '速卖通 全托管 JIT' },
  zone: 'Asia/Shanghai',
  sources: [
    ALIEXPRESS_FINES,
    {
      url: 'https://github.com/yellowsea19/smallrig',
      quality: 'REAL',
      note: 'A captured Choice order shows goods_prepare_time 7 and freight_commit_day 90 (the receipt clock, not the ship-by clock).',
    },
    {
      quality: 'ASSUMPTION',
      note: 'The inbound-failure cap (CNY 30 / USD 5 per unit) is not applied to lateness: the source text is truncated, so the uncapped (higher) estimate is kept.',
    },
    {
      quality: 'ASSUMPTION',
      note: 'Due day in Beijing time, fallback clock start + 48 h to the end of that day, give up 96 h after the deadline.',
    },
    { quality: 'ASSUMPTION', note: 'The effective date is unknown; set early so older orders resolve.' },
    ALIEXPRESS_FESTIVAL_PAUSE_DATES,
  ],
  clockStart: 'risk_passed_else_payment',
  platformDeadline: { wins: true, crossCheckToleranceMinutes: 60 },
  handling: { kind: 'elapsed_hours', defaultHours: 48 },
  deadlineAt: 'end_of_local_day',
  clockPauses: [],
  buyerExtensions: { allowed: false, maxTotalHours: null },
  shippedWhen: 'handed_over',
  handOverLeadHours: 0,
  warningHoursBefore: [48, 24, 6, 2],
  graceHours: 0,
  closing: {
    hoursAfterDeadline: 96,
    note: 'ASSUMPTION: treat 96 h after the deadline as the point the platform gives up.',
  },
  fine: {
    basis: 'product_price',
    steps: [
      { afterHours: 0, percent: 50 },
      { afterHours: 48, percent: 100 },
    ],
    note: 'Late shipment as semi-managed JIT: up to 48 h 0.5x the (supply) price, beyond 48 h 1x.',
  },
  points: { steps: [], note: 'No points deduction documented for full-managed lateness.' },
  cancellation: {
    fine: 'last_step',
    note: 'Short shipment / not shipped is fined like a late shipment (top tier assumed).',
  },
  effects: {
    late: ['late_shipment_rate'],
    unfulfilled: ['non_fulfilment_rate'],
    cancelledBySeller: ['non_fulfilment_rate'],
  },
  metricThresholds: [],
  metricPauses: ALIEXPRESS_METRIC_PAUSES,
} satisfies PolicyInput;
