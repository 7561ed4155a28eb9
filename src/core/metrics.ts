/**
 * Seller metrics over rolling windows, computed from plain per-order fact records. Pure: `now` is passed in.
 *
 * `computeMetrics(records, policy, now, windowsDays = [7, 30])` → for each window, each metric with its
 * numerator, denominator, value, the policy's threshold and status, and the trend against the previous
 * window of the same length. Windows are whole calendar days in the policy's zone ending at the start of
 * today (local), so a figure does not change during the day it is read.
 *
 * Definitions (digest 1.10 and section 2):
 * - late_shipment_rate: orders whose deadline fell in the window and were shipped (or are still unshipped
 *   past it); late when the event the policy counts (upload, hand-over, carrier scan…) came after the
 *   deadline, or has not come. Orders cancelled or closed without shipping are left out (see non-fulfilment), and
 *   so are orders handed over whose counted event is not known yet (`awaitingCount`). The counted event is the
 *   order's own policy's (`shippedWhen`) when the record says it. Records are built from each order's situation
 *   (core/metrics-record.ts `metricRecordOf`), so the metrics count what the verdict says.
 * - non_fulfilment_rate: orders whose clock started (risk passed, else payment) in the window, without
 *   buyer/platform cancellations; unfulfilled = closed by the platform unfulfilled, or cancelled by the seller.
 * - valid_tracking_rate: orders whose tracking was uploaded in the window; valid = at least one carrier scan.
 * - online_rate_{48h,72h,5d,7d} (AliExpress): orders fully shipped whose first carrier scan came within N of
 *   payment success (risk passed), over orders whose clock started in the window minus orders cancelled
 *   (successfully or by timeout). Calendar time, but the policy's metric pauses (National Day, Spring
 *   Festival) do not count. The window lags by N (rounded up to days) so carrier data can arrive; a scan
 *   earlier than the clock start does not count as online (a false-shipment sign).
 *
 * The daily series and the fines paid and avoided are in core/metrics-daily.ts.
 */
import { localized, type Localized } from './i18n';
import type { MetricKey, Policy, ShippedEvent } from './policy/schema';
import { METRIC_KEYS } from './policy/schema';
import { compilePolicy, DAY_MS, HOUR_MS, runningTimeBetween, type Interval } from './policy/compiled';
import { METRIC_NAMES, percentText } from './policy/wording';
import type { CancelledBy } from './penalty';

export interface MetricOrderRecord {
  orderId?: string;
  paidAt: number;
  riskPassedAt?: number;
  shipByAt?: number;
  trackingUploadedAt?: number;
  handedOverAt?: number;
  /** The first carrier scan ("online", 上网). */
  carrierScanAt?: number;
  warehouseReceivedAt?: number;
  /** false while only part of the order has been declared shipped; default true once shipped. */
  fullyShipped?: boolean;
  cancelledAt?: number;
  cancelledBy?: CancelledBy;
  /** Closed by the platform without shipment (timeout). */
  closedUnfulfilledAt?: number;
  /** The event the order's own policy counts as shipped (a shop may mix modes); default the report's policy's. */
  shippedWhen?: ShippedEvent;
  /** Handed over, the counted event not known yet (e.g. a warehouse receipt): not judged late or on time until it is. */
  awaitingCount?: boolean;
}

export type MetricStatus = 'ok' | 'warning' | 'breach' | 'no_data' | 'no_threshold';
export type MetricTrend = 'better' | 'worse' | 'same' | 'unknown';

export interface MetricCount {
  from: number;
  to: number;
  numerator: number;
  denominator: number;
  /** numerator / denominator; null when the denominator is 0. */
  value: number | null;
}

export interface MetricValue extends MetricCount {
  metric: MetricKey;
  label: Localized;
  direction: 'at_most' | 'at_least';
  threshold: { warn: number | null; limit: number } | null;
  status: MetricStatus;
  previous: MetricCount;
  /** value − previous value; null when either is missing. */
  delta: number | null;
  trend: MetricTrend;
  summary: Localized;
}

export interface MetricsWindow {
  days: number;
  metrics: MetricValue[];
}

export interface MetricsReport {
  now: number;
  policyId: string;
  policyVersion: number;
  windows: MetricsWindow[];
}

