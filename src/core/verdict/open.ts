import { localized, type Localized } from '../i18n';
import type { Money } from '../money';
import { HOUR_MS } from '../policy/compiled';
import type { MetricKey } from '../policy/schema';
import { durationText, money } from '../policy/wording';
import { explainFine, type FineQuote, fineAt, fineForStep, pointsAt } from '../penalty';
import {
  addMoney,
  assemble,
  effectsText,
  NO_EFFECTS,
  type Course,
  type CourseOption,
  type StepAhead,
  type Verdict,
  type VerdictInput,
  type VerdictStatus,
} from './types';

/** What a hand-over now would make of the order: when it is counted, how late, and what that costs. */
interface HandOverNow {
  status: VerdictStatus;
  countedIfNow: number;
  countedText: string;
  closesText: string;
  latenessMs: number;
  fine: FineQuote;
  /** The fine in words when a hand-over now is late; null when it is on time. */
  fineText: Localized | null;
  /** A hand-over whose counted event would come after the platform closes the order cannot save it. */
  countedAfterClosing: boolean;
}

/** Open: what a hand-over now would cost, what comes next, and the options (ship now, ask for an extension, cancel). */
export function openVerdict(input: VerdictInput): Verdict {
  const { order, policy, now, compiled, zone, deadline, closesAt, common } = input;
  const countedIfNow = now + compiled.leadMs;
  const latenessMs = Math.max(0, countedIfNow - deadline);
  const fine = fineAt(policy, order, latenessMs);
  const points = pointsAt(policy, latenessMs);
  const lateEffects = latenessMs > 0 ? policy.effects.late : NO_EFFECTS;
  const handOver: HandOverNow = {
    status: openStatus(input),
    countedIfNow,
    countedText: zone.describe(countedIfNow),
    closesText: closesAt === null ? '' : zone.describe(closesAt),
    latenessMs,
    fine,
    fineText: latenessMs > 0 ? explainFine(policy, order, fine) : null,
    countedAfterClosing: closesAt !== null && countedIfNow > closesAt,
  };
  const headline = openHeadline(input, handOver);
  const sentences: Localized[] = [headline];
  addContextSentences(input, handOver, sentences);
  const stepsAhead = stepsAheadOfHandOver(input, countedIfNow, sentences);

  const extensionOption = askExtensionOption(input, handOver);
  const cancelCost = addMoney(input.cancelFine.money, order.margin);
  const options = [shipNowOption(handOver, points, lateEffects), extensionOption, cancelOption(input, cancelCost)];
  const { recommended, why } = openRecommendation(input, handOver, extensionOption.available, cancelCost);
  const effectsSentence = effectsText(lateEffects, compiled);
  if (effectsSentence) sentences.push(effectsSentence);
  sentences.push(why);

  return assemble(common, {
    status: handOver.status,
    closedByPlatform: false,
    canStillShip: !handOver.countedAfterClosing,
    latenessMs,
    fine,
    points,
    stepsAhead,
    metricEffects: lateEffects,
    options,
    recommended,
    headline,
    sentences,
  });
}

function openStatus({ now, deadline, latestHandOverAt, internalTargetAt }: VerdictInput): VerdictStatus {
  return now > deadline
    ? 'late'
    : now > latestHandOverAt
      ? 'hand_over_window_missed'
      : internalTargetAt !== null && now > internalTargetAt
        ? 'past_internal_target'
        : 'on_track';
}

