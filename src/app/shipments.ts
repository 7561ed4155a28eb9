/**
 * Marking parcels shipped: the parcel gets its tracking number and carrier service, and the upload of that number to
 * the marketplace is written to the outbox in the SAME transaction (so it can be neither lost nor sent without the
 * parcel change). The shop's upload timing decides whether the upload is due at once (`label`, `early`) or held
 * until the carrier's first scan (`first_scan`).
 */
import { timelineEvent } from '../core/timeline';
import { localized, type Localized } from '../core/i18n';
import { orderMachine, parcelMachine, type OrderState, type ParcelAction, type ParcelState } from '../core/order';
import type { ImportIssue } from '../core/order-input';
import { decide } from '../core/state-machine';
import { checkTrackingNumber } from '../core/tracking/number-check';
import {
  EARLY_UPLOAD_WARNING,
  isClosedForUpload,
  isUploadTiming,
  refuseNewUpload,
  sendTypeFor,
  uploadPriority,
  type QueuedUpload,
  type SendType,
  type UploadTiming,
} from '../core/upload-rules';
import type { Executor } from '../store/orders';
import * as orders from '../store/orders';
import * as marketplace from '../store/marketplace';
import * as outbox from '../store/outbox';
import type { NewOrderEventRow, NewOutboxRow, OrderRow, ParcelRow } from '../store/schema';
import type { AppContext } from './context';
import { planFirstScan, uploadReleasedEvent } from './first-scan';
import { refuseSettledOrders } from './order-situation';
import { ConflictError, NotFoundError, ValidationError } from './errors';

export interface ShipParcelInput {
  orderId: number;
  /** An existing parcel of the order; without it a parcel is created. */
  parcelId?: number;
  trackingNumber: string;
  /** The marketplace's logistics service key, e.g. `CAINIAO_STANDARD`, `CPAM`. */
  serviceName: string;
  /** The carrier for the number's checks (`cainiao`, `china-post`, …); default: from the service. */
  carrier?: string;
  /** The order's last parcel: declared `all`; earlier ones `part`. */
  lastParcel: boolean;
  /** The seller's confirmation of a number in no known format with no carrier declared (refused without it). */
  confirmUnrecognised?: { reason: string };
}

export interface ShippedParcel {
  orderId: number;
  parcelId: number;
  outboxId: number;
  sendType: SendType;
  /** `pending` (due now) or `held` (waits for the carrier's first scan). */
  uploadStatus: 'pending' | 'held';
  warnings: Localized[];
}

/** The payload of an upload row: everything the worker needs without reading the order. */
export interface UploadPayload {
  platformOrderId: string;
  trackingNumber: string;
  serviceName: string;
  carrier: string | null;
  sendType: SendType;
  timing: UploadTiming;
}

/** The one place a number is checked before it is queued (core/tracking). */
function validateTrackingNumber(input: {
  trackingNumber: string;
  carrier: string | undefined;
  country: string;
  usedBy: Array<{ orderId: string; usedAt: number }>;
  now: number;
  /** An unrecognised format with no carrier is refused unless confirmed with a reason (then recorded). */
  confirmUnrecognised?: { reason: string } | undefined;
}): { number: string; refusal?: Localized; needsConfirmation?: boolean; confirmedUnrecognised?: string } {
  const report = checkTrackingNumber(input.trackingNumber, {
    ...(input.carrier ? { carrier: input.carrier } : {}),
    country: input.country,
    usedBy: input.usedBy,
    now: input.now,
    ...(input.confirmUnrecognised ? { confirmUnrecognised: input.confirmUnrecognised } : {}),
  });
  if (!report.valid)
    return { number: report.number, refusal: report.summary, needsConfirmation: report.needsConfirmation };
  // The confirmation counts only when it was needed: the format check passed on the seller's word.
  const format = report.checks.find((check) => check.id === 'format');
  const reason = input.confirmUnrecognised?.reason.trim();
  return format?.result === 'warn' && reason && !input.carrier
    ? { number: report.number, confirmedUnrecognised: reason }
    : { number: report.number };
}

