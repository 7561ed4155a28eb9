import { localized, type Localized } from '../i18n';
import { explainFine, fineAt, pointsAt } from '../penalty';
import { assemble, NO_EFFECTS, type Verdict, type VerdictInput } from './types';

/**
 * Handed over, waiting for the event the platform counts (a carrier scan, a warehouse receipt). Its time is an
 * estimate — the hand-over plus the policy's lead time — and stays one: once that moment passes without the event
 * recorded, the verdict says the event is not known yet (record it when the platform confirms it) rather than letting
 * the lateness grow with the wall clock.
 */
export function awaitingCountVerdict(input: VerdictInput, leftAt: number): Verdict {
  const { order, policy, now, compiled, zone, deadline, event, common, deadlineText } = input;
  const sentences: Localized[] = [];
  const expected = leftAt + compiled.leadMs;
  const latenessMs = Math.max(0, expected - deadline);
  const fine = fineAt(policy, order, latenessMs);
  const effects = latenessMs > 0 ? policy.effects.late : NO_EFFECTS;
  const leftText = zone.describe(leftAt);
  const expectedText = zone.describe(expected);
  const headline =
    now <= expected
      ? localized(
          `Handed over at ${leftText}; waiting for the ${event.en}, expected by ${expectedText} (deadline ${deadlineText}).`,
          `已于 ${leftText} 交接；等待${event.zh}，预计在 ${expectedText} 前（截止 ${deadlineText}）。`,
        )
      : localized(
          `Handed over at ${leftText}; the ${event.en} is not known yet (expected by ${expectedText}, deadline ${deadlineText}). Record it on the order page when the platform confirms it.`,
          `已于 ${leftText} 交接；尚不知道${event.zh}时间（预计 ${expectedText} 前，截止 ${deadlineText}）。平台确认后请在订单页面记录。`,
        );
  sentences.push(headline);
  if (latenessMs > 0) {
    const fineText = explainFine(policy, order, fine);
    sentences.push(localized(`If so: ${fineText.en}`, `届时：${fineText['zh-CN']}`));
  }
  return assemble(common, {
    status: 'awaiting_count',
    closedByPlatform: false,
    canStillShip: false,
    latenessMs,
    fine,
    points: pointsAt(policy, latenessMs),
    stepsAhead: [],
    metricEffects: effects,
    options: [],
    recommended: 'none',
    headline,
    sentences,
  });
}
