/**
 * AliExpress online logistics (线上发货, Cainiao) as plain values: the parameters of the platform's four calls and
 * the reading of their answers. No I/O here; the adapter sends them through the shop's signed marketplace client.
 * Field names and answer shapes are the IOP Java SDK's and the TOP SDKs' (README.md in this folder lists each).
 *
 * The answers' lists come wrapped as the gateway writes them (`result_list: { result: [...] }`,
 * `result_list: { aeop_logistics_order_detail_dto: [...] }`); a bare array is read the same way.
 */
import type { Money } from '../../../core/money';
import { CarrierRefusedError, type LabelRequest, type PostalAddress } from '../types';
import { centimetres, kilograms, minorAmount, unitPrice } from '../wire';

export const ONLINE_LOGISTICS_CALLS = {
  services: 'aliexpress.logistics.redefining.getonlinelogisticsservicelistbyorderid',
  create: 'aliexpress.logistics.createwarehouseorder',
  query: 'aliexpress.logistics.querylogisticsorderdetail',
  label: 'aliexpress.logistics.redefining.getprintinfo',
} as const;

/** The currency of online-logistics prices when the answer names none (the seller pays Cainiao in CNY). */
const ONLINE_PRICE_CURRENCY = 'CNY';

export type Params = Record<string, string | undefined>;

export interface OnlineService {
  /** `logistics_service_id`: the `warehouse_carrier_service` the logistics order is created with. */
  key: string;
  name: string;
  /** `logistics_timeliness`, as the platform words it. */
  timeliness: string | null;
  /** `trial_result`, the platform's price estimate; null when it gives none or an unreadable one. */
  cost: Money | null;
  warehouse: string | null;
}

export interface LogisticsOrder {
  /** `logistics_order_id` / `warehouse_order_id`. */
  id: string;
  /** `international_logistics_num` / `intl_tracking_no`: the number uploaded and tracked. */
  internationalNumber: string | null;
  /** `out_order_code`: the Cainiao LP number. */
  lpNumber: string | null;
  service: string | null;
  status: string | null;
  domesticNumber: string | null;
}

// ---------------------------------------------------------------------------------------------------------------
// The services offered for one order and parcel

export function servicesParams(
  orderId: string,
  grossWeightG: number,
  dimsMm: readonly [number, number, number],
): Params {
  const [length, width, height] = [...dimsMm].sort((a, b) => b - a) as [number, number, number];
  return {
    order_id: digits(orderId, 'order_id'),
    goods_weight: kilograms(grossWeightG).toFixed(3),
    goods_length: String(centimetres(length)),
    goods_width: String(centimetres(width)),
    goods_height: String(centimetres(height)),
  };
}

export function parseServices(response: Record<string, unknown>): OnlineService[] {
  if (response.is_success === false || response.result_success === false) {
    throw refused(
      'services_refused',
      text(response.error_desc) ??
        text(response.error_message) ??
        'the platform offers no online logistics for this order',
    );
  }
  return listOf(response.result_list)
    .map((raw) => {
      const item = raw as Record<string, unknown>;
      return {
        key: text(item.logistics_service_id) ?? '',
        name: text(item.logistics_service_name) ?? text(item.logistics_service_id) ?? '',
        timeliness: text(item.logistics_timeliness),
        cost: trialCost(item.trial_result),
        warehouse: text(item.warehouse_name),
      };
    })
    .filter((service) => service.key);
}

/**
 * `trial_result` is documented only as "试算结果" (the estimate); its exact format is not in our sources. Read here:
 * a decimal amount, optionally with a currency code before or after it (`"25.36"`, `"CNY 25.36"`, `"25.36 USD"`).
 */
function trialCost(value: unknown): Money | null {
  const raw = typeof value === 'number' ? String(value) : text(value);
  if (!raw) return null;
  const match = /^(?:([A-Z]{3})\s*)?(\d+(?:\.\d+)?)(?:\s*([A-Z]{3}))?$/.exec(raw.trim());
  if (!match) return null;
  const currency = match[1] ?? match[3] ?? ONLINE_PRICE_CURRENCY;
  const amount = minorAmount(match[2], currency);
  return amount === null ? null : { amount, currency };
}