/** Whether a higher value is worse (at_most) or better (at_least), when the policy sets no threshold. */
const METRIC_DIRECTION: Record<MetricKey, 'at_most' | 'at_least'> = {
  late_shipment_rate: 'at_most',
  non_fulfilment_rate: 'at_most',
  valid_tracking_rate: 'at_least',
  online_rate_48h: 'at_least',
  online_rate_72h: 'at_least',
  online_rate_5d: 'at_least',
  online_rate_7d: 'at_least',
};

export const ONLINE_WITHIN_MS: Partial<Record<MetricKey, number>> = {
  online_rate_48h: 48 * HOUR_MS,
  online_rate_72h: 72 * HOUR_MS,
  online_rate_5d: 5 * DAY_MS,
  online_rate_7d: 7 * DAY_MS,
};

export function countedAt(record: MetricOrderRecord, event: ShippedEvent): number | undefined {
  switch (event) {
    case 'tracking_uploaded':
      return record.trackingUploadedAt;
    case 'handed_over':
      return record.handedOverAt;
    case 'carrier_scan':
      return record.carrierScanAt;
    case 'warehouse_received':
      return record.warehouseReceivedAt;
  }
}

function clockStart(record: MetricOrderRecord): number {
  return record.riskPassedAt !== undefined && record.riskPassedAt >= record.paidAt
    ? record.riskPassedAt
    : record.paidAt;
}

function inWindow(at: number | undefined, from: number, to: number): at is number {
  return at !== undefined && at >= from && at < to;
}

