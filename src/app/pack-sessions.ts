/**
 * Scan-to-pack at the pack station. A pack session (`startPackSession`, by scanning the order's barcode = its
 * platform order id) marks the order as being packed (one open session per order, enforced by a unique index) and
 * walks its planned parcels (pack.ts) one by one: `scanItem` accepts an item only when the current parcel still
 * needs it (a wrong item or one too many is refused on the spot, 409, with what is expected); when every line is
 * complete the parcel takes the `pack` transition; `recordWeight` then compares the scale with the expected gross
 * weight: outside the tolerance the parcel is held for a check (409) until it is re-weighed within range or
 * accepted with a reason. A weighing sent again after it went through answers the same (`repeatedWeighing`).
 * Every state change goes through `decide` and writes its `order_events` row in the same transaction.
 */
import { localized, type Localized } from '../core/i18n';
import { parcelMachine, type ParcelState } from '../core/order';
import {
  DEFAULT_WEIGHT_TOLERANCE,
  isWeightTolerance,
  judgeScan,
  judgeWeight,
  packSessionMachine,
  type PackSessionAction,
  type PackSessionState,
  type WeightTolerance,
} from '../core/pack-station';
import { decide } from '../core/state-machine';
import { toIso } from '../core/time';
import * as orderStore from '../store/orders';
import type { Executor } from '../store/orders';
import * as packing from '../store/packing';
import * as packSessions from '../store/pack-sessions';
import type { NewOrderEventRow, OrderRow } from '../store/schema';
import type { PackSessionRow } from '../store/schema-packing';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { describePlan, planView } from './pack';
import { contentsOf, lockOrder, PackStationRefusal, requirePackable } from './pack-order';
import { ensurePlan } from './pack-plan';
import { afterPackSessionTransition, type PackSessionHookContext } from './pack-session-hooks';
import { sessionView, type PackSessionView } from './pack-session-view';
import { timelineEvent } from '../core/timeline';

export type { PackSessionView } from './pack-session-view';

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

async function lockSession(ctx: AppContext, trx: Executor, id: number): Promise<PackSessionRow> {
  const session = await packSessions.getSession(trx, id, ctx.store.dialect === 'postgres');
  if (!session) throw new NotFoundError(localized(`pack session ${id} not found.`, `未找到打包会话 ${id}。`));
  return session;
}

/** The session's move by `action`, decided by its machine; refused (409 `pack.session_state`) with why, else the new state. */
function decideSession(session: PackSessionRow, action: PackSessionAction, doing: Localized): PackSessionState {
  const decision = decide(packSessionMachine, session.status as PackSessionState, action, {});
  if (decision.ok) return decision.to;
  const why: Record<string, Localized> = {
    scanning: localized('items are still being scanned', '商品仍在扫描中'),
    weighing: localized('the packed parcel must be weighed first', '已装好的包裹需要先称重'),
    held: localized(
      'the parcel is held for a weight check: re-weigh it or accept it with a reason',
      '包裹因重量异常暂停：请重新称重或填写理由放行',
    ),
    done: localized('the session is finished', '会话已完成'),
    cancelled: localized('the session was cancelled', '会话已取消'),
  };
  const reason = why[session.status] ?? localized(session.status, session.status);
  throw new ConflictError(
    'pack.session_state',
    localized(`Cannot ${doing.en} now: ${reason.en}.`, `现在不能${doing['zh-CN']}：${reason['zh-CN']}。`),
    session.status,
  );
}

/** What each move is, in the refusal's words. */
const DOING: Record<PackSessionAction, Localized> = {
  scan: localized('scan items', '扫描商品'),
  pack_parcel: localized('scan items', '扫描商品'),
  hold: localized('weigh a parcel', '称重'),
  next_parcel: localized('weigh a parcel', '称重'),
  finish: localized('weigh a parcel', '称重'),
  cancel: localized('cancel the session', '取消会话'),
};

/** Writes the session at its version, moved by `action` (decided by the machine: the one place its state changes). */
/** Its declared after-hooks (pack-session-hooks.ts) then run, their events pushed to `hooks.events`. */
async function moveSession(
  trx: Executor,
  session: PackSessionRow,
  action: PackSessionAction,
  changes: Partial<Omit<PackSessionRow, 'id' | 'version' | 'status'>>,
  hooks?: PackSessionHookContext,
): Promise<PackSessionRow> {
  const moved = await saveSession(trx, session, { ...changes, status: decideSession(session, action, DOING[action]) });
  for (const hook of afterPackSessionTransition[action]) {
    if (!hooks) throw new Error(`pack session: the ${action} move runs hooks and needs their context`);
    await hook.run(trx, moved, hooks);
  }
  return moved;
}

