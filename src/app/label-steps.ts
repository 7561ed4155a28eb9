/**
 * Labelling one parcel, as named steps (app/steps.ts), each write with its undo beside it. labels.ts runs them per
 * parcel, under the order's label lease, once the request was checked and each parcel's service chosen:
 *
 *   buy the label ─ check the number ─ record the label ─ move the parcel and queue the upload ─ activate the label
 *   ─ keep the carrier's PDF
 *
 * A bought label is voided at the carrier when a later step fails — unless its number is on a parcel or queued for
 * upload (a number in use is never voided: it would make that number a false shipment) — and its row kept as voided,
 * saying why. A refused number is voided as it is, and the refusal is on the timeline. What the steps share (the
 * parcel's `ParcelLabelling`), the label row and the answer are label-parcel.ts.
 */
import type { CarrierService } from '../core/carrier/types';
import { localized } from '../core/i18n';
import { parcelMachine, type ParcelState } from '../core/order';
import { decide } from '../core/state-machine';
import { timelineEvent } from '../core/timeline';
import { checkTrackingNumber } from '../core/tracking/number-check';
import * as orderStore from '../store/orders';
import * as packing from '../store/packing';
import type { OrderRow } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError } from './errors';
import { keepCarrierLabel } from './label-documents';
import { labelRow, serviceToCheck, type BoughtLabel, type ParcelLabelling } from './label-parcel';
import { numberInUse, obtainLabel, voidQuietly } from './label-purchase';
import { markParcelsShipped } from './shipments';
import { step, type UndoFailure } from './steps';

/** The carrier answered but the label could not be used: voided at the carrier, refused here. */
class LabelRefused extends ConflictError {}

const buyLabel = step<ParcelLabelling, BoughtLabel>({
  name: 'buy the label',
  run: async (s) => {
    // The attempt's key (core/carrier/label-key.ts): a retry after a lost answer gets the same label, not a second.
    const { created, resumed, key } = await obtainLabel(
      s.ctx,
      s.order,
      s.parcel,
      s.wanted,
      s.adapter,
      s.sender,
      s.catalog.marketplaceServices.get(s.wanted.code),
    );
    const service = (resumed && s.servicesByCode.get(resumed.service)) || s.wanted;
    const marketplaceService = s.catalog.marketplaceServices.get(service.code) ?? service.code.toUpperCase();
    const number = created.trackingNumber.replace(/[\s-]+/g, '').toUpperCase();
    s.bought = { created, resumed, key, service, marketplaceService, number };
    return s.bought;
  },
  // Undo: the label's row says voided first (so the next attempt takes a new key: the carrier would hand a key it
  // knows its voided label again), then the carrier voids it. A number in use stays: the label is real.
  undo: async (s, bought, cause) => {
    if (cause instanceof LabelRefused) return voidRefused(s, bought);
    if (await numberInUse(s.ctx, s.order.id, bought.number)) return;
    const why = cause instanceof Error ? cause.message : String(cause);
    const db = s.ctx.store.db;
    const voidedRow = async (problem: string) => {
      const labelId = s.labelId ?? bought.resumed?.id;
      if (labelId !== undefined)
        await db.transaction().execute((trx) => packing.setLabelStatus(trx, labelId, 'voided', problem, s.ctx.now()));
      else
        s.labelId = await db
          .transaction()
          .execute((trx) => packing.insertLabel(trx, labelRow(s, bought, 'voided', problem, s.ctx.now())));
    };
    await voidedRow(why);
    const voidProblem = await voidQuietly(s.adapter, bought.created.carrierLabelId);
    if (voidProblem) await voidedRow(`${why} Void failed: ${voidProblem}`);
  },
});

