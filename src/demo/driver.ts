/**
 * The simulated day: buyers order on the fake marketplace, the real sync pulls the orders in, stock is reserved
 * (or runs short and a purchase order brings more), packers work the planner's queue, labels are printed, tracking
 * numbers go out through the upload outbox, the carrier collects twice a day, and the deadline sweep warns.
 * Everything goes through the app's use cases with the simulated clock; the driver itself writes no SQL.
 */
import { DateTime } from 'luxon';
import type { AppContext } from '../app/context';
import { runWarningSweep } from '../app/deadlines';
import { ConflictError } from '../app/errors';
import { getOrderDetail, listOrders } from '../app/orders';
import { syncShopOrders } from '../app/order-sync';
import { DEFAULT_PLAN_SETTINGS, planOpenOrders } from '../app/plan';
import { markParcelShipped } from '../app/shipments';
import {
  adjustStock,
  createPurchaseOrder,
  defineSku,
  defineWarehouse,
  listPurchaseOrders,
  listShortages,
  purchaseOrderAction,
} from '../app/stock';
import { consumeOrderStock } from '../app/stock-reservations';
import { outboxCounts } from '../app/upload-outbox';
import { localized, type Localized } from '../core/i18n';
import { OPEN_ORDER_STATES } from '../core/order';
import { HOUR_MS } from '../core/time';
import type { FakeOrderSeed } from '../integrations/aliexpress/fake-marketplace';
import type { FakeAliExpressServer } from '../integrations/aliexpress/fake-server';
import { BUYER_MARKETS, drawArrivals, type BuyerMarket } from './arrivals';
import {
  DEMO_HANDLING_DAYS,
  DEMO_PICKUPS,
  DEMO_SERVICES,
  DEMO_SHIFT,
  DEMO_SHOP_ID,
  DEMO_SKUS,
  DEMO_STATIONS,
  DEMO_SUPPLIER,
  DEMO_WAREHOUSE,
  type DemoSku,
} from './catalogue';
import type { SimClock } from './clock';
import { connectDemoShop } from './connect';
import type { CollectedParcel, LabelHook, TrackingHook } from './hooks';

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

interface Job {
  orderId: number;
  processingMs: number;
}

interface Station {
  id: string;
  /** When the station last became free (simulated). */
  freeAt: number;
  job?: Job & { finishAt: number };
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
  readonly #stations: Station[];
  #queue: Job[] = [];
  #lastArrivalMinute = 0;
  #nextSyncAt = 0;
  #nextPlanAt = 0;
  #lastPlanAt = Number.NEGATIVE_INFINITY;
  #nextStockCheckAt = 0;
  #nextSweepAt = 0;
  #nextCollectionAt = 0;
  #nextReportAt = 0;
  #lastReportAt = Number.NaN;
  #ordersAtLastReport = 0;
  #awaitingCollection: CollectedParcel[] = [];
  /** Purchase orders placed by the demo, with when the supplier delivers them. */
  #deliveries = new Map<number, number>();
  #unavailableNoted = new Set<string>();

