/**
 * Request signing for the AliExpress Open Platform, both protocols (marketplace-rules.md §3.4).
 *
 * - IOP (new gateway, `api-sg.aliexpress.com`): HMAC-SHA256 over the sorted `name+value` pairs; the API path is
 *   prepended only for path-style (system) APIs such as `/auth/token/create`. Dotted business APIs are called
 *   through `/sync` with `method` as one of the sorted parameters, so nothing is prepended for them.
 * - TOP (legacy gateway, `/router/rest`): `md5` = MD5(secret + concat + secret), `hmac` = HMAC-MD5(secret, concat),
 *   `hmac-sha256` = HMAC-SHA256(secret, concat). Empty names and values are skipped.
 *
 * Both: parameter names sorted by UTF-16 code unit (plain `<`, never `localeCompare`), values as raw strings
 * (never URL-encoded), UTF-8 bytes, upper-case hex. Pure functions: no clock, no I/O.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type TopSignMethod = 'md5' | 'hmac' | 'hmac-sha256';
const TOP_SIGN_METHODS: readonly TopSignMethod[] = ['md5', 'hmac', 'hmac-sha256'];
/** The value the IOP SDK sends as `sign_method`. */
export const IOP_SIGN_METHOD = 'sha256';

/** A secret is normally text; the RFC test vectors use binary keys, hence bytes are accepted too. */
export type SigningSecret = string | Uint8Array;

export type SignableParams = Readonly<Record<string, string | undefined>>;

/** Code-unit order, which for the ASCII parameter names of these APIs is ASCII order. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `name1value1name2value2…` over every parameter except `sign`, sorted by name.
 * `skipEmpty` drops empty names and empty/undefined values (TOP rule); IOP keeps empty values as bare names,
 * like the official IOP SDK, so callers should simply not send empty parameters.
 */
export function canonicalParams(params: SignableParams, options: { skipEmpty: boolean }): string {
  const names = Object.keys(params)
    .filter((name) => name !== 'sign')
    .filter((name) => {
      if (!options.skipEmpty) return params[name] !== undefined;
      const value = params[name];
      return name !== '' && value !== undefined && value !== '';
    })
    .sort(compareCodeUnits);
  let text = '';
  for (const name of names) text += name + (params[name] ?? '');
  return text;
}

/** The exact message an IOP signature covers (exposed for diagnostics and tests; it never contains the secret). */
export function iopSigningMessage(apiName: string, params: SignableParams): string {
  const prefix = apiName.includes('/') ? apiName : '';
  return prefix + canonicalParams(params, { skipEmpty: false });
}

/** IOP signature: HMAC-SHA256(appSecret, [apiPath] + concat), upper-case hex. */
export function signIop(secret: SigningSecret, apiName: string, params: SignableParams): string {
  return createHmac('sha256', secret).update(iopSigningMessage(apiName, params), 'utf8').digest('hex').toUpperCase();
}

/** The exact message a TOP signature covers (before the md5 secret wrapping). */
export function topSigningMessage(params: SignableParams, rawBody?: string): string {
  return canonicalParams(params, { skipEmpty: true }) + (rawBody ?? '');
}

/** TOP signature with one of the three legacy methods, upper-case hex. */
export function signTop(
  secret: SigningSecret,
  params: SignableParams,
  method: TopSignMethod,
  rawBody?: string,
): string {
  const message = topSigningMessage(params, rawBody);
  switch (method) {
    case 'md5': {
      const secretBytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
      return createHash('md5')
        .update(Buffer.concat([secretBytes, Buffer.from(message, 'utf8'), secretBytes]))
        .digest('hex')
        .toUpperCase();
    }
    case 'hmac':
      return createHmac('md5', secret).update(message, 'utf8').digest('hex').toUpperCase();
    case 'hmac-sha256':
      return createHmac('sha256', secret).update(message, 'utf8').digest('hex').toUpperCase();
  }
}

export function isTopSignMethod(value: string | undefined): value is TopSignMethod {
  return value !== undefined && (TOP_SIGN_METHODS as readonly string[]).includes(value);
}

/**
 * Constant-time comparison of a received signature with the expected one. Case-insensitive on the hex digits,
 * since some clients send lower case; anything that is not the same length is simply unequal.
 */
export function signaturesEqual(received: string, expected: string): boolean {
  const a = Buffer.from(received.toUpperCase(), 'utf8');
  const b = Buffer.from(expected.toUpperCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
