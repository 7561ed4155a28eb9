/**
 * The installation's AliExpress app (issue 15): its app key and secret, the platform's address, and this server's
 * public address (where the platform sends the seller back). They are configuration, not typed per shop: every
 * shop authorised through the consent page uses them. A missing one is named when an authorisation is attempted
 * (and by `serve` at start, as a warning: a server without shops to authorise runs without them).
 *
 * - SHIPBY_ALIEXPRESS_APP_KEY, SHIPBY_ALIEXPRESS_APP_SECRET: the app's, from the platform's app console.
 * - SHIPBY_ALIEXPRESS_GATEWAY_URL: the platform's origin (default https://api-sg.aliexpress.com): the `/sync` API,
 *   the `/rest` token calls and (unless SHIPBY_ALIEXPRESS_AUTH_URL says otherwise) the `/oauth/authorize` page.
 * - SHIPBY_PUBLIC_URL: this server as the seller's browser reaches it (the callback is `<it>/marketplace/aliexpress/callback`,
 *   registered as the app's callback URL); without it the dashboard's own address is used.
 */
import { localized } from '../core/i18n';
import { missingSettingMessage } from '../core/shop-authorisation';
import { DEFAULT_IOP_BASE_URL } from '../integrations/aliexpress/protocol';
import { ConflictError } from './errors';
import { isHttpAddress, PUBLIC_URL_ENV, publicUrlFromEnv } from './public-url';

export const APP_KEY_ENV = 'SHIPBY_ALIEXPRESS_APP_KEY';
export const APP_SECRET_ENV = 'SHIPBY_ALIEXPRESS_APP_SECRET';
const GATEWAY_URL_ENV = 'SHIPBY_ALIEXPRESS_GATEWAY_URL';
const AUTH_URL_ENV = 'SHIPBY_ALIEXPRESS_AUTH_URL';
export const CALLBACK_PATH = '/marketplace/aliexpress/callback';

export interface AliExpressApp {
  appKey: string;
  appSecret: string;
  /** The platform's origin (API and token calls); `undefined` in a row means the default. */
  gatewayUrl: string;
  /** Where the consent page is. */
  authUrl: string;
  /** This server's public origin, if configured. */
  publicUrl: string | undefined;
}

/** The installation's app, or a 409 naming the first missing variable. */
export function aliexpressAppFromEnv(env: NodeJS.ProcessEnv = process.env): AliExpressApp {
  const missing = missingAppSettings(env)[0];
  if (missing)
    throw new ConflictError('installation_setting_missing', missingSettingMessage(missing.variable, missing.what));
  const gatewayUrl = (env[GATEWAY_URL_ENV]?.trim() || DEFAULT_IOP_BASE_URL).replace(/\/+$/, '');
  for (const [variable, value] of [
    [GATEWAY_URL_ENV, gatewayUrl],
    [AUTH_URL_ENV, env[AUTH_URL_ENV]?.trim()],
    [PUBLIC_URL_ENV, env[PUBLIC_URL_ENV]?.trim()],
  ] as const) {
    if (value && !isHttpAddress(value)) {
      throw new ConflictError(
        'installation_setting_invalid',
        localized(
          `${variable} must be an http(s) address (it is ${value}).`,
          `${variable} 必须是 http(s) 地址（当前为 ${value}）。`,
        ),
      );
    }
  }
  return {
    appKey: env[APP_KEY_ENV]!.trim(),
    appSecret: env[APP_SECRET_ENV]!.trim(),
    gatewayUrl,
    authUrl: (env[AUTH_URL_ENV]?.trim() || gatewayUrl).replace(/\/+$/, ''),
    publicUrl: publicUrlFromEnv(env),
  };
}

/** The variables an authorisation needs that are not set (for `serve`'s start-up warning). */
export function missingAppSettings(
  env: NodeJS.ProcessEnv = process.env,
): Array<{ variable: string; what: ReturnType<typeof localized> }> {
  const out: Array<{ variable: string; what: ReturnType<typeof localized> }> = [];
  if (!env[APP_KEY_ENV]?.trim())
    out.push({ variable: APP_KEY_ENV, what: localized("the AliExpress app's app key", '速卖通应用的 App Key') });
  if (!env[APP_SECRET_ENV]?.trim())
    out.push({
      variable: APP_SECRET_ENV,
      what: localized("the AliExpress app's app secret", '速卖通应用的 App Secret'),
    });
  return out;
}

/** Where the platform sends the seller back: the public URL's callback, else the dashboard's own origin's. */
export function callbackUrl(app: AliExpressApp, requestOrigin?: string): string {
  const origin = app.publicUrl ?? requestOrigin?.replace(/\/+$/, '');
  if (!origin)
    throw new ConflictError(
      'installation_setting_missing',
      missingSettingMessage(
        PUBLIC_URL_ENV,
        localized(
          "this server's public address (where AliExpress sends the seller back)",
          '本服务器的公网地址（速卖通授权后返回的地址）',
        ),
      ),
    );
  return `${origin}${CALLBACK_PATH}`;
}
