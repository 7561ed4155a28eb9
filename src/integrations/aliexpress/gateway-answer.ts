/**
 * What an HTTP answer of either gateway means (pure): a successful `<api>_response`, or a typed failure. Error
 * envelopes are classified by gateway-errors.ts; this file adds what HTTP itself says (429 with Retry-After, 5xx,
 * an unreadable body) and reads a write's own refusal.
 */
import {
  AmbiguousOutcomeError,
  MarketplaceError,
  PermanentMarketplaceError,
  ReauthorisationRequiredError,
  RetryableMarketplaceError,
} from './errors';
import type { AttemptFailure, RawCallResult } from './client-types';
import { banDurationMs, classifyGatewayError, readGatewayError, type CallKind } from './gateway-errors';
import type { PlatformWriteResult } from './platform-types';
import { parsePlatformJson, responseKey } from './protocol';

export interface AnswerContext {
  /** Epoch ms, for Retry-After dates. */
  now: number;
  /** Redacts credentials out of text that came from the network. */
  clean: (text: string) => string;
}

export function interpretAnswer(
  method: string,
  kind: CallKind,
  response: Response,
  text: string,
  requestTimestamp: number,
  context: AnswerContext,
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
      parseRetryAfter(response.headers.get('retry-after'), context.now) ??
      (parsed ? banDurationMs(readGatewayError(body)?.msg) : undefined);
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
    const refused = platformError(method, kind, body as Record<string, unknown>, httpStatus, context.clean);
    if (refused) return { error: refused };
  }

  if (httpStatus >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), context.now);
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

/** An error answer of either gateway, classified once (gateway-errors.ts); undefined when the body is not one. */
function platformError(
  method: string,
  kind: CallKind,
  body: Record<string, unknown>,
  httpStatus: number,
  clean: (text: string) => string,
): MarketplaceError | undefined {
  const gatewayError = readGatewayError(body);
  if (!gatewayError) return undefined;
  const { type, code, subCode, requestId } = gatewayError;
  const platformMessage = clean(gatewayError.msg);
  const label = `${type ?? (gatewayError.numericCode !== undefined ? 'TOP' : 'IOP')} error ${code}${subCode ? ` / ${subCode}` : ''}`;
  const text = `${method}: ${label}: ${platformMessage}`;
  const details = { method, code: subCode || code, httpStatus, requestId, platformMessage };
  const verdict = classifyGatewayError(gatewayError, kind);
  switch (verdict.class) {
    case 'retry':
      return new RetryableMarketplaceError(text, {
        ...details,
        reason: verdict.reason,
        ...(verdict.retryAfterMs !== undefined ? { retryAfterMs: verdict.retryAfterMs } : {}),
      });
    case 'reauthorise':
      return new ReauthorisationRequiredError(`${text}; the shop must be authorised again`, details);
    case 'read_back':
      return new AmbiguousOutcomeError(`${text}; read the order back before retrying`, {
        ...details,
        reason: verdict.reason,
      });
    case 'permanent':
      return new PermanentMarketplaceError(text, { ...details, reason: verdict.reason });
  }
}

/**
 * A write answered without an error envelope but not successful: the API's own refusal. The fulfil answer's
 * `result` carries `result_success`, `error_code` and `error_message` (TOP API metadata; see the fixtures' README);
 * older writes use `result_error_code` / `result_error_desc` or `is_success` / `error_msg`. Their text is kept.
 */
export function requireWriteSuccess(
  method: string,
  response: Record<string, unknown>,
  clean: (text: string) => string,
): void {
  const nested = (response.result && typeof response.result === 'object' ? response.result : {}) as PlatformWriteResult;
  const flat = response as PlatformWriteResult;
  const success = nested.result_success ?? nested.is_success ?? flat.result_success ?? flat.is_success;
  if (success === true) return;
  const code = String(
    nested.error_code ?? nested.result_error_code ?? flat.error_code ?? flat.result_error_code ?? 'NOT_SUCCESSFUL',
  );
  const said =
    nested.error_message ??
    nested.result_error_desc ??
    nested.error_msg ??
    flat.error_message ??
    flat.result_error_desc ??
    flat.error_msg;
  const platformMessage = said ? clean(said) : undefined;
  throw new PermanentMarketplaceError(
    clean(`${method}: refused: ${code}${platformMessage ? ` (${platformMessage})` : ''}`),
    {
      method,
      code,
      reason: /NOT_FOUND/i.test(code) ? 'not_found' : success === false ? 'business_rule' : 'protocol',
      ...(platformMessage ? { platformMessage } : {}),
    },
  );
}

/** Retry-After as delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
