/**
 * What a missed deadline costs, and the answer to "can I still ship?". Pure: time is passed in (epoch ms).
 *
 * - `fineAt(policy, order, latenessMs)` → the fine for a shipment counted `latenessMs` after the deadline:
 *   a step function (a step applies when lateness is strictly more than its `afterHours`), in fixed money,
 *   a percentage of the product price or order total, or a fixed amount chosen by order-total tiers, with
 *   per-currency caps. Never decreases as lateness grows. `explainFine` gives its arithmetic as a sentence.
 * - `pointsAt(policy, latenessMs)` → score points deducted (a step function too).
 * - `verdict(order, policy, now)` → status, time left and the latest hand-over that still makes it; after
 *   the deadline whether the platform closed the order; the fine now and at each next step with the time
 *   it starts; points and metric effects; the options (ship now / ask the buyer for an extension / cancel)
 *   with their costs and arithmetic, and the cheaper one. Every sentence is `Localized` (en, zh-CN).
 *   The verdict is a function of facts only; `orderFactsFromEvents` folds an order's events into facts
 *   in a way that does not depend on the order the events arrived in.
 */
import { localized, type Localized } from './i18n';
import type { Money } from './money';
import type { MetricKey, Policy, ShippedEvent } from './policy/schema';
import { compilePolicy, HOUR_MS, type CompiledPolicy } from './policy/compiled';
import { durationText, METRIC_NAMES, money, percentText, SHIPPED_EVENT_NAMES } from './policy/wording';
import { computeShipBy, DeadlineInputError, extensionKey, sortExtensions, type BuyerExtension, type ShipBy, type ShipByFacts } from './deadline';

export interface OrderMoney {
  /** What the buyer paid for the order. */
  orderTotal: Money;
  /** Goods value the percentage fines are based on (semi-/full-managed: the supply price); default orderTotal. */
  productPrice?: Money;
  /** Units in the order, for per-unit fines and caps; default 1. */
  units?: number;
}

export type CancelledBy = 'buyer' | 'seller' | 'platform';

/** Everything the verdict needs to know about one order. */
export interface OrderFacts extends ShipByFacts, OrderMoney {
  /** What the seller earns if the order is fulfilled; makes "cancel" cost it. */
  margin?: Money;
  trackingUploadedAt?: number;
  handedOverAt?: number;
  carrierScanAt?: number;
  warehouseReceivedAt?: number;
  cancelledAt?: number;
  cancelledBy?: CancelledBy;
  /** The platform reported the order closed (e.g. AliExpress timeout closure). */
  platformClosedAt?: number;
}

export interface FineQuote {
  money: Money;
  /** Index of the schedule step that applies; -1 when none (on time or within grace). */
  stepIndex: number;
  /** The price or total a percentage was taken of. */
  basisAmount: Money | null;
  capped: boolean;
  /** The order total is in another currency than the tiers: the highest tier amount was assumed. */
  assumedHighestTier: boolean;
}

function unitsOf(order: OrderMoney): number {
  const units = order.units ?? 1;
  if (!Number.isInteger(units) || units <= 0) {
    throw new DeadlineInputError('units', localized('units must be a whole number above zero', '件数必须是大于零的整数'));
  }
  return units;
}

function checkMoney(value: Money, field: string): void {
  if (!Number.isSafeInteger(value.amount) || value.amount < 0) {
    throw new DeadlineInputError(field, localized('must be a non-negative amount in minor units', '必须是以最小货币单位表示的非负金额'));
  }
}

