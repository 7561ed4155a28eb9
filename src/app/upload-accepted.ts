/**
 * What an accepted upload moves (the outbox machine's `accept` hook, outbox-hooks.ts): the parcel takes
 * `upload_tracking`, the order `ship_part` / `ship_all` through the one order transition (order-transition.ts, which
 * stamps the milestone, writes at the version read under lock, and runs the order's own hooks: the stock of the
 * orders now shipped is consumed), and the buyer's notice is queued. Set-based: decided row by row in memory (two
 * parcels of one order see each other's move), then written with one statement per distinct change. It runs inside
 * the transaction that records the outcome (upload-outbox.ts `recordOutboxOutcomes`): atomic with it, so no undo.
 */
import { localized } from '../core/i18n';
import { parcelMachine, ORDER_PROGRESS, type OrderAction, type OrderState, type ParcelState } from '../core/order';
import { decide } from '../core/state-machine';
import { buyerNoticeText, NO_DEADLINE_PRIORITY } from '../core/upload-rules';
import { sendsBuyerNotices } from '../integrations/marketplace/index';
import * as marketplace from '../store/marketplace';
import * as orderStore from '../store/orders';
import * as outbox from '../store/outbox';
import type { NewOrderEventRow, NewOutboxRow, OrderRow, OutboxRow, ParcelRow } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError } from './errors';
import { transitionOrders, type OrderTransitionRequest } from './order-transition';
import { type UploadPayload } from './shipments';
import { timelineEvent } from '../core/timeline';
import type { NoticePayload } from './upload-delivery';

/** The moves asked of one order by its accepted uploads, in row order, and the state they reach. */
interface AskedMove {
  actions: OrderAction[];
  parcelId: number | null;
  reason: string;
  reached: OrderState;
}

export async function applyAcceptedUploads(
  ctx: AppContext,
  trx: orderStore.Executor,
  rows: readonly OutboxRow[],
  now: number,
  worker: string,
  events: NewOrderEventRow[],
): Promise<void> {
  const orderIds = [...new Set(rows.map((row) => row.order_id))].sort((a, b) => a - b);
  let orderQuery = trx.selectFrom('orders').selectAll().where('id', 'in', orderIds).orderBy('id');
  if (ctx.store.dialect === 'postgres') orderQuery = orderQuery.forUpdate();
  const orderRows = new Map<number, OrderRow>((await orderQuery.execute()).map((order) => [order.id, order]));
  const parcelIds = rows.map((row) => row.parcel_id).filter((id): id is number => id !== null);
  const parcels = new Map<number, ParcelRow>(
    parcelIds.length
      ? (await trx.selectFrom('parcels').selectAll().where('id', 'in', parcelIds).execute()).map((p) => [p.id, p])
      : [],
  );
  const refs = new Map((await marketplace.getOrderRefs(trx, orderIds)).map((ref) => [ref.order_id, ref]));
  const notices: NewOutboxRow[] = [];
  // Parcel ids by their new state ('' = the state stays); the moves asked of each order, in row order.
  const parcelMoves = new Map<string, number[]>();
  const asked = new Map<number, AskedMove>();

  for (const row of rows) {
    const payload = JSON.parse(row.payload) as UploadPayload;
    const parcel = row.parcel_id !== null ? parcels.get(row.parcel_id) : undefined;
    if (parcel) {
      const to = moveParcelOnAcceptance(row, parcel, now, worker, events);
      if (to) parcels.set(parcel.id, { ...parcel, status: to });
      parcelMoves.set(to, [...(parcelMoves.get(to) ?? []), parcel.id]);
    }
    const order = orderRows.get(row.order_id);
    if (order) askOrderMove(asked, order, row, payload);
    // A notice only where the platform has a message call shipby can use (integrations/marketplace/index.ts).
    if (order && sendsBuyerNotices(order.platform)) notices.push(noticeRow(row, payload, refs.get(row.order_id), now));
  }

  for (const [to, ids] of parcelMoves) {
    await orderStore.updateParcels(trx, ids, {
      ...(to ? { status: to } : {}),
      tracking_uploaded_at: now,
      updated_at: now,
    });
  }
  await writeOrderMoves(ctx, trx, asked, orderRows, now, worker, events);
  await outbox.insertOutboxRows(trx, notices);
}

/**
 * The parcel takes `upload_tracking`, on the timeline; returns its new state, or '' when it keeps its state (e.g. an
 * early upload for a parcel not labelled yet: the platform has the number).
 */
