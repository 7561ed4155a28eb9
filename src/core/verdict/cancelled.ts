import { localized, type Localized } from '../i18n';
import { explainFine, fineForStep } from '../penalty';
import { assemble, effectsText, NO_EFFECTS, type Verdict, type VerdictInput } from './types';

/**
 * Cancelled: by the buyer or the platform costs nothing; by the seller, the policy's cancellation fine.
 * `lapsedRequest`: the platform cancelled it because the buyer's cancellation request went unanswered.
 */
export function cancelledVerdict(input: VerdictInput, cancelledAt: number, lapsedRequest = false): Verdict {
  const { order, policy, compiled, zone, common, cancelFine } = input;
  const sentences: Localized[] = [];
  const bySeller = !lapsedRequest && order.cancelledBy === 'seller';
  const fine = bySeller ? cancelFine : fineForStep(policy, order, -1);
  const effects = bySeller ? policy.effects.cancelledBySeller : NO_EFFECTS;
  const who = order.cancelledBy ?? 'platform';
  const whoText = { buyer: ['the buyer', '买家'], seller: ['the seller', '卖家'], platform: ['the platform', '平台'] }[
    who
  ];
  const cancelledText = zone.describe(cancelledAt);
  const hours = policy.buyerCancellation?.answerHours;
  const headline = lapsedRequest
    ? localized(
        `The buyer's cancellation request went unanswered for ${hours} h: the platform cancelled the order at ${cancelledText}. Nothing to ship; do not hand it over.`,
        `买家的取消申请 ${hours} 小时未答复：平台已于 ${cancelledText} 自动取消订单。无需发货，请勿交接。`,
      )
    : localized(
        `Cancelled by ${whoText[0]} at ${cancelledText}: nothing to ship.`,
        `已由${whoText[1]}于 ${cancelledText} 取消：无需发货。`,
      );
  sentences.push(headline);
  if (bySeller) {
    const fineText = explainFine(policy, order, fine);
    sentences.push(localized(`Cancellation: ${fineText.en}`, `取消：${fineText['zh-CN']}`));
  }
  const effectsSentence = effectsText(effects, compiled);
  if (effectsSentence) sentences.push(effectsSentence);
  return assemble(common, {
    status: 'cancelled',
    closedByPlatform: false,
    canStillShip: false,
    latenessMs: 0,
    fine,
    points: bySeller ? policy.cancellation.points : 0,
    stepsAhead: [],
    metricEffects: effects,
    options: [],
    recommended: 'none',
    headline,
    sentences,
  });
}