/** The offered service to create with: the one named, or a refusal listing what is offered. */
export function pickService(offered: readonly OnlineService[], wanted: string): OnlineService {
  const norm = (s: string) =>
    s
      .trim()
      .toUpperCase()
      .replace(/[\s-]+/g, '_');
  const found = offered.find((service) => norm(service.key) === norm(wanted));
  if (found) return found;
  const list = offered.map((service) => service.key).join(', ');
  throw refused(
    'service_not_offered',
    offered.length
      ? `online logistics service ${wanted} is not offered for this order and parcel (offered: ${list})`
      : 'no online logistics service is offered for this order and parcel (online logistics takes parcels of at most 2 kg, 60 cm a side, 90 cm in all)',
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Create the logistics order

export interface CreateOptions {
  /** The seller's sender address id in the seller centre (`address_d_t_os.sender.address_id`, required). */
  senderAddressId: string;
  /** The first-mile courier to the Cainiao warehouse; `-1` = other, then `domesticCompany` names it. */
  domesticCompanyId: string;
  domesticCompany: string;
  /** `0` return, `1` destroy an undeliverable parcel. */
  undeliverableDecision: 0 | 1;
}

/**
 * `domestic_tracking_no` (1 to 32 characters, required) carries the label's idempotency key, shortened: the
 * read-back (`domestic_logistics_num`) then finds the logistics order a lost answer created. When the parcel goes
 * to the warehouse by a domestic courier, the seller's courier number replaces it in the seller centre.
 */
export function domesticReference(idempotencyKey: string): string {
  const clean = idempotencyKey.replace(/[^A-Za-z0-9-]/g, '');
  if (clean.length <= 32) return clean;
  let hash = 0x811c9dc5;
  for (const char of clean) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return `${clean.slice(0, 23)}-${hash.toString(16).padStart(8, '0')}`;
}

export function createParams(request: LabelRequest, service: string, options: CreateOptions): Params {
  const units = request.contents.reduce((sum, line) => sum + line.quantity, 0) || 1;
  const perUnitG = Math.max(1, Math.round(request.grossWeightG / units));
  const addresses = {
    sender: { address_id: Number(digits(options.senderAddressId, 'sender address id')) },
    receiver: receiver(request.recipient),
  };
  const products = (request.contents.length ? request.contents : [{ sku: request.reference, quantity: 1 }]).map(
    (line) => ({
      product_id: 0,
      category_cn_desc: '商品',
      category_en_desc: line.sku.slice(0, 60),
      sku_code: line.sku,
      product_num: line.quantity,
      product_declare_amount: unitPrice(request.declaredValue, units).toFixed(2),
      product_weight: kilograms(perUnitG).toFixed(3),
      contains_battery: false,
    }),
  );
  return {
    trade_order_id: digits(request.reference, 'trade_order_id'),
    trade_order_from: 'ESCROW',
    warehouse_carrier_service: service,
    domestic_logistics_company_id: options.domesticCompanyId,
    domestic_logistics_company: options.domesticCompany,
    domestic_tracking_no: domesticReference(request.idempotencyKey),
    package_num: '1',
    undeliverable_decision: String(options.undeliverableDecision),
    address_d_t_os: JSON.stringify(addresses),
    declare_product_d_t_os: JSON.stringify(products),
  };
}

function receiver(address: PostalAddress): Record<string, string> {
  return {
    name: address.name,
    country: address.country,
    province: address.city,
    city: address.city,
    street_address: [address.line1, address.line2].filter(Boolean).join(', '),
    post_code: address.postcode ?? '',
    mobile: address.phone ?? '',
  };
}

/** The created order; a `success: false` answer is a refusal carrying the platform's `error_desc`. */
export function parseCreated(response: Record<string, unknown>): LogisticsOrder {
  const result = (response.result ?? {}) as Record<string, unknown>;
  // `result_success` says the call ran; `result.success` whether the logistics order was created.
  if (result.success === false || (result.success !== true && response.result_success !== true)) {
    throw refused(
      `create_${text(result.error_code) ?? 'refused'}`,
      text(result.error_desc) ?? 'the platform did not create the logistics order',
    );
  }
  const id = text(result.warehouse_order_id);
  if (!id) throw refused('create_no_id', 'the platform answered success without a warehouse_order_id');
  return {
    id,
    internationalNumber: text(result.intl_tracking_no),
    lpNumber: text(result.out_order_code),
    service: null,
    status: null,
    domesticNumber: null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Read back the logistics orders of a trade order

export function queryParams(tradeOrderId: string, domesticNumber?: string): Params {
  return {
    trade_order_id: digits(tradeOrderId, 'trade_order_id'),
    domestic_logistics_num: domesticNumber,
    current_page: '1',
    page_size: '50',
  };
}

export function parseQuery(response: Record<string, unknown>): LogisticsOrder[] {
  const result = (response.result ?? {}) as Record<string, unknown>;
  if (result.success === false)
    throw refused('query_refused', text(result.error_desc) ?? 'the platform refused the logistics order query');
  return listOf(result.result_list).map((raw) => {
    const item = raw as Record<string, unknown>;
    return {
      id: text(item.logistics_order_id) ?? '',
      internationalNumber: text(item.international_logistics_num),
      lpNumber: text(item.out_order_code),
      service: text(item.international_logistics_type),
      status: text(item.logistics_status),
      domesticNumber: text(item.domestic_logistics_num),
    };
  });
}

/** Closed or cancelled logistics orders do not count as the label a retry should resume. */
export function isLive(order: LogisticsOrder): boolean {
  return !/CLOSE|CANCEL/i.test(order.status ?? '');
}

// ---------------------------------------------------------------------------------------------------------------
// The label

export function labelParams(internationalNumber: string): Params {
  return { international_logistics_id: internationalNumber };
}

/**
 * `result` is a string: per the IOP SDK, "the body obtained by the international number, base64-decoded, is the
 * waybill label's PDF bytes". Read here as a JSON object with `body`, or the base64 text itself; it must be a PDF.
 */
export function parseLabel(response: Record<string, unknown>): Buffer {
  const result = response.result;
  let body: unknown = result;
  if (typeof result === 'string' && result.trim().startsWith('{')) {
    try {
      body = (JSON.parse(result) as Record<string, unknown>).body;
    } catch {
      body = undefined;
    }
  } else if (result && typeof result === 'object') body = (result as Record<string, unknown>).body;
  const pdf = typeof body === 'string' ? Buffer.from(body, 'base64') : Buffer.alloc(0);
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-')
    throw refused('label_not_pdf', 'the platform answered the label call without a PDF');
  return pdf;
}

// ---------------------------------------------------------------------------------------------------------------

function refused(code: string, message: string): CarrierRefusedError {
  return new CarrierRefusedError(422, code, `AliExpress online logistics: ${message}`);
}

function text(value: unknown): string | null {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

function digits(value: string, field: string): string {
  const id = String(value).trim();
  if (!/^\d{1,20}$/.test(id))
    throw new CarrierRefusedError(
      422,
      'bad_request',
      `AliExpress online logistics: ${field} must be digits (got "${id}")`,
    );
  return id;
}

function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') {
    const inner = Object.values(value as Record<string, unknown>).find(Array.isArray);
    if (inner) return inner as unknown[];
  }
  return [];
}
