/**
 * `npm run demo`, fast: a few simulated hours at 1500× on a temp database, then what the day left behind is checked
 * through the app, the HTTP API and the fake marketplace's own records.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atRisk, explainOrder } from '../../src/app/deadlines';
import { contextAt } from '../../src/app/as-of';
import { situationsOf } from '../../src/app/order-situation';
import { DEFAULT_PLAN_SETTINGS, loadPlanProblem } from '../../src/app/plan';
import { sumByCurrency } from '../../web/src/format';
import { getOrderDetail, listOrders } from '../../src/app/orders';
import { listPurchaseOrders } from '../../src/app/stock';
import { DEMO_SHOP_ID } from '../../src/demo/catalogue';
import { startDemo, type RunningDemo } from '../../src/demo/run';
import type { OrderRow } from '../../src/store/schema';
import { tempDir } from '../support/backends';

// 08:00 in Shenzhen: the packers' shift starts with the demo.
const START = Date.UTC(2026, 10, 26, 0, 0);
const HOURS = 5;
const dir = tempDir();
const lines: string[] = [];
let demo: RunningDemo;
let orders: OrderRow[];
/** The session cookie the demo's sign-in link set (`shipby_session=…`). */
let cookie: string;

const testAllowList = process.env.SHIPBY_OUTBOUND_ALLOW;

beforeAll(async () => {
  // The demo names its own local servers to the outgoing-request guard: it runs without the tests' allow-list.
  delete process.env.SHIPBY_OUTBOUND_ALLOW;
  demo = await startDemo({
    speed: 1500,
    hours: HOURS,
    port: 0,
    startAt: START,
    seed: 7,
    databaseFile: path.join(dir, 'demo.db'),
    dashboardDir: path.join(dir, 'no-dashboard'),
    say: (line) => lines.push(line.en),
  });
  await demo.dayOver;
  // The clock stands still now, but the outbox worker still records what was already due: wait until it is quiet.
  let last = '';
  for (let quiet = 0; quiet < 4; ) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = JSON.stringify(await demo.snapshot());
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
  orders = await listOrders(demo.ctx, { shopIds: [DEMO_SHOP_ID], sort: 'id', limit: 100_000 });
  // Sign in as the demo's owner the way a browser does: open the printed one-time link, keep the cookie.
  const link = await fetch(demo.signInUrl!, { redirect: 'manual' });
  expect(link.status).toBe(303);
  expect(link.headers.get('location')).toBe('/');
  const setCookie = link.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Strict/i);
  cookie = setCookie.split(';')[0]!;
  expect(cookie).toMatch(/^shipby_session=./);
}, 90_000);

