/**
 * The planner's stored state on SQLite AND PostgreSQL: warehouse staffing, work estimates (set, then learned from
 * measured packing sessions), the stored plan returned while nothing changed and recomputed warm when orders,
 * packing or staffing change — the order being packed staying pinned first on its station.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { upsertOrders } from '../../src/app/orders';
import { refreshPlans } from '../../src/app/planning';
import { defineWarehouse } from '../../src/app/stock';
import { HOUR_MS } from '../../src/core/time';
import { buildServer } from '../../src/http/server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { jsonOrder } from '../support/stock';

const order = (
  id: string,
  extra: { handling_days?: number; lines?: Array<{ sku: string; quantity: number }> } = {},
) => ({
  order: jsonOrder(id, 'WAIT_SELLER_SEND_GOODS', extra.lines ?? [{ sku: 'A', quantity: 2 }], {
    paid_at: '2026-11-20T00:00:00Z',
    risk_passed_at: '2026-11-20T02:00:00Z',
    handling_days: extra.handling_days ?? 5,
  }),
  row: 1,
});

// Paid 2026-11-20, risk passed 02:00 UTC: the deadlines fall from 2026-11-24 on (the clock starts 2026-11-23 20:00,
// so every order is still open: an order past a regular-mode deadline is closed and no work).
const DEADLINE = Date.UTC(2026, 10, 25, 2);
type Queued = { platform_order_id: string; pinned: boolean; start: string; finish: string };

describe.each(backends)('planning state on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  const clock = manualClock(DEADLINE - 30 * HOUR_MS);
  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, clock);
    app = await buildServer(ctx, { authentication: false });
    await defineWarehouse(ctx, { id: 'wh1', kind: 'domestic', timeZone: 'Asia/Shanghai', cutoffTime: '17:00' });
    const batch = Array.from({ length: 10 }, (_, i) =>
      order(`W${i}`, { handling_days: 4 + (i % 3), lines: [{ sku: 'A', quantity: 1 + (i % 4) }] }),
    );
    await upsertOrders(ctx, 'plan-shop', batch, 'test');
  });
  afterAll(async () => {
    await app.close();
    await dispose();
  });

  it("stores a warehouse's staffing, refuses a bad one naming the field, and 404s an unknown warehouse", async () => {
    const before = (await app.inject({ method: 'GET', url: '/warehouses/wh1/staffing' })).json();
    expect(before).toMatchObject({
      warehouse_id: 'wh1',
      stored: false,
      pickups: ['17:00'],
      time_zone: 'Asia/Shanghai',
    });
    const put = await app.inject({
      method: 'PUT',
      url: '/warehouses/wh1/staffing',
      payload: {
        stations: 2,
        shifts: [
          { start: '09:00', end: '12:00' },
          { start: '13:00', end: '18:00' },
        ],
        pickups: ['17:00', '11:00'],
        hourly_cost: 10,
      },
    });
    expect(put.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/warehouses/wh1/staffing' })).json()).toMatchObject({
      stored: true,
      stations: 2,
      shifts: [
        { start: '09:00', end: '12:00' },
        { start: '13:00', end: '18:00' },
      ],
      pickups: ['11:00', '17:00'],
      hourly_cost: 10,
      weekdays: null,
    });
    const bad = await app.inject({
      method: 'PUT',
      url: '/warehouses/wh1/staffing',
      headers: { 'accept-language': 'zh-CN' },
      payload: { pickups: ['25:99'], time_zone: 'Mars/Base' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues.map((i: { path: string }) => i.path)).toEqual(['pickups[0]', 'time_zone']);
    expect(bad.json().error.issues[0].message).toMatch(/[\u4e00-\u9fff]/);
    expect((await app.inject({ method: 'GET', url: '/warehouses/nope/staffing' })).statusCode).toBe(404);
  });

  it('returns the stored plan while nothing changed, and recomputes it warm when orders change', async () => {
    const first = (await app.inject({ method: 'GET', url: '/plan?warehouse=wh1' })).json();
    expect(first.stored).toMatchObject({ warehouse_id: 'wh1', version: 1, recomputed: true, method: 'full' });
    expect(first.jobs).toBe(10);
    expect(first.stations).toHaveLength(2);
    const again = (await app.inject({ method: 'GET', url: '/plan?warehouse=wh1' })).json();
    expect(again.stored).toMatchObject({ version: 1, recomputed: false, fingerprint: first.stored.fingerprint });
    expect(again.stations).toEqual(first.stations);

    await upsertOrders(ctx, 'plan-shop', [order('W-new', { handling_days: 4 })], 'test');
    const changed = (await app.inject({ method: 'GET', url: '/plan?warehouse=wh1' })).json();
    expect(changed.stored).toMatchObject({ version: 2, recomputed: true, method: 'warm' });
    expect(changed.warm_start).toMatchObject({ used: true, kept: 10, inserted: 1 });
    expect(changed.total_penalty).toBeLessThanOrEqual(changed.warm_start.start_penalty);
    expect(
      changed.stations.flatMap((s: { queue: Queued[] }) => s.queue).map((j: Queued) => j.platform_order_id),
    ).toContain('W-new');

    // A what-if (staffing in the query) is planned afresh and not stored.
    const whatIf = (await app.inject({ method: 'GET', url: '/plan?warehouse=wh1&stations=1' })).json();
    expect(whatIf.stored).toBeNull();
    expect(whatIf.stations).toHaveLength(1);
    expect((await app.inject({ method: 'GET', url: '/plan?warehouse=wh1' })).json().stored).toMatchObject({
      version: 2,
      recomputed: false,
    });
  });

  it('recomputes when staffing changes or a packer starts an order, which then stays first on its station', async () => {
    await app.inject({ method: 'PUT', url: '/warehouses/wh1/staffing', payload: { hourly_cost: 20 } });
    const restaffed = (await app.inject({ method: 'GET', url: '/plan?warehouse=wh1' })).json();
    expect(restaffed.stored).toMatchObject({ version: 3, recomputed: true });

    const queued: Queued[] = restaffed.stations[1].queue;
    const last = queued[queued.length - 1]!;
    const id = (
      await store.db
        .selectFrom('orders')
        .select('id')
        .where('platform_order_id', '=', last.platform_order_id)
        .executeTakeFirstOrThrow()
    ).id;
    await store.db
      .insertInto('pack_sessions')
      .values({
        order_id: id,
        shop_id: 'plan-shop',
        status: 'scanning',
        current_parcel_id: null,
        station: 'station-1',
        packer: 'li',
        tolerance_bp: 500,
        tolerance_min_g: 20,
        started_at: clock.now(),
        updated_at: clock.now(),
        finished_at: null,
        version: 1,
      })
      .execute();
    const report = await refreshPlans(ctx);
    expect(report.plans).toEqual([
      expect.objectContaining({ warehouse_id: 'wh1', recomputed: true, version: 4, method: 'warm' }),
    ]);
    const pinned = (await app.inject({ method: 'GET', url: '/plan?warehouse=wh1' })).json();
    expect(pinned.stored).toMatchObject({ version: 4, recomputed: false });
    expect(pinned.stations[0].queue[0]).toMatchObject({ platform_order_id: last.platform_order_id, pinned: true });
    expect((await refreshPlans(ctx)).plans[0]).toMatchObject({ recomputed: false, version: 4 });
  });

  it("uses the seller's work estimate, then the one learned from measured packing sessions", async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/shops/plan-shop/work-estimate',
      payload: { minutes_per_order: 4, minutes_per_line: 1, minutes_per_unit: 0.5 },
    });
    expect(put.statusCode).toBe(200);
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/shops/nope/work-estimate',
          payload: { minutes_per_order: 4, minutes_per_line: 1, minutes_per_unit: 0.5 },
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/warehouses/wh1/work-estimate',
          payload: { minutes_per_order: -1, minutes_per_line: 1, minutes_per_unit: 0.5 },
        })
      ).statusCode,
    ).toBe(400);
    const set = (await app.inject({ method: 'GET', url: '/plan/estimates' }))
      .json()
      .items.find((e: { id: string }) => e.id === 'plan-shop');
    expect(set.in_force).toMatchObject({ source: 'shop', minutes_per_order: 4, sessions: 0 });

    // 20 finished sessions of the orders (1–4 units of one line): 2 min + 1.5 min per unit.
    const orders = await store.db
      .selectFrom('orders')
      .innerJoin('order_lines', 'order_lines.order_id', 'orders.id')
      .select(['orders.id', 'order_lines.quantity'])
      .where('orders.shop_id', '=', 'plan-shop')
      .execute();
    const t0 = clock.now() - 5 * HOUR_MS;
    for (let k = 0; k < 20; k++) {
      const o = orders[k % orders.length]!;
      const startedAt = t0 + k * 10 * 60_000;
      await store.db
        .insertInto('pack_sessions')
        .values({
          order_id: o.id,
          shop_id: 'plan-shop',
          status: 'done',
          current_parcel_id: null,
          station: 'station-2',
          packer: 'li',
          tolerance_bp: 500,
          tolerance_min_g: 20,
          started_at: startedAt,
          updated_at: startedAt,
          finished_at: startedAt + Math.round((2 + 1.5 * o.quantity) * 60_000),
          version: 1,
        })
        .execute();
    }
    const learned = (await app.inject({ method: 'GET', url: '/plan/estimates' }))
      .json()
      .items.find((e: { id: string }) => e.id === 'plan-shop');
    expect(learned.in_force).toMatchObject({ source: 'learned', sessions: 20 });
    expect(learned.in_force.minutes_per_order + learned.in_force.minutes_per_line).toBeCloseTo(2, 2);
    expect(learned.in_force.minutes_per_unit).toBeCloseTo(1.5, 2);
    // The estimate changed the work of every order: the stored plan is recomputed with it.
    const replanned = (await app.inject({ method: 'GET', url: '/plan?warehouse=wh1' })).json();
    expect(replanned.stored).toMatchObject({ recomputed: true });
    expect(replanned.estimates).toEqual([
      expect.objectContaining({ shop_id: 'plan-shop', source: 'learned', sessions: 20 }),
    ]);
  });
});
