/**
 * The simulated day: buyers order on the fake marketplace, the real sync pulls the orders in, stock is reserved
 * (or runs short and a purchase order brings more), packers work the planner's queue, labels are printed, tracking
 * numbers go out through the upload outbox, the carrier collects twice a day, and the deadline sweep warns.
 * Everything goes through the app's use cases with the simulated clock; the driver itself writes no SQL. The
 * driver keeps the day's rhythm; the buyers (buyers.ts), purchasing (purchasing.ts) and the packing floor (floor.ts)
 * are its parts.
 */
import { DateTime } from 'luxon';
import type { AppContext } from '../app/context';
import { runWarningSweep } from '../app/deadlines';
import { listOrders } from '../app/orders';
import { syncShopOrders } from '../app/order-sync';
import { adjustStock, defineSku, defineWarehouse, listPurchaseOrders } from '../app/stock';
import { outboxCounts } from '../app/upload-outbox';
import { localized, type Localized } from '../core/i18n';
import { OPEN_ORDER_STATES } from '../core/order';
import { HOUR_MS } from '../core/time';
import type { FakeAliExpressServer } from '../integrations/aliexpress/fake-server';
import { DemoBuyers } from './buyers';
import { DEMO_PICKUPS, DEMO_SHOP_ID, DEMO_SKUS, DEMO_WAREHOUSE } from './catalogue';
import type { SimClock } from './clock';
import { connectDemoShop } from './connect';
import { PackingFloor } from './floor';
import type { LabelHook, TrackingHook } from './hooks';
import { nextLocalTime } from './local-time';
import { DemoPurchasing } from './purchasing';

export interface DriverOptions {
  ctx: AppContext;
  clock: SimClock;
  fake: FakeAliExpressServer;
  masterKey: Buffer;
  /** Orders on an average day. */
  ordersPerDay: number;
  random: () => number;
  /** How long the supplier takes from a placed purchase order to its delivery. */
  supplierLeadMs: number;
  labels: LabelHook;
  tracking: TrackingHook;
  say: (line: Localized) => void;
  /** How often the sync runs (simulated). Default 5 minutes. */
  syncEveryMs?: number;
}

export interface DemoCounters {
  /** Orders created on the fake marketplace: the opening backlog, then the day's buyers. */
  backlogOrders: number;
  arrivedOrders: number;
  syncRuns: number;
  syncFailures: number;
  syncedNew: number;
  syncedUpdated: number;
  packed: number;
  /** Orders a packer could not ship after all (closed or changed on the platform meanwhile). */
  notShipped: number;
  collected: number;
  /** Carrier events recorded in shipby (first scans, transit, problems). */
  carrierEvents: number;
  warnings: number;
  purchaseOrdersPlaced: number;
  purchaseOrdersReceived: number;
  /** Waiting orders a received purchase order served. */
  ordersServedByReceipts: number;
  /** Step failures (the demo carries on; the test expects none). */
  errors: string[];
}

/** What the system holds at one instant, read through the app. */
export interface DemoSnapshot {
  at: number;
  orders: number;
  byStatus: Record<string, number>;
  /** Open orders due within 6 hours and not yet late. */
  dueSoon: number;
  /** Orders whose tracking number was not uploaded by their ship-by deadline (open past it, or closed by the platform). */
  late: number;
  uploadsDelivered: number;
  uploadsWaiting: number;
  uploadsDead: number;
  purchaseOrdersOpen: number;
  purchaseOrdersReceived: number;
}

const OPEN: readonly string[] = OPEN_ORDER_STATES;
const MINUTE_MS = 60_000;

export class DemoDriver {
  readonly counters: DemoCounters = {
    backlogOrders: 0,
    arrivedOrders: 0,
    syncRuns: 0,
    syncFailures: 0,
    syncedNew: 0,
    syncedUpdated: 0,
    packed: 0,
    notShipped: 0,
    collected: 0,
    carrierEvents: 0,
    warnings: 0,
    purchaseOrdersPlaced: 0,
    purchaseOrdersReceived: 0,
    ordersServedByReceipts: 0,
    errors: [],
  };
  readonly #o: DriverOptions;
  readonly #ctx: AppContext;
  readonly #zone = DEMO_WAREHOUSE.timeZone;
  readonly #buyers: DemoBuyers;
  readonly #purchasing: DemoPurchasing;
  readonly #floor: PackingFloor;
  #nextSyncAt = 0;
  #nextStockCheckAt = 0;
  #nextSweepAt = 0;
  #nextCollectionAt = 0;
  #nextReportAt = 0;
  #lastReportAt = Number.NaN;
  #ordersAtLastReport = 0;