/** The carrier behind an AliExpress logistics service key, for the number's format checks. */
function carrierForService(serviceName: string): string | undefined {
  const key = serviceName.trim().toUpperCase();
  if (key.startsWith('CAINIAO') || key.startsWith('AE_')) return 'cainiao';
  if (key.startsWith('YANWEN')) return 'yanwen';
  if (key === 'EMS' || key.startsWith('EMS_')) return 'ems';
  if (key === 'CPAM' || key.startsWith('CHINA_POST') || key === 'EPACKET') return 'china-post';
  if (key.startsWith('YUN')) return 'yunexpress';
  if (key.startsWith('4PX') || key.startsWith('FOURPX')) return '4px';
  return undefined;
}

const UPLOADABLE_STATES: readonly ParcelState[] = ['created', 'packed', 'labelled', 'handed_over'];

/**
 * Marks parcels shipped, all or none, in ONE transaction: checks each number (format, check digit, re-use, not twice
 * on the order), that the order may still ship (through the order machine) and is not closed, moves the parcel to
 * `labelled` through the parcel machine (unless the shop uploads early), and queues the upload.
 */
export async function markParcelsShipped(
  ctx: AppContext,
  inputs: ShipParcelInput[],
  actor: string,
): Promise<ShippedParcel[]> {
  if (inputs.length === 0) return [];
  const now = ctx.now();
  // The situation decides (core/situation.ts): an order the platform closed at its closing point, or cancelled,
  // takes no tracking number — the seller would pay postage on a refunded order.
  await refuseSettledOrders(ctx, [...new Set(inputs.map((input) => input.orderId))], { en: 'shipping it', zh: '发货' });
  return ctx.store.db.transaction().execute(async (trx) => {
    const orderIds = [...new Set(inputs.map((input) => input.orderId))].sort((a, b) => a - b);
    const orderRows = await lockOrders(ctx, trx, orderIds);
    const byId = new Map(orderRows.map((order) => [order.id, order]));
    const connections = new Map(
      (await marketplace.getConnections(trx, [...new Set(orderRows.map((order) => order.shop_id))])).map((c) => [
        c.shop_id,
        c,
      ]),
    );
    const queued = new Map<number, QueuedUpload[]>();
    for (const row of await outbox.uploadsOfOrders(trx, orderIds)) {
      const payload = JSON.parse(row.payload) as UploadPayload;
      const list = queued.get(row.order_id) ?? [];
      list.push({ trackingNumber: payload.trackingNumber, sendType: row.send_type as SendType, status: row.status });
      queued.set(row.order_id, list);
    }
    const numbers = inputs.map((input) => input.trackingNumber.replace(/[\s-]+/g, '').toUpperCase());
    const uses = await numberUses(trx, numbers);
    const parcelIds = inputs.map((input) => input.parcelId).filter((id): id is number => id !== undefined);
    const parcels = new Map((await parcelsById(trx, parcelIds)).map((parcel) => [parcel.id, parcel]));

    const issues: ImportIssue[] = [];
    const numberInBatch = new Map<string, number>();
    const conflicts: Array<{ rule: string; message: Localized; state: string }> = [];
    const plans: Array<{
      input: ShipParcelInput;
      order: OrderRow;
      number: string;
      timing: UploadTiming;
      parcel: ParcelRow | undefined;
      path: ParcelAction[];
      warnings: Localized[];
      confirmedUnrecognised: string | undefined;
    }> = [];
    inputs.forEach((input, index) => {
      const row = index + 1;
      const order = byId.get(input.orderId);
      if (!order) {
        issues.push({
          row,
          field: 'order',
          message: localized(`order ${input.orderId} not found.`, `未找到订单 ${input.orderId}。`),
        });
        return;
      }
      const connection = connections.get(order.shop_id);
      if (!connection) {
        issues.push({
          row,
          field: 'shop',
          message: localized(
            `shop ${order.shop_id} is not connected to its marketplace, so shipby cannot upload this number: enter it in the marketplace's seller centre yourself, or have the account's owner connect the shop first.`,
            `店铺 ${order.shop_id} 未连接平台，shipby 无法上传此单号：请自行在平台卖家后台填写，或请账户所有者先连接店铺。`,
          ),
        });
        return;
      }
      if (!input.serviceName.trim()) {
        issues.push({
          row,
          field: 'service',
          message: localized('the carrier service is required.', '必须填写物流服务。'),
        });
        return;
      }
      const state = order.status as OrderState;
      if (isClosedForUpload(state)) {
        conflicts.push({
          rule: 'upload.order_closed',
          state,
          message: localized(
            `order ${order.platform_order_id} is ${state}: a tracking number is never uploaded after the order was closed.`,
            `订单 ${order.platform_order_id} 已${state === 'cancelled' ? '取消' : '关闭'}：订单关闭后不再上传物流单号。`,
          ),
        });
        return;
      }
      const sendType = sendTypeFor(input.lastParcel);
      const decision = decide(orderMachine, state, sendType === 'all' ? 'ship_all' : 'ship_part', {});
      if (!decision.ok) {
        conflicts.push({ rule: decision.rule, message: decision.message, state });
        return;
      }
      const number = numbers[index]!;
      const batchUse = numberInBatch.get(number);
      if (batchUse !== undefined && batchUse !== order.id) {
        issues.push({
          row,
          field: 'tracking_number',
          message: localized(
            `tracking number ${number} appears on two orders in this request.`,
            `物流单号 ${number} 在本次请求中出现在两个订单上。`,
          ),
        });
        return;
      }
      numberInBatch.set(number, order.id);
      const usedBy = (uses.get(number) ?? [])
        .filter((use) => use.order_id !== order.id)
        .map((use) => ({ orderId: use.platform_order_id, usedAt: use.used_at }));
      const carrier = input.carrier ?? carrierForService(input.serviceName);
      const check = validateTrackingNumber({
        trackingNumber: number,
        carrier,
        country: order.buyer_country,
        usedBy,
        now,
        confirmUnrecognised: input.confirmUnrecognised,
      });
      if (check.refusal) {
        // Refused only for want of the seller's word: the issue names the field that would pass it, so a form can ask.
        issues.push({
          row,
          field: check.needsConfirmation ? 'confirm_unrecognised.reason' : 'tracking_number',
          message: check.refusal,
        });
        return;
      }
      const already = queued.get(order.id) ?? [];
      const refusal = refuseNewUpload(already, number);
      if (refusal) {
        conflicts.push({ rule: 'upload.order_parcels', message: refusal, state });
        return;
      }
      const timing: UploadTiming = isUploadTiming(connection.upload_timing) ? connection.upload_timing : 'label';
      let parcel: ParcelRow | undefined;
      if (input.parcelId !== undefined) {
        parcel = parcels.get(input.parcelId);
        if (!parcel || parcel.order_id !== order.id) {
          issues.push({
            row,
            field: 'parcel',
            message: localized(
              `parcel ${input.parcelId} is not a parcel of this order.`,
              `包裹 ${input.parcelId} 不属于该订单。`,
            ),
          });
          return;
        }
      }
      const from = (parcel?.status ?? 'created') as ParcelState;
      if (!UPLOADABLE_STATES.includes(from)) {
        conflicts.push({
          rule: 'parcel.upload_tracking.from',
          state: from,
          message: localized(
            `parcel ${parcel?.id} is ${from}; its number cannot be queued for upload.`,
            `包裹 ${parcel?.id} 状态为「${from}」，不能排队上传单号。`,
          ),
        });
        return;
      }
      // At label creation (and for a first scan later) the parcel carries its label; early uploads leave it as it is.
      const path: ParcelAction[] =
        timing === 'early' ? [] : from === 'created' ? ['pack', 'label'] : from === 'packed' ? ['label'] : [];
      const warnings = timing === 'early' ? [EARLY_UPLOAD_WARNING] : [];
      already.push({ trackingNumber: number, sendType, status: 'pending' });
      queued.set(order.id, already);
      plans.push({
        input,
        order,
        number,
        timing,
        parcel,
        path,
        warnings,
        confirmedUnrecognised: check.confirmedUnrecognised,
      });
    });
    if (issues.length) throw new ValidationError(issues);
    if (conflicts.length) {
      const first = conflicts[0]!;
      const more = conflicts.length > 1 ? ` (+${conflicts.length - 1})` : '';
      throw new ConflictError(
        first.rule,
        localized(first.message.en + more, first.message['zh-CN'] + more),
        first.state,
      );
    }

    // New parcels first, so every plan has a parcel id.
    const fresh = plans.filter((plan) => !plan.parcel);
    if (fresh.length) {
      for (let i = 0; i < fresh.length; i += 500) {
        const chunk = fresh.slice(i, i + 500);
        const inserted = await trx
          .insertInto('parcels')
          .values(
            chunk.map((plan) => ({
              order_id: plan.order.id,
              shop_id: plan.order.shop_id,
              status: 'created',
              carrier: null,
              service: null,
              tracking_number: null,
              weight_g: null,
              packed_at: null,
              labelled_at: null,
              handed_over_at: null,
              tracking_uploaded_at: null,
              first_scan_at: null,
              delivered_at: null,
              created_at: now,
              updated_at: now,
            })),
          )
          .returningAll()
          .execute();
        // Ids are drawn in VALUES order within one statement; RETURNING's row order is not promised, so sort by id.
        inserted.sort((a, b) => a.id - b.id).forEach((parcel, j) => (chunk[j]!.parcel = parcel));
      }
    }

    const events: NewOrderEventRow[] = [];
    const rows: NewOutboxRow[] = [];
    const results: ShippedParcel[] = [];
    for (const plan of plans) {
      const parcel = plan.parcel!;
      const isNew = fresh.includes(plan);
      if (isNew)
        events.push(
          timelineEvent({
            orderId: plan.order.id,
            parcelId: parcel.id,
            at: now,
            actor,
            kind: 'parcel_created',
            to: 'created',
          }),
        );
      let state = parcel.status as ParcelState;
      for (const action of plan.path) {
        const decision = decide(parcelMachine, state, action, {});
        if (!decision.ok) throw new ConflictError(decision.rule, decision.message, state);
        events.push(
          timelineEvent({
            orderId: plan.order.id,
            parcelId: parcel.id,
            at: now,
            actor,
            kind: 'transition',
            action,
            from: decision.from,
            to: decision.to,
            reason: `tracking number ${plan.number}`,
          }),
        );
        state = decision.to;
      }
      const carrier = plan.input.carrier ?? carrierForService(plan.input.serviceName) ?? null;
      await trx
        .updateTable('parcels')
        .set({
          status: state,
          tracking_number: plan.number,
          carrier,
          service: plan.input.serviceName.trim(),
          ...(plan.path.includes('pack') ? { packed_at: now } : {}),
          ...(plan.path.includes('label') ? { labelled_at: now } : {}),
          updated_at: now,
        })
        .where('id', '=', parcel.id)
        .execute();
      const sendType = sendTypeFor(plan.input.lastParcel);
      const held = plan.timing === 'first_scan' && parcel.first_scan_at === null;
      const payload: UploadPayload = {
        platformOrderId: plan.order.platform_order_id,
        trackingNumber: plan.number,
        serviceName: plan.input.serviceName.trim(),
        carrier,
        sendType,
        timing: plan.timing,
      };
      rows.push(
        outbox.newOutboxRow(
          {
            kind: outbox.UPLOAD_KIND,
            shop_id: plan.order.shop_id,
            order_id: plan.order.id,
            parcel_id: parcel.id,
            dedupe_key: `upload:${parcel.id}:${plan.number}`,
            payload: JSON.stringify(payload),
            send_type: sendType,
            status: held ? 'held' : 'pending',
            priority_at: uploadPriority(plan.order.ship_by_at),
          },
          now,
        ),
      );
      results.push({
        orderId: plan.order.id,
        parcelId: parcel.id,
        outboxId: 0,
        sendType,
        uploadStatus: held ? 'held' : 'pending',
        warnings: plan.warnings,
      });
    }
    const ids = await outbox.insertOutboxRows(trx, rows);
    rows.forEach((row, i) => {
      const id = ids.get(row.dedupe_key);
      if (id === undefined) {
        throw new ConflictError('upload.duplicate', localized('this upload is already queued.', '该上传已在队列中。'));
      }
      results[i]!.outboxId = id;
      const plan = plans[i]!;
      events.push(
        timelineEvent({
          orderId: plan.order.id,
          parcelId: row.parcel_id!,
          at: now,
          actor,
          kind: 'upload_queued',
          reason:
            results[i]!.uploadStatus === 'held'
              ? "held until the carrier's first scan"
              : plan.timing === 'early'
                ? 'early upload (virtual shipment)'
                : null,
          data: JSON.stringify({
            outbox_id: id,
            tracking_number: plan.number,
            service: plan.input.serviceName.trim(),
            send_type: row.send_type,
            timing: plan.timing,
            ...(plan.warnings.length ? { warning: plan.warnings[0] } : {}),
            ...(plan.confirmedUnrecognised ? { unrecognised_format_confirmed: plan.confirmedUnrecognised } : {}),
          }),
        }),
      );
    });
    await orders.appendEvents(trx, events);
    return results;
  });
}

