/**
 * Signed client for the AliExpress Open Platform (marketplace-rules.md §3), over Node's fetch (undici).
 *
 * ```ts
 * const client = createAliExpressClient({
 *   credentials: { appKey, appSecret, accessToken },          // never logged, never in an error
 *   gateway: { protocol: 'iop' },                               // or { protocol: 'top', signMethod: 'hmac-sha256' }
 * });
 * // modified in [from, to], created in a window of ≤ 180 days (walk longer spans with creationWindows, protocol.ts)
 * const page = await client.listOrdersModified({ from, to, created: { from: c0, to: c1 }, page: 1, pageSize: 50 });
 * for await (const summary of client.listAllOrdersModified({ from, to, created })) { ... }
 * const order = await client.getOrder('8190000000123400');   // findorderbyid `target`; see mapping.ts
 * await client.declareShipment({ orderId, serviceName: 'CAINIAO_STANDARD', logisticsNo, sendType: 'part' });
 * await client.modifyShipment({ orderId, oldServiceName, oldLogisticsNo, newServiceName, newLogisticsNo, sendType });
 * const services = await client.listLogisticsServices();
 * await client.sendBuyerMessage({ orderId, buyerLoginId, sellerLoginId, content });
 * ```
 *
 * Layout: this file is the API calls; `transport.ts` the signed HTTP call with timeouts and retries;
 * `gateway-request.ts` the two protocols' signing of a request (IOP `/sync`, TOP `/router/rest`);
 * `gateway-answer.ts` what an answer means, with `gateway-errors.ts` classifying the error envelopes once;
 * `client-types.ts` the public types. List query times are sent as US Pacific wall-clock time.
 *
 * Failures are typed (errors.ts): `RetryableMarketplaceError` after the retry budget is spent (5xx, 429, call
 * limits, network, read timeouts); `ReauthorisationRequiredError` at once (the seller's token is invalid or
 * expired); `PermanentMarketplaceError` at once (signature, timestamp, app key, parameters, business refusals,
 * with the platform's own words in `platformMessage`); `AmbiguousOutcomeError` at once for a WRITE whose outcome is
 * unknown (timeout, connection lost after sending, an unreadable answer, HTTP 5xx other than 503, a platform-side
 * `isp.*` / ISP / SYSTEM error). The client never repeats such a write: read the order back first (`getOrder` +
 * `mapDeclaredShipments`).
 */
import { API, MAX_CREATE_WINDOW_MS, MAX_PAGE_SIZE, parsePlatformTime, platformQueryTime } from './protocol';
import { PermanentMarketplaceError } from './errors';
import { requireWriteSuccess } from './gateway-answer';
import { GatewayTransport } from './transport';
import type {
  AliExpressClientConfig,
  BuyerMessageInput,
  CallKind,
  CallOptions,
  DeclareShipmentInput,
  LogisticsService,
  ModifyShipmentInput,
  OrderListPage,
  OrderListQuery,
  OrderSummary,
  RawCallResult,
} from './client-types';
import type {
  PlatformLogisticsService,
  PlatformOrderDetail,
  PlatformOrderDetailResponse,
  PlatformOrderListItem,
  PlatformOrderListResult,
  PlatformReceiptInfo,
} from './platform-types';

export * from './client-types';
export { parseRetryAfter } from './gateway-answer';

export class AliExpressClient {
  readonly #transport: GatewayTransport;
  readonly #clean: (text: string) => string;

  constructor(config: AliExpressClientConfig) {
    this.#transport = new GatewayTransport(config);
    this.#clean = (text) => this.#transport.clean(text);
  }

  get protocol(): 'iop' | 'top' {
    return this.#transport.protocol;
  }

