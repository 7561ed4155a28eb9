/**
 * What a missed deadline costs. Pure: time is passed in (epoch ms).
 *
 * - `fineAt(policy, order, latenessMs)` → the fine for a shipment counted `latenessMs` after the deadline:
 *   a step function (a step applies when lateness is strictly more than its `afterHours`), in fixed money,
 *   a percentage of the product price or order total, or a fixed amount chosen by order-total tiers, with
 *   per-currency caps. Never decreases as lateness grows. `explainFine` gives its arithmetic as a sentence.
 * - `pointsAt(policy, latenessMs)` → score points deducted (a step function too).
 * - The verdict ("can I still ship?") built on them is core/verdict/, one file per situation.
 * - `orderFactsFromEvents` folds an order's events into facts in a way that does not depend on the order the
 *   events arrived in.
 */
import type { CancellationRequestFacts } from './cancellation-request';
import { convertMoney, type Conversion } from './exchange';
import type { ParcelWeight } from './violations';
import { localized, type Localized } from './i18n';
import type { Money } from './money';
import type { Policy } from './policy/schema';
import { compilePolicy } from './policy/compiled';
import { money } from './policy/wording';
import { DeadlineInputError, extensionKey, sortExtensions, type BuyerExtension, type ShipByFacts } from './deadline';

export interface OrderMoney {
  /** What the buyer paid for the order. */
  orderTotal: Money;
  /** Goods value the percentage fines are based on (semi-/full-managed: the supply price); default orderTotal. */
  productPrice?: Money;
  /** Units in the order, for per-unit fines and caps; default 1. */
  units?: number;
  /** The platform's own USD amount of the order total, when it gives one: wins over any conversion. */
  orderTotalUsd?: Money;
}

/** The money facts and, for a conversion between currencies, the instant whose rate applies (the paid time). */
export type FineOrder = OrderMoney & { paidAt?: number };

export type CancelledBy = 'buyer' | 'seller' | 'platform';

/** An order that cannot ship for want of stock: what it waits for, and when the stock is expected (null: nothing is on order). */
export interface StockWait {
  skus: string[];
  expectedAt: number | null;
}

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
  /** Present while the order waits for stock. */
  stock?: StockWait;
  /** The buyer asked to cancel (core/cancellation-request.ts), with the seller's answer if any. */
  cancellationRequest?: CancellationRequestFacts;
  /** Signs of a false shipment open on its parcels (tracking problem kinds: invalid_number, …). */
  falseShipmentSigns?: readonly string[];
  /** Its parcels as the platform's warehouse weighed them, beside their declared weight. */
  parcelWeights?: readonly ParcelWeight[];
}

export interface FineQuote {
  money: Money;
  /** Index of the schedule step that applies; -1 when none (on time or within grace). */
  stepIndex: number;
  /** The price or total a percentage was taken of. */
  basisAmount: Money | null;
  capped: boolean;
  /**
   * The order total is in another currency than the tiers: the amount the tier was chosen by, converted at the
   * dated rate (`rate`, `rateDate`) or given by the platform (`rate` null).
   */
  conversion?: Conversion | { from: Money; to: Money; rate: null; rateDate: null };
}

function unitsOf(order: OrderMoney): number {
  const units = order.units ?? 1;
  if (!Number.isInteger(units) || units <= 0) {
    throw new DeadlineInputError(
      'units',
      localized('units must be a whole number above zero', '件数必须是大于零的整数'),
    );
  }
  return units;
}

function checkMoney(value: Money, field: string): void {
  if (!Number.isSafeInteger(value.amount) || value.amount < 0) {
    throw new DeadlineInputError(
      field,
      localized('must be a non-negative amount in minor units', '必须是以最小货币单位表示的非负金额'),
    );
  }
}

/** The order total in the tiers' currency: as it is, the platform's USD amount, or converted at the rate of `at`. */
export function tierBasis(
  order: FineOrder,
  currency: string,
  at: number | undefined,
): FineQuote['conversion'] | undefined {
  if (order.orderTotal.currency === currency) return undefined;
  if (order.orderTotalUsd && order.orderTotalUsd.currency === currency) {
    checkMoney(order.orderTotalUsd, 'orderTotalUsd');
    return { from: order.orderTotal, to: order.orderTotalUsd, rate: null, rateDate: null };
  }
  const instant = at ?? order.paidAt;
  if (instant === undefined) {
    throw new DeadlineInputError(
      'at',
      localized(
        "the paid time is needed to convert the order total at that day's rate",
        '需要付款时间才能按当日汇率换算订单总额',
      ),
    );
  }
  return convertMoney(order.orderTotal, currency, instant);
}

