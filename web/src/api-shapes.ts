/**
 * The shapes the API answers for accounts, the pack station, parcels, purchase orders and the audit log (see /docs);
 * api.ts re-exports them, so screens import every shape from there. Those with a response schema on the server are
 * aliases of the generated types (api-types.gen.ts); the others are written here.
 */
import type { Localized, Money } from './api';
import type { components } from './api-types.gen';

type Schemas = components['schemas'];

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

export type PackSession = Schemas['PackSession'];
export type PackItemProgress = NonNullable<PackSession['current_parcel']>['items'][number];
export type PlannedParcel = Schemas['PlannedParcel'];

export interface PackAnswer {
  message: Localized;
  session: PackSession;
}

/** The work queue (GET /plan): the fields the pack station reads. */
export type WorkPlan = Schemas['WorkPlan'];
export type PlanJob = WorkPlan['stations'][number]['queue'][number];

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

export type ParcelProblem = Schemas['ParcelProblem'];
export type ParcelListItem = Schemas['ParcelListItem'];
export type ParcelTracking = Schemas['ParcelTracking'];

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
