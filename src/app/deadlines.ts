import { durationText } from '../core/duration';
import { warningsDue } from '../core/deadline';
import { localized, type Localized } from '../core/i18n';
import { computeMetrics, type MetricsReport } from '../core/metrics';
import { dailySeries, type DailySeries, type FineOrderRecord } from '../core/metrics-daily';
import { metricRecordOf } from '../core/metrics-record';
import { OPEN_ORDER_STATES } from '../core/order';
import { situationOf, type Situation, type SituationKind } from '../core/situation';
import type { Verdict } from '../core/verdict';
import type { Policy } from '../core/policy/schema';
import { HOUR_MS, toIso } from '../core/time';
import { openStatusCondition } from '../store/open-orders';
import type { Executor } from '../store/orders';
import type { OrderRow } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError } from './errors';
import { situationOfOrder, situationsOf } from './order-situation';
import { sumViolations, type PricedViolation, type ViolationTotals } from '../core/violations';
import { loadShopResolver } from './policies';
import { timelineEvent } from '../core/timeline';

export { addWebhook, deliverWebhooks, listWebhooks, signWebhook, WEBHOOK_MAX_ATTEMPTS } from './alert-webhooks';

export interface OrderVerdict {
  order: OrderRow;
  policy: Policy;
  verdict: Verdict;
  situation: Situation;
}

/** "Can I still ship?" for one order at `at` (default now): its situation (app/order-situation.ts) and verdict. */
export async function explainOrder(
  ctx: AppContext,
  orderId: number,
  shopIds?: string[],
  at: number = ctx.now(),
): Promise<OrderVerdict> {
  const { order, policy, facts, situation, problem } = await situationOfOrder(ctx, orderId, at, shopIds);
  if (problem) throw new ConflictError('verdict.cannot_judge', problem, order.status);
  const resolved = situation ?? situationOf(facts, policy, at);
  return { order, policy, verdict: resolved.verdict, situation: resolved };
}

export interface AtRiskItem {
  order: OrderRow;
  timeLeftMs: number | null;
  /** What the order puts at stake now (the situation's exposure): the fine if it misses now, or of the course at hand once it will miss. */
  fineIfMissed: { amount: number; currency: string } | null;
  status: Verdict['status'] | 'no_deadline';
  situation: SituationKind | 'no_deadline';
  why: Localized;
  /** An open cancellation request of the buyer: its answer is due by then (null: none open). */
  cancellationAnswerBy: number | null;
}

/**
 * The open orders by time left (overdue first), each with its countdown, the fine if it is missed now,
 * and why. `within`: only orders due within that many ms from `at`. Orders whose situation is settled (closed by
 * the platform at its closing point, cancelled, shipped) are left out: they are in no queue and no total.
 */
export async function atRisk(
  ctx: AppContext,
  options: { shopIds?: string[]; withinMs?: number; limit?: number; at?: number },
): Promise<AtRiskItem[]> {
  const now = options.at ?? ctx.now();
  const dueBefore = options.withinMs === undefined ? undefined : now + options.withinMs;
  // Orders whose buyer asked to cancel come first: unanswered, the platform cancels them.
  const requests = await requestsDueBy(ctx, { shopIds: options.shopIds, dueBefore, beyondShipBy: dueBefore, now });
  const listed = new Set(requests.map((r) => r.order.id));
  const read = (after: RiskCursor | undefined, size: number) =>
    atRiskOrders(ctx.store.db, { ...options, now, limit: size, after });
  const { items } = await queuedRisk(ctx, now, options.limit ?? 100, read);
  return [...requests, ...items.filter((item) => !listed.has(item.order.id))];
}

/**
 * Orders with a buyer's cancellation request still open whose answer is due by `dueBefore` (any, when undefined),
 * read through their situation. `beyondShipBy`: only those whose own deadline is later (the deadline list holds the
 * others). The at-risk view puts them first: unanswered, the platform cancels the order.
 */
export async function requestsDueBy(
  ctx: AppContext,
  options: { shopIds?: readonly string[]; dueBefore?: number; beyondShipBy?: number; now: number },
): Promise<AtRiskItem[]> {
  let query = ctx.store.db
    .selectFrom('orders')
    .selectAll()
    .where('cancel_requested_at', 'is not', null)
    .where('cancel_answer', 'is', null)
    .where(openStatusCondition());
  if (options.shopIds?.length) query = query.where('shop_id', 'in', [...options.shopIds]);
  const beyond = options.beyondShipBy;
  if (beyond !== undefined)
    query = query.where((eb) => eb.or([eb('ship_by_at', 'is', null), eb('ship_by_at', '>', beyond)]));
  const rows = await query.orderBy('cancel_requested_at').orderBy('id').limit(500).execute();
  return (await describeRisk(ctx, rows, options.now)).filter(
    (item) =>
      isQueued(item) &&
      item.cancellationAnswerBy !== null &&
      (options.dueBefore === undefined || item.cancellationAnswerBy <= options.dueBefore),
  );
}

