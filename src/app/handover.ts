/**
 * Handing an order's labelled parcels to the carrier (the dashboard's "mark shipped", `POST /orders/:id/handover`).
 *
 * In ONE transaction: every `labelled` parcel of the order takes the parcel machine's `hand_over` transition
 * (`handed_over_at` = now); when nothing of the order is left to hand over (every parcel with the carrier, nothing
 * left to pack), the order's `handed_over_at` milestone is set. The order's STATE follows the marketplace's
 * acceptance of the numbers when the shop is connected (the upload path moves it, `app/upload-outbox.ts`), so a
 * hand-over never hides an order whose number is not uploaded yet; a shop without a marketplace connection has no
 * upload to wait for, so there the hand-over moves the order (`ship_all`, or `ship_part` while parcels remain)
 * through the one order transition (app/order-transition.ts), whose `ship_all` hook settles its stock, and the
 * hand-over of the last parcel stands for the upload time (the seller declares the numbers on the platform by hand;
 * every reader then sees the order shipped).
 *
 * Refusals are 409s with their rule: the order is closed (`handover.order_closed`), no parcel carries a label yet
 * (`handover.no_label`), everything is already with the carrier (`handover.already_handed_over`), or the order
 * machine refuses the move (its own rule, e.g. an order not accepted yet).
 */
import { localized, type Localized } from '../core/i18n';
import { ORDER_PROGRESS, parcelMachine, type OrderState, type ParcelState } from '../core/order';
import { decide } from '../core/state-machine';
import * as marketplace from '../store/marketplace';
import * as orderStore from '../store/orders';
import type { NewOrderEventRow, OrderRow, OrderUpdate, ParcelRow } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { refuseSettledOrders } from './order-situation';
import { previewPacking } from './pack';
import { transitionOrder } from './order-transition';
import { timelineEvent } from '../core/timeline';

export interface HandOverResult {
  orderId: number;
  platformOrderId: string;
  /** The parcels handed over by this call. */
  parcels: Array<{ parcelId: number; trackingNumber: string | null }>;
  /** The order's state afterwards. */
  status: OrderState;
  /** Nothing of the order is left to hand over. */
  complete: boolean;
  message: Localized;
}

const CLOSED: readonly OrderState[] = ['cancelled', 'closed_unfulfilled'];
/** Parcel states that mean "with the carrier or further". */
const WITH_CARRIER: readonly ParcelState[] = [
  'handed_over',
  'tracking_uploaded',
  'in_transit',
  'delivered',
  'returned',
];