  constructor(options: DriverOptions) {
    this.#o = options;
    this.#ctx = options.ctx;
    const now = options.clock.now();
    this.#stations = Array.from({ length: DEMO_STATIONS }, (_, i) => ({ id: `station-${i + 1}`, freeAt: now }));
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
    this.#seedBacklog();
    const now = this.#o.clock.now();
    this.#lastArrivalMinute = Math.floor(now / MINUTE_MS);
    this.#nextSyncAt = now;
    this.#nextPlanAt = now;
    this.#nextStockCheckAt = now;
    this.#nextSweepAt = now;
    this.#nextCollectionAt = this.#nextLocalTime(now, DEMO_PICKUPS);
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
    await this.#guard('arrivals', () => this.#arrivals(now));
    if (now >= this.#nextSyncAt) {
      this.#nextSyncAt = now + (this.#o.syncEveryMs ?? 5 * MINUTE_MS);
      await this.#guard('sync', () => this.#sync());
    }
    if (now >= this.#nextStockCheckAt) {
      this.#nextStockCheckAt = now + 15 * MINUTE_MS;
      await this.#guard('stock', () => this.#stock(now));
    }
    await this.#guard('packing', () => this.#pack(now));
    if (now >= this.#nextCollectionAt) {
      const parcels = this.#awaitingCollection.splice(0);
      this.#o.tracking.collected(parcels, this.#nextCollectionAt);
      this.counters.collected += parcels.length;
      this.#nextCollectionAt = this.#nextLocalTime(now, DEMO_PICKUPS);
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

  // ---- arrivals ---------------------------------------------------------------------------------------------

  /** Orders already waiting when the day starts, paid over the last days; a few are due within hours. */
  #seedBacklog(): void {
    const now = this.#o.clock.now();
    const random = this.#o.random;
    const count = Math.max(12, Math.round(this.#o.ordersPerDay * 0.2));
    const unavailable = DEMO_SKUS.filter((s) => s.unavailable);
    const thin = DEMO_SKUS.filter((s) => !s.unavailable && s.openingStock < 20);
    for (let i = 0; i < count; i++) {
      // The first few are the day's trouble on purpose: goods nobody can supply, and thin stock, due soon.
      const forced: DemoSku[] | undefined =
        i < 3 && unavailable.length
          ? [unavailable[i % unavailable.length]!]
          : i < 7 && thin.length
            ? [thin[i % thin.length]!]
            : undefined;
      const dueAt = forced ? now + (1.5 + i * 1.25) * HOUR_MS : now + (0.75 + random() * 60) * HOUR_MS;
      const handlingDays = this.#pick(DEMO_HANDLING_DAYS);
      const riskPassedAt = dueAt - handlingDays * 24 * HOUR_MS;
      const paidAt = riskPassedAt - Math.round((5 + random() * 40) * MINUTE_MS);
      const market = this.#pickMarket();
      this.#addOrder(market, {
        paidAt,
        riskPassedAt,
        handlingDays,
        status: 'WAIT_SELLER_SEND_GOODS',
        modifiedAt: riskPassedAt,
        skus: forced,
        units: forced ? 2 : undefined,
      });
      this.counters.backlogOrders++;
    }
  }

  #arrivals(now: number): void {
    const lastMinute = Math.floor(now / MINUTE_MS) - 1; // the minute that has fully passed
    for (let minute = this.#lastArrivalMinute + 1; minute <= lastMinute; minute++) {
      const start = minute * MINUTE_MS;
      for (const market of drawArrivals(start, this.#o.ordersPerDay, this.#o.random)) {
        const paidAt = start + Math.floor(this.#o.random() * MINUTE_MS);
        // Most orders pass the risk review within half an hour; some are held for hours.
        const review =
          this.#o.random() < 0.88 ? (3 + this.#o.random() * 27) * MINUTE_MS : (1 + this.#o.random() * 3) * HOUR_MS;
        // Never in the past of the platform's clock: the sync's window must see the change when it happens.
        const riskPassedAt = Math.max(paidAt + Math.round(review), now + 30_000);
        this.#addOrder(market, {
          paidAt,
          riskPassedAt,
          handlingDays: this.#pick(DEMO_HANDLING_DAYS),
          status: 'RISK_CONTROL',
          modifiedAt: now,
        });
        this.counters.arrivedOrders++;
      }
    }
    this.#lastArrivalMinute = Math.max(this.#lastArrivalMinute, lastMinute);
  }