function moveParcelOnAcceptance(
  row: OutboxRow,
  parcel: ParcelRow,
  now: number,
  worker: string,
  events: NewOrderEventRow[],
): ParcelState | '' {
  const decision = decide(parcelMachine, parcel.status as ParcelState, 'upload_tracking', {});
  if (decision.ok) {
    events.push(
      timelineEvent({
        orderId: row.order_id,
        parcelId: parcel.id,
        at: now,
        actor: worker,
        kind: 'transition',
        action: 'upload_tracking',
        from: decision.from,
        to: decision.to,
        reason: 'accepted by the marketplace',
        data: JSON.stringify({ message: localized('accepted by the marketplace', '平台已受理') }),
      }),
    );
    return decision.to;
  }
  events.push(
    timelineEvent({
      orderId: row.order_id,
      parcelId: parcel.id,
      at: now,
      actor: worker,
      kind: 'upload_accepted_parcel_unchanged',
      reason: decision.message.en,
      data: JSON.stringify({ rule: decision.rule, parcel_state: parcel.status }),
    }),
  );
  return '';
}

/** Adds the order's `ship_part` / `ship_all` for one accepted upload, unless the order is there already. */
function askOrderMove(asked: Map<number, AskedMove>, order: OrderRow, row: OutboxRow, payload: UploadPayload): void {
  const target: OrderState = payload.sendType === 'all' ? 'shipped' : 'partially_shipped';
  const move = asked.get(order.id) ?? {
    actions: [],
    parcelId: row.parcel_id,
    reason: '',
    reached: order.status as OrderState,
  };
  // The sync may have brought the platform's new status first; then there is nothing left to move.
  if (ORDER_PROGRESS[move.reached] < ORDER_PROGRESS[target]) {
    move.actions.push(payload.sendType === 'all' ? 'ship_all' : 'ship_part');
    move.reached = target;
    move.parcelId = row.parcel_id;
    move.reason = `tracking number ${payload.trackingNumber} accepted (send_type=${payload.sendType})`;
  }
  asked.set(order.id, move);
}

/**
 * Every touched order is written at the version read under its lock: the upload time stamped (first time only), and
 * its move, if any, through the one transition. Orders grouped by their path, so a batch is a few statements.
 */
async function writeOrderMoves(
  ctx: AppContext,
  trx: orderStore.Executor,
  asked: ReadonlyMap<number, AskedMove>,
  orderRows: ReadonlyMap<number, OrderRow>,
  now: number,
  worker: string,
  events: NewOrderEventRow[],
): Promise<void> {
  const requests: OrderTransitionRequest[] = [];
  const unmoved: OrderRow[] = [];
  for (const [id, move] of asked) {
    const order = orderRows.get(id)!;
    if (move.actions.length === 0) unmoved.push(order);
    else
      requests.push({
        order,
        actions: move.actions,
        reason: move.reason,
        parcelId: move.parcelId,
        setIfNull: { tracking_uploaded_at: now },
      });
  }
  for (const outcome of await transitionOrders(trx, requests, { store: ctx.store, now, actor: worker, events })) {
    if (!outcome.ok) {
      events.push(
        timelineEvent({
          orderId: outcome.order.id,
          parcelId: asked.get(outcome.order.id)!.parcelId,
          at: now,
          actor: worker,
          kind: 'upload_accepted_order_unchanged',
          reason: outcome.refusal.message.en,
          data: JSON.stringify({ rule: outcome.refusal.rule }),
        }),
      );
      unmoved.push(outcome.order);
    }
  }
  if (unmoved.length) {
    const updated = await orderStore.updateOrdersAtVersions(
      trx,
      unmoved.map((o) => ({ id: o.id, version: o.version })),
      { set: { updated_at: now }, setIfNull: { tracking_uploaded_at: now } },
    );
    if (updated.size !== unmoved.length) {
      throw new ConflictError(
        'order.version',
        localized('the order changed meanwhile; recording again.', '订单已被修改，正在重新记录。'),
      );
    }
  }
}

function noticeRow(
  row: OutboxRow,
  payload: UploadPayload,
  ref: { buyer_login_id: string | null; seller_login_id: string | null } | undefined,
  now: number,
): NewOutboxRow {
  const notice: NoticePayload = {
    platformOrderId: payload.platformOrderId,
    trackingNumber: payload.trackingNumber,
    content: buyerNoticeText({
      platformOrderId: payload.platformOrderId,
      trackingNumber: payload.trackingNumber,
      carrierName: payload.serviceName,
      lastParcel: payload.sendType === 'all',
    }),
    buyerLoginId: ref?.buyer_login_id ?? null,
    sellerLoginId: ref?.seller_login_id ?? null,
  };
  return outbox.newOutboxRow(
    {
      kind: outbox.NOTICE_KIND,
      shop_id: row.shop_id,
      order_id: row.order_id,
      parcel_id: row.parcel_id,
      dedupe_key: `notice:${row.parcel_id ?? row.id}:${payload.trackingNumber}`,
      payload: JSON.stringify(notice),
      send_type: null,
      // After every upload: a notice never delays a number.
      priority_at: NO_DEADLINE_PRIORITY,
    },
    now,
  );
}
