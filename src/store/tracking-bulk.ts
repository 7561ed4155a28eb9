/**
 * What the batched tracking ingestion (store/tracking.ts `trackingBulkWriter`) reads and writes: the parcel as the
 * ingestion sees it, the writes the plan gives, the writer's interface, and the column lists both backends' writers
 * (tracking-sqlite.ts, tracking-postgres.ts) build their statements from.
 */
import type { PlannedOrderUpdate, PlannedParcelUpdate } from '../core/tracking/plan-types';
import type { NewOrderEventRow } from './schema';
import type { NewTrackingEventRow, ParcelTrackingRow } from './schema-tracking';

export const EVENT_COLUMNS = [
  'tracking_number',
  'carrier',
  'event_key',
  'provider',
  'parcel_id',
  'occurred_at',
  'status',
  'raw_status',
  'raw_substatus',
  'description',
  'location',
  'destination_country',
  'received_at',
] as const satisfies ReadonlyArray<keyof NewTrackingEventRow>;

export const TRACKING_COLUMNS = [
  'parcel_id',
  'tracking_number',
  'provider',
  'status',
  'phase',
  'status_at',
  'status_rank',
  'status_key',
  'raw_status',
  'raw_substatus',
  'description',
  'location',
  'first_scan_at',
  'last_event_at',
  'delivered_at',
  'returned_at',
  'destination_country',
  'destination_key',
  'open_problems',
  'registered_at',
  'next_poll_at',
  'last_polled_at',
  'polls',
  'updated_at',
] as const satisfies ReadonlyArray<keyof ParcelTrackingRow>;

/** A parcel as the ingestion sees it: the parcel, what it needs of its order, and its tracking state (if any). */
export interface ParcelContext {
  parcel_id: number;
  order_id: number;
  shop_id: string;
  parcel_status: string;
  carrier: string | null;
  tracking_number: string;
  labelled_at: number | null;
  tracking_uploaded_at: number | null;
  parcel_first_scan_at: number | null;
  parcel_handed_over_at: number | null;
  parcel_delivered_at: number | null;
  order_status: string;
  paid_at: number;
  buyer_country: string;
  order_first_scan_at: number | null;
  order_delivered_at: number | null;
  order_version: number;
  tracking: ParcelTrackingRow | null;
}

/** A parcel's tracking write, and an order's first scan and delivery times, as the plan gives them. */
export type ParcelUpdate = PlannedParcelUpdate;
export type OrderTrackingUpdate = PlannedOrderUpdate;

export interface SiblingParcel {
  id: number;
  order_id: number;
  status: string;
  delivered_at: number | null;
}

/** An event to store, as the ingestion has it (written straight into the statement, no row object per event). */
export interface EventToStore {
  trackingNumber: string;
  carrier: string;
  event: {
    key: string;
    occurredAt: number;
    status: string;
    rawStatus: string | null;
    rawSubstatus: string | null;
    description: string | null;
    location: string | null;
    destinationCountry: string | null;
  };
}

export interface TrackingBulkWriter {
  /**
   * Call first in the batch's transaction. PostgreSQL: a batch is a few thousand keys against tables of millions, so
   * the plan must be index lookups (nested loops); the planner would otherwise hash-join whole tables, and each batch
   * would cost as much as the tables are big. `SET LOCAL` lasts until the transaction ends.
   */
  beginBatch(): Promise<void>;
  /** The latest parcel per number (locked on PostgreSQL until the transaction ends). */
  findParcels(numbers: string[]): Promise<Map<string, ParcelContext>>;
  /** Inserts events; for each, whether it was new (false: that event was already stored). */
  insertEvents(
    events: EventToStore[],
    parcelIds: Array<number | null>,
    provider: string,
    receivedAt: number,
  ): Promise<boolean[]>;
  /** Attaches stored, unmatched events to their parcel. */
  matchEvents(ids: number[], parcelId: number): Promise<void>;
  /** Inserts or replaces tracking rows; `existing`: parcels known to have one already (updated in place). */
  /**
   * Writes tracking states over the rows as read (`base`; null: there was none). Optimistic: returns how many were
   * written; fewer than given means another batch wrote one meanwhile, and the caller runs its batch again.
   */
  upsertTracking(rows: Array<{ row: ParcelTrackingRow; base: ParcelTrackingRow | null }>): Promise<number>;
  /** Returns how many were updated; fewer than given means a parcel changed meanwhile (optimistic lock). */
  updateParcels(rows: ParcelUpdate[]): Promise<number>;
  /** Returns how many were updated; fewer than given means an order changed meanwhile (optimistic lock). */
  updateOrders(rows: OrderTrackingUpdate[]): Promise<number>;
  /** The order timeline rows of the batch. */
  appendOrderEvents(rows: NewOrderEventRow[]): Promise<void>;
  /** Every parcel of these orders (a multi-parcel order is delivered when all are). */
  parcelsOfOrders(orderIds: number[]): Promise<SiblingParcel[]>;
}

export const CONTEXT_COLUMNS = [
  'parcel_id',
  'order_id',
  'shop_id',
  'parcel_status',
  'carrier',
  'tracking_number',
  'labelled_at',
  'tracking_uploaded_at',
  'parcel_first_scan_at',
  'parcel_handed_over_at',
  'parcel_delivered_at',
  'order_status',
  'paid_at',
  'buyer_country',
  'order_first_scan_at',
  'order_delivered_at',
  'order_version',
] as const satisfies ReadonlyArray<keyof ParcelContext>;

export const PARCEL_SELECT = `
  p.id AS parcel_id, p.order_id, p.shop_id, p.status AS parcel_status, p.carrier, p.tracking_number, p.labelled_at,
  p.tracking_uploaded_at, p.first_scan_at AS parcel_first_scan_at, p.handed_over_at AS parcel_handed_over_at,
  p.delivered_at AS parcel_delivered_at, o.status AS order_status, o.paid_at, o.buyer_country,
  o.first_scan_at AS order_first_scan_at, o.delivered_at AS order_delivered_at, o.version AS order_version,
  ${TRACKING_COLUMNS.map((c) => `t.${c} AS t_${c}`).join(', ')}, t.version AS t_version`;
