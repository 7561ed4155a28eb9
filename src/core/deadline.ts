/**
 * Ship-by deadlines and the warnings before them. Pure: every instant is UTC epoch ms passed in.
 *
 * - `computeShipBy(facts, policy)` → `{ shipByAt, source, computedAt, reasons, … }`.
 *   The clock starts when the platform's risk review passed (fallback: payment; a conservative, earlier
 *   start). Handling time is continuous hours (N days = N × 24 h, so a daylight-saving switch moves the
 *   local wall-clock end by an hour) or whole business days in the policy's zone, skipping weekends,
 *   holidays and the platform's announced pause windows. Where the policy says the platform's countdown
 *   wins and the facts carry it, the platform's deadline is the answer and ours is only a cross-check: the
 *   result is never earlier than the platform's. Buyer-agreed extensions (hours, or a new deadline) are
 *   applied in order of agreement; one agreed after the deadline it would extend, or one that would
 *   shorten it, is ignored with a reason. Bad facts throw `DeadlineInputError`, never default silently.
 * - `warningsDue(shipByAt, now, thresholdsHours, alreadySent)` → the threshold warnings crossed and not yet
 *   sent; only the most urgent one is meant to be sent (`superseded: false`), all are to be recorded.
 *
 * Guarantees (property-tested): a later payment never gives an earlier deadline; an extension never
 * shortens one; the order in which extensions are listed does not matter.
 *
 * The facts and their checks are in deadline-input.ts, the two steps (our deadline, then the extensions) in
 * deadline-rules.ts; this file puts them together with the clock start and the platform's deadline.
 */
import { applyExtensions, computeBaseDeadline } from './deadline-rules';
import { DeadlineInputError, requireInstant, validateExtension, type ShipByFacts } from './deadline-input';
import { localized, type Localized } from './i18n';
import type { Policy } from './policy/schema';
import { compilePolicy, HOUR_MS, type CompiledPolicy } from './policy/compiled';
import { durationText } from './policy/wording';

export {
  DeadlineInputError,
  extensionKey,
  sortExtensions,
  type BuyerExtension,
  type ShipByFacts,
} from './deadline-input';

export type CrossCheck = 'not_applicable' | 'match' | 'platform_earlier' | 'platform_later';

export interface ShipBy {
  shipByAt: number;
  source: 'platform' | 'computed';
  /** Our own computation (with extensions); equals shipByAt when source is 'computed'. */
  computedAt: number;
  clockStartAt: number;
  clockStartSource: 'risk_passed' | 'payment';
  /** Our computation before extensions. */
  baseDeadlineAt: number;
  /** How our computation compares with the platform's deadline. */
  crossCheck: CrossCheck;
  reasons: Localized[];
}

/** The ship-by deadline of an order under a policy, with the reasons in English and Chinese. */
export function computeShipBy(facts: ShipByFacts, policy: Policy): ShipBy {
  const compiled = compilePolicy(policy);
  requireShipByFacts(facts, policy);
  const handlingDays = facts.handlingDays;
  const extensions = facts.extensions ?? [];
  const reasons: Localized[] = [];
  const { clockStartAt, clockStartSource } = clockStart(facts, policy, compiled.zone, reasons);
  if (
    handlingDays !== undefined &&
    compiled.maxHandlingMs !== null &&
    handlingDays * 24 * HOUR_MS > compiled.maxHandlingMs
  ) {
    const max = durationText(compiled.maxHandlingMs);
    reasons.push(
      localized(
        `The order's handling time (${handlingDays} d) is above this policy's usual maximum of ${max.en}; it is used as given.`,
        `该订单的备货期（${handlingDays}天）超过本策略通常的上限 ${max.zh}；按原值使用。`,
      ),
    );
  }

  const baseDeadlineAt = computeBaseDeadline(compiled, clockStartAt, handlingDays, reasons);
  const computedAt = applyExtensions(compiled, baseDeadlineAt, extensions, reasons);

  if (facts.platformShipByAt === undefined || !policy.platformDeadline.wins) {
    if (facts.platformShipByAt !== undefined) {
      reasons.push(
        localized(
          `The platform's deadline ${compiled.zone.describe(facts.platformShipByAt)} is recorded but this policy computes its own.`,
          `已记录平台截止时间 ${compiled.zone.describe(facts.platformShipByAt)}，但本策略使用自行计算的结果。`,
        ),
      );
    }
    return {
      shipByAt: computedAt,
      source: 'computed',
      computedAt,
      clockStartAt,
      clockStartSource,
      baseDeadlineAt,
      crossCheck: 'not_applicable',
      reasons,
    };
  }
  return platformShipBy(compiled, policy, facts.platformShipByAt, extensions.length > 0, {
    computedAt,
    clockStartAt,
    clockStartSource,
    baseDeadlineAt,
    reasons,
  });
}

/**
 * Bad facts throw `DeadlineInputError` naming the field: a bad instant, a handling time not above zero, a bad
 * extension.
 */
function requireShipByFacts(facts: ShipByFacts, policy: Policy): void {
  requireInstant(facts.paidAt, 'paidAt');
  if (facts.riskPassedAt !== undefined) requireInstant(facts.riskPassedAt, 'riskPassedAt');
  if (facts.platformShipByAt !== undefined) requireInstant(facts.platformShipByAt, 'platformShipByAt');
  const handlingDays = facts.handlingDays;
  if (handlingDays !== undefined) {
    if (!Number.isFinite(handlingDays) || handlingDays <= 0) {
      throw new DeadlineInputError(
        'handlingDays',
        localized('a handling time must be more than zero', '备货期必须大于零'),
      );
    }
    if (policy.handling.kind === 'business_days' && !Number.isInteger(handlingDays)) {
      throw new DeadlineInputError(
        'handlingDays',
        localized('business days must be a whole number', '工作日数必须是整数'),
      );
    }
  }
  (facts.extensions ?? []).forEach(validateExtension);
}

