/**
 * YunExpress (云途物流) OMS API v1 — request building and response parsing, pure (no I/O, no clock).
 * Sources, with the documented examples kept as fixtures: test/fixtures/carriers/yunexpress/README.md.
 *
 * - Authentication: `Authorization: Basic base64(CustomerCode + "&" + ApiSecret)`, JSON both ways.
 * - `POST /api/WayBill/CreateOrder`  body: an array of orders → `{Item: [{CustomerOrderNumber, Success, Remark,
 *   WayBillNumber, TrackingNumber, TrackType, …}], Code: "0000", Message}`; a refused order has `Success: 0` and the
 *   reason in `Remark` (the envelope's `Code` is then not "0000", e.g. "1001").
 * - `POST /api/Label/Print`          body: an array of order numbers → `{Item: [{Url, OrderInfos: [{CustomerOrderNumber,
 *   Error, Code: 100}]}]}` (Code 100 = printed, else `Error`).
 * - `POST /api/WayBill/Delete`       body `{OrderType, OrderNumber}` (1 waybill number, 2 customer order number,
 *   3 tracking number) → `{Item: {OrderNumber, Status, Type, Remark}}`; only orders not yet received can be deleted.
 * - `GET  /api/WayBill/GetOrder?OrderNumber=` → `{Item: {WayBillNumber, OrderNumber, TrackingNumber, …}}`.
 * - `GET  /api/Tracking/GetTrackAllInfo?OrderNumber=` → `{Item: {WaybillNumber, OrderTrackingDetails: [{ProcessDate,
 *   ProcessContent, ProcessLocation, TrackingStatus}]}}`; `ProcessDate` has no offset (read as China time, UTC+8).
 * - `GET  /api/Freight/GetPriceTrial?CountryCode=&Weight=&Length=&Width=&Height=&PackageType=` (kg, whole cm;
 *   PackageType 0 general goods, 1 with batteries) → `{Items: [{Code, CName, EName, ShippingFee, RegistrationFee,
 *   FuelFee, SundryFee, TariffPrepayFee, TotalFee, DeliveryDays, Remark}]}`, one item per product that takes the
 *   parcel; `TotalFee` in CNY (the account's currency) unless the item names its `Currency`.
 * Every answer is the envelope `{Code, Message, RequestId, TimeStamp}` with `Item` or `Items`; "0000" is success.
 *
 * shipby's idempotency key is the `CustomerOrderNumber` (YunExpress refuses a repeated one), and the platform order
 * id goes in `TransactionNumber` (平台交易号). The tracking number is the `WayBillNumber` (YT + 16 digits), which
 * YunExpress tracks end to end; the last-mile `TrackingNumber` may come later.
 */
import {
  CarrierRefusedError,
  CarrierUnavailableError,
  type CarrierQuote,
  type CarrierQuoteRequest,
  type CarrierTrackingEvent,
  type LabelRequest,
  type PostalAddress,
} from '../types';
import type { CarrierHttpAnswer, CarrierHttpRequest } from '../transport';
import { jsonOf } from '../transport';
import { carrierInstant, centimetres, kilograms, minorAmount, transitRange, unitPrice } from '../wire';

export const YUNEXPRESS_URLS = {
  production: 'http://oms.api.yunexpress.com',
  sandbox: 'http://omsapi.uat.yunexpress.com',
} as const;
const NAME = 'YunExpress';

export interface YunExpressCredentials {
  customerCode: string;
  apiSecret: string;
}

export function authorization(credentials: YunExpressCredentials): string {
  return `Basic ${Buffer.from(`${credentials.customerCode}&${credentials.apiSecret}`, 'utf8').toString('base64')}`;
}

/** The customer code and secret back from an `Authorization` header (the sample server checks it), or null. */
export function credentialsOf(header: string | undefined): YunExpressCredentials | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!match) return null;
  const text = Buffer.from(match[1]!, 'base64').toString('utf8');
  const at = text.indexOf('&');
  return at > 0 ? { customerCode: text.slice(0, at), apiSecret: text.slice(at + 1) } : null;
}

function headers(credentials: YunExpressCredentials, withBody: boolean): Record<string, string> {
  return {
    authorization: authorization(credentials),
    accept: 'application/json',
    ...(withBody ? { 'content-type': 'application/json;charset=UTF-8' } : {}),
  };
}

function post(credentials: YunExpressCredentials, path: string, body: unknown): CarrierHttpRequest {
  return { method: 'POST', path, headers: headers(credentials, true), body: JSON.stringify(body) };
}

function get(credentials: YunExpressCredentials, path: string, query: Record<string, string>): CarrierHttpRequest {
  return {
    method: 'GET',
    path: `${path}?${new URLSearchParams(query).toString()}`,
    headers: headers(credentials, false),
  };
}

function address(a: PostalAddress) {
  return {
    CountryCode: a.country.toUpperCase(),
    FirstName: a.name,
    Street: [a.line1, a.line2].filter((l) => l && l.trim()).join(', '),
    City: a.city,
    ...(a.state ? { State: a.state } : {}),
    ...(a.postcode ? { Zip: a.postcode } : {}),
    ...(a.phone ? { Phone: a.phone } : {}),
  };
}