afterAll(async () => {
  await demo?.stop();
  process.env.SHIPBY_OUTBOUND_ALLOW = testAllowList;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the demo day', () => {
  it('ran the simulated hours on the injected clock, printed an hourly line, and no step failed', async () => {
    expect(demo.clock.frozen).toBe(true);
    // The clock stopped at the day's end exactly, however busy the machine (it waits for the driver's steps).
    expect(demo.clock.now()).toBe(START + HOURS * 3_600_000);
    expect(lines.some((line) => line.includes(demo.dashboardUrl))).toBe(true);
    // Sign-in is on: the dashboard's printed address carries the one-time sign-in link for the demo's owner.
    expect(demo.signInUrl).toMatch(new RegExp(`^${demo.dashboardUrl}auth/link\\?token=[\\w-]{20,}$`));
    expect(lines.some((line) => /^\s+dashboard\s+http:\/\/localhost:\d+\/auth\/link\?token=/.test(line))).toBe(true);
    // Labels come from the sample carrier (a local HTTP server), not a stand-in.
    expect(
      lines.some((line) => /^\s+labels\s+the sample carrier \(yunexpress http:\/\/127\.0\.0\.1:\d+\)/.test(line)),
    ).toBe(true);
    const hourly = lines.filter((line) => / Shenzhen · \d+ orders/.test(line));
    expect(hourly.length).toBeGreaterThanOrEqual(HOURS);
    // One line per simulated hour, stamped with the warehouse's local time (a busy machine may print it a minute late).
    for (const hour of ['09', '10', '11', '12'])
      expect(hourly.filter((line) => line.startsWith(`Thu ${hour}:`)).length).toBeGreaterThanOrEqual(1);
    expect(demo.driver.counters.errors).toEqual([]);
    const health = await fetch(`${demo.dashboardUrl}health`);
    expect(await health.json()).toMatchObject({ ok: true, database: 'sqlite' });
    // The link signed in the demo's owner: an owner of the demo's shop.
    const session = await fetch(`${demo.dashboardUrl}auth/session`, { headers: { cookie } });
    expect(await session.json()).toMatchObject({
      name: 'owner@demo.shipby.local',
      account_owner: true,
      shops: expect.arrayContaining([expect.objectContaining({ id: DEMO_SHOP_ID, role: 'owner' })]),
    });
  });

  it('brought the orders in through the sync from the fake marketplace: the backlog and the new buyers', async () => {
    const onPlatform = demo.fake.marketplace.orders;
    expect(demo.driver.counters.arrivedOrders).toBeGreaterThan(10);
    expect(orders.length).toBeGreaterThan(demo.driver.counters.backlogOrders + 10);
    for (const order of orders) expect(onPlatform.has(order.platform_order_id)).toBe(true);
    // Buyers who paid during the day, not only the opening backlog; their first event is the sync's.
    const newcomers = orders.filter((o) => o.paid_at >= START);
    expect(newcomers.length).toBeGreaterThan(10);
    const { timeline } = await getOrderDetail(demo.ctx, newcomers[0]!.id);
    expect(timeline[0]).toMatchObject({ kind: 'created', actor: 'sync' });
    // Every order the platform had long enough before the last sync reached shipby.
    const synced = new Set(orders.map((o) => o.platform_order_id));
    const stale = [...onPlatform.values()].filter(
      (o) => o.modifiedAt < demo.clock.now() - 10 * 60_000 && !synced.has(o.orderId),
    );
    expect(stale).toEqual([]);
  });

  it('shipped parcels and uploaded each tracking number exactly once, despite injected marketplace faults', async () => {
    const accepted = new Map<string, number>();
    for (const d of demo.fake.marketplace.declarations)
      if (d.accepted) accepted.set(d.logisticsNo, (accepted.get(d.logisticsNo) ?? 0) + 1);
    expect(accepted.size).toBeGreaterThanOrEqual(20);
    expect([...accepted.values()].every((count) => count === 1)).toBe(true);
    const uploaded = orders.filter((o) => o.tracking_uploaded_at !== null);
    expect(uploaded.length).toBeGreaterThanOrEqual(20);
    for (const order of uploaded) {
      const { parcels } = await getOrderDetail(demo.ctx, order.id);
      expect(parcels).toHaveLength(1);
      expect(accepted.get(parcels[0]!.tracking_number!)).toBe(1);
      expect(demo.fake.marketplace.orders.get(order.platform_order_id)!.status).toBe('WAIT_BUYER_ACCEPT_GOODS');
    }
    const snapshot = await demo.snapshot();
    expect(snapshot.uploadsDead).toBe(0);
    expect(snapshot.uploadsDelivered).toBe(uploaded.length);
    const stats = demo.fake.stats().outcomes;
    expect(stats.injectedServerError + stats.droppedAfterCommit).toBeGreaterThan(0);
  });

  it('handed the parcels to the carrier at the noon collection, and the sample tracking provider reported their events', async () => {
    expect(demo.driver.counters.collected).toBeGreaterThan(0);
    expect(demo.driver.counters.carrierEvents).toBeGreaterThan(0);
    // The parcels moved on: some delivered, some with a problem (a failed attempt, a loss, a return), not a wall
    // of identical rows on the Parcels screen.
    const states = (await demo.ctx.store.db.selectFrom('parcel_tracking').select('status').execute()).map(
      (r) => r.status,
    );
    expect(states.filter((s) => s === 'delivered').length).toBeGreaterThan(0);
    expect(
      states.filter(
        (s) =>
          s === 'delivery_failed' ||
          s === 'ready_for_pickup' ||
          s === 'lost_damaged' ||
          s === 'returning' ||
          s === 'returned',
      ).length,
    ).toBeGreaterThan(0);
    expect(new Set(states).size).toBeGreaterThanOrEqual(3);
  });

  it('let some orders go late, and says so in the verdict and the at-risk list', async () => {
    const now = demo.clock.now();
    const late = orders.filter((o) => o.ship_by_at !== null && o.ship_by_at < (o.tracking_uploaded_at ?? now));
    expect(late.length).toBeGreaterThan(0);
    expect((await demo.snapshot()).late).toBe(late.length);
    for (const order of late) {
      const { verdict } = await explainOrder(demo.ctx, order.id);
      expect(['late', 'shipped_late', 'closed', 'awaiting_count']).toContain(verdict.status);
    }
    // Orders still open are listed with their countdown and situation, to the signed-in owner only; those the
    // platform closed at their deadline are in no queue.
    const url = `${demo.dashboardUrl}orders?shop=${DEMO_SHOP_ID}&due_within=7d&status=new,awaiting_shipment,awaiting_stock,partially_shipped`;
    const signedOut = await fetch(url);
    expect(signedOut.status).toBe(401);
    expect(await signedOut.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    const response = await fetch(url, { headers: { cookie } });
    const atRisk = (await response.json()) as { items: Array<{ deadline: { situation: string } }> };
    expect(response.status).toBe(200);
    expect(atRisk.items.length).toBeGreaterThan(0);
    for (const item of atRisk.items)
      expect(['open', 'at_risk', 'will_miss', 'no_deadline']).toContain(item.deadline.situation);
    // The link was one-time: opening it again signs nobody in.
    const again = await fetch(demo.signInUrl!, { redirect: 'manual' });
    expect(again.status).toBe(401);
    await again.text();
  });

  it('ran short of a SKU and replenished it through a purchase order received later', async () => {
    const received = await listPurchaseOrders(demo.ctx, { status: 'received' });
    expect(received.length).toBeGreaterThan(0);
    const po = received[received.length - 1]!;
    expect(po.received_at! - po.ordered_at!).toBeGreaterThanOrEqual(3 * 3_600_000);
    expect(demo.driver.counters.ordersServedByReceipts).toBeGreaterThan(0);
    // An order that waited for the goods got them from the receipt and was shipped afterwards.
    let servedAndShipped = 0;
    for (const order of orders.filter((o) => o.tracking_uploaded_at !== null)) {
      const { timeline } = await getOrderDetail(demo.ctx, order.id);
      const waited = timeline.some((e) => e.action === 'wait_for_stock');
      const served = timeline.find((e) => e.action === 'reserve_stock');
      if (waited && served && served.at >= po.received_at!) servedAndShipped++;
    }
    expect(servedAndShipped).toBeGreaterThan(0);
  });

  it("tells one story at the end of the day and after it: no order waiting for stock that nothing brings reads on track, no closed or cancelled order is in a queue, and the at-risk totals are the situations' exposure", async () => {
    const end = demo.clock.now();
    let waitingWithNone = 0;
    for (const at of [end, end + 24 * 3_600_000, end + 72 * 3_600_000]) {
      const ctx = contextAt(demo.ctx, at);
      const situations = await situationsOf(demo.ctx, orders, at);
      const byId = new Map(situations.map((s) => [s.order.id, s]));
      for (const { order, facts, situation } of situations) {
        if (!situation || !facts.stock || facts.stock.expectedAt !== null) continue;
        waitingWithNone++;
        if (situation.inQueues) {
          expect({ order: order.platform_order_id, kind: situation.kind }).toEqual({
            order: order.platform_order_id,
            kind: 'will_miss',
          });
          expect(situation.verdict.status).not.toBe('on_track');
          expect(situation.verdict.recommended).not.toBe('ship_now');
        }
      }
      // The at-risk list (the app's and the dashboard's view over HTTP) holds no settled order.
      const listed = await atRisk(ctx, { shopIds: [DEMO_SHOP_ID], limit: 100_000 });
      for (const item of listed) {
        expect(['open', 'at_risk', 'will_miss', 'no_deadline']).toContain(item.situation);
        expect(byId.get(item.order.id)?.situation?.inQueues ?? true).toBe(true);
      }
      const view = await fetch(
        `${demo.dashboardUrl}orders?shop=${DEMO_SHOP_ID}&due_within=30d&at=${new Date(at).toISOString()}&status=new,awaiting_shipment,awaiting_stock,partially_shipped&limit=500`,
        { headers: { cookie } },
      );
      expect(view.status).toBe(200);
      for (const item of ((await view.json()) as { items: Array<{ id: number; deadline: { situation: string } }> })
        .items) {
        expect(['open', 'at_risk', 'will_miss', 'no_deadline']).toContain(item.deadline.situation);
      }
      // The at-risk totals are the sum of the exposure of every order its situation queues.
      const queued = situations.filter((s) => s.situation?.inQueues);
      expect(sumByCurrency(listed.map((i) => i.fineIfMissed))).toEqual(
        sumByCurrency(queued.map((s) => s.situation!.exposure)),
      );
      expect(
        listed
          .filter((i) => i.situation !== 'no_deadline')
          .map((i) => i.order.id)
          .sort((a, b) => a - b),
      ).toEqual(queued.map((s) => s.order.id).sort((a, b) => a - b));
      // The plan (the pack queue of each station) works only orders in the queues.
      const problem = await loadPlanProblem(ctx, { ...DEFAULT_PLAN_SETTINGS, shopIds: [DEMO_SHOP_ID] });
      for (const job of problem.input.jobs) {
        const s = byId.get(Number(job.id))!.situation!;
        expect(s.inQueues).toBe(true);
        expect(['closed', 'cancelled']).not.toContain(s.kind);
      }
    }
    // The day does leave orders waiting for stock nothing brings yet, so the first check is not vacuous.
    expect(waitingWithNone).toBeGreaterThan(0);
  });
});
