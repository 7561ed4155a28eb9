/**
 * The stock room's use cases, one transaction each, by capability: the catalogue — warehouses, SKUs, the
 * marketplace-SKU mapping — (stock-catalogue.ts), adjustments (stock-adjustments.ts), the screens' reads: levels,
 * ledger, shortages, replenishment (stock-views.ts), purchase orders (purchase-orders.ts); all re-exported here.
 * This file holds the low-stock alerts and the invariant audit. Reservations themselves are in
 * stock-reservations.ts.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema';
import * as stock from '../store/stock';
import * as stockReads from '../store/stock-reads';
import type { AppContext } from './context';

export { adjustStock, type AdjustmentInput } from './stock-adjustments';
export {
  defineSku,
  defineWarehouse,
  listMappings,
  listSkus,
  listWarehouses,
  mapPlatformSku,
  SKU_DEFAULTS,
  type SkuInput,
  type WarehouseInput,
} from './stock-catalogue';
export {
  listLedger,
  listShortages,
  listStock,
  replenishment,
  type ReplenishmentOptions,
  type Shortage,
} from './stock-views';
export {
  createPurchaseOrder,
  getPurchaseOrder,
  listPurchaseOrders,
  purchaseOrderAction,
  type PurchaseOrderInput,
} from './purchase-orders';

// ---------------------------------------------------------------------------------------------------------
// Alerts (the hook for the alert webhook) and the audit

/**
 * Low-stock alerts not yet delivered, oldest first. A deliverer (the alert webhook) claims a batch, sends it
 * and calls `markStockAlertsDelivered` in the same transaction; on PostgreSQL concurrent deliverers skip each
 * other's rows.
 */
export async function deliverStockAlerts(
  ctx: AppContext,
  /** Runs inside the claiming transaction (`trx`), so what it queues commits with the claim. */
  deliver: (alerts: Awaited<ReturnType<typeof stock.pendingAlerts>>, trx: Transaction<Database>) => Promise<void>,
  limit = 100,
): Promise<number> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const alerts = await stock.pendingAlerts(trx, limit, ctx.store.dialect === 'postgres' ? 'skip' : 'none');
    if (alerts.length === 0) return 0;
    await deliver(alerts, trx);
    await stock.markAlertsNotified(
      trx,
      alerts.map((a) => a.id),
      ctx.now(),
    );
    return alerts.length;
  });
}

export async function listStockAlerts(ctx: AppContext, limit = 100) {
  return ctx.store.db.selectFrom('stock_alerts').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

export interface StockAuditProblem {
  rule: string;
  detail: string;
}

/**
 * Checks the invariants: on_hand ≥ reserved ≥ 0 everywhere; every reserved unit belongs to one reservation
 * of an open order; the ledger sums to the stock; waiting orders say why and only they do.
 */
export async function auditStock(ctx: AppContext): Promise<StockAuditProblem[]> {
  const db = ctx.store.db;
  const problems: StockAuditProblem[] = [];
  const levels = await db.selectFrom('stock_levels').selectAll().execute();
  const key = (w: string, s: string) => `${w}/${s}`;
  const held = new Map((await stockReads.reservationTotals(db)).map((r) => [key(r.warehouse_id, r.sku), r.quantity]));
  const ledger = new Map((await stockReads.ledgerTotals(db)).map((r) => [key(r.warehouse_id, r.sku), r]));
  for (const l of levels) {
    const k = key(l.warehouse_id, l.sku);
    if (l.reserved < 0 || l.on_hand < l.reserved)
      problems.push({ rule: 'oversold', detail: `${k}: on_hand ${l.on_hand}, reserved ${l.reserved}` });
    if ((held.get(k) ?? 0) !== l.reserved)
      problems.push({
        rule: 'reservations',
        detail: `${k}: reserved ${l.reserved}, reservations hold ${held.get(k) ?? 0}`,
      });
    const sums = ledger.get(k) ?? { on_hand: 0, reserved: 0 };
    if (sums.on_hand !== l.on_hand || sums.reserved !== l.reserved) {
      problems.push({
        rule: 'ledger',
        detail: `${k}: stock ${l.on_hand}/${l.reserved}, ledger ${sums.on_hand}/${sums.reserved}`,
      });
    }
    held.delete(k);
    ledger.delete(k);
  }
  for (const [k, q] of held)
    problems.push({ rule: 'reservations', detail: `${k}: reservations hold ${q} with no stock row` });
  for (const r of await stockReads.strayReservations(db))
    problems.push({
      rule: 'stray_reservation',
      detail: `order ${r.order_id} is ${r.status} but holds ${r.quantity} × ${r.sku} at ${r.warehouse_id}`,
    });
  for (const o of await stockReads.inconsistentShortfalls(db)) {
    problems.push({
      rule: 'shortfall',
      detail:
        o.status === 'awaiting_stock'
          ? `order ${o.id} waits for stock without a recorded shortfall`
          : `order ${o.id} is ${o.status} but has a recorded shortfall`,
    });
  }
  return problems;
}
