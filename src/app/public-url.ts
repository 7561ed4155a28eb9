/**
 * This server's public address (SHIPBY_PUBLIC_URL), as the seller's browser and the outside services that call it
 * reach it: the base of the AliExpress authorisation callback (aliexpress-app.ts) and of the tracking providers'
 * webhook addresses (the dashboard's Tracking providers). Unset, each falls back to the address the dashboard was
 * opened at.
 */
export const PUBLIC_URL_ENV = 'SHIPBY_PUBLIC_URL';

/** Whether a configured address is an http(s) one (SHIPBY_PUBLIC_URL here; the AliExpress addresses too). */
export function isHttpAddress(value: string): boolean {
  return /^https?:\/\/[^\s/]+/.test(value);
}

/** The configured public origin without a trailing slash; undefined when unset or not an http(s) address. */
export function publicUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[PUBLIC_URL_ENV]?.trim().replace(/\/+$/, '');
  return value && isHttpAddress(value) ? value : undefined;
}
