/**
 * After-sales cases (disputes): not received, not as described, return requested, refund. The lifecycle is one
 * declared table checked by `decide`; each kind has a response deadline; the outcome records the amount refunded.
 * The item-not-received (INR) dispute rate follows the seller-backend definition (marketplace-rules.md §1.13).
 */
import { localized, type Localized } from './i18n';
import { defineMachine, type Decision } from './state-machine';
import { DAY_MS } from './time';

export const CASE_KINDS = ['not_received', 'not_as_described', 'return_requested', 'refund'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

const CASE_STATES = ['open', 'responded', 'escalated', 'resolved', 'withdrawn'] as const;
export type CaseState = (typeof CASE_STATES)[number];
export const OPEN_CASE_STATES: readonly CaseState[] = ['open', 'responded', 'escalated'];

const CASE_OUTCOMES = ['no_refund', 'partial_refund', 'full_refund', 'reshipped', 'returned_and_refunded'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

export function isCaseKind(value: string): value is CaseKind {
  return (CASE_KINDS as readonly string[]).includes(value);
}
function isCaseOutcome(value: string): value is CaseOutcome {
  return (CASE_OUTCOMES as readonly string[]).includes(value);
}

export interface CaseGuardContext {
  outcome?: string;
  /** Minor units. */
  refundedAmount?: number;
  orderTotal?: number;
  note?: string;
}

export const caseMachine = defineMachine({
  name: 'case',
  states: CASE_STATES,
  transitions: {
    respond: {
      from: ['open'],
      to: 'responded',
      guard: (c: CaseGuardContext) =>
        c.note && c.note.trim() ? undefined : localized('A response needs its text.', '回复需要填写内容。'),
    },
    escalate: { from: ['open', 'responded'], to: 'escalated' },
    resolve: {
      from: ['open', 'responded', 'escalated'],
      to: 'resolved',
      guard: (c: CaseGuardContext) => refuseOutcome(c),
    },
    withdraw: { from: ['open', 'responded', 'escalated'], to: 'withdrawn' },
  },
});
export type CaseAction = keyof typeof caseMachine.transitions;
export type CaseDecision = Decision<CaseState, CaseAction>;

function refuseOutcome(c: CaseGuardContext): Localized | undefined {
  if (!c.outcome || !isCaseOutcome(c.outcome)) {
    return localized(
      `An outcome is required: one of ${CASE_OUTCOMES.join(', ')}.`,
      `必须填写处理结果：${CASE_OUTCOMES.join('、')} 之一。`,
    );
  }
  const amount = c.refundedAmount ?? 0;
  if (!Number.isInteger(amount) || amount < 0)
    return localized(
      'The refunded amount is a whole number of minor units, not negative.',
      '退款金额必须是非负整数（最小货币单位）。',
    );
  if (c.orderTotal !== undefined && amount > c.orderTotal)
    return localized('The refund cannot exceed the order total.', '退款金额不能超过订单总额。');
  if ((c.outcome === 'no_refund' || c.outcome === 'reshipped') && amount !== 0)
    return localized(`A "${c.outcome}" outcome refunds nothing.`, `「${c.outcome}」结果不应有退款金额。`);
  if (
    (c.outcome === 'partial_refund' || c.outcome === 'full_refund' || c.outcome === 'returned_and_refunded') &&
    amount === 0
  ) {
    return localized('A refund outcome needs the amount refunded.', '退款类结果需要填写退款金额。');
  }
  if (c.outcome === 'full_refund' && c.orderTotal !== undefined && amount !== c.orderTotal) {
    return localized(
      'A full refund is the order total; use partial_refund otherwise.',
      '全额退款应等于订单总额；否则请使用 partial_refund。',
    );
  }
  return undefined;
}

/**
 * Days the seller has to answer a new case. ASSUMPTION (no figure in the digest): AliExpress sellers are commonly
 * given 5 calendar days to answer a dispute; Cainiao answers its own complaints within 10 (§1.11).
 */
const CASE_RESPONSE_DAYS: Record<CaseKind, number> = {
  not_received: 5,
  not_as_described: 5,
  return_requested: 5,
  refund: 5,
};

export function responseDeadline(
  kind: CaseKind,
  openedAt: number,
  days: Record<CaseKind, number> = CASE_RESPONSE_DAYS,
): number {
  return openedAt + days[kind] * DAY_MS;
}

export const CASE_KIND_LABELS: Record<CaseKind, Localized> = {
  not_received: localized('item not received', '未收到货'),
  not_as_described: localized('not as described', '货不对版'),
  return_requested: localized('return requested', '申请退货'),
  refund: localized('refund requested', '申请退款'),
};

export interface InrRateInput {
  /** INR cases opened in the window. */
  inrCases: number;
  /** Of those, the ones the buyer withdrew. */
  inrWithdrawn: number;
  /** Orders confirmed (by the buyer or automatically) in the window. */
  confirmedOrders: number;
  /** Orders with a refund requested in the window. */
  refundRequestedOrders: number;
}

/**
 * §1.13: (INR refund requests − withdrawn by the buyer) ÷ (confirmed + auto-confirmed + refund-requested orders).
 * null when there is nothing to divide by.
 */
export function inrDisputeRate(input: InrRateInput): number | null {
  const denominator = input.confirmedOrders + input.refundRequestedOrders;
  if (denominator <= 0) return null;
  return Math.max(0, input.inrCases - input.inrWithdrawn) / denominator;
}
