/**
 * Marking parcels shipped: the parcel gets its tracking number and carrier service, and the upload of that number to
 * the marketplace is written to the outbox in the SAME transaction (so it can be neither lost nor sent without the
 * parcel change). The shop's upload timing decides whether the upload is due at once (`label`, `early`) or held
 * until the carrier's first scan (`first_scan`).
 *
 * As a use case of named steps (app/steps.ts) this is ONE step with no undo: one transaction makes it atomic, so a
 * failure anywhere writes nothing. Inside it, four phases: 1. the orders locked and what the checks read; 2. each
 * input checked and planned (shipment-checks.ts); 3. the new parcels created; 4. the parcels moved, the uploads
 * queued and the timeline written. The label flow runs it as its step `move the parcel and queue the upload`.
 */
import { timelineEvent } from '../core/timeline';
import { localized, type Localized } from '../core/i18n';
import { parcelMachine, type ParcelState } from '../core/order';
import { decide } from '../core/state-machine';
import { sendTypeFor, uploadPriority, type QueuedUpload, type SendType, type UploadTiming } from '../core/upload-rules';
import type { Executor } from '../store/orders';
import * as orderStore from '../store/orders';
import * as marketplace from '../store/marketplace';
import * as outbox from '../store/outbox';
import { newParcelRow } from '../store/packing';
import type { NewOrderEventRow, NewOutboxRow, OrderRow, ParcelRow } from '../store/schema';
import type { AppContext } from './context';
import { planFirstScan, uploadReleasedEvent } from './first-scan';
import { refuseSettledOrders } from './order-situation';
import { carrierForService, checkShipments, type ShipmentFacts, type ShipmentPlan } from './shipment-checks';
import { ConflictError, NotFoundError } from './errors';

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
    // 1. The orders locked (two requests for one order queue), and what the checks read.
    const facts = await readShipmentFacts(ctx, trx, inputs, now);
    // 2. Each input checked and its plan decided, nothing written (shipment-checks.ts).
    const plans = checkShipments(inputs, facts);
    // 3. New parcels first, so every plan has a parcel id.
    const fresh = await createParcels(trx, plans, now);
    // 4. Each parcel moved along its path with its number, its upload queued, and the timeline.
    const events: NewOrderEventRow[] = [];
    const rows: NewOutboxRow[] = [];
    const results: ShippedParcel[] = [];
    for (const plan of plans) {
      const shipped = await shipParcel(trx, plan, fresh.includes(plan), now, actor, events);
      rows.push(shipped.row);
      results.push(shipped.result);
    }
    await queueUploads(trx, plans, rows, results, now, actor, events);
    await orderStore.appendEvents(trx, events);
    return results;
  });
}

/** What the checks read under the orders' locks: the orders, their shops' connections and queued uploads, the uses. */
async function readShipmentFacts(
  ctx: AppContext,
  trx: Executor,
  inputs: ShipParcelInput[],
  now: number,
): Promise<ShipmentFacts> {
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
  return { now, byId, connections, queued, numbers, uses, parcels };
}

/** Creates the parcels of the plans that have none, and sets them on their plans; returns those plans. */
async function createParcels(trx: Executor, plans: ShipmentPlan[], now: number): Promise<ShipmentPlan[]> {
  const fresh = plans.filter((plan) => !plan.parcel);
  for (let i = 0; i < fresh.length; i += 500) {
    const chunk = fresh.slice(i, i + 500);
    const inserted = await trx
      .insertInto('parcels')
      .values(chunk.map((plan) => newParcelRow(plan.order, now)))
      .returningAll()
      .execute();
    // Ids are drawn in VALUES order within one statement; RETURNING's row order is not promised, so sort by id.
    inserted.sort((a, b) => a.id - b.id).forEach((parcel, j) => (chunk[j]!.parcel = parcel));
  }
  return fresh;
}

/**
 * One plan's parcel moved along its path and given its number (the moves on the timeline, in `events`); returns its
 * upload row, not yet inserted, and its result, without the upload's id.
 */
async function shipParcel(
  trx: Executor,
  plan: ShipmentPlan,
  isNew: boolean,
  now: number,
  actor: string,
  events: NewOrderEventRow[],
): Promise<{ row: NewOutboxRow; result: ShippedParcel }> {
  const parcel = plan.parcel!;
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
  const row = outbox.newOutboxRow(
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
  );
  const result: ShippedParcel = {
    orderId: plan.order.id,
    parcelId: parcel.id,
    outboxId: 0,
    sendType,
    uploadStatus: held ? 'held' : 'pending',
    warnings: plan.warnings,
  };
  return { row, result };
}

/** Inserts the uploads (one already queued refuses the whole request), their ids into the results, on the timeline. */
async function queueUploads(
  trx: Executor,
  plans: ShipmentPlan[],
  rows: NewOutboxRow[],
  results: ShippedParcel[],
  now: number,
  actor: string,
  events: NewOrderEventRow[],
): Promise<void> {
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
    await orderStore.appendEvents(trx, events);
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
