/**
 * The fake marketplace's orders as the platform renders them: the `findorderbyid` target and the order list item
 * (US Pacific times, money as the platform writes it, countdowns relative to the request), and the deadlines.
 */
import { minorDigits } from '../../core/money';
import { SHIPPABLE_STATUSES, formatPlatformTime, parsePlatformTime } from './protocol';
import type {
  PlatformChildOrder,
  PlatformMoney,
  PlatformOrderDetail,
  PlatformOrderListItem,
  PlatformReceiptInfo,
} from './platform-types';
import { FAKE_LOGISTICS_SERVICES, type FakeOrder } from './fake-order-types';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * `findorderreceiptinfo`'s `result` (the IOP SDK's `AeopTpAddressDTO`): the order's full address, with the DTO's
 * field names; `address` repeats the first line, `country_name` is the country's English name where the fake knows it.
 */
export function renderReceiptInfo(order: FakeOrder): PlatformReceiptInfo {
  const a = order.fullAddress;
  return {
    country: a.country,
    country_name: COUNTRY_NAMES[a.country] ?? a.country,
    province: a.province,
    city: a.city,
    zip: a.postcode,
    detail_address: a.line1,
    address: a.line1,
    address2: a.line2,
    contact_person: a.contactPerson,
    mobile_no: a.mobile,
    phone_country: a.phoneCountry,
    phone_area: '',
    phone_number: '',
    fax_country: '',
    fax_area: '',
    fax_number: '',
  };
}

const COUNTRY_NAMES: Record<string, string> = {
  ES: 'Spain',
  FR: 'France',
  DE: 'Germany',
  US: 'United States',
  BR: 'Brazil',
  PL: 'Poland',
  NL: 'Netherlands',
  IT: 'Italy',
};

export function renderDetail(order: FakeOrder, sellerLoginId: string): PlatformOrderDetail {
  const money = (minor: number): PlatformMoney => platformMoney(minor, order.currency);
  const total = order.lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0);
  const deadline = countdownEnd(order);
  const lineStatus = order.status;
  const children: PlatformChildOrder[] = order.lines.map((line, index) => ({
    id: jsonId(line.childId),
    child_order_id: line.childId,
    order_sort_id: index + 1,
    order_status: lineStatus,
    product_id: jsonId(line.productId),
    product_name: line.productName,
    sku_code: line.sku,
    product_count: line.quantity,
    lot_num: 1,
    product_unit: 'piece',
    product_price: money(line.unitPriceMinor),
    init_order_amt: money(line.unitPriceMinor * line.quantity),
    logistics_type: order.logisticsService,
    logistics_service_name: serviceDisplayName(order.logisticsService),
    send_goods_operator: 'SELLER_SEND_GOODS',
    goods_prepare_time: order.handlingDays,
    freight_commit_day: order.freightCommitDays,
    ...(order.businessModel ? { extend_map: JSON.stringify({ orderBusinessModel: order.businessModel }) } : {}),
  }));
  return {
    id: jsonId(order.orderId),
    gmt_create: formatPlatformTime(order.createdAt),
    gmt_pay_success: formatPlatformTime(order.paidAt),
    gmt_modified: formatPlatformTime(order.modifiedAt),
    order_status: order.status,
    logistics_status: order.shipments.length === 0 ? 'WAIT_SELLER_SEND_GOODS' : 'SELLER_SEND_GOODS',
    fund_status: 'PAY_SUCCESS',
    frozen_status: 'NO_FROZEN',
    issue_status: 'NO_ISSUE',
    ...(deadline !== undefined ? { over_time_left: formatPlatformTime(deadline) } : {}),
    order_amount: money(total),
    logistics_amount: money(0),
    settlement_currency: order.currency,
    order_end_reason: order.endReason,
    buyerloginid: order.buyer.loginId,
    buyer_signer_fullname: `${order.buyer.firstName} ${order.buyer.lastName}`,
    buyer_info: {
      country: order.buyer.country,
      login_id: order.buyer.loginId,
      first_name: order.buyer.firstName,
      last_name: order.buyer.lastName,
    },
    receipt_address: {
      country: order.address.country,
      province: order.address.province,
      city: order.address.city,
      zip: order.address.postcode,
      detail_address: order.address.line1,
      address2: order.address.line2,
      contact_person: order.address.contactPerson,
      mobile_no: order.address.mobile,
      phone_country: order.address.phoneCountry,
    },
    seller_operator_login_id: sellerLoginId,
    child_order_list: { aeop_tp_child_order_dto: children },
    logistic_info_list: {
      aeop_tp_logistic_info_dto: order.shipments.map((shipment) => ({
        logistics_no: shipment.logisticsNo,
        logistics_service_name: shipment.serviceName,
        logistics_type_code: shipment.serviceName,
        gmt_send: formatPlatformTime(shipment.declaredAt),
        receive_status: 'not_received',
      })),
    },
  };
}

