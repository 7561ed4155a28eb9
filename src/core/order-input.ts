/**
 * The order import format (CSV/XLSX rows, or JSON orders with nested lines) and its validation.
 *
 * One row per order line; rows with the same order_id form one order and must stand next to each other.
 * Validation is per field, with a message in English and Chinese naming the field and the row.
 * The same rules serve JSON (files and the HTTP API): a JSON order is flattened into rows first.
 */
import type { Fix } from './fix';
import { localized, type Localized } from './i18n';
import { isCurrency, parseMajorAmount } from './money';
import type { OrderState } from './order';
import { mapPlatformStatus, PLATFORM_TIME_ZONES } from './platform-status';
import { parseInstant } from './time';

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
const BUYER_COLUMNS: readonly ImportColumn[] = [
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

const ORDER_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const PLATFORM = /^[a-z][a-z0-9_-]{0,31}$/;
const POSITIVE_INT = /^\d+$/;

/** The ISO 3166 country codes ICU names, listed on first use (676 look-ups: not worth paying for a read command). */
let countries: ReadonlySet<string> | undefined;
function isCountry(code: string): boolean {
  countries ??= listCountries();
  return countries.has(code);
}

function listCountries(): ReadonlySet<string> {
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  const set = new Set<string>();
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      const name = names.of(code);
      if (name && name !== code && name !== 'Unknown Region') set.add(code);
    }
  }
  for (const notACountry of ['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']) set.delete(notACountry);
  return set;
}

/** Maps a column to the name shown to the user (a JSON path for JSON input). */
export type FieldNamer = (column: ImportColumn) => string;
const plainName: FieldNamer = (c) => c;

/**
 * Reads the fields of one row and collects issues. A class rather than closures: this runs for every
 * row of a million-order file.
 */
class RowReader {
  private readonly start: number;
  constructor(
    private readonly raw: RawRow,
    private readonly row: number,
    private readonly issues: ImportIssue[],
    private readonly name: FieldNamer,
  ) {
    this.start = issues.length;
  }
  get failed(): boolean {
    return this.issues.length > this.start;
  }
  fail(column: ImportColumn, message: Localized): void {
    this.issues.push({ row: this.row, field: this.name(column), message });
  }
  text(column: ImportColumn): string {
    const value = this.raw[column];
    return value === undefined ? '' : value.trim();
  }
  need(column: ImportColumn, max: number): string {
    const value = this.text(column);
    if (!value) this.fail(column, localized(`${this.name(column)} is required.`, `${this.name(column)} 为必填项。`));
    else this.limit(column, value, max);
    return value;
  }
  optional(column: ImportColumn, max: number): string {
    const value = this.text(column);
    this.limit(column, value, max);
    return value;
  }
  limit(column: ImportColumn, value: string, max: number): void {
    if (value.length > max) {
      this.fail(
        column,
        localized(
          `${this.name(column)} is longer than ${max} characters.`,
          `${this.name(column)} 超过 ${max} 个字符。`,
        ),
      );
    }
  }
  instant(column: ImportColumn, mandatory: boolean, bareZone: string | undefined): number | null {
    const value = mandatory ? this.need(column, 64) : this.text(column);
    if (!value) return null;
    const parsed = parseInstant(value, bareZone);
    if (parsed !== undefined) return parsed;
    const name = this.name(column);
    this.fail(
      column,
      bareZone
        ? localized(
            `${name} "${value}" is not a valid date and time (e.g. 2026-11-20T10:00:00+08:00).`,
            `${name}「${value}」不是有效的日期时间（例如 2026-11-20T10:00:00+08:00）。`,
          )
        : localized(
            `${name} "${value}" is not a valid date and time with a zone or offset (e.g. 2026-11-20T10:00:00Z).`,
            `${name}「${value}」不是带时区或偏移量的有效日期时间（例如 2026-11-20T10:00:00Z）。`,
          ),
    );
    return null;
  }
}

/** The buyer's name and address of a row (the columns of BUYER_COLUMNS). */
function readBuyer(r: RowReader): BuyerInput {
  const name = r.need('buyer_name', 200);
  const country = r.need('buyer_country', 2).toUpperCase();
  if (country && !isCountry(country))
    r.fail(
      'buyer_country',
      localized(
        `buyer_country "${country}" is not an ISO 3166 country code.`,
        `buyer_country「${country}」不是 ISO 3166 国家代码。`,
      ),
    );
  const addressLine1 = r.need('address_line1', 500);
  const addressLine2 = r.optional('address_line2', 500);
  const city = r.need('city', 200);
  const state = r.optional('state', 200);
  const postcode = r.optional('postcode', 32);
  const phone = r.optional('phone', 40);
  return {
    name,
    country,
    addressLine1,
    addressLine2: addressLine2 || null,
    city,
    state: state || null,
    postcode: postcode || null,
    phone: phone || null,
  };
}

