/**
 * Table types for Kysely. Instants are epoch ms (BIGINT on PostgreSQL, INTEGER on SQLite);
 * money is integer minor units. JSON payloads are stored as text so both dialects read them alike.
 */
import type { PlannedEvent } from '../core/timeline';
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AccountTables } from './schema-accounts';
import type { DeadlineTables } from './schema-deadlines';
import type { LeaseTables } from './schema-leases';
import type { ImportStagingTables } from './schema-imports';
import type { PackingTables } from './schema-packing';
import type { PlanningTables } from './schema-planning';
import type { ReliabilityTables } from './schema-reliability';
import type { StockTables } from './schema-stock';
import type { TrackingTables } from './schema-tracking';

export interface ShopsTable {
  id: string;
  name: string;
  platform: string;
  created_at: number;
  /** The shop's policy choice (migration 0004): default policy id, JSON {orderType: policyId}, JSON overrides per policy. */
  policy_id: string | null;
  policy_by_type: string | null;
  policy_overrides: string | null;
  /** Migration 0009: the account that owns the shop. */
  account_id: Generated<string>;
  /** Migration 0023: a label costing more than this share (%) of the order's value asks first; null = 30. */
  label_cost_confirm_percent: number | null;
}

export interface OrdersTable {
  id: Generated<number>;
  shop_id: string;
  platform: string;
  platform_order_id: string;
  status: string;
  platform_status: string | null;
  currency: string;
  total_amount: number;
  buyer_name: string;
  buyer_country: string;
  address_line1: string;
  /** Migration 0025: the second address line and the state or province, null when the order has none. */
  address_line2: string | null;
  state: string | null;
  city: string;
  postcode: string | null;
  phone: string | null;
  handling_days: number | null;
  logistics_service: string | null;
  paid_at: number;
  risk_passed_at: number | null;
  ship_by_at: number | null;
  ship_by_source: string | null;
  platform_ship_by_at: number | null;
  accepted_at: number | null;
  packed_at: number | null;
  handed_over_at: number | null;
  tracking_uploaded_at: number | null;
  first_scan_at: number | null;
  /** Receipt at the platform's warehouse (self-send), recorded by hand or from the platform. Migration 0014. */
  warehouse_received_at: number | null;
  delivered_at: number | null;
  receipt_confirmed_at: number | null;
  cancelled_at: number | null;
  closed_at: number | null;
  /** Migration 0015: a buyer's cancellation request, the seller's answer (`accepted` | `refused`) and when. */
  cancel_requested_at: number | null;
  cancel_answered_at: number | null;
  cancel_answer: string | null;
  /** Migration 0015: who cancelled it (`seller` | `buyer` | `platform`); null on older rows (read as the seller). */
  cancelled_by: string | null;
  content_hash: string;
  version: number;
  created_at: number;
  updated_at: number;
  /** Migration 0004: the order type that picks the shop's policy, and the policy version the deadline follows. */
  order_type: string | null;
  policy_id: string | null;
  policy_version: number | null;
  /** Migration 0023: held by the seller (not packed or labelled until released), when and why. */
  held_at: number | null;
  hold_reason: string | null;
}

export interface OrderLinesTable {
  id: Generated<number>;
  order_id: number;
  line_no: number;
  sku: string;
  quantity: number;
  unit_price: number;
}

export interface ParcelsTable {
  id: Generated<number>;
  order_id: number;
  shop_id: string;
  status: string;
  carrier: string | null;
  service: string | null;
  tracking_number: string | null;
  weight_g: number | null;
  /** Migration 0015: the weight the platform's warehouse found (semi-managed), beside `weight_g`, the declared one. */
  warehouse_weight_g: number | null;
  packed_at: number | null;
  labelled_at: number | null;
  handed_over_at: number | null;
  tracking_uploaded_at: number | null;
  first_scan_at: number | null;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
}

/** An order's timeline row: the columns of core's planned event (core/tracking/plan.ts `PlannedEvent`) and its id. */
export interface OrderEventsTable extends PlannedEvent {
  id: Generated<number>;
}

export interface Database
  extends DeadlineTables,
    StockTables,
    TrackingTables,
    PackingTables,
    AccountTables,
    PlanningTables,
    LeaseTables,
    ReliabilityTables,
    ImportStagingTables {
  shops: ShopsTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  parcels: ParcelsTable;
  order_events: OrderEventsTable;
  marketplace_connections: MarketplaceConnectionsTable;
  marketplace_orders: MarketplaceOrdersTable;
  outbox: OutboxTable;
  marketplace_outages: MarketplaceOutagesTable;
  authorisation_requests: AuthorisationRequestsTable;
}

