/**
 * The fake's gateway protocol: what a gateway checks before any API runs (method, app key, sign method,
 * timestamp skew, signature, seller token, flow control), and its error answers in each gateway's shape.
 */
import type { FakeAuth } from './fake-auth';
import { AUTH_TOKEN_CREATE, AUTH_TOKEN_REFRESH } from './fake-auth';
import {
  API,
  IOP_CODES,
  IOP_MAX_SKEW_MS,
  IOP_REST_PREFIX,
  TOP_CODES,
  TOP_MAX_SKEW_MS,
  parseIopTimestamp,
  parseTopTimestamp,
} from './protocol';
import { IOP_SIGN_METHOD, isTopSignMethod, signIop, signTop, signaturesEqual } from './signing';

export type Gateway = 'iop' | 'top' | 'rest';

export interface GatewayError {
  /** IOP code and type. */
  iop: { code: string; type: 'ISV' | 'ISP' | 'SYSTEM'; message: string };
  /** TOP code, message and optional sub code. */
  top: { code: number; msg: string; sub_code?: string; sub_msg?: string };
  outcome: 'gatewayError' | 'flowControlled';
}

/** What the gateway checks a request against. */
export interface GatewayCheck {
  appKey: string;
  appSecret: string;
  /** Accepted pasted tokens; empty = any non-empty token (besides the ones `auth` issued, checked for expiry). */
  accessTokens: ReadonlySet<string>;
  auth: FakeAuth;
  maxRequestsPerSecond: number | undefined;
  /** Flow-control counters per app key. */
  perAppSecond: Map<string, { second: number; count: number }>;
}