/** The fine if step `stepIndex` applies (-1: none). */
export function fineForStep(policy: Policy, order: OrderMoney, stepIndex: number): FineQuote {
  const fine = policy.fine;
  const units = unitsOf(order);
  checkMoney(order.orderTotal, 'orderTotal');
  if (order.productPrice) checkMoney(order.productPrice, 'productPrice');
  let amount = 0;
  let currency: string;
  let basisAmount: Money | null = null;
  let assumedHighestTier = false;
  switch (fine.basis) {
    case 'fixed': {
      currency = fine.currency;
      if (stepIndex >= 0) amount = fine.steps[stepIndex]!.amount * (fine.perUnit ? units : 1);
      break;
    }
    case 'product_price':
    case 'order_total': {
      basisAmount = fine.basis === 'product_price' ? (order.productPrice ?? order.orderTotal) : order.orderTotal;
      currency = basisAmount.currency;
      if (stepIndex >= 0) amount = Math.round((basisAmount.amount * fine.steps[stepIndex]!.percent) / 100);
      break;
    }
    case 'order_total_tiers': {
      currency = fine.currency;
      basisAmount = order.orderTotal;
      if (stepIndex >= 0) {
        const step = fine.steps[stepIndex]!;
        if (order.orderTotal.currency === fine.currency) {
          const tier = step.tiers.find((candidate) => order.orderTotal.amount < candidate.orderTotalBelow);
          amount = tier ? tier.amount : step.otherwise;
        } else {
          assumedHighestTier = true;
          amount = Math.max(step.otherwise, ...step.tiers.map((tier) => tier.amount));
        }
        amount *= fine.perUnit ? units : 1;
      }
      break;
    }
  }
  let capped = false;
  const cap = fine.caps.find((candidate) => candidate.currency === currency);
  if (cap) {
    const limit = cap.amount * (fine.perUnit ? units : 1);
    if (amount > limit) {
      amount = limit;
      capped = true;
    }
  }
  return { money: { amount, currency }, stepIndex, basisAmount, capped, assumedHighestTier };
}

function stepIndexAt(startsMs: readonly number[], latenessMs: number): number {
  let index = -1;
  for (let i = 0; i < startsMs.length; i++) {
    if (latenessMs > startsMs[i]!) index = i;
    else break;
  }
  return index;
}

/** The fine for a shipment counted `latenessMs` after the deadline (≤ 0 = on time). */
export function fineAt(policy: Policy, order: OrderMoney, latenessMs: number): FineQuote {
  if (Number.isNaN(latenessMs)) {
    throw new DeadlineInputError('lateness', localized('lateness is not a number', '延迟时长不是数字'));
  }
  return fineForStep(policy, order, stepIndexAt(compilePolicy(policy).fineStepStartsMs, latenessMs));
}

/** Score points deducted for a shipment counted `latenessMs` after the deadline. */
export function pointsAt(policy: Policy, latenessMs: number): number {
  const index = stepIndexAt(compilePolicy(policy).pointStepStartsMs, latenessMs);
  return index < 0 ? 0 : policy.points.steps[index]!.points;
}