/** One outage of a marketplace as the outbox saw it; open while `ended_at` is null (one open per platform). */
export interface MarketplaceOutagesTable {
  id: Generated<number>;
  platform: string;
  started_at: number;
  ended_at: number | null;
  failures: number;
  last_error: string | null;
  updated_at: number;
}

export type OrderRow = Selectable<OrdersTable>;
export type NewOrderRow = Insertable<OrdersTable>;
export type OrderUpdate = Updateable<OrdersTable>;
export type OrderLineRow = Selectable<OrderLinesTable>;
export type ParcelRow = Selectable<ParcelsTable>;
export type OrderEventRow = Selectable<OrderEventsTable>;
export type NewOrderEventRow = Insertable<OrderEventsTable>;

/** A shop's marketplace API access (issue 6). Secrets are AES-256-GCM ciphertexts (app/secrets.ts), never plain. */
export interface MarketplaceConnectionsTable {
  shop_id: string;
  platform: string;
  app_key: string;
  app_secret_enc: string;
  access_token_enc: string;
  /** `iop` or `top`. */
  gateway_protocol: string;
  /** null = the platform's public gateway. */
  gateway_url: string | null;
  /** When tracking numbers are uploaded: `label` | `first_scan` | `early` (core/upload-rules.ts). */
  upload_timing: string;
  /** Orders modified up to this instant have been synced (the next run starts a little before it). */
  sync_cursor_at: number | null;
  /** A sync run holds the shop until then, so two processes never sync one shop at once. */
  sync_lease_until: number | null;
  last_sync_at: number | null;
  /** JSON: counts and problems of the last run. */
  last_sync_report: string | null;
  created_at: number;
  updated_at: number;
  /** Issue 15 (migration 0020): the refresh token (ciphertext), null for a pasted access token. */
  refresh_token_enc: Generated<string | null>;
  /** When the access token expires; null = unknown (a pasted token, never refreshed). */
  access_expires_at: Generated<number | null>;
  /** When the refresh token stops working (0: the platform says it cannot be refreshed). */
  refresh_expires_at: Generated<number | null>;
  token_issued_at: Generated<number | null>;
  /** The seller's account at the platform, as its token answer named it. */
  seller_account: Generated<string | null>;
  /** `authorised` | `paused` (core/shop-authorisation.ts). */
  auth_state: Generated<string>;
  auth_paused_at: Generated<number | null>;
  /** JSON Localized: why the shop is paused, what to do. */
  auth_paused_reason: Generated<string | null>;
}

/** An authorisation started (dashboard Connect, or a printed URL): its `state` hashed, single use, short-lived. */
export interface AuthorisationRequestsTable {
  state_hash: string;
  shop_id: string;
  platform: string;
  /** Hash of the starting browser's cookie nonce; null = not bound to a browser (a terminal's URL). */
  binding_hash: string | null;
  redirect_uri: string;
  actor: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** What the sync learnt about a platform order beyond the order itself: who to message, and when it last changed. */
export interface MarketplaceOrdersTable {
  order_id: number;
  shop_id: string;
  buyer_login_id: string | null;
  seller_login_id: string | null;
  platform_modified_at: number | null;
  synced_at: number;
}

/**
 * The transactional outbox: a marketplace write (a tracking upload, a buyer notice) is a row written in the same
 * transaction as the change that calls for it, and a worker delivers it.
 */
export interface OutboxTable {
  id: Generated<number>;
  /** `upload_tracking` | `buyer_notice`. */
  kind: string;
  shop_id: string;
  order_id: number;
  parcel_id: number | null;
  /** One row per thing to deliver (e.g. `upload:<parcel id>`): a repeated request cannot queue it twice. */
  dedupe_key: string;
  /** JSON: what to send (platform order id, tracking number, service, …). */
  payload: string;
  /** Uploads only: `part` | `all`; an `all` waits until every other upload of its order is delivered. */
  send_type: string | null;
  /** `held` | `pending` | `in_flight` | `delivered` | `dead` | `refused` | `cancelled`. */
  status: string;
  /** Queue order: the ship-by deadline (earliest first). */
  priority_at: number;
  next_attempt_at: number;
  attempts: number;
  /** 1 when the last attempt's outcome is unknown: read the platform's order back before sending again. */
  needs_readback: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  done_at: number | null;
}

export type MarketplaceConnectionRow = Selectable<MarketplaceConnectionsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;
