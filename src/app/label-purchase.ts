/**
 * The label flow's carrier side (label-steps.ts `buy the label` and its undo): buy the parcel's label with the key of
 * its next attempt, or resume the one a dead process bought; void a label quietly; whether its number is in use (then
 * it is never voided); and the carrier's refusal or silence as the seller reads it.
 */
import { labelKey } from '../core/carrier/label-key';
import type { CarrierService } from '../core/carrier/types';
import { localized } from '../core/i18n';
import {
  CarrierRefusedError,
  CarrierUnavailableError,
  type CarrierAdapter,
  type CreatedLabel,
} from '../integrations/carriers/types';
import * as outbox from '../store/outbox';
import type { OrderRow } from '../store/schema';
import type { ParcelLabelRow, ShopSenderRow } from '../store/schema-packing';
import type { AppContext } from './context';
import { ConflictError } from './errors';
import { senderAddress } from './label-printing';
import type { PlannedParcel } from './pack';
import type { UploadPayload } from './shipments';

function carrierProblem(error: unknown): ConflictError {
  if (error instanceof CarrierRefusedError) {
    return new ConflictError(
      'carrier.refused',
      localized(
        `The carrier refused: ${error.message} (${error.code}).`,
        `承运商拒绝：${error.message}（${error.code}）。`,
      ),
    );
  }
  if (error instanceof CarrierUnavailableError) {
    return new ConflictError(
      'carrier.unavailable',
      localized(
        `The carrier could not be reached: ${error.message}. Nothing was labelled; try again.`,
        `无法连接承运商：${error.message}。未生成面单，请重试。`,
      ),
    );
  }
  return error as ConflictError;
}

export async function voidQuietly(adapter: CarrierAdapter, labelId: string): Promise<string | null> {
  try {
    await adapter.void(labelId);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The parcel's label from the carrier. A row left `issued` (bought, checked, not yet on the parcel: the
 * process died) is resumed as it is; otherwise the carrier is called with the key of the next attempt — the same
 * key as an attempt whose answer was lost, so the carrier returns that label rather than selling a second one.
 */
export async function obtainLabel(
  ctx: AppContext,
  order: OrderRow,
  parcel: PlannedParcel,
  service: CarrierService,
  adapter: CarrierAdapter,
  sender: ShopSenderRow,
  platformService: string | undefined,
): Promise<{ created: CreatedLabel; resumed: ParcelLabelRow | null; key: string }> {
  const rows = await ctx.store.db
    .selectFrom('parcel_labels')
    .selectAll()
    .where('parcel_id', '=', parcel.parcelId)
    .orderBy('id')
    .execute();
  const unfinished = rows.find((row) => row.status === 'issued');
  if (unfinished) {
    const created: CreatedLabel = {
      trackingNumber: unfinished.tracking_number,
      carrierLabelId: unfinished.carrier_label_id,
      routingCode: unfinished.routing_code,
      cost:
        unfinished.cost !== null && unfinished.currency
          ? { amount: unfinished.cost, currency: unfinished.currency }
          : null,
    };
    return {
      created,
      resumed: unfinished,
      key: unfinished.idempotency_key ?? `shipby-parcel-${parcel.parcelId}-${rows.indexOf(unfinished) + 1}`,
    };
  }
  const key = labelKey(order.platform_order_id, parcel.parcelId, rows.length + 1);
  try {
    const created = await adapter.createLabel({
      service: service.code,
      reference: order.platform_order_id,
      idempotencyKey: key,
      sender: senderAddress(sender),
      recipient: {
        name: order.buyer_name,
        line1: order.address_line1,
        line2: order.address_line2,
        state: order.state,
        city: order.city,
        postcode: order.postcode,
        country: order.buyer_country,
        phone: order.phone,
      },
      grossWeightG: parcel.measuredG ?? parcel.expectedGrossG,
      dimsMm: parcel.outerMm,
      declaredValue: { amount: order.total_amount, currency: order.currency },
      contents: parcel.contents,
      ...(platformService ? { platformService } : {}),
    });
    return { created, resumed: null, key };
  } catch (error) {
    throw carrierProblem(error);
  }
}

/**
 * Whether a label's number is on a parcel or queued for upload for the order: then the label is real, and voiding it
 * would make that number a false shipment.
 */
export async function numberInUse(ctx: AppContext, orderId: number, number: string): Promise<boolean> {
  const db = ctx.store.db;
  const onParcel = await db
    .selectFrom('parcels')
    .select('id')
    .where('tracking_number', '=', number)
    .where('status', '!=', 'voided')
    .executeTakeFirst();
  if (onParcel) return true;
  return (await outbox.uploadsOfOrders(db, [orderId])).some(
    (u) => (JSON.parse(u.payload) as UploadPayload).trackingNumber === number,
  );
}
