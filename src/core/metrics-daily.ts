/**
 * Seller metrics day by day, with the fines paid and avoided. Pure: `now` is passed in.
 *
 * `dailySeries(records, policy, now, days)` → the same rates for each of the last `days` calendar days (policy
 * zone) up to today (today so far, `partial`), so they chart over time; an online rate is null for the days its
 * lag has not yet passed. Each day also carries the fines:
 * - fines paid (`fineOutcome` kind `paid`), as the verdict prices them: an order shipped late — the event the
 *   policy counts came after the deadline — costs the fine for that lateness (`fineAt`), on the day of that event;
 *   one cancelled by the seller costs the policy's cancellation fine (first or last step, or none) on the day it
 *   was cancelled; one the platform closed unfulfilled costs the last step, on the day it was closed. An estimate
 *   from the policy's schedule, not the platform's bill; an order still open has paid nothing yet.
 * - fines avoided (kind `avoided`): an order that was warned (the first deadline warning, `warnedAt`) and then
 *   shipped at or before its deadline, valued at the fine it would have paid had it missed the deadline by a
 *   moment (`fineAt(policy, order, 1)`, as the at-risk list's "fine if missed now"), on the day it shipped. Orders
 *   shipped on time without a warning count as neither: nothing suggests they were at risk.
 * Amounts are per currency (an order's fine is in its policy's or its own currency), never converted.
 */
import type { MetricKey, Policy } from './policy/schema';
import { METRIC_KEYS } from './policy/schema';
import { compilePolicy, DAY_MS } from './policy/compiled';
import { fineAt, fineForStep, type FineOrder, type OrderMoney } from './penalty';
import type { Money } from './money';
import { countedAt, countMetric, ONLINE_WITHIN_MS, type MetricOrderRecord } from './metrics';

/** An order's facts for the daily series: its milestones, money, first warning and the policy it keeps. */
export interface FineOrderRecord extends MetricOrderRecord, Partial<OrderMoney> {
  /** When the first deadline warning about the order went out (the sweep's order_warnings). */
  warnedAt?: number;
  /** The policy version the order keeps (in force when it was paid); default the report's policy. */
  policy?: Policy;
}

export interface FineOutcome {
  kind: 'paid' | 'avoided';
  /** When the shipment the policy counts happened: the day the fine is paid or avoided. */
  at: number;
  fine: Money;
}

/**
 * The fine an order paid (shipped late) or avoided (warned, then shipped in time), by the definitions above;
 * undefined when neither applies or the fine would be nothing (a grace period, an order without money facts).
 */
export function fineOutcome(record: FineOrderRecord, policy: Policy = record.policy!): FineOutcome | undefined {
  const shipByAt = record.shipByAt;
  const orderTotal = record.orderTotal;
  if (shipByAt === undefined || !orderTotal) return undefined;
  // The paid time's exchange rate applies when the fine's tiers are in another currency.
  const money: FineOrder = {
    orderTotal,
    productPrice: record.productPrice,
    units: record.units,
    paidAt: record.paidAt,
    ...(record.orderTotalUsd ? { orderTotalUsd: record.orderTotalUsd } : {}),
  };
  const outcome = (kind: FineOutcome['kind'], at: number, fine: Money): FineOutcome | undefined =>
    fine.amount > 0 ? { kind, at, fine } : undefined;
  const counted = countedAt(record, policy.shippedWhen);
  const lastStep = policy.fine.steps.length - 1;
  if (counted === undefined) {
    if (record.cancelledAt !== undefined) {
      if (record.cancelledBy !== 'seller' || policy.cancellation.fine === 'none' || lastStep < 0) return undefined;
      return outcome(
        'paid',
        record.cancelledAt,
        fineForStep(policy, money, policy.cancellation.fine === 'first_step' ? 0 : lastStep).money,
      );
    }
    if (record.closedUnfulfilledAt !== undefined)
      return outcome('paid', record.closedUnfulfilledAt, fineForStep(policy, money, lastStep).money);
    return undefined;
  }
  if (counted > shipByAt) return outcome('paid', counted, fineAt(policy, money, counted - shipByAt).money);
  if (record.warnedAt === undefined || record.warnedAt > counted) return undefined;
  return outcome('avoided', counted, fineAt(policy, money, 1).money);
}

