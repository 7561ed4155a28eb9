/**
 * One parcel's labelling: what labels.ts settles before its steps run (label-steps.ts) and what they learn on the way
 * (`ParcelLabelling`), the label they buy (`BoughtLabel`) and its row, and the answer once every step went through
 * (`labelledParcel`).
 */
import type { CarrierService } from '../core/carrier/types';
import type { Localized } from '../core/i18n';
import type { buyerLogisticsClassOf } from '../core/shipping-facts';
import type { TrackingCheck, TrackingNumberReport } from '../core/tracking/number-check';
import type { CarrierAdapter, CreatedLabel } from '../integrations/carriers/types';
import type { OrderRow } from '../store/schema';
import type { ParcelLabelRow, ShopSenderRow } from '../store/schema-packing';
import type { ShippingCatalog } from './carrier-contracts';
import type { AppContext } from './context';
import type { PlannedParcel } from './pack';

export interface LabelledParcel {
  parcelId: number;
  trackingNumber: string;
  carrier: string;
  service: string;
  marketplaceService: string;
  routingCode: string | null;
  cost: { amount: number; currency: string } | null;
  /** `pending` / `held` when queued for upload, `uploaded` once the marketplace has it; `not_connected` when the shop has no marketplace connection. */
  upload: 'pending' | 'held' | 'uploaded' | 'not_connected';
  checks: TrackingCheck[];
  warnings: Localized[];
}

/** One parcel's labelling: what the request settled, then what the steps learn. */
export interface ParcelLabelling {
  ctx: AppContext;
  order: OrderRow;
  parcel: PlannedParcel;
  actor: string;
  /** The service chosen for the parcel (label-service.ts), its carrier's adapter and the shop's sender. */
  wanted: CarrierService;
  adapter: CarrierAdapter;
  sender: ShopSenderRow;
  catalog: ShippingCatalog;
  servicesByCode: ReadonlyMap<string, CarrierService>;
  buyerClass: ReturnType<typeof buyerLogisticsClassOf>;
  override: string | undefined;
  /** The shop has a marketplace connection (else the number is not uploaded: the seller does it by hand). */
  connected: boolean;
  /** The order's last parcel: its upload is declared `all`. */
  lastParcel: boolean;
  // What the steps learn.
  bought?: BoughtLabel;
  report?: TrackingNumberReport;
  labelId?: number;
  upload: LabelledParcel['upload'];
  warnings: Localized[];
}

/** What `buy the label` got: the carrier's label (or the one a dead process bought) and its service. */
export interface BoughtLabel {
  created: CreatedLabel;
  /** The row of a label bought by a process that died before it was used. */
  resumed: ParcelLabelRow | null;
  key: string;
  service: CarrierService;
  marketplaceService: string;
  /** The tracking number, normalised. */
  number: string;
}

/** The answer for one labelled parcel, once every step went through. */
export function labelledParcel(s: ParcelLabelling): LabelledParcel {
  const bought = s.bought!;
  return {
    parcelId: s.parcel.parcelId,
    trackingNumber: bought.number,
    carrier: bought.service.carrier,
    service: bought.service.code,
    marketplaceService: bought.marketplaceService,
    routingCode: bought.created.routingCode,
    cost: bought.created.cost,
    upload: s.upload,
    checks: s.report!.checks,
    warnings: s.warnings,
  };
}

export function labelRow(
  s: ParcelLabelling,
  bought: BoughtLabel,
  status: 'issued' | 'voided',
  problem: string | null,
  now: number,
): Omit<ParcelLabelRow, 'id'> {
  const { created, service } = bought;
  return {
    parcel_id: s.parcel.parcelId,
    order_id: s.order.id,
    carrier: service.carrier,
    service: service.code,
    marketplace_service: bought.marketplaceService,
    tracking_number: bought.number,
    carrier_label_id: created.carrierLabelId,
    routing_code: created.routingCode,
    cost: created.cost?.amount ?? null,
    currency: created.cost?.currency ?? null,
    status,
    problem,
    created_at: now,
    updated_at: now,
    voided_at: status === 'voided' ? now : null,
    idempotency_key: bought.key,
  };
}

/** What the number check needs of a carrier service (its format, class and S10 indicator). */
export function serviceToCheck(service: CarrierService) {
  return {
    code: service.code,
    name: service.name,
    logisticsClass: service.logisticsClass,
    ...(service.s10IndicatorFirstLetters ? { s10IndicatorFirstLetters: service.s10IndicatorFirstLetters } : {}),
  };
}
