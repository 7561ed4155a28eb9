/**
 * A signed request for either gateway (pure): IOP posts every parameter form-encoded to `<base>/sync?method=<api>`
 * with an epoch-ms `timestamp` and `sign_method=sha256`; TOP posts to `<base>/router/rest` with a GMT+8
 * `yyyy-MM-dd HH:mm:ss` timestamp, `v=2.0` and md5 / hmac / hmac-sha256 signing. The seller token travels as
 * `session`, as the official SDKs send it.
 */
import type { AliExpressCredentials } from './client-types';
import { IOP_SYNC_PATH, TOP_PATH, formatTopTimestamp } from './protocol';
import { IOP_SIGN_METHOD, signIop, signTop, type TopSignMethod } from './signing';

export interface ResolvedGateway {
  protocol: 'iop' | 'top';
  baseUrl: string;
  signMethod: TopSignMethod;
}

export function signedRequest(
  gateway: ResolvedGateway,
  credentials: AliExpressCredentials,
  method: string,
  businessParams: Readonly<Record<string, string | undefined>>,
  timestamp: number,
): { url: string; body: string } {
  const { appKey, appSecret, accessToken } = credentials;
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(businessParams)) {
    if (value !== undefined && value !== '') params[name] = value;
  }
  params.method = method;
  params.app_key = appKey;
  params.session = accessToken;
  params.format = 'json';
  if (gateway.protocol === 'iop') {
    params.timestamp = String(timestamp);
    params.sign_method = IOP_SIGN_METHOD;
    params.sign = signIop(appSecret, method, params);
    const url = `${gateway.baseUrl}${IOP_SYNC_PATH}?method=${encodeURIComponent(method)}`;
    return { url, body: new URLSearchParams(params).toString() };
  }
  params.timestamp = formatTopTimestamp(timestamp);
  params.v = '2.0';
  params.sign_method = gateway.signMethod;
  params.sign = signTop(appSecret, params, gateway.signMethod);
  return { url: `${gateway.baseUrl}${TOP_PATH}`, body: new URLSearchParams(params).toString() };
}
