/**
 * What the client and the fake marketplace share about the AliExpress Open Platform wire protocol:
 * API names, gateway paths, the time formats (marketplace-rules.md §1.3, §3.1), the error envelopes and codes,
 * and a JSON reader that keeps 64-bit ids exact.
 */
import { DateTime } from 'luxon';

/** The API names shipby calls. */
export const API = {
  /** Order list by created/modified time, paged (`param_aeop_order_query`). */
  orderList: 'aliexpress.trade.seller.orderlist.get',
  /** Order detail (`param1` = `{order_id, ext_info_bit_flag}`). */
  orderDetail: 'aliexpress.trade.new.redefining.findorderbyid',
  /**
   * The order's receipt (shipping) address in full, where the detail gives it masked (`param1` = `{order_id}`, the
   * answer's `result` an `AeopTpAddressDTO`). Source: the IOP Java SDK's generated classes
   * `AliexpressTradeRedefiningFindorderreceiptinfo{Request,Response,TpOpenSingleOrderQuery,AeopTpAddressDTO}`
   * (github.com/emsaniey20/java @2e278202) and the platform's page
   * https://open.aliexpress.com/doc/api.htm#/api?cid=20905&path=aliexpress.trade.redefining.findorderreceiptinfo&methodType=GET/POST
   * (fixtures: test/fixtures/aliexpress/receipt-info/).
   */
  receiptInfo: 'aliexpress.trade.redefining.findorderreceiptinfo',
  /** Declare a shipment (upload a tracking number). */
  fulfill: 'aliexpress.solution.order.fulfill',
  /** Correct a declared shipment (wrong number or service). */
  modifyShipment: 'aliexpress.logistics.sellermodifiedshipmentfortop',
  /** The logistics services the seller may declare (`service_name` keys). */
  listLogisticsServices: 'aliexpress.logistics.redefining.listlogisticsservice',
  /**
   * RETIRED, not used by shipby's flows: absent from the current official IOP SDK, and its successor there
   * (`aliexpress/message/send`) needs a numeric buyer id the order detail does not give, so AliExpress gets no buyer
   * notice (integrations/marketplace/aliexpress/adapter.ts). Kept for the fake and the client's protocol tests.
   * Send a message to the buyer about an order. The name and its single `create_param` object
   * (`buyer_id`, `seller_id`, `content`, `message_type` = `order`, `extern_id` = order id) come from the generated
   * TOP SDK classes `AliexpressMessageRedefiningVersiontwoAddmsgRequest` (PHP/C#/Python, 2018); the shape of its
   * answer is not documented in what we have, so the client accepts `is_success` at either level.
   */
  sendBuyerMessage: 'aliexpress.message.redefining.versiontwo.addmsg',
  /**
   * Online logistics (线上发货, Cainiao): the services offered for one order and parcel, create the logistics
   * order, read it back (its international tracking number), and its label. Names and fields from the IOP Java SDK
   * and the TOP SDKs; sources in src/integrations/carriers/aliexpress-online/README.md.
   */
  onlineLogisticsServices: 'aliexpress.logistics.redefining.getonlinelogisticsservicelistbyorderid',
  createLogisticsOrder: 'aliexpress.logistics.createwarehouseorder',
  queryLogisticsOrder: 'aliexpress.logistics.querylogisticsorderdetail',
  logisticsLabel: 'aliexpress.logistics.redefining.getprintinfo',
} as const;
export type ApiName = (typeof API)[keyof typeof API];

export const IOP_SYNC_PATH = '/sync';
export const IOP_REST_PREFIX = '/rest';
export const TOP_PATH = '/router/rest';
export const DEFAULT_IOP_BASE_URL = 'https://api-sg.aliexpress.com';
export const DEFAULT_TOP_BASE_URL = 'https://api.taobao.com';

/** Skew the gateways accept between the request `timestamp` and their clock (§3.1). */
export const IOP_MAX_SKEW_MS = 7200 * 1000;
export const TOP_MAX_SKEW_MS = 10 * 60 * 1000;

