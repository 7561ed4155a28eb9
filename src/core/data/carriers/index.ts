/**
 * SAMPLE carrier services (illustrative prices, NOT contract rates), one per common AliExpress shipping method:
 * AliExpress Standard Shipping (Cainiao) with its economy and special lines, China Post Registered Air Mail,
 * ePacket, YunExpress, 4PX and a DHL-like express courier. Every entry has `sample: true`; a seller replaces them
 * by importing contract rates (validated with `parseCarrierService`).
 */
import type { CarrierService } from '../../carrier/types';
import { aliexpressStandard, cainiaoSpecialLine, cainiaoSuperEconomy } from './cainiao';
import { chinaPostRegistered, ePacket } from './china-post';
import { expressCourier } from './express';
import { fourPxStandard } from './fourpx';
import { yunExpressDirect } from './yunexpress';

export const SAMPLE_CARRIER_SERVICES: readonly CarrierService[] = [
  aliexpressStandard,
  cainiaoSuperEconomy,
  cainiaoSpecialLine,
  chinaPostRegistered,
  ePacket,
  yunExpressDirect,
  fourPxStandard,
  expressCourier,
];

export {
  aliexpressStandard,
  cainiaoSpecialLine,
  cainiaoSuperEconomy,
  chinaPostRegistered,
  ePacket,
  expressCourier,
  fourPxStandard,
  yunExpressDirect,
};
