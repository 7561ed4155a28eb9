/**
 * The AliExpress gateways' error answers, read and classified in ONE place (pure: no I/O, no clock).
 *
 * Shapes (test/fixtures/aliexpress/README.md cites where each comes from):
 * - IOP `/sync` (the gateway shipby calls for dotted API names):
 *   `{"error_response":{"type":"ISV"|"ISP"|"SYSTEM","code":"IllegalAccessToken","msg":"…","request_id":"…"}}`;
 * - TOP `/router/rest` (and TOP-style answers of `/sync`):
 *   `{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isp.…","sub_msg":"…","request_id":"…"}}`;
 * - IOP `/rest/<path>` (system APIs such as `/auth/token/create`): the official IOP SDKs read four top-level fields,
 *   `type`, `code` (`"0"` or absent = success), `message`, `request_id`.
 *
 * The SDKs only surface these fields; what to do with them is shipby's:
 * - `retry` (nothing was applied): call limits, service unavailable; waited out (`retryAfterMs` from the ban text);
 * - `reauthorise`: the seller's token is invalid or expired; retrying will not help until the shop is authorised again;
 * - `read_back`: a platform-side (`isp.*`, ISP, SYSTEM) failure of a WRITE: its effect is unknown, so the order must be
 *   read back before sending again; for a read the same failure is simply retried;
 * - `permanent`: the caller's fault (signature, clock, app key, parameters, a business refusal), with the platform's
 *   own `msg` kept so the seller can see it.
 */
import type { AmbiguousReason, PermanentReason, RetryableReason } from './errors';
import { TOP_CODES } from './protocol';

export type CallKind = 'read' | 'write';

/** One gateway error, whatever its envelope. */
export interface GatewayError {
  envelope: 'error_response' | 'top_level';
  /** `ISV` (caller), `ISP` (service provider), `SYSTEM` (gateway); absent on TOP answers. */
  type: string | undefined;
  /** Text code (`ApiCallLimit`, `isp.…`) or the TOP number as text (`"15"`). */
  code: string;
  /** The TOP number, when the code is one. */
  numericCode: number | undefined;
  subCode: string | undefined;
  /** The platform's own words: `sub_msg`, else `msg`, else `message`. */
  msg: string;
  requestId: string | undefined;
}

export type GatewayErrorClass =
  | { class: 'retry'; reason: RetryableReason; retryAfterMs?: number }
  | { class: 'reauthorise' }
  | { class: 'read_back'; reason: AmbiguousReason }
  | { class: 'permanent'; reason: PermanentReason };

/** TOP error numbers: the platform's table, kept once in protocol.ts (the fake gateway answers with the same). */
const TOP = TOP_CODES;

/** How long to wait after a call limit that names no ban. */
const DEFAULT_CALL_LIMIT_WAIT_MS = 1_000;

/** Reads an error answer of either gateway; undefined when the body is not an error. */
export function readGatewayError(body: unknown): GatewayError | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  const wrapped = record.error_response;
  if (wrapped && typeof wrapped === 'object' && !Array.isArray(wrapped)) {
    return fromFields(wrapped as Record<string, unknown>, 'error_response');
  }
  const code = record.code;
  if ((typeof code === 'string' || typeof code === 'number') && String(code) !== '0' && String(code) !== '') {
    // A `code` beside an API's own `<api>_response` is part of that answer, not a gateway error.
    if (Object.keys(record).some((key) => key.endsWith('_response'))) return undefined;
    return fromFields(record, 'top_level');
  }
  return undefined;
}

function fromFields(fields: Record<string, unknown>, envelope: GatewayError['envelope']): GatewayError {
  const text = (value: unknown) =>
    typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
  const code = text(fields.code) ?? '';
  const numeric = /^\d+$/.test(code) ? Number(code) : undefined;
  return {
    envelope,
    type: text(fields.type)?.toUpperCase(),
    code,
    numericCode: numeric,
    subCode: text(fields.sub_code),
    msg: text(fields.sub_msg) ?? text(fields.msg) ?? text(fields.message) ?? '',
    requestId: text(fields.request_id),
  };
}

