/**
 * The seller's metrics over 7- and 30-day windows and day by day, each order counted as its situation says (one
 * truth, core/metrics-record.ts). Re-exported by deadlines.ts.
 */
import { computeMetrics, type MetricsReport } from '../core/metrics';
import { dailySeries, type DailySeries, type FineOrderRecord } from '../core/metrics-daily';
import { metricRecordOf } from '../core/metrics-record';
import { HOUR_MS } from '../core/time';
import { sumViolations, type PricedViolation, type ViolationTotals } from '../core/violations';
import type { AppContext } from './context';
import { situationsOf } from './order-situation';
import { loadShopResolver } from './policies';

/**
 * The seller's metrics over 7- and 30-day windows, from the orders' milestones, against the shop's policy; and
 * `daily`: the rates and the fines paid and avoided (core/metrics.ts `dailySeries`) for each day of the longest
 * window, each order judged by the policy version it keeps.
 */
export async function sellerMetrics(
  ctx: AppContext,
  shopId: string,
  windowsDays: number[] = [7, 30],
): Promise<MetricsReport & { daily: DailySeries; violations: ViolationTotals[] }> {
  const db = ctx.store.db;
  const now = ctx.now();
  const resolver = await loadShopResolver(db, shopId);
  const policy = resolver.forOrder(now);
  const longest = Math.max(...windowsDays);
  const since = now - (2 * longest + 10) * 24 * HOUR_MS;
  const [rows, warnings] = await Promise.all([
    db
      .selectFrom('orders')
      .selectAll()
      .where('shop_id', '=', shopId)
      .where('paid_at', '>=', since)
      .orderBy('id')
      .execute(),
    // The first warning per order: one grouped read over the same orders, not a list of ids.
    db
      .selectFrom('order_warnings')
      .innerJoin('orders', 'orders.id', 'order_warnings.order_id')
      .select(['order_warnings.order_id', (eb) => eb.fn.min<number>('order_warnings.sent_at').as('first')])
      .where('orders.shop_id', '=', shopId)
      .where('orders.paid_at', '>=', since)
      .groupBy('order_warnings.order_id')
      .execute(),
  ]);
  const warnedAt = new Map(warnings.map((w) => [w.order_id, Number(w.first)]));
  // Each order counts as its situation says (one truth, core/metrics-record.ts): the deadline with its extensions,
  // its own policy's counted event, closed unfulfilled when the situation is closed (so an unshipped regular order
  // past its deadline is non-fulfilment, not a late shipment), and not yet judged while its counted event is awaited.
  const records: FineOrderRecord[] = [];
  const violations: PricedViolation[][] = [];
  for (let i = 0; i < rows.length; i += METRICS_BATCH) {
    for (const { order: o, policy: own, facts, situation } of await situationsOf(
      ctx,
      rows.slice(i, i + METRICS_BATCH),
      now,
    )) {
      const extras = {
        orderId: o.platform_order_id,
        fullyShipped: o.status !== 'partially_shipped',
        warnedAt: warnedAt.get(o.id),
      };
      if (situation) {
        records.push(metricRecordOf(facts, own, situation, extras));
        // The priced violations (false shipment, weight mismatch) as the situation reads them from the parcels.
        if (situation.violations.length) violations.push(situation.violations);
        continue;
      }
      // No deadline to judge it by (or facts it cannot judge, e.g. no exchange rate): counted as the row says.
      records.push({
        ...extras,
        paidAt: o.paid_at,
        riskPassedAt: o.risk_passed_at ?? undefined,
        shipByAt: o.ship_by_at ?? undefined,
        trackingUploadedAt: o.tracking_uploaded_at ?? undefined,
        handedOverAt: o.handed_over_at ?? undefined,
        carrierScanAt: o.first_scan_at ?? undefined,
        warehouseReceivedAt: o.warehouse_received_at ?? undefined,
        cancelledAt: facts.cancelledAt,
        cancelledBy: facts.cancelledBy,
        closedUnfulfilledAt: facts.platformClosedAt,
        shippedWhen: own.shippedWhen,
        orderTotal: facts.orderTotal,
        productPrice: facts.productPrice,
        units: facts.units || 1,
        policy: own,
      });
    }
  }
  return {
    ...computeMetrics(records, policy, now, windowsDays),
    daily: dailySeries(records, policy, now, longest),
    violations: sumViolations(violations),
  };
}

/** Orders read per batch for the metrics (each batch's facts are one read per table by id). */
const METRICS_BATCH = 1000;
