/**
 * The at-risk view: open orders by time left (overdue first), each with its countdown, what it puts at stake and
 * why — all read from its situation (core/situation.ts, through order-situation.ts), none computed here — with the
 * buyers' cancellation requests due first. Re-exported by deadlines.ts.
 */
import { localized, type Localized } from '../core/i18n';
import type { SituationKind } from '../core/situation';
import type { Verdict } from '../core/verdict';
import { openStatusCondition } from '../store/open-orders';
import type { Executor } from '../store/orders';
import type { OrderRow } from '../store/schema';
import type { AppContext } from './context';
import { situationsOf } from './order-situation';

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
