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
 * machine refuses the move (its own rule, e.g. an order not accepted yet). What the platform's warehouse reports
 * after the hand-over (its receipt, its weight) is recorded in warehouse-records.ts.
 */
import { localized, type Localized } from '../core/i18n';
import { ORDER_PROGRESS, parcelMachine, type OrderState, type ParcelState } from '../core/order';
import { decide } from '../core/state-machine';
import * as marketplace from '../store/marketplace';
import * as orderStore from '../store/orders';
import type { Executor } from '../store/orders';
import type { NewOrderEventRow, OrderRow, OrderUpdate, ParcelRow } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError, orderChangedMeanwhile, NotFoundError } from './errors';
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
    const order = await lockOpenOrder(ctx, trx, orderId);
    const state = order.status as OrderState;
    const ref = order.platform_order_id;
    let parcelQuery = trx.selectFrom('parcels').selectAll().where('order_id', '=', order.id).orderBy('id');
    if (ctx.store.dialect === 'postgres') parcelQuery = parcelQuery.forUpdate();
    const parcels: ParcelRow[] = (await parcelQuery.execute()).filter((p) => p.status !== 'voided');
    const labelled = parcels.filter((p) => p.status === 'labelled');
    // A number the marketplace accepted before the hand-over moved its parcel on (`tracking_uploaded`) without one:
    // the hand-over is still recorded on it, with no state change.
    const uploadedFirst = parcels.filter(
      (p) => WITH_CARRIER.includes(p.status as ParcelState) && p.handed_over_at === null,
    );
    if (labelled.length === 0 && uploadedFirst.length === 0) throw nothingToHandOver(ref, state, parcels);

    const events = await handOverParcels(trx, order, labelled, uploadedFirst, now, actor);
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
    const status = await recordOrderHandOver(ctx, trx, order, complete, events, now, actor);

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

/** The order, locked; refused when it is closed (its parcels are not handed to the carrier). */
async function lockOpenOrder(ctx: AppContext, trx: Executor, orderId: number): Promise<OrderRow> {
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
  return order;
}

/** Why no parcel can be handed over: all are with the carrier already, or none carries a label yet. */
function nothingToHandOver(ref: string, state: OrderState, parcels: ParcelRow[]): ConflictError {
  const withCarrier = parcels.filter((p) => WITH_CARRIER.includes(p.status as ParcelState));
  if (withCarrier.length && withCarrier.length === parcels.length) {
    return new ConflictError(
      'handover.already_handed_over',
      localized(`order ${ref}: every parcel is already with the carrier.`, `订单 ${ref}：所有包裹都已交给承运商。`),
      state,
    );
  }
  const waiting = parcels.filter((p) => p.status === 'created' || p.status === 'packed');
  return new ConflictError(
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

/**
 * The labelled parcels take the parcel machine's `hand_over`; those whose number was uploaded first only get their
 * `handed_over_at`. Returns the timeline rows, not yet written.
 */
async function handOverParcels(
  trx: Executor,
  order: OrderRow,
  labelled: ParcelRow[],
  uploadedFirst: ParcelRow[],
  now: number,
  actor: string,
): Promise<NewOrderEventRow[]> {
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
  return events;
}

/**
 * The order's side, with the timeline rows: the milestone of a complete hand-over; the state moves only where no
 * upload will move it (no connection). Returns the order's state afterwards.
 */
async function recordOrderHandOver(
  ctx: AppContext,
  trx: Executor,
  order: OrderRow,
  complete: boolean,
  events: NewOrderEventRow[],
  now: number,
  actor: string,
): Promise<OrderState> {
  const state = order.status as OrderState;
  const stamp: OrderUpdate = complete ? { handed_over_at: now } : {};
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
    return moved.to;
  }
  if (
    !(
      await orderStore.updateOrdersAtVersions(trx, [{ id: order.id, version: order.version }], {
        set: { updated_at: now },
        setIfNull: stamp,
      })
    ).size
  ) {
    throw orderChangedMeanwhile(state);
  }
  await orderStore.appendEvents(trx, events);
  return state;
}
