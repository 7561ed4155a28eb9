/**
 * Seller authorisation at the AliExpress Open Platform (IOP), pure: the consent page's URL, the signed token calls
 * `/auth/token/create` (code → tokens) and `/auth/token/refresh` (refresh token → new tokens), and reading their
 * answers. No clock, no I/O: token-client.ts sends them.
 *
 * Sources (test/fixtures/aliexpress/README.md cites them): the platform's "Authorize your APP" page — the consent
 * URL `https://api-sg.aliexpress.com/oauth/authorize?response_type=code&force_auth=true&redirect_uri=…&client_id=…`,
 * the callback's `?code=`, the token calls posted to `https://api-sg.aliexpress.com/rest` with the code (or the
 * refresh token) as the one business parameter, and their answer fields; the official IOP SDKs for the signing
 * (HMAC-SHA256 over the API path then the sorted `name+value` pairs, `sign_method=sha256`, epoch-ms `timestamp`) and
 * the `/rest` error shape (top-level `type`, `code`, `message`, `request_id`; `code` "0" when all went well).
 * `state` is the OAuth 2.0 parameter (RFC 6749 §4.1.1) the page hands back unchanged; the platform's page does not
 * show it, and that it is echoed could not be confirmed without a live account.
 */
import { parsePlatformJson, IOP_REST_PREFIX } from './protocol';
import { IOP_SIGN_METHOD, signIop } from './signing';

const AUTHORIZE_PATH = '/oauth/authorize';
export const TOKEN_CREATE = '/auth/token/create';
export const TOKEN_REFRESH = '/auth/token/refresh';

/** The consent page the seller is sent to. `base` is the platform's (or the fake's) origin. */
export function authorizeUrl(base: string, input: { appKey: string; redirectUri: string; state: string }): string {
  const url = new URL(AUTHORIZE_PATH, base.replace(/\/+$/, '') + '/');
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('force_auth', 'true');
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('client_id', input.appKey);
  url.searchParams.set('state', input.state);
  return url.toString();
}

export type TokenCall =
  | { api: typeof TOKEN_CREATE; code: string }
  | { api: typeof TOKEN_REFRESH; refreshToken: string };

/** The signed form a token call posts to `<base>/rest<api>`, as the official IOP SDK forms it. */
export function tokenRequest(
  base: string,
  app: { appKey: string; appSecret: string },
  call: TokenCall,
  timestamp: number,
): { url: string; body: string } {
  const params: Record<string, string> = {
    app_key: app.appKey,
    timestamp: String(timestamp),
    sign_method: IOP_SIGN_METHOD,
    ...(call.api === TOKEN_CREATE ? { code: call.code } : { refresh_token: call.refreshToken }),
  };
  params.sign = signIop(app.appSecret, call.api, params);
  return {
    url: `${base.replace(/\/+$/, '')}${IOP_REST_PREFIX}${call.api}`,
    body: new URLSearchParams(params).toString(),
  };
}

/** The tokens of a successful answer, times in epoch ms. */
export interface PlatformTokens {
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: number;
  /** 0 when the platform says the token cannot be refreshed (`refresh_expires_in` = 0). */
  refreshExpiresAt: number;
  /** The seller's account (`account`, else `user_nick`) and id (`seller_id`, else `user_id`), for display. */
  account: string | null;
  sellerId: string | null;
}

export type TokenAnswer =
  | { type: 'tokens'; tokens: PlatformTokens; requestId: string | null }
  /** The platform refused: a wrong, used or expired code, or a refresh token it no longer honours. */
  | { type: 'refused'; code: string; message: string; requestId: string | null }
  /** Not the platform's answer, or cut off: nothing can be concluded; try again later. */
  | { type: 'unreadable'; detail: string }
  /** The platform is not answering now (5xx, 429): try again later. */
  | { type: 'unavailable'; detail: string };

/**
 * Reads a token call's answer. `now` turns `expires_in` into an instant when `expire_time` is absent. Numbers may
 * come as strings (the documentation's tables show both).
 */
export function readTokenAnswer(httpStatus: number, text: string, now: number): TokenAnswer {
  if (httpStatus === 429 || httpStatus >= 500) return { type: 'unavailable', detail: `HTTP ${httpStatus}` };
  let body: unknown;
  try {
    body = parsePlatformJson(text);
  } catch {
    return {
      type: 'unreadable',
      detail:
        text.trim() === '' ? `HTTP ${httpStatus}, empty answer` : `HTTP ${httpStatus}, not JSON (${text.length} bytes)`,
    };
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { type: 'unreadable', detail: `HTTP ${httpStatus}, not a JSON object` };
  const answer = body as Record<string, unknown>;
  const requestId = text_(answer.request_id);
  const code = text_(answer.code);
  if (code !== null && code !== '0') {
    return { type: 'refused', code, message: text_(answer.message) ?? text_(answer.msg) ?? '', requestId };
  }
  if (httpStatus >= 400) return { type: 'unreadable', detail: `HTTP ${httpStatus}` };
  const accessToken = text_(answer.access_token);
  const refreshToken = text_(answer.refresh_token);
  const accessExpiresAt = instant(answer.expire_time) ?? plusSeconds(now, answer.expires_in);
  const refreshExpiresAt = instant(answer.refresh_token_valid_time) ?? plusSeconds(now, answer.refresh_expires_in);
  if (!accessToken || !refreshToken || accessExpiresAt === null || refreshExpiresAt === null) {
    const missing = [
      !accessToken && 'access_token',
      !refreshToken && 'refresh_token',
      accessExpiresAt === null && 'expire_time/expires_in',
      refreshExpiresAt === null && 'refresh_token_valid_time/refresh_expires_in',
    ].filter(Boolean);
    return { type: 'unreadable', detail: `the answer lacks ${missing.join(', ')}` };
  }
  const refreshable = number_(answer.refresh_expires_in);
  return {
    type: 'tokens',
    requestId,
    tokens: {
      accessToken,
      refreshToken,
      accessExpiresAt,
      refreshExpiresAt: refreshable === 0 ? 0 : refreshExpiresAt,
      account: text_(answer.account) ?? text_(answer.user_nick),
      sellerId: text_(answer.seller_id) ?? text_(answer.user_id),
    },
  };
}

function text_(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function number_(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

function instant(value: unknown): number | null {
  const n = number_(value);
  return n !== null && n > 0 ? n : null;
}

function plusSeconds(now: number, value: unknown): number | null {
  const n = number_(value);
  return n === null ? null : now + n * 1000;
}