  #addOrder(
    market: BuyerMarket,
    o: {
      paidAt: number;
      riskPassedAt: number;
      handlingDays: number;
      status: string;
      modifiedAt: number;
      skus?: DemoSku[];
      units?: number;
    },
  ): void {
    const random = this.#o.random;
    const lineCount = o.skus ? o.skus.length : random() < 0.7 ? 1 : random() < 0.85 ? 2 : 3;
    const skus = o.skus ?? [];
    while (skus.length < lineCount) {
      const sku = this.#pickSku();
      if (!skus.includes(sku)) skus.push(sku);
    }
    const seed: FakeOrderSeed = {
      status: o.status,
      created_at: o.paidAt - 20_000,
      paid_at: o.paidAt,
      risk_passed_at: o.riskPassedAt,
      modified_at: o.modifiedAt,
      handling_days: o.handlingDays,
      freight_commit_days: 45,
      currency: 'USD',
      logistics_service: this.#pick(DEMO_SERVICES),
      buyer: { country: market.country },
      address: {
        country: market.country,
        city: market.city,
        province: market.province,
        postcode: market.postcode,
        phone_country: market.phoneCountry,
      },
      lines: skus.map((sku) => ({
        sku: sku.sku,
        quantity: o.units ?? (random() < 0.8 ? 1 : random() < 0.75 ? 2 : 3),
        unit_price: sku.unitPrice,
        product_name: sku.name,
      })),
    };
    this.#o.fake.marketplace.addOrder(seed, this.#o.fake.now());
  }

  // ---- sync, stock ------------------------------------------------------------------------------------------

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

  /** Purchase orders the supplier delivers now; a purchase order for every SKU short without enough on the way. */
  async #stock(now: number): Promise<void> {
    for (const [id, deliverAt] of this.#deliveries) {
      if (deliverAt > now) continue;
      this.#deliveries.delete(id);
      const { report } = await purchaseOrderAction(this.#ctx, id, 'receive', { actor: 'warehouse' });
      this.counters.purchaseOrdersReceived++;
      this.counters.ordersServedByReceipts += report?.served.length ?? 0;
      this.#o.say(
        localized(
          `purchase order ${id} received: ${report?.served.length ?? 0} waiting orders now have their goods`,
          `采购单 ${id} 已收货：${report?.served.length ?? 0} 个缺货订单已备齐`,
        ),
      );
    }
    for (const shortage of await listShortages(this.#ctx)) {
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
      const id = await createPurchaseOrder(this.#ctx, {
        warehouseId: DEMO_WAREHOUSE.id,
        supplier: DEMO_SUPPLIER,
        reference: `demo ${sku.sku}`,
        expectedAt: deliverAt,
        lines: [{ sku: sku.sku, quantity }],
      });
      await purchaseOrderAction(this.#ctx, id, 'place', { actor: 'buyer (purchasing)' });
      // The supplier's lead time runs from the moment the order was placed.
      this.#deliveries.set(id, Math.max(deliverAt, this.#ctx.now() + this.#o.supplierLeadMs));
      this.counters.purchaseOrdersPlaced++;
      this.#o.say(
        localized(
          `${sku.sku} is short by ${shortage.short_by} (${shortage.orders.length} orders wait): purchase order ${id} for ${quantity} placed, due ${this.#localTime(deliverAt, 'en')}`,
          `${sku.sku} 缺货 ${shortage.short_by} 件（${shortage.orders.length} 个订单等待）：已下采购单 ${id}，数量 ${quantity}，预计 ${this.#localTime(deliverAt, 'zh-CN')} 到货`,
        ),
      );
    }
  }

  // ---- packing ----------------------------------------------------------------------------------------------

  async #pack(now: number): Promise<void> {
    const shiftStart = this.#shiftStartOf(now);
    for (const station of this.#stations) {
      for (;;) {
        if (station.job) {
          if (station.job.finishAt > now) break;
          const done = station.job;
          station.job = undefined;
          station.freeAt = done.finishAt;
          await this.#ship(station, done.orderId);
          continue;
        }
        if (shiftStart === undefined) {
          station.freeAt = now;
          break;
        }
        const job = await this.#nextJob(now);
        if (!job) {
          station.freeAt = now;
          break;
        }
        const startAt = Math.max(station.freeAt, shiftStart);
        station.job = { ...job, finishAt: startAt + job.processingMs };
      }
    }
  }

  /** The next order of the planner's queue that can still be packed (re-planned every half hour, or when the queue runs dry). */
  async #nextJob(now: number): Promise<Job | undefined> {
    if (now >= this.#nextPlanAt || (this.#queue.length === 0 && now >= this.#lastPlanAt + 5 * MINUTE_MS)) {
      await this.#plan(now);
    }
    while (this.#queue.length) {
      const job = this.#queue.shift()!;
      if (this.#stations.some((s) => s.job?.orderId === job.orderId)) continue;
      if (await this.#packable(job.orderId)) return job;
    }
    return undefined;
  }

  async #plan(now: number): Promise<void> {
    this.#lastPlanAt = now;
    this.#nextPlanAt = now + 30 * MINUTE_MS;
    const work = await planOpenOrders(this.#ctx, {
      ...DEFAULT_PLAN_SETTINGS,
      shopIds: [DEMO_SHOP_ID],
      stations: DEMO_STATIONS,
      zone: this.#zone,
      shift: DEMO_SHIFT,
      pickups: DEMO_PICKUPS,
      horizonDays: 7,
      timeBudgetMs: 150,
    });
    this.#queue = work.plan.stations
      .flatMap((station) => station.queue)
      .sort((a, b) => a.start - b.start || a.position - b.position)
      .map((job) => ({ orderId: work.orders.get(job.jobId)!.id, processingMs: job.finish - job.start }));
  }

  /** The packer is done: a label, the parcel marked shipped (its upload queued), the goods leave the shelf. */
  /**
   * Still to pack: accepted with its goods reserved, and no parcel yet. (A packed order stays awaiting_shipment until
   * the platform accepts its number, so the planner still lists it meanwhile.)
   */
  async #packable(orderId: number): Promise<boolean> {
    const { order, parcels } = await getOrderDetail(this.#ctx, orderId);
    return order.status === 'awaiting_shipment' && parcels.length === 0;
  }

  async #ship(station: Station, orderId: number): Promise<void> {
    const { order, parcels, lines } = await getOrderDetail(this.#ctx, orderId);
    if (order.status !== 'awaiting_shipment' || parcels.length > 0) {
      this.counters.notShipped++;
      return;
    }
    const label = await this.#o.labels.createLabel(
      {
        orderId,
        platformOrderId: order.platform_order_id,
        buyerCountry: order.buyer_country,
        logisticsService: order.logistics_service,
        recipient: { name: order.buyer_name, line1: order.address_line1, city: order.city, postcode: order.postcode },
        units: lines.reduce((sum, line) => sum + line.quantity, 0),
        declaredValue: { amount: order.total_amount, currency: order.currency },
      },
      this.#ctx.now(),
    );
    const actor = `packer ${station.id}`;
    try {
      const shipped = await markParcelShipped(
        this.#ctx,
        {
          orderId,
          trackingNumber: label.trackingNumber,
          serviceName: label.serviceName,
          carrier: label.carrier,
          lastParcel: true,
        },
        actor,
      );
      await consumeOrderStock(this.#ctx, orderId, undefined, actor);
      const parcel = {
        parcelId: shipped.parcelId,
        trackingNumber: label.trackingNumber,
        carrier: label.carrier,
        destination: order.buyer_country,
      };
      this.#o.tracking.labelled(parcel, this.#ctx.now());
      this.#awaitingCollection.push(parcel);
      this.counters.packed++;
    } catch (error) {
      // The platform closed or changed the order while it was on the bench (the sync brought it): nothing to ship.
      if (!(error instanceof ConflictError)) throw error;
      this.counters.notShipped++;
    }
  }

  // ---- time helpers -----------------------------------------------------------------------------------------

  /** The start of the packing shift `now` falls in, or undefined outside the shift. */
  #shiftStartOf(now: number): number | undefined {
    const local = DateTime.fromMillis(now, { zone: this.#zone });
    const at = (hhmm: string) => {
      const [hour, minute] = hhmm.split(':').map(Number);
      return local.set({ hour: hour!, minute: minute!, second: 0, millisecond: 0 }).toMillis();
    };
    const start = at(DEMO_SHIFT.start);
    return now >= start && now < at(DEMO_SHIFT.end) ? start : undefined;
  }

  /** The first of the local times (HH:MM) strictly after `now`. */
  #nextLocalTime(now: number, times: readonly string[]): number {
    const local = DateTime.fromMillis(now, { zone: this.#zone }).startOf('day');
    const candidates: number[] = [];
    for (const day of [0, 1]) {
      for (const hhmm of times) {
        const [hour, minute] = hhmm.split(':').map(Number);
        candidates.push(local.plus({ days: day }).set({ hour: hour!, minute: minute! }).toMillis());
      }
    }
    return Math.min(...candidates.filter((t) => t > now));
  }

  #localTime(at: number, locale: 'en' | 'zh-CN'): string {
    return DateTime.fromMillis(at, { zone: this.#zone }).setLocale(locale).toFormat('ccc HH:mm');
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#o.random() * items.length)]!;
  }

  #pickMarket(): BuyerMarket {
    let roll = this.#o.random();
    for (const market of BUYER_MARKETS) {
      roll -= market.share;
      if (roll < 0) return market;
    }
    return BUYER_MARKETS[0]!;
  }

  #pickSku(): DemoSku {
    const total = DEMO_SKUS.reduce((sum, s) => sum + s.weight, 0);
    let roll = this.#o.random() * total;
    for (const sku of DEMO_SKUS) {
      roll -= sku.weight;
      if (roll < 0) return sku;
    }
    return DEMO_SKUS[0]!;
  }

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