/** A shipping address on its own (the order page's address edit): the import's rules for the buyer's columns. */
export function parseBuyerFields(raw: RawRow, issues: ImportIssue[]): BuyerInput | undefined {
  const r = new RowReader(raw, 0, issues, plainName);
  const buyer = readBuyer(r);
  return r.failed ? undefined : buyer;
}

/** Validates the order-level fields of a row (everything but sku, quantity and unit_price). */
export function parseOrderFields(
  raw: RawRow,
  row: number,
  issues: ImportIssue[],
  name: FieldNamer = plainName,
): OrderFields | undefined {
  const r = new RowReader(raw, row, issues, name);
  const orderId = r.need('order_id', 64);
  if (orderId && !ORDER_ID.test(orderId)) {
    r.fail(
      'order_id',
      localized(
        `order_id "${orderId.slice(0, 80)}" must be 1-64 letters, digits or . _ : -`,
        `order_id「${orderId.slice(0, 80)}」只能包含 1-64 个字母、数字或 . _ : -`,
      ),
    );
  }
  const platform = r.need('platform', 32).toLowerCase();
  if (platform && !PLATFORM.test(platform))
    r.fail(
      'platform',
      localized(`platform "${platform}" is not a platform name.`, `platform「${platform}」不是有效的平台名称。`),
    );
  const bareZone = PLATFORM_TIME_ZONES[platform];

  const statusText = r.need('status', 64);
  const status = statusText && platform ? mapPlatformStatus(platform, statusText) : undefined;
  if (statusText && platform && !status) {
    r.fail(
      'status',
      localized(
        `status "${statusText}" is not a known ${platform} order status.`,
        `status「${statusText}」不是已知的 ${platform} 订单状态。`,
      ),
    );
  }
  const paidAt = r.instant('paid_at', true, bareZone);
  const riskPassedAt = r.instant('risk_passed_at', false, bareZone);
  const shipBy = r.instant('ship_by', false, bareZone);
  if (paidAt !== null && riskPassedAt !== null && riskPassedAt < paidAt) {
    r.fail('risk_passed_at', localized('risk_passed_at is earlier than paid_at.', 'risk_passed_at 早于 paid_at。'));
  }
  if (paidAt !== null && shipBy !== null && shipBy <= paidAt) {
    r.fail('ship_by', localized('ship_by is not after paid_at.', 'ship_by 不晚于 paid_at。'));
  }
  const shippedAt = r.instant('shipped_at', false, bareZone);
  if (paidAt !== null && shippedAt !== null && shippedAt < paidAt) {
    r.fail(
      'shipped_at',
      localized(
        `${name('shipped_at')} is earlier than paid_at: give the time the platform shows the order as shipped (at or after the payment), or leave it empty, and import or send the order again.`,
        `${name('shipped_at')} 早于 paid_at：请填写平台显示的发货时间（不早于付款时间），或留空，然后重新导入或提交该订单。`,
      ),
    );
  }

  const cancelRequestedAt = r.instant('cancel_requested_at', false, bareZone);
  if (paidAt !== null && cancelRequestedAt !== null && cancelRequestedAt < paidAt) {
    r.fail(
      'cancel_requested_at',
      localized(
        `${name('cancel_requested_at')} is earlier than paid_at: give the time the platform shows the buyer's cancellation request (at or after the payment), or leave it empty, and import or send the order again.`,
        `${name('cancel_requested_at')} 早于 paid_at：请填写平台显示的买家取消申请时间（不早于付款时间），或留空，然后重新导入或提交该订单。`,
      ),
    );
  }

  const buyer = readBuyer(r);

  const currency = r.need('currency', 3).toUpperCase();
  if (currency && !isCurrency(currency))
    r.fail(
      'currency',
      localized(
        `currency "${currency}" is not an ISO 4217 currency code.`,
        `currency「${currency}」不是 ISO 4217 货币代码。`,
      ),
    );

  const handlingText = r.text('handling_days');
  let handlingDays: number | null = null;
  if (handlingText) {
    handlingDays = POSITIVE_INT.test(handlingText) ? Number(handlingText) : NaN;
    if (!(handlingDays >= 1 && handlingDays <= 90)) {
      r.fail(
        'handling_days',
        localized(
          `handling_days "${handlingText}" must be a whole number of days from 1 to 90.`,
          `handling_days「${handlingText}」必须是 1 到 90 之间的整数天数。`,
        ),
      );
    }
  }
  const logisticsService = r.optional('logistics_service', 100);
  const orderType = r.optional('order_type', 32);
  if (orderType && !/^[a-z][a-z0-9_]*$/.test(orderType)) {
    r.fail(
      'order_type',
      localized(
        `order_type "${orderType}" must be a type name in lower-case letters, digits and _ (e.g. jit, self_send).`,
        `order_type「${orderType}」必须是由小写字母、数字和 _ 组成的类型名（例如 jit、self_send）。`,
      ),
    );
  }
  if (r.failed) return undefined;
  return {
    platformOrderId: orderId,
    platform,
    status: status!,
    platformStatus: statusText,
    paidAt: paidAt!,
    riskPassedAt,
    platformShipByAt: shipBy,
    buyer,
    currency,
    handlingDays,
    logisticsService: logisticsService || null,
    shippedAt,
    ...(orderType ? { orderType } : {}),
    ...(cancelRequestedAt !== null ? { cancelRequestedAt } : {}),
  };
}

