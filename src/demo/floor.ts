/**
 * The demo's packing floor: the stations work the planner's queue during the shift (re-planned every half hour, or
 * when the queue runs dry); a packed order gets its label, is marked shipped (its upload queued) and its goods leave
 * the shelf; its parcel then waits for the carrier's collection.
 */
import { ConflictError } from '../app/errors';
import { getOrderDetail } from '../app/orders';
import { DEFAULT_PLAN_SETTINGS, planOpenOrders } from '../app/plan';
import { markParcelShipped } from '../app/shipments';
import { consumeOrderStock } from '../app/stock-reservations';
import { DEMO_PICKUPS, DEMO_SHIFT, DEMO_SHOP_ID, DEMO_STATIONS, DEMO_WAREHOUSE } from './catalogue';
import type { DemoCounters, DriverOptions } from './driver';
import type { CollectedParcel } from './hooks';
import { shiftStartOf } from './local-time';

const MINUTE_MS = 60_000;

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

export class PackingFloor {
  readonly #o: DriverOptions;
  readonly #counters: DemoCounters;
  readonly #stations: Station[];
  #queue: Job[] = [];
  #nextPlanAt = 0;
  #lastPlanAt = Number.NEGATIVE_INFINITY;
  #awaitingCollection: CollectedParcel[] = [];

  constructor(options: DriverOptions, counters: DemoCounters) {
    this.#o = options;
    this.#counters = counters;
    const now = options.clock.now();
    this.#stations = Array.from({ length: DEMO_STATIONS }, (_, i) => ({ id: `station-${i + 1}`, freeAt: now }));
  }

  /** The first plan is made at `now`. */
  planFrom(now: number): void {
    this.#nextPlanAt = now;
  }

  /** The parcels packed since the last collection, handed to the carrier. */
  collect(): CollectedParcel[] {
    return this.#awaitingCollection.splice(0);
  }

  /** Every station finishes what is done by `now` and takes the next order of the plan while the shift lasts. */
  async pack(now: number): Promise<void> {
    const shiftStart = shiftStartOf(now);
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

  /**
   * The next order of the planner's queue that can still be packed (re-planned every half hour, or when the queue
   * runs dry).
   */
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
    const work = await planOpenOrders(this.#o.ctx, {
      ...DEFAULT_PLAN_SETTINGS,
      shopIds: [DEMO_SHOP_ID],
      stations: DEMO_STATIONS,
      zone: DEMO_WAREHOUSE.timeZone,
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

  /**
   * Still to pack: accepted with its goods reserved, and no parcel yet. (A packed order stays awaiting_shipment until
   * the platform accepts its number, so the planner still lists it meanwhile.)
   */
  async #packable(orderId: number): Promise<boolean> {
    const { order, parcels } = await getOrderDetail(this.#o.ctx, orderId);
    return order.status === 'awaiting_shipment' && parcels.length === 0;
  }

  /** The packer is done: a label, the parcel marked shipped (its upload queued), the goods leave the shelf. */
  async #ship(station: Station, orderId: number): Promise<void> {
    const { order, parcels, lines } = await getOrderDetail(this.#o.ctx, orderId);
    if (order.status !== 'awaiting_shipment' || parcels.length > 0) {
      this.#counters.notShipped++;
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
      this.#o.ctx.now(),
    );
    const actor = `packer ${station.id}`;
    try {
      const shipped = await markParcelShipped(
        this.#o.ctx,
        {
          orderId,
          trackingNumber: label.trackingNumber,
          serviceName: label.serviceName,
          carrier: label.carrier,
          lastParcel: true,
        },
        actor,
      );
      await consumeOrderStock(this.#o.ctx, orderId, undefined, actor);
      const parcel = {
        parcelId: shipped.parcelId,
        trackingNumber: label.trackingNumber,
        carrier: label.carrier,
        destination: order.buyer_country,
      };
      this.#o.tracking.labelled(parcel, this.#o.ctx.now());
      this.#awaitingCollection.push(parcel);
      this.#counters.packed++;
    } catch (error) {
      // The platform closed or changed the order while it was on the bench (the sync brought it): nothing to ship.
      if (!(error instanceof ConflictError)) throw error;
      this.#counters.notShipped++;
    }
  }
}