  constructor(options: DriverOptions) {
    this.#o = options;
    this.#ctx = options.ctx;
    this.#buyers = new DemoBuyers(options, this.counters);
    this.#purchasing = new DemoPurchasing(options, this.counters);
    this.#floor = new PackingFloor(options, this.counters);
  }

  /** The shop, its marketplace connection (to the fake), the warehouse, the catalogue and its opening stock, and the backlog. */
  async setUp(): Promise<void> {
    const ctx = this.#ctx;
    const { fake } = this.#o;
    // Simulated time waits while the shop is authorised (at 1500× the 10-minute authorisation link would lapse).
    this.#o.clock.holdAt(this.#o.clock.now());
    await connectDemoShop(ctx, fake, this.#o.masterKey);
    await defineWarehouse(ctx, DEMO_WAREHOUSE);
    for (const sku of DEMO_SKUS) {
      await defineSku(ctx, { sku: sku.sku, name: sku.name, leadDays: 1, safetyDays: 1, cycleDays: 7 });
      await adjustStock(ctx, {
        warehouseId: DEMO_WAREHOUSE.id,
        sku: sku.sku,
        to: sku.openingStock,
        reason: 'counted',
        note: 'opening stock-take',
        actor: 'demo',
      });
    }
    this.#buyers.seedBacklog();
    const now = this.#o.clock.now();
    this.#buyers.startAt(now);
    this.#nextSyncAt = now;
    this.#floor.planFrom(now);
    this.#nextStockCheckAt = now;
    this.#nextSweepAt = now;
    this.#nextCollectionAt = nextLocalTime(now, DEMO_PICKUPS);
    this.#nextReportAt = now;
  }

  /** Runs the simulated day until `untilAt` (simulated), then stops the clock there; or until the signal fires. */
  async run(untilAt: number, signal: AbortSignal): Promise<void> {
    const { clock } = this.#o;
    while (!signal.aborted) {
      if (clock.now() >= untilAt) clock.freeze(untilAt);
      const now = clock.now();
      await this.step(now);
      if (clock.frozen) break;
      // Every simulated minute gets its step: the clock waits at the next one until this loop gets there.
      const next = Math.min((Math.floor(now / MINUTE_MS) + 1) * MINUTE_MS, untilAt);
      clock.holdAt(next);
      await clock.sleepUntil(next, signal);
    }
  }

  /** One pass: everything that is due by `now`, in the order it happens in a warehouse. */
  async step(now: number): Promise<void> {
    await this.#guard('arrivals', () => this.#buyers.arrivals(now));
    if (now >= this.#nextSyncAt) {
      this.#nextSyncAt = now + (this.#o.syncEveryMs ?? 5 * MINUTE_MS);
      await this.#guard('sync', () => this.#sync());
    }
    if (now >= this.#nextStockCheckAt) {
      this.#nextStockCheckAt = now + 15 * MINUTE_MS;
      await this.#guard('stock', () => this.#purchasing.run(now));
    }
    await this.#guard('packing', () => this.#floor.pack(now));
    if (now >= this.#nextCollectionAt) {
      const parcels = this.#floor.collect();
      this.#o.tracking.collected(parcels, this.#nextCollectionAt);
      this.counters.collected += parcels.length;
      this.#nextCollectionAt = nextLocalTime(now, DEMO_PICKUPS);
    }
    await this.#guard('tracking', async () => {
      this.counters.carrierEvents += await this.#o.tracking.flush(this.#ctx, now);
    });
    if (now >= this.#nextSweepAt) {
      this.#nextSweepAt = now + 5 * MINUTE_MS;
      await this.#guard('deadline sweep', async () => {
        this.counters.warnings += (await runWarningSweep(this.#ctx)).warned;
      });
    }
    if (now >= this.#nextReportAt) {
      this.#nextReportAt = (Math.floor(now / HOUR_MS) + 1) * HOUR_MS;
      await this.#guard('progress', () => this.report());
    }
  }

  /** Prints the progress line, unless one was printed for this very instant. */
  async report(): Promise<void> {
    const now = this.#ctx.now();
    if (now === this.#lastReportAt) return;
    this.#lastReportAt = now;
    this.#o.say(this.progressLine(await this.snapshot()));
  }

  async snapshot(): Promise<DemoSnapshot> {
    const ctx = this.#ctx;
    const now = ctx.now();
    const orders = await listOrders(ctx, { shopIds: [DEMO_SHOP_ID], sort: 'id', limit: 1_000_000 });
    const byStatus: Record<string, number> = {};
    let dueSoon = 0;
    let late = 0;
    for (const order of orders) {
      byStatus[order.status] = (byStatus[order.status] ?? 0) + 1;
      if (order.ship_by_at === null || order.status === 'cancelled') continue;
      if (order.ship_by_at < (order.tracking_uploaded_at ?? now)) late++;
      else if (OPEN.includes(order.status) && order.ship_by_at <= now + 6 * HOUR_MS) dueSoon++;
    }
    const uploads = (await outboxCounts(ctx)).filter((row) => row.kind === 'upload_tracking');
    const count = (statuses: string[]) =>
      uploads.filter((row) => statuses.includes(row.status)).reduce((sum, row) => sum + row.count, 0);
    const purchaseOrders = await listPurchaseOrders(ctx, { warehouseId: DEMO_WAREHOUSE.id, limit: 1000 });
    return {
      at: now,
      orders: orders.length,
      byStatus,
      dueSoon,
      late,
      uploadsDelivered: count(['delivered']),
      uploadsWaiting: count(['held', 'pending', 'in_flight']),
      uploadsDead: count(['dead']),
      purchaseOrdersOpen: purchaseOrders.filter((po) => po.status === 'ordered' || po.status === 'draft').length,
      purchaseOrdersReceived: purchaseOrders.filter((po) => po.status === 'received').length,
    };
  }

  /** The hourly line: the warehouse's local time, then the day so far. */
  progressLine(s: DemoSnapshot): Localized {
    const local = DateTime.fromMillis(s.at, { zone: this.#zone });
    const added = s.orders - this.#ordersAtLastReport;
    this.#ordersAtLastReport = s.orders;
    const n = (status: string) => s.byStatus[status] ?? 0;
    const shipped = n('shipped') + n('in_transit') + n('delivered') + n('completed');
    const closed = n('closed_unfulfilled');
    return localized(
      `${local.setLocale('en').toFormat('ccc HH:mm')} Shenzhen · ${s.orders} orders (+${added}) · ${n('new')} in review, ${n('awaiting_shipment')} to pack, ` +
        `${n('awaiting_stock')} waiting for stock · ${shipped} shipped, ${s.uploadsDelivered} numbers uploaded` +
        `${s.uploadsWaiting ? ` (${s.uploadsWaiting} queued)` : ''}${s.uploadsDead ? `, ${s.uploadsDead} dead-lettered` : ''} · ` +
        `${s.dueSoon} due within 6 h · ${s.late} late${closed ? ` (${closed} closed by the platform)` : ''} · ` +
        `purchase orders: ${s.purchaseOrdersOpen} on the way, ${s.purchaseOrdersReceived} received`,
      `${local.setLocale('zh-CN').toFormat('ccc HH:mm')} 深圳 · 订单 ${s.orders}（+${added}）· 风控中 ${n('new')}、待打包 ${n('awaiting_shipment')}、` +
        `缺货等待 ${n('awaiting_stock')} · 已发货 ${shipped}、已上传单号 ${s.uploadsDelivered}` +
        `${s.uploadsWaiting ? `（排队 ${s.uploadsWaiting}）` : ''}${s.uploadsDead ? `、死信 ${s.uploadsDead}` : ''} · ` +
        `6 小时内到期 ${s.dueSoon} · 逾期 ${s.late}${closed ? `（平台已关闭 ${closed}）` : ''} · ` +
        `采购单：在途 ${s.purchaseOrdersOpen}、已收货 ${s.purchaseOrdersReceived}`,
    );
  }

  async #sync(): Promise<void> {
    const report = await syncShopOrders(this.#ctx, DEMO_SHOP_ID, {
      masterKey: this.#o.masterKey,
      clientOptions: { now: this.#o.clock.now, timeoutMs: 10_000 },
      initialLookbackMs: 10 * 24 * HOUR_MS,
      actor: 'sync',
    });
    this.counters.syncRuns++;
    if (report.status === 'failed') {
      this.counters.syncFailures++;
      this.#o.say(
        localized(
          `sync failed (it runs again in a few minutes): ${report.error}`,
          `同步失败（几分钟后重试）：${report.error}`,
        ),
      );
      return;
    }
    this.counters.syncedNew += report.created;
    this.counters.syncedUpdated += report.updated;
    for (const skipped of report.skipped)
      this.counters.errors.push(`sync skipped ${skipped.orderId}: ${skipped.reason.en}`);
  }

  // ---- packing ----------------------------------------------------------------------------------------------

  // ---- time helpers -----------------------------------------------------------------------------------------

  async #guard(step: string, run: () => Promise<void> | void): Promise<void> {
    try {
      await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.counters.errors.push(`${step}: ${message}`);
      this.#o.say(localized(`${step} failed, the demo carries on: ${message}`, `${step} 出错，演示继续：${message}`));
    }
  }
}
