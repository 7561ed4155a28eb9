/**
 * One truth per order: the order's situation at an instant, decided here and read by every screen, command, queue,
 * alert and metric. A pure function of every fact of the order (core/penalty.ts `OrderFacts`: the platform's times,
 * the policy version, stock reserved or awaited with the purchase order's date, hand-over, upload, first scan,
 * warehouse receipt, extensions, cancellation, closure) and an instant `at`:
 *
 *   open            nothing to worry about yet;
 *   at_risk         it can still make the deadline, but little time is left, the shop's own target has passed, or
 *                   it waits for stock expected in time;
 *   will_miss       it will miss, and why: the deadline or the latest hand-over has passed, or its stock comes too
 *                   late or not at all;
 *   awaiting_count  handed over, waiting for the event the platform counts (a carrier scan, a warehouse receipt);
 *   shipped_in_time / shipped_late, closed (by the platform, reported or past the policy's closing point),
 *   cancelled.
 *
 * With it: the verdict (core/verdict: the fine, the points, the options and the recommended course), whether the
 * seller can still act on the order (`actionable`: label, ship, hand over, upload), whether it counts in the queues
 * and totals (`inQueues`), what it puts at stake (`exposure`), and the assumptions the answer rests on, each with
 * the policy's id, version and effective date.
 *
 * Also the rules beside the deadline: a buyer's cancellation request (core/cancellation-request.ts) with its answer
 * time — open, it is a reason (what happens unanswered) and makes the order at risk near its answer time; lapsed,
 * the platform has cancelled the order — and the violations the policy prices (core/violations.ts: false shipment,
 * the semi-managed weight mismatch) in `violations`, also said in the verdict's sentences.
 */
import { localized, type Localized } from './i18n';
import type { Money } from './money';
import { fineAt, type OrderFacts } from './penalty';
import type { Policy } from './policy/schema';
import { compilePolicy, HOUR_MS } from './policy/compiled';
import { verdict, type Verdict } from './verdict';
import { answerTimeIsAssumed, cancellationRequestOf, type CancellationRequest } from './cancellation-request';
import { falseShipmentViolation, weightMismatchViolation, type PricedViolation } from './violations';

export const SITUATION_KINDS = [
  'open',
  'at_risk',
  'will_miss',
  'awaiting_count',
  'shipped_in_time',
  'shipped_late',
  'closed',
  'cancelled',
] as const;
export type SituationKind = (typeof SITUATION_KINDS)[number];

export interface Situation {
  kind: SituationKind;
  /** Why it is at risk or will miss (empty otherwise). */
  reasons: Localized[];
  verdict: Verdict;
  /** The seller can still act on it: buy labels, ship, hand over, upload a tracking number. */
  actionable: boolean;
  /** It belongs in the work queues and their totals (at-risk list, pack queue, plan, exposure). */
  inQueues: boolean;
  /** What it puts at stake now: the fine if it misses (open), the fine of the course at hand (late); null when settled. */
  exposure: Money | null;
  /** What the answer assumes rather than knows, with the policy it comes from. */
  assumptions: Localized[];
  /** The buyer's cancellation request, if one was made: open (answer by when), lapsed, accepted or refused. */
  cancellationRequest: CancellationRequest | null;
  /** Violations priced from the policy beside the lateness fine: false shipment, weight mismatch (core/violations.ts). */
  violations: PricedViolation[];
}

/** Orders with less than this to their latest hand-over are at risk. */
const AT_RISK_WITHIN_MS = 24 * HOUR_MS;

const SETTLED: Partial<Record<Verdict['status'], SituationKind>> = {
  shipped_on_time: 'shipped_in_time',
  shipped_late: 'shipped_late',
  closed: 'closed',
  cancelled: 'cancelled',
  awaiting_count: 'awaiting_count',
};

function policyLabel(policy: Policy): { en: string; zh: string } {
  const date = policy.effectiveFrom.slice(0, 10);
  return {
    en: `policy ${policy.id} v${policy.version}, effective ${date}`,
    zh: `策略 ${policy.id} v${policy.version}，${date} 起生效`,
  };
}

/** The assumptions behind a verdict: the closing point and the transit time, where the policy only assumes them. */
function assumptionsOf(policy: Policy, v: Verdict): Localized[] {
  const out: Localized[] = [];
  const label = policyLabel(policy);
  const hours = policy.closing.hoursAfterDeadline;
  if (hours !== null && v.closesAt !== null && /^\s*ASSUMPTION\b/i.test(policy.closing.note)) {
    out.push(
      localized(
        `Assumption (${label.en}): the platform gives up on a late order ${hours} h after its deadline; no source gives the real point.`,
        `假设（${label.zh}）：平台在截止后 ${hours} 小时放弃迟发订单；没有资料给出实际时间点。`,
      ),
    );
  }
  if (policy.handOverLeadHours > 0 && v.status !== 'shipped_on_time' && v.status !== 'shipped_late') {
    out.push(
      localized(
        `Assumption (${label.en}): the event the platform counts comes ${policy.handOverLeadHours} h after the hand-over (an estimate of the transit, not a promise).`,
        `假设（${label.zh}）：平台计入的事件在交接后 ${policy.handOverLeadHours} 小时发生（运输时间的估计，并非承诺）。`,
      ),
    );
  }
  return out;
}