/**
 * The fine if step `stepIndex` applies (-1: none). `at`: the instant whose exchange rate applies when the fine's
 * tiers are in another currency than the order (default the order's paid time).
 */
export function fineForStep(policy: Policy, order: FineOrder, stepIndex: number, at?: number): FineQuote {
  const fine = policy.fine;
  const units = unitsOf(order);
  checkMoney(order.orderTotal, 'orderTotal');
  if (order.productPrice) checkMoney(order.productPrice, 'productPrice');
  let amount = 0;
  let currency: string;
  let basisAmount: Money | null = null;
  let conversion: FineQuote['conversion'];
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
        conversion = tierBasis(order, fine.currency, at);
        const total = conversion ? conversion.to.amount : order.orderTotal.amount;
        const tier = step.tiers.find((candidate) => total < candidate.orderTotalBelow);
        amount = (tier ? tier.amount : step.otherwise) * (fine.perUnit ? units : 1);
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
  return { money: { amount, currency }, stepIndex, basisAmount, capped, ...(conversion ? { conversion } : {}) };
}

function stepIndexAt(startsMs: readonly number[], latenessMs: number): number {
  let index = -1;
  for (let i = 0; i < startsMs.length; i++) {
    if (latenessMs > startsMs[i]!) index = i;
    else break;
  }
  return index;
}

/** The fine for a shipment counted `latenessMs` after the deadline (≤ 0 = on time); `at` as `fineForStep`. */
export function fineAt(policy: Policy, order: FineOrder, latenessMs: number, at?: number): FineQuote {
  if (Number.isNaN(latenessMs)) {
    throw new DeadlineInputError('lateness', localized('lateness is not a number', '延迟时长不是数字'));
  }
  return fineForStep(policy, order, stepIndexAt(compilePolicy(policy).fineStepStartsMs, latenessMs), at);
}

/** Score points deducted for a shipment counted `latenessMs` after the deadline. */
export function pointsAt(policy: Policy, latenessMs: number): number {
  const index = stepIndexAt(compilePolicy(policy).pointStepStartsMs, latenessMs);
  return index < 0 ? 0 : policy.points.steps[index]!.points;
}

/** The arithmetic behind a fine quote, as a sentence. */
export function explainFine(policy: Policy, order: FineOrder, quote: FineQuote): Localized {
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
      const conversion = quote.conversion;
      const basis = conversion ? conversion.to : order.orderTotal;
      let total = money(basis);
      let totalZh = total;
      if (conversion) {
        const from = money(conversion.from);
        total =
          conversion.rate === null
            ? `${from} (the platform's amount: ${total})`
            : `${from} ≈ ${total} at ${conversion.rate} (rate of ${conversion.rateDate})`;
        totalZh =
          conversion.rate === null
            ? `${from}（平台给出的金额：${totalZh}）`
            : `${from} ≈ ${totalZh}，汇率 ${conversion.rate}（${conversion.rateDate} 的汇率）`;
      }
      const tier = step.tiers.find((candidate) => basis.amount < candidate.orderTotalBelow);
      const last = step.tiers[step.tiers.length - 1]!;
      const threshold = money({ amount: tier ? tier.orderTotalBelow : last.orderTotalBelow, currency: fine.currency });
      en = tier
        ? `${stepEn}: order total ${total} is below ${threshold}`
        : `${stepEn}: order total ${total} is at least ${threshold}`;
      zh = tier
        ? `${stepZh}：订单总额 ${totalZh} 低于 ${threshold}`
        : `${stepZh}：订单总额 ${totalZh} 不低于 ${threshold}`;
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
        if (
          !platform ||
          event.observedAt > platform.observedAt ||
          (event.observedAt === platform.observedAt && event.shipByAt > platform.shipByAt)
        ) {
          platform = event;
        }
        break;
      case 'handling_time':
        if (
          !handling ||
          event.observedAt > handling.observedAt ||
          (event.observedAt === handling.observedAt && event.days < handling.days)
        ) {
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
        if (!cancelled || event.at < cancelled.at || (event.at === cancelled.at && event.by < cancelled.by))
          cancelled = event;
        break;
      case 'platform_closed':
        facts.platformClosedAt = minDefined(facts.platformClosedAt, event.at);
        break;
    }
  }
  if (!paid)
    throw new DeadlineInputError(
      'events',
      localized('no payment event: the order has no clock yet', '没有付款事件：订单尚未开始计时'),
    );
  // Replays of the same extension are one extension.
  const unique = sortExtensions(extensions).filter(
    (extension, i, sorted) => i === 0 || extensionKey(sorted[i - 1]!) !== extensionKey(extension),
  );
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
