/**
 * AliExpress semi-managed (半托管), JIT pickup (上门揽收): Cainiao picks the parcel up; the platform gives a
 * pickup-due day and fines count from 24:00 of that day. Digest 1.1, 1.2, 1.6, 1.9 and section 6.
 */
import type { PolicyInput } from './schema';
import {
  ALIEXPRESS_FESTIVAL_PAUSE_DATES,
  ALIEXPRESS_FINES,
  ALIEXPRESS_METRIC_PAUSES,
  ALIEXPRESS_ORDER_STATES,
  ALIEXPRESS_RISK_PASSED_CLOCK,
  ALIEXPRESS_WEIGHT_MISMATCH_RULE,
  SEMI_MANAGED_WEIGHT_MISMATCH,
} from './aliexpress-common';

export const aliexpressSemiJit = {
  id: 'aliexpress_semi_jit',
  version: 1,
  effectiveFrom: '2023-01-01T00:00:00+08:00',
  platform: 'aliexpress',
  mode: 'aliexpress_semi_jit',
  name: { en: 'AliExpress semi-managed, JIT pickup', 'zh-CN': '速卖通 半托管 上门揽收（JIT）' },
  zone: 'Asia/Shanghai',
  sources: [
    ALIEXPRESS_FINES,
    ALIEXPRESS_ORDER_STATES,
    ALIEXPRESS_RISK_PASSED_CLOCK,
    { quality: 'ASSUMPTION', note: 'The pickup day is a day in Beijing time (pickups happen in China).' },
    {
      quality: 'ASSUMPTION',
      note: 'Fallback when the platform gives no pickup-due day: clock start + 48 h, to the end of that day (the real SLA is an open question).',
    },
    {
      quality: 'ASSUMPTION',
      note: 'The platform voids a late order at an unknown point: stop trying 96 h after the deadline (top fine tier) and raise a manual task.',
    },
    {
      quality: 'ASSUMPTION',
      note: 'Not shipping at all ("short shipment / not shipped") costs the top tier, 1x product price.',
    },
    { quality: 'ASSUMPTION', note: 'The effective date is unknown; set early so older orders resolve.' },
    ALIEXPRESS_FESTIVAL_PAUSE_DATES,
    ALIEXPRESS_WEIGHT_MISMATCH_RULE,
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
    note: 'Late pickup, counted from 24:00 of the due day: up to 48 h 0.5x product price, beyond 48 h 1x.',
  },
  points: { steps: [], note: 'No points deduction documented for semi-managed lateness.' },
  cancellation: {
    fine: 'last_step',
    note: 'Short shipment / not shipped is fined like a late shipment (top tier assumed).',
  },
  effects: {
    late: ['late_shipment_rate'],
    unfulfilled: ['non_fulfilment_rate'],
    cancelledBySeller: ['non_fulfilment_rate'],
  },
  weightMismatch: SEMI_MANAGED_WEIGHT_MISMATCH,
  metricThresholds: [],
  metricPauses: ALIEXPRESS_METRIC_PAUSES,
} satisfies PolicyInput;