/** Counts one metric over [from, to), judged with what is known at `now`. */
export function countMetric(
  metric: MetricKey,
  records: readonly MetricOrderRecord[],
  from: number,
  to: number,
  now: number,
  shippedWhen: ShippedEvent,
  pauses: readonly Interval[],
): MetricCount {
  let numerator = 0;
  let denominator = 0;
  const onlineWithin = ONLINE_WITHIN_MS[metric];
  for (const record of records) {
    if (metric === 'late_shipment_rate') {
      if (!inWindow(record.shipByAt, from, to)) continue;
      const counted = countedAt(record, record.shippedWhen ?? shippedWhen);
      if (
        counted === undefined &&
        (record.cancelledAt !== undefined || record.closedUnfulfilledAt !== undefined || record.awaitingCount)
      )
        continue;
      denominator++;
      if (counted !== undefined ? counted > record.shipByAt : now > record.shipByAt) numerator++;
    } else if (metric === 'non_fulfilment_rate') {
      if (!inWindow(clockStart(record), from, to)) continue;
      const sellerFault = record.closedUnfulfilledAt !== undefined || record.cancelledBy === 'seller';
      if (!sellerFault && record.cancelledAt !== undefined) continue; // buyer or platform cancellation
      denominator++;
      if (sellerFault) numerator++;
    } else if (metric === 'valid_tracking_rate') {
      if (!inWindow(record.trackingUploadedAt, from, to)) continue;
      denominator++;
      if (record.carrierScanAt !== undefined && record.carrierScanAt <= now) numerator++;
    } else if (onlineWithin !== undefined) {
      const start = clockStart(record);
      if (!inWindow(start, from, to)) continue;
      if (record.cancelledAt !== undefined || record.closedUnfulfilledAt !== undefined) continue;
      denominator++;
      const shipped = (record.trackingUploadedAt ?? record.handedOverAt) !== undefined && record.fullyShipped !== false;
      const scan = record.carrierScanAt;
      if (
        shipped &&
        scan !== undefined &&
        scan >= start &&
        scan <= now &&
        runningTimeBetween(start, scan, pauses) <= onlineWithin
      ) {
        numerator++;
      }
    }
  }
  return { from, to, numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

/** Seller metrics over the last `windowsDays` calendar days (policy zone), each with threshold and trend. */
export function computeMetrics(
  records: readonly MetricOrderRecord[],
  policy: Policy,
  now: number,
  windowsDays: readonly number[] = [7, 30],
): MetricsReport {
  if (!Number.isFinite(now)) throw new RangeError('now is not a valid instant (epoch ms)');
  for (const days of windowsDays) {
    if (!Number.isInteger(days) || days <= 0)
      throw new RangeError(`a window must be a whole number of days above zero, not ${days}`);
  }
  const compiled = compilePolicy(policy);
  const { zone } = compiled;
  const today = zone.localDay(now);
  const windows: MetricsWindow[] = windowsDays.map((days) => ({
    days,
    metrics: METRIC_KEYS.map((metric) => {
      const within = ONLINE_WITHIN_MS[metric];
      const lagDays = within === undefined ? 0 : Math.ceil(within / DAY_MS);
      const end = today - lagDays;
      const from = zone.startOfDay(end - days);
      const to = zone.startOfDay(end);
      const previousFrom = zone.startOfDay(end - 2 * days);
      const current = countMetric(metric, records, from, to, now, policy.shippedWhen, compiled.metricPauses);
      const previous = countMetric(metric, records, previousFrom, from, now, policy.shippedWhen, compiled.metricPauses);
      const threshold = compiled.metricThreshold.get(metric);
      const direction = threshold?.direction ?? METRIC_DIRECTION[metric];
      return describe(
        metric,
        days,
        current,
        previous,
        direction,
        threshold ? { warn: threshold.warn, limit: threshold.limit } : null,
      );
    }),
  }));
  return { now, policyId: policy.id, policyVersion: policy.version, windows };
}

function describe(
  metric: MetricKey,
  days: number,
  current: MetricCount,
  previous: MetricCount,
  direction: 'at_most' | 'at_least',
  threshold: { warn: number | null; limit: number } | null,
): MetricValue {
  const value = current.value;
  let status: MetricStatus;
  if (value === null) status = 'no_data';
  else if (!threshold) status = 'no_threshold';
  else if (direction === 'at_most')
    status = value > threshold.limit ? 'breach' : threshold.warn !== null && value > threshold.warn ? 'warning' : 'ok';
  else
    status = value < threshold.limit ? 'breach' : threshold.warn !== null && value < threshold.warn ? 'warning' : 'ok';

  const delta = value !== null && previous.value !== null ? value - previous.value : null;
  const trend: MetricTrend =
    delta === null
      ? 'unknown'
      : Math.abs(delta) < 1e-12
        ? 'same'
        : (direction === 'at_most' ? delta < 0 : delta > 0)
          ? 'better'
          : 'worse';

  const name = METRIC_NAMES[metric];
  const figureEn = value === null ? 'no orders' : `${percentText(value)} (${current.numerator}/${current.denominator})`;
  const figureZh = value === null ? '无订单' : `${percentText(value)}（${current.numerator}/${current.denominator}）`;
  const statusText: Record<MetricStatus, [string, string]> = {
    ok: ['within the threshold', '达标'],
    warning: ['warning', '预警'],
    breach: ['beyond the limit', '超出限值'],
    no_data: ['no data', '无数据'],
    no_threshold: ['no threshold in this policy', '本策略未设阈值'],
  };
  const bound = direction === 'at_most' ? '≤' : '≥';
  const limitEn = threshold
    ? `; limit ${bound} ${percentText(threshold.limit)}${threshold.warn !== null ? `, warning at ${percentText(threshold.warn)}` : ''}`
    : '';
  const limitZh = threshold
    ? `；限值 ${bound} ${percentText(threshold.limit)}${threshold.warn !== null ? `，预警线 ${percentText(threshold.warn)}` : ''}`
    : '';
  const trendText: Record<MetricTrend, [string, string]> = {
    better: ['better than', '好于'],
    worse: ['worse than', '差于'],
    same: ['the same as', '持平于'],
    unknown: ['not comparable with', '无法比较'],
  };
  const previousEn = previous.value === null ? 'no orders' : percentText(previous.value);
  const previousZh = previous.value === null ? '无订单' : percentText(previous.value);
  const summary = localized(
    `${name.en}, last ${days} days: ${figureEn}, ${statusText[status][0]}${limitEn}; ${trendText[trend][0]} the ${days} days before (${previousEn}).`,
    `${name.zh}（近${days}天）：${figureZh}，${statusText[status][1]}${limitZh}；${trendText[trend][1]}前${days}天（${previousZh}）。`,
  );
  return {
    from: current.from,
    to: current.to,
    numerator: current.numerator,
    denominator: current.denominator,
    value: current.value,
    metric,
    label: localized(name.en, name.zh),
    direction,
    threshold,
    status,
    previous,
    delta,
    trend,
    summary,
  };
}
