/**
 * The carrier protocols shipby speaks, each an adapter folder (Karrio's shape): `yunexpress/` (YunExpress OMS API
 * v1, which the sample carrier speaks too), `fourpx/` (4PX Open Platform) and `aliexpress-online/` (the platform's
 * own online logistics, 线上发货 / Cainiao). `adapterFor` builds the adapter of a stored carrier account, its
 * secret already decrypted (app/carrier-contracts.ts); an `aliexpress-online` account has no URL or secret of its
 * own: it buys through the order's shop connection (app/carrier-accounts.ts builds it).
 */
import { createFourPxCarrier } from './fourpx/adapter';
import type { CarrierAdapter } from './types';
import { createYunExpressCarrier } from './yunexpress/adapter';

export const CARRIER_PROTOCOLS = ['yunexpress', '4px', 'aliexpress-online'] as const;
/** The protocol whose labels are bought through the shop's marketplace connection. */
export const MARKETPLACE_LOGISTICS_PROTOCOL = 'aliexpress-online';
export type CarrierProtocol = (typeof CARRIER_PROTOCOLS)[number];

export interface CarrierConnection {
  protocol: string;
  baseUrl: string;
  /** YunExpress: the customer code; 4PX: the app key. */
  accountId: string;
  /** YunExpress: the API secret; 4PX: the app secret. */
  secret: string;
  timeoutMs?: number;
}

export function isCarrierProtocol(value: string): value is CarrierProtocol {
  return (CARRIER_PROTOCOLS as readonly string[]).includes(value);
}

export function adapterFor(connection: CarrierConnection): CarrierAdapter {
  switch (connection.protocol) {
    case 'yunexpress':
      return createYunExpressCarrier({
        baseUrl: connection.baseUrl,
        customerCode: connection.accountId,
        apiSecret: connection.secret,
        timeoutMs: connection.timeoutMs,
      });
    case '4px':
      return createFourPxCarrier({
        baseUrl: connection.baseUrl,
        appKey: connection.accountId,
        appSecret: connection.secret,
        timeoutMs: connection.timeoutMs,
      });
    case MARKETPLACE_LOGISTICS_PROTOCOL:
      throw new RangeError(
        "aliexpress-online buys through the shop's marketplace connection: build it with createAliExpressOnlineCarrier",
      );
    default:
      throw new RangeError(
        `unknown carrier protocol "${connection.protocol}" (known: ${CARRIER_PROTOCOLS.join(', ')})`,
      );
  }
}
