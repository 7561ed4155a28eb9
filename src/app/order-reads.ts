/**
 * Reading orders: one order's page (its detail and situation), a reference resolved to an order, the list. Apart from
 * the writes (orders.ts) so that a read (`order ID`, `GET /orders/:id`) loads none of the write path (stock
 * reservations, transitions, bulk writers).
 */
import type { Localized } from '../core/i18n';
import { localized } from '../core/i18n';
import type { Situation } from '../core/situation';
import * as orderStore from '../store/orders';
import type { OrderRow } from '../store/schema';
import { orderCalendarWarnings } from './calendar-coverage';
import type { AppContext } from './context';
import { ConflictError, NotFoundError } from './errors';
import { situationsOf } from './order-situation';

export interface OrderDetail {
  order: OrderRow;
  lines: Awaited<ReturnType<typeof orderStore.getOrderLines>>;
  parcels: Awaited<ReturnType<typeof orderStore.getParcels>>;
  timeline: Awaited<ReturnType<typeof orderStore.getEvents>>;
  /** The instant the detail is read for (now, or the `at` asked for). */
  asOf: number;
  /** What to look at on this order (e.g. its deadline past its policy's holiday data), in English and Chinese. */
  warnings: Localized[];
}

export async function getOrderDetail(ctx: AppContext, orderId: number, shopIds?: string[]): Promise<OrderDetail> {
  const db = ctx.store.db;
  const order = await orderStore.getOrder(db, undefined, orderId);
  if (!order || (shopIds && !shopIds.includes(order.shop_id))) {
    throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
  }
  const [lines, parcels, timeline, warnings] = await Promise.all([
    orderStore.getOrderLines(db, orderId),
    orderStore.getParcels(db, orderId),
    orderStore.getEvents(db, orderId),
    orderCalendarWarnings(db, order),
  ]);
  return { order, lines, parcels, timeline, asOf: ctx.now(), warnings };
}

/** The order page (`GET /orders/:id`, `order`): the detail and the order's situation at its instant. */
export async function getOrderPage(
  ctx: AppContext,
  orderId: number,
  shopIds?: string[],
): Promise<OrderDetail & { situation: Situation | null }> {
  const detail = await getOrderDetail(ctx, orderId, shopIds);
  const [read] = await situationsOf(ctx, [detail.order], detail.asOf);
  return { ...detail, situation: read?.situation ?? null };
}

/** Resolves an order reference (shipby id or platform order id) to one order. */
export async function resolveOrder(ctx: AppContext, reference: string, shopId?: string): Promise<OrderRow> {
  const found = await orderStore.findOrdersByReference(ctx.store.db, reference, shopId);
  if (found.length === 0)
    throw new NotFoundError(localized(`order ${reference} not found.`, `未找到订单 ${reference}。`));
  if (found.length > 1) {
    throw new ConflictError(
      'order.ambiguous',
      localized(
        `"${reference}" matches orders in several shops; add --shop.`,
        `「${reference}」匹配多个店铺的订单，请加上 --shop。`,
      ),
    );
  }
  return found[0]!;
}

export async function listOrders(ctx: AppContext, filter: orderStore.OrderListFilter) {
  return orderStore.listOrders(ctx.store.db, filter);
}