/** The single-parcel form of `markParcelsShipped`. */
export async function markParcelShipped(
  ctx: AppContext,
  input: ShipParcelInput,
  actor: string,
): Promise<ShippedParcel> {
  return (await markParcelsShipped(ctx, [input], actor))[0]!;
}

/**
 * The carrier's first scan of a parcel (from tracking): it is with the carrier, so a labelled parcel is handed
 * over, and an upload held for the first scan becomes due.
 */
export async function recordFirstScan(
  ctx: AppContext,
  parcelId: number,
  scannedAt: number,
  actor: string,
): Promise<{ released: number }> {
  const now = ctx.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    const parcel = (await parcelsById(trx, [parcelId]))[0];
    if (!parcel) throw new NotFoundError(localized(`parcel ${parcelId} not found.`, `未找到包裹 ${parcelId}。`));
    // The same plan as carrier tracking's (app/first-scan.ts).
    const plan = planFirstScan(parcel, scannedAt, now, actor);
    const events: NewOrderEventRow[] = plan.events;
    await trx
      .updateTable('parcels')
      .set({
        status: plan.status,
        first_scan_at: plan.firstScanAt,
        ...(plan.handedOverAt !== null ? { handed_over_at: plan.handedOverAt } : {}),
        updated_at: now,
      })
      .where('id', '=', parcel.id)
      .execute();
    const released = await outbox.releaseHeldUploads(trx, parcel.id, now);
    for (const row of released) events.push(uploadReleasedEvent(parcel.order_id, parcel.id, row.id, now, actor));
    await orders.appendEvents(trx, events);
    return { released: released.length };
  });
}

