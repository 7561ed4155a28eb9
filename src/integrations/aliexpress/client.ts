/**
 * Signed client for the AliExpress Open Platform (marketplace-rules.md §3), over Node's fetch (undici).
 *
 * ```ts
 * const client = createAliExpressClient({
 *   credentials: { appKey, appSecret, accessToken },          // never logged, never in an error
 *   gateway: { protocol: 'iop' },                               // or { protocol: 'top', signMethod: 'hmac-sha256' }
 * });
 * const page = await client.listOrdersModified({ from, to, page: 1, pageSize: 50 }); // epoch ms window
 * for await (const summary of client.listAllOrdersModified({ from, to })) { ... }
 * const order = await client.getOrder('8190000000123400');   // findorderbyid `target`; see mapping.ts
 * await client.declareShipment({ orderId, serviceName: 'CAINIAO_STANDARD', logisticsNo, sendType: 'part' });
 * await client.modifyShipment({ orderId, oldServiceName, oldLogisticsNo, newServiceName, newLogisticsNo, sendType });
 * const services = await client.listLogisticsServices();
 * await client.sendBuyerMessage({ orderId, buyerLoginId, sellerLoginId, content });
 * ```
 *
 * Gateways: IOP posts every parameter form-encoded to `<base>/sync?method=<api>` with an epoch-ms `timestamp` and
 * `sign_method=sha256`; TOP posts to `<base>/router/rest` with a GMT+8 `yyyy-MM-dd HH:mm:ss` timestamp, `v=2.0`
 * and md5 / hmac / hmac-sha256 signing. List query times are sent as US Pacific wall-clock time.
 *
 * Failures are typed (errors.ts):
 * - `RetryableMarketplaceError` after the retry budget is spent (5xx, 429, flow control, network, read timeouts);
 * - `PermanentMarketplaceError` at once (signature, timestamp, token, parameters, business refusals);
 * - `AmbiguousOutcomeError` at once for a WRITE whose outcome is unknown (timeout, connection lost after sending,
 *   an unreadable answer, HTTP 5xx other than 503, a platform-side (ISP) error). The client never repeats such a
 *   write: read the order back first (`getOrder` + `mapDeclaredShipments`).
 * Reads are retried on all transient failures. Writes are retried only when the platform certainly did not apply
 * them: 429, flow-control answers, 503 / TOP "service unavailable", or a connection that was never established.
 *
 * Every attempt has its own timeout (AbortSignal); a caller's signal can cut the whole call short. Backoff is
 * exponential with jitter; a Retry-After header or a platform ban duration is waited out in full, and a wait longer
 * than `maxRetryAfterMs` is handed back to the caller as `retryAfterMs` instead of being slept. The clock, sleep,
 * randomness and fetch are injectable.
 */
import { guardedFetch } from '../outbound';
import {
  API,
  DEFAULT_IOP_BASE_URL,
  DEFAULT_TOP_BASE_URL,
  IOP_CODES,
  IOP_SYNC_PATH,
  MAX_PAGE_SIZE,
  TOP_CODES,
  TOP_PATH,
  banDurationMs,
  formatTopTimestamp,
  parsePlatformJson,
  parsePlatformTime,
  platformQueryTime,
  responseKey,
} from './protocol';
import {
  AmbiguousOutcomeError,
  MarketplaceError,
  PermanentMarketplaceError,
  RetryableMarketplaceError,
  redactSecrets,
  type AmbiguousReason,
  type PermanentReason,
} from './errors';
import { IOP_SIGN_METHOD, signIop, signTop, type TopSignMethod } from './signing';
import type {
  PlatformLogisticsService,
  PlatformOrderDetail,
  PlatformOrderDetailResponse,
  PlatformOrderListItem,
  PlatformOrderListResult,
  PlatformWriteResult,
} from './platform-types';

// ---------------------------------------------------------------------------------------------------------------
// Public types

export interface AliExpressCredentials {
  appKey: string;
  appSecret: string;
  /** The seller's access token (sent as `session`, as the official SDKs do). */
  accessToken: string;
}

