/**
 * Table types for Kysely. Instants are epoch ms (BIGINT on PostgreSQL, INTEGER on SQLite);
 * money is integer minor units. JSON payloads are stored as text so both dialects read them alike.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface ShopsTable {
  id: string;
  name: string;
  platform: string;
  created_at: number;
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
  delivered_at: number | null;
  receipt_confirmed_at: number | null;
  cancelled_at: number | null;
  closed_at: number | null;
  content_hash: string;
  version: number;
  created_at: number;
  updated_at: number;
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
  packed_at: number | null;
  labelled_at: number | null;
  handed_over_at: number | null;
  tracking_uploaded_at: number | null;
  first_scan_at: number | null;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface OrderEventsTable {
  id: Generated<number>;
  order_id: number;
  parcel_id: number | null;
  at: number;
  actor: string;
  kind: string;
  action: string | null;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  data: string | null;
}

export interface Database {
  shops: ShopsTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  parcels: ParcelsTable;
  order_events: OrderEventsTable;
}

export type OrderRow = Selectable<OrdersTable>;
export type NewOrderRow = Insertable<OrdersTable>;
export type OrderUpdate = Updateable<OrdersTable>;
export type OrderLineRow = Selectable<OrderLinesTable>;
export type ParcelRow = Selectable<ParcelsTable>;
export type OrderEventRow = Selectable<OrderEventsTable>;
export type NewOrderEventRow = Insertable<OrderEventsTable>;
