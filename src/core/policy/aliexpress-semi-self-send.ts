/**
 * AliExpress semi-managed (半托管), self-send (商家自寄): the seller sends the parcel to a Cainiao
 * warehouse itself. The first 48 h late carry no fine. Digest 1.1, 1.6, 1.9 and section 6.
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

export const aliexpressSemiSelfSend = {
  id: 'aliexpress_semi_self_send',
  version: 1,
  effectiveFrom: '2023-01-01T00:00:00+08:00',
  platform: 'aliexpress',
  mode: 'aliexpress_semi_self_send',
  name: { en: 'AliExpress semi-managed, self-send', 'zh-CN': '速卖通 半托管 商家自寄' },
  zone: 'Asia/Shanghai',
  sources: [
    ALIEXPRESS_FINES,
    ALIEXPRESS_ORDER_STATES,
    ALIEXPRESS_RISK_PASSED_CLOCK,
    {
      quality: 'ASSUMPTION',
      note: 'The due day is a day in Beijing time and lateness counts from 24:00 of it, as for JIT.',
    },
    {
      quality: 'ASSUMPTION',
      note: 'Lateness is judged when the Cainiao warehouse receives the parcel; allow 24 h of domestic transit after hand-over.',
    },
    {
      quality: 'ASSUMPTION',
      note: 'Fallback when the platform gives no due day: clock start + 48 h, to the end of that day.',
    },
    {
      quality: 'ASSUMPTION',
      note: 'Stop trying 96 h after the deadline (where the top fine tier starts) and raise a manual task.',
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
  shippedWhen: 'warehouse_received',
  handOverLeadHours: 24,
  warningHoursBefore: [48, 24, 6, 2],
  graceHours: 48,
  closing: {
    hoursAfterDeadline: 96,
    note: 'ASSUMPTION: treat 96 h after the deadline as the point the platform gives up.',
  },
  fine: {
    basis: 'product_price',
    steps: [
      { afterHours: 48, percent: 50 },
      { afterHours: 96, percent: 100 },
    ],
    note: 'Late self-send: 0 to 48 h no fine, 48 to 96 h 0.5x product price, beyond 96 h 1x.',
  },
  points: { steps: [], note: 'No points deduction documented for semi-managed lateness.' },
  cancellation: { fine: 'last_step', note: 'Not shipped is fined like the top lateness tier (ASSUMPTION).' },
  effects: {
    late: ['late_shipment_rate'],
    unfulfilled: ['non_fulfilment_rate'],
    cancelledBySeller: ['non_fulfilment_rate'],
  },
  weightMismatch: SEMI_MANAGED_WEIGHT_MISMATCH,
  metricThresholds: [],
  metricPauses: ALIEXPRESS_METRIC_PAUSES,
} satisfies PolicyInput;