/** The arithmetic behind a fine quote, as a sentence. */
export function explainFine(policy: Policy, order: OrderMoney, quote: FineQuote): Localized {
  const fine = policy.fine;
  if (quote.stepIndex < 0) {
    return fine.steps.length === 0
      ? localized('no per-order fine under this policy.', '该策略没有按单罚款。')
      : localized(`no fine (${money(quote.money)}).`, `无罚款（${money(quote.money)}）。`);
  }
  const afterHours = (fine.steps[quote.stepIndex] as { afterHours: number }).afterHours;
  const stepEn = `step "more than ${afterHours} h late"`;
  const stepZh = `"延迟超过 ${afterHours} 小时"档`;
  const units = order.units ?? 1;
  let en: string;
  let zh: string;
  switch (fine.basis) {
    case 'fixed': {
      const each = { amount: fine.steps[quote.stepIndex]!.amount, currency: fine.currency };
      en = fine.perUnit ? `${stepEn}: ${money(each)} × ${units} units` : `${stepEn}: ${money(each)} per order`;
      zh = fine.perUnit ? `${stepZh}：${money(each)} × ${units} 件` : `${stepZh}：每单 ${money(each)}`;
      break;
    }
    case 'product_price':
    case 'order_total': {
      const percent = fine.steps[quote.stepIndex]!.percent;
      const of = fine.basis === 'product_price' ? ['product price', '商品价格'] : ['order total', '订单总额'];
      en = `${stepEn}: ${percent} % × ${of[0]} ${money(quote.basisAmount!)}`;
      zh = `${stepZh}：${percent}% × ${of[1]} ${money(quote.basisAmount!)}`;
      break;
    }
    case 'order_total_tiers': {
      const step = fine.steps[quote.stepIndex]!;
      const total = money(order.orderTotal);
      if (quote.assumedHighestTier) {
        en = `${stepEn}: the order total ${total} is not in ${fine.currency}, so the highest tier is assumed`;
        zh = `${stepZh}：订单总额 ${total} 不是 ${fine.currency}，按最高档计算`;
      } else {
        const tier = step.tiers.find((candidate) => order.orderTotal.amount < candidate.orderTotalBelow);
        const last = step.tiers[step.tiers.length - 1]!;
        const threshold = money({ amount: tier ? tier.orderTotalBelow : last.orderTotalBelow, currency: fine.currency });
        en = tier ? `${stepEn}: order total ${total} is below ${threshold}` : `${stepEn}: order total ${total} is at least ${threshold}`;
        zh = tier ? `${stepZh}：订单总额 ${total} 低于 ${threshold}` : `${stepZh}：订单总额 ${total} 不低于 ${threshold}`;
      }
      if (fine.perUnit) {
        en += ` (per unit × ${units})`;
        zh += `（每件 × ${units}）`;
      }
      break;
    }
  }
  const cap = quote.capped ? fine.caps.find((candidate) => candidate.currency === quote.money.currency) : undefined;
  const capEn = cap ? `, capped at ${money(cap)}${fine.perUnit ? ' per unit' : ''}` : '';
  const capZh = cap ? `，封顶 ${money(cap)}${fine.perUnit ? '/件' : ''}` : '';
  return localized(`${en}${capEn} = ${money(quote.money)}.`, `${zh}${capZh} = ${money(quote.money)}。`);
}

// ---------------------------------------------------------------------------------------------------------
// Verdict

export type VerdictStatus =
  | 'on_track'
  | 'past_internal_target'
  /** Before the deadline, but a hand-over now would be counted after it (e.g. the carrier scan comes too late). */
  | 'hand_over_window_missed'
  | 'late'
  /** Handed over; waiting for the event the platform counts (carrier scan, warehouse receipt). */
  | 'awaiting_count'
  | 'shipped_on_time'
  | 'shipped_late'
  | 'cancelled'
  | 'closed';

export type Course = 'ship_now' | 'ask_extension' | 'cancel' | 'void_label' | 'none';

export interface CourseOption {
  course: Exclude<Course, 'none'>;
  available: boolean;
  /** Money this course costs (fine, plus the margin given up when cancelling); null when not comparable. */
  cost: Money | null;
  fine: FineQuote | null;
  points: number;
  metricEffects: readonly MetricKey[];
  explanation: Localized;
}

export interface StepAhead {
  /** The step applies to counted events after this instant. */
  startsAt: number;
  /** Hand over by this instant to stay below the step. */
  handOverBy: number;
  fine: Money;
  points: number;
}

export interface Verdict {
  status: VerdictStatus;
  now: number;
  shipBy: ShipBy;
  /** Deadline minus now; negative once late. */
  timeLeftMs: number;
  /** The latest hand-over whose counted event still falls on or before the deadline. */
  latestHandOverAt: number;
  internalTargetAt: number | null;
  closesAt: number | null;
  closedByPlatform: boolean;
  canStillShip: boolean;
  /** Lateness of the counted event: the actual one, the expected one, or one from a hand-over now. */
  latenessMs: number;
  fine: FineQuote;
  points: number;
  stepsAhead: StepAhead[];
  metricEffects: readonly MetricKey[];
  options: CourseOption[];
  recommended: Course;
  headline: Localized;
  sentences: Localized[];
}