async function saveSession(
  trx: Executor,
  session: PackSessionRow,
  changes: Partial<Omit<PackSessionRow, 'id' | 'version'>>,
): Promise<PackSessionRow> {
  if (!(await packSessions.updateSession(trx, session.id, session.version, changes))) {
    throw new ConflictError(
      'pack.session_changed',
      localized(
        'the session changed meanwhile (another scan?): scan again.',
        '会话已被修改（另一次扫描？）：请重新扫描。',
      ),
      session.status,
    );
  }
  return { ...session, ...changes, version: session.version + 1 };
}

export interface ScanOutcome {
  accepted: true;
  sku: string;
  parcelPacked: boolean;
  message: Localized;
  session: PackSessionView;
}

/**
 * One scan of an item barcode (a seller SKU or the item's own barcode). Accepted scans count towards the current
 * parcel; the last missing one packs it (`pack` transition). A refused scan is recorded (the audit, and the measure
 * of a station's mistakes) and answered with PackStationRefusal carrying what is expected.
 */
export async function scanItem(ctx: AppContext, sessionId: number, code: string, actor: string): Promise<ScanOutcome> {
  const scanned = code.trim();
  if (!scanned)
    throw new ValidationError([
      { row: 0, field: 'code', message: localized('the scanned code is empty.', '扫描的条码为空。') },
    ]);
  const now = ctx.now();
  const outcome = await ctx.store.db.transaction().execute(async (trx) => {
    let session = await lockSession(ctx, trx, sessionId);
    decideSession(session, 'scan', DOING.scan);
    const parcelId = session.current_parcel_id!;
    const packages = await packing.packagesOfOrder(trx, session.order_id);
    const pkg = packages.find((p) => p.parcel_id === parcelId)!;
    const expected = contentsOf(pkg);
    const counts = await packSessions.scannedCounts(trx, session.id, parcelId);
    const sku = (await packing.skuForCode(trx, scanned)) ?? (await packing.isCatalogueSku(trx, scanned));
    const parcels = (await orderStore.getParcels(trx, session.order_id)).filter(
      (p) => p.status !== 'voided' && packages.some((k) => k.parcel_id === p.id),
    );
    const other =
      sku === undefined
        ? undefined
        : parcels.findIndex(
            (p) =>
              p.id !== parcelId &&
              p.status === 'created' &&
              contentsOf(packages.find((k) => k.parcel_id === p.id)!).some((i) => i.sku === sku),
          );
    const judgement = judgeScan(expected, counts, {
      code: scanned,
      ...(sku !== undefined ? { sku } : {}),
      ...(other !== undefined && other >= 0 ? { inOtherParcel: other + 1 } : {}),
    });
    await packSessions.insertScan(trx, {
      session_id: session.id,
      parcel_id: parcelId,
      at: now,
      code: scanned,
      sku: sku ?? null,
      accepted: judgement.accepted ? 1 : 0,
      refusal: judgement.accepted ? null : judgement.refusal,
      actor,
    });
    if (!judgement.accepted) {
      session = await moveSession(trx, session, 'scan', { updated_at: now });
      return { judgement, session: await sessionView(trx, session), packed: false };
    }
    let packed = false;
    if (judgement.complete) {
      const parcel = parcels.find((p) => p.id === parcelId)!;
      const decision = decide(parcelMachine, parcel.status as ParcelState, 'pack', {});
      if (!decision.ok) throw new ConflictError(decision.rule, decision.message, parcel.status);
      await trx
        .updateTable('parcels')
        .set({ status: decision.to, packed_at: now, weight_g: pkg.expected_gross_g, updated_at: now })
        .where('id', '=', parcelId)
        .execute();
      await orderStore.appendEvents(trx, [
        timelineEvent({
          orderId: session.order_id,
          parcelId,
          at: now,
          actor,
          kind: 'transition',
          action: 'pack',
          from: decision.from,
          to: decision.to,
          reason: `every item scanned (pack session ${session.id})`,
          data: JSON.stringify({
            session_id: session.id,
            box: pkg.box_code,
            contents: expected,
            message: localized(
              `every item scanned (pack session ${session.id})`,
              `每件商品均已扫描（打包任务 ${session.id}）`,
            ),
          }),
        }),
      ]);
      session = await moveSession(trx, session, 'pack_parcel', { updated_at: now });
      packed = true;
    } else {
      session = await moveSession(trx, session, 'scan', { updated_at: now });
    }
    return { judgement, session: await sessionView(trx, session), packed };
  });
  const { judgement, session } = outcome;
  if (!judgement.accepted) {
    throw new PackStationRefusal(`pack.scan.${judgement.refusal}`, judgement.message, session.status, {
      refusal: judgement.refusal,
      scanned: scanned,
      sku: judgement.sku ?? null,
      expected: judgement.progress.filter((p) => p.remaining > 0).map((p) => ({ sku: p.sku, quantity: p.remaining })),
      session_id: session.id,
      parcel_id: session.current?.parcelId ?? null,
    });
  }
  const message = outcome.packed
    ? localized(
        `${judgement.message.en} Parcel ${session.current!.position} packed: weigh it (expected ${session.current!.expectedGrossG} g).`,
        `${judgement.message['zh-CN']} 第 ${session.current!.position} 个包裹已装好：请称重（应为 ${session.current!.expectedGrossG} 克）。`,
      )
    : judgement.message;
  return { accepted: true, sku: judgement.sku, parcelPacked: outcome.packed, message, session };
}

