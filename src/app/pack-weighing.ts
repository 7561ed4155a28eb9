/**
 * The weight check at the pack station, in a pack session (pack-sessions.ts): `recordWeight` compares the scale with
 * the packed parcel's expected gross weight (core/pack-station.ts `judgeWeight`). Outside the tolerance the parcel is
 * held for a check (409) until it is re-weighed within range or accepted with a reason; within it, the session moves
 * to the order's next planned parcel, or finishes. A weighing sent again after it went through answers the same
 * (`repeatedWeighing`).
 */
import { localized, type Localized } from '../core/i18n';
import { judgeWeight, type WeightJudgement } from '../core/pack-station';
import { timelineEvent } from '../core/timeline';
import * as orderStore from '../store/orders';
import type { Executor } from '../store/orders';
import * as packing from '../store/packing';
import * as packSessions from '../store/pack-sessions';
import type { NewOrderEventRow } from '../store/schema';
import type { PackSessionRow } from '../store/schema-packing';
import type { AppContext } from './context';
import { ValidationError } from './errors';
import { planView, type PlannedParcel } from './pack';
import { PackStationRefusal } from './pack-order';
import { decideSession, DOING, lockSession, moveSession } from './pack-session-moves';
import { sessionView, type PackSessionView } from './pack-session-view';

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

/** What a weighing answers, inside its transaction: held for a check, or accepted with the next move's message. */
interface Weighed {
  judgement: WeightJudgement;
  held: boolean;
  overridden: boolean;
  session: PackSessionView;
  next: Localized | undefined;
}

/** One weighing of the session's current parcel, judged: what holding or accepting it writes. */
interface Weighing {
  trx: Executor;
  session: PackSessionRow;
  parcelId: number;
  grams: number;
  judgement: WeightJudgement;
  /** The timeline event's data. */
  data: string;
  now: number;
  actor: string;
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
  const outcome = await ctx.store.db.transaction().execute(async (trx): Promise<Weighed> => {
    const session = await lockSession(ctx, trx, sessionId);
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
    const weighing: Weighing = { trx, session, parcelId, grams: input.grams, judgement, data, now, actor };
    return !judgement.ok && !reason ? holdParcel(weighing) : acceptWeight(weighing, reason);
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

/** Outside the tolerance, no reason given: the parcel is held for a check (`parcel_held`), the session waits. */
async function holdParcel(w: Weighing): Promise<Weighed> {
  const { trx, parcelId, judgement, now } = w;
  await packing.updatePackageWeight(trx, parcelId, w.grams, 'held', judgement.message.en, now);
  await orderStore.appendEvents(trx, [
    timelineEvent({
      orderId: w.session.order_id,
      parcelId,
      at: now,
      actor: w.actor,
      kind: 'parcel_held',
      reason: judgement.message.en,
      data: w.data,
    }),
  ]);
  const session = await moveSession(trx, w.session, 'hold', { updated_at: now });
  return { judgement, held: true, overridden: false, session: await sessionView(trx, session), next: undefined };
}

/**
 * Within the tolerance, or outside it with the packer's reason (an override): the weight is the parcel's, and the
 * session moves to the order's next planned parcel, or finishes.
 */
async function acceptWeight(w: Weighing, reason: string | undefined): Promise<Weighed> {
  const { trx, parcelId, judgement, now, actor } = w;
  const overridden = !judgement.ok;
  await packing.updatePackageWeight(
    trx,
    parcelId,
    w.grams,
    overridden ? 'overridden' : 'ok',
    overridden ? reason! : null,
    now,
  );
  await trx.updateTable('parcels').set({ weight_g: w.grams, updated_at: now }).where('id', '=', parcelId).execute();
  const events: NewOrderEventRow[] = [
    timelineEvent({
      orderId: w.session.order_id,
      parcelId,
      at: now,
      actor,
      kind: overridden ? 'weight_override' : 'parcel_weighed',
      reason: overridden ? reason! : judgement.message.en,
      data: w.data,
    }),
  ];
  // Next planned parcel of the order, or the end of the session.
  const parcels = await planView(trx, w.session.order_id);
  const next = parcels.find((p) => p.status === 'created');
  const session = next
    ? await moveSession(trx, w.session, 'next_parcel', { current_parcel_id: next.parcelId, updated_at: now })
    : await moveSession(trx, w.session, 'finish', { finished_at: now, updated_at: now }, { now, actor, events });
  await orderStore.appendEvents(trx, events);
  return { judgement, held: false, overridden, session: await sessionView(trx, session), next: nextMove(next) };
}

/** What the packer does after a weighing: the next planned parcel, or nothing left. */
function nextMove(next: PlannedParcel | undefined): Localized {
  return next
    ? localized(
        `Next: parcel ${next.position} of ${next.of}, box ${next.box}.`,
        `下一个：第 ${next.position}/${next.of} 个包裹，箱子 ${next.box}。`,
      )
    : localized('Every parcel of the order is packed and weighed.', '该订单的所有包裹都已打包并称重。');
}

/**
 * A weighing sent again after it went through (a retry after a lost answer, a double press): when the session's
 * last weighing read the same grams and nothing was scanned since, the same outcome, read back; else undefined.
 */
async function repeatedWeighing(trx: Executor, session: PackSessionRow, grams: number): Promise<Weighed | undefined> {
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
  return {
    judgement,
    held: false,
    overridden: last.kind === 'weight_override',
    session: await sessionView(trx, session),
    next: nextMove(next),
  };
}