function countedAt(order: OrderFacts, event: ShippedEvent): number | undefined {
  switch (event) {
    case 'tracking_uploaded':
      return order.trackingUploadedAt;
    case 'handed_over':
      return order.handedOverAt;
    case 'carrier_scan':
      return order.carrierScanAt;
    case 'warehouse_received':
      return order.warehouseReceivedAt;
  }
}

/** Evidence that the parcel already left the seller, when the counted event is a later one. */
function parcelLeftAt(order: OrderFacts, event: ShippedEvent): number | undefined {
  if (event === 'carrier_scan') return order.handedOverAt;
  if (event === 'warehouse_received') return order.handedOverAt ?? order.carrierScanAt;
  return undefined;
}

function effectsText(keys: readonly MetricKey[], compiled: CompiledPolicy): Localized | null {
  if (keys.length === 0) return null;
  const en = keys.map((key) => {
    const threshold = compiled.metricThreshold.get(key);
    const limit = threshold ? ` (limit ${threshold.direction === 'at_most' ? '≤' : '≥'} ${percentText(threshold.limit)})` : '';
    return `${METRIC_NAMES[key].en}${limit}`;
  });
  const zh = keys.map((key) => {
    const threshold = compiled.metricThreshold.get(key);
    const limit = threshold ? `（要求 ${threshold.direction === 'at_most' ? '≤' : '≥'} ${percentText(threshold.limit)}）` : '';
    return `${METRIC_NAMES[key].zh}${limit}`;
  });
  return localized(`Counts against: ${en.join(', ')}.`, `计入：${zh.join('、')}。`);
}

function addMoney(a: Money, b: Money | undefined): Money | null {
  if (!b) return a;
  return a.currency === b.currency ? { amount: a.amount + b.amount, currency: a.currency } : null;
}

const NO_EFFECTS: readonly MetricKey[] = [];

type VerdictCommon = Pick<Verdict, 'now' | 'shipBy' | 'timeLeftMs' | 'latestHandOverAt' | 'internalTargetAt' | 'closesAt'>;
type VerdictPart = Omit<Verdict, keyof VerdictCommon>;

/** One literal with every field in a fixed order: V8 handles `{ ...common, more }` poorly (about 1 µs a field). */
function assemble(common: VerdictCommon, part: VerdictPart): Verdict {
  return {
    status: part.status,
    now: common.now,
    shipBy: common.shipBy,
    timeLeftMs: common.timeLeftMs,
    latestHandOverAt: common.latestHandOverAt,
    internalTargetAt: common.internalTargetAt,
    closesAt: common.closesAt,
    closedByPlatform: part.closedByPlatform,
    canStillShip: part.canStillShip,
    latenessMs: part.latenessMs,
    fine: part.fine,
    points: part.points,
    stepsAhead: part.stepsAhead,
    metricEffects: part.metricEffects,
    options: part.options,
    recommended: part.recommended,
    headline: part.headline,
    sentences: part.sentences,
  };
}

/**
 * "Can I still ship?" for one order at `now`. A function of the facts only: the same facts give the same
 * verdict however the events that produced them arrived.
 */