export async function handOverOrder(ctx: AppContext, orderId: number, actor: string): Promise<HandOverResult> {
  const now = ctx.now();
  await refuseSettledOrders(ctx, [orderId], { en: 'handing it over', zh: '交接' });
  return ctx.store.db.transaction().execute(async (trx) => {
    let orderQuery = trx.selectFrom('orders').selectAll().where('id', '=', orderId);
    if (ctx.store.dialect === 'postgres') orderQuery = orderQuery.forUpdate();
    const order: OrderRow | undefined = await orderQuery.executeTakeFirst();
    if (!order) throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
    const state = order.status as OrderState;
    const ref = order.platform_order_id;
    if (CLOSED.includes(state)) {
      throw new ConflictError(
        'handover.order_closed',
        localized(
          `order ${ref} is ${state}: its parcels are not handed to the carrier.`,
          `订单 ${ref} 已${state === 'cancelled' ? '取消' : '关闭'}：其包裹不再交给承运商。`,
        ),
        state,
      );
    }
    let parcelQuery = trx.selectFrom('parcels').selectAll().where('order_id', '=', order.id).orderBy('id');
    if (ctx.store.dialect === 'postgres') parcelQuery = parcelQuery.forUpdate();
    const parcels: ParcelRow[] = (await parcelQuery.execute()).filter((p) => p.status !== 'voided');
    const labelled = parcels.filter((p) => p.status === 'labelled');
    // A number the marketplace accepted before the hand-over moved its parcel on (`tracking_uploaded`) without one:
    // the hand-over is still recorded on it, with no state change.
    const uploadedFirst = parcels.filter(
      (p) => WITH_CARRIER.includes(p.status as ParcelState) && p.handed_over_at === null,
    );
    if (labelled.length === 0 && uploadedFirst.length === 0) {
      const withCarrier = parcels.filter((p) => WITH_CARRIER.includes(p.status as ParcelState));
      if (withCarrier.length && withCarrier.length === parcels.length) {
        throw new ConflictError(
          'handover.already_handed_over',
          localized(`order ${ref}: every parcel is already with the carrier.`, `订单 ${ref}：所有包裹都已交给承运商。`),
          state,
        );
      }
      const waiting = parcels.filter((p) => p.status === 'created' || p.status === 'packed');
      throw new ConflictError(
        'handover.no_label',
        waiting.length
          ? localized(
              `order ${ref} has no labelled parcel to hand over (${waiting.length} not labelled yet): pack it and buy its label first.`,
              `订单 ${ref} 没有已打印面单的包裹可交接（${waiting.length} 个尚未打印面单）：请先装箱并购买面单。`,
            )
          : localized(
              `order ${ref} has no parcel yet: pack it and buy its label first.`,
              `订单 ${ref} 还没有包裹：请先装箱并购买面单。`,
            ),
        state,
      );
    }

    const events: NewOrderEventRow[] = [];
    for (const parcel of labelled) {
      const decision = decide(parcelMachine, parcel.status as ParcelState, 'hand_over', {});
      if (!decision.ok) throw new ConflictError(decision.rule, decision.message, parcel.status);
      events.push(
        timelineEvent({
          orderId: order.id,
          parcelId: parcel.id,
          at: now,
          actor,
          kind: 'transition',
          action: 'hand_over',
          from: decision.from,
          to: decision.to,
          reason: 'handed over to the carrier',
          data: JSON.stringify({ message: localized('handed over to the carrier', '已交给承运商') }),
        }),
      );
      await trx
        .updateTable('parcels')
        .set({ status: decision.to, handed_over_at: now, updated_at: now })
        .where('id', '=', parcel.id)
        .execute();
    }
    for (const parcel of uploadedFirst) {
      events.push(
        timelineEvent({
          orderId: order.id,
          parcelId: parcel.id,
          at: now,
          actor,
          kind: 'handed_over',
          reason: 'handed over to the carrier (its number was already uploaded)',
          data: JSON.stringify({
            message: localized(
              'handed over to the carrier (its number was already uploaded)',
              '已交给承运商（其运单号此前已上传）',
            ),
          }),
        }),
      );
      await trx
        .updateTable('parcels')
        .set({ handed_over_at: now, updated_at: now })
        .where('id', '=', parcel.id)
        .execute();
    }
    const handedOver = [...labelled, ...uploadedFirst];

    // Nothing left: every parcel with the carrier, and no item still to pack.
    const remaining = parcels.filter((p) => p.status !== 'labelled' && !WITH_CARRIER.includes(p.status as ParcelState));
    const morePlanned =
      remaining.length === 0
        ? await previewPacking(trx, order).then(
            (plan) => plan !== undefined,
            () => true,
          )
        : true;
    const complete = remaining.length === 0 && !morePlanned;

    // The milestone of a complete hand-over; the state moves only where no upload will move it (no connection).
    const stamp: OrderUpdate = complete ? { handed_over_at: now } : {};
    let status = state;
    const connected = (await marketplace.getConnection(trx, order.shop_id)) !== undefined;
    const target: OrderState = complete ? 'shipped' : 'partially_shipped';
    if (!connected && ORDER_PROGRESS[state] < ORDER_PROGRESS[target]) {
      await orderStore.appendEvents(trx, events);
      const moved = await transitionOrder(
        trx,
        {
          order,
          actions: [complete ? 'ship_all' : 'ship_part'],
          reason: 'handed over to the carrier (no marketplace connection: no upload to wait for)',
          data: JSON.stringify({
            message: localized(
              'handed over to the carrier (no marketplace connection: no upload to wait for)',
              '已交给承运商（未连接平台：无需等待上传）',
            ),
          }),
          // The seller declares this shop's numbers on the platform by hand: the hand-over of the last parcel is the
          // last shipby sees of it, so it stands for the upload the regular mode counts (as an import's ship time does).
          // Without it the order read "on track, ship now", then "closed, void the label", while no queue showed it.
          setIfNull: complete ? { ...stamp, tracking_uploaded_at: now } : stamp,
        },
        { store: ctx.store, now, actor },
      );
      status = moved.to;
    } else {
      if (
        !(
          await orderStore.updateOrdersAtVersions(trx, [{ id: order.id, version: order.version }], {
            set: { updated_at: now },
            setIfNull: stamp,
          })
        ).size
      ) {
        throw new ConflictError(
          'order.version',
          localized('the order changed meanwhile; try again.', '订单已被修改，请重试。'),
          state,
        );
      }
      await orderStore.appendEvents(trx, events);
    }

    const n = handedOver.length;
    return {
      orderId: order.id,
      platformOrderId: ref,
      parcels: handedOver.map((p) => ({ parcelId: p.id, trackingNumber: p.tracking_number })),
      status,
      complete,
      message: complete
        ? localized(
            `order ${ref}: ${n} parcel(s) handed over to the carrier; nothing left to hand over.`,
            `订单 ${ref}：${n} 个包裹已交给承运商；已全部交接。`,
          )
        : localized(
            `order ${ref}: ${n} parcel(s) handed over to the carrier; more parcels remain.`,
            `订单 ${ref}：${n} 个包裹已交给承运商；仍有包裹待交接。`,
          ),
    };
  });
}

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
      throw new ConflictError(
        'order.version',
        localized('the order changed meanwhile; try again.', '订单已被修改，请重试。'),
        order.status,
      );
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
