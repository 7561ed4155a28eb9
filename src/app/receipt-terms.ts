/**
 * The receipt's terms an order keeps: the promised delivery days (from the platform or typed in) and the extensions
 * of the buyer's acceptance time agreed on the platform; each change moves the clock and is on the timeline.
 */
import { localized } from '../core/i18n';
import type { OrderState } from '../core/order';
import { DEFAULT_RECEIPT_RULES } from '../core/receipt';
import { toIso } from '../core/time';
import { timelineEvent } from '../core/timeline';
import * as orderStore from '../store/orders';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { AWAITING_RECEIPT, computeReceipt, resolveExtensionProposals, upsertReceipt } from './receipt-clock';
import { receiptOf, type ReceiptView } from './receipt-view';

/**
 * The promised delivery days of an order (`freight_commit_day`), from the platform or typed in; the receipt clock
 * is recomputed.
 */
export async function setPromisedDeliveryDays(
  ctx: AppContext,
  orderId: number,
  days: number,
  actor: string,
): Promise<ReceiptView> {
  if (!Number.isInteger(days) || days < 1 || days > 365) {
    throw new ValidationError([
      {
        row: 0,
        field: 'freight_commit_days',
        message: localized(
          'the promised delivery time is 1 to 365 whole days.',
          '承诺运达时间必须是 1 到 365 的整数天。',
        ),
      },
    ]);
  }
  await changeTerms(
    ctx,
    orderId,
    actor,
    (terms) => ({ ...terms, freight_commit_days: days }),
    'receipt_terms_set',
    `promised delivery time ${days} days`,
  );
  return receiptOf(ctx, orderId);
}

/** Records an extension of the buyer's acceptance time (agreed on the platform); the receipt clock moves. */
export async function recordAcceptanceExtension(
  ctx: AppContext,
  orderId: number,
  days: number,
  actor: string,
  note?: string,
): Promise<ReceiptView> {
  if (!Number.isInteger(days) || days < 1 || days > 90) {
    throw new ValidationError([
      {
        row: 0,
        field: 'days',
        message: localized('an extension is 1 to 90 whole days.', '延长时间必须是 1 到 90 的整数天。'),
      },
    ]);
  }
  await changeTerms(
    ctx,
    orderId,
    actor,
    (terms) => ({ ...terms, extension_days: terms.extension_days + days }),
    'acceptance_extended',
    note?.trim() || `buyer acceptance time extended by ${days} days`,
  );
  return receiptOf(ctx, orderId);
}

async function changeTerms(
  ctx: AppContext,
  orderId: number,
  actor: string,
  change: (terms: { freight_commit_days: number | null; extension_days: number }) => {
    freight_commit_days: number | null;
    extension_days: number;
  },
  kind: string,
  reason: string,
): Promise<void> {
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const order = await orderStore.getOrder(trx, undefined, orderId);
    if (!order) throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
    if (order.status === 'completed' || order.status === 'cancelled' || order.status === 'closed_unfulfilled') {
      throw new ConflictError(
        'receipt.closed',
        localized(
          `order ${order.platform_order_id} is ${order.status}: its receipt clock has ended.`,
          `订单 ${order.platform_order_id} 状态为「${order.status}」：确认收货计时已结束。`,
        ),
        order.status,
      );
    }
    const current = await trx
      .selectFrom('order_receipts')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    const terms = change({
      freight_commit_days: current?.freight_commit_days ?? null,
      extension_days: current?.extension_days ?? 0,
    });
    const computed = AWAITING_RECEIPT.includes(order.status as OrderState)
      ? await computeReceipt(trx, order, terms, DEFAULT_RECEIPT_RULES)
      : undefined;
    await upsertReceipt(
      trx,
      orderId,
      {
        ...terms,
        last_shipped_at: computed?.lastShippedAt ?? null,
        auto_confirm_at: computed?.confirmation.at ?? null,
      },
      now,
    );
    await orderStore.appendEvents(trx, [
      timelineEvent({
        orderId,
        at: now,
        actor,
        kind,
        reason,
        data: JSON.stringify({ ...terms, auto_confirm_at: toIso(computed?.confirmation.at) }),
      }),
    ]);
    // The proposal is answered: a new one may come for the new time.
    if (kind === 'acceptance_extended') {
      await resolveExtensionProposals(trx, orderId, now);
    }
  });
}
