/**
 * One scan at the pack station, in a pack session (pack-sessions.ts): `scanItem` accepts an item only when the
 * current parcel still needs it (core/pack-station.ts `judgeScan`; a wrong item or one too many is refused on the
 * spot, 409, with what is expected); the last missing one takes the parcel through the `pack` transition, and the
 * session waits for its weight (pack-weighing.ts). Every scan, accepted or refused, is a `pack_scans` row.
 */
import { localized, type Localized } from '../core/i18n';
import { parcelMachine, type ParcelState } from '../core/order';
import { judgeScan, type ExpectedItem } from '../core/pack-station';
import { decide } from '../core/state-machine';
import { timelineEvent } from '../core/timeline';
import * as orderStore from '../store/orders';
import type { Executor } from '../store/orders';
import * as packing from '../store/packing';
import * as packSessions from '../store/pack-sessions';
import type { ParcelRow } from '../store/schema';
import type { PackSessionRow, ParcelPackageRow } from '../store/schema-packing';
import type { AppContext } from './context';
import { ConflictError, ValidationError } from './errors';
import { contentsOf, PackStationRefusal } from './pack-order';
import { decideSession, DOING, lockSession, moveSession } from './pack-session-moves';
import { sessionView, type PackSessionView } from './pack-session-view';

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
    const packed = judgement.complete;
    if (packed) await packParcel(trx, session, parcels.find((p) => p.id === parcelId)!, pkg, expected, now, actor);
    session = await moveSession(trx, session, packed ? 'pack_parcel' : 'scan', { updated_at: now });
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

/** The parcel's last missing item was scanned: the `pack` transition, its expected gross as its weight for now. */
async function packParcel(
  trx: Executor,
  session: PackSessionRow,
  parcel: ParcelRow,
  pkg: ParcelPackageRow,
  expected: ExpectedItem[],
  now: number,
  actor: string,
): Promise<void> {
  const decision = decide(parcelMachine, parcel.status as ParcelState, 'pack', {});
  if (!decision.ok) throw new ConflictError(decision.rule, decision.message, parcel.status);
  await trx
    .updateTable('parcels')
    .set({ status: decision.to, packed_at: now, weight_g: pkg.expected_gross_g, updated_at: now })
    .where('id', '=', parcel.id)
    .execute();
  await orderStore.appendEvents(trx, [
    timelineEvent({
      orderId: session.order_id,
      parcelId: parcel.id,
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
}