function openHeadline(input: VerdictInput, handOver: HandOverNow): Localized {
  const { now, compiled, zone, deadline, event, closesAt, latestHandOverAt, deadlineText } = input;
  const { status, countedText, closesText } = handOver;
  const left = durationText(deadline - now);
  if (status === 'late' && handOver.countedAfterClosing) {
    return localized(
      `Late by ${left.en} (deadline ${deadlineText}) and too late to ship: a hand-over now is counted only at ${countedText}, after the platform closes the order at ${closesText}.`,
      `已超时 ${left.zh}（截止 ${deadlineText}），来不及发货：现在交接要到 ${countedText} 才计入，晚于平台关单时间 ${closesText}。`,
    );
  }
  if (status === 'late') {
    const lastHandOver = closesAt === null ? '' : zone.describe(closesAt - compiled.leadMs);
    return localized(
      `Late by ${left.en} (deadline ${deadlineText}), but it can still ship${closesAt !== null ? `: hand over by ${lastHandOver}` : ''}.`,
      `已超时 ${left.zh}（截止 ${deadlineText}），但仍可发货${closesAt !== null ? `：须在 ${lastHandOver} 前交接` : ''}。`,
    );
  }
  if (status === 'hand_over_window_missed') {
    const lateness = durationText(handOver.latenessMs);
    return localized(
      `${left.en} left until ${deadlineText}, but a hand-over now is counted (${event.en}) only at ${countedText}: too late by ${lateness.en}.`,
      `距截止 ${deadlineText} 还有 ${left.zh}，但现在交接要到 ${countedText} 才计入（${event.zh}）：晚 ${lateness.zh}。`,
    );
  }
  const latestText = zone.describe(latestHandOverAt);
  return localized(
    `${left.en} left: ship by ${deadlineText}; hand over by ${latestText} at the latest.`,
    `剩余 ${left.zh}：须在 ${deadlineText} 前发货；最晚于 ${latestText} 交接。`,
  );
}

/** After the headline: what the platform counts, the shop's own target, the closing point, a late hand-over's fine. */
function addContextSentences(input: VerdictInput, handOver: HandOverNow, sentences: Localized[]): void {
  const { compiled, zone, event, closesAt, internalTargetAt } = input;
  const { status, fineText } = handOver;
  if (status !== 'late' && compiled.leadMs > 0) {
    const lead = durationText(compiled.leadMs);
    sentences.push(
      localized(
        `The platform counts the ${event.en}, expected ${lead.en} after hand-over.`,
        `平台以${event.zh}为准，预计在交接后 ${lead.zh}。`,
      ),
    );
  }
  if (internalTargetAt !== null) {
    const targetText = zone.describe(internalTargetAt);
    sentences.push(
      status === 'past_internal_target'
        ? localized(`Your own target ${targetText} has passed.`, `已超过店铺自定目标时间 ${targetText}。`)
        : localized(`Your own target: ${targetText}.`, `店铺自定目标时间：${targetText}。`),
    );
  }
  sentences.push(
    closesAt !== null
      ? localized(
          `The platform closes the order at ${handOver.closesText}; after that no tracking number can be uploaded.`,
          `平台将于 ${handOver.closesText} 关闭订单；之后无法上传运单号。`,
        )
      : localized('No closing point is known: shipping late stays possible.', '未知的关单时间：仍可延迟发货。'),
  );
  if (fineText) sentences.push(localized(`Hand over now: ${fineText.en}`, `现在交接：${fineText['zh-CN']}`));
}

/**
 * The next steps of the schedule a later hand-over would reach, up to the closing point; each one's sentence is
 * added to `sentences`.
 */
function stepsAheadOfHandOver(input: VerdictInput, countedIfNow: number, sentences: Localized[]): StepAhead[] {
  const { order, policy, compiled, zone, deadline, closesAt } = input;
  // Both schedules are sorted; merge them only when points steps exist (rare), to spare the common path.
  let changePoints: readonly number[] = compiled.fineStepStartsMs;
  if (compiled.pointStepStartsMs.length > 0) {
    changePoints = [...new Set([...compiled.fineStepStartsMs, ...compiled.pointStepStartsMs])].sort((a, b) => a - b);
  }
  const stepsAhead: StepAhead[] = [];
  for (const startMs of changePoints) {
    const startsAt = deadline + startMs;
    if (startsAt < countedIfNow || (closesAt !== null && startsAt >= closesAt)) continue;
    const after = startsAt - deadline + 1;
    const step = {
      startsAt,
      handOverBy: startsAt - compiled.leadMs,
      fine: fineAt(policy, order, after).money,
      points: pointsAt(policy, after),
    };
    stepsAhead.push(step);
    const startsText = zone.describe(startsAt);
    const pointsEn = step.points ? `, ${step.points} points` : '';
    const pointsZh = step.points ? `，扣 ${step.points} 分` : '';
    sentences.push(
      compiled.leadMs > 0
        ? localized(
            `Counted after ${startsText} (a hand-over after ${zone.describe(step.handOverBy)}): fine ${money(step.fine)}${pointsEn}.`,
            `在 ${startsText} 之后计入（即 ${zone.describe(step.handOverBy)} 之后交接）：罚款 ${money(step.fine)}${pointsZh}。`,
          )
        : localized(
            `Shipped after ${startsText}: fine ${money(step.fine)}${pointsEn}.`,
            `在 ${startsText} 之后发货：罚款 ${money(step.fine)}${pointsZh}。`,
          ),
    );
  }
  return stepsAhead;
}

