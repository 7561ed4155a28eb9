/**
 * Tables of pack and ship (migration 0006, issue 5): the shop's box catalogue, each seller SKU's size and weight,
 * the shop's sender address, imported carrier contract services and seller shipping rules, carrier accounts,
 * what each parcel holds and in which box, scan-to-pack sessions and their scans, carrier labels, buyer notes.
 */
import type { Generated, Selectable } from 'kysely';

/** A box a shop packs into. Money in minor units of `currency`; sizes in mm, weights in grams. */
export interface BoxesTable {
  shop_id: string;
  code: string;
  inner_length_mm: number;
  inner_width_mm: number;
  inner_height_mm: number;
  /** null: the outer size is taken as the inner one. */
  outer_length_mm: number | null;
  outer_width_mm: number | null;
  outer_height_mm: number | null;
  /** Gross: contents + tare. */
  max_weight_g: number;
  tare_g: number;
  cost: number;
  currency: string;
  /** 0: kept for history, not offered to the packer. */
  active: number;
  created_at: number;
  updated_at: number;
}

/** Size and weight of one unit of a seller SKU (the stock catalogue's unit), and the barcode printed on it. */
export interface SkuDimensionsTable {
  sku: string;
  length_mm: number;
  width_mm: number;
  height_mm: number;
  weight_g: number;
  /** The item's own barcode (EAN/UPC…); the SKU itself is always accepted too. */
  barcode: string | null;
  /** `none` | `contained` | `standalone` (core/carrier/types.ts BATTERY_KINDS). */
  batteries: string;
  liquids: number;
  updated_at: number;
}

/** The return address printed on a shop's labels. */
export interface ShopSendersTable {
  shop_id: string;
  name: string;
  address_line1: string;
  address_line2: string | null;
  city: string;
  postcode: string | null;
  country: string;
  phone: string | null;
  updated_at: number;
}

/** A carrier service imported from a contract rate sheet: the validated `CarrierService` as JSON. */
export interface CarrierServicesTable {
  code: string;
  carrier: string;
  /** JSON: core/carrier/types.ts CarrierService. */
  definition: string;
  /** The marketplace's logistics service key declared with the number (e.g. CPAM); null: the service code. */
  marketplace_service: string | null;
  /** The file it came from. */
  source: string;
  imported_at: number;
}

/** The seller's shipping rules in their order (first match wins): core/carrier/rules.ts ShippingRule as JSON. */
export interface ShippingRulesTable {
  position: number;
  rule_id: string;
  definition: string;
  updated_at: number;
}

/** Where a carrier's API is reached (the sample carrier, or a real one behind the same adapter interface). */
export interface CarrierAccountsTable {
  /** The tracking carrier code (`china-post`, `cainiao`, …) or `*` for every carrier without its own row. */
  carrier: string;
  /** The adapter that speaks to it: `yunexpress` or `4px` (integrations/carriers/index.ts). */
  protocol: string;
  base_url: string;
  /** The account at the carrier: YunExpress customer code, 4PX app key (not a secret). */
  account_id: string;
  /** The API / app secret, encrypted with SHIPBY_MASTER_KEY (app/secrets.ts, context `carrier:<carrier>:secret`). */
  secret_enc: string;
  created_at: number;
  updated_at: number;
}

/** What a parcel holds and in which box; its expected and measured weight. One row per parcel planned by `pack`. */
export interface ParcelPackagesTable {
  parcel_id: number;
  order_id: number;
  box_code: string;
  outer_length_mm: number;
  outer_width_mm: number;
  outer_height_mm: number;
  /** JSON: [{sku, quantity}] in seller SKUs. */
  contents: string;
  content_weight_g: number;
  expected_gross_g: number;
  box_cost: number;
  currency: string;
  measured_g: number | null;
  /** `pending` | `ok` | `held` (outside tolerance: stopped for a check) | `overridden` (accepted with a reason). */
  weight_status: string;
  weight_note: string | null;
  created_at: number;
  updated_at: number;
}

/** A scan-to-pack session: open while the order is being packed (status scanning, weighing or held). */
export interface PackSessionsTable {
  id: Generated<number>;
  order_id: number;
  shop_id: string;
  /** `scanning` | `weighing` | `held` | `done` | `cancelled`. */
  status: string;
  current_parcel_id: number | null;
  station: string | null;
  packer: string | null;
  /** Weight tolerance: ± max(tolerance_min_g, expected × tolerance_bp / 10000). */
  tolerance_bp: number;
  tolerance_min_g: number;
  started_at: number;
  updated_at: number;
  finished_at: number | null;
  version: number;
}

/** Every scan, accepted or refused: the audit of a session and the measure of packing times. */
export interface PackScansTable {
  id: Generated<number>;
  session_id: number;
  parcel_id: number | null;
  at: number;
  code: string;
  /** The seller SKU the code was read as (null: unknown code). */
  sku: string | null;
  accepted: number;
  /** Refusal code: `wrong-item` | `too-many` | `unknown-code`. */
  refusal: string | null;
  actor: string;
}

/** A label the carrier issued for a parcel; voided at the carrier when shipby could not use its number. */
/** The carrier's own label PDF as it returned it, one per label row (re-printed as the carrier made it). */
export interface LabelDocumentsTable {
  label_id: number;
  parcel_id: number;
  content_type: string;
  bytes: Buffer;
  sha256: string;
  fetched_at: number;
}

export interface ParcelLabelsTable {
  id: Generated<number>;
  parcel_id: number;
  order_id: number;
  carrier: string;
  service: string;
  marketplace_service: string;
  tracking_number: string;
  carrier_label_id: string;
  routing_code: string | null;
  cost: number | null;
  currency: string | null;
  /** `issued` (number received, not yet on the parcel) | `active` | `voided`. */
  status: string;
  problem: string | null;
  created_at: number;
  updated_at: number;
  voided_at: number | null;
  /** The key the carrier was called with (unique): one carrier label, one row. null before migration 0012. */
  idempotency_key: string | null;
}

/** The buyer's note to the seller (printed on the packing slip). */
export interface OrderNotesTable {
  order_id: number;
  buyer_note: string;
  updated_at: number;
}

export interface PackingTables {
  boxes: BoxesTable;
  sku_dimensions: SkuDimensionsTable;
  shop_senders: ShopSendersTable;
  carrier_services: CarrierServicesTable;
  shipping_rules: ShippingRulesTable;
  carrier_accounts: CarrierAccountsTable;
  parcel_packages: ParcelPackagesTable;
  pack_sessions: PackSessionsTable;
  pack_scans: PackScansTable;
  parcel_labels: ParcelLabelsTable;
  label_documents: LabelDocumentsTable;
  order_notes: OrderNotesTable;
}

export type BoxRow = Selectable<BoxesTable>;
export type SkuDimensionsRow = Selectable<SkuDimensionsTable>;
export type ShopSenderRow = Selectable<ShopSendersTable>;
export type CarrierServiceRow = Selectable<CarrierServicesTable>;
export type CarrierAccountRow = Selectable<CarrierAccountsTable>;
export type ParcelPackageRow = Selectable<ParcelPackagesTable>;
export type PackSessionRow = Selectable<PackSessionsTable>;
export type PackScanRow = Selectable<PackScansTable>;
export type ParcelLabelRow = Selectable<ParcelLabelsTable>;
