/**
 * Tables of stock (migration 0003): the catalogue (products, seller SKUs, the marketplace-SKU mapping with
 * bundles), warehouses, stock per SKU and warehouse, reservations, waiting orders' shortfalls, the movement
 * ledger, low-stock alerts and purchase orders. Stock belongs to the seller (the database) and is shared
 * by its shops; the mapping is per shop.
 */
import type { Generated, Selectable } from 'kysely';

export interface WarehousesTable {
  id: string;
  name: string;
  /** `domestic` | `overseas`. */
  kind: string;
  country: string | null;
  time_zone: string;
  /** "HH:MM" in time_zone. */
  cutoff_time: string;
  created_at: number;
  updated_at: number;
  /** Migration 0009: the account that owns the warehouse. */
  account_id: Generated<string>;
}

export interface ProductsTable {
  id: string;
  name: string;
  created_at: number;
}

/** A seller SKU: the unit stock is counted in. Supplier lead time and the purchase rhythm drive replenishment. */
export interface SkusTable {
  sku: string;
  product_id: string | null;
  name: string;
  lead_days: number;
  safety_days: number;
  cycle_days: number;
  created_at: number;
  updated_at: number;
  /** Migration 0021: what customs need (null until set): HS code, the CN22 description, the value per unit. */
  hs_code: Generated<string | null>;
  customs_description: Generated<string | null>;
  customs_value: Generated<number | null>;
  customs_currency: Generated<string | null>;
  /** Migration 0027: where the SKU is kept in the warehouse (a bin, e.g. A-03-2); null until set. */
  bin_location: Generated<string | null>;
}

/** A marketplace SKU of a shop = `units` of a seller SKU; a bundle is several rows for one platform SKU. */
export interface SkuMappingsTable {
  shop_id: string;
  platform_sku: string;
  sku: string;
  units: number;
}

/** CHECK (reserved >= 0 AND on_hand >= reserved): never oversold, whatever the code does. */
export interface StockLevelsTable {
  warehouse_id: string;
  sku: string;
  on_hand: number;
  reserved: number;
  /** An alert is raised when what is free falls to or below it (0: when it runs out). */
  low_stock_threshold: number;
  updated_at: number;
}

/** Units held for one order line (one row per line and seller SKU); their sum per SKU and warehouse is `reserved`. */
export interface StockReservationsTable {
  id: Generated<number>;
  order_id: number;
  order_line_id: number;
  warehouse_id: string;
  sku: string;
  quantity: number;
  created_at: number;
}

/** What an order waiting for stock needs, per seller SKU, at the warehouse it waits on (null: none exists). */
export interface StockShortfallsTable {
  order_id: number;
  sku: string;
  warehouse_id: string | null;
  needed: number;
  missing: number;
  recorded_at: number;
}

/** The ledger: every change of on_hand or reserved, with why. Its sums per SKU and warehouse are the stock. */
export interface StockMovementsTable {
  id: Generated<number>;
  at: number;
  warehouse_id: string;
  sku: string;
  /** `import` | `adjust` | `reserve` | `release` | `ship` | `receive`. */
  kind: string;
  on_hand_delta: number;
  reserved_delta: number;
  /** adjust: `counted` | `damaged` | `found`; release: why (cancelled, lines changed, …). */
  reason: string | null;
  order_id: number | null;
  purchase_order_id: number | null;
  actor: string;
  note: string | null;
}

/**
 * Low-stock alerts as an outbox: written in the transaction that crossed the threshold; whatever delivers
 * them (the alert webhook) claims rows with notified_at null and sets it.
 */
export interface StockAlertsTable {
  id: Generated<number>;
  at: number;
  kind: string;
  warehouse_id: string;
  sku: string;
  available: number;
  threshold: number;
  data: string | null;
  notified_at: number | null;
}

export interface PurchaseOrdersTable {
  id: Generated<number>;
  warehouse_id: string;
  supplier: string;
  reference: string | null;
  /** core/purchase-order.ts: draft | ordered | received | cancelled. */
  status: string;
  expected_at: number | null;
  ordered_at: number | null;
  received_at: number | null;
  cancelled_at: number | null;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface PurchaseOrderLinesTable {
  id: Generated<number>;
  purchase_order_id: number;
  sku: string;
  quantity: number;
  received_quantity: number | null;
}

export interface StockTables {
  warehouses: WarehousesTable;
  products: ProductsTable;
  skus: SkusTable;
  sku_mappings: SkuMappingsTable;
  stock_levels: StockLevelsTable;
  stock_reservations: StockReservationsTable;
  stock_shortfalls: StockShortfallsTable;
  stock_movements: StockMovementsTable;
  stock_alerts: StockAlertsTable;
  purchase_orders: PurchaseOrdersTable;
  purchase_order_lines: PurchaseOrderLinesTable;
}

export type WarehouseRow = Selectable<WarehousesTable>;
export type SkuRow = Selectable<SkusTable>;
export type StockLevelRow = Selectable<StockLevelsTable>;
export type StockReservationRow = Selectable<StockReservationsTable>;
export type StockMovementRow = Selectable<StockMovementsTable>;
export type PurchaseOrderRow = Selectable<PurchaseOrdersTable>;
export type PurchaseOrderLineRow = Selectable<PurchaseOrderLinesTable>;