/** The request's sentence: when it came, the answer time, and what happens if it goes unanswered. */
function requestReason(request: CancellationRequest, policy: Policy, describe: (ms: number) => string): Localized {
  const asked = describe(request.requestedAt);
  if (request.answerBy === null) {
    return localized(
      `The buyer asked to cancel at ${asked}: accept or refuse the request on the order page.`,
      `买家于 ${asked} 申请取消：请在订单页面接受或拒绝该申请。`,
    );
  }
  const by = describe(request.answerBy);
  const hours = policy.buyerCancellation!.answerHours;
  return localized(
    `The buyer asked to cancel at ${asked}: accept or refuse it on the order page by ${by} (${hours} h). Unanswered, the platform cancels the order at ${by}.`,
    `买家于 ${asked} 申请取消：请在 ${by}（${hours} 小时内）之前在订单页面接受或拒绝。逾期未答复，平台将于 ${by} 自动取消订单。`,
  );
}

function requestAssumption(policy: Policy): Localized {
  const label = policyLabel(policy);
  const hours = policy.buyerCancellation!.answerHours;
  const source = policy.sources.find((s) => /cancel/i.test(s.note) && s.url);
  const from = source ? ` (source: ${source.url}, ${source.quality})` : '';
  return localized(
    `Assumption (${label.en}): a cancellation request left unanswered for ${hours} h cancels the order automatically${from}.`,
    `假设（${label.zh}）：取消申请 ${hours} 小时未答复，订单将被自动取消${source ? `（来源：${source.url}，${source.quality}）` : ''}。`,
  );
}

export function situationOf(facts: OrderFacts, policy: Policy, at: number): Situation {
  const v = verdict(facts, policy, at);
  const assumptions = assumptionsOf(policy, v);
  const request =
    facts.cancellationRequest === undefined ? null : cancellationRequestOf(facts.cancellationRequest, policy, at);
  if (request !== null && (request.state === 'open' || request.state === 'lapsed') && answerTimeIsAssumed(policy))
    assumptions.push(requestAssumption(policy));
  const violations: PricedViolation[] = [];
  if (facts.falseShipmentSigns !== undefined || facts.parcelWeights !== undefined) {
    const falseShipment = facts.falseShipmentSigns
      ? falseShipmentViolation(policy, facts, facts.falseShipmentSigns)
      : null;
    if (falseShipment) violations.push(falseShipment);
    const weight = facts.parcelWeights ? weightMismatchViolation(policy, facts.parcelWeights) : null;
    if (weight) violations.push(weight);
    for (const violation of violations) v.sentences.push(violation.explanation);
  }
  const settled = SETTLED[v.status];
  if (settled) {
    const pending = settled === 'awaiting_count';
    return {
      kind: settled,
      reasons: request !== null && request.state === 'lapsed' ? [v.headline] : [],
      verdict: v,
      actionable: false,
      inQueues: false,
      exposure: pending && v.latenessMs > 0 ? v.fine.money : null,
      assumptions,
      cancellationRequest: request,
      violations,
    };
  }
  let kind: SituationKind;
  const reasons: Localized[] = [];
  if (v.status === 'late' || v.status === 'hand_over_window_missed') {
    kind = 'will_miss';
    reasons.push(v.headline);
  } else if (v.status === 'waiting_for_stock') {
    kind = v.latenessMs > 0 || !v.canStillShip ? 'will_miss' : 'at_risk';
    reasons.push(v.headline);
  } else if (v.status === 'past_internal_target') {
    kind = 'at_risk';
    reasons.push(localized('Your own target time has passed.', '已超过店铺自定目标时间。'));
  } else if (v.latestHandOverAt - at <= AT_RISK_WITHIN_MS) {
    kind = 'at_risk';
    reasons.push(localized('Less than 24 h to the latest hand-over.', '距最晚交接时间不足 24 小时。'));
  } else {
    kind = 'open';
  }
  // An open cancellation request: its answer is due, and unanswered the platform cancels the order. Near its answer
  // time the order is at risk, and the request is the first reason when it comes before the hand-over.
  if (request !== null && request.state === 'open') {
    const reason = requestReason(request, policy, (ms) => compilePolicy(policy).zone.describe(ms));
    const dueFirst = request.answerBy !== null && request.answerBy < v.latestHandOverAt;
    if (dueFirst) reasons.unshift(reason);
    else reasons.push(reason);
    if (kind === 'open' && request.answerBy !== null && request.answerBy - at <= AT_RISK_WITHIN_MS) kind = 'at_risk';
  }
  // At stake: once it will miss, the course at hand; before, what missing the deadline a moment from now costs.
  const exposure =
    kind === 'will_miss' ? v.fine.money : v.timeLeftMs > 0 ? fineAt(policy, facts, 1).money : v.fine.money;
  return {
    kind,
    reasons,
    verdict: v,
    actionable: true,
    inQueues: true,
    exposure,
    assumptions,
    cancellationRequest: request,
    violations,
  };
}

/** What the work queues (the plan, the pack queue) take of an order. */
export interface QueuedWork {
  /** The deadline the work is due by: the verdict's, with the buyer's extensions. */
  dueAt: number;
  /** While it waits for stock: when its goods are expected (work cannot start before). */
  releaseAt?: number;
}

/**
 * An order's place in the work queues, read from its situation: none when it is in no queue (closed, cancelled,
 * shipped, awaiting the count) or cannot be worked (it waits for stock that nothing brings); else its deadline and,
 * while it waits for stock, when the goods are expected.
 */
export function queuedWork(s: Situation, facts: OrderFacts): QueuedWork | null {
  if (!s.inQueues) return null;
  const dueAt = s.verdict.shipBy.shipByAt;
  if (!facts.stock) return { dueAt };
  if (facts.stock.expectedAt === null) return null;
  return { dueAt, releaseAt: Math.max(s.verdict.now, facts.stock.expectedAt) };
}