/** Checks the number the carrier gave (core/tracking): a refused one throws `LabelRefused`. No write. */
const checkNumber = step<ParcelLabelling, void>({
  name: 'check the number',
  run: async (s) => {
    const { number, service } = s.bought!;
    const usedBy = (await packing.numberUses(s.ctx.store.db, [number]))
      .filter((u) => u.order_id !== s.order.id)
      .map((u) => ({ orderId: u.platform_order_id, usedAt: u.used_at }));
    s.report = checkTrackingNumber(number, {
      carrier: service.carrier,
      country: s.order.buyer_country,
      service: serviceToCheck(service),
      ...(s.buyerClass ? { buyerLogisticsClass: s.buyerClass } : {}),
      usedBy,
      now: s.ctx.now(),
      reuseWindowDays: 365,
      ...(s.adapter.numbersIssuedByPlatform ? { issuedByPlatform: true } : {}),
      ...(s.override ? { override: { reason: s.override } } : {}),
    });
    if (!s.report.valid) {
      throw new LabelRefused(
        'label.number_refused',
        localized(
          `${s.report.summary.en} The label was voided at the carrier.`,
          `${s.report.summary['zh-CN']} 已在承运商处作废该面单。`,
        ),
        s.order.status,
      );
    }
  },
});

/** The label row, `issued` (bought, checked, not yet on the parcel): a dead process's successor resumes it. Its undo
 * is the purchase's: the row is kept as voided. */
const recordLabel = step<ParcelLabelling, void>({
  name: 'record the label',
  run: async (s) => {
    const label = s.bought!;
    s.labelId =
      label.resumed?.id ??
      (await s.ctx.store.db
        .transaction()
        .execute((trx) => packing.insertLabel(trx, labelRow(s, label, 'issued', null, s.ctx.now()))));
  },
});

/**
 * The parcel takes the `label` transition with its number, and the upload is queued (shipments.ts, one transaction
 * with the outbox row); a shop without a marketplace connection gets the transition alone. One transaction either
 * way: if it fails nothing of it was written, so no undo; once it is done, the number is in use and never voided.
 */
const moveParcel = step<ParcelLabelling, void>({
  name: 'move the parcel and queue the upload',
  run: async (s) => {
    const { number, service, marketplaceService } = s.bought!;
    s.warnings.push(...s.report!.checks.filter((c) => c.result === 'warn').map((c) => c.message));
    if (s.connected) {
      const [shipped] = await markParcelsShipped(
        s.ctx,
        [
          {
            orderId: s.order.id,
            parcelId: s.parcel.parcelId,
            trackingNumber: number,
            serviceName: marketplaceService,
            carrier: service.carrier,
            lastParcel: s.lastParcel,
          },
        ],
        s.actor,
      );
      s.upload = shipped!.uploadStatus;
      s.warnings.push(...shipped!.warnings);
    } else {
      await labelWithoutUpload(s.ctx, s.order, s.parcel.parcelId, number, service, s.actor);
      s.warnings.push(
        localized(
          'The shop has no marketplace connection: upload this number on the marketplace yourself.',
          '该店铺未连接平台：请自行在平台上传此单号。',
        ),
      );
    }
  },
});

/** The label is in use: `active`, and `label_created` on the timeline (one transaction). */
const activateLabel = step<ParcelLabelling, void>({
  name: 'activate the label',
  run: async (s) => {
    const { number, service, marketplaceService, created } = s.bought!;
    const done = s.ctx.now();
    const overridden = s.override && s.report!.checks.some((c) => c.id === 'logistics-class' && c.result === 'warn');
    await s.ctx.store.db.transaction().execute(async (trx) => {
      await packing.setLabelStatus(trx, s.labelId!, 'active', null, done);
      await orderStore.appendEvents(trx, [
        timelineEvent({
          orderId: s.order.id,
          parcelId: s.parcel.parcelId,
          at: done,
          actor: s.actor,
          kind: 'label_created',
          reason: overridden ? `override: ${s.override}` : null,
          data: JSON.stringify({
            tracking_number: number,
            carrier: service.carrier,
            service: service.code,
            marketplace_service: marketplaceService,
            routing_code: created.routingCode,
            cost: created.cost,
            label_id: s.labelId,
          }),
        }),
      ]);
    });
  },
});