/** AliExpress order timestamps and list query times are US Pacific wall-clock time with DST (§1.3). */
export const PLATFORM_ZONE = 'America/Los_Angeles';
/** The TOP request `timestamp` is GMT+8 wall-clock time, whatever the zone of the data. */
const TOP_OFFSET_MS = 8 * 3600 * 1000;

export const MAX_PAGE_SIZE = 50;

/**
 * The order list must be asked for a creation-date window (`create_date_start` / `create_date_end`) of at most
 * 180 days (issue 15's account of the platform's rule; the platform's exact wording of the refusal is not in our
 * sources). The modified-date filter is applied inside that window.
 */
export const MAX_CREATE_WINDOW_MS = 180 * 24 * 3600_000;
/**
 * The windows shipby asks for are two hours shorter than the limit: each query edge can be moved one hour outwards
 * over the repeated autumn hour (`platformQueryTime`), and the window must still fit.
 */
const CREATE_WINDOW_STEP_MS = MAX_CREATE_WINDOW_MS - 2 * 3600_000;

/**
 * [start, end] cut into consecutive creation-date windows, oldest first, each within the platform's limit; a
 * window ends where the next begins (an order created on the seam is listed twice, never missed).
 */
export function creationWindows(start: number, end: number): Array<{ from: number; to: number }> {
  if (!(start <= end)) throw new RangeError('the creation window must have start ≤ end');
  const windows: Array<{ from: number; to: number }> = [];
  for (let from = start; ; from += CREATE_WINDOW_STEP_MS) {
    const to = Math.min(end, from + CREATE_WINDOW_STEP_MS);
    windows.push({ from, to });
    if (to >= end) return windows;
  }
}

/** Order states that allow a shipment declaration (§0 item 4, §3.3). */
export const SHIPPABLE_STATUSES = ['WAIT_SELLER_SEND_GOODS', 'SELLER_PART_SEND_GOODS'] as const;

export const ORDER_STATUSES = [
  'PLACE_ORDER_SUCCESS',
  'PAYMENT_PROCESSING',
  'RISK_CONTROL',
  'RISK_CONTROL_HOLD',
  'WAIT_SELLER_SEND_GOODS',
  'SELLER_PART_SEND_GOODS',
  'WAIT_BUYER_ACCEPT_GOODS',
  'FUND_PROCESSING',
  'FINISH',
  'IN_CANCEL',
  'IN_ISSUE',
  'IN_FROZEN',
  'WAIT_SELLER_EXAMINE_MONEY',
] as const;
export type AliExpressOrderStatus = (typeof ORDER_STATUSES)[number];

// ---------------------------------------------------------------------------------------------------------------
// Time formats

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `yyyy-MM-dd HH:mm:ss` in GMT+8, the TOP request timestamp. */
export function formatTopTimestamp(epochMs: number): string {
  const shifted = new Date(epochMs + TOP_OFFSET_MS);
  return (
    `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())} ` +
    `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}`
  );
}

/** Parses a GMT+8 `yyyy-MM-dd HH:mm:ss`; undefined when malformed. */
export function parseTopTimestamp(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(utc);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return utc - TOP_OFFSET_MS;
}

/**
 * Parses the IOP request timestamp: epoch milliseconds (what the SDK sends) or an ISO-8601 string with an
 * explicit offset or `Z`. Undefined when malformed.
 */