/** One order (one parcel) for `WayBill/CreateOrder`; the body is an array of these. */
function orderOf(request: LabelRequest) {
  const units = request.contents.reduce((sum, c) => sum + c.quantity, 0);
  const lines = request.contents.length ? request.contents : [{ sku: 'GOODS', quantity: 1 }];
  const count = Math.max(1, units);
  const perUnitWeight = kilograms(Math.max(1, Math.round(request.grossWeightG / count)));
  return {
    CustomerOrderNumber: request.idempotencyKey,
    ShippingMethodCode: request.service,
    TransactionNumber: request.reference,
    Length: centimetres(request.dimsMm[0]),
    Width: centimetres(request.dimsMm[1]),
    Height: centimetres(request.dimsMm[2]),
    PackageCount: 1,
    Weight: kilograms(request.grossWeightG),
    Receiver: address(request.recipient),
    Sender: address(request.sender),
    ApplicationType: 4,
    ReturnOption: 0,
    Parcels: lines.map((line) => ({
      EName: line.sku,
      SKU: line.sku,
      Quantity: line.quantity,
      UnitPrice: unitPrice(request.declaredValue, count),
      UnitWeight: perUnitWeight,
      CurrencyCode: request.declaredValue.currency,
    })),
  };
}

export function createOrderRequest(credentials: YunExpressCredentials, request: LabelRequest): CarrierHttpRequest {
  return post(credentials, '/api/WayBill/CreateOrder', [orderOf(request)]);
}

interface Envelope {
  Code?: unknown;
  Message?: unknown;
  Item?: unknown;
  Items?: unknown;
}