export type AliExpressGateway =
  | { protocol: 'iop'; baseUrl?: string }
  | { protocol: 'top'; baseUrl?: string; signMethod?: TopSignMethod };

export interface RetryPolicy {
  /** Attempts per call, the first included. Default 4. */
  maxAttempts?: number;
  /** First backoff step. Default 250 ms; doubles per attempt. */
  baseDelayMs?: number;
  /** Cap of one backoff step (before honouring a Retry-After). Default 8 s. */
  maxDelayMs?: number;
  /** Longer platform-imposed waits are not slept but returned as `retryAfterMs`. Default 60 s. */
  maxRetryAfterMs?: number;
}

/** Structured events for logs and metrics. They never contain parameters, credentials or signatures. */
export type ClientEvent =
  | { type: 'attempt'; method: string; attempt: number }
  | { type: 'success'; method: string; attempt: number; durationMs: number }
  | { type: 'retry'; method: string; attempt: number; delayMs: number; code: string; durationMs: number }
  | { type: 'failure'; method: string; attempt: number; kind: MarketplaceError['kind']; code: string; durationMs: number };

export interface AliExpressClientConfig {
  credentials: AliExpressCredentials;
  gateway?: AliExpressGateway;
  /** Per-attempt timeout. Default 15 s. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Epoch ms; used for request timestamps and Retry-After dates. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1); jitter source. */
  random?: () => number;
  fetch?: typeof fetch;
  onEvent?: (event: ClientEvent) => void;
}

export interface CallOptions {
  /** Aborts the whole call, retries included. */
  signal?: AbortSignal;
}

export interface OrderListQuery {
  /** Modified-time window, epoch ms, inclusive. */
  from: number;
  to: number;
  /** Platform statuses, at most 20 (e.g. `WAIT_SELLER_SEND_GOODS`). */
  statuses?: readonly string[];
  /** 1-based. */
  page?: number;
  /** At most 50 (the platform's limit). Default 50. */
  pageSize?: number;
}

export interface OrderSummary {
  orderId: string;
  status: string;
  /** Epoch ms, parsed from the platform's Pacific wall-clock times. */
  createdAt: number | undefined;
  modifiedAt: number | undefined;
  paidAt: number | undefined;
  /** End of the current state's countdown (`timeout_left_time` is relative to our request timestamp). */
  countdownEndsAt: number | undefined;
  raw: PlatformOrderListItem;
}

export interface OrderListPage {
  orders: OrderSummary[];
  page: number;
  pageSize: number;
  totalCount: number;
  totalPages: number;
}

export type SendType = 'part' | 'all';

export interface DeclareShipmentInput {
  orderId: string;
  /** A logistics service key from `listLogisticsServices()`, e.g. `CAINIAO_STANDARD`; `other` needs a website. */
  serviceName: string;
  logisticsNo: string;
  /** `part` keeps the order in SELLER_PART_SEND_GOODS; the last parcel must be `all`. */
  sendType: SendType;
  trackingWebsite?: string;
  /** English, at most 512 characters. */
  description?: string;
}

export interface ModifyShipmentInput {
  orderId: string;
  oldServiceName: string;
  oldLogisticsNo: string;
  newServiceName: string;
  newLogisticsNo: string;
  sendType: SendType;
  trackingWebsite?: string;
  description?: string;
}

export interface LogisticsService {
  serviceName: string;
  displayName: string | undefined;
  logisticsCompany: string | undefined;
  minProcessDays: number | undefined;
  maxProcessDays: number | undefined;
  trackingNumberPattern: string | undefined;
}

export interface BuyerMessageInput {
  orderId: string;
  /** The buyer's login id (`buyerloginid` in the order detail). */
  buyerLoginId: string;
  /** The seller's login id (`seller_operator_login_id` in the order detail). */
  sellerLoginId: string;
  content: string;
}

export type CallKind = 'read' | 'write';

