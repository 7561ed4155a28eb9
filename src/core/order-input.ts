/**
 * The order import format (CSV/XLSX rows, or JSON orders with nested lines) and its validation.
 *
 * One row per order line; rows with the same order_id form one order and must stand next to each other.
 * Validation is per field, with a message in English and Chinese naming the field and the row.
 * The same rules serve JSON (files and the HTTP API): a JSON order is flattened into rows first.
 *
 * The format's columns and shapes are order-input-format.ts, the row reader and the buyer's fields
 * order-input-reader.ts; both are re-exported here, so `core/order-input` names the whole format.
 */
import { localized } from './i18n';
import { isCurrency, parseMajorAmount } from './money';
import {
  BUYER_COLUMNS,
  ORDER_COLUMNS,
  type ImportIssue,
  type OrderFields,
  type OrderInput,
  type OrderLineInput,
  type RawRow,
} from './order-input-format';
import { plainName, readBuyer, RowReader, type FieldNamer } from './order-input-reader';
import { mapPlatformStatus, PLATFORM_TIME_ZONES } from './platform-status';

export * from './order-input-format';
export { parseBuyerFields, type FieldNamer } from './order-input-reader';

const ORDER_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const PLATFORM = /^[a-z][a-z0-9_-]{0,31}$/;
const POSITIVE_INT = /^\d+$/;

/** The order's identity: its id, its platform, and the platform's status with the shipby state it maps to. */
function readIdentity(r: RowReader) {
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
  return { orderId, platform, statusText, status };
}

/** The order's times (bare ones read in the platform's zone), each checked against the payment. */
function readTimes(r: RowReader, bareZone: string | undefined, name: FieldNamer) {
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
  return { paidAt, riskPassedAt, shipBy, shippedAt, cancelRequestedAt };
}

/** The order's currency, handling time, logistics service and type. */
function readTerms(r: RowReader) {
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
  return { currency, handlingDays, logisticsService, orderType };
}

/** Validates the order-level fields of a row (everything but sku, quantity and unit_price). */
export function parseOrderFields(
  raw: RawRow,
  row: number,
  issues: ImportIssue[],
  name: FieldNamer = plainName,
): OrderFields | undefined {
  const r = new RowReader(raw, row, issues, name);
  const { orderId, platform, statusText, status } = readIdentity(r);
  const { paidAt, riskPassedAt, shipBy, shippedAt, cancelRequestedAt } = readTimes(
    r,
    PLATFORM_TIME_ZONES[platform],
    name,
  );
  const buyer = readBuyer(r);
  const { currency, handlingDays, logisticsService, orderType } = readTerms(r);
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
