/**
 * A fake AliExpress Open Platform: a real HTTP server (node:http) that speaks the signed protocol of both gateways,
 * for tests, benchmarks and local development.
 *
 * Protocol paths (what a real client calls):
 * - `POST|GET /sync?method=<api>` — IOP gateway: parameters from the query string and/or a form-encoded or
 *   multipart body; `sign_method=sha256` (HMAC-SHA256, no path prefix for dotted APIs); `timestamp` epoch ms or
 *   ISO-8601, accepted within ±7200 s. As observed on the real gateway, a TOP-style call (md5/hmac/hmac-sha256
 *   with a GMT+8 timestamp) is accepted on /sync too. Errors use the gateway's envelope `{error_response: {type, code, msg, request_id}}`.
 * - `POST|GET /router/rest` — TOP gateway: md5 / hmac / hmac-sha256, GMT+8 `yyyy-MM-dd HH:mm:ss` timestamp within
 *   ±10 min, errors in `{error_response: {code, msg, sub_code, sub_msg, request_id}}`.
 * - `/rest` (API path in `method`, as the Python IOP SDK posts it) or `/rest/<path>` — IOP system APIs: the signature
 *   (with the path prefix) is checked; `/auth/token/create` and `/auth/token/refresh` answer the token fields
 *   (fake-auth.ts), anything else is refused as unsupported. Errors here are the four top-level fields.
 * Successful answers are wrapped in `<api_with_underscores>_response` on both gateways.
 *
 * Test/admin API, separate from the protocol: everything under `/__fake/` (seed orders, read state and declared
 * shipments, set faults, read request counts, move the clock). See `handleAdmin` for the routes.
 *
 * Faults, settable at runtime, each with a probability drawn from a seeded RNG, an optional `count` (at most that
 * many times) and an optional `methods` filter: `serverError` (5xx before processing), `timeout` (hold the request
 * without answering, then drop it), `rateLimit` (HTTP 429 + Retry-After, or the platform's flow-control answer),
 * `dropAfterCommit` (apply the change, then destroy the socket without answering). An optional
 * `maxRequestsPerSecond` enforces a real flow-control limit per app key.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  API,
  IOP_CODES,
  IOP_MAX_SKEW_MS,
  IOP_REST_PREFIX,
  IOP_SYNC_PATH,
  MAX_CREATE_WINDOW_MS,
  MAX_PAGE_SIZE,
  TOP_CODES,
  TOP_MAX_SKEW_MS,
  TOP_PATH,
  formatPlatformTime,
  parseIopTimestamp,
  parsePlatformJson,
  parsePlatformTime,
  parseTopTimestamp,
  responseKey,
  FAKE_BUSINESS_CODES,
} from './protocol';
import { IOP_SIGN_METHOD, isTopSignMethod, signIop, signTop, signaturesEqual } from './signing';
import { AUTH_TOKEN_CREATE, AUTH_TOKEN_REFRESH, FakeAuth } from './fake-auth';
import {
  FAKE_LOGISTICS_SERVICES,
  FakeMarketplace,
  seededRandom,
  type BusinessRefusal,
  type FakeOrderSeed,
} from './fake-marketplace';

// ---------------------------------------------------------------------------------------------------------------
// Options, faults, stats

export interface FaultRule {
  /** 0..1 per matching request. */
  probability: number;
  /** Stop after this many injections. */
  count?: number;
  /** Only these API names (default: all). */
  methods?: string[];
}

export interface FaultConfig {
  /** Seeds the fault RNG (re-seeded whenever faults are set with a seed). */
  seed?: number;
  serverError?: FaultRule & { status?: number };
  timeout?: FaultRule & { holdMs?: number };
  rateLimit?: FaultRule & { retryAfterSeconds?: number; style?: 'http' | 'platform' };
  dropAfterCommit?: FaultRule;
  /**
   * Answers with one of these gateway error bodies (the vendor's documented shapes, e.g. the fixtures in
   * test/fixtures/aliexpress/), drawn with the fault RNG. `request_id` is filled in. `commit` says whether the
   * change is applied first (an `isp.*` failure behind the gateway can come after the backend acted): `before`
   * (never applied, the default), `after` (always applied) or `random` (half of the time).
   */
  gatewayError?: FaultRule & { bodies: Array<Record<string, unknown>>; commit?: 'before' | 'after' | 'random' };
}

