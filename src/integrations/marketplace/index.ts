/**
 * The marketplace adapters (one folder each) behind the port (port.ts). AliExpress is the one there is.
 */
import { aliexpressPort } from './aliexpress/adapter';

export { aliexpressPort };
export type { MarketplacePort } from './port';

/**
 * Whether shipby sends the buyer a notice after an upload on this platform: only where the port has a message call
 * it can use. AliExpress has none (the reason is in aliexpress/adapter.ts), so no notice rows are queued for it.
 */
export function sendsBuyerNotices(platform: string): boolean {
  return platform !== 'aliexpress';
}