export interface DailyPoint {
  /** The local calendar day in the policy's zone, YYYY-MM-DD. */
  day: string;
  from: number;
  to: number;
  /** Today: the day is not over. */
  partial: boolean;
  /** Each rate for the orders of that day (null: no orders, or an online rate whose lag has not passed). */
  rates: Record<MetricKey, number | null>;
  finesPaid: Money[];
  finesAvoided: Money[];
  /** How many orders paid, and avoided, a fine that day. */
  lateOrders: number;
  savedOrders: number;
}

export interface DailySeries {
  days: number;
  zone: string;
  points: DailyPoint[];
  totals: { finesPaid: Money[]; finesAvoided: Money[]; lateOrders: number; savedOrders: number };
}

function addMoney(sums: Map<string, number>, money: Money): void {
  sums.set(money.currency, (sums.get(money.currency) ?? 0) + money.amount);
}

function moneyList(sums: Map<string, number>): Money[] {
  return [...sums].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ amount, currency }));
}

/** The rates and fines for each of the last `days` calendar days (policy zone), today so far last. */
export function dailySeries(
  records: readonly FineOrderRecord[],
  policy: Policy,
  now: number,
  days: number,
): DailySeries {
  if (!Number.isFinite(now)) throw new RangeError('now is not a valid instant (epoch ms)');
  if (!Number.isInteger(days) || days <= 0) throw new RangeError(`days must be a whole number above zero, not ${days}`);
  const compiled = compilePolicy(policy);
  const { zone } = compiled;
  const today = zone.localDay(now);
  const firstDay = today - days + 1;
  const paid = Array.from({ length: days }, () => new Map<string, number>());
  const avoided = Array.from({ length: days }, () => new Map<string, number>());
  const late = new Array<number>(days).fill(0);
  const saved = new Array<number>(days).fill(0);
  const totalPaid = new Map<string, number>();
  const totalAvoided = new Map<string, number>();
  for (const record of records) {
    const outcome = fineOutcome(record, record.policy ?? policy);
    if (!outcome || outcome.at > now) continue;
    const index = zone.localDay(outcome.at) - firstDay;
    if (index < 0 || index >= days) continue;
    if (outcome.kind === 'paid') {
      addMoney(paid[index]!, outcome.fine);
      addMoney(totalPaid, outcome.fine);
      late[index]!++;
    } else {
      addMoney(avoided[index]!, outcome.fine);
      addMoney(totalAvoided, outcome.fine);
      saved[index]!++;
    }
  }
  const points: DailyPoint[] = [];
  for (let i = 0; i < days; i++) {
    const day = firstDay + i;
    const from = zone.startOfDay(day);
    const to = zone.startOfDay(day + 1);
    const rates = {} as Record<MetricKey, number | null>;
    for (const metric of METRIC_KEYS) {
      const within = ONLINE_WITHIN_MS[metric];
      const lagDays = within === undefined ? 0 : Math.ceil(within / DAY_MS);
      rates[metric] =
        within !== undefined && day > today - lagDays
          ? null
          : countMetric(metric, records, from, Math.min(to, now + 1), now, policy.shippedWhen, compiled.metricPauses)
              .value;
    }
    points.push({
      day: new Date(day * DAY_MS).toISOString().slice(0, 10),
      from,
      to,
      partial: day === today,
      rates,
      finesPaid: moneyList(paid[i]!),
      finesAvoided: moneyList(avoided[i]!),
      lateOrders: late[i]!,
      savedOrders: saved[i]!,
    });
  }
  return {
    days,
    zone: policy.zone,
    points,
    totals: {
      finesPaid: moneyList(totalPaid),
      finesAvoided: moneyList(totalAvoided),
      lateOrders: late.reduce((a, b) => a + b, 0),
      savedOrders: saved.reduce((a, b) => a + b, 0),
    },
  };
}
