import { localized, type Localized } from '../i18n';
import { durationText } from '../policy/wording';
import { explainFine, fineAt, pointsAt } from '../penalty';
import { assemble, effectsText, NO_EFFECTS, type Verdict, type VerdictInput } from './types';

/** Shipped: the counted event (tracking upload, hand-over, carrier scan or warehouse receipt) decides. */
export function shippedVerdict(input: VerdictInput, counted: number): Verdict {
  const { order, policy, compiled, zone, deadline, event, common, deadlineText } = input;
  const sentences: Localized[] = [];
  const latenessMs = Math.max(0, counted - deadline);
  const fine = fineAt(policy, order, latenessMs);
  const points = pointsAt(policy, latenessMs);
  const effects = latenessMs > 0 ? policy.effects.late : NO_EFFECTS;
  const countedText = zone.describe(counted);
  const margin = durationText(latenessMs > 0 ? latenessMs : deadline - counted);
  const headline =
    latenessMs > 0
      ? localized(
          `Shipped ${margin.en} late: ${event.en} at ${countedText}, deadline ${deadlineText}.`,
          `已发货但延迟 ${margin.zh}：${event.zh}于 ${countedText}，截止 ${deadlineText}。`,
        )
      : localized(
          `Shipped on time: ${event.en} at ${countedText}, ${margin.en} before the deadline ${deadlineText}.`,
          `按时发货：${event.zh}于 ${countedText}，比截止时间 ${deadlineText} 早 ${margin.zh}。`,
        );
  sentences.push(headline);
  if (latenessMs > 0) sentences.push(explainFine(policy, order, fine));
  const effectsSentence = effectsText(effects, compiled);
  if (effectsSentence) sentences.push(effectsSentence);
  return assemble(common, {
    status: latenessMs > 0 ? 'shipped_late' : 'shipped_on_time',
    closedByPlatform: false,
    canStillShip: false,
    latenessMs,
    fine,
    points,
    stepsAhead: [],
    metricEffects: effects,
    options: [],
    recommended: 'none',
    headline,
    sentences,
  });
}