export type RiskCursor = { shipByAt: number | null; id: number };

/**
 * The at-risk view, a page of `limit` queued orders: rows are read most urgent first and described by their
 * situation, and settled ones (closed at the closing point, cancelled, shipped) take no place in the page, so the
 * list and its totals hold every queued order up to the limit however many settled rows come before them. `next`:
 * the last row examined when more queued orders follow (the cursor to go on from), else null.
 */
export async function queuedRisk(
  ctx: AppContext,
  now: number,
  limit: number,
  read: (after: RiskCursor | undefined, size: number) => Promise<OrderRow[]>,
  start?: RiskCursor,
): Promise<{ items: AtRiskItem[]; next: OrderRow | null }> {
  const items: AtRiskItem[] = [];
  let after = start;
  let last: OrderRow | null = null;
  for (;;) {
    const rows = await read(after, limit + 1);
    for (const item of await describeRisk(ctx, rows, now)) {
      if (isQueued(item)) {
        if (items.length === limit) return { items, next: last };
        items.push(item);
      }
      last = item.order;
    }
    const tail = rows[rows.length - 1];
    if (rows.length <= limit || !tail) return { items, next: null };
    after = { shipByAt: tail.ship_by_at, id: tail.id };
  }
}

/** An item of the at-risk view: its situation is still open (or it has no deadline yet to judge it by). */
export function isQueued(item: Pick<AtRiskItem, 'situation'>): boolean {
  return (
    item.situation === 'no_deadline' ||
    item.situation === 'open' ||
    item.situation === 'at_risk' ||
    item.situation === 'will_miss'
  );
}

/** The query behind the at-risk list: open orders with a deadline, the most urgent first (partial index). */
export async function atRiskOrders(
  db: Executor,
  options: { shopIds?: string[]; withinMs?: number; limit?: number; now: number; after?: RiskCursor },
): Promise<OrderRow[]> {
  let query = db.selectFrom('orders').selectAll().where(openStatusCondition()).where('ship_by_at', 'is not', null);
  const after = options.after;
  if (after && after.shipByAt !== null) {
    const key = after.shipByAt;
    query = query.where((eb) =>
      eb.or([eb('ship_by_at', '>', key), eb.and([eb('ship_by_at', '=', key), eb('id', '>', after.id)])]),
    );
  }
  if (options.shopIds?.length === 1) query = query.where('shop_id', '=', options.shopIds[0]!);
  else if (options.shopIds?.length) query = query.where('shop_id', 'in', options.shopIds);
  if (options.withinMs !== undefined) query = query.where('ship_by_at', '<=', options.now + options.withinMs);
  return query
    .orderBy('ship_by_at')
    .orderBy('id')
    .limit(options.limit ?? 100)
    .execute();
}

/** Each order's countdown, exposure, situation and why, read from its situation. */
export async function describeRisk(ctx: AppContext, rows: OrderRow[], now: number): Promise<AtRiskItem[]> {
  return (await situationsOf(ctx, rows, now)).map(({ order, situation, problem }) =>
    situation === null
      ? {
          order,
          timeLeftMs: null,
          fineIfMissed: null,
          status: 'no_deadline' as const,
          situation: 'no_deadline' as const,
          why:
            problem ??
            localized(
              'No deadline: the order has no handling time and the platform gave none.',
              '无截止时间：订单没有备货期，平台也未提供。',
            ),
          cancellationAnswerBy: null,
        }
      : {
          order,
          timeLeftMs: situation.verdict.timeLeftMs,
          fineIfMissed: situation.exposure,
          status: situation.verdict.status,
          situation: situation.kind,
          why: situation.reasons[0] ?? situation.verdict.headline,
          cancellationAnswerBy:
            situation.cancellationRequest?.state === 'open' ? situation.cancellationRequest.answerBy : null,
        },
  );
}

export interface SweepReport {
  examined: number;
  warned: number;
  deliveriesQueued: number;
}

/**
 * Emits each due warning once per order: the (order, threshold) row is the claim, so a second sweep, or a
 * sweep on another worker at the same time, finds it taken and stays silent.
 */
