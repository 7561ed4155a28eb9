/**
 * The outbox as the seller sees it: entries (dead letters among them) with their tracking numbers, counts, and
 * putting a dead-lettered entry back in the queue (read back first).
 */
import { localized } from '../core/i18n';
import { outboxMachine, type OutboxState } from '../core/outbox-row';
import { decide } from '../core/state-machine';
import * as orderStore from '../store/orders';
import * as outbox from '../store/outbox';
import type { OutboxRow } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError, NotFoundError } from './errors';
import { timelineEvent } from '../core/timeline';

export interface OutboxEntryView {
  id: number;
  kind: string;
  shopId: string;
  orderId: number;
  platformOrderId: string;
  parcelId: number | null;
  trackingNumber: string;
  sendType: string | null;
  status: string;
  attempts: number;
  lastError: string | null;
  updatedAt: number;
}

export async function listOutboxEntries(
  ctx: AppContext,
  filter: { statuses?: string[]; shopId?: string; limit?: number },
): Promise<OutboxEntryView[]> {
  const rows = await outbox.listOutbox(ctx.store.db, { ...filter, limit: filter.limit ?? 200 });
  return rows.map(entryView);
}

function entryView(row: OutboxRow): OutboxEntryView {
  const payload = JSON.parse(row.payload) as { platformOrderId: string; trackingNumber: string };
  return {
    id: row.id,
    kind: row.kind,
    shopId: row.shop_id,
    orderId: row.order_id,
    platformOrderId: payload.platformOrderId,
    parcelId: row.parcel_id,
    trackingNumber: payload.trackingNumber,
    sendType: row.send_type,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    updatedAt: row.updated_at,
  };
}

/** Rows still to deliver (pending or in flight), for a worker that stops once the queue is drained. */
export async function openOutboxCount(ctx: AppContext, kinds?: readonly string[]): Promise<number> {
  return outbox.countOpenRows(ctx.store.db, kinds);
}

export async function outboxCounts(ctx: AppContext) {
  return outbox.countOutbox(ctx.store.db);
}

/**
 * Puts a dead-lettered row back in the queue: due now, attempts counted afresh, and read back first (its last
 * attempts may have gone through).
 */
export async function retryOutboxRow(ctx: AppContext, id: number, actor: string): Promise<OutboxEntryView> {
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const row = await outbox.getOutboxRow(trx, id);
    if (!row) throw new NotFoundError(localized(`outbox entry ${id} not found.`, `未找到待发送记录 ${id}。`));
    const decision = decide(outboxMachine, row.status as OutboxState, 'requeue', {});
    if (!decision.ok) {
      throw new ConflictError(
        'outbox.retry.status',
        localized(
          `outbox entry ${id} is ${row.status}; only dead-lettered entries are retried.`,
          `待发送记录 ${id} 的状态为「${row.status}」；只能重试死信记录。`,
        ),
        row.status,
      );
    }
    const updated = await outbox.updateOutboxRow(trx, id, decision.from, {
      status: decision.to,
      attempts: 0,
      needs_readback: 1,
      next_attempt_at: now,
      updated_at: now,
    });
    if (!updated)
      throw new ConflictError(
        'outbox.retry.race',
        localized('the entry changed meanwhile; try again.', '记录已被修改，请重试。'),
        row.status,
      );
    await orderStore.appendEvents(trx, [
      timelineEvent({
        orderId: row.order_id,
        parcelId: row.parcel_id,
        at: now,
        actor,
        kind: row.kind === outbox.UPLOAD_KIND ? 'upload_retry_requested' : 'buyer_notice_retry_requested',
        reason: `back in the queue after ${row.attempts} attempts (last: ${row.last_error ?? 'none'})`,
        data: JSON.stringify({ outbox_id: id }),
      }),
    ]);
  });
  return entryView((await outbox.getOutboxRow(ctx.store.db, id))!);
}