function envelope(answer: CarrierHttpAnswer): Envelope {
  if (answer.status === 401 || answer.status === 403)
    throw new CarrierRefusedError(
      answer.status,
      'unauthorized',
      `${NAME} refused the customer code or API secret (HTTP ${answer.status})`,
    );
  const json = jsonOf(answer, NAME);
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new CarrierUnavailableError(`${NAME} answered HTTP ${answer.status} without its {Code, Message} envelope`);
  return json as Envelope;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function refusal(env: Envelope, detail: string, status: number): CarrierRefusedError {
  const code = text(env.Code) || 'refused';
  const message = [detail, text(env.Message)].filter(Boolean).join(' — ') || `${NAME} answered code ${code}`;
  return new CarrierRefusedError(status >= 400 ? status : 422, code, `${NAME}: ${message}`);
}

export type CreateOrderOutcome =
  | { kind: 'created'; wayBillNumber: string; trackingNumber: string | null }
  /** YunExpress says the customer order number exists: a retried request; read the order back. */
  | { kind: 'duplicate'; message: string }
  /** Created (Success 1) but with no waybill number: the order must be deleted, the label is not bought. */
  | { kind: 'no_number'; message: string };

const DUPLICATE = /重复|已存在|already exist|duplicate|repeat/i;

export function parseCreateOrder(answer: CarrierHttpAnswer, customerOrderNumber: string): CreateOrderOutcome {
  const env = envelope(answer);
  const items = Array.isArray(env.Item) ? (env.Item as Array<Record<string, unknown>>) : [];
  const item = items.find((i) => text(i.CustomerOrderNumber) === customerOrderNumber) ?? items[0];
  if (!item) throw refusal(env, 'no order in the answer', answer.status);
  const remark = text(item.Remark);
  if (Number(item.Success) !== 1) {
    if (DUPLICATE.test(remark)) return { kind: 'duplicate', message: remark };
    throw refusal(env, remark, answer.status);
  }
  const wayBill = text(item.WayBillNumber);
  if (!wayBill) return { kind: 'no_number', message: remark || text(env.Message) || 'no WayBillNumber' };
  return { kind: 'created', wayBillNumber: wayBill, trackingNumber: text(item.TrackingNumber) || null };
}

export function labelPrintRequest(
  credentials: YunExpressCredentials,
  orderNumbers: readonly string[],
): CarrierHttpRequest {
  return post(credentials, '/api/Label/Print', [...orderNumbers]);
}

/** The label PDF's URL for `orderNumber`, or the carrier's reason it has none. */
export function parseLabelPrint(answer: CarrierHttpAnswer, orderNumber: string): string {
  const env = envelope(answer);
  const items = Array.isArray(env.Item) ? (env.Item as Array<Record<string, unknown>>) : [];
  for (const item of items) {
    const infos = Array.isArray(item.OrderInfos) ? (item.OrderInfos as Array<Record<string, unknown>>) : [];
    const info =
      infos.find((i) => text(i.CustomerOrderNumber) === orderNumber) ?? (infos.length === 1 ? infos[0] : undefined);
    if (info && Number(info.Code) !== 100)
      throw refusal(env, text(info.Error) || `label code ${String(info.Code)}`, answer.status);
    if (text(item.Url)) return text(item.Url);
  }
  throw refusal(env, `no label for ${orderNumber}`, answer.status);
}

export type DeleteOrderType = 1 | 2 | 3;

export function deleteRequest(
  credentials: YunExpressCredentials,
  orderNumber: string,
  orderType: DeleteOrderType = 1,
): CarrierHttpRequest {
  return post(credentials, '/api/WayBill/Delete', { OrderType: String(orderType), OrderNumber: orderNumber });
}

export function parseDelete(answer: CarrierHttpAnswer): void {
  const env = envelope(answer);
  const item = (env.Item ?? {}) as Record<string, unknown>;
  if (text(env.Code) !== '0000' || /fail/i.test(text(item.Status)))
    throw refusal(env, text(item.Remark), answer.status === 200 ? 409 : answer.status);
}

export function getOrderRequest(credentials: YunExpressCredentials, orderNumber: string): CarrierHttpRequest {
  return get(credentials, '/api/WayBill/GetOrder', { OrderNumber: orderNumber });
}

export function parseGetOrder(answer: CarrierHttpAnswer): {
  wayBillNumber: string;
  customerOrderNumber: string;
  trackingNumber: string | null;
  shippingMethodCode: string;
  transactionNumber: string | null;
} {
  const env = envelope(answer);
  const item = env.Item as Record<string, unknown> | null | undefined;
  if (text(env.Code) !== '0000' || !item || !text(item.WayBillNumber))
    throw refusal(env, 'order not found', answer.status === 200 ? 404 : answer.status);
  return {
    wayBillNumber: text(item.WayBillNumber),
    customerOrderNumber: text(item.OrderNumber),
    trackingNumber: text(item.TrackingNumber) || null,
    shippingMethodCode: text(item.ShippingMethodCode),
    transactionNumber: text(item.TransactionNumber) || null,
  };
}

export function trackRequest(credentials: YunExpressCredentials, number: string): CarrierHttpRequest {
  return get(credentials, '/api/Tracking/GetTrackAllInfo', { OrderNumber: number });
}

export function parseTrack(answer: CarrierHttpAnswer): CarrierTrackingEvent[] {
  const env = envelope(answer);
  if (text(env.Code) !== '0000') throw refusal(env, '', answer.status === 200 ? 404 : answer.status);
  const item = (env.Item ?? {}) as Record<string, unknown>;
  const details = Array.isArray(item.OrderTrackingDetails)
    ? (item.OrderTrackingDetails as Array<Record<string, unknown>>)
    : [];
  const events: CarrierTrackingEvent[] = [];
  for (const d of details) {
    const at = carrierInstant(text(d.ProcessDate));
    if (at === null) continue;
    events.push({
      at,
      status: `yunexpress:${String(d.TrackingStatus ?? '')}`,
      description: text(d.ProcessContent),
      location: text(d.ProcessLocation) || null,
    });
  }
  return events.sort((a, b) => a.at - b.at);
}

export function priceTrialRequest(credentials: YunExpressCredentials, q: CarrierQuoteRequest): CarrierHttpRequest {
  return get(credentials, '/api/Freight/GetPriceTrial', {
    CountryCode: q.destinationCountry.toUpperCase(),
    Weight: String(kilograms(q.grossWeightG)),
    Length: String(centimetres(q.dimsMm[0])),
    Width: String(centimetres(q.dimsMm[1])),
    Height: String(centimetres(q.dimsMm[2])),
    PackageType: q.batteries ? '1' : '0',
    ...(q.postcode ? { PostCode: q.postcode } : {}),
  });
}

/** YunExpress bills its customers in yuan: an item that names no `Currency` is in CNY. */
const PRICE_CURRENCY = 'CNY';

/** The price of `service` (a YunExpress product code) in the trial's answer, or the reason there is none. */
export function parsePriceTrial(answer: CarrierHttpAnswer, service: string): CarrierQuote {
  const env = envelope(answer);
  if (text(env.Code) !== '0000') throw refusal(env, 'no price', answer.status === 200 ? 422 : answer.status);
  const items = Array.isArray(env.Items) ? (env.Items as Array<Record<string, unknown>>) : [];
  const item = items.find((i) => text(i.Code).toUpperCase() === service.toUpperCase());
  if (!item)
    throw new CarrierRefusedError(
      422,
      'not_priced',
      `${NAME}: the freight trial has no price for ${service}${items.length ? ` (it priced ${items.map((i) => text(i.Code)).join(', ')})` : ' (no product takes the parcel)'}`,
    );
  const currency = text(item.Currency).toUpperCase() || PRICE_CURRENCY;
  const amount = minorAmount(item.TotalFee, currency);
  if (amount === null || amount <= 0)
    throw new CarrierRefusedError(422, 'no_price', `${NAME}: the freight trial gives ${service} no TotalFee`);
  return {
    service: text(item.Code),
    cost: { amount, currency },
    zone: null,
    transitDays: transitRange(
      typeof item.DeliveryDays === 'number' ? String(item.DeliveryDays) : text(item.DeliveryDays),
    ),
  };
}
