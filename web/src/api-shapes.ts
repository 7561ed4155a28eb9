/**
 * The shapes the API answers for accounts, the pack station, parcels, purchase orders and the audit log (see /docs);
 * api.ts re-exports them, so screens import every shape from there.
 */
import type { Localized, Money } from './api';

// ---- Accounts and access ----

export type Permission =
  | 'orders:read'
  | 'orders:write'
  | 'stock:read'
  | 'stock:write'
  | 'parcels:read'
  | 'pack'
  | 'settings:read'
  | 'settings:write'
  | 'owner';
export type Role = 'owner' | 'manager' | 'packer' | 'viewer';

/** Who is signed in (GET /auth/session, POST /auth/login): the shops, with the role and permissions in each. */
export interface Session {
  kind: 'user' | 'key';
  name: string;
  account_id: string;
  account_owner: boolean;
  shops: Array<{ id: string; role: Role; permissions: Permission[] }>;
  csrf_token: string | null;
}

export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  shops: string[];
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  last_used_ip: string | null;
  revoked_at: string | null;
}

export interface NewApiKey {
  id: number;
  key: string;
  prefix: string;
  warning: Localized;
}

// ---- Pack station ----

export interface PackItemProgress {
  sku: string;
  expected: number;
  scanned: number;
  remaining: number;
  /** Where the SKU is kept in the warehouse (null: no bin set). */
  bin: string | null;
}

export interface PlannedParcel {
  parcel_id: number;
  position: number;
  of: number;
  status: string;
  box: string;
  contents: Array<{ sku: string; quantity: number }>;
  expected_gross_g: number;
  measured_g: number | null;
  weight_status: string | null;
}

export interface PackSession {
  id: number;
  order_id: number;
  platform_order_id: string;
  shop_id: string;
  ship_by_at: string | null;
  status: string;
  being_packed: boolean;
  station: string | null;
  packer: string | null;
  tolerance: { percent: number; min_g: number };
  current_parcel: null | {
    parcel_id: number;
    position: number;
    of: number;
    box: string;
    items: PackItemProgress[];
    remaining: Localized;
    expected_gross_g: number;
    weight_range: { min_g: number; max_g: number };
  };
  parcels: PlannedParcel[];
}

export interface PackAnswer {
  message: Localized;
  session: PackSession;
}

export interface PlanJob {
  order_id: number;
  platform_order_id: string;
  shop_id: string;
  position: number;
  start: string;
  ship_by_at: string;
  lateness_minutes: number;
}

export interface WorkPlan {
  jobs: number;
  stations: Array<{ station: string; queue: PlanJob[] }>;
}

export interface ParcelQuote {
  parcel_id: number;
  chosen: string | null;
  marketplace_service: string | null;
  cost: Money | null;
  explanation: Localized | null;
  /** Every service looked at, with its cost and arrival, and why it was not chosen. */
  candidates?: QuoteCandidate[];
}

export interface QuoteCandidate {
  service: string;
  name: Localized;
  chosen: boolean;
  cost: Money | null;
  /** `platform`: the marketplace's own estimate (online logistics); `contract` / `sample`: the rate card's. */
  cost_source?: 'platform' | 'contract' | 'sample' | null;
  arrival_p90_at: string | null;
  dropped_because: Array<{ code: string; message: Localized }>;
}

export interface OrderQuotes {
  message: Localized | null;
  parcels: ParcelQuote[];
}

export interface IssuedLabel {
  parcel_id: number;
  tracking_number: string;
  carrier: string;
  service: string;
  cost: Money | null;
  upload: string;
  warnings: Localized[];
}

// ---- Parcels and tracking ----

export interface ParcelProblem {
  id: number;
  order_id: number;
  platform_order_id: string;
  shop_id: string;
  parcel_id: number | null;
  tracking_number: string | null;
  tracking_status: string | null;
  kind: string;
  level: string;
  detected_at: string | null;
  message: Localized;
  what_to_do: Localized;
}

export interface ParcelListItem {
  parcel_id: number;
  order_id: number;
  platform_order_id: string;
  shop_id: string;
  destination: string;
  parcel_status: string;
  carrier: string | null;
  service: string | null;
  tracking_number: string | null;
  tracking_status: string | null;
  tracking_label: Localized | null;
  last_event_at: string | null;
  first_scan_at: string | null;
  delivered_at: string | null;
  open_problems: number;
}

export interface ParcelTracking {
  parcel_id: number;
  order_id: number;
  tracking_number: string | null;
  parcel_status: string;
  tracking: null | {
    status: string | null;
    label: Localized | null;
    raw_status: string | null;
    raw_substatus: string | null;
    description: string | null;
    status_at: string | null;
    first_scan_at: string | null;
    last_event_at: string | null;
    delivered_at: string | null;
    destination_country: string | null;
  };
  events: Array<{
    at: string | null;
    status: string;
    raw_status: string | null;
    raw_substatus: string | null;
    description: string | null;
    location: string | null;
    provider: string;
  }>;
  problems: ParcelProblem[];
}

// ---- Replenishment and purchase orders ----

/** GET /stock/replenishment: what to reorder per SKU and warehouse (core/inventory.ts ReplenishmentLine). */
export interface ReplenishmentItem {
  sku: string;
  warehouseId: string;
  unitsSold: number;
  windowDays: number;
  leadDays: number;
  safetyDays: number;
  cycleDays: number;
  onHand: number;
  reserved: number;
  incoming: number;
  backlog: number;
  earliestBlockedDeadline: string | null;
  blockedOrders: number;
  dailySales: number;
  available: number;
  position: number;
  demandUntilArrival: number;
  suggest: boolean;
  quantity: number;
  coverDays: number | null;
}

export interface PurchaseOrder {
  id: number;
  warehouse_id: string;
  supplier: string;
  reference: string | null;
  status: 'draft' | 'ordered' | 'received' | 'cancelled' | string;
  expected_at: string | null;
  ordered_at: string | null;
  received_at: string | null;
  cancelled_at: string | null;
  lines: Array<{ sku: string; quantity: number; received_quantity: number | null }>;
  created_at: string;
}

// ---- Users and the audit log (owners) ----

export interface AccountUser {
  id: number;
  email: string;
  name: string;
  account_owner: boolean;
  locked_until: string | null;
  disabled_at: string | null;
  created_at: string;
  shops: Array<{ shop_id: string; role: Role }>;
}

export interface AuditLine {
  id: number;
  at: string;
  shop_id: string | null;
  order_id: number | null;
  /** user | key | cli | system | anonymous */
  actor_kind: string;
  actor_name: string;
  action: string;
  target: string | null;
  /** ok | denied | failed */
  outcome: string;
  ip: string | null;
}