/**
 * Validates the line fields of a row; `currency` is the order's validated currency, or undefined when the
 * order's own fields failed (the line is still checked, so one pass reports every problem).
 */
export function parseLineFields(
  raw: RawRow,
  row: number,
  currency: string | undefined,
  issues: ImportIssue[],
  name: FieldNamer = plainName,
): OrderLineInput | undefined {
  const r = new RowReader(raw, row, issues, name);
  const sku = r.need('sku', 100);
  const quantityText = r.need('quantity', 16);
  const quantity = POSITIVE_INT.test(quantityText) ? Number(quantityText) : NaN;
  if (quantityText && !(quantity >= 1 && quantity <= 1_000_000)) {
    r.fail(
      'quantity',
      localized(
        `quantity "${quantityText}" must be a whole number of at least 1.`,
        `quantity「${quantityText}」必须是不小于 1 的整数。`,
      ),
    );
  }
  const priceText = r.need('unit_price', 32);
  let unitPrice: number | undefined;
  if (priceText && currency) {
    unitPrice = parseMajorAmount(priceText, currency);
    if (unitPrice === undefined || unitPrice < 0) {
      r.fail(
        'unit_price',
        localized(
          `unit_price "${priceText}" is not an amount in ${currency} (e.g. 12.50).`,
          `unit_price「${priceText}」不是有效的 ${currency} 金额（例如 12.50）。`,
        ),
      );
    }
  }
  if (r.failed) return undefined;
  return { sku, quantity, unitPrice: unitPrice! };
}

/**
 * Checks that a later row of an order repeats the order's fields exactly as its first row gave them
 * (one buyer, one payment, one currency …). Comparing the raw text skips re-parsing them.
 */
export function checkSameOrder(
  first: RawRow,
  firstRow: number,
  raw: RawRow,
  row: number,
  issues: ImportIssue[],
  name: FieldNamer = plainName,
): boolean {
  for (const column of ORDER_COLUMNS) {
    if ((first[column] ?? '').trim() === (raw[column] ?? '').trim()) continue;
    const orderId = (first.order_id ?? '').trim();
    issues.push({
      row,
      field: name(column),
      message: BUYER_COLUMNS.includes(column)
        ? localized(
            `order ${orderId} has two different buyers (row ${firstRow} and row ${row} differ in ${column}).`,
            `订单 ${orderId} 有两个不同的买家（第 ${firstRow} 行和第 ${row} 行的 ${column} 不同）。`,
          )
        : localized(
            `order ${orderId}: ${column} differs from row ${firstRow}; every row of one order must agree.`,
            `订单 ${orderId}：${column} 与第 ${firstRow} 行不一致；同一订单的每一行必须一致。`,
          ),
    });
    return false;
  }
  return true;
}

/** Finds a SKU given twice in one order (a duplicate line). */
export function checkDuplicateLines(
  orderId: string,
  lines: Array<{ row: number; line: OrderLineInput }>,
  issues: ImportIssue[],
  name: (index: number) => string = () => 'sku',
): boolean {
  const seen = new Map<string, number>();
  let ok = true;
  lines.forEach(({ row, line }, index) => {
    const at = seen.get(line.sku);
    if (at === undefined) {
      seen.set(line.sku, row);
      return;
    }
    ok = false;
    issues.push({
      row,
      field: name(index),
      message: localized(
        `duplicate line: order ${orderId} already has SKU ${line.sku} (row ${at}).`,
        `重复的订单行：订单 ${orderId} 已包含 SKU ${line.sku}（第 ${at} 行）。`,
      ),
    });
  });
  return ok;
}

export function orderTotal(order: Pick<OrderInput, 'lines'>): number {
  let total = 0;
  for (const line of order.lines) total += line.quantity * line.unitPrice;
  return total;
}

/** The row's currency when it is a real one, so line prices can still be checked when other order fields failed. */
export function knownCurrency(raw: RawRow): string | undefined {
  const code = (raw.currency ?? '').trim().toUpperCase();
  return isCurrency(code) ? code : undefined;
}
