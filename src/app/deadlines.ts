/**
 * Deadline use cases: the verdict for one order ("can I still ship?"), the at-risk list, the warning
 * sweep (each threshold once per order, even with several sweepers), alert webhooks, and seller metrics.
 */
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { warningsDue } from '../core/deadline';
import { localized, type Localized } from '../core/i18n';
import { computeMetrics, type MetricsReport } from '../core/metrics';
import { dailySeries, type DailySeries, type FineOrderRecord } from '../core/metrics-daily';
import { metricRecordOf } from '../core/metrics-record';
import { OPEN_ORDER_STATES } from '../core/order';
import { situationOf, type Situation, type SituationKind } from '../core/situation';
import type { Verdict } from '../core/verdict';
import type { Policy } from '../core/policy/schema';
import type { ShopPolicyResolver } from '../core/policy/registry';
import { HOUR_MS, toIso } from '../core/time';
import { openStatusCondition } from '../store/open-orders';
import type { Executor } from '../store/orders';
import type { OrderRow } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError, ValidationError } from './errors';
import { encryptSecret, masterKeyOf, openStoredSecret, SECRET_CONTEXTS } from './secrets';
import { situationOfOrder, situationsOf } from './order-situation';
import { sumViolations, type PricedViolation, type ViolationTotals } from '../core/violations';
import { loadShopResolver } from './policies';
import { outboundUrlOrIssue } from './outbound-settings';
import { guardedFetch } from '../integrations/outbound';

export interface OrderVerdict {
  order: OrderRow;
  policy: Policy;
  verdict: Verdict;
  situation: Situation;
}

