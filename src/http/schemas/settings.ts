/** The settings screens' answers: boxes, SKU sizes and the sender address (app/packing-catalog.ts), carrier services. */
import { bool, items, list, mm3, num, object, open, orNull, ref, str, strOrNull } from './common';

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

/** A seller's carrier rule (core/carrier/rules.ts ShippingRule): when it applies, and the service it picks. */
const ShippingRule = object(
  {
    id: str,
    name: str,
    when: open(
      {
        countries: list(str),
        excludeCountries: list(str),
        minWeightG: num,
        maxWeightG: num,
        minValue: ref('Money'),
        maxValue: ref('Money'),
        skus: list(str),
        shops: list(str),
        buyerLogisticsClasses: list(str),
      },
      [
        'countries',
        'excludeCountries',
        'minWeightG',
        'maxWeightG',
        'minValue',
        'maxValue',
        'skus',
        'shops',
        'buyerLogisticsClasses',
      ],
    ),
    service: str,
  },
  ['name'],
);

/** The account a carrier's labels are bought with (app/carrier-accounts.ts): never its secret, only whether it is set. */
const CarrierAccount = object({
  carrier: str,
  protocol: str,
  base_url: strOrNull,
  account_id: str,
  /** `encrypted`, `missing`, or `not needed` (online logistics). */
  secret: str,
});

export const CARRIER_SCHEMAS = { ShippingRule, CarrierAccount };

export const shippingRules = items(ref('ShippingRule'));
export const carrierAccounts = items(ref('CarrierAccount'));
export const skuSizesSaved = object({ updated: num });
