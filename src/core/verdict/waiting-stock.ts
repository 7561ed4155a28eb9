import { localized, type Localized } from '../i18n';
import type { Money } from '../money';
import { money } from '../policy/wording';
import { explainFine, fineAt, fineForStep, pointsAt, type StockWait } from '../penalty';
import { addMoney, assemble, effectsText, type CourseOption, type Verdict, type VerdictInput } from './types';

/** What both outcomes of waiting for stock read: the SKUs, when the stock is there, the lateness, and cancelling. */
interface StockWaitFacts {
  skus: string;
  /** When the stock is there (never before now); null when none is expected. */
  arrives: number | null;
  latenessMs: number;
  cancelCost: Money | null;
  cancelOption: CourseOption;
}

/**
 * Open, but waiting for stock: "ship now" is not a course. When stock is expected (a placed purchase order's date),
 * whether a hand-over right after it still makes the deadline, and if not, what shipping late then costs; with none
 * expected (or expected after the platform closes the order) the order will miss: what letting it close costs
 * against cancelling now.
 */
export function waitingStockVerdict(input: VerdictInput, stock: StockWait): Verdict {
  const { now, compiled, closesAt, deadline } = input;
  const arrives = stock.expectedAt === null ? null : Math.max(now, stock.expectedAt);
  const countedIfStock = arrives === null ? null : arrives + compiled.leadMs;
  const tooLate = countedIfStock === null || (closesAt !== null && countedIfStock > closesAt);
  const cancelCost = addMoney(input.cancelFine.money, input.order.margin);
  const facts: StockWaitFacts = {
    skus: stock.skus.join(', '),
    arrives,
    latenessMs: countedIfStock === null ? Math.max(0, now - deadline) : Math.max(0, countedIfStock - deadline),
    cancelCost,
    cancelOption: cancelNowOption(input, cancelCost),
  };
  return tooLate ? stockTooLateVerdict(input, facts) : stockInTimeVerdict(input, facts);
}

function cancelNowOption(input: VerdictInput, cancelCost: Money | null): CourseOption {
  const { order, policy, cancelFine } = input;
  return {
    course: 'cancel',
    available: true,
    cost: cancelCost,
    fine: cancelFine,
    points: policy.cancellation.points,
    metricEffects: policy.effects.cancelledBySeller,
    explanation: localized(
      `Cancel now: fine ${money(cancelFine.money)} (${policy.cancellation.note})${cancelCost && order.margin ? ` + margin given up ${money(order.margin)} = ${money(cancelCost)}` : ''}.`,
      `立即取消：罚款 ${money(cancelFine.money)}（${policy.cancellation.fine === 'none' ? '无取消罚款' : '按未履约处罚'}）${cancelCost && order.margin ? ` + 放弃的利润 ${money(order.margin)} = ${money(cancelCost)}` : ''}。`,
    ),
  };
}

/** It will miss: nothing arrives in time to be counted before the platform gives up on the order. */
function stockTooLateVerdict(input: VerdictInput, facts: StockWaitFacts): Verdict {
  const { order, policy, compiled, closesAt, common, lastStep, cancelFine } = input;
  const { arrives, cancelCost } = facts;
  const sentences: Localized[] = [];
  const missFine = lastStep < 0 ? fineForStep(policy, order, -1) : fineForStep(policy, order, lastStep);
  const missEffects = policy.effects.unfulfilled;
  const headline = stockTooLateHeadline(input, facts);
  sentences.push(headline);
  const missText = explainFine(policy, order, missFine);
  sentences.push(localized(`Letting it close unfulfilled: ${missText.en}`, `任其未履约关闭：${missText['zh-CN']}`));
  const missOption: CourseOption = {
    course: 'wait_for_stock',
    available: arrives !== null || closesAt === null,
    cost: missFine.money,
    fine: missFine,
    points: pointsAt(policy, Number.POSITIVE_INFINITY),
    metricEffects: missEffects,
    explanation: localized(`Wait and let it close: ${missText.en}`, `等待并任其关闭：${missText['zh-CN']}`),
  };
  const cheaperToCancel =
    cancelCost !== null &&
    cancelCost.currency === missFine.money.currency &&
    cancelCost.amount <= missFine.money.amount;
  const why = cheaperToCancel
    ? localized(
        `Recommended: cancel now (${money(cancelCost!)} ≤ ${money(missFine.money)} for letting it close), and tell the buyer.`,
        `建议：立即取消（${money(cancelCost!)} ≤ 任其关闭的 ${money(missFine.money)}），并告知买家。`,
      )
    : localized(
        `Recommended: find the stock sooner; otherwise cancelling now (${cancelCost ? money(cancelCost) : money(cancelFine.money)}) and letting it close (${money(missFine.money)}) cost about the same.`,
        `建议：尽快找到库存；否则立即取消（${cancelCost ? money(cancelCost) : money(cancelFine.money)}）与任其关闭（${money(missFine.money)}）成本相近。`,
      );
  const effectsSentence = effectsText(missEffects, compiled);
  if (effectsSentence) sentences.push(effectsSentence);
  sentences.push(why);
  return assemble(common, {
    status: 'waiting_for_stock',
    closedByPlatform: false,
    canStillShip: false,
    latenessMs: facts.latenessMs,
    fine: missFine,
    points: pointsAt(policy, Number.POSITIVE_INFINITY),
    stepsAhead: [],
    metricEffects: missEffects,
    options: [missOption, facts.cancelOption],
    recommended: cheaperToCancel ? 'cancel' : 'wait_for_stock',
    headline,
    sentences,
  });
}

