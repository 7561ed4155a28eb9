/** Tables of tracking, receipt and after-sales (migration 0005, issue 7). */
import type { Generated, Insertable, Selectable } from 'kysely';

/** A tracking provider shipby listens to (webhooks) and may poll. */
export interface TrackingProvidersTable {
  /** The name in the webhook URL: POST /tracking/webhooks/:name. */
  name: string;
  /** `seventeen` (17TRACK) or `aftership` (AfterShip). */
  kind: string;
  /** Base URL for polling; null: webhooks only. */
  base_url: string | null;
  api_key: string | null;
  /** The HMAC key webhooks are signed with (needed in clear to verify; never returned by the API). */
  webhook_secret: string;
  /** 1: new parcels are polled through this provider. */
  polls: number;
  /** JSON: the polling cadence over the defaults (core/tracking-poll.ts). */
  cadence: string | null;
  /** The provider API version spoken (17TRACK `v2.4` | `v2.2`, AfterShip `2025-01` …); null: the current one. Migration 0017. */
  api_version: string | null;
  created_at: number;
  updated_at: number;
}

/** A webhook delivery as received, stored before it is answered; processed from here. */
export interface TrackingDeliveriesTable {
  id: Generated<number>;
  provider: string;
  received_at: number;
  /**
   * The delivery's identity with its provider (AfterShip's `event_id`, else the signature header, itself a digest of
   * the body): a replay carries the same one and is not taken twice.
   */
  signature: string;
  /** When it was received (neither provider sends a signing time). */
  signed_at: number;
  body: string;
  /** `pending` | `processed` | `failed` | `dead` | `malformed`. */
  status: string;
  attempts: number;
  lease_until: number | null;
  /** The process holding the lease (store/leases.ts owner id); null when not leased. Migration 0012. */
  lease_owner: string | null;
  processed_at: number | null;
  events: number | null;
  error: string | null;
  /** JSON {set_aside: [{number, index, reason}], flagged: [{number, key, flag}]}. Migration 0017. */
  notes: string | null;
}

/** A parcel being polled: one claim per parcel across processes (migration 0017). */
export interface TrackingPollClaimsTable {
  parcel_id: number;
  /** store/leases.ts owner id. */
  owner: string;
  until: number;
}

/** One carrier event, unique by (tracking number, carrier, event key); parcel_id null = kept aside for matching. */
export interface TrackingEventsTable {
  id: Generated<number>;
  tracking_number: string;
  carrier: string;
  event_key: string;
  provider: string;
  parcel_id: number | null;
  occurred_at: number;
  status: string;
  raw_status: string | null;
  raw_substatus: string | null;
  description: string | null;
  location: string | null;
  destination_country: string | null;
  received_at: number;
}

/** A parcel's tracking state: the fold of its events (core/tracking-status.ts) and its polling schedule. */
export interface ParcelTrackingTable {
  parcel_id: number;
  tracking_number: string;
  provider: string | null;
  status: string | null;
  phase: number;
  status_at: number | null;
  status_rank: number;
  status_key: string;
  raw_status: string | null;
  raw_substatus: string | null;
  description: string | null;
  location: string | null;
  first_scan_at: number | null;
  last_event_at: number | null;
  delivered_at: number | null;
  returned_at: number | null;
  destination_country: string | null;
  destination_key: string;
  open_problems: number;
  registered_at: number;
  next_poll_at: number | null;
  last_polled_at: number | null;
  polls: number;
  updated_at: number;
  /** Optimistic lock of the ingestion. */
  version: Generated<number>;
}

/** A problem raised once per (order, key): parcel problems and order-level ones (extension proposals). */
export interface TrackingProblemsTable {
  id: Generated<number>;
  order_id: number;
  parcel_id: number | null;
  shop_id: string;
  problem_key: string;
  kind: string;
  level: string;
  detected_at: number;
  resolved_at: number | null;
  /** JSON Localized. */
  message: string;
  /** JSON Localized: what to do. */
  action: string;
  data: string | null;
}

/** What the receipt clock of an order needs beyond the order row. */
export interface OrderReceiptsTable {
  order_id: number;
  /** The promised delivery days the order gave (`freight_commit_day`); null: fallback by class. */
  freight_commit_days: number | null;
  extension_days: number;
  /** Computed when the order was last shipped (and again on every change of the terms). */
  last_shipped_at: number | null;
  auto_confirm_at: number | null;
  updated_at: number;
}

export interface AfterSalesCasesTable {
  id: Generated<number>;
  order_id: number;
  shop_id: string;
  kind: string;
  state: string;
  /** `manual` | `sync`. */
  source: string;
  platform_case_id: string | null;
  reason: string;
  opened_at: number;
  opened_by: string;
  respond_by: number;
  responded_at: number | null;
  outcome: string | null;
  refunded_amount: number | null;
  currency: string;
  resolved_at: number | null;
  version: number;
  updated_at: number;
}

export interface AfterSalesEvidenceTable {
  id: Generated<number>;
  case_id: number;
  /** `tracking_snapshot` | `photo` | `note`. */
  kind: string;
  /** Under the data dir, for files. */
  file_path: string | null;
  sha256: string | null;
  content: string | null;
  added_at: number;
  added_by: string;
  /** The stored file's size (photos; migration 0019): what counts toward the shop's quota. */
  size_bytes: number | null;
}

/** A number to register with a provider, kept until the provider took or refused it (retried with backoff). */
export interface TrackingRegistrationsTable {
  /** The queue's key (migration 0028); provider and number are unique too. */
  id: Generated<number>;
  provider: string;
  tracking_number: string;
  carrier: string | null;
  /**
   * pending (to send, or to send again at next_attempt_at; leased while lease_until is ahead), registered, refused
   * (the provider's reason in last_error), dead (failed REGISTRATION_MAX_ATTEMPTS times; the last failure in last_error).
   */
  status: string;
  /** Claims so far (each claim counts one). */
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  /** The process holding the row (migration 0028); null: not leased. */
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface TrackingTables {
  tracking_registrations: TrackingRegistrationsTable;
  tracking_providers: TrackingProvidersTable;
  tracking_deliveries: TrackingDeliveriesTable;
  tracking_poll_claims: TrackingPollClaimsTable;
  tracking_events: TrackingEventsTable;
  parcel_tracking: ParcelTrackingTable;
  tracking_problems: TrackingProblemsTable;
  order_receipts: OrderReceiptsTable;
  after_sales_cases: AfterSalesCasesTable;
  after_sales_evidence: AfterSalesEvidenceTable;
}

export type TrackingProviderRow = Selectable<TrackingProvidersTable>;
export type TrackingEventRow = Selectable<TrackingEventsTable>;
export type NewTrackingEventRow = Insertable<TrackingEventsTable>;
export type ParcelTrackingRow = Selectable<ParcelTrackingTable>;
export type TrackingProblemRow = Selectable<TrackingProblemsTable>;
export type AfterSalesCaseRow = Selectable<AfterSalesCasesTable>;
export type AfterSalesEvidenceRow = Selectable<AfterSalesEvidenceTable>;
