/**
 * 4PX (递四方) Open Platform (FOP, open.4px.com) — request building, signing and response parsing, pure (the
 * timestamp is passed in). Sources and the examples kept as fixtures: test/fixtures/carriers/4px/README.md.
 *
 * Every call is `POST {base}/router/api/service?app_key=…&format=json&method=…&timestamp=…&v=1.0.0&sign=…` with the
 * business parameters as the JSON body. `sign` = lower-case hex MD5 of the system parameters sorted by name, each as
 * name + value (`app_key…format…method…timestamp…v…`), then the body exactly as sent, then the app secret.
 * `access_token` (OAuth, for platforms acting for a 4PX customer) and `language` are sent but not signed.
 * The answer: `{result: "1" | "0", msg, errors: [{error_code, error_msg}], data}`.
 *
 * - `ds.xms.order.create`  {ref_no, business_type, duty_type, cargo_type, logistics_service_info, return_info,
 *   parcel_list, is_insure, sender, recipient_info, deliver_type_info} → data {ds_consignment_no, 4px_tracking_no,
 *   logistics_channel_no, ref_no}
 * - `ds.xms.label.get`     {request_no, response_label_format: "PDF"} → data {label_barcode, label_url_info:
 *   {logistics_label}}
 * - `ds.xms.order.cancel`  {request_no, cancel_reason} → result "1"
 * - `ds.xms.order.get`     {request_no} → data [{consignment_info: {ds_consignment_no, 4px_tracking_no, ref_no, …}}]
 * - `tr.order.tracking.get` {deliveryOrderNo} → data {deliveryOrderNo, trackingList: [{businessLinkCode,
 *   occurDatetime, occurLocation, trackingContent}]}
 * - `ds.xms.estimated_cost.get` {country_code, weight (g), length, width, height (cm), cargocode: "P",
 *   logistics_product_code: [codes], recipient_post_code} → data [{logistics_product_code, lump_sum_fee (CNY),
 *   estimated_time (days), charge_weight, is_volume_cargo, remarks}] (预估费用查询/运费试算; `data` may come as a
 *   JSON string and is read either way)
 * The idempotency key is the `ref_no` (4PX refuses a repeated one): a retried request reads the order back.
 */
import { createHash } from 'node:crypto';
import {
  CarrierRefusedError,
  CarrierUnavailableError,
  type CarrierQuote,
  type CarrierQuoteRequest,
  type CarrierTrackingEvent,
  type LabelRequest,
  type PostalAddress,
} from '../types';
import { jsonOf, type CarrierHttpAnswer, type CarrierHttpRequest } from '../transport';
import { carrierInstant, centimetres, majorAmount, minorAmount, transitRange, unitPrice } from '../wire';

export const FOURPX_URLS = { production: 'https://open.4px.com', sandbox: 'https://open-test.4px.com' } as const;
const FOURPX_VERSION = '1.0.0';
const NAME = '4PX';

export interface FourPxCredentials {
  appKey: string;
  appSecret: string;
  accessToken?: string | null;
}

/** The signature over the system parameters, the body and the secret. */
export function sign(
  params: { app_key: string; format: string; method: string; timestamp: string; v: string },
  body: string,
  appSecret: string,
): string {
  const signed = (Object.keys(params) as Array<keyof typeof params>)
    .sort()
    .map((k) => `${k}${params[k]}`)
    .join('');
  return createHash('md5').update(`${signed}${body}${appSecret}`, 'utf8').digest('hex');
}

export function request(
  credentials: FourPxCredentials,
  method: string,
  business: unknown,
  timestamp: number,
): CarrierHttpRequest {
  const body = JSON.stringify(business);
  const params = {
    app_key: credentials.appKey,
    format: 'json',
    method,
    timestamp: String(timestamp),
    v: FOURPX_VERSION,
  };
  const query = new URLSearchParams({
    ...params,
    ...(credentials.accessToken ? { access_token: credentials.accessToken } : {}),
    language: 'en',
    sign: sign(params, body, credentials.appSecret),
  });
  return {
    method: 'POST',
    path: `/router/api/service?${query.toString()}`,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body,
  };
}

