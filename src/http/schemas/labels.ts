/**
 * Labels and prints (http/routes/labels.ts): the label cost share, the carrier quotes (app/quotes.ts presentQuotes),
 * the labels bought, a tracking number typed in, and the hand-over.
 */
import { anyValue, bool, items, list, num, numOrNull, object, orNull, ref, str, strOrNull } from './common';

const localized = ref('Localized');
const money = ref('Money');
const boolOrNull = { type: ['boolean', 'null'] };
const reason = object({ code: str, message: localized });

const QuoteCandidate = object({
  service: str,
  name: localized,
  chosen: bool,
  cost: orNull(money),
  /** `platform`: the marketplace's own estimate (online logistics); `contract` / `sample`: the rate card's. */
  cost_source: strOrNull,
  chargeable_g: numOrNull,
  pickup_at: strOrNull,
  arrival_p50_at: strOrNull,
  arrival_p90_at: strOrNull,
  dropped_because: list(reason),
});

const ParcelQuote = object({
  parcel_id: num,
  status: str,
  box: strOrNull,
  outer_mm: orNull(list(num)),
  gross_weight_g: numOrNull,
  contents: list(object({ sku: str, quantity: num })),
  chosen: strOrNull,
  marketplace_service: strOrNull,
  basis: strOrNull,
  /** The seller rule that chose the service, as stored. */
  rule: anyValue,
  cost: orNull(money),
  cost_source: strOrNull,
  pickup_at: strOrNull,
  arrival_p90_at: strOrNull,
  promise_kept: boolOrNull,
  explanation: localized,
  pricing: localized,
  /** Every service looked at, with its cost and arrival, and why it was not chosen. */
  candidates: list(ref('QuoteCandidate')),
  skipped_rules: list(object({ id: anyValue, name: strOrNull, service: str, reasons: list(reason) })),
});

const OrderQuotes = object({
  order: object({
    id: num,
    platform_order_id: str,
    destination: strOrNull,
    ship_by_at: strOrNull,
    logistics_service: strOrNull,
  }),
  source: str,
  buyer_logistics_class: strOrNull,
  promise: object({ at: strOrNull, days: numOrNull, source: strOrNull, explanation: localized }),
  message: localized,
  parcels: list(ref('ParcelQuote')),
});

const IssuedLabel = object({
  parcel_id: num,
  tracking_number: str,
  carrier: str,
  service: str,
  marketplace_service: str,
  routing_code: strOrNull,
  cost: orNull(money),
  /** `pending` / `held` when queued for upload, `uploaded` once the marketplace has it; `not_connected` without a connection. */
  upload: str,
  checks: list(object({ id: str, result: str, message: localized, confirmable: bool }, ['confirmable'])),
  warnings: list(localized),
});

export const LABEL_SCHEMAS = { QuoteCandidate, ParcelQuote, OrderQuotes, IssuedLabel };

export const costShare = object({ percent: num, default: bool });
export const issuedLabels = items(ref('IssuedLabel'));
export const shipmentRecorded = object({
  order_id: num,
  parcel_id: num,
  outbox_id: num,
  send_type: str,
  upload_status: str,
  warnings: list(localized),
});
export const handedOver = object({
  order_id: num,
  platform_order_id: str,
  status: str,
  complete: bool,
  parcels: list(object({ parcel_id: num, tracking_number: strOrNull })),
  message: localized,
});