function stockTooLateHeadline(input: VerdictInput, { skus, arrives }: StockWaitFacts): Localized {
  const { zone, deadlineText, latestHandOverAt, closesAt } = input;
  return arrives === null
    ? localized(
        `Waiting for stock of ${skus} and none is expected: this order will miss its deadline ${deadlineText}. Place a purchase order that arrives by ${zone.describe(latestHandOverAt)}, or cancel it now.`,
        `等待 ${skus} 的库存且没有预计到货：该订单将错过截止时间 ${deadlineText}。请下一张在 ${zone.describe(latestHandOverAt)} 前到货的采购单，或立即取消订单。`,
      )
    : localized(
        `Waiting for stock of ${skus}, expected ${zone.describe(arrives)}: too late, the platform closes the order at ${zone.describe(closesAt!)} before it could be counted. This order will miss; cancel it now or find the stock sooner.`,
        `等待 ${skus} 的库存，预计 ${zone.describe(arrives)} 到货：太晚了，平台将于 ${zone.describe(closesAt!)} 关闭订单。该订单将错过；请立即取消或尽快找到库存。`,
      );
}

/** The stock arrives in time to be counted: ship it on arrival, on time or late, unless cancelling is cheaper. */
function stockInTimeVerdict(input: VerdictInput, facts: StockWaitFacts): Verdict {
  const { order, policy, zone, deadlineText, latestHandOverAt, common } = input;
  const { skus, latenessMs, cancelCost } = facts;
  const sentences: Localized[] = [];
  const fine = fineAt(policy, order, latenessMs);
  const points = pointsAt(policy, latenessMs);
  const lateEffects = latenessMs > 0 ? policy.effects.late : [];
  const arrivesText = zone.describe(facts.arrives!);
  const headline =
    latenessMs === 0
      ? localized(
          `Waiting for stock of ${skus}, expected ${arrivesText}: in time if it is handed over by ${zone.describe(latestHandOverAt)} (deadline ${deadlineText}).`,
          `等待 ${skus} 的库存，预计 ${arrivesText} 到货：只要在 ${zone.describe(latestHandOverAt)} 前交接即可按时（截止 ${deadlineText}）。`,
        )
      : localized(
          `Waiting for stock of ${skus}, expected ${arrivesText}: after the latest hand-over ${zone.describe(latestHandOverAt)}, so it will ship late (deadline ${deadlineText}).`,
          `等待 ${skus} 的库存，预计 ${arrivesText} 到货：晚于最晚交接时间 ${zone.describe(latestHandOverAt)}，将延迟发货（截止 ${deadlineText}）。`,
        );
  sentences.push(headline);
  const waitOption: CourseOption = {
    course: 'wait_for_stock',
    available: true,
    cost: fine.money,
    fine,
    points,
    metricEffects: lateEffects,
    explanation:
      latenessMs === 0
        ? localized('Wait for the stock and ship it on arrival: no fine.', '等待到货后立即发货：无罚款。')
        : localized(
            `Wait for the stock and ship late: ${explainFine(policy, order, fine).en}`,
            `等待到货后延迟发货：${explainFine(policy, order, fine)['zh-CN']}`,
          ),
  };
  let recommended: Verdict['recommended'] = 'wait_for_stock';
  if (latenessMs > 0) {
    sentences.push(
      localized(
        `Shipping on arrival: ${explainFine(policy, order, fine).en}`,
        `到货即发：${explainFine(policy, order, fine)['zh-CN']}`,
      ),
    );
    if (
      cancelCost &&
      order.margin &&
      cancelCost.currency === fine.money.currency &&
      cancelCost.amount < fine.money.amount
    )
      recommended = 'cancel';
  }
  sentences.push(
    recommended === 'cancel'
      ? localized(
          `Recommended: cancel now, ${money(cancelCost!)} < ${money(fine.money)} for shipping late.`,
          `建议：立即取消，${money(cancelCost!)} < 延迟发货的 ${money(fine.money)}。`,
        )
      : localized('Recommended: ship it as soon as the stock arrives.', '建议：到货后立即发货。'),
  );
  return assemble(common, {
    status: 'waiting_for_stock',
    closedByPlatform: false,
    canStillShip: true,
    latenessMs,
    fine,
    points,
    stepsAhead: [],
    metricEffects: lateEffects,
    options: [waitOption, facts.cancelOption],
    recommended,
    headline,
    sentences,
  });
}
