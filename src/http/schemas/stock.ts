/** Stock beyond its levels (http/routes/stock.ts): the ledger, what to reorder, adjustments and purchase orders. */
import { anyValue, bool, items, list, num, numOrNull, object, ref, str, strOrNull } from './common';

/** A movement of the stock ledger (store/schema-stock.ts stock_movements). */
const StockMovement = object({
  id: num,
  at: strOrNull,
  warehouse_id: str,
  sku: str,
  kind: str,
  on_hand_delta: num,
  reserved_delta: num,
  reason: strOrNull,
  order_id: numOrNull,
  purchase_order_id: numOrNull,
  actor: str,
  note: strOrNull,
});

/** What to reorder per SKU and warehouse (core/inventory.ts ReplenishmentLine). */
const ReplenishmentItem = object({
  sku: str,
  warehouseId: str,
  unitsSold: num,
  windowDays: num,
  leadDays: num,
  safetyDays: num,
  cycleDays: num,
  onHand: num,
  reserved: num,
  incoming: num,
  backlog: num,
  earliestBlockedDeadline: strOrNull,
  blockedOrders: num,
  dailySales: num,
  available: num,
  position: num,
  demandUntilArrival: num,
  suggest: bool,
  quantity: num,
  coverDays: numOrNull,
});

const PurchaseOrder = object({
  id: num,
  warehouse_id: str,
  supplier: str,
  reference: strOrNull,
  /** draft, ordered, received, cancelled. */
  status: str,
  expected_at: strOrNull,
  ordered_at: strOrNull,
  received_at: strOrNull,
  cancelled_at: strOrNull,
  lines: list(object({ sku: str, quantity: num, received_quantity: numOrNull })),
  created_at: strOrNull,
});

export const STOCK_SCHEMAS = { StockMovement, ReplenishmentItem, PurchaseOrder };

export const stockLedger = items(ref('StockMovement'));
export const replenishmentList = items(ref('ReplenishmentItem'));
/** The orders a stock change let through (app/stock-settle-types.ts SettleReport.served), as they are. */
const servedOrders = list(anyValue);
export const stockAdjusted = object({ on_hand: num, reserved: num, available: num, served_orders: servedOrders });
export const purchaseOrders = items(ref('PurchaseOrder'));
export const purchaseOrderCreated = object({ id: num, status: str });
export const purchaseOrderMoved = object({ status: str, served_orders: servedOrders });
