/**
 * A buyer's cancellation request (marketplace-rules §1.5), recorded from the import or the API, or by hand from the
 * dashboard, and the seller's answer: accepting cancels the order through the order machine (the stock it held is
 * released), refusing keeps it open. The answer time is the policy's; the request's state is read from the order's
 * situation (app/order-situation.ts), never judged here.
 */
import { localized } from '../core/i18n';
import { OPEN_ORDER_STATES, type OrderState } from '../core/order';
import type { CancellationAnswer } from '../core/cancellation-request';
import * as orderStore from '../store/orders';
import type { OrderRow, OrderUpdate } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError, orderChangedMeanwhile, NotFoundError, ValidationError } from './errors';
import { situationOfOrder } from './order-situation';
import { transitionOrder } from './order-transition';
import { timelineEvent } from '../core/timeline';

function notFound(orderId: number): NotFoundError {
  return new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
}

/** Records that the buyer asked to cancel at `at` (default now). Recording the same request again changes nothing. */
export async function recordCancellationRequest(
  ctx: AppContext,
  orderId: number,
  input: { at?: number },
  actor: string,
  shopIds?: readonly string[],
): Promise<OrderRow> {
  const now = ctx.now();
  const at = input.at ?? now;
  return ctx.store.db.transaction().execute(async (trx) => {
    const order = await orderStore.getOrder(trx, undefined, orderId);
    if (!order || (shopIds && !shopIds.includes(order.shop_id))) throw notFound(orderId);
    const ref = order.platform_order_id;
    if (at < order.paid_at) {
      throw new ValidationError([
        {
          row: 0,
          field: 'at',
          message: localized(
            `the buyer cannot have asked to cancel order ${ref} before paying for it (${new Date(order.paid_at).toISOString()}).`,
            `买家申请取消的时间不能早于订单 ${ref} 的付款时间（${new Date(order.paid_at).toISOString()}）。`,
          ),
        },
      ]);
    }
    if (at > now)
      throw new ValidationError([
        {
          row: 0,
          field: 'at',
          message: localized('a cancellation request cannot be recorded in the future.', '取消申请时间不能晚于现在。'),
        },
      ]);
    if (order.cancel_requested_at === at) return order;
    if (!OPEN_ORDER_STATES.includes(order.status as OrderState)) {
      throw new ConflictError(
        'cancel_request.order_settled',
        localized(
          `order ${ref} is ${order.status}: there is nothing left to cancel.`,
          `订单 ${ref} 状态为「${order.status}」：已无可取消的内容。`,
        ),
        order.status,
      );
    }
    if (order.cancel_requested_at !== null && order.cancel_answer === null) {
      const since = new Date(order.cancel_requested_at).toISOString();
      throw new ConflictError(
        'cancel_request.open',
        localized(
          `order ${ref} already has a cancellation request since ${since}: answer it first (accept or refuse on the order page).`,
          `订单 ${ref} 已有 ${since} 起的取消申请：请先在订单页面接受或拒绝。`,
        ),
        order.status,
      );
    }
    const update: OrderUpdate = {
      cancel_requested_at: at,
      cancel_answer: null,
      cancel_answered_at: null,
      updated_at: now,
    };
    if (!(await orderStore.updateOrder(trx, order.id, order.version, update))) {
      throw orderChangedMeanwhile(order.status);
    }
    await orderStore.appendEvents(trx, [
      timelineEvent({
        orderId: order.id,
        at: now,
        actor,
        kind: 'cancel_requested',
        reason: `the buyer asked to cancel at ${new Date(at).toISOString()}`,
        data: JSON.stringify({ at: new Date(at).toISOString() }),
      }),
    ]);
    return { ...order, ...update, version: order.version + 1 } as OrderRow;
  });
}

/**
 * The seller's answer to the open request: `accepted` cancels the order (cancelled by the buyer, so no fine and no
 * non-fulfilment), `refused` keeps it open. Refused (409 naming the rule) when there is no open request, or when its
 * answer time has passed — the platform has cancelled the order by then.
 */
export async function answerCancellationRequest(
  ctx: AppContext,
  orderId: number,
  input: { answer: CancellationAnswer; reason?: string },
  actor: string,
  shopIds?: readonly string[],
): Promise<OrderRow> {
  const now = ctx.now();
  const { order: read, situation } = await situationOfOrder(ctx, orderId, now, shopIds);
  const ref = read.platform_order_id;
  if (read.cancel_requested_at === null || read.cancel_answer !== null) {
    throw new ConflictError(
      'cancel_request.none',
      localized(`order ${ref} has no open cancellation request to answer.`, `订单 ${ref} 没有待答复的取消申请。`),
      read.status,
    );
  }
  if (situation?.cancellationRequest?.state === 'lapsed') {
    throw new ConflictError(
      'cancel_request.lapsed',
      localized(
        `The answer time of order ${ref}'s cancellation request has passed: the platform has cancelled the order.`,
        `订单 ${ref} 取消申请的答复时间已过：平台已取消该订单。`,
      ),
      read.status,
    );
  }
  const note = input.reason?.trim();
  return ctx.store.db.transaction().execute(async (trx) => {
    const order = await orderStore.getOrder(trx, undefined, orderId);
    if (!order) throw notFound(orderId);
    if (order.version !== read.version) throw orderChangedMeanwhile(order.status);
    const answered: OrderUpdate = { cancel_answer: input.answer, cancel_answered_at: now };
    if (input.answer === 'accepted') {
      const reason = `accepted the buyer's cancellation request${note ? `: ${note}` : ''}`;
      await transitionOrder(
        trx,
        { order, actions: ['cancel'], reason, guard: { reason }, set: { ...answered, cancelled_by: 'buyer' } },
        { store: ctx.store, now, actor },
      );
      return (await orderStore.getOrder(trx, undefined, order.id))!;
    }
    const update: OrderUpdate = { ...answered, updated_at: now };
    if (!(await orderStore.updateOrder(trx, order.id, order.version, update))) {
      throw orderChangedMeanwhile(order.status);
    }
    await orderStore.appendEvents(trx, [
      timelineEvent({
        orderId: order.id,
        at: now,
        actor,
        kind: 'cancel_request_refused',
        reason: `refused the buyer's cancellation request${note ? `: ${note}` : ''}`,
      }),
    ]);
    return { ...order, ...update, version: order.version + 1 } as OrderRow;
  });
}