export interface FakeServerOptions {
  host?: string;
  /** 0 = an ephemeral port. */
  port?: number;
  appKey?: string;
  appSecret?: string;
  /** Accepted seller tokens; when empty, any non-empty token is accepted. */
  accessTokens?: string[];
  /** The platform clock (epoch ms); an admin offset is added to it. */
  now?: () => number;
  /** Seeds both the fault RNG and generated orders. */
  seed?: number;
  seedOrders?: number;
  faults?: FaultConfig;
  /** Flow control: more protocol requests than this in one clock second (per app key) get the platform's ban. */
  maxRequestsPerSecond?: number;
  sellerLoginId?: string;
  /** Lifetime of the access tokens `/auth/token/create` and `/auth/token/refresh` issue. Default 30 days. */
  accessTokenTtlMs?: number;
}

export interface FakeServerStats {
  /** Protocol requests (admin calls excluded). */
  total: number;
  byGateway: { iop: number; top: number; rest: number };
  byMethod: Record<string, number>;
  outcomes: {
    ok: number;
    gatewayError: number;
    businessRefusal: number;
    injectedServerError: number;
    injectedRateLimit: number;
    injectedTimeout: number;
    injectedGatewayError: number;
    /** Injected gateway errors that came after the change was applied. */
    injectedGatewayErrorAfterCommit: number;
    droppedAfterCommit: number;
    flowControlled: number;
  };
  /** Highest number of protocol requests seen within one clock second. */
  peakPerSecond: number;
}

export interface FakeAliExpressServer {
  readonly url: string;
  readonly port: number;
  readonly marketplace: FakeMarketplace;
  /** Seller authorisation: codes, issued tokens and their expiry (fake-auth.ts). */
  readonly auth: FakeAuth;
  readonly appKey: string;
  now(): number;
  setFaults(faults: FaultConfig): void;
  clearFaults(): void;
  stats(): FakeServerStats;
  resetStats(): void;
  /** Moves the fake platform clock relative to the injected one. */
  setClockOffset(offsetMs: number): void;
  close(): Promise<void>;
}

export const DEFAULT_FAKE_APP_KEY = 'fake-app-key';
export const DEFAULT_FAKE_APP_SECRET = 'fake-app-secret';
const MAX_BODY_BYTES = 2 * 1024 * 1024;
const DEFAULT_HOLD_MS = 30_000;

type Gateway = 'iop' | 'top' | 'rest';

interface GatewayError {
  /** IOP code and type. */
  iop: { code: string; type: 'ISV' | 'ISP' | 'SYSTEM'; message: string };
  /** TOP code, message and optional sub code. */
  top: { code: number; msg: string; sub_code?: string; sub_msg?: string };
  outcome: 'gatewayError' | 'flowControlled';
}