/** What the sample side needs to check a signed request: the method, the signature and whether it matches. */
export function verify(query: URLSearchParams, body: string, appSecret: string): boolean {
  const params = {
    app_key: query.get('app_key') ?? '',
    format: query.get('format') ?? '',
    method: query.get('method') ?? '',
    timestamp: query.get('timestamp') ?? '',
    v: query.get('v') ?? '',
  };
  return sign(params, body, appSecret) === query.get('sign');
}

function address(a: PostalAddress) {
  return {
    first_name: a.name,
    ...(a.phone ? { phone: a.phone } : {}),
    ...(a.postcode ? { post_code: a.postcode } : {}),
    country: a.country.toUpperCase(),
    city: a.city,
    street: [a.line1, a.line2].filter((l) => l && l.trim()).join(', '),
  };
}

export function createOrderBody(label: LabelRequest) {
  const units = Math.max(
    1,
    label.contents.reduce((sum, c) => sum + c.quantity, 0),
  );
  const lines = label.contents.length ? label.contents : [{ sku: 'GOODS', quantity: 1 }];
  const currency = label.declaredValue.currency;
  return {
    ref_no: label.idempotencyKey,
    business_type: 'BDS',
    duty_type: 'U',
    cargo_type: '5',
    buyer_id: label.reference,
    logistics_service_info: { logistics_product_code: label.service },
    return_info: { is_return_on_domestic: 'N', is_return_on_oversea: 'N' },
    parcel_list: [
      {
        weight: label.grossWeightG,
        length: centimetres(label.dimsMm[0]),
        width: centimetres(label.dimsMm[1]),
        height: centimetres(label.dimsMm[2]),
        parcel_value: majorAmount(label.declaredValue),
        currency,
        include_battery: 'N',
        declare_product_info: lines.map((line) => ({
          declare_product_name_en: line.sku,
          declare_product_code_qty: line.quantity,
          unit_declare_product: 'PCS',
          declare_unit_price_export: unitPrice(label.declaredValue, units),
          currency_export: currency,
          declare_unit_price_import: unitPrice(label.declaredValue, units),
          currency_import: currency,
        })),
      },
    ],
    is_insure: 'N',
    sender: address(label.sender),
    recipient_info: address(label.recipient),
    deliver_type_info: { deliver_type: '1' },
  };
}