export interface WeighInput {
  grams: number;
  /** Accepts a weight outside the tolerance (the packer checked the parcel): recorded on the timeline. */
  overrideReason?: string;
}

export interface WeighOutcome {
  ok: true;
  overridden: boolean;
  message: Localized;
  session: PackSessionView;
}

export async function recordWeight(
  ctx: AppContext,
  sessionId: number,
  input: WeighInput,
  actor: string,
): Promise<WeighOutcome> {
  if (!Number.isInteger(input.grams) || input.grams <= 0 || input.grams > 1_000_000) {
    throw new ValidationError([
      {
        row: 0,
        field: 'grams',
        message: localized('the weight must be whole grams above 0.', '重量须为大于 0 的整数克。'),
      },
    ]);
  }
  const reason = input.overrideReason?.trim();
  const now = ctx.now();
  const outcome = await ctx.store.db.transaction().execute(async (trx) => {
    let session = await lockSession(ctx, trx, sessionId);
    const repeat = await repeatedWeighing(trx, session, input.grams);
    if (repeat) return repeat;
    decideSession(session, 'finish', DOING.finish);
    const parcelId = session.current_parcel_id!;
    const pkg = (await packing.packagesOf(trx, [parcelId]))[0]!;
    const tolerance = { basisPoints: session.tolerance_bp, minG: session.tolerance_min_g };
    const judgement = judgeWeight(pkg.expected_gross_g, input.grams, tolerance);
    const facts = {
      session_id: session.id,
      measured_g: input.grams,
      expected_g: pkg.expected_gross_g,
      range: judgement.range,
    };
    // The scale's judgement in both languages (the timeline shows it); an override's reason is the packer's own text.
    const data = JSON.stringify(judgement.ok || !reason ? { ...facts, message: judgement.message } : facts);
    if (!judgement.ok && !reason) {
      await packing.updatePackageWeight(trx, parcelId, input.grams, 'held', judgement.message.en, now);
      await orderStore.appendEvents(trx, [
        timelineEvent({
          orderId: session.order_id,
          parcelId,
          at: now,
          actor,
          kind: 'parcel_held',
          reason: judgement.message.en,
          data,
        }),
      ]);
      session = await moveSession(trx, session, 'hold', { updated_at: now });
      return {
        judgement,
        held: true,
        overridden: false,
        session: await sessionView(trx, session),
        next: undefined as Localized | undefined,
      };
    }
    const overridden = !judgement.ok;
    await packing.updatePackageWeight(
      trx,
      parcelId,
      input.grams,
      overridden ? 'overridden' : 'ok',
      overridden ? reason! : null,
      now,
    );
    await trx
      .updateTable('parcels')
      .set({ weight_g: input.grams, updated_at: now })
      .where('id', '=', parcelId)
      .execute();
    const events: NewOrderEventRow[] = [
      timelineEvent({
        orderId: session.order_id,
        parcelId,
        at: now,
        actor,
        kind: overridden ? 'weight_override' : 'parcel_weighed',
        reason: overridden ? reason! : judgement.message.en,
        data,
      }),
    ];
    // Next planned parcel of the order, or the end of the session.
    const parcels = await planView(trx, session.order_id);
    const next = parcels.find((p) => p.status === 'created');
    let nextMessage: Localized;
    if (next) {
      session = await moveSession(trx, session, 'next_parcel', { current_parcel_id: next.parcelId, updated_at: now });
      nextMessage = localized(
        `Next: parcel ${next.position} of ${next.of}, box ${next.box}.`,
        `下一个：第 ${next.position}/${next.of} 个包裹，箱子 ${next.box}。`,
      );
    } else {
      session = await moveSession(
        trx,
        session,
        'finish',
        { finished_at: now, updated_at: now },
        { now, actor, events },
      );
      nextMessage = localized('Every parcel of the order is packed and weighed.', '该订单的所有包裹都已打包并称重。');
    }
    await orderStore.appendEvents(trx, events);
    return { judgement, held: false, overridden, session: await sessionView(trx, session), next: nextMessage };
  });
  if (outcome.held) {
    throw new PackStationRefusal('pack.weight_out_of_tolerance', outcome.judgement.message, 'held', {
      measured_g: outcome.judgement.measuredG,
      expected_g: outcome.judgement.expectedG,
      range: outcome.judgement.range,
      deviation_g: outcome.judgement.deviationG,
      session_id: outcome.session.id,
      parcel_id: outcome.session.current?.parcelId ?? null,
    });
  }
  const head = outcome.overridden
    ? localized(
        `Accepted outside the range (${outcome.judgement.measuredG} g; expected ${outcome.judgement.range.minG}–${outcome.judgement.range.maxG} g): ${reason}.`,
        `超出范围但已放行（${outcome.judgement.measuredG} 克；应为 ${outcome.judgement.range.minG}–${outcome.judgement.range.maxG} 克）：${reason}。`,
      )
    : outcome.judgement.message;
  return {
    ok: true,
    overridden: outcome.overridden,
    message: localized(`${head.en} ${outcome.next!.en}`, `${head['zh-CN']}${outcome.next!['zh-CN']}`),
    session: outcome.session,
  };
}

