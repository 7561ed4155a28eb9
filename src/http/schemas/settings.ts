/** The settings screens' answers: boxes, SKU sizes and the sender address (app/packing-catalog.ts), carrier services. */
import { bool, items, list, mm3, num, object, orNull, ref, str, strOrNull } from './common';

const Box = object({
  code: str,
  inner_mm: mm3,
  outer_mm: orNull(mm3),
  max_weight_g: num,
  tare_g: num,
  cost: ref('Money'),
  active: bool,
});

const SkuSize = object({
  sku: str,
  dims_mm: mm3,
  weight_g: num,
  barcode: strOrNull,
  batteries: str,
  liquids: bool,
});

const SenderAddress = object({
  shop_id: str,
  name: str,
  address_line1: str,
  address_line2: strOrNull,
  city: str,
  postcode: strOrNull,
  country: str,
  phone: strOrNull,
});

const CarrierService = object({
  code: str,
  carrier: str,
  name: ref('Localized'),
  logistics_class: str,
  currency: str,
  sample: bool,
  marketplace_service: strOrNull,
  zones: list(str),
});

export const SETTINGS_SCHEMAS = { Box, SkuSize, SenderAddress, CarrierService };

export const boxList = items(ref('Box'));
export const skuSizes = items(ref('SkuSize'));
export const senderAnswer = object({ sender: orNull(ref('SenderAddress')) });
export const carrierServices = object({ source: str, services: list(ref('CarrierService')) });