/** "Can I still ship?" for one order at `at` (default now): its situation (app/order-situation.ts) and verdict. */
export async function explainOrder(ctx: AppContext, orderId: number, shopIds?: string[], at: number = ctx.now()): Promise<OrderVerdict> {
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
export async function atRisk(ctx: AppContext, options: { shopIds?: string[]; withinMs?: number; limit?: number; at?: number }): Promise<AtRiskItem[]> {
  const now = options.at ?? ctx.now();
  const dueBefore = options.withinMs === undefined ? undefined : now + options.withinMs;
  // Orders whose buyer asked to cancel come first: unanswered, the platform cancels them.
  const requests = await requestsDueBy(ctx, { shopIds: options.shopIds, dueBefore, beyondShipBy: dueBefore, now });
  const listed = new Set(requests.map((r) => r.order.id));
  const read = (after: RiskCursor | undefined, size: number) => atRiskOrders(ctx.store.db, { ...options, now, limit: size, after });
  const { items } = await queuedRisk(ctx, now, options.limit ?? 100, read);
  return [...requests, ...items.filter((item) => !listed.has(item.order.id))];
}

/**
 * Orders with a buyer's cancellation request still open whose answer is due by `dueBefore` (any, when undefined),
 * read through their situation. `beyondShipBy`: only those whose own deadline is later (the deadline list holds the
 * others). The at-risk view puts them first: unanswered, the platform cancels the order.
 */
export async function requestsDueBy(ctx: AppContext, options: { shopIds?: readonly string[]; dueBefore?: number; beyondShipBy?: number; now: number }): Promise<AtRiskItem[]> {
  let query = ctx.store.db.selectFrom('orders').selectAll().where('cancel_requested_at', 'is not', null).where('cancel_answer', 'is', null).where(openStatusCondition());
  if (options.shopIds?.length) query = query.where('shop_id', 'in', [...options.shopIds]);
  const beyond = options.beyondShipBy;
  if (beyond !== undefined) query = query.where((eb) => eb.or([eb('ship_by_at', 'is', null), eb('ship_by_at', '>', beyond)]));
  const rows = await query.orderBy('cancel_requested_at').orderBy('id').limit(500).execute();
  return (await describeRisk(ctx, rows, options.now)).filter(
    (item) => isQueued(item) && item.cancellationAnswerBy !== null && (options.dueBefore === undefined || item.cancellationAnswerBy <= options.dueBefore),
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
  return item.situation === 'no_deadline' || item.situation === 'open' || item.situation === 'at_risk' || item.situation === 'will_miss';
}

/** The query behind the at-risk list: open orders with a deadline, the most urgent first (partial index). */
export async function atRiskOrders(db: Executor, options: { shopIds?: string[]; withinMs?: number; limit?: number; now: number; after?: RiskCursor }): Promise<OrderRow[]> {
  let query = db.selectFrom('orders').selectAll().where(openStatusCondition()).where('ship_by_at', 'is not', null);
  const after = options.after;
  if (after && after.shipByAt !== null) {
    const key = after.shipByAt;
    query = query.where((eb) => eb.or([eb('ship_by_at', '>', key), eb.and([eb('ship_by_at', '=', key), eb('id', '>', after.id)])]));
  }
  if (options.shopIds?.length === 1) query = query.where('shop_id', '=', options.shopIds[0]!);
  else if (options.shopIds?.length) query = query.where('shop_id', 'in', options.shopIds);
  if (options.withinMs !== undefined) query = query.where('ship_by_at', '<=', options.now + options.withinMs);
  return query.orderBy('ship_by_at').orderBy('id').limit(options.limit ?? 100).execute();
}

/** Each order's countdown, exposure, situation and why, read from its situation. */
export async function describeRisk(ctx: AppContext, rows: OrderRow[], now: number): Promise<AtRiskItem[]> {
  return (await situationsOf(ctx, rows, now)).map(({ order, situation, problem }) =>
    situation === null
      ? { order, timeLeftMs: null, fineIfMissed: null, status: 'no_deadline' as const, situation: 'no_deadline' as const, why: problem ?? localized('No deadline: the order has no handling time and the platform gave none.', '无截止时间：订单没有备货期，平台也未提供。'), cancellationAnswerBy: null }
      : {
          order,
          timeLeftMs: situation.verdict.timeLeftMs,
          fineIfMissed: situation.exposure,
          status: situation.verdict.status,
          situation: situation.kind,
          why: situation.reasons[0] ?? situation.verdict.headline,
          cancellationAnswerBy: situation.cancellationRequest?.state === 'open' ? situation.cancellationRequest.answerBy : null,
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
export async function runWarningSweep(ctx: AppContext, log: (line: string) => void = () => undefined): Promise<SweepReport> {
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
      const sent = (await db.selectFrom('order_warnings').select('hours_before').where('order_id', '=', order.id).execute()).map((r) => r.hours_before);
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
          `Order ${order.platform_order_id} must ship within ${Math.floor(leftMs / HOUR_MS)} h ${Math.round((leftMs % HOUR_MS) / 60_000)} min (by ${toIso(order.ship_by_at)}).`,
          `订单 ${order.platform_order_id} 须在 ${Math.floor(leftMs / HOUR_MS)} 小时 ${Math.round((leftMs % HOUR_MS) / 60_000)} 分钟内发货（截止 ${toIso(order.ship_by_at)}）。`,
        );
        const why = situation?.kind === 'will_miss' ? situation.reasons[0] : undefined;
        const message = why ? localized(`${mustShip.en} ${why.en}`, `${mustShip['zh-CN']}${why['zh-CN']}`) : mustShip;
        const payload = {
          kind: 'deadline_warning', shop_id: shopId, order_id: order.id, platform_order_id: order.platform_order_id,
          hours_before: mostUrgent, ship_by_at: toIso(order.ship_by_at), at: toIso(now), situation: situation?.kind ?? null, message,
        };
        await trx
          .insertInto('order_events')
          .values({ order_id: order.id, parcel_id: null, at: now, actor: 'sweep', kind: 'deadline_warning', action: null, from_state: null, to_state: null, reason: message.en, data: JSON.stringify({ hours_before: claimed.map((c) => c.hours_before).sort((a, b) => b - a), sent: mostUrgent }) })
          .execute();
        report.warned++;
        report.deliveriesQueued += await queueAlert(trx, shopId, `deadline_warning:${order.id}:${mostUrgent}`, payload, now);
        log(`deadline warning: ${message.en}`);
      });
    }
  }
  return report;
}