/** When the clock starts: the risk review's pass where the policy says so and it is known, else the payment. */
function clockStart(
  facts: ShipByFacts,
  policy: Policy,
  zone: CompiledPolicy['zone'],
  reasons: Localized[],
): Pick<ShipBy, 'clockStartAt' | 'clockStartSource'> {
  const paidText = zone.describe(facts.paidAt);
  if (policy.clockStart !== 'risk_passed_else_payment') {
    reasons.push(localized(`The clock starts at payment, ${paidText}.`, `计时从付款时间开始：${paidText}。`));
    return { clockStartAt: facts.paidAt, clockStartSource: 'payment' };
  }
  if (facts.riskPassedAt === undefined) {
    reasons.push(
      localized(
        `The clock starts at payment, ${paidText}: the risk-review time is not known (an earlier, conservative start).`,
        `计时从付款时间 ${paidText} 开始：风控审核通过时间未知（更早、更保守的起点）。`,
      ),
    );
    return { clockStartAt: facts.paidAt, clockStartSource: 'payment' };
  }
  if (facts.riskPassedAt < facts.paidAt) {
    reasons.push(
      localized(
        `The risk review cannot pass before payment: the clock starts at payment, ${paidText}.`,
        `风控审核不可能早于付款：计时从付款时间 ${paidText} 开始。`,
      ),
    );
    return { clockStartAt: facts.paidAt, clockStartSource: 'payment' };
  }
  const riskText = zone.describe(facts.riskPassedAt);
  reasons.push(
    localized(`The clock starts when the risk review passed, ${riskText}.`, `计时从风控审核通过时开始：${riskText}。`),
  );
  return { clockStartAt: facts.riskPassedAt, clockStartSource: 'risk_passed' };
}

/**
 * The platform's own deadline wins (on the end of its local day where the policy says so); ours, with the
 * extensions, is only its cross-check.
 */
function platformShipBy(
  compiled: CompiledPolicy,
  policy: Policy,
  platformShipByAt: number,
  hasExtensions: boolean,
  ours: Pick<ShipBy, 'computedAt' | 'clockStartAt' | 'clockStartSource' | 'baseDeadlineAt' | 'reasons'>,
): ShipBy {
  const { zone } = compiled;
  const { computedAt, reasons } = ours;
  let platformAt = platformShipByAt;
  if (policy.deadlineAt === 'end_of_local_day') platformAt = zone.endOfDayContaining(platformAt);
  reasons.push(
    localized(
      `The platform's own deadline wins: ${zone.describe(platformAt)}.`,
      `以平台自己的截止时间为准：${zone.describe(platformAt)}。`,
    ),
  );
  const difference = platformAt - computedAt;
  const crossCheck: CrossCheck =
    Math.abs(difference) <= compiled.toleranceMs ? 'match' : difference < 0 ? 'platform_earlier' : 'platform_later';
  if (crossCheck !== 'match') {
    const gap = durationText(difference);
    reasons.push(
      crossCheck === 'platform_earlier'
        ? localized(
            `Cross-check: the platform's deadline is ${gap.en} earlier than ours (${zone.describe(computedAt)}); the platform's is kept.`,
            `核对：平台截止时间比我们计算的（${zone.describe(computedAt)}）早 ${gap.zh}；以平台为准。`,
          )
        : localized(
            `Cross-check: the platform gives ${gap.en} more than our computation (${zone.describe(computedAt)}); the platform's is kept.`,
            `核对：平台给出的时间比我们计算的（${zone.describe(computedAt)}）多 ${gap.zh}；以平台为准。`,
          ),
    );
  }
  if (hasExtensions) {
    reasons.push(
      localized(
        'Recorded extensions are not added to the platform deadline: the platform applies an agreed extension to its own countdown.',
        '已记录的延期不会叠加到平台截止时间上：买家同意的延期由平台计入其倒计时。',
      ),
    );
  }
  return {
    shipByAt: platformAt,
    source: 'platform',
    computedAt,
    clockStartAt: ours.clockStartAt,
    clockStartSource: ours.clockStartSource,
    baseDeadlineAt: ours.baseDeadlineAt,
    crossCheck,
    reasons,
  };
}

export interface WarningDue {
  hoursBefore: number;
  /** When this warning became due (deadline − hoursBefore). */
  dueAt: number;
  /** true when a more urgent warning is also due: record it as sent, but send only the most urgent. */
  superseded: boolean;
}

/**
 * The warnings (hours before the deadline) whose time has come and that were not sent yet, earliest first.
 * None once the deadline has passed (the verdict takes over).
 */
export function warningsDue(
  shipByAt: number,
  now: number,
  thresholdsHours: readonly number[],
  alreadySent: Iterable<number>,
): WarningDue[] {
  requireInstant(shipByAt, 'shipByAt');
  requireInstant(now, 'now');
  for (const hours of thresholdsHours) {
    if (!Number.isFinite(hours) || hours <= 0) {
      throw new DeadlineInputError(
        'thresholdsHours',
        localized('warning thresholds must be more than zero hours', '提醒阈值必须大于零小时'),
      );
    }
  }
  if (now >= shipByAt) return [];
  const sent = new Set(alreadySent);
  const due = thresholdsHours
    .filter((hours) => !sent.has(hours) && now >= shipByAt - hours * HOUR_MS)
    .sort((a, b) => b - a)
    .map((hours) => ({ hoursBefore: hours, dueAt: shipByAt - hours * HOUR_MS, superseded: true }));
  if (due.length > 0) due[due.length - 1]!.superseded = false;
  return due;
}
