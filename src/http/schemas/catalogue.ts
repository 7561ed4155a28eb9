/** The first-run checklist, the catalogue (warehouses, SKUs) and stock (levels, shortages). */
import { SETUP_STEPS, type BlockedWork } from '../../core/setup-checklist';
import { bool, enumOf, items, list, mm3, num, numOrNull, object, orNull, ref, str, strOrNull } from './common';

const BLOCKED_WORK = ['orders', 'stock', 'packing', 'labels'] as const satisfies readonly BlockedWork[];

const SetupStatus = object({
  shop_id: strOrNull,
  complete: bool,
  steps: list(
    object({
      step: enumOf(SETUP_STEPS),
      done: bool,
      /** The dashboard route that sets it (`#/` + screen). */
      screen: str,
      blocks: list(enumOf(BLOCKED_WORK)),
      /** Optional: the setup is complete without it (the tracking provider). */
      optional: bool,
      missing: orNull(ref('Localized')),
    }),
  ),
});

const Warehouse = object({
  id: str,
  name: str,
  kind: str,
  country: strOrNull,
  time_zone: str,
  cutoff: str,
  next_cutoff_at: strOrNull,
});

const CatalogueSku = object({
  sku: str,
  name: str,
  dims_mm: orNull(mm3),
  weight_g: numOrNull,
  barcode: strOrNull,
  hs_code: strOrNull,
  customs_description: strOrNull,
  customs_value: orNull(ref('Money')),
  bin_location: strOrNull,
});

const StockRow = object({
  warehouse_id: str,
  sku: str,
  name: strOrNull,
  on_hand: num,
  reserved: num,
  available: num,
  incoming: num,
  waiting: num,
  low_stock_threshold: numOrNull,
  updated_at: strOrNull,
});

const Shortage = object({
  sku: str,
  /** Where the orders wait; null when no warehouse stocks the SKU at all. */
  warehouse_id: strOrNull,
  short_by: num,
  needed: num,
  available: num,
  incoming: num,
  earliest_ship_by_at: strOrNull,
  orders: list(
    object({
      order_id: num,
      platform_order_id: str,
      shop_id: str,
      ship_by_at: strOrNull,
      needed: num,
      missing: num,
    }),
  ),
});

export const CATALOGUE_SCHEMAS = { SetupStatus, Warehouse, CatalogueSku, StockRow, Shortage };

export const warehouseList = items(ref('Warehouse'));
export const catalogueSkus = items(ref('CatalogueSku'));
export const stockRows = items(ref('StockRow'));
export const shortageList = items(ref('Shortage'));

/** A marketplace SKU paired with seller SKUs: one component, or several for a bundle. */
const SkuMapping = object({ platform_sku: str, components: list(object({ sku: str, units: num })) });

export const CATALOGUE_EDIT_SCHEMAS = { SkuMapping };

export const shopCreated = object({ id: str });
export const warehouseSaved = object({ id: str });
export const skuMappings = items(ref('SkuMapping'));
export const skusImported = object({ rows: num });
export const stockImported = object({ rows: num, changed: num, unchanged: num, served_orders: num });