function emptyStats(): FakeServerStats {
  return {
    total: 0,
    byGateway: { iop: 0, top: 0, rest: 0 },
    byMethod: {},
    outcomes: {
      ok: 0,
      gatewayError: 0,
      businessRefusal: 0,
      injectedServerError: 0,
      injectedRateLimit: 0,
      injectedTimeout: 0,
      injectedGatewayError: 0,
      injectedGatewayErrorAfterCommit: 0,
      droppedAfterCommit: 0,
      flowControlled: 0,
    },
    peakPerSecond: 0,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Server

export async function startFakeAliExpressServer(options: FakeServerOptions = {}): Promise<FakeAliExpressServer> {
  const appKey = options.appKey ?? DEFAULT_FAKE_APP_KEY;
  const appSecret = options.appSecret ?? DEFAULT_FAKE_APP_SECRET;
  const accessTokens = new Set(options.accessTokens ?? []);
  const baseNow = options.now ?? Date.now;
  let clockOffset = 0;
  const now = () => baseNow() + clockOffset;
  const marketplace = new FakeMarketplace(options.sellerLoginId ? { sellerLoginId: options.sellerLoginId } : {});
  const auth = new FakeAuth({
    sellerLoginId: marketplace.sellerLoginId,
    ...(options.accessTokenTtlMs !== undefined ? { accessTokenTtlMs: options.accessTokenTtlMs } : {}),
  });
  if (options.seedOrders) marketplace.seedRandomOrders(options.seedOrders, now(), options.seed ?? 1);

  let faults: FaultConfig = {};
  let faultRandom = seededRandom(options.seed ?? 1);
  const remaining = new Map<keyof FaultConfig, number>();
  const setFaults = (config: FaultConfig) => {
    faults = structuredClone(config);
    remaining.clear();
    for (const key of ['serverError', 'timeout', 'rateLimit', 'dropAfterCommit', 'gatewayError'] as const) {
      const count = faults[key]?.count;
      if (count !== undefined) remaining.set(key, count);
    }
    if (config.seed !== undefined) faultRandom = seededRandom(config.seed);
  };
  if (options.faults) setFaults(options.faults);

  /** Rolls the dice for one fault kind; consumes a count only when it fires. */
  const fires = (kind: Exclude<keyof FaultConfig, 'seed'>, method: string): boolean => {
    const rule = faults[kind];
    if (!rule || !(rule.probability > 0)) return false;
    if (rule.methods && !rule.methods.includes(method)) return false;
    const left = remaining.get(kind);
    if (left !== undefined && left <= 0) return false;
    if (faultRandom() >= rule.probability) return false;
    if (left !== undefined) remaining.set(kind, left - 1);
    return true;
  };

  let stats = emptyStats();
  let secondBucket = -1;
  let countInSecond = 0;
  const perAppSecond = new Map<string, { second: number; count: number }>();
  let requestCounter = 0;
  const requestId = () => `0b${randomBytes(6).toString('hex')}${(++requestCounter).toString(16).padStart(6, '0')}`;

  const sockets = new Set<Socket>();
  const heldTimers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
      } else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    if (url.pathname.startsWith('/__fake/') || url.pathname === '/__fake') {
      await handleAdmin(req, res, url);
      return;
    }
    let gateway: Gateway;
    if (url.pathname === IOP_SYNC_PATH) gateway = 'iop';
    else if (url.pathname === TOP_PATH) gateway = 'top';
    // The official IOP SDKs post to `<base>/rest` with the API path in `method` (Python) or to `<base>/rest<path>`.
    else if (url.pathname === IOP_REST_PREFIX || url.pathname.startsWith(IOP_REST_PREFIX + '/')) gateway = 'rest';
    else {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    const params = await readParams(req, url);
    await handleProtocol(gateway, url, params, req, res);
  }

  async function handleProtocol(
    gateway: Gateway,
    url: URL,
    params: Map<string, string>,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const method = params.get('method') ?? '';
    const requestTime = now();
    countRequest(gateway, method, requestTime);
    const id = requestId();

    // Faults that happen before the platform looks at the request.
    if (fires('timeout', method)) {
      stats.outcomes.injectedTimeout++;
      const holdMs = faults.timeout?.holdMs ?? DEFAULT_HOLD_MS;
      const timer = setTimeout(() => {
        heldTimers.delete(timer);
        req.socket.destroy();
      }, holdMs);
      heldTimers.add(timer);
      return;
    }
    if (fires('serverError', method)) {
      stats.outcomes.injectedServerError++;
      const status = faults.serverError?.status ?? 503;
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<html><body><h1>${status}</h1>fake gateway error</body></html>`);
      return;
    }
    if (fires('rateLimit', method)) {
      stats.outcomes.injectedRateLimit++;
      const seconds = faults.rateLimit?.retryAfterSeconds ?? 1;
      if ((faults.rateLimit?.style ?? 'http') === 'http') {
        const body = gatewayErrorBody(gateway, flowControl(seconds), id);
        res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(seconds) });
        res.end(JSON.stringify(body));
        return;
      }
      sendGatewayError(res, gateway, flowControl(seconds), id);
      return;
    }
    const injected = fires('gatewayError', method) ? pickInjectedError() : undefined;
    const commitFirst = injected !== undefined && (injected.commit === 'after' || (injected.commit === 'random' && faultRandom() < 0.5));
    if (injected && !commitFirst) {
      stats.outcomes.injectedGatewayError++;
      sendJson(res, 200, withRequestId(injected.body, id));
      return;
    }

    const gatewayError = checkGateway(gateway, url, params, requestTime);
    if (gatewayError) {
      stats.outcomes[gatewayError.outcome]++;
      sendGatewayError(res, gateway, gatewayError, id);
      return;
    }

    if (gateway === 'rest') {
      const name = restApiName(url, params);
      const answer = name === AUTH_TOKEN_CREATE ? auth.create(params.get('code'), requestTime) : auth.refresh(params.get('refresh_token'), requestTime);
      if ('message' in answer) {
        stats.outcomes.businessRefusal++;
        sendJson(res, 200, { type: 'ISV', code: answer.code, message: answer.message, request_id: id });
      } else {
        stats.outcomes.ok++;
        sendJson(res, 200, { ...answer, code: '0', request_id: id });
      }
      return;
    }
    const answer = dispatch(method, params, requestTime);
    if ('error' in answer) {
      stats.outcomes.gatewayError++;
      sendGatewayError(res, gateway, answer.error, id);
      return;
    }
    if (answer.refused) stats.outcomes.businessRefusal++;
    else stats.outcomes.ok++;
    if (injected) {
      // Applied, then answered with the platform-side error: the caller cannot tell.
      stats.outcomes.injectedGatewayError++;
      stats.outcomes.injectedGatewayErrorAfterCommit++;
      sendJson(res, 200, withRequestId(injected.body, id));
      return;
    }

    // The change is committed; now maybe lose the answer.
    if (fires('dropAfterCommit', method)) {
      stats.outcomes.droppedAfterCommit++;
      req.socket.destroy();
      return;
    }
    sendJson(res, 200, { [responseKey(method)]: { ...answer.payload, request_id: id } });
  }

  function pickInjectedError(): { body: Record<string, unknown>; commit: 'before' | 'after' | 'random' } | undefined {
    const rule = faults.gatewayError;
    if (!rule || rule.bodies.length === 0) return undefined;
    const body = rule.bodies[Math.min(rule.bodies.length - 1, Math.floor(faultRandom() * rule.bodies.length))]!;
    return { body, commit: rule.commit ?? 'before' };
  }

  function countRequest(gateway: Gateway, method: string, at: number): void {
    stats.total++;
    stats.byGateway[gateway]++;
    if (method) stats.byMethod[method] = (stats.byMethod[method] ?? 0) + 1;
    const second = Math.floor(at / 1000);
    if (second !== secondBucket) {
      secondBucket = second;
      countInSecond = 0;
    }
    countInSecond++;
    stats.peakPerSecond = Math.max(stats.peakPerSecond, countInSecond);
  }

  function flowControl(seconds: number): GatewayError {
    return {
      iop: {
        code: IOP_CODES.rateLimit,
        type: 'ISP',
        message: `Api access frequency exceeds the limit. this ban will last ${seconds} seconds`,
      },
      top: {
        code: TOP_CODES.appCallLimited,
        msg: 'App Call Limited',
        sub_code: 'accesscontrol.limited-by-app-api-access-count',
        sub_msg: `This ban will last for ${seconds} more seconds`,
      },
      outcome: 'flowControlled',
    };
  }

  function gatewayError(
    iopCode: string,
    iopMessage: string,
    topCode: number,
    topMsg: string,
    sub?: { sub_code: string; sub_msg: string },
  ): GatewayError {
    return { iop: { code: iopCode, type: 'ISV', message: iopMessage }, top: { code: topCode, msg: topMsg, ...sub }, outcome: 'gatewayError' };
  }

  /** Method, app key, timestamp, signature, session and flow control — in that order, like a gateway. */
  function checkGateway(gateway: Gateway, url: URL, params: Map<string, string>, requestTime: number): GatewayError | undefined {
    const method = params.get('method');
    const apiName = gateway === 'rest' ? restApiName(url, params) : method;
    if (!apiName) {
      return gatewayError(IOP_CODES.missingParameter, 'The input parameter "method" that is mandatory for processing this request is not supplied', TOP_CODES.missingMethod, 'Missing method');
    }
    const key = params.get('app_key');
    if (!key) return gatewayError(IOP_CODES.missingParameter, 'The input parameter "app_key" that is mandatory for processing this request is not supplied', TOP_CODES.missingAppKey, 'Missing app key');
    if (key !== appKey) return gatewayError(IOP_CODES.appKey, 'The specified app key is invalid', TOP_CODES.invalidAppKey, 'Invalid app Key');

    const signMethod = params.get('sign_method') ?? (gateway === 'top' ? 'md5' : '');
    const topStyle = gateway === 'top' || isTopSignMethod(signMethod);
    if (!topStyle && signMethod !== IOP_SIGN_METHOD) {
      return gatewayError(IOP_CODES.invalidParameter, `sign_method ${signMethod || '(missing)'} is not supported`, TOP_CODES.invalidArguments, 'Invalid arguments:sign_method');
    }

    const timestampText = params.get('timestamp');
    if (!timestampText) return gatewayError(IOP_CODES.missingParameter, 'The input parameter "timestamp" that is mandatory for processing this request is not supplied', TOP_CODES.missingTimestamp, 'Missing timestamp');
    const timestamp = topStyle
      ? (parseTopTimestamp(timestampText) ?? (gateway === 'top' ? undefined : parseIopTimestamp(timestampText)))
      : parseIopTimestamp(timestampText);
    const maxSkew = gateway === 'top' ? TOP_MAX_SKEW_MS : topStyle ? TOP_MAX_SKEW_MS : IOP_MAX_SKEW_MS;
    if (timestamp === undefined || Math.abs(timestamp - requestTime) > maxSkew) {
      return gatewayError(IOP_CODES.timestamp, 'The timestamp is invalid or malformed', TOP_CODES.invalidTimestamp, 'Invalid timestamp');
    }

    const sign = params.get('sign');
    if (!sign) return gatewayError(IOP_CODES.signature, 'The request signature does not conform to platform standards', TOP_CODES.missingSignature, 'Missing signature');
    const signable = Object.fromEntries(params);
    const expected = topStyle
      ? signTop(appSecret, signable, isTopSignMethod(signMethod) ? signMethod : 'md5')
      : signIop(appSecret, apiName, signable);
    if (!signaturesEqual(sign, expected)) {
      return gatewayError(IOP_CODES.signature, 'The request signature does not conform to platform standards', TOP_CODES.invalidSignature, 'Invalid signature');
    }

    if (gateway === 'rest') {
      if (apiName === AUTH_TOKEN_CREATE || apiName === AUTH_TOKEN_REFRESH) return undefined; // no seller token yet
      return gatewayError(IOP_CODES.api, `The API ${apiName} is not supported by the fake marketplace`, TOP_CODES.invalidMethod, 'Invalid method');
    }
    if (!(Object.values(API) as string[]).includes(apiName)) {
      return gatewayError(IOP_CODES.api, `The specified API ${apiName} is invalid`, TOP_CODES.invalidMethod, 'Invalid method');
    }

    // The official SDKs send the seller token as `session`; the AliExpress docs call it `access_token`.
    const token = params.get('session') ?? params.get('access_token');
    if (!token) return gatewayError(IOP_CODES.accessToken, 'The access token is missing', TOP_CODES.missingSession, 'Missing session');
    const issued = auth.accessTokenValid(token, requestTime);
    if (issued === false || (issued === undefined && accessTokens.size > 0 && !accessTokens.has(token))) {
      return gatewayError(IOP_CODES.accessToken, 'The specified access token is invalid or expired', TOP_CODES.invalidSession, 'Invalid session');
    }

    if (options.maxRequestsPerSecond !== undefined) {
      const second = Math.floor(requestTime / 1000);
      const bucket = perAppSecond.get(key);
      if (!bucket || bucket.second !== second) perAppSecond.set(key, { second, count: 1 });
      else if (++bucket.count > options.maxRequestsPerSecond) return flowControl(1);
    }
    return undefined;
  }

  type Answer = { payload: Record<string, unknown>; refused: boolean } | { error: GatewayError };

  function missing(name: string): { error: GatewayError } {
    return {
      error: gatewayError(
        IOP_CODES.missingParameter,
        `The input parameter "${name}" that is mandatory for processing this request is not supplied`,
        TOP_CODES.missingRequiredArguments,
        `Missing required arguments:${name}`,
      ),
    };
  }
  function invalid(name: string, why: string): { error: GatewayError } {
    return {
      error: gatewayError(IOP_CODES.invalidParameter, `${name}: ${why}`, TOP_CODES.invalidArguments, `Invalid arguments:${name}`, {
        sub_code: 'isv.invalid-parameter',
        sub_msg: `${name}: ${why}`,
      }),
    };
  }
  function writeResult(refusal: BusinessRefusal | undefined): Answer {
    return refusal
      ? { payload: { result: { result_success: false, result_error_code: refusal.code, result_error_desc: refusal.message } }, refused: true }
      : { payload: { result: { result_success: true } }, refused: false };
  }

  function dispatch(method: string, params: Map<string, string>, requestTime: number): Answer {
    marketplace.advance(requestTime);
    switch (method) {
      case API.orderList: {
        const raw = params.get('param_aeop_order_query');
        if (!raw) return missing('param_aeop_order_query');
        let query: Record<string, unknown>;
        try {
          query = parsePlatformJson(raw) as Record<string, unknown>;
        } catch {
          return invalid('param_aeop_order_query', 'not JSON');
        }
        const page = Number(query.current_page ?? query.page ?? 1);
        const pageSize = Number(query.page_size ?? 20);
        if (!Number.isInteger(page) || page < 1) return invalid('current_page', 'must be ≥ 1');
        if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
          return invalid('page_size', `must be from 1 to ${MAX_PAGE_SIZE}`);
        }
        const times: Record<string, number | undefined> = {};
        for (const field of ['modified_date_start', 'modified_date_end', 'create_date_start', 'create_date_end']) {
          const text = query[field];
          if (text === undefined || text === '') continue;
          const parsed = typeof text === 'string' ? parsePlatformTime(text) : undefined;
          if (parsed === undefined) return invalid(field, 'expected yyyy-MM-dd HH:mm:ss (US Pacific time)');
          times[field] = parsed;
        }
        // The platform lists only within a creation-date window of at most 180 days.
        if (times.create_date_start === undefined) return missing('create_date_start');
        if (times.create_date_end === undefined) return missing('create_date_end');
        if (times.create_date_end < times.create_date_start) return invalid('create_date_end', 'must not be before create_date_start');
        if (times.create_date_end - times.create_date_start > MAX_CREATE_WINDOW_MS) {
          return invalid('create_date_start', 'the time range between create_date_start and create_date_end cannot exceed 180 days');
        }
        // Wall-clock texts have whole seconds: the end of the window covers its whole second.
        const endOf = (ms: number | undefined) => (ms === undefined ? undefined : ms + 999);
        const statusList = Array.isArray(query.order_status_list)
          ? (query.order_status_list as unknown[]).map(String)
          : typeof query.order_status === 'string'
            ? [query.order_status]
            : undefined;
        if (statusList && statusList.length > 20) return invalid('order_status_list', 'at most 20 statuses');
        const { items, total } = marketplace.listOrders({
          modifiedStart: times.modified_date_start,
          modifiedEnd: endOf(times.modified_date_end),
          createdStart: times.create_date_start,
          createdEnd: endOf(times.create_date_end),
          ...(statusList ? { statuses: statusList } : {}),
          page,
          pageSize,
        });
        const timestamp = requestTimestampOf(params) ?? requestTime;
        return {
          payload: {
            result: {
              target_list: { aeop_order_item_dto: items.map((order) => marketplace.renderListItem(order, timestamp)) },
              total_count: total,
              current_page: page,
              page_size: pageSize,
              total_page: Math.ceil(total / pageSize),
              success: true,
            },
          },
          refused: false,
        };
      }
      case API.orderDetail: {
        const raw = params.get('param1');
        if (!raw) return missing('param1');
        let orderId: string;
        try {
          orderId = String((parsePlatformJson(raw) as { order_id?: unknown }).order_id ?? '');
        } catch {
          return invalid('param1', 'not JSON');
        }
        if (!/^\d+$/.test(orderId)) return invalid('param1.order_id', 'must be an order id');
        const order = marketplace.orders.get(orderId);
        if (!order) {
          return {
            error: {
              iop: { code: FAKE_BUSINESS_CODES.orderNotFound, type: 'ISV', message: `order ${orderId} not found` },
              top: { code: TOP_CODES.remoteServiceError, msg: 'Remote service error', sub_code: `isv.${FAKE_BUSINESS_CODES.orderNotFound}`, sub_msg: `order ${orderId} not found` },
              outcome: 'gatewayError',
            },
          };
        }
        return { payload: { target: marketplace.renderDetail(order), time_stamp: formatPlatformTime(requestTime) }, refused: false };
      }
      case API.fulfill: {
        for (const name of ['service_name', 'out_ref', 'send_type', 'logistics_no']) if (!params.get(name)) return missing(name);
        return writeResult(
          marketplace.fulfill(
            {
              orderId: params.get('out_ref')!,
              serviceName: params.get('service_name')!,
              logisticsNo: params.get('logistics_no')!,
              sendType: params.get('send_type')!,
              ...(params.get('tracking_website') ? { trackingWebsite: params.get('tracking_website')! } : {}),
            },
            requestTime,
          ),
        );
      }
      case API.modifyShipment: {
        for (const name of ['out_ref', 'old_service_name', 'old_logistics_no', 'new_service_name', 'new_logistics_no', 'send_type']) {
          if (!params.get(name)) return missing(name);
        }
        return writeResult(
          marketplace.modifyShipment(
            {
              orderId: params.get('out_ref')!,
              oldServiceName: params.get('old_service_name')!,
              oldLogisticsNo: params.get('old_logistics_no')!,
              newServiceName: params.get('new_service_name')!,
              newLogisticsNo: params.get('new_logistics_no')!,
              sendType: params.get('send_type')!,
              ...(params.get('tracking_website') ? { trackingWebsite: params.get('tracking_website')! } : {}),
            },
            requestTime,
          ),
        );
      }
      case API.listLogisticsServices:
        return {
          payload: { result_list: { aeop_logistics_service_result: FAKE_LOGISTICS_SERVICES }, result_success: true },
          refused: false,
        };
      case API.sendBuyerMessage: {
        const raw = params.get('create_param');
        if (!raw) return missing('create_param');
        let create: Record<string, unknown>;
        try {
          create = parsePlatformJson(raw) as Record<string, unknown>;
        } catch {
          return invalid('create_param', 'not JSON');
        }
        if (create.message_type !== 'order') return invalid('create_param.message_type', "only 'order' is supported");
        const refusal = marketplace.addBuyerMessage(
          {
            orderId: String(create.extern_id ?? ''),
            buyerId: String(create.buyer_id ?? ''),
            sellerId: String(create.seller_id ?? ''),
            content: String(create.content ?? ''),
          },
          requestTime,
        );
        return refusal
          ? { payload: { result: { is_success: false, error_code: refusal.code, error_msg: refusal.message } }, refused: true }
          : { payload: { result: { is_success: true } }, refused: false };
      }
    }
    return invalid('method', 'unsupported');
  }

  function requestTimestampOf(params: Map<string, string>): number | undefined {
    const text = params.get('timestamp');
    if (!text) return undefined;
    return parseTopTimestamp(text) ?? parseIopTimestamp(text);
  }

  /**
   * The gateway's error answer: TOP `{error_response: {code, msg, sub_code, sub_msg}}`; IOP `/sync`
   * `{error_response: {type, code, msg}}`; IOP `/rest` the four top-level fields the SDKs read (`message`).
   */
  function sendGatewayError(res: ServerResponse, gateway: Gateway, error: GatewayError, id: string): void {
    sendJson(res, 200, gatewayErrorBody(gateway, error, id));
  }

  // ---- admin ------------------------------------------------------------------------------------------------

  /**
   * GET  /__fake/health                      → { ok, now }
   * GET  /__fake/orders                      → internal orders
   * POST /__fake/orders                      ← seed | seed[] | { count, seed? } → { order_ids }
   * GET  /__fake/orders/:id                  → { order, platform } (platform = findorderbyid target)
   * POST /__fake/orders/:id/status           ← { status }
   * GET  /__fake/shipments                   → every declaration attempt (accepted or refused)
   * GET  /__fake/messages                    → buyer messages
   * POST /__fake/auth/code                   → { code } (what the consent page hands the app's callback)
   * GET  /__fake/stats, POST /__fake/stats/reset
   * GET  /__fake/faults, POST /__fake/faults ← FaultConfig (replaces the current one)
   * POST /__fake/clock                       ← { offset_ms } | { now }
   * POST /__fake/reset                       → clears orders, shipments, messages, stats, faults
   */
  async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '');
    const verb = req.method ?? 'GET';
    const body = verb === 'POST' ? await readJson(req) : undefined;
    const current = now();
    marketplace.advance(current);
    try {
      if (verb === 'GET' && path === '/__fake/health') return sendJson(res, 200, { ok: true, now: current });
      if (verb === 'GET' && path === '/__fake/orders') return sendJson(res, 200, { orders: [...marketplace.orders.values()] });
      if (verb === 'POST' && path === '/__fake/orders') {
        const created = isCountRequest(body)
          ? marketplace.seedRandomOrders(body.count, current, body.seed ?? options.seed ?? 1)
          : (Array.isArray(body) ? body : [body]).map((seed) => marketplace.addOrder((seed ?? {}) as FakeOrderSeed, current));
        return sendJson(res, 201, { order_ids: created.map((order) => order.orderId) });
      }
      const orderMatch = /^\/__fake\/orders\/(\d+)(\/status)?$/.exec(path);
      if (orderMatch) {
        const orderId = orderMatch[1]!;
        if (verb === 'POST' && orderMatch[2]) {
          const status = (body as { status?: unknown } | undefined)?.status;
          if (typeof status !== 'string') return sendJson(res, 400, { error: 'status is required' });
          const order = marketplace.setStatus(orderId, status, current);
          return order ? sendJson(res, 200, { order }) : sendJson(res, 404, { error: 'no such order' });
        }
        const order = marketplace.orders.get(orderId);
        if (verb === 'GET' && !orderMatch[2]) {
          return order
            ? sendJson(res, 200, { order, platform: marketplace.renderDetail(order) })
            : sendJson(res, 404, { error: 'no such order' });
        }
      }
      if (verb === 'GET' && path === '/__fake/shipments') return sendJson(res, 200, { declarations: marketplace.declarations });
      if (verb === 'GET' && path === '/__fake/messages') return sendJson(res, 200, { messages: marketplace.messages });
      if (verb === 'GET' && path === '/__fake/stats') return sendJson(res, 200, stats);
      if (verb === 'POST' && path === '/__fake/stats/reset') {
        stats = emptyStats();
        return sendJson(res, 200, stats);
      }
      if (verb === 'GET' && path === '/__fake/faults') return sendJson(res, 200, faults);
      if (verb === 'POST' && path === '/__fake/faults') {
        setFaults((body ?? {}) as FaultConfig);
        return sendJson(res, 200, faults);
      }
      if (verb === 'POST' && path === '/__fake/clock') {
        const clock = (body ?? {}) as { offset_ms?: unknown; now?: unknown };
        if (typeof clock.offset_ms === 'number') clockOffset = clock.offset_ms;
        else if (typeof clock.now === 'number') clockOffset = clock.now - baseNow();
        else return sendJson(res, 400, { error: 'offset_ms or now (epoch ms) is required' });
        return sendJson(res, 200, { now: now(), offset_ms: clockOffset });
      }
      if (verb === 'POST' && path === '/__fake/auth/code') return sendJson(res, 200, { code: auth.issueCode(now()) });
      if (verb === 'POST' && path === '/__fake/reset') {
        marketplace.reset();
        auth.reset();
        stats = emptyStats();
        setFaults({});
        return sendJson(res, 200, { ok: true });
      }
      sendJson(res, 404, { error: `no admin route ${verb} ${path}` });
    } catch (error) {
      sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the fake server has no TCP address');
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  return {
    url,
    port: address.port,
    marketplace,
    auth,
    appKey,
    now,
    setFaults,
    clearFaults: () => setFaults({}),
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = emptyStats();
    },
    setClockOffset: (offsetMs: number) => {
      clockOffset = offsetMs;
    },
    close: async () => {
      for (const timer of heldTimers) clearTimeout(timer);
      heldTimers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP helpers

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function isCountRequest(body: unknown): body is { count: number; seed?: number } {
  return !!body && typeof body === 'object' && !Array.isArray(body) && typeof (body as { count?: unknown }).count === 'number';
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString('utf8');
  return text.trim() ? (JSON.parse(text) as unknown) : undefined;
}

/**
 * All request parameters: the query string, overlaid by a form-encoded or multipart body (the three forms the
 * official SDKs use). File parts of a multipart body are ignored, as they are not signed.
 */
async function readParams(req: IncomingMessage, url: URL): Promise<Map<string, string>> {
  const params = new Map<string, string>(url.searchParams);
  if (req.method !== 'POST') return params;
  const body = await readBody(req);
  const contentType = req.headers['content-type'] ?? '';
  if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
    for (const [name, value] of new URLSearchParams(body.toString('utf8'))) params.set(name, value);
  } else if (/^multipart\/form-data/i.test(contentType)) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
    const marker = boundary?.[1] ?? boundary?.[2];
    if (marker) for (const [name, value] of parseMultipartFields(body, marker.trim())) params.set(name, value);
  }
  return params;
}

/** Text fields of a multipart/form-data body. */
export function parseMultipartFields(body: Buffer, boundary: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  const text = body.toString('latin1'); // byte-preserving; values are re-decoded as UTF-8 below
  for (const part of text.split(`--${boundary}`)) {
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (!name || /\bfilename=/i.test(disposition)) continue;
    let value = part.slice(headerEnd + 4);
    if (value.endsWith('\r\n')) value = value.slice(0, -2);
    fields.push([name, Buffer.from(value, 'latin1').toString('utf8')]);
  }
  return fields;
}

function gatewayErrorBody(gateway: Gateway, error: GatewayError, id: string): Record<string, unknown> {
  if (gateway === 'top') return { error_response: { ...error.top, request_id: id } };
  if (gateway === 'rest') return { type: error.iop.type, code: error.iop.code, message: error.iop.message, request_id: id };
  return { error_response: { type: error.iop.type, code: error.iop.code, msg: error.iop.message, request_id: id } };
}

/** An injected documented body with this request's id, wherever the shape keeps it. */
function withRequestId(body: Record<string, unknown>, id: string): Record<string, unknown> {
  const wrapped = body.error_response;
  if (wrapped && typeof wrapped === 'object') return { ...body, error_response: { ...(wrapped as Record<string, unknown>), request_id: id } };
  return { ...body, request_id: id };
}

/** The API a `/rest` request names: its path after `/rest`, or (the Python SDK's form) its `method` parameter. */
function restApiName(url: URL, params: Map<string, string>): string | undefined {
  const fromPath = url.pathname.slice(IOP_REST_PREFIX.length);
  return fromPath || params.get('method') || undefined;
}
