/**
 * The order import format: its columns (CSV/XLSX rows, or JSON orders flattened into rows), the shapes an order
 * takes once validated, and the issue a validation reports (the field or JSON path, the row, a message in English
 * and Chinese). The validation itself is order-input.ts.
 */
import type { Fix } from './fix';
import { localized, type Localized } from './i18n';
import type { OrderState } from './order';

export const ORDER_COLUMNS = [
  'order_id',
  'platform',
  'status',
  'paid_at',
  'risk_passed_at',
  'ship_by',
  'buyer_name',
  'buyer_country',
  'address_line1',
  'address_line2',
  'city',
  'state',
  'postcode',
  'phone',
  'currency',
  'handling_days',
  'logistics_service',
  'shipped_at',
  'order_type',
  'cancel_requested_at',
] as const;
export const LINE_COLUMNS = ['sku', 'quantity', 'unit_price'] as const;
export const IMPORT_COLUMNS = [...ORDER_COLUMNS, ...LINE_COLUMNS] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const OPTIONAL_COLUMNS = new Set<ImportColumn>([
  'risk_passed_at',
  'ship_by',
  'address_line2',
  'state',
  'postcode',
  'phone',
  'handling_days',
  'logistics_service',
  'shipped_at',
  'order_type',
  'cancel_requested_at',
]);
export const REQUIRED_COLUMNS = IMPORT_COLUMNS.filter((c) => !OPTIONAL_COLUMNS.has(c));
export const BUYER_COLUMNS: readonly ImportColumn[] = [
  'buyer_name',
  'buyer_country',
  'address_line1',
  'address_line2',
  'city',
  'state',
  'postcode',
  'phone',
];

export type RawRow = Partial<Record<string, string | undefined>>;

export interface ImportIssue {
  /** 1-based data row (CSV: the header is row 0); for JSON, the order's index + 1. */
  row: number;
  /** The field name (CSV column) or JSON path such as `orders[2].lines[0].quantity`. */
  field: string;
  message: Localized;
  /** The dashboard screen where the seller fixes this (a setting the action needs), when there is one. */
  fix?: Fix;
}

export interface OrderLineInput {
  sku: string;
  quantity: number;
  unitPrice: number; // minor units
}

export interface BuyerInput {
  name: string;
  country: string;
  addressLine1: string;
  /** The second address line (building, floor, flat), when given. */
  addressLine2?: string | null;
  city: string;
  /** State, province or region, when given. */
  state?: string | null;
  postcode: string | null;
  phone: string | null;
}

/** An order as the import, the API and the marketplace sync hand it to the app layer. */
export interface OrderInput {
  platformOrderId: string;
  platform: string;
  status: OrderState;
  platformStatus: string;
  paidAt: number;
  riskPassedAt: number | null;
  platformShipByAt: number | null;
  buyer: BuyerInput;
  currency: string;
  handlingDays: number | null;
  logisticsService: string | null;
  /**
   * When the platform says the order was shipped (import `shipped_at`, AliExpress `gmt_send`), for an order that
   * arrives shipped outside shipby: it stands in for the upload time shipby never saw (app/orders.ts).
   */
  shippedAt?: number | null;
  /**
   * The order's type on the platform, when one shop mixes them (e.g. `jit`, `self_send` for semi-managed): the
   * shop's policy for that type applies (set per type in the shop's policy choice). Import column `order_type`.
   */
  orderType?: string | null;
  /**
   * When the buyer asked to cancel (import column `cancel_requested_at`), for the seller to answer within the
   * policy's answer time (app/cancellation-requests.ts). Only when given: an update without it keeps the request.
   */
  cancelRequestedAt?: number | null;
  lines: OrderLineInput[];
}

export type OrderFields = Omit<OrderInput, 'lines'>;

/** An issue with one field of a single request (row 0): the field and the message in both languages. */
export function fieldIssue(field: string, en: string, zh: string): ImportIssue {
  return { row: 0, field, message: localized(en, zh) };
}
