/**
 * What a stock settlement (app/stock-reservations.ts) is asked and answers: the intents per order, the stock
 * changes, the report; and the refusal of a change that would leave stock below zero or below what is reserved.
 */
import { localized, type Localized } from '../core/i18n';

export interface ConsumeItem {
  lineId: number;
  quantity: number;
}

/** What a partially shipped order held before its lines were replaced. */
export interface HeldUnits {
  platformSku: string;
  sku: string;
  warehouseId: string;
  quantity: number;
}

export type SettleIntent =
  /** Make the stock agree with the order's state (the default). */
  | { kind: 'settle' }
  | { kind: 'release'; reason: string }
  /** Shipping: all that is reserved, or the given units of some lines. */
  | { kind: 'consume'; items?: ConsumeItem[] }
  | { kind: 'carry'; held: HeldUnits[] };

export interface StockChange {
  warehouseId: string;
  sku: string;
  /** The counted quantity (stock import, stock-take) … */
  set?: number;
  /** … or a change (receipt, damage, found). */
  delta?: number;
  lowStockThreshold?: number;
  kind: 'import' | 'adjust' | 'receive';
  reason: string | null;
  note: string | null;
  purchaseOrderId: number | null;
  /** The file row, for the refusal. */
  row?: number;
}

export interface SettleRequest {
  orders?: Array<{ orderId: number; intent?: SettleIntent }>;
  changes?: StockChange[];
  /** Serve the orders waiting for SKUs whose free stock grows (default true). */
  serveWaiting?: boolean;
  /** SKUs whose free stock grew earlier in this transaction (e.g. lines replaced): serve their waiters too. */
  alsoServe?: string[];
}

export interface SettleReport {
  /** Orders that now hold their whole demand (targets and served waiters). */
  reserved: number[];
  /** Orders that wait for stock. */
  waiting: number[];
  /** Waiting orders this settlement served (a subset of `reserved`). */
  served: number[];
  releasedUnits: number;
  consumedUnits: number;
  alerts: number;
}

export interface StockRefusal {
  warehouseId: string;
  sku: string;
  row?: number;
  onHandAfter: number;
  reserved: number;
  holders: Array<{
    order_id: number;
    platform_order_id: string;
    shop_id: string;
    ship_by_at: number | null;
    quantity: number;
  }>;
}

/** A change would leave less on hand than is reserved; nothing was written. */
export class StockChangeRefused extends Error {
  constructor(readonly refusals: StockRefusal[]) {
    super(refusals.map((r) => refusalMessage(r).en).join('\n'));
    this.name = 'StockChangeRefused';
  }
}

export function refusalMessage(r: StockRefusal): Localized {
  if (r.holders.length === 0) {
    return localized(
      `${r.sku} at ${r.warehouseId}: the change would leave ${r.onHandAfter} on hand; stock cannot go below zero.`,
      `${r.warehouseId} 仓的 ${r.sku}：调整后在库为 ${r.onHandAfter}；库存不能小于零。`,
    );
  }
  const orders = r.holders.map((h) => h.platform_order_id);
  const list = orders.join(', ') + (r.holders.length >= 20 ? ', …' : '');
  return localized(
    `${r.sku} at ${r.warehouseId}: ${r.onHandAfter} on hand would be below the ${r.reserved} reserved for orders ${list}; cancel or ship them first.`,
    `${r.warehouseId} 仓的 ${r.sku}：调整后在库 ${r.onHandAfter} 件，低于订单 ${list} 已预留的 ${r.reserved} 件；请先取消或发出这些订单。`,
  );
}
