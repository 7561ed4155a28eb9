/**
 * The demo's purchasing: a purchase order for every SKU short without enough on the way (what the waiting orders
 * need plus a day's sales, in cartons of 10), placed with the supplier and received when its lead time has passed;
 * goods nobody can supply are said once, and their orders wait.
 */
import { createPurchaseOrder, listShortages, purchaseOrderAction } from '../app/stock';
import { localized } from '../core/i18n';
import { DEMO_SKUS, DEMO_SUPPLIER, DEMO_WAREHOUSE } from './catalogue';
import type { DemoCounters, DriverOptions } from './driver';
import { localTime } from './local-time';

export class DemoPurchasing {
  readonly #o: DriverOptions;
  readonly #counters: DemoCounters;
  /** Purchase orders placed by the demo, with when the supplier delivers them. */
  #deliveries = new Map<number, number>();
  #unavailableNoted = new Set<string>();

  constructor(options: DriverOptions, counters: DemoCounters) {
    this.#o = options;
    this.#counters = counters;
  }

  /** Purchase orders the supplier delivers now; a purchase order for every SKU short without enough on the way. */
  async run(now: number): Promise<void> {
    for (const [id, deliverAt] of this.#deliveries) {
      if (deliverAt > now) continue;
      this.#deliveries.delete(id);
      const { report } = await purchaseOrderAction(this.#o.ctx, id, 'receive', { actor: 'warehouse' });
      this.#counters.purchaseOrdersReceived++;
      this.#counters.ordersServedByReceipts += report?.served.length ?? 0;
      this.#o.say(
        localized(
          `purchase order ${id} received: ${report?.served.length ?? 0} waiting orders now have their goods`,
          `采购单 ${id} 已收货：${report?.served.length ?? 0} 个缺货订单已备齐`,
        ),
      );
    }
    for (const shortage of await listShortages(this.#o.ctx)) {
      const sku = DEMO_SKUS.find((s) => s.sku === shortage.sku);
      if (!sku || shortage.warehouse_id !== DEMO_WAREHOUSE.id) continue;
      if (sku.unavailable) {
        if (!this.#unavailableNoted.has(sku.sku)) {
          this.#unavailableNoted.add(sku.sku);
          this.#o.say(
            localized(
              `${sku.sku} is short by ${shortage.short_by} and the supplier has none: its orders wait, and will miss their deadlines`,
              `${sku.sku} 缺货 ${shortage.short_by} 件，供应商也无货：相关订单只能等待，将会逾期`,
            ),
          );
        }
        continue;
      }
      const missing = shortage.short_by - shortage.incoming;
      if (missing <= 0) continue;
      // What the waiting orders need, plus a day's worth more, in cartons of 10.
      const dayOfSales = Math.ceil(
        (this.#o.ordersPerDay * sku.weight) / DEMO_SKUS.reduce((sum, s) => sum + s.weight, 0),
      );
      const quantity = Math.ceil((missing + dayOfSales) / 10) * 10;
      const deliverAt = now + this.#o.supplierLeadMs;
      const id = await createPurchaseOrder(this.#o.ctx, {
        warehouseId: DEMO_WAREHOUSE.id,
        supplier: DEMO_SUPPLIER,
        reference: `demo ${sku.sku}`,
        expectedAt: deliverAt,
        lines: [{ sku: sku.sku, quantity }],
      });
      await purchaseOrderAction(this.#o.ctx, id, 'place', { actor: 'buyer (purchasing)' });
      // The supplier's lead time runs from the moment the order was placed.
      this.#deliveries.set(id, Math.max(deliverAt, this.#o.ctx.now() + this.#o.supplierLeadMs));
      this.#counters.purchaseOrdersPlaced++;
      this.#o.say(
        localized(
          `${sku.sku} is short by ${shortage.short_by} (${shortage.orders.length} orders wait): purchase order ${id} for ${quantity} placed, due ${localTime(deliverAt, 'en')}`,
          `${sku.sku} 缺货 ${shortage.short_by} 件（${shortage.orders.length} 个订单等待）：已下采购单 ${id}，数量 ${quantity}，预计 ${localTime(deliverAt, 'zh-CN')} 到货`,
        ),
      );
    }
  }
}
