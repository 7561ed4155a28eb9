/**
 * The carrier protocols shipby speaks, each an adapter folder (Karrio's shape): `yunexpress/` (YunExpress OMS API
 * v1, which the sample carrier speaks too) and `fourpx/` (4PX Open Platform). `adapterFor` builds the adapter of a
 * stored carrier account, its secret already decrypted (app/carrier-contracts.ts).
 */
import { createFourPxCarrier } from './fourpx/adapter';
import type { CarrierAdapter } from './types';
import { createYunExpressCarrier } from './yunexpress/adapter';

export const CARRIER_PROTOCOLS = ['yunexpress', '4px'] as const;
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
      return createYunExpressCarrier({ baseUrl: connection.baseUrl, customerCode: connection.accountId, apiSecret: connection.secret, timeoutMs: connection.timeoutMs });
    case '4px':
      return createFourPxCarrier({ baseUrl: connection.baseUrl, appKey: connection.accountId, appSecret: connection.secret, timeoutMs: connection.timeoutMs });
    default:
      throw new RangeError(`unknown carrier protocol "${connection.protocol}" (known: ${CARRIER_PROTOCOLS.join(', ')})`);
  }
}