function shipNowOption(handOver: HandOverNow, points: number, lateEffects: readonly MetricKey[]): CourseOption {
  const { countedAfterClosing, countedText, closesText, latenessMs, fine, fineText } = handOver;
  const lateness = durationText(latenessMs);
  return {
    course: 'ship_now',
    available: !countedAfterClosing,
    cost: countedAfterClosing ? null : fine.money,
    fine: countedAfterClosing ? null : fine,
    points,
    metricEffects: lateEffects,
    explanation: countedAfterClosing
      ? localized(
          `Ship now: too late, it would be counted at ${countedText}, after the platform closes the order at ${closesText}.`,
          `立即发货：来不及，将于 ${countedText} 计入，晚于平台关单时间 ${closesText}。`,
        )
      : latenessMs === 0
        ? localized(
            `Ship now: counted at ${countedText}, on time: no fine.`,
            `立即发货：于 ${countedText} 计入，准时：无罚款。`,
          )
        : localized(
            `Ship late now: counted at ${countedText}, ${lateness.en} after the deadline → ${fineText!.en}`,
            `现在延迟发货：于 ${countedText} 计入，超过截止 ${lateness.zh} → ${fineText!['zh-CN']}`,
          ),
  };
}

function askExtensionOption(input: VerdictInput, handOver: HandOverNow): CourseOption {
  const { order, policy, now, deadline, deadlineText } = input;
  const { latenessMs, fine } = handOver;
  const extensionAllowed = policy.buyerExtensions.allowed && now <= deadline;
  const hoursNeeded = Math.max(1, Math.ceil(latenessMs / HOUR_MS));
  const zeroFine = fineForStep(policy, order, -1);
  return {
    course: 'ask_extension',
    available: extensionAllowed,
    cost: extensionAllowed ? zeroFine.money : null,
    fine: extensionAllowed ? zeroFine : null,
    points: 0,
    metricEffects: NO_EFFECTS,
    explanation: !policy.buyerExtensions.allowed
      ? localized('Ask for an extension: not possible under this policy.', '申请延期：该策略不允许。')
      : !extensionAllowed
        ? localized('Ask for an extension: too late, the deadline has passed.', '申请延期：已过截止时间，来不及。')
        : latenessMs === 0
          ? localized(
              'Ask for an extension: not needed, the order can still ship on time.',
              '申请延期：无需，仍可按时发货。',
            )
          : localized(
              `Ask the buyer to extend by at least ${hoursNeeded} h before ${deadlineText}: no fine if agreed (0); if refused, shipping late costs ${money(fine.money)}.`,
              `请买家在 ${deadlineText} 前延期至少 ${hoursNeeded} 小时：同意则无罚款（0）；若拒绝，延迟发货成本 ${money(fine.money)}。`,
            ),
  };
}

function cancelOption(input: VerdictInput, cancelCost: Money | null): CourseOption {
  const { order, policy, cancelFine } = input;
  const marginEn = order.margin ? ` + margin given up ${money(order.margin)}` : ' + the lost sale (margin not given)';
  const marginZh = order.margin ? ` + 放弃的利润 ${money(order.margin)}` : ' + 失去的销售（未提供利润）';
  const totalEn = cancelCost ? ` = ${money(cancelCost)}` : ' (different currencies: not added up)';
  const totalZh = cancelCost ? ` = ${money(cancelCost)}` : '（币种不同：无法相加）';
  return {
    course: 'cancel',
    available: true,
    cost: cancelCost,
    fine: cancelFine,
    points: policy.cancellation.points,
    metricEffects: policy.effects.cancelledBySeller,
    explanation: localized(
      `Cancel: fine ${money(cancelFine.money)} (${policy.cancellation.note})${marginEn}${totalEn}.`,
      `取消：罚款 ${money(cancelFine.money)}（${policy.cancellation.fine === 'none' ? '无取消罚款' : '按未履约处罚'}）${marginZh}${totalZh}。`,
    ),
  };
}