interface Answer {
  result?: unknown;
  msg?: unknown;
  errors?: unknown;
  data?: unknown;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

function answerOf(answer: CarrierHttpAnswer): Answer {
  const json = jsonOf(answer, NAME);
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new CarrierUnavailableError(`${NAME} answered HTTP ${answer.status} without its {result, msg} envelope`);
  return json as Answer;
}

function errorsOf(a: Answer): Array<{ code: string; message: string }> {
  return (Array.isArray(a.errors) ? (a.errors as Array<Record<string, unknown>>) : []).map((e) => ({
    code: text(e.error_code),
    message: text(e.error_msg),
  }));
}

/** The answer's data when `result` is "1", else the carrier's own words as a refusal. */
export function dataOf(answer: CarrierHttpAnswer): unknown {
  const a = answerOf(answer);
  if (text(a.result) === '1') return a.data;
  const errors = errorsOf(a);
  const code = errors[0]?.code || 'refused';
  const words = [
    ...errors.map((e) => (e.code ? `${e.message} (${e.code})` : e.message)).filter(Boolean),
    text(a.msg),
  ].filter(Boolean);
  throw new CarrierRefusedError(
    answer.status >= 400 ? answer.status : 422,
    code,
    `${NAME}: ${words.join(' — ') || 'refused'}`,
  );
}

const DUPLICATE = /重复|已存在|already exist|duplicate|repeat/i;

/** Whether a refusal says the `ref_no` is taken (a retried request). */
export function isDuplicate(error: unknown): boolean {
  return error instanceof CarrierRefusedError && DUPLICATE.test(error.message);
}

export function parseCreateOrder(answer: CarrierHttpAnswer): {
  consignmentNo: string;
  trackingNumber: string | null;
  channelNumber: string | null;
} {
  const data = (dataOf(answer) ?? {}) as Record<string, unknown>;
  return {
    consignmentNo: text(data.ds_consignment_no),
    trackingNumber: text(data['4px_tracking_no']) || null,
    channelNumber: text(data.logistics_channel_no) || null,
  };
}

export function parseLabel(answer: CarrierHttpAnswer): string {
  const data = (dataOf(answer) ?? {}) as Record<string, unknown>;
  const url = text(((data.label_url_info ?? {}) as Record<string, unknown>).logistics_label);
  if (!url) throw new CarrierRefusedError(422, 'no_label', `${NAME}: the label answer has no logistics_label link`);
  return url;
}

export function parseGetOrder(
  answer: CarrierHttpAnswer,
  refNo: string,
): { consignmentNo: string; trackingNumber: string | null } {
  const data = dataOf(answer);
  const orders = (Array.isArray(data) ? data : []) as Array<Record<string, unknown>>;
  const infos = orders.map((o) => (o.consignment_info ?? {}) as Record<string, unknown>);
  const info = infos.find((i) => text(i.ref_no) === refNo) ?? infos[0];
  if (!info || !text(info.ds_consignment_no))
    throw new CarrierRefusedError(404, 'not_found', `${NAME}: no order ${refNo}`);
  return { consignmentNo: text(info.ds_consignment_no), trackingNumber: text(info['4px_tracking_no']) || null };
}

export function parseTracking(answer: CarrierHttpAnswer): CarrierTrackingEvent[] {
  const data = (dataOf(answer) ?? {}) as Record<string, unknown>;
  const list = (Array.isArray(data.trackingList) ? data.trackingList : []) as Array<Record<string, unknown>>;
  const events: CarrierTrackingEvent[] = [];
  for (const t of list) {
    const at = carrierInstant(text(t.occurDatetime));
    if (at === null) continue;
    events.push({
      at,
      status: `4px:${text(t.businessLinkCode)}`,
      description: text(t.trackingContent),
      location: text(t.occurLocation) || null,
    });
  }
  return events.sort((a, b) => a.at - b.at);
}

/** The business parameters of `ds.xms.estimated_cost.get` for one parcel and product. */
export function estimatedCostBody(q: CarrierQuoteRequest) {
  return {
    country_code: q.destinationCountry.toUpperCase(),
    weight: String(q.grossWeightG),
    length: String(centimetres(q.dimsMm[0])),
    width: String(centimetres(q.dimsMm[1])),
    height: String(centimetres(q.dimsMm[2])),
    cargocode: 'P',
    logistics_product_code: [q.service],
    ...(q.postcode ? { recipient_post_code: q.postcode } : {}),
  };
}

/** `lump_sum_fee` is documented in yuan (总费用(CNY)). */
const ESTIMATE_CURRENCY = 'CNY';

/** The estimate for `service` (a 4PX logistics product code), or the reason there is none. */
export function parseEstimatedCost(answer: CarrierHttpAnswer, service: string): CarrierQuote {
  let data = dataOf(answer);
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data) as unknown;
    } catch {
      throw new CarrierUnavailableError(`${NAME}: the estimate's data is neither a list nor JSON text`);
    }
  }
  const items = (Array.isArray(data) ? data : []) as Array<Record<string, unknown>>;
  const item = items.find((i) => text(i.logistics_product_code).toUpperCase() === service.toUpperCase());
  if (!item)
    throw new CarrierRefusedError(
      422,
      'not_priced',
      `${NAME}: the estimate has no price for ${service}${items.length ? ` (it priced ${items.map((i) => text(i.logistics_product_code)).join(', ')})` : ''}`,
    );
  const amount = minorAmount(text(item.lump_sum_fee), ESTIMATE_CURRENCY);
  if (amount === null || amount <= 0)
    throw new CarrierRefusedError(422, 'no_price', `${NAME}: the estimate gives ${service} no lump_sum_fee`);
  return {
    service: text(item.logistics_product_code),
    cost: { amount, currency: ESTIMATE_CURRENCY },
    zone: null,
    transitDays: transitRange(text(item.estimated_time)),
  };
}