export interface RawCallResult {
  /** The object inside `<api>_response`. */
  response: Record<string, unknown>;
  /** The `timestamp` the successful request carried, epoch ms (countdowns are relative to it). */
  requestTimestamp: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Client

const DEFAULT_TIMEOUT_MS = 15_000;
const NOT_SENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface AttemptFailure {
  error: MarketplaceError;
  /** The caller's signal fired: stop without further attempts. */
  stop?: boolean;
}

export class AliExpressClient {
  readonly #credentials: AliExpressCredentials;
  readonly #gateway: Required<Pick<AliExpressGateway, 'protocol' | 'baseUrl'>> & { signMethod: TopSignMethod };
  readonly #timeoutMs: number;
  readonly #retry: Required<RetryPolicy>;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #fetch: typeof fetch;
  readonly #onEvent: ((event: ClientEvent) => void) | undefined;

  constructor(config: AliExpressClientConfig) {
    const { appKey, appSecret, accessToken } = config.credentials;
    if (!appKey || !appSecret || !accessToken) {
      throw new Error('AliExpress client: appKey, appSecret and accessToken are all required.');
    }
    this.#credentials = { appKey, appSecret, accessToken };
    const gateway = config.gateway ?? { protocol: 'iop' };
    const baseUrl = (gateway.baseUrl ?? (gateway.protocol === 'iop' ? DEFAULT_IOP_BASE_URL : DEFAULT_TOP_BASE_URL))
      .replace(/\/+$/, '');
    this.#gateway = {
      protocol: gateway.protocol,
      baseUrl,
      signMethod: gateway.protocol === 'top' ? (gateway.signMethod ?? 'hmac-sha256') : 'hmac-sha256',
    };
    this.#timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retry = {
      maxAttempts: Math.max(1, config.retry?.maxAttempts ?? 4),
      baseDelayMs: config.retry?.baseDelayMs ?? 250,
      maxDelayMs: config.retry?.maxDelayMs ?? 8_000,
      maxRetryAfterMs: config.retry?.maxRetryAfterMs ?? 60_000,
    };
    this.#now = config.now ?? Date.now;
    this.#sleep = config.sleep ?? abortableSleep;
    this.#random = config.random ?? Math.random;
    this.#fetch = config.fetch ?? guardedFetch({ field: 'gateway_url', timeoutMs: 120_000, maxBytes: 32 * 1024 * 1024 }); // the outgoing-request guard; the timeout is the client's own
    this.#onEvent = config.onEvent;
  }

  get protocol(): 'iop' | 'top' {
    return this.#gateway.protocol;
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
    const queryObject: Record<string, unknown> = {
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

  async declareShipment(input: DeclareShipmentInput, options: CallOptions = {}): Promise<void> {
    const id = requireOrderId(input.orderId);
    validateShipmentFields(input.serviceName, input.logisticsNo, input.sendType, input.trackingWebsite, input.description);
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
    this.#requireWriteSuccess(API.fulfill, response);
  }

  async modifyShipment(input: ModifyShipmentInput, options: CallOptions = {}): Promise<void> {
    const id = requireOrderId(input.orderId);
    validateShipmentFields(input.newServiceName, input.newLogisticsNo, input.sendType, input.trackingWebsite, input.description);
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
    this.#requireWriteSuccess(API.modifyShipment, response);
  }

  async listLogisticsServices(options: CallOptions = {}): Promise<LogisticsService[]> {
    const { response } = await this.call(API.listLogisticsServices, {}, 'read', options);
    if (response.result_success === false) this.#requireWriteSuccess(API.listLogisticsServices, response);
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
    this.#requireWriteSuccess(API.sendBuyerMessage, response);
  }

  /**
   * Low-level signed call with retries, for APIs not wrapped above. `kind: 'write'` makes unknown outcomes
   * ambiguous instead of retrying them. Undefined and empty parameters are not sent.
   */
  async call(
    method: string,
    businessParams: Readonly<Record<string, string | undefined>>,
    kind: CallKind,
    options: CallOptions = {},
  ): Promise<RawCallResult> {
    let lastError: MarketplaceError | undefined;
    for (let attempt = 1; attempt <= this.#retry.maxAttempts; attempt++) {
      if (options.signal?.aborted) break;
      this.#onEvent?.({ type: 'attempt', method, attempt });
      const startedAt = this.#now();
      const outcome = await this.#attempt(method, businessParams, kind, options.signal);
      const durationMs = this.#now() - startedAt;
      if ('response' in outcome) {
        this.#onEvent?.({ type: 'success', method, attempt, durationMs });
        return outcome;
      }
      const { error } = outcome;
      error.attempts = attempt;
      lastError = error;
      const delayMs = this.#retryDelay(error, attempt, outcome.stop === true);
      if (delayMs === undefined) {
        this.#onEvent?.({ type: 'failure', method, attempt, kind: error.kind, code: error.code, durationMs });
        throw error;
      }
      this.#onEvent?.({ type: 'retry', method, attempt, delayMs, code: error.code, durationMs });
      try {
        await this.#sleep(delayMs, options.signal);
      } catch {
        break; // the caller gave up while we waited
      }
    }
    throw (
      lastError ??
      new RetryableMarketplaceError(`${method}: cancelled before it was sent`, {
        method,
        code: 'ABORTED',
        reason: 'network',
        attempts: 0,
      })
    );
  }

  /** Undefined = do not retry. */
  #retryDelay(error: MarketplaceError, attempt: number, stop: boolean): number | undefined {
    if (!(error instanceof RetryableMarketplaceError) || stop) return undefined;
    if (attempt >= this.#retry.maxAttempts) return undefined;
    const { baseDelayMs, maxDelayMs, maxRetryAfterMs } = this.#retry;
    if (error.retryAfterMs !== undefined) {
      if (error.retryAfterMs > maxRetryAfterMs) return undefined;
      // Wait the full ban, plus a little jitter so that many workers do not come back in the same instant.
      return error.retryAfterMs + Math.floor(this.#random() * baseDelayMs);
    }
    const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    // "Equal jitter": at least half the step, so the backoff still grows.
    return Math.floor(step / 2 + this.#random() * (step / 2));
  }

  async #attempt(
    method: string,
    businessParams: Readonly<Record<string, string | undefined>>,
    kind: CallKind,
    callerSignal: AbortSignal | undefined,
  ): Promise<RawCallResult | AttemptFailure> {
    const requestTimestamp = this.#now();
    const { url, body } = this.#signedRequest(method, businessParams, requestTimestamp);
    const timeoutSignal = AbortSignal.timeout(this.#timeoutMs);
    const signal = callerSignal ? AbortSignal.any([timeoutSignal, callerSignal]) : timeoutSignal;

    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
        body,
        signal,
      });
    } catch (error) {
      return this.#transportFailure(method, kind, error, 'request', callerSignal);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      return this.#transportFailure(method, kind, error, 'body', callerSignal);
    }
    return this.#interpret(method, kind, response, text, requestTimestamp);
  }

  #signedRequest(
    method: string,
    businessParams: Readonly<Record<string, string | undefined>>,
    timestamp: number,
  ): { url: string; body: string } {
    const { appKey, appSecret, accessToken } = this.#credentials;
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(businessParams)) {
      if (value !== undefined && value !== '') params[name] = value;
    }
    params.method = method;
    params.app_key = appKey;
    params.session = accessToken;
    params.format = 'json';
    if (this.#gateway.protocol === 'iop') {
      params.timestamp = String(timestamp);
      params.sign_method = IOP_SIGN_METHOD;
      params.sign = signIop(appSecret, method, params);
      const url = `${this.#gateway.baseUrl}${IOP_SYNC_PATH}?method=${encodeURIComponent(method)}`;
      return { url, body: new URLSearchParams(params).toString() };
    }
    params.timestamp = formatTopTimestamp(timestamp);
    params.v = '2.0';
    params.sign_method = this.#gateway.signMethod;
    params.sign = signTop(appSecret, params, this.#gateway.signMethod);
    return { url: `${this.#gateway.baseUrl}${TOP_PATH}`, body: new URLSearchParams(params).toString() };
  }

  #transportFailure(
    method: string,
    kind: CallKind,
    error: unknown,
    phase: 'request' | 'body',
    callerSignal: AbortSignal | undefined,
  ): AttemptFailure {
    const stop = callerSignal?.aborted === true;
    const timedOut = !stop && isTimeoutError(error);
    const code = timedOut ? 'TIMEOUT' : stop ? 'ABORTED' : (networkErrorCode(error) ?? 'NETWORK_ERROR');
    const detail = this.#clean(describeError(error));
    // A connection that was never made cannot have delivered the request.
    const certainlyNotSent = phase === 'request' && NOT_SENT_NETWORK_CODES.has(code);
    if (kind === 'write' && !certainlyNotSent) {
      const reason: AmbiguousReason = timedOut ? 'timeout' : 'connection_lost';
      return {
        stop,
        error: new AmbiguousOutcomeError(
          `${method}: ${timedOut ? `no answer within ${this.#timeoutMs} ms` : `connection lost (${detail})`}; ` +
            'the change may have been applied — read the order back before retrying',
          { method, code, reason },
        ),
      };
    }
    return {
      stop,
      error: new RetryableMarketplaceError(
        `${method}: ${timedOut ? `no answer within ${this.#timeoutMs} ms` : `network failure (${detail})`}`,
        { method, code, reason: timedOut ? 'timeout' : 'network' },
      ),
    };
  }

  #interpret(
    method: string,
    kind: CallKind,
    response: Response,
    text: string,
    requestTimestamp: number,
  ): RawCallResult | AttemptFailure {
    const httpStatus = response.status;
    let body: unknown;
    let parsed = false;
    try {
      body = parsePlatformJson(text);
      parsed = true;
    } catch {
      parsed = false;
    }

    if (httpStatus === 429) {
      const retryAfterMs =
        parseRetryAfter(response.headers.get('retry-after'), this.#now()) ??
        (parsed ? banDurationMs(envelopeMessage(body)) : undefined);
      return {
        error: new RetryableMarketplaceError(`${method}: rate limited (HTTP 429)`, {
          method,
          code: 'HTTP_429',
          httpStatus,
          reason: 'rate_limited',
          retryAfterMs,
        }),
      };
    }

    if (parsed && body && typeof body === 'object') {
      const platformError = this.#platformError(method, kind, body as Record<string, unknown>, httpStatus);
      if (platformError) return { error: platformError };
    }

    if (httpStatus >= 500) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.#now());
      // 503 means the service did not take the request; other 5xx may come after the backend acted.
      if (kind === 'write' && httpStatus !== 503) {
        return {
          error: new AmbiguousOutcomeError(
            `${method}: HTTP ${httpStatus}; the change may have been applied — read the order back before retrying`,
            { method, code: `HTTP_${httpStatus}`, httpStatus, reason: 'server_error' },
          ),
        };
      }
      return {
        error: new RetryableMarketplaceError(`${method}: HTTP ${httpStatus}`, {
          method,
          code: `HTTP_${httpStatus}`,
          httpStatus,
          reason: 'server_error',
          retryAfterMs,
        }),
      };
    }

    if (!parsed || !body || typeof body !== 'object') {
      if (httpStatus >= 400) {
        return {
          error: new PermanentMarketplaceError(`${method}: HTTP ${httpStatus} without a platform answer`, {
            method,
            code: `HTTP_${httpStatus}`,
            httpStatus,
            reason: 'protocol',
          }),
        };
      }
      // A 2xx we cannot read: for a write, whatever it said, it may have been applied.
      return kind === 'write'
        ? {
            error: new AmbiguousOutcomeError(`${method}: unreadable answer; read the order back before retrying`, {
              method,
              code: 'BAD_RESPONSE',
              httpStatus,
              reason: 'bad_response',
            }),
          }
        : {
            error: new RetryableMarketplaceError(`${method}: unreadable answer`, {
              method,
              code: 'BAD_RESPONSE',
              httpStatus,
              reason: 'bad_response',
            }),
          };
    }

    const record = body as Record<string, unknown>;
    const wrapped = record[responseKey(method)];
    if (!wrapped || typeof wrapped !== 'object') {
      return {
        error: new PermanentMarketplaceError(`${method}: the answer has no ${responseKey(method)}`, {
          method,
          code: 'UNEXPECTED_RESPONSE',
          httpStatus,
          reason: 'protocol',
        }),
      };
    }
    return { response: wrapped as Record<string, unknown>, requestTimestamp };
  }

  /** Classifies an error envelope of either gateway; undefined when the body is not an error. */
  #platformError(
    method: string,
    kind: CallKind,
    body: Record<string, unknown>,
    httpStatus: number,
  ): MarketplaceError | undefined {
    const topError = body.error_response as
      | { code?: number | string; msg?: string; sub_code?: string; sub_msg?: string; request_id?: string }
      | undefined;
    if (topError && typeof topError === 'object') {
      const code = Number(topError.code);
      const subCode = topError.sub_code ?? '';
      const requestId = topError.request_id;
      const text = this.#clean(
        `${method}: TOP error ${topError.code}${subCode ? ` / ${subCode}` : ''}: ${topError.sub_msg ?? topError.msg ?? ''}`,
      );
      const details = { method, code: subCode || String(topError.code), httpStatus, requestId };
      if (code === TOP_CODES.appCallLimited || subCode.startsWith('accesscontrol.') || subCode === 'isp.call-limited') {
        return new RetryableMarketplaceError(text, {
          ...details,
          reason: 'rate_limited',
          retryAfterMs: banDurationMs(topError.sub_msg ?? topError.msg) ?? 1000,
        });
      }
      const permanent = topPermanentReason(code, subCode);
      if (permanent) return new PermanentMarketplaceError(text, { ...details, reason: permanent });
      if (code === TOP_CODES.serviceUnavailable) return this.#platformSideFailure(text, details, kind, 'not_applied');
      if (subCode.startsWith('isp.')) {
        return this.#platformSideFailure(text, details, kind, /timeout/i.test(subCode) ? 'upstream_timeout' : 'unknown');
      }
      return new PermanentMarketplaceError(text, { ...details, reason: 'invalid_request' });
    }

    const iopCode = body.code;
    if (typeof iopCode === 'string' && iopCode !== '0' && ('type' in body || 'message' in body)) {
      const type = String(body.type ?? '');
      const message = String(body.message ?? '');
      const requestId = typeof body.request_id === 'string' ? body.request_id : undefined;
      const text = this.#clean(`${method}: ${type || 'IOP'} error ${iopCode}: ${message}`);
      const details = { method, code: iopCode, httpStatus, requestId };
      if (iopCode === IOP_CODES.rateLimit || iopCode === IOP_CODES.appRateLimit || /CallLimit/i.test(iopCode)) {
        return new RetryableMarketplaceError(text, {
          ...details,
          reason: 'rate_limited',
          retryAfterMs: banDurationMs(message) ?? 1000,
        });
      }
      const permanent = iopPermanentReason(iopCode, type);
      if (permanent) return new PermanentMarketplaceError(text, { ...details, reason: permanent });
      return this.#platformSideFailure(text, details, kind, /timeout/i.test(iopCode) ? 'upstream_timeout' : 'unknown');
    }
    return undefined;
  }

  /**
   * The platform failed on its side. A read is simply retried; a write is retried only when the answer says it
   * was not taken (service unavailable) — an internal error or a timeout behind the gateway may have committed it.
   */
  #platformSideFailure(
    text: string,
    details: { method: string; code: string; httpStatus: number; requestId: string | undefined },
    kind: CallKind,
    applied: 'not_applied' | 'upstream_timeout' | 'unknown',
  ): MarketplaceError {
    if (kind === 'write' && applied !== 'not_applied') {
      return new AmbiguousOutcomeError(`${text}; read the order back before retrying`, {
        ...details,
        reason: applied === 'upstream_timeout' ? 'upstream_timeout' : 'server_error',
      });
    }
    return new RetryableMarketplaceError(text, { ...details, reason: 'server_error' });
  }

  #requireWriteSuccess(method: string, response: Record<string, unknown>): void {
    const nested = (response.result && typeof response.result === 'object' ? response.result : {}) as PlatformWriteResult;
    const flat = response as PlatformWriteResult;
    const success = nested.result_success ?? nested.is_success ?? flat.result_success ?? flat.is_success;
    if (success === true) return;
    const code = String(
      nested.result_error_code ?? nested.error_code ?? flat.result_error_code ?? flat.error_code ?? 'NOT_SUCCESSFUL',
    );
    const description = nested.result_error_desc ?? nested.error_msg ?? flat.result_error_desc ?? flat.error_msg ?? '';
    throw new PermanentMarketplaceError(this.#clean(`${method}: refused: ${code}${description ? ` (${description})` : ''}`), {
      method,
      code,
      reason: /NOT_FOUND/i.test(code) ? 'not_found' : success === false ? 'business_rule' : 'protocol',
    });
  }

  /** Redacts the credentials (and their URL-encoded forms) out of text that came from the network. */
  #clean(text: string): string {
    const { appSecret, accessToken } = this.#credentials;
    return redactSecrets(text, [appSecret, accessToken]);
  }

  toJSON(): Record<string, unknown> {
    return { protocol: this.#gateway.protocol, baseUrl: this.#gateway.baseUrl };
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
  if (description !== undefined && description.length > 512) throw new RangeError('description is at most 512 characters');
}

function topPermanentReason(code: number, subCode: string): PermanentReason | undefined {
  switch (code) {
    case TOP_CODES.missingSignature:
    case TOP_CODES.invalidSignature:
      return 'signature';
    case TOP_CODES.missingTimestamp:
    case TOP_CODES.invalidTimestamp:
      return 'timestamp';
    case TOP_CODES.insufficientIsvPermissions:
    case TOP_CODES.insufficientUserPermissions:
    case TOP_CODES.missingSession:
    case TOP_CODES.invalidSession:
    case TOP_CODES.missingAppKey:
    case TOP_CODES.invalidAppKey:
      return 'auth';
    case TOP_CODES.missingMethod:
    case TOP_CODES.invalidMethod:
    case TOP_CODES.missingRequiredArguments:
    case TOP_CODES.invalidArguments:
      return 'invalid_request';
  }
  if (subCode.startsWith('isv.')) return /not[-_]?found/i.test(subCode) ? 'not_found' : 'business_rule';
  return undefined;
}

function iopPermanentReason(code: string, type: string): PermanentReason | undefined {
  switch (code) {
    case IOP_CODES.signature:
      return 'signature';
    case IOP_CODES.timestamp:
      return 'timestamp';
    case IOP_CODES.accessToken:
    case IOP_CODES.appKey:
      return 'auth';
    case IOP_CODES.missingParameter:
    case IOP_CODES.invalidParameter:
    case IOP_CODES.api:
      return 'invalid_request';
  }
  if (/AccessToken|Permission|AccessDenied|Unauthori[sz]ed/i.test(code)) return 'auth';
  if (/NOT_?FOUND/i.test(code)) return 'not_found';
  // ISV = the caller's fault; ISP / SYSTEM = the platform's.
  if (type.toUpperCase() === 'ISV') return 'business_rule';
  return undefined;
}

function envelopeMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  const top = record.error_response as { sub_msg?: string; msg?: string } | undefined;
  if (top) return top.sub_msg ?? top.msg;
  return typeof record.message === 'string' ? record.message : undefined;
}

/** Retry-After as delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function isTimeoutError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || (error.cause instanceof Error && error.cause.name === 'TimeoutError'));
}

/** undici wraps socket errors: `TypeError('fetch failed', { cause: { code } })`. */
function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
