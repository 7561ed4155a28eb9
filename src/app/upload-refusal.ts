/**
 * An upload for an order that is closed or cancelled is never sent: the seller would declare a number for an order
 * already refunded. Two places settle such a row as refused (outbox machine `refuse`), with the same bilingual
 * reason and the label flagged to void: the order's own `cancel` / `close_unfulfilled` hook (order-hooks.ts), for
 * rows still waiting, and the worker (upload-delivery.ts), for a row due when the order's situation says the
 * platform has closed it though its row is still open.
 */
import { localized, type Localized } from '../core/i18n';
import type { OrderState } from '../core/order';
import { outboxMachine } from '../core/outbox-row';
import { decide } from '../core/state-machine';
import * as orderStore from '../store/orders';
import * as outbox from '../store/outbox';
import type { NewOrderEventRow } from '../store/schema';
import { timelineEvent } from '../core/timeline';

/** Why nothing is uploaded for the order, and what to do in the dashboard. */
export function closedOrderUploadReason(
  platformOrderId: string,
  settled: 'closed' | 'cancelled',
  why?: Localized,
): Localized {
  const cause = why ? ` ${why.en}` : '';
  const causeZh = why ? ` ${why['zh-CN']}` : '';
  return settled === 'cancelled'
    ? localized(
        `Order ${platformOrderId} is cancelled: its tracking number is not uploaded.${cause} Void its label on the order page.`,
        `订单 ${platformOrderId} 已取消：不上传其物流单号。${causeZh} 请在订单页面作废其面单。`,
      )
    : localized(
        `Order ${platformOrderId} is closed by the platform: its tracking number is not uploaded, since the order is refunded.${cause} Void its label on the order page.`,
        `订单 ${platformOrderId} 已被平台关闭：订单已退款，不上传其物流单号。${causeZh} 请在订单页面作废其面单。`,
      );
}

/** The timeline event of an upload refused because its order is settled (closed or cancelled). */
export function closedOrderRefusalEvent(
  row: { id: number; order_id: number; parcel_id: number | null },
  message: Localized,
  now: number,
  actor: string,
  extra: Record<string, unknown> = {},
): NewOrderEventRow {
  return timelineEvent({
    orderId: row.order_id,
    parcelId: row.parcel_id,
    at: now,
    actor,
    kind: 'upload_refused',
    reason: message.en,
    data: JSON.stringify({ outbox_id: row.id, reason: 'order_closed', message, void_label: true, ...extra }),
  });
}

/**
 * Settles the still-waiting uploads (`held`, `pending`) of orders just cancelled or closed as refused. A row in flight
 * is left to its worker, which reads the order's situation before sending (and the platform refuses a closed order).
 */
export async function refuseQueuedUploadsOf(
  db: orderStore.Executor,
  settled: ReadonlyArray<{ orderId: number; state: OrderState }>,
  now: number,
  actor: string,
): Promise<number> {
  if (settled.length === 0) return 0;
  const states = new Map(settled.map((s) => [s.orderId, s.state]));
  const waiting = (await outbox.uploadsOfOrders(db, [...states.keys()])).filter(
    (row) => row.status === 'held' || row.status === 'pending',
  );
  if (waiting.length === 0) return 0;
  const events: NewOrderEventRow[] = [];
  const refused = [];
  for (const row of waiting) {
    const decision = decide(outboxMachine, row.status as 'held' | 'pending', 'refuse', {});
    if (!decision.ok) continue;
    const payload = JSON.parse(row.payload) as { platformOrderId: string };
    const message = closedOrderUploadReason(
      payload.platformOrderId,
      states.get(row.order_id) === 'cancelled' ? 'cancelled' : 'closed',
    );
    if (
      await outbox.updateOutboxRow(db, row.id, row.status, {
        status: decision.to,
        done_at: now,
        updated_at: now,
        last_error: message.en,
      })
    ) {
      refused.push(row.id);
      events.push(closedOrderRefusalEvent(row, message, now, actor, { was: row.status }));
    }
  }
  await orderStore.appendEvents(db, events);
  return refused.length;
}