/** "this ban will last 3 seconds" (IOP) / "This ban will last for 71 more seconds" (TOP) → milliseconds. */
export function banDurationMs(message: string | undefined): number | undefined {
  if (!message) return undefined;
  const match = /ban will last (?:for )?(\d+) (?:more )?seconds?/i.exec(message);
  return match ? Number(match[1]) * 1000 : undefined;
}

/** What an error answer means for the call that got it. */
export function classifyGatewayError(error: GatewayError, kind: CallKind): GatewayErrorClass {
  const { code, numericCode: n, type } = error;
  const sub = error.subCode ?? '';
  const names = `${code} ${sub}`;

  // 1. Call limits: nothing was applied; wait the ban out.
  if (n === TOP.appCallLimited || /CallLimit|call-limited|^accesscontrol\.|FrequencyLimit|flow-?control/i.test(names)) {
    return {
      class: 'retry',
      reason: 'rate_limited',
      retryAfterMs: banDurationMs(error.msg) ?? DEFAULT_CALL_LIMIT_WAIT_MS,
    };
  }
  // 2. The seller's token: only a new authorisation helps.
  if (
    n === TOP.missingSession ||
    n === TOP.invalidSession ||
    n === TOP.insufficientUserPermissions ||
    /AccessToken|Session|isv\.(?:invalid-)?token|token-?expired/i.test(names)
  ) {
    return { class: 'reauthorise' };
  }
  // 3. The request itself is wrong: the same request will be refused again.
  if (n === TOP.missingSignature || n === TOP.invalidSignature || /Signature/i.test(code))
    return { class: 'permanent', reason: 'signature' };
  if (n === TOP.missingTimestamp || n === TOP.invalidTimestamp || /Timestamp/i.test(code))
    return { class: 'permanent', reason: 'timestamp' };
  if (
    n === TOP.missingAppKey ||
    n === TOP.invalidAppKey ||
    n === TOP.insufficientIsvPermissions ||
    /AppKey|AccessDenied|Permission|Unauthori[sz]ed/i.test(code)
  ) {
    return { class: 'permanent', reason: 'auth' };
  }
  if (
    n === TOP.missingMethod ||
    n === TOP.invalidMethod ||
    n === TOP.missingRequiredArguments ||
    n === TOP.invalidArguments ||
    /^(Missing|Invalid|Illegal)(Parameter|Api|Method|Argument)/i.test(code)
  ) {
    return { class: 'permanent', reason: 'invalid_request' };
  }
  // 4. The service was not there: nothing was applied.
  if (n === TOP.serviceUnavailable || /ServiceUnavailable|service-unavailable/i.test(names)) {
    return { class: 'retry', reason: 'server_error' };
  }
  // 5. A business refusal by the API behind the gateway.
  if (/^isv\./i.test(sub) || /^isv\./i.test(code)) {
    return { class: 'permanent', reason: /not[-_]?found|not[-_]?exist/i.test(names) ? 'not_found' : 'business_rule' };
  }
  if (type === 'ISV') return { class: 'permanent', reason: /NOT_?FOUND/i.test(code) ? 'not_found' : 'business_rule' };
  // 6. Platform side (isp.*, ISP, SYSTEM, an unknown code): a read is retried; a write may have been applied.
  const platformSide =
    /^isp\./i.test(sub) ||
    /^isp\./i.test(code) ||
    type === 'ISP' ||
    type === 'SYSTEM' ||
    n === TOP.remoteServiceError ||
    n === undefined;
  if (platformSide) {
    if (kind === 'read') return { class: 'retry', reason: 'server_error' };
    return { class: 'read_back', reason: /timeout|time-out/i.test(names) ? 'upstream_timeout' : 'server_error' };
  }
  // 7. Any other TOP number is a refusal of the request.
  return { class: 'permanent', reason: 'invalid_request' };
}