export async function runWarningSweep(
  ctx: AppContext,
  log: (line: string) => void = () => undefined,
): Promise<SweepReport> {
  const db = ctx.store.db;
  const now = ctx.now();
  const report: SweepReport = { examined: 0, warned: 0, deliveriesQueued: 0 };
  const shops = await db.selectFrom('shops').select('id').execute();
  for (const { id: shopId } of shops) {
    const resolver = await loadShopResolver(db, shopId);
    const horizon = 24 * 30 * HOUR_MS; // no policy warns more than 30 days ahead
    const candidates = await db
      .selectFrom('orders')
      .selectAll()
      .where('shop_id', '=', shopId)
      .where('status', 'in', [...OPEN_ORDER_STATES])
      .where('ship_by_at', '>', now)
      .where('ship_by_at', '<=', now + horizon)
      .orderBy('ship_by_at')
      .execute();
    report.examined += candidates.length;
    // The warning says what the order's situation is (one truth): an order that will miss says so and why.
    const situations = new Map((await situationsOf(ctx, candidates, now)).map((s) => [s.order.id, s.situation]));
    for (const order of candidates) {
      const situation = situations.get(order.id) ?? null;
      if (situation && !situation.inQueues) continue;
      const policy = resolver.forOrder(order.paid_at, order.order_type ?? undefined);
      const thresholds = policy.warningHoursBefore;
      if (now < order.ship_by_at! - Math.max(...thresholds) * HOUR_MS) continue;
      const sent = (
        await db.selectFrom('order_warnings').select('hours_before').where('order_id', '=', order.id).execute()
      ).map((r) => r.hours_before);
      const due = warningsDue(order.ship_by_at!, now, thresholds, sent);
      if (!due.length) continue;
      await db.transaction().execute(async (trx) => {
        const claimed = await trx
          .insertInto('order_warnings')
          .values(due.map((d) => ({ order_id: order.id, hours_before: d.hoursBefore, sent_at: now })))
          .onConflict((oc) => oc.columns(['order_id', 'hours_before']).doNothing())
          .returning('hours_before')
          .execute();
        if (!claimed.length) return;
        // Send only the most urgent of the thresholds crossed at once; record them all.
        const mostUrgent = Math.min(...claimed.map((c) => c.hours_before));
        const leftMs = order.ship_by_at! - now;
        const mustShip = localized(
          `Order ${order.platform_order_id} must ship within ${durationText(leftMs).en} (by ${toIso(order.ship_by_at)}).`,
          `订单 ${order.platform_order_id} 须在 ${durationText(leftMs).zh}内发货（截止 ${toIso(order.ship_by_at)}）。`,
        );
        const why = situation?.kind === 'will_miss' ? situation.reasons[0] : undefined;
        const message = why ? localized(`${mustShip.en} ${why.en}`, `${mustShip['zh-CN']}${why['zh-CN']}`) : mustShip;
        const payload = {
          kind: 'deadline_warning',
          shop_id: shopId,
          order_id: order.id,
          platform_order_id: order.platform_order_id,
          hours_before: mostUrgent,
          ship_by_at: toIso(order.ship_by_at),
          at: toIso(now),
          situation: situation?.kind ?? null,
          message,
        };
        await trx
          .insertInto('order_events')
          .values(
            timelineEvent({
              orderId: order.id,
              at: now,
              actor: 'sweep',
              kind: 'deadline_warning',
              reason: message.en,
              data: JSON.stringify({
                hours_before: claimed.map((c) => c.hours_before).sort((a, b) => b - a),
                sent: mostUrgent,
              }),
            }),
          )
          .execute();
        report.warned++;
        report.deliveriesQueued += await queueAlert(
          trx,
          shopId,
          `deadline_warning:${order.id}:${mostUrgent}`,
          payload,
          now,
        );
        log(`deadline warning: ${message.en}`);
      });
    }
  }
  return report;
}

/** Queues an alert to each webhook of the shop (and the all-shops ones); returns how many were queued. */
export async function queueAlert(
  db: Executor,
  shopId: string,
  dedupeKey: string,
  payload: { kind: string } & Record<string, unknown>,
  now: number,
): Promise<number> {
  const hooks = await db
    .selectFrom('alert_webhooks')
    .select('id')
    .where((eb) => eb.or([eb('shop_id', '=', shopId), eb('shop_id', 'is', null)]))
    .execute();
  if (!hooks.length) return 0;
  const inserted = await db
    .insertInto('webhook_deliveries')
    .values(
      hooks.map((h) => ({
        webhook_id: h.id,
        dedupe_key: dedupeKey,
        kind: payload.kind,
        payload: JSON.stringify(payload),
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        lease_until: null,
        lease_owner: null,
        last_error: null,
        created_at: now,
        delivered_at: null,
      })),
    )
    .onConflict((oc) => oc.columns(['webhook_id', 'dedupe_key']).doNothing())
    .returning('id')
    .execute();
  return inserted.length;
}

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
