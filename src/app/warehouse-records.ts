/**
 * What the platform's warehouse reports of an order after its hand-over, recorded by hand: its receipt of the parcel
 * (the event a self-send order's policy counts) and the weight it found for a parcel (semi-managed weight checks).
 */
import { localized } from '../core/i18n';
import { timelineEvent } from '../core/timeline';
import * as orderStore from '../store/orders';
import type { OrderRow, OrderUpdate, ParcelRow } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError, orderChangedMeanwhile, NotFoundError, ValidationError } from './errors';

/**
 * The parcel's receipt at the platform's warehouse (the event a self-send order's policy counts), recorded by hand
 * when the platform confirms it: the verdict then judges the order by it. Refused before the hand-over (field `at`)
 * or for an order not handed over yet; recording the same receipt again changes nothing.
 */
export async function recordWarehouseReceipt(
  ctx: AppContext,
  orderId: number,
  input: { at?: number },
  actor: string,
): Promise<OrderRow> {
  const now = ctx.now();
  const at = input.at ?? now;
  return ctx.store.db.transaction().execute(async (trx) => {
    let query = trx.selectFrom('orders').selectAll().where('id', '=', orderId);
    if (ctx.store.dialect === 'postgres') query = query.forUpdate();
    const order = await query.executeTakeFirst();
    if (!order) throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
    const ref = order.platform_order_id;
    if (order.handed_over_at === null) {
      throw new ConflictError(
        'receipt.not_handed_over',
        localized(
          `order ${ref} has not been handed over yet: mark it shipped first.`,
          `订单 ${ref} 尚未交接：请先标记发货。`,
        ),
        order.status,
      );
    }
    if (at < order.handed_over_at) {
      throw new ValidationError([
        {
          row: 0,
          field: 'at',
          message: localized(
            `the warehouse cannot have received order ${ref} before it was handed over (${new Date(order.handed_over_at).toISOString()}).`,
            `仓库签收时间不能早于交接时间（${new Date(order.handed_over_at).toISOString()}）。`,
          ),
        },
      ]);
    }
    if (at > now)
      throw new ValidationError([
        {
          row: 0,
          field: 'at',
          message: localized('a receipt cannot be recorded in the future.', '签收时间不能晚于现在。'),
        },
      ]);
    if (order.warehouse_received_at === at) return order;
    const update: OrderUpdate = { warehouse_received_at: at, updated_at: now };
    if (!(await orderStore.updateOrder(trx, order.id, order.version, update))) {
      throw orderChangedMeanwhile(order.status);
    }
    await orderStore.appendEvents(trx, [
      timelineEvent({
        orderId: order.id,
        at: now,
        actor,
        kind: 'warehouse_received',
        reason: `received at the platform's warehouse at ${new Date(at).toISOString()}`,
        data: JSON.stringify({ at: new Date(at).toISOString(), previous: order.warehouse_received_at }),
      }),
    ]);
    return { ...order, ...update, version: order.version + 1 } as OrderRow;
  });
}

/**
 * The weight the platform's warehouse found for one of the order's parcels (semi-managed), beside the weight it was
 * declared with: the order's situation then carries the weight-mismatch fine of the shop's bands. Refused for a parcel
 * of another order or one never weighed at packing (field `parcel_id`), or a weight that is not whole grams above
 * zero (field `grams`); recording the same weight again changes nothing.
 */
export async function recordWarehouseWeight(
  ctx: AppContext,
  orderId: number,
  input: { parcelId: number; grams: number },
  actor: string,
): Promise<ParcelRow> {
  const now = ctx.now();
  if (!Number.isInteger(input.grams) || input.grams <= 0 || input.grams > 1_000_000) {
    throw new ValidationError([
      {
        row: 0,
        field: 'grams',
        message: localized(
          'the warehouse weight must be whole grams, above zero and at most 1,000,000.',
          '仓库称重必须是大于零且不超过 1,000,000 的整数克数。',
        ),
      },
    ]);
  }
  return ctx.store.db.transaction().execute(async (trx) => {
    const order = await orderStore.getOrder(trx, undefined, orderId);
    if (!order) throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
    const parcel = await trx
      .selectFrom('parcels')
      .selectAll()
      .where('id', '=', input.parcelId)
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    if (!parcel || parcel.status === 'voided') {
      throw new ValidationError([
        {
          row: 0,
          field: 'parcel_id',
          message: localized(
            `parcel ${input.parcelId} is not a parcel of order ${order.platform_order_id}.`,
            `包裹 ${input.parcelId} 不属于订单 ${order.platform_order_id}。`,
          ),
        },
      ]);
    }
    if (parcel.weight_g === null) {
      throw new ValidationError([
        {
          row: 0,
          field: 'parcel_id',
          message: localized(
            `parcel ${parcel.id} has no declared weight: weigh it at the pack station first.`,
            `包裹 ${parcel.id} 没有申报重量：请先在打包台称重。`,
          ),
        },
      ]);
    }
    if (parcel.warehouse_weight_g === input.grams) return parcel;
    await trx
      .updateTable('parcels')
      .set({ warehouse_weight_g: input.grams, updated_at: now })
      .where('id', '=', parcel.id)
      .execute();
    await orderStore.appendEvents(trx, [
      timelineEvent({
        orderId: order.id,
        parcelId: parcel.id,
        at: now,
        actor,
        kind: 'warehouse_weighed',
        reason: `the platform's warehouse weighed parcel ${parcel.id} at ${input.grams} g (declared ${parcel.weight_g} g)`,
        data: JSON.stringify({ grams: input.grams, declared: parcel.weight_g, previous: parcel.warehouse_weight_g }),
      }),
    ]);
    return { ...parcel, warehouse_weight_g: input.grams, updated_at: now };
  });
}