/** The cheaper course and why: on time ships, an extension beats a fine, and cancelling only when it costs less. */
function openRecommendation(
  input: VerdictInput,
  handOver: HandOverNow,
  extensionAvailable: boolean,
  cancelCost: Money | null,
): { recommended: Course; why: Localized } {
  const { order, cancelFine } = input;
  const { latenessMs, fine } = handOver;
  if (latenessMs === 0) {
    return {
      recommended: 'ship_now',
      why: localized('Recommended: ship now, on time.', '建议：立即发货，可按时完成。'),
    };
  }
  if (extensionAvailable) {
    const why = localized(
      `Recommended: ask the buyer for an extension now (0 if agreed, at most ${money(fine.money)} if refused and shipped late).`,
      `建议：立即请买家延期（同意则为 0，若拒绝并延迟发货最多 ${money(fine.money)}）。`,
    );
    return { recommended: 'ask_extension', why };
  }
  if (handOver.countedAfterClosing) {
    const why = localized(
      `Recommended: cancel now (${cancelCost ? money(cancelCost) : money(cancelFine.money)}); a hand-over now is counted only after the platform closes the order.`,
      `建议：立即取消（${cancelCost ? money(cancelCost) : money(cancelFine.money)}）；现在交接也要在平台关单后才计入。`,
    );
    return { recommended: 'cancel', why };
  }
  if (fine.money.amount === 0) {
    const why = localized(
      'Recommended: ship late now: it costs no fine, while cancelling gives up the sale.',
      '建议：现在延迟发货：不产生罚款，而取消会失去这笔销售。',
    );
    return { recommended: 'ship_now', why };
  }
  if (cancelCost && cancelCost.currency === fine.money.currency && order.margin) {
    const recommended = cancelCost.amount < fine.money.amount ? 'cancel' : 'ship_now';
    const why =
      recommended === 'cancel'
        ? localized(
            `Recommended: cancel, ${money(cancelCost)} < ${money(fine.money)} for shipping late.`,
            `建议：取消，${money(cancelCost)} < 延迟发货的 ${money(fine.money)}。`,
          )
        : localized(
            `Recommended: ship late now, ${money(fine.money)} ≤ ${money(cancelCost)} for cancelling.`,
            `建议：现在延迟发货，${money(fine.money)} ≤ 取消的 ${money(cancelCost)}。`,
          );
    return { recommended, why };
  }
  if (cancelCost && cancelCost.currency === fine.money.currency) {
    // Without the margin, cancelling only looks cheaper: it also gives up the sale.
    const difference = fine.money.amount - cancelFine.money.amount;
    const why =
      difference > 0
        ? localized(
            `Recommended: ship late now (${money(fine.money)}); cancelling (${money(cancelFine.money)}) is cheaper only if this order earns you less than ${money({ amount: difference, currency: fine.money.currency })}.`,
            `建议：现在延迟发货（${money(fine.money)}）；只有当该订单利润低于 ${money({ amount: difference, currency: fine.money.currency })} 时，取消（${money(cancelFine.money)}）才更划算。`,
          )
        : localized(
            `Recommended: ship late now, ${money(fine.money)} ≤ ${money(cancelFine.money)} for cancelling, which also gives up the sale.`,
            `建议：现在延迟发货，${money(fine.money)} ≤ 取消的 ${money(cancelFine.money)}，且取消还会失去这笔销售。`,
          );
    return { recommended: 'ship_now', why };
  }
  const why = localized(
    'Recommended: ship late now; the costs are in different currencies, so compare them by hand before cancelling.',
    '建议：现在延迟发货；各项成本币种不同，取消前请人工比较。',
  );
  return { recommended: 'ship_now', why };
}