/** The carrier's own label PDF, kept for re-printing: a failure is a warning (fetched again on re-print). */
const keepPdf = step<ParcelLabelling, void>({
  name: "keep the carrier's PDF",
  run: async (s) => {
    const { created } = s.bought!;
    const kept = await keepCarrierLabel(
      s.ctx,
      {
        id: s.labelId!,
        parcel_id: s.parcel.parcelId,
        carrierLabelId: created.carrierLabelId,
        labelUrl: created.labelUrl ?? null,
      },
      s.adapter,
    );
    if (kept) s.warnings.push(kept);
  },
});

/** The steps of one parcel, in order. */
export const PARCEL_LABEL_STEPS = [buyLabel, checkNumber, recordLabel, moveParcel, activateLabel, keepPdf] as const;

/** An undo that failed (e.g. the database was gone while voiding): on the order's timeline, for the seller to see. */
export async function recordUndoFailure(s: ParcelLabelling, failure: UndoFailure): Promise<void> {
  const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
  await orderStore.appendEvents(s.ctx.store.db, [
    timelineEvent({
      orderId: s.order.id,
      parcelId: s.parcel.parcelId,
      at: s.ctx.now(),
      actor: s.actor,
      kind: 'label_undo_failed',
      reason: `${failure.step}: ${message(failure.error)}`,
      data: JSON.stringify({ step: failure.step, error: message(failure.error), cause: message(failure.cause) }),
    }),
  ]);
}

/** A refused number: voided at the carrier as it is, its row kept as voided and the refusal on the timeline. */
async function voidRefused(s: ParcelLabelling, bought: BoughtLabel): Promise<void> {
  const report = s.report!;
  const voidProblem = await voidQuietly(s.adapter, bought.created.carrierLabelId);
  const problem = voidProblem ? `${report.summary.en} Void failed: ${voidProblem}` : report.summary.en;
  const now = s.ctx.now();
  await s.ctx.store.db.transaction().execute(async (trx) => {
    if (bought.resumed) await packing.setLabelStatus(trx, bought.resumed.id, 'voided', problem, now);
    else await packing.insertLabel(trx, labelRow(s, bought, 'voided', problem, now));
    await orderStore.appendEvents(trx, [
      timelineEvent({
        orderId: s.order.id,
        parcelId: s.parcel.parcelId,
        at: now,
        actor: s.actor,
        kind: 'label_refused',
        reason: report.summary.en,
        data: JSON.stringify({
          tracking_number: bought.number,
          service: bought.service.code,
          failed: report.failed,
          voided: voidProblem === null,
        }),
      }),
    ]);
  });
}

/** For shops without a marketplace connection: the `label` transition and the number on the parcel, no upload. */
async function labelWithoutUpload(
  ctx: AppContext,
  order: OrderRow,
  parcelId: number,
  number: string,
  service: CarrierService,
  actor: string,
): Promise<void> {
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    let query = trx.selectFrom('parcels').selectAll().where('id', '=', parcelId);
    if (ctx.store.dialect === 'postgres') query = query.forUpdate();
    const parcel = (await query.executeTakeFirst())!;
    const decision = decide(parcelMachine, parcel.status as ParcelState, 'label', {});
    if (!decision.ok) throw new ConflictError(decision.rule, decision.message, parcel.status);
    await trx
      .updateTable('parcels')
      .set({
        status: decision.to,
        tracking_number: number,
        carrier: service.carrier,
        service: service.code,
        labelled_at: now,
        updated_at: now,
      })
      .where('id', '=', parcelId)
      .execute();
    await orderStore.appendEvents(trx, [
      timelineEvent({
        orderId: order.id,
        parcelId,
        at: now,
        actor,
        kind: 'transition',
        action: 'label',
        from: decision.from,
        to: decision.to,
        reason: `tracking number ${number}`,
        data: JSON.stringify({ message: localized(`tracking number ${number}`, `运单号 ${number}`) }),
      }),
    ]);
  });
}