/** Queues an alert to each webhook of the shop (and the all-shops ones); returns how many were queued. */
export async function queueAlert(db: Executor, shopId: string, dedupeKey: string, payload: { kind: string } & Record<string, unknown>, now: number): Promise<number> {
  const hooks = await db.selectFrom('alert_webhooks').select('id').where((eb) => eb.or([eb('shop_id', '=', shopId), eb('shop_id', 'is', null)])).execute();
  if (!hooks.length) return 0;
  const inserted = await db
    .insertInto('webhook_deliveries')
    .values(hooks.map((h) => ({ webhook_id: h.id, dedupe_key: dedupeKey, kind: payload.kind, payload: JSON.stringify(payload), status: 'pending' as const, attempts: 0, next_attempt_at: now, lease_until: null, last_error: null, created_at: now, delivered_at: null })))
    .onConflict((oc) => oc.columns(['webhook_id', 'dedupe_key']).doNothing())
    .returning('id')
    .execute();
  return inserted.length;
}

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export const WEBHOOK_MAX_ATTEMPTS = 8;

/**
 * Delivers due alerts: POST JSON with `X-Shipby-Timestamp` and `X-Shipby-Signature: sha256=HMAC(secret,
 * timestamp.body)`. A failure is retried with exponential backoff; after WEBHOOK_MAX_ATTEMPTS it is dead.
 * Each delivery is leased first, so two workers never send the same one at once.
 */