export function parseIopTimestamp(text: string): number | undefined {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined;
  const parsed = DateTime.fromISO(text, { setZone: true });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

/**
 * Offset of the platform zone (minutes east of UTC) at an instant. DST switches in Los Angeles happen on a whole
 * UTC hour, so the offset is cached per UTC hour: luxon is consulted once per hour of data, not once per timestamp
 * (list pages carry hundreds of timestamps).
 */
const offsetCache = new Map<number, number>();
function platformOffsetMinutes(epochMs: number): number {
  const hour = Math.floor(epochMs / 3_600_000);
  let offset = offsetCache.get(hour);
  if (offset === undefined) {
    offset = DateTime.fromMillis(hour * 3_600_000, { zone: PLATFORM_ZONE }).offset;
    if (offsetCache.size > 100_000) offsetCache.clear();
    offsetCache.set(hour, offset);
  }
  return offset;
}

function wallText(wallMs: number, separator: ' ' | 'T'): string {
  const d = new Date(wallMs);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}${separator}` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** An instant as platform wall-clock time (`yyyy-MM-dd HH:mm:ss`, America/Los_Angeles). */
export function formatPlatformTime(epochMs: number): string {
  return wallText(epochMs + platformOffsetMinutes(epochMs) * 60_000, ' ');
}

/** An instant as ISO-8601 with the platform zone's offset at that instant, e.g. `2024-03-01T09:12:55-08:00`. */
export function formatPlatformIso(epochMs: number): string {
  const offset = platformOffsetMinutes(epochMs);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${wallText(epochMs + offset * 60_000, 'T')}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Every instant whose platform wall-clock time is `wallMs` (as if UTC): none in the spring gap, two in autumn. */
function instantsOfWallTime(wallMs: number): number[] {
  const candidates = new Set([platformOffsetMinutes(wallMs - 86_400_000), platformOffsetMinutes(wallMs + 86_400_000)]);
  const instants: number[] = [];
  for (const offset of candidates) {
    const instant = wallMs - offset * 60_000;
    if (platformOffsetMinutes(instant) === offset) instants.push(instant);
  }
  return instants.sort((a, b) => a - b);
}

/**
 * Parses a platform wall-clock time `yyyy-MM-dd HH:mm:ss` into epoch ms. In the hour repeated when DST ends the
 * text names two instants; the earlier one is taken (a deadline read early is the safe error). A time inside the
 * spring-forward gap does not exist and is refused (undefined), like any malformed text.
 */
export function parsePlatformTime(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, sec] = match.map(Number) as [number, number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59) return undefined;
  const wallMs = Date.UTC(y, mo - 1, d, h, mi, sec);
  if (new Date(wallMs).getUTCDate() !== d) return undefined;
  return instantsOfWallTime(wallMs)[0];
}

/**
 * The Pacific wall-clock text to put in a list query so that the window [from, to] is fully covered.
 * Seconds are floored at the start and ceiled at the end; in the repeated autumn hour the platform could read
 * the text as either occurrence, so the edge is moved one hour outwards (a wider window only re-reads orders,
 * and ingestion is idempotent).
 */
export function platformQueryTime(epochMs: number, edge: 'start' | 'end'): string {
  const second = edge === 'start' ? Math.floor(epochMs / 1000) * 1000 : Math.ceil(epochMs / 1000) * 1000;
  const text = formatPlatformTime(second);
  if (!isAmbiguousWallTime(text)) return text;
  return formatPlatformTime(edge === 'start' ? second - 3600_000 : second + 3600_000);
}

/** True when the Pacific wall-clock text names two instants (the hour repeated when DST ends). */
export function isAmbiguousWallTime(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!match) return false;
  const [, y, mo, d, h, mi, sec] = match.map(Number) as [number, number, number, number, number, number, number];
  return instantsOfWallTime(Date.UTC(y, mo - 1, d, h, mi, sec)).length > 1;
}

// ---------------------------------------------------------------------------------------------------------------
// JSON

/**
 * `JSON.parse`, except that integers beyond 2^53 (order, child order and SKU ids) are kept as their exact digit
 * strings instead of being rounded to the nearest double.
 */
export function parsePlatformJson(text: string): unknown {
  let out = '';
  let copiedUpTo = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c /* \ */) i++;
      else if (ch === 0x22 /* " */) inString = false;
      continue;
    }
    if (ch === 0x22) {
      inString = true;
      continue;
    }
    const isDigit = ch >= 0x30 && ch <= 0x39;
    if (!isDigit && ch !== 0x2d /* - */) continue;
    let end = i + 1;
    while (end < text.length && /[0-9.eE+-]/.test(text[end]!)) end++;
    const token = text.slice(i, end);
    if (/^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))) {
      out += text.slice(copiedUpTo, i) + '"' + token + '"';
      copiedUpTo = end;
    }
    i = end - 1;
  }
  return JSON.parse(out + text.slice(copiedUpTo));
}

/** The key that wraps a successful answer: `aliexpress.solution.order.fulfill` → `aliexpress_solution_order_fulfill_response`. */
export function responseKey(method: string): string {
  return method.replace(/\./g, '_') + '_response';
}

// ---------------------------------------------------------------------------------------------------------------
// Error envelopes and codes

/**
 * IOP `/sync` error, as the gateway answers it (moh3a/ae_sdk issue #9 and the fixtures' README): wrapped in
 * `error_response`, a text `code`, the platform's words in `msg`.
 */
export interface IopErrorEnvelope {
  error_response: {
    type: 'ISV' | 'ISP' | 'SYSTEM';
    code: string;
    msg: string;
    request_id: string;
  };
}

/** IOP `/rest/<path>` error (system APIs): the four top-level fields the official IOP SDKs read. */
export interface IopRestErrorBody {
  type: 'ISV' | 'ISP' | 'SYSTEM';
  code: string;
  message: string;
  request_id: string;
}

/** TOP (`/router/rest`) error (samples/top-error). */
export interface TopErrorEnvelope {
  error_response: {
    code: number;
    msg: string;
    sub_code?: string;
    sub_msg?: string;
    request_id: string;
  };
}

/**
 * IOP gateway codes. `IncompleteSignature`, `IllegalTimestamp` (message "The timestamp is invalid or malformed")
 * and `ApiCallLimit` (message "... this ban will last N seconds") appear in captured answers in public code;
 * `MissingParameter`, `InvalidParameter` and `IllegalAccessToken` are the common IOP/Lazada spellings. The fake
 * marketplace answers with these and the client classifies them.
 */
export const IOP_CODES = {
  signature: 'IncompleteSignature',
  timestamp: 'IllegalTimestamp',
  rateLimit: 'ApiCallLimit',
  appRateLimit: 'AppCallLimit',
  missingParameter: 'MissingParameter',
  invalidParameter: 'InvalidParameter',
  accessToken: 'IllegalAccessToken',
  appKey: 'InvalidAppKey',
  api: 'InvalidApi',
} as const;

/**
 * TOP gateway codes, from the Taobao Open Platform error table: 7 App Call Limited (with `sub_code`
 * `accesscontrol.limited-by-*-access-count` and `sub_msg` "This ban will last for N more seconds"),
 * 10 Service Currently Unavailable, 15 Remote service error (`sub_code` isp.* = platform side, isv.* = caller),
 * 21/22 method, 24/25 signature, 26/27 session, 28/29 app key, 30/31 timestamp, 40/41 arguments.
 */
export const TOP_CODES = {
  appCallLimited: 7,
  serviceUnavailable: 10,
  insufficientIsvPermissions: 11,
  insufficientUserPermissions: 12,
  remoteServiceError: 15,
  missingMethod: 21,
  invalidMethod: 22,
  missingSignature: 24,
  invalidSignature: 25,
  missingSession: 26,
  invalidSession: 27,
  missingAppKey: 28,
  invalidAppKey: 29,
  missingTimestamp: 30,
  invalidTimestamp: 31,
  missingRequiredArguments: 40,
  invalidArguments: 41,
} as const;

/**
 * Business codes used by the fake marketplace for refused operations (the real platform's exact codes for these
 * cases are not in our sources). They travel as `result_error_code` with `result_success: false`.
 */
export const FAKE_BUSINESS_CODES = {
  orderNotFound: 'ORDER_NOT_FOUND',
  orderStatusNotAllowed: 'ORDER_STATUS_NOT_ALLOW_SHIPMENT',
  unknownLogisticsService: 'LOGISTICS_SERVICE_NOT_FOUND',
  shipmentNotFound: 'SHIPMENT_NOT_FOUND',
  invalidSendType: 'INVALID_SEND_TYPE',
  missingTrackingWebsite: 'TRACKING_WEBSITE_REQUIRED',
} as const;
