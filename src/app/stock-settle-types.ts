/**
 * What a stock settlement (app/stock-settle.ts) is asked and answers: the intents per order, the stock
 * changes, the report; and the refusal of a change that would leave stock below zero or below what is reserved.
 */
import { localized, type Localized } from '../core/i18n';
import type { WarehouseStrategy } from '../core/inventory';
import type { SettleIntent, StockChange } from '../core/stock-settle';

// The intents, the changes and the report are the core's (core/stock-settle.ts: the plan is pure).
export type { ConsumeItem, HeldUnits, SettleIntent, SettleReport, StockChange } from '../core/stock-settle';

export interface SettleRequest {
  orders?: Array<{ orderId: number; intent?: SettleIntent }>;
  changes?: StockChange[];
  /** Serve the orders waiting for SKUs whose free stock grows (default true). */
  serveWaiting?: boolean;
  /** SKUs whose free stock grew earlier in this transaction (e.g. lines replaced): serve their waiters too. */
  alsoServe?: string[];
  /** Which warehouse serves an order (default: the deadline-first strategy, core/inventory.ts). */
  strategy?: WarehouseStrategy;
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