export function verdict(order: OrderFacts, policy: Policy, now: number): Verdict {
  if (!Number.isFinite(now)) throw new DeadlineInputError('now', localized('is not a valid instant (epoch ms)', '不是有效的时间（epoch 毫秒）'));
  const compiled = compilePolicy(policy);
  const { zone } = compiled;
  const shipBy = computeShipBy(order, policy);
  const deadline = shipBy.shipByAt;
  const event = SHIPPED_EVENT_NAMES[policy.shippedWhen];
  const closesAt = compiled.closingMs === null ? null : deadline + compiled.closingMs;
  const latestHandOverAt = deadline - compiled.leadMs;
  let internalTargetAt: number | null = null;
  if (compiled.internalBeforeMs > 0) internalTargetAt = deadline - compiled.internalBeforeMs;
  if (compiled.internalMaxHandlingMs !== null) {
    const byHandling = shipBy.clockStartAt + compiled.internalMaxHandlingMs;
    internalTargetAt = internalTargetAt === null ? byHandling : Math.min(internalTargetAt, byHandling);
  }
  if (internalTargetAt !== null) internalTargetAt = Math.min(internalTargetAt, latestHandOverAt);

  const common: VerdictCommon = { now, shipBy, timeLeftMs: deadline - now, latestHandOverAt, internalTargetAt, closesAt };
  const deadlineText = zone.describe(deadline);
  const sentences: Localized[] = [];
  const counted = countedAt(order, policy.shippedWhen);

  // 1. Already shipped: the counted event decides.
  if (counted !== undefined) {
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

  const lastStep = policy.fine.steps.length - 1;
  const cancelFine =
    policy.cancellation.fine === 'none' || lastStep < 0
      ? fineForStep(policy, order, -1)
      : fineForStep(policy, order, policy.cancellation.fine === 'first_step' ? 0 : lastStep);

  // 2. Cancelled.
  if (order.cancelledAt !== undefined) {
    const bySeller = order.cancelledBy === 'seller';
    const fine = bySeller ? cancelFine : fineForStep(policy, order, -1);
    const effects = bySeller ? policy.effects.cancelledBySeller : NO_EFFECTS;
    const who = order.cancelledBy ?? 'platform';
    const whoText = { buyer: ['the buyer', '买家'], seller: ['the seller', '卖家'], platform: ['the platform', '平台'] }[who];
    const cancelledText = zone.describe(order.cancelledAt);
    const headline = localized(`Cancelled by ${whoText[0]} at ${cancelledText}: nothing to ship.`, `已由${whoText[1]}于 ${cancelledText} 取消：无需发货。`);
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

  // 3. Closed by the platform (reported, or past the policy's closing point).
  const closedAt =
    order.platformClosedAt !== undefined ? order.platformClosedAt : closesAt !== null && now > closesAt ? closesAt : undefined;
  if (closedAt !== undefined) {
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

  // 4. Handed over, waiting for the counted event.
  const leftAt = parcelLeftAt(order, policy.shippedWhen);
  if (leftAt !== undefined) {
    const expected = Math.max(now, leftAt + compiled.leadMs);
    const latenessMs = Math.max(0, expected - deadline);
    const fine = fineAt(policy, order, latenessMs);
    const effects = latenessMs > 0 ? policy.effects.late : NO_EFFECTS;
    const leftText = zone.describe(leftAt);
    const expectedText = zone.describe(expected);
    const headline = localized(
      `Handed over at ${leftText}; waiting for the ${event.en}, expected by ${expectedText} (deadline ${deadlineText}).`,
      `已于 ${leftText} 交接；等待${event.zh}，预计在 ${expectedText} 前（截止 ${deadlineText}）。`,
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

  // 5. Open: what a hand-over now would cost, what comes next, and the options.
  const countedIfNow = now + compiled.leadMs;
  const latenessMs = Math.max(0, countedIfNow - deadline);
  const fine = fineAt(policy, order, latenessMs);
  const points = pointsAt(policy, latenessMs);
  const lateEffects = latenessMs > 0 ? policy.effects.late : NO_EFFECTS;
  const fineText = latenessMs > 0 ? explainFine(policy, order, fine) : null;
  const closesText = closesAt === null ? '' : zone.describe(closesAt);
  const countedText = zone.describe(countedIfNow);
  const lateness = durationText(latenessMs);
  // A hand-over whose counted event would come after the platform closes the order cannot save it.
  const countedAfterClosing = closesAt !== null && countedIfNow > closesAt;
  const status: VerdictStatus =
    now > deadline
      ? 'late'
      : now > latestHandOverAt
        ? 'hand_over_window_missed'
        : internalTargetAt !== null && now > internalTargetAt
          ? 'past_internal_target'
          : 'on_track';

  let headline: Localized;
  const left = durationText(deadline - now);
  const latestText = status === 'on_track' || status === 'past_internal_target' ? zone.describe(latestHandOverAt) : '';
  if (status === 'late' && countedAfterClosing) {
    headline = localized(
      `Late by ${left.en} (deadline ${deadlineText}) and too late to ship: a hand-over now is counted only at ${countedText}, after the platform closes the order at ${closesText}.`,
      `已超时 ${left.zh}（截止 ${deadlineText}），来不及发货：现在交接要到 ${countedText} 才计入，晚于平台关单时间 ${closesText}。`,
    );
  } else if (status === 'late') {
    const lastHandOver = closesAt === null ? '' : zone.describe(closesAt - compiled.leadMs);
    headline = localized(
      `Late by ${left.en} (deadline ${deadlineText}), but it can still ship${closesAt !== null ? `: hand over by ${lastHandOver}` : ''}.`,
      `已超时 ${left.zh}（截止 ${deadlineText}），但仍可发货${closesAt !== null ? `：须在 ${lastHandOver} 前交接` : ''}。`,
    );
  } else if (status === 'hand_over_window_missed') {
    headline = localized(
      `${left.en} left until ${deadlineText}, but a hand-over now is counted (${event.en}) only at ${countedText}: too late by ${lateness.en}.`,
      `距截止 ${deadlineText} 还有 ${left.zh}，但现在交接要到 ${countedText} 才计入（${event.zh}）：晚 ${lateness.zh}。`,
    );
  } else {
    headline = localized(
      `${left.en} left: ship by ${deadlineText}; hand over by ${latestText} at the latest.`,
      `剩余 ${left.zh}：须在 ${deadlineText} 前发货；最晚于 ${latestText} 交接。`,
    );
  }
  sentences.push(headline);
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
          `The platform closes the order at ${closesText}; after that no tracking number can be uploaded.`,
          `平台将于 ${closesText} 关闭订单；之后无法上传运单号。`,
        )
      : localized('No closing point is known: shipping late stays possible.', '未知的关单时间：仍可延迟发货。'),
  );
  if (fineText) sentences.push(localized(`Hand over now: ${fineText.en}`, `现在交接：${fineText['zh-CN']}`));

  // The next steps of the schedule a later hand-over would reach, up to the closing point.
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
    const step = { startsAt, handOverBy: startsAt - compiled.leadMs, fine: fineAt(policy, order, after).money, points: pointsAt(policy, after) };
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

  // Options.
  const shipOption: CourseOption = {
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
  const extensionAllowed = policy.buyerExtensions.allowed && now <= deadline;
  const hoursNeeded = Math.max(1, Math.ceil(latenessMs / HOUR_MS));
  const zeroFine = fineForStep(policy, order, -1);
  const extensionOption: CourseOption = {
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
          ? localized('Ask for an extension: not needed, the order can still ship on time.', '申请延期：无需，仍可按时发货。')
          : localized(
              `Ask the buyer to extend by at least ${hoursNeeded} h before ${deadlineText}: no fine if agreed (0); if refused, shipping late costs ${money(fine.money)}.`,
              `请买家在 ${deadlineText} 前延期至少 ${hoursNeeded} 小时：同意则无罚款（0）；若拒绝，延迟发货成本 ${money(fine.money)}。`,
            ),
  };
  const cancelCost = addMoney(cancelFine.money, order.margin);
  const cancelEffects = policy.effects.cancelledBySeller;
  const marginEn = order.margin ? ` + margin given up ${money(order.margin)}` : ' + the lost sale (margin not given)';
  const marginZh = order.margin ? ` + 放弃的利润 ${money(order.margin)}` : ' + 失去的销售（未提供利润）';
  const totalEn = cancelCost ? ` = ${money(cancelCost)}` : ' (different currencies: not added up)';
  const totalZh = cancelCost ? ` = ${money(cancelCost)}` : '（币种不同：无法相加）';
  const cancelOption: CourseOption = {
    course: 'cancel',
    available: true,
    cost: cancelCost,
    fine: cancelFine,
    points: policy.cancellation.points,
    metricEffects: cancelEffects,
    explanation: localized(
      `Cancel: fine ${money(cancelFine.money)} (${policy.cancellation.note})${marginEn}${totalEn}.`,
      `取消：罚款 ${money(cancelFine.money)}（${policy.cancellation.fine === 'none' ? '无取消罚款' : '按未履约处罚'}）${marginZh}${totalZh}。`,
    ),
  };
  const options = [shipOption, extensionOption, cancelOption];

  let recommended: Course;
  let why: Localized;
  if (latenessMs === 0) {
    recommended = 'ship_now';
    why = localized('Recommended: ship now, on time.', '建议：立即发货，可按时完成。');
  } else if (extensionOption.available) {
    recommended = 'ask_extension';
    why = localized(
      `Recommended: ask the buyer for an extension now (0 if agreed, at most ${money(fine.money)} if refused and shipped late).`,
      `建议：立即请买家延期（同意则为 0，若拒绝并延迟发货最多 ${money(fine.money)}）。`,
    );
  } else if (countedAfterClosing) {
    recommended = 'cancel';
    why = localized(
      `Recommended: cancel now (${cancelCost ? money(cancelCost) : money(cancelFine.money)}); a hand-over now is counted only after the platform closes the order.`,
      `建议：立即取消（${cancelCost ? money(cancelCost) : money(cancelFine.money)}）；现在交接也要在平台关单后才计入。`,
    );
  } else if (fine.money.amount === 0) {
    recommended = 'ship_now';
    why = localized(
      'Recommended: ship late now: it costs no fine, while cancelling gives up the sale.',
      '建议：现在延迟发货：不产生罚款，而取消会失去这笔销售。',
    );
  } else if (cancelCost && cancelCost.currency === fine.money.currency && order.margin) {
    recommended = cancelCost.amount < fine.money.amount ? 'cancel' : 'ship_now';
    why =
      recommended === 'cancel'
        ? localized(
            `Recommended: cancel, ${money(cancelCost)} < ${money(fine.money)} for shipping late.`,
            `建议：取消，${money(cancelCost)} < 延迟发货的 ${money(fine.money)}。`,
          )
        : localized(
            `Recommended: ship late now, ${money(fine.money)} ≤ ${money(cancelCost)} for cancelling.`,
            `建议：现在延迟发货，${money(fine.money)} ≤ 取消的 ${money(cancelCost)}。`,
          );
  } else if (cancelCost && cancelCost.currency === fine.money.currency) {
    // Without the margin, cancelling only looks cheaper: it also gives up the sale.
    recommended = 'ship_now';
    const difference = fine.money.amount - cancelFine.money.amount;
    why =
      difference > 0
        ? localized(
            `Recommended: ship late now (${money(fine.money)}); cancelling (${money(cancelFine.money)}) is cheaper only if this order earns you less than ${money({ amount: difference, currency: fine.money.currency })}.`,
            `建议：现在延迟发货（${money(fine.money)}）；只有当该订单利润低于 ${money({ amount: difference, currency: fine.money.currency })} 时，取消（${money(cancelFine.money)}）才更划算。`,
          )
        : localized(
            `Recommended: ship late now, ${money(fine.money)} ≤ ${money(cancelFine.money)} for cancelling, which also gives up the sale.`,
            `建议：现在延迟发货，${money(fine.money)} ≤ 取消的 ${money(cancelFine.money)}，且取消还会失去这笔销售。`,
          );
  } else {
    recommended = 'ship_now';
    why = localized(
      'Recommended: ship late now; the costs are in different currencies, so compare them by hand before cancelling.',
      '建议：现在延迟发货；各项成本币种不同，取消前请人工比较。',
    );
  }
  const effectsSentence = effectsText(lateEffects, compiled);
  if (effectsSentence) sentences.push(effectsSentence);
  sentences.push(why);

  return assemble(common, {
    status,
    closedByPlatform: false,
    canStillShip: !countedAfterClosing,
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

// ---------------------------------------------------------------------------------------------------------
// Facts from events

export type OrderFactEvent =
  | { type: 'paid'; at: number; orderTotal: Money; productPrice?: Money; units?: number }
  | { type: 'risk_passed'; at: number }
  | { type: 'platform_deadline'; observedAt: number; shipByAt: number }
  | { type: 'handling_time'; observedAt: number; days: number }
  | { type: 'extension_agreed'; extension: BuyerExtension }
  | { type: 'tracking_uploaded' | 'handed_over' | 'carrier_scan' | 'warehouse_received'; at: number }
  | { type: 'cancelled'; at: number; by: CancelledBy }
  | { type: 'platform_closed'; at: number };

function minDefined(a: number | undefined, b: number): number {
  return a === undefined || b < a ? b : a;
}

function compareMoney(a: Money | undefined, b: Money | undefined): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  return a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : a.amount - b.amount;
}

/**
 * Folds an order's events into facts. Commutative: the result does not depend on arrival order.
 * Earliest time wins for one-off events (replays change nothing); the latest observation (by when it was
 * observed, not when it arrived) wins for the platform deadline and handling time.
 */
export function orderFactsFromEvents(events: readonly OrderFactEvent[]): OrderFacts {
  let paid: Extract<OrderFactEvent, { type: 'paid' }> | undefined;
  let platform: { observedAt: number; shipByAt: number } | undefined;
  let handling: { observedAt: number; days: number } | undefined;
  let cancelled: { at: number; by: CancelledBy } | undefined;
  const facts: Partial<OrderFacts> = {};
  const extensions: BuyerExtension[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'paid': {
        const earlier =
          !paid ||
          event.at < paid.at ||
          (event.at === paid.at &&
            (compareMoney(event.orderTotal, paid.orderTotal) ||
              compareMoney(event.productPrice, paid.productPrice) ||
              (event.units ?? 1) - (paid.units ?? 1)) < 0);
        if (earlier) paid = event;
        break;
      }
      case 'risk_passed':
        facts.riskPassedAt = minDefined(facts.riskPassedAt, event.at);
        break;
      case 'platform_deadline':
        if (!platform || event.observedAt > platform.observedAt || (event.observedAt === platform.observedAt && event.shipByAt > platform.shipByAt)) {
          platform = event;
        }
        break;
      case 'handling_time':
        if (!handling || event.observedAt > handling.observedAt || (event.observedAt === handling.observedAt && event.days < handling.days)) {
          handling = event;
        }
        break;
      case 'extension_agreed':
        extensions.push(event.extension);
        break;
      case 'tracking_uploaded':
        facts.trackingUploadedAt = minDefined(facts.trackingUploadedAt, event.at);
        break;
      case 'handed_over':
        facts.handedOverAt = minDefined(facts.handedOverAt, event.at);
        break;
      case 'carrier_scan':
        facts.carrierScanAt = minDefined(facts.carrierScanAt, event.at);
        break;
      case 'warehouse_received':
        facts.warehouseReceivedAt = minDefined(facts.warehouseReceivedAt, event.at);
        break;
      case 'cancelled':
        if (!cancelled || event.at < cancelled.at || (event.at === cancelled.at && event.by < cancelled.by)) cancelled = event;
        break;
      case 'platform_closed':
        facts.platformClosedAt = minDefined(facts.platformClosedAt, event.at);
        break;
    }
  }
  if (!paid) throw new DeadlineInputError('events', localized('no payment event: the order has no clock yet', '没有付款事件：订单尚未开始计时'));
  // Replays of the same extension are one extension.
  const unique = sortExtensions(extensions).filter((extension, i, sorted) => i === 0 || extensionKey(sorted[i - 1]!) !== extensionKey(extension));
  const result: OrderFacts = {
    ...facts,
    paidAt: paid.at,
    orderTotal: paid.orderTotal,
    extensions: unique,
  };
  if (paid.productPrice) result.productPrice = paid.productPrice;
  if (paid.units !== undefined) result.units = paid.units;
  if (platform) result.platformShipByAt = platform.shipByAt;
  if (handling) result.handlingDays = handling.days;
  if (cancelled) {
    result.cancelledAt = cancelled.at;
    result.cancelledBy = cancelled.by;
  }
  return result;
}