async function lockOrders(ctx: AppContext, trx: Executor, ids: number[]): Promise<OrderRow[]> {
  const rows: OrderRow[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    let query = trx
      .selectFrom('orders')
      .selectAll()
      .where('id', 'in', ids.slice(i, i + 1000))
      .orderBy('id');
    // Two requests for one order queue one after the other (the last-parcel rule reads the queued uploads).
    if (ctx.store.dialect === 'postgres') query = query.forUpdate();
    rows.push(...(await query.execute()));
  }
  return rows;
}

async function parcelsById(db: Executor, ids: number[]): Promise<ParcelRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('parcels').selectAll().where('id', 'in', ids).execute();
}

async function numberUses(
  db: Executor,
  numbers: string[],
): Promise<Map<string, Array<{ order_id: number; platform_order_id: string; used_at: number }>>> {
  const uses = new Map<string, Array<{ order_id: number; platform_order_id: string; used_at: number }>>();
  for (let i = 0; i < numbers.length; i += 1000) {
    const rows = await db
      .selectFrom('parcels')
      .innerJoin('orders', 'orders.id', 'parcels.order_id')
      .select(['parcels.tracking_number', 'parcels.order_id', 'orders.platform_order_id', 'parcels.updated_at'])
      .where('parcels.tracking_number', 'in', numbers.slice(i, i + 1000))
      .execute();
    for (const row of rows) {
      const list = uses.get(row.tracking_number!) ?? [];
      list.push({ order_id: row.order_id, platform_order_id: row.platform_order_id, used_at: row.updated_at });
      uses.set(row.tracking_number!, list);
    }
  }
  return uses;
}