/**
 * A weighing sent again after it went through (a retry after a lost answer, a double press): when the session's
 * last weighing read the same grams and nothing was scanned since, the same outcome, read back; else undefined.
 */
async function repeatedWeighing(trx: Executor, session: PackSessionRow, grams: number) {
  if (session.status !== 'scanning' && session.status !== 'done') return undefined;
  const last = await trx
    .selectFrom('order_events')
    .select(['kind', 'parcel_id', 'data'])
    .where('order_id', '=', session.order_id)
    .where('kind', 'in', ['parcel_weighed', 'weight_override'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!last?.data || last.parcel_id === null) return undefined;
  const data = JSON.parse(last.data) as { session_id?: number; measured_g?: number };
  if (data.session_id !== session.id || data.measured_g !== grams) return undefined;
  if (
    session.status === 'scanning' &&
    session.current_parcel_id !== null &&
    (await packSessions.scannedCounts(trx, session.id, session.current_parcel_id)).size > 0
  )
    return undefined;
  const pkg = (await packing.packagesOf(trx, [last.parcel_id]))[0]!;
  const judgement = judgeWeight(pkg.expected_gross_g, grams, {
    basisPoints: session.tolerance_bp,
    minG: session.tolerance_min_g,
  });
  const parcels = await planView(trx, session.order_id);
  const next = parcels.find((p) => p.parcelId === session.current_parcel_id && session.status === 'scanning');
  const nextMessage = next
    ? localized(
        `Next: parcel ${next.position} of ${next.of}, box ${next.box}.`,
        `下一个：第 ${next.position}/${next.of} 个包裹，箱子 ${next.box}。`,
      )
    : localized('Every parcel of the order is packed and weighed.', '该订单的所有包裹都已打包并称重。');
  return {
    judgement,
    held: false,
    overridden: last.kind === 'weight_override',
    session: await sessionView(trx, session),
    next: nextMessage as Localized | undefined,
  };
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
