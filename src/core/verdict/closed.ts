import { localized, type Localized } from '../i18n';
import { money } from '../policy/wording';
import { explainFine, fineForStep, pointsAt } from '../penalty';
import { assemble, effectsText, type CourseOption, type Verdict, type VerdictInput } from './types';

/** Closed by the platform (reported, or past the policy's closing point): non-fulfilment, void the label. */
export function closedVerdict(input: VerdictInput, closedAt: number): Verdict {
  const { order, policy, now, compiled, zone, deadline, common, deadlineText, lastStep } = input;
  const sentences: Localized[] = [];
  const fine = lastStep < 0 ? fineForStep(policy, order, -1) : fineForStep(policy, order, lastStep);
  const points = pointsAt(policy, Number.POSITIVE_INFINITY);
  const effects = policy.effects.unfulfilled;
  const closedText = zone.describe(closedAt);
  const headline = localized(
    `Closed by the platform at ${closedText} (deadline ${deadlineText}): it can no longer ship. Do not upload a tracking number; void the label.`,
    `平台已于 ${closedText} 关闭订单（截止 ${deadlineText}）：无法再发货。请勿上传运单号，作废面单。`,
  );
  const fineText = explainFine(policy, order, fine);
  sentences.push(headline, localized(`Non-fulfilment: ${fineText.en}`, `未履约：${fineText['zh-CN']}`));
  const effectsSentence = effectsText(effects, compiled);
  if (effectsSentence) sentences.push(effectsSentence);
  const voidLabel: CourseOption = {
    course: 'void_label',
    available: true,
    cost: fine.money,
    fine,
    points,
    metricEffects: effects,
    explanation: localized(
      `Void the label and stop the parcel: the non-fulfilment cost ${money(fine.money)} is already incurred.`,
      `作废面单并拦截包裹：未履约成本 ${money(fine.money)} 已经产生。`,
    ),
  };
  return assemble(common, {
    status: 'closed',
    closedByPlatform: true,
    canStillShip: false,
    latenessMs: Math.max(0, now - deadline),
    fine,
    points,
    stepsAhead: [],
    metricEffects: effects,
    options: [voidLabel],
    recommended: 'void_label',
    headline,
    sentences,
  });
}