/** One `aeop_order_item_dto`; `timeout_left_time` is relative to the request's timestamp. */
export function renderListItem(order: FakeOrder, requestTimestamp: number): PlatformOrderListItem {
  const deadline = countdownEnd(order);
  const total = order.lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0);
  return {
    order_id: jsonId(order.orderId),
    order_status: order.status,
    gmt_create: formatPlatformTime(order.createdAt),
    gmt_update: formatPlatformTime(order.modifiedAt),
    gmt_pay_time: formatPlatformTime(order.paidAt),
    ...(deadline !== undefined ? { timeout_left_time: Math.max(0, deadline - requestTimestamp) } : {}),
    buyer_login_id: order.buyer.loginId,
    pay_amount: { amount: majorText(total, order.currency), currency_code: order.currency },
    product_list: {
      order_product_dto: order.lines.map((line) => ({
        child_id: jsonId(line.childId),
        product_id: jsonId(line.productId),
        sku_code: line.sku,
        product_count: line.quantity,
        product_unit_price: { amount: majorText(line.unitPriceMinor, order.currency), currency_code: order.currency },
        logistics_service_name: order.logisticsService,
        freight_commit_day: String(order.freightCommitDays),
        send_goods_operator: 'SELLER_SEND_GOODS',
      })),
    },
  };
}

export function shipByDeadline(order: FakeOrder): number {
  return order.riskPassedAt + order.handlingDays * DAY_MS;
}

/** When the clock next changes this order by itself (risk review passes, or the ship-by countdown closes it). */
export function transitionAt(order: FakeOrder): number {
  if (order.status === 'RISK_CONTROL') return order.riskPassedAt;
  if (order.status === 'WAIT_SELLER_SEND_GOODS') return shipByDeadline(order);
  return Number.POSITIVE_INFINITY;
}

/** The countdown the platform shows for the order's current state, if any. */
export function countdownEnd(order: FakeOrder): number | undefined {
  if ((SHIPPABLE_STATUSES as readonly string[]).includes(order.status)) return shipByDeadline(order);
  if (order.status === 'WAIT_BUYER_ACCEPT_GOODS') return order.receiptDeadline;
  return undefined;
}

function serviceDisplayName(serviceName: string): string {
  return FAKE_LOGISTICS_SERVICES.find((service) => service.service_name === serviceName)?.display_name ?? serviceName;
}

export function childId(orderId: string, index: number): string {
  return (BigInt(orderId) + BigInt(index + 1)).toString();
}

/** Ids go out as JSON numbers while exact, as the platform sends them; bigger ones as digit strings. */
function jsonId(id: string): number | string {
  const value = Number(id);
  return Number.isSafeInteger(value) ? value : id;
}

function majorText(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${minor < 0 ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

function platformMoney(minor: number, currency: string): PlatformMoney {
  const digits = minorDigits(currency);
  return {
    amount: majorText(minor, currency),
    cent: minor,
    cent_factor: 10 ** digits,
    currency_code: currency,
    currency: { symbol: currency, default_fraction_digits: digits, currency_code: currency },
  };
}

/** Epoch ms, an ISO string with offset, or a Pacific wall-clock `yyyy-MM-dd HH:mm:ss`. */
export function toMillis(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const platform = parsePlatformTime(value);
  if (platform !== undefined) return platform;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new Error(`not a time: ${value}`);
  return parsed;
}
