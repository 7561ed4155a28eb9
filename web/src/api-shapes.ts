/**
 * The shapes the API answers for accounts, the pack station, parcels, purchase orders and the audit log (see /docs);
 * api.ts re-exports them, so screens import every shape from there. Those with a response schema on the server are
 * aliases of the generated types (api-types.gen.ts); the others are written here.
 */
import type { Localized } from './api';
import type { components, paths } from './api-types.gen';

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
/** Who is signed in (GET /auth/session, POST /auth/login): the shops, with the role and permissions in each. */
export type Session = Omit<Schemas['Session'], 'shops'> & {
  shops: Array<{ id: string; role: Role; permissions: Permission[] }>;
};

export type ApiKey = Omit<Schemas['ApiKey'], 'role'> & { role: Role };

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

export type ParcelQuote = Schemas['ParcelQuote'];

export type QuoteCandidate = Schemas['QuoteCandidate'];

export type OrderQuotes = Schemas['OrderQuotes'];

export type IssuedLabel = Schemas['IssuedLabel'];

// ---- Parcels and tracking ----

export type ParcelProblem = Schemas['ParcelProblem'];
export type ParcelListItem = Schemas['ParcelListItem'];
export type ParcelTracking = Schemas['ParcelTracking'];

// ---- Replenishment and purchase orders ----

/** GET /stock/replenishment: what to reorder per SKU and warehouse (core/inventory.ts ReplenishmentLine). */
/** GET /stock/replenishment: what to reorder per SKU and warehouse (core/inventory.ts ReplenishmentLine). */
export type ReplenishmentItem = Schemas['ReplenishmentItem'];

export type PurchaseOrder = Schemas['PurchaseOrder'];

// ---- Users and the audit log (owners) ----

export type AccountUser = Omit<Schemas['AccountUser'], 'shops'> & { shops: Array<{ shop_id: string; role: Role }> };

export type AuditLine = Schemas['AuditLine'];

// ---- Settings: carrier accounts, shop authorisations, SKU pairings ----

/** The account a carrier's labels are bought with: `secret` is `encrypted`, `missing` or `not needed`, never the secret. */
export type CarrierAccount = Schemas['CarrierAccount'];
/** A shop's marketplace authorisation (GET /marketplace/authorisations). */
export type Authorisation = Schemas['Authorisation'];
/** A marketplace SKU paired with seller SKUs (one, or several for a bundle). */
export type SkuMapping = Schemas['SkuMapping'];

/** The JSON answer of a route with a response schema but no named shape: `Answer<'/orders/{id}/handover', 'post'>`. */
type Answer<P extends keyof paths, M extends keyof paths[P], S extends number = 200> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

/** A tracking provider (17TRACK, AfterShip), never its secrets: to the installation's owner with its webhook path. */
export type TrackingProvider = Schemas['TrackingProvider'];
/** The tracking providers and the kinds of provider with the API versions each speaks (GET /tracking/providers). */
export type TrackingProviders = Answer<'/tracking/providers', 'get'>;
/** The order's labelled parcels handed to the carrier (POST /orders/:id/handover). */
export type HandOverAnswer = Answer<'/orders/{id}/handover', 'post'>;
/** The share of an order's value above which a label asks first (GET/PUT /shops/:shop/label-cost-share). */
export type CostShare = Answer<'/shops/{shop}/label-cost-share', 'get'>;
/** An order file imported (POST /orders/import). */
export type OrderImportReport = Answer<'/orders/import', 'post'>;
