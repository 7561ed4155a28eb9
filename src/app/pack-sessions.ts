/**
 * Scan-to-pack at the pack station. A pack session (`startPackSession`, by scanning the order's barcode = its
 * platform order id) marks the order as being packed (one open session per order, enforced by a unique index) and
 * walks its planned parcels (pack.ts) one by one: each item scanned is checked against the current parcel
 * (pack-scan.ts `scanItem`); when every line is complete the parcel takes the `pack` transition, and its weight is
 * checked (pack-weighing.ts `recordWeight`) before the next parcel. The session's moves are pack-session-moves.ts.
 * Every state change goes through `decide` and writes its `order_events` row in the same transaction.
 */
import { localized, type Localized } from '../core/i18n';
import { DEFAULT_WEIGHT_TOLERANCE, isWeightTolerance, type WeightTolerance } from '../core/pack-station';
import { toIso } from '../core/time';
import * as orderStore from '../store/orders';
import * as packSessions from '../store/pack-sessions';
import type { NewOrderEventRow, OrderRow } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { describePlan, planView } from './pack';
import { lockOrder, requirePackable } from './pack-order';
import { ensurePlan } from './pack-plan';
import { lockSession, moveSession } from './pack-session-moves';
import { sessionView, type PackSessionView } from './pack-session-view';
import { timelineEvent } from '../core/timeline';

export type { PackSessionView } from './pack-session-view';
export { scanItem } from './pack-scan';
export { recordWeight } from './pack-weighing';

export interface StartSessionInput {
  /** The order's barcode: its platform order id (or shipby id). */
  barcode: string;
  shopId?: string;
  /** Only orders of these shops (the caller's). */
  shopIds?: readonly string[];
  station?: string;
  packer?: string;
  tolerance?: Partial<WeightTolerance>;
}

async function resolveOrderByBarcode(
  ctx: AppContext,
  barcode: string,
  shopId?: string,
  shopIds?: readonly string[],
): Promise<OrderRow> {
  const code = barcode.trim();
  if (!code)
    throw new ValidationError([
      { row: 0, field: 'order_barcode', message: localized('scan the order barcode.', '请扫描订单条码。') },
    ]);
  const found = await orderStore.findOrdersByReference(ctx.store.db, code, shopId, shopIds);
  if (found.length === 0)
    throw new NotFoundError(localized(`no order with barcode ${code}.`, `没有条码为 ${code} 的订单。`));
  if (found.length > 1) {
    throw new ConflictError(
      'order.ambiguous',
      localized(
        `barcode ${code} matches orders in several shops: give the shop.`,
        `条码 ${code} 匹配多个店铺的订单：请指定店铺。`,
      ),
    );
  }
  return found[0]!;
}