export function flowControl(seconds: number): GatewayError {
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

export function gatewayError(
  iopCode: string,
  iopMessage: string,
  topCode: number,
  topMsg: string,
  sub?: { sub_code: string; sub_msg: string },
): GatewayError {
  return {
    iop: { code: iopCode, type: 'ISV', message: iopMessage },
    top: { code: topCode, msg: topMsg, ...sub },
    outcome: 'gatewayError',
  };
}

/** Method, app key, timestamp, signature, session and flow control — in that order, like a gateway. */
export function checkGateway(
  config: GatewayCheck,
  gateway: Gateway,
  url: URL,
  params: Map<string, string>,
  requestTime: number,
): GatewayError | undefined {
  const { appKey, appSecret } = config;
  const method = params.get('method');
  const apiName = gateway === 'rest' ? restApiName(url, params) : method;
  if (!apiName) {
    return gatewayError(
      IOP_CODES.missingParameter,
      'The input parameter "method" that is mandatory for processing this request is not supplied',
      TOP_CODES.missingMethod,
      'Missing method',
    );
  }
  const key = params.get('app_key');
  if (!key)
    return gatewayError(
      IOP_CODES.missingParameter,
      'The input parameter "app_key" that is mandatory for processing this request is not supplied',
      TOP_CODES.missingAppKey,
      'Missing app key',
    );
  if (key !== appKey)
    return gatewayError(
      IOP_CODES.appKey,
      'The specified app key is invalid',
      TOP_CODES.invalidAppKey,
      'Invalid app Key',
    );

  const refused = checkSignature(appSecret, gateway, apiName, params, requestTime);
  if (refused) return refused;

  if (gateway === 'rest') {
    if (apiName === AUTH_TOKEN_CREATE || apiName === AUTH_TOKEN_REFRESH) return undefined; // no seller token yet
    return gatewayError(
      IOP_CODES.api,
      `The API ${apiName} is not supported by the fake marketplace`,
      TOP_CODES.invalidMethod,
      'Invalid method',
    );
  }
  if (!(Object.values(API) as string[]).includes(apiName)) {
    return gatewayError(
      IOP_CODES.api,
      `The specified API ${apiName} is invalid`,
      TOP_CODES.invalidMethod,
      'Invalid method',
    );
  }

  return checkSession(config, key, params, requestTime);
}

/** Sign method, timestamp (within the gateway's skew) and signature. */
function checkSignature(
  appSecret: string,
  gateway: Gateway,
  apiName: string,
  params: Map<string, string>,
  requestTime: number,
): GatewayError | undefined {
  const signMethod = params.get('sign_method') ?? (gateway === 'top' ? 'md5' : '');
  const topStyle = gateway === 'top' || isTopSignMethod(signMethod);
  if (!topStyle && signMethod !== IOP_SIGN_METHOD) {
    return gatewayError(
      IOP_CODES.invalidParameter,
      `sign_method ${signMethod || '(missing)'} is not supported`,
      TOP_CODES.invalidArguments,
      'Invalid arguments:sign_method',
    );
  }

  const timestampText = params.get('timestamp');
  if (!timestampText)
    return gatewayError(
      IOP_CODES.missingParameter,
      'The input parameter "timestamp" that is mandatory for processing this request is not supplied',
      TOP_CODES.missingTimestamp,
      'Missing timestamp',
    );
  const timestamp = topStyle
    ? (parseTopTimestamp(timestampText) ?? (gateway === 'top' ? undefined : parseIopTimestamp(timestampText)))
    : parseIopTimestamp(timestampText);
  const maxSkew = gateway === 'top' ? TOP_MAX_SKEW_MS : topStyle ? TOP_MAX_SKEW_MS : IOP_MAX_SKEW_MS;
  if (timestamp === undefined || Math.abs(timestamp - requestTime) > maxSkew) {
    return gatewayError(
      IOP_CODES.timestamp,
      'The timestamp is invalid or malformed',
      TOP_CODES.invalidTimestamp,
      'Invalid timestamp',
    );
  }

  const sign = params.get('sign');
  if (!sign)
    return gatewayError(
      IOP_CODES.signature,
      'The request signature does not conform to platform standards',
      TOP_CODES.missingSignature,
      'Missing signature',
    );
  const signable = Object.fromEntries(params);
  const expected = topStyle
    ? signTop(appSecret, signable, isTopSignMethod(signMethod) ? signMethod : 'md5')
    : signIop(appSecret, apiName, signable);
  if (!signaturesEqual(sign, expected)) {
    return gatewayError(
      IOP_CODES.signature,
      'The request signature does not conform to platform standards',
      TOP_CODES.invalidSignature,
      'Invalid signature',
    );
  }
  return undefined;
}

/** The seller's token (a pasted one, or one `auth` issued and not expired), then flow control per app key. */
function checkSession(
  config: GatewayCheck,
  key: string,
  params: Map<string, string>,
  requestTime: number,
): GatewayError | undefined {
  const { accessTokens, auth } = config;
  // The official SDKs send the seller token as `session`; the AliExpress docs call it `access_token`.
  const token = params.get('session') ?? params.get('access_token');
  if (!token)
    return gatewayError(
      IOP_CODES.accessToken,
      'The access token is missing',
      TOP_CODES.missingSession,
      'Missing session',
    );
  const issued = auth.accessTokenValid(token, requestTime);
  if (issued === false || (issued === undefined && accessTokens.size > 0 && !accessTokens.has(token))) {
    return gatewayError(
      IOP_CODES.accessToken,
      'The specified access token is invalid or expired',
      TOP_CODES.invalidSession,
      'Invalid session',
    );
  }

  if (config.maxRequestsPerSecond !== undefined) {
    const second = Math.floor(requestTime / 1000);
    const bucket = config.perAppSecond.get(key);
    if (!bucket || bucket.second !== second) config.perAppSecond.set(key, { second, count: 1 });
    else if (++bucket.count > config.maxRequestsPerSecond) return flowControl(1);
  }
  return undefined;
}

export function missing(name: string): { error: GatewayError } {
  return {
    error: gatewayError(
      IOP_CODES.missingParameter,
      `The input parameter "${name}" that is mandatory for processing this request is not supplied`,
      TOP_CODES.missingRequiredArguments,
      `Missing required arguments:${name}`,
    ),
  };
}
export function invalid(name: string, why: string): { error: GatewayError } {
  return {
    error: gatewayError(
      IOP_CODES.invalidParameter,
      `${name}: ${why}`,
      TOP_CODES.invalidArguments,
      `Invalid arguments:${name}`,
      {
        sub_code: 'isv.invalid-parameter',
        sub_msg: `${name}: ${why}`,
      },
    ),
  };
}
export function requestTimestampOf(params: Map<string, string>): number | undefined {
  const text = params.get('timestamp');
  if (!text) return undefined;
  return parseTopTimestamp(text) ?? parseIopTimestamp(text);
}

export function gatewayErrorBody(gateway: Gateway, error: GatewayError, id: string): Record<string, unknown> {
  if (gateway === 'top') return { error_response: { ...error.top, request_id: id } };
  if (gateway === 'rest')
    return { type: error.iop.type, code: error.iop.code, message: error.iop.message, request_id: id };
  return { error_response: { type: error.iop.type, code: error.iop.code, msg: error.iop.message, request_id: id } };
}

/** An injected documented body with this request's id, wherever the shape keeps it. */
export function withRequestId(body: Record<string, unknown>, id: string): Record<string, unknown> {
  const wrapped = body.error_response;
  if (wrapped && typeof wrapped === 'object')
    return { ...body, error_response: { ...(wrapped as Record<string, unknown>), request_id: id } };
  return { ...body, request_id: id };
}

/** The API a `/rest` request names: its path after `/rest`, or (the Python SDK's form) its `method` parameter. */
export function restApiName(url: URL, params: Map<string, string>): string | undefined {
  const fromPath = url.pathname.slice(IOP_REST_PREFIX.length);
  return fromPath || params.get('method') || undefined;
}