export async function deliverWebhooks(
  ctx: AppContext,
  options: { fetch?: typeof fetch; limit?: number; timeoutMs?: number } = {},
): Promise<{ delivered: number; failed: number; dead: number }> {
  const db = ctx.store.db;
  const send = options.fetch ?? guardedFetch({ field: 'url', timeoutMs: options.timeoutMs ?? 10_000, maxBytes: 64 * 1024 });
  const now = ctx.now();
  const result = { delivered: 0, failed: 0, dead: 0 };
  const due = await db
    .selectFrom('webhook_deliveries')
    .innerJoin('alert_webhooks', 'alert_webhooks.id', 'webhook_deliveries.webhook_id')
    .select(['webhook_deliveries.id', 'webhook_deliveries.payload', 'webhook_deliveries.attempts', 'webhook_deliveries.webhook_id', 'alert_webhooks.url', 'alert_webhooks.secret'])
    .where('webhook_deliveries.status', '=', 'pending')
    .where('webhook_deliveries.next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('webhook_deliveries.lease_until', 'is', null), eb('webhook_deliveries.lease_until', '<', now)]))
    .orderBy('webhook_deliveries.next_attempt_at')
    .limit(options.limit ?? 50)
    .execute();
  for (const delivery of due) {
    const lease = await db
      .updateTable('webhook_deliveries')
      .set({ lease_until: now + 60_000 })
      .where('id', '=', delivery.id)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    if (Number(lease.numUpdatedRows) !== 1) continue; // another worker has it
    const timestamp = String(Math.floor(now / 1000));
    let error: string | null = null;
    try {
      const secret = openStoredSecret(() => masterKeyOf(ctx), delivery.secret, SECRET_CONTEXTS.alertWebhook(delivery.webhook_id));
      const response = await send(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shipby-timestamp': timestamp, 'x-shipby-signature': `sha256=${signWebhook(secret, timestamp, delivery.payload)}` },
        body: delivery.payload,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!response.ok) error = `HTTP ${response.status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const attempts = delivery.attempts + 1;
    if (!error) {
      await db.updateTable('webhook_deliveries').set({ status: 'delivered', attempts, delivered_at: ctx.now(), lease_until: null, last_error: null }).where('id', '=', delivery.id).execute();
      result.delivered++;
    } else if (attempts >= WEBHOOK_MAX_ATTEMPTS) {
      await db.updateTable('webhook_deliveries').set({ status: 'dead', attempts, lease_until: null, last_error: error }).where('id', '=', delivery.id).execute();
      result.dead++;
    } else {
      const backoff = Math.min(60 * 60_000, 30_000 * 2 ** (attempts - 1));
      await db.updateTable('webhook_deliveries').set({ attempts, next_attempt_at: now + backoff, lease_until: null, last_error: error }).where('id', '=', delivery.id).execute();
      result.failed++;
    }
  }
  return result;
}

export async function addWebhook(ctx: AppContext, input: { shopId?: string; url: string; secret: string }) {
  const url = await outboundUrlOrIssue(input.url, 'url');
  if (input.secret.length < 16) {
    throw new ValidationError([{ row: 0, field: 'secret', message: localized('the secret must be at least 16 characters.', 'secret 至少需要 16 个字符。') }]);
  }
  const masterKey = masterKeyOf(ctx);
  // The secret is stored encrypted, bound to its row (issue 19, finding 9): the row first, then its sealed secret.
  return ctx.store.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('alert_webhooks')
      .values({ shop_id: input.shopId ?? null, url: url.toString(), secret: '', created_at: ctx.now() })
      .returning(['id', 'shop_id', 'url', 'created_at'])
      .executeTakeFirstOrThrow();
    await trx.updateTable('alert_webhooks').set({ secret: encryptSecret(masterKey, input.secret, SECRET_CONTEXTS.alertWebhook(row.id)) }).where('id', '=', row.id).execute();
    return row;
  });
}

/**
 * The seller's metrics over 7- and 30-day windows, from the orders' milestones, against the shop's policy; and
 * `daily`: the rates and the fines paid and avoided (core/metrics.ts `dailySeries`) for each day of the longest
 * window, each order judged by the policy version it keeps.
 */
export async function sellerMetrics(ctx: AppContext, shopId: string, windowsDays: number[] = [7, 30]): Promise<MetricsReport & { daily: DailySeries; violations: ViolationTotals[] }> {
  const db = ctx.store.db;
  const now = ctx.now();
  const resolver = await loadShopResolver(db, shopId);
  const policy = resolver.forOrder(now);
  const longest = Math.max(...windowsDays);
  const since = now - (2 * longest + 10) * 24 * HOUR_MS;
  const [rows, warnings] = await Promise.all([
    db.selectFrom('orders').selectAll().where('shop_id', '=', shopId).where('paid_at', '>=', since).orderBy('id').execute(),
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
    for (const { order: o, policy: own, facts, situation } of await situationsOf(ctx, rows.slice(i, i + METRICS_BATCH), now)) {
      const extras = { orderId: o.platform_order_id, fullyShipped: o.status !== 'partially_shipped', warnedAt: warnedAt.get(o.id) };
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
  return { ...computeMetrics(records, policy, now, windowsDays), daily: dailySeries(records, policy, now, longest), violations: sumViolations(violations) };
}

/** Orders read per batch for the metrics (each batch's facts are one read per table by id). */
const METRICS_BATCH = 1000;

/**
 * The alert webhooks (never their secrets): those of the given shops and, with `installationWide`, those for every
 * shop (shop_id null) — an installation's own, never listed to a tenant (issue 19, finding 9).
 */
export async function listWebhooks(ctx: AppContext, shopIds?: readonly string[], options: { installationWide?: boolean } = {}) {
  const installationWide = options.installationWide ?? shopIds === undefined;
  let query = ctx.store.db.selectFrom('alert_webhooks').select(['id', 'shop_id', 'url', 'created_at']).orderBy('id');
  if (shopIds) {
    const shops = [...shopIds];
    query = query.where((eb) => eb.or([...(installationWide ? [eb('shop_id', 'is', null)] : []), ...(shops.length ? [eb('shop_id', 'in', shops)] : [eb.lit(false)])]));
  } else if (!installationWide) query = query.where('shop_id', 'is not', null);
  return query.execute();
}