export async function startPackSession(
  ctx: AppContext,
  input: StartSessionInput,
  actor: string,
): Promise<{ resumed: boolean; message: Localized; session: PackSessionView }> {
  const tolerance: WeightTolerance = { ...DEFAULT_WEIGHT_TOLERANCE, ...input.tolerance };
  if (!isWeightTolerance(tolerance)) {
    throw new ValidationError([
      {
        row: 0,
        field: 'tolerance',
        message: localized(
          'tolerance: percent 0–50 (basis points 0–5000) and at least 0–10000 g.',
          '容差：百分比 0–50（基点 0–5000），最小克数 0–10000。',
        ),
      },
    ]);
  }
  const found = await resolveOrderByBarcode(ctx, input.barcode, input.shopId, input.shopIds);
  const now = ctx.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const order = await lockOrder(ctx, trx, found.id);
    const open = await packSessions.openSessionOfOrder(trx, order.id);
    if (open) {
      const view = await sessionView(trx, open);
      return {
        resumed: true,
        message: localized(
          `Resumed pack session ${open.id} (${open.station ?? 'no station'}).`,
          `继续打包会话 ${open.id}（${open.station ?? '未指定工位'}）。`,
        ),
        session: view,
      };
    }
    requirePackable(order);
    const planned = await ensurePlan(ctx, trx, order, now, actor, false);
    const parcels = await planView(trx, order.id);
    const first = parcels.find((p) => p.status === 'created');
    // Packed and weighed, but the label was not bought (the carrier refused, a setting was missing): a rescan goes on
    // at the label step with the session that packed it.
    const finished =
      !first && parcels.some((p) => p.status === 'packed')
        ? await packSessions.lastDoneSessionOfOrder(trx, order.id)
        : undefined;
    if (finished) {
      return {
        resumed: true,
        message: localized(
          `Order ${order.platform_order_id} is packed and weighed; its label is still to buy: press Enter to buy and print it.`,
          `订单 ${order.platform_order_id} 已装箱称重，尚未购买面单：按回车购买并打印。`,
        ),
        session: await sessionView(trx, finished),
      };
    }
    if (!first) {
      throw new ConflictError(
        'pack.nothing_left',
        localized(
          `every item of order ${order.platform_order_id} is already packed.`,
          `订单 ${order.platform_order_id} 的所有商品都已打包。`,
        ),
        order.status,
      );
    }
    const id = await packSessions.insertSession(trx, {
      order_id: order.id,
      shop_id: order.shop_id,
      status: 'scanning',
      current_parcel_id: first.parcelId,
      station: input.station?.trim() || null,
      packer: input.packer?.trim() || null,
      tolerance_bp: tolerance.basisPoints,
      tolerance_min_g: tolerance.minG,
      started_at: now,
      updated_at: now,
      finished_at: null,
      version: 1,
    });
    await orderStore.appendEvents(trx, [
      timelineEvent({
        orderId: order.id,
        at: now,
        actor,
        kind: 'packing_started',
        reason: input.station ? `station ${input.station}` : null,
        data: JSON.stringify({
          session_id: id,
          station: input.station ?? null,
          packer: input.packer ?? null,
          ...(input.station ? { message: localized(`station ${input.station}`, `工位 ${input.station}`) } : {}),
        }),
      }),
    ]);
    const session = (await packSessions.getSession(trx, id, false))!;
    const view = await sessionView(trx, session);
    const pending = parcels.filter((p) => p.status === 'created');
    const head = planned ?? describePlan(pending);
    const first_ = view.current!;
    return {
      resumed: false,
      message: localized(
        `${head.en} Parcel ${first_.position} of ${first_.of}: box ${first_.box}; scan ${first_.remaining.en}.`,
        `${head['zh-CN']} 第 ${first_.position}/${first_.of} 个包裹：箱子 ${first_.box}；请扫描 ${first_.remaining['zh-CN']}。`,
      ),
      session: view,
    };
  });
}

/** Stops a session: items scanned into the unfinished parcel are discarded (the next session starts it over). */
export async function cancelPackSession(
  ctx: AppContext,
  sessionId: number,
  reason: string,
  actor: string,
): Promise<PackSessionView> {
  const now = ctx.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    let session = await lockSession(ctx, trx, sessionId);
    const events: NewOrderEventRow[] = [];
    session = await moveSession(
      trx,
      session,
      'cancel',
      { finished_at: now, updated_at: now },
      { now, actor, reason, events },
    );
    await orderStore.appendEvents(trx, events);
    return sessionView(trx, session);
  });
}

export async function getPackSession(
  ctx: AppContext,
  sessionId: number,
): Promise<
  PackSessionView & {
    scans: Array<{
      at: string | null;
      code: string;
      sku: string | null;
      accepted: boolean;
      refusal: string | null;
      parcel_id: number | null;
    }>;
  }
> {
  const session = await packSessions.getSession(ctx.store.db, sessionId, false);
  if (!session)
    throw new NotFoundError(localized(`pack session ${sessionId} not found.`, `未找到打包会话 ${sessionId}。`));
  const view = await sessionView(ctx.store.db, session);
  const scans = (await packSessions.scansOfSession(ctx.store.db, sessionId)).map((s) => ({
    at: toIso(s.at),
    code: s.code,
    sku: s.sku,
    accepted: s.accepted === 1,
    refusal: s.refusal,
    parcel_id: s.parcel_id,
  }));
  return { ...view, scans };
}

export async function listPackSessions(
  ctx: AppContext,
  filter: { open?: boolean; shopIds?: string[]; limit?: number },
): Promise<PackSessionView[]> {
  const rows = await packSessions.listSessions(ctx.store.db, filter);
  const views: PackSessionView[] = [];
  for (const row of rows) views.push(await sessionView(ctx.store.db, row));
  return views;
}

/** The orders being packed right now (an open pack session each): what the planner pins at the head of its queue. */
export async function ordersBeingPacked(ctx: AppContext, shopIds?: string[]) {
  return packSessions.ordersBeingPacked(ctx.store.db, shopIds);
}

/** The order's planned parcels (boxes, contents, weights) and its pack sessions. */
export async function orderPacking(ctx: AppContext, orderId: number) {
  const order = await orderStore.getOrder(ctx.store.db, undefined, orderId);
  if (!order) throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
  const parcels = await planView(ctx.store.db, orderId);
  const open = await packSessions.openSessionOfOrder(ctx.store.db, orderId);
  return {
    orderId,
    platformOrderId: order.platform_order_id,
    beingPacked: open !== undefined,
    openSessionId: open?.id ?? null,
    parcels,
  };
}