  /** One page of orders modified in [from, to] (Pacific query times, widened over the DST-repeated hour). */
  async listOrdersModified(query: OrderListQuery, options: CallOptions = {}): Promise<OrderListPage> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(page) || page < 1) throw new RangeError('page must be an integer ≥ 1');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    if (!(query.from <= query.to)) throw new RangeError('the window must have from ≤ to');
    if (query.statuses && query.statuses.length > 20) throw new RangeError('at most 20 statuses per query');
    const created = query.created;
    if (!(created.from <= created.to)) throw new RangeError('the creation window must have from ≤ to');
    const createStart = platformQueryTime(created.from, 'start');
    const createEnd = platformQueryTime(created.to, 'end');
    const createdSpan = (parsePlatformTime(createEnd) ?? created.to) - (parsePlatformTime(createStart) ?? created.from);
    if (createdSpan > MAX_CREATE_WINDOW_MS)
      throw new RangeError('the creation window is at most 180 days (walk longer spans with creationWindows)');
    const queryObject: Record<string, unknown> = {
      create_date_start: createStart,
      create_date_end: createEnd,
      modified_date_start: platformQueryTime(query.from, 'start'),
      modified_date_end: platformQueryTime(query.to, 'end'),
      current_page: page,
      page_size: pageSize,
    };
    if (query.statuses?.length) queryObject.order_status_list = [...query.statuses];
    const { response, requestTimestamp } = await this.call(
      API.orderList,
      { param_aeop_order_query: JSON.stringify(queryObject) },
      'read',
      options,
    );
    const result = (response.result ?? {}) as PlatformOrderListResult;
    if (result.success === false) {
      throw new PermanentMarketplaceError(
        this.#clean(`${API.orderList}: ${result.error_code ?? 'error'} ${result.error_message ?? ''}`.trim()),
        { method: API.orderList, code: String(result.error_code ?? 'LIST_FAILED'), reason: 'invalid_request' },
      );
    }
    const items = result.target_list?.aeop_order_item_dto ?? [];
    const totalCount = Number(result.total_count ?? items.length);
    const effectivePageSize = Number(result.page_size ?? pageSize);
    return {
      orders: items.map((item) => summarise(item, requestTimestamp)),
      page: Number(result.current_page ?? page),
      pageSize: effectivePageSize,
      totalCount,
      totalPages: Number(result.total_page ?? Math.ceil(totalCount / effectivePageSize)),
    };
  }

  /** Every order modified in [from, to], page after page. */
  async *listAllOrdersModified(
    query: Omit<OrderListQuery, 'page'>,
    options: CallOptions = {},
  ): AsyncGenerator<OrderSummary, void, undefined> {
    for (let page = 1; ; page++) {
      const result = await this.listOrdersModified({ ...query, page }, options);
      yield* result.orders;
      if (page >= result.totalPages || result.orders.length === 0) return;
    }
  }

  /** The order detail (`findorderbyid` `target`); map it with `mapOrderDetail` (mapping.ts). */
  async getOrder(orderId: string, options: CallOptions = {}): Promise<PlatformOrderDetail> {
    const id = requireOrderId(orderId);
    // Raw digits, not a JS number: ids can exceed 2^53.
    const { response } = await this.call(API.orderDetail, { param1: `{"order_id":${id}}` }, 'read', options);
    const target = (response as unknown as PlatformOrderDetailResponse).target;
    if (!target || typeof target !== 'object') {
      throw new PermanentMarketplaceError(`${API.orderDetail}: no order in the answer`, {
        method: API.orderDetail,
        code: 'NO_TARGET',
        reason: 'not_found',
      });
    }
    return target;
  }

  /**
   * The order's receipt address in full (`findorderreceiptinfo` `result`), for an order whose detail gave it masked;
   * map it with `mapReceiptAddress` (mapping.ts). A read: the gateway's errors are classified as for the detail.
   */
  async getReceiptInfo(orderId: string, options: CallOptions = {}): Promise<PlatformReceiptInfo> {
    const { response } = await this.call(API.receiptInfo, receiptInfoParams(orderId), 'read', options);
    const result = (response as { result?: unknown }).result;
    if (!result || typeof result !== 'object') {
      throw new PermanentMarketplaceError(`${API.receiptInfo}: no address in the answer`, {
        method: API.receiptInfo,
        code: 'NO_RESULT',
        reason: 'not_found',
      });
    }
    return result as PlatformReceiptInfo;
  }

  async declareShipment(input: DeclareShipmentInput, options: CallOptions = {}): Promise<void> {
    const id = requireOrderId(input.orderId);
    validateShipmentFields(
      input.serviceName,
      input.logisticsNo,
      input.sendType,
      input.trackingWebsite,
      input.description,
    );
    const { response } = await this.call(
      API.fulfill,
      {
        out_ref: id,
        service_name: input.serviceName,
        logistics_no: input.logisticsNo,
        send_type: input.sendType,
        tracking_website: input.trackingWebsite,
        description: input.description,
      },
      'write',
      options,
    );
    requireWriteSuccess(API.fulfill, response, this.#clean);
  }

  async modifyShipment(input: ModifyShipmentInput, options: CallOptions = {}): Promise<void> {
    const id = requireOrderId(input.orderId);
    validateShipmentFields(
      input.newServiceName,
      input.newLogisticsNo,
      input.sendType,
      input.trackingWebsite,
      input.description,
    );
    if (!input.oldServiceName || !input.oldLogisticsNo) throw new RangeError('the shipment to correct is required');
    const { response } = await this.call(
      API.modifyShipment,
      {
        out_ref: id,
        old_service_name: input.oldServiceName,
        old_logistics_no: input.oldLogisticsNo,
        new_service_name: input.newServiceName,
        new_logistics_no: input.newLogisticsNo,
        send_type: input.sendType,
        tracking_website: input.trackingWebsite,
        description: input.description,
      },
      'write',
      options,
    );
    requireWriteSuccess(API.modifyShipment, response, this.#clean);
  }

  async listLogisticsServices(options: CallOptions = {}): Promise<LogisticsService[]> {
    const { response } = await this.call(API.listLogisticsServices, {}, 'read', options);
    if (response.result_success === false) requireWriteSuccess(API.listLogisticsServices, response, this.#clean);
    const list = (response.result_list as { aeop_logistics_service_result?: PlatformLogisticsService[] } | undefined)
      ?.aeop_logistics_service_result;
    return (list ?? []).map((service) => ({
      serviceName: service.service_name,
      displayName: service.display_name,
      logisticsCompany: service.logistics_company,
      minProcessDays: service.min_process_day,
      maxProcessDays: service.max_process_day,
      trackingNumberPattern: service.tracking_no_regex,
    }));
  }

  /**
   * Sends an order message to the buyer through `aliexpress.message.redefining.versiontwo.addmsg` (API name from
   * the generated TOP SDKs; see protocol.ts). A write: an unknown outcome is an AmbiguousOutcomeError.
   */
  async sendBuyerMessage(input: BuyerMessageInput, options: CallOptions = {}): Promise<void> {
    const id = requireOrderId(input.orderId);
    if (!input.content.trim()) throw new RangeError('the message is empty');
    if (!input.buyerLoginId || !input.sellerLoginId) throw new RangeError('buyer and seller login ids are required');
    const createParam =
      `{"buyer_id":${JSON.stringify(input.buyerLoginId)},"seller_id":${JSON.stringify(input.sellerLoginId)},` +
      `"content":${JSON.stringify(input.content)},"message_type":"order","extern_id":${id}}`;
    const { response } = await this.call(API.sendBuyerMessage, { create_param: createParam }, 'write', options);
    requireWriteSuccess(API.sendBuyerMessage, response, this.#clean);
  }

  /**
   * Low-level signed call with retries, for APIs not wrapped above. `kind: 'write'` makes unknown outcomes
   * ambiguous instead of retrying them. Undefined and empty parameters are not sent.
   */
  call(
    method: string,
    businessParams: Readonly<Record<string, string | undefined>>,
    kind: CallKind,
    options: CallOptions = {},
  ): Promise<RawCallResult> {
    return this.#transport.call(method, businessParams, kind, options);
  }

  toJSON(): Record<string, unknown> {
    return { protocol: this.#transport.protocol, baseUrl: this.#transport.baseUrl };
  }
}

export function createAliExpressClient(config: AliExpressClientConfig): AliExpressClient {
  return new AliExpressClient(config);
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function summarise(item: PlatformOrderListItem, requestTimestamp: number): OrderSummary {
  const left = item.timeout_left_time === undefined ? undefined : Number(item.timeout_left_time);
  return {
    orderId: String(item.order_id),
    status: item.order_status,
    createdAt: platformMillis(item.gmt_create),
    modifiedAt: platformMillis(item.gmt_update),
    paidAt: platformMillis(item.gmt_pay_time),
    countdownEndsAt: left !== undefined && Number.isFinite(left) ? requestTimestamp + left : undefined,
    raw: item,
  };
}

function platformMillis(text: string | undefined): number | undefined {
  return text ? parsePlatformTime(text) : undefined;
}

function requireOrderId(orderId: string): string {
  const id = String(orderId).trim();
  if (!/^\d{1,20}$/.test(id)) throw new RangeError('an AliExpress order id is a string of digits');
  return id;
}

function validateShipmentFields(
  serviceName: string,
  logisticsNo: string,
  sendType: string,
  trackingWebsite: string | undefined,
  description: string | undefined,
): void {
  if (!serviceName.trim()) throw new RangeError('service_name is required');
  if (!logisticsNo.trim()) throw new RangeError('logistics_no is required');
  if (sendType !== 'part' && sendType !== 'all') throw new RangeError("send_type is 'part' or 'all'");
  if (serviceName.toLowerCase() === 'other' && !trackingWebsite) {
    throw new RangeError("tracking_website is required when service_name is 'other'");
  }
  if (description !== undefined && description.length > 512)
    throw new RangeError('description is at most 512 characters');
}

/**
 * `findorderreceiptinfo`'s parameters: `param1`, the SDK's `TpOpenSingleOrderQuery` as JSON, with only `order_id`
 * (its other fields say "invalid, do not set"). Raw digits, not a JS number: ids can exceed 2^53.
 */
export function receiptInfoParams(orderId: string): Record<string, string> {
  return { param1: `{"order_id":${requireOrderId(orderId)}}` };
}
