/**
 * The demo's buyers on the fake marketplace: the backlog waiting when the day starts (the day's trouble first: goods
 * nobody can supply, thin stock, due soon), then every minute's orders drawn from the buyer markets, each with its
 * lines, address and risk review, as the platform would hold them.
 */
import type { FakeOrderSeed } from '../integrations/aliexpress/fake-marketplace';
import { HOUR_MS } from '../core/time';
import { BUYER_MARKETS, drawArrivals, type BuyerMarket } from './arrivals';
import { DEMO_HANDLING_DAYS, DEMO_SERVICES, DEMO_SKUS, type DemoSku } from './catalogue';
import type { DemoCounters, DriverOptions } from './driver';

const MINUTE_MS = 60_000;

export class DemoBuyers {
  readonly #o: DriverOptions;
  readonly #counters: DemoCounters;
  #lastMinute = 0;

  constructor(options: DriverOptions, counters: DemoCounters) {
    this.#o = options;
    this.#counters = counters;
  }

  /** Orders arrive from the minute after `now` on. */
  startAt(now: number): void {
    this.#lastMinute = Math.floor(now / MINUTE_MS);
  }

  /** Orders already waiting when the day starts, paid over the last days; a few are due within hours. */
  seedBacklog(): void {
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
      this.#counters.backlogOrders++;
    }
  }

  /** The orders of every minute that has fully passed since the last call. */
  arrivals(now: number): void {
    const lastMinute = Math.floor(now / MINUTE_MS) - 1; // the minute that has fully passed
    for (let minute = this.#lastMinute + 1; minute <= lastMinute; minute++) {
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
        this.#counters.arrivedOrders++;
      }
    }
    this.#lastMinute = Math.max(this.#lastMinute, lastMinute);
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
}
