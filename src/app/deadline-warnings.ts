/**
 * The deadline warning sweep: each due warning once per order (the policy's hours before the deadline), saying what
 * the order's situation is, recorded on its timeline and queued to the alert webhooks. Re-exported by deadlines.ts.
 */
import type { Transaction } from 'kysely';
import { warningsDue } from '../core/deadline';
import { durationText } from '../core/duration';
import { localized } from '../core/i18n';
import { OPEN_ORDER_STATES } from '../core/order';
import type { Situation } from '../core/situation';
import { HOUR_MS, toIso } from '../core/time';
import { timelineEvent } from '../core/timeline';
import type { Database, OrderRow } from '../store/schema';
import { queueAlert } from './alert-queue';
import type { AppContext } from './context';
import { situationsOf } from './order-situation';
import { loadShopResolver } from './policies';

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
      await db.transaction().execute((trx) => sendWarning(trx, shopId, order, situation, due, now, report, log));
    }
  }
  return report;
}

/**
 * Claims the order's due thresholds and, when this sweep got any, records the most urgent warning and queues its
 * alert.
 */
async function sendWarning(
  trx: Transaction<Database>,
  shopId: string,
  order: OrderRow,
  situation: Situation | null,
  due: ReturnType<typeof warningsDue>,
  now: number,
  report: SweepReport,
  log: (line: string) => void,
): Promise<void> {
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
  report.deliveriesQueued += await queueAlert(trx, shopId, `deadline_warning:${order.id}:${mostUrgent}`, payload, now);
  log(`deadline warning: ${message.en}`);
}
