/**
 * The at-risk screen's warehouse and carrier filters and the performance screen's fines, in a real browser:
 * Debian's Chromium driven by playwright-core against the real server (buildServer on a fresh SQLite file,
 * authentication ON, an owner who signs in). Four open orders: two with stock in warehouse SZ, one in MAD, one
 * without (not accepted yet); two with a parcel of one carrier, one of another. Choosing a warehouse, then a
 * carrier, lists exactly the matching orders. Two shipped orders give a fine paid (shipped late) and a fine avoided
 * (warned, then shipped in time), which the performance screen charts and totals. Screenshots in test-results/;
 * any console error fails.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/app/accounts';
import { listCarrierServices } from '../../src/app/carrier-contracts';
import type { AppContext } from '../../src/app/context';
import { sellerMetrics } from '../../src/app/deadlines';
import { defineSku, defineWarehouse } from '../../src/app/stock';
import { browserHooks, BrowserWorld } from '../support/browser';
import { addAwaitingOrder } from '../support/pack';

// The real clock: the session cookie's expiry (12 h from the server's now) must lie ahead for the browser to keep it.
const CLOCK_START = Math.floor(Date.now() / 60_000) * 60_000;
const HOUR = 3_600_000;
const OWNER = { email: 'owner@filters.test', password: 'correct horse battery staple' };

let world: BrowserWorld;
let ctx: AppContext;
let base: string;
let page: Page;
let carriers: [string, string];

const screenshot = (name: string) => world.screenshot(name);

const addOrder = (id: string, shipInHours: number) =>
  addAwaitingOrder(ctx, 'demo', id, { now: CLOCK_START, shipInHours, sku: 'GADGET-1' });

beforeAll(async () => {
  world = await BrowserWorld.open('dashboard-filters', { clockStart: CLOCK_START });
  ctx = world.ctx;
  const db = world.store.db;

  // Two carriers of the services in use (the sample services).
  const codes = [...new Set((await listCarrierServices(ctx)).services.map((s) => s.carrier))].sort();
  expect(codes.length).toBeGreaterThanOrEqual(2);
  carriers = [codes[0]!, codes[1]!];

  const ids: Record<string, number> = {};
  for (const [id, hours] of [
    ['FLT-1', 10],
    ['FLT-2', 20],
    ['FLT-3', 30],
    ['FLT-4', 40],
  ] as const)
    ids[id] = await addOrder(id, hours);
  await defineWarehouse(ctx, {
    id: 'SZ',
    name: 'Shenzhen',
    kind: 'domestic',
    country: 'CN',
    timeZone: 'Asia/Shanghai',
    cutoffTime: '16:00',
  });
  await defineWarehouse(ctx, {
    id: 'MAD',
    name: 'Madrid',
    kind: 'overseas',
    country: 'ES',
    timeZone: 'Europe/Madrid',
    cutoffTime: '12:00',
  });
  await defineSku(ctx, { sku: 'GADGET-1', name: 'Gadget', productId: null, leadDays: 7, safetyDays: 3, cycleDays: 14 });
  // The stock the stock screen lists (so the warehouses are offered), and what each order holds or waits for:
  // FLT-1 and FLT-3 in SZ (FLT-3 waits there), FLT-2 in MAD, FLT-4 nothing.
  for (const warehouse of ['SZ', 'MAD']) {
    await db
      .insertInto('stock_levels')
      .values({
        warehouse_id: warehouse,
        sku: 'GADGET-1',
        on_hand: 10,
        reserved: 1,
        low_stock_threshold: 0,
        updated_at: CLOCK_START,
      })
      .execute();
  }
  const lineOf = async (id: string) =>
    db.selectFrom('order_lines').select(['id', 'sku']).where('order_id', '=', ids[id]!).executeTakeFirstOrThrow();
  for (const [id, warehouse] of [
    ['FLT-1', 'SZ'],
    ['FLT-2', 'MAD'],
  ] as const) {
    const line = await lineOf(id);
    await db
      .insertInto('stock_reservations')
      .values({
        order_id: ids[id]!,
        order_line_id: line.id,
        warehouse_id: warehouse,
        sku: line.sku,
        quantity: 1,
        created_at: CLOCK_START,
      })
      .execute();
  }
  await db
    .insertInto('stock_shortfalls')
    .values({
      order_id: ids['FLT-3']!,
      sku: 'GADGET-1',
      warehouse_id: 'SZ',
      needed: 1,
      missing: 1,
      recorded_at: CLOCK_START,
    })
    .execute();
  // Parcels: FLT-1 and FLT-2 labelled with the first carrier, FLT-3 with the second.
  for (const [id, carrier] of [
    ['FLT-1', carriers[0]],
    ['FLT-2', carriers[0]],
    ['FLT-3', carriers[1]],
  ] as const) {
    await db
      .insertInto('parcels')
      .values({
        order_id: ids[id]!,
        shop_id: 'demo',
        status: 'labelled',
        carrier,
        service: null,
        created_at: CLOCK_START,
        updated_at: CLOCK_START,
      })
      .execute();
  }

  // For the fines: FINE-LATE due 5 h ago and shipped 1 h ago (a fine paid); FINE-SAVED warned 3 h ago, shipped 1 h
  // ago, due in 10 h (a fine avoided).
  const late = await addOrder('FINE-LATE', -5);
  const saved = await addOrder('FINE-SAVED', 10);
  const shippedAt = CLOCK_START - HOUR;
  await db
    .updateTable('orders')
    .set({ status: 'shipped', tracking_uploaded_at: shippedAt, handed_over_at: shippedAt, first_scan_at: shippedAt })
    .where('id', 'in', [late, saved])
    .execute();
  await db
    .insertInto('order_warnings')
    .values({ order_id: saved, hours_before: 24, sent_at: CLOCK_START - 3 * HOUR })
    .execute();
  await addUser(ctx, { email: OWNER.email, password: OWNER.password, accountOwner: true });

  await world.start({ authentication: true });
  ({ base, page } = world);
  await world.signIn(OWNER);
}, 60_000);

browserHooks(() => world);

describe('the dashboard: at-risk filters and the fines', () => {
  it('filters the at-risk orders by warehouse and by carrier', async () => {
    await page.goto(`${base}/`);
    const rows = page.locator('table.orders tbody tr');
    const listed = async () => (await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order')))).sort();
    await expect.poll(listed).toEqual(['FLT-1', 'FLT-2', 'FLT-3', 'FLT-4']);

    const warehouse = page.locator('select[name="warehouse"]');
    const carrier = page.locator('select[name="carrier"]');
    await expect.poll(() => warehouse.locator('option').allTextContents()).toEqual(['All warehouses', 'MAD', 'SZ']);
    await expect
      .poll(async () => (await carrier.locator('option').allTextContents()).slice(0, 1))
      .toEqual(['All carriers']);

    const request = page.waitForRequest((r) => r.url().includes('/orders?') && r.url().includes('warehouse=SZ'));
    await warehouse.selectOption('SZ');
    await request;
    await expect.poll(listed).toEqual(['FLT-1', 'FLT-3']);
    await screenshot('warehouse');

    await carrier.selectOption(carriers[0]);
    await expect.poll(listed).toEqual(['FLT-1']);
    await warehouse.selectOption('');
    await expect.poll(listed).toEqual(['FLT-1', 'FLT-2']);
    await carrier.selectOption(carriers[1]);
    await expect.poll(listed).toEqual(['FLT-3']);
    await screenshot('carrier');

    await carrier.selectOption('');
    await expect.poll(listed).toEqual(['FLT-1', 'FLT-2', 'FLT-3', 'FLT-4']);
  });

  it('shows the fines paid and avoided on the performance screen, with their chart', async () => {
    const expected = (await sellerMetrics(ctx, 'demo')).daily.totals;
    expect(expected.lateOrders).toBe(1);
    expect(expected.savedOrders).toBe(1);
    expect(expected.finesPaid[0]!.amount).toBeGreaterThan(0);
    expect(expected.finesAvoided[0]!.amount).toBeGreaterThan(0);

    await page.goto(`${base}/#/performance`);
    const fines = page.locator('[data-testid="fines"]');
    await fines.waitFor();
    const paid = fines.locator('[data-testid="fines-paid"]');
    const avoided = fines.locator('[data-testid="fines-avoided"]');
    const dollars = (amount: number) => (amount / 100).toFixed(2);
    await expect.poll(() => paid.textContent()).toContain(dollars(expected.finesPaid[0]!.amount));
    expect(await paid.textContent()).toContain('orders: 1');
    expect(await avoided.textContent()).toContain(dollars(expected.finesAvoided[0]!.amount));
    expect(await avoided.textContent()).toContain('Fines avoided');
    // The fines chart and the day-by-day rates are drawn (Chart.js canvases with their labels).
    const chart = page.locator('[data-testid="fines-chart"] canvas');
    await chart.waitFor();
    expect(await chart.getAttribute('aria-label')).toMatch(
      /^Fines paid and avoided per day over the last 30 days, in USD$/,
    );
    expect((await chart.boundingBox())!.height).toBeGreaterThan(50);
    expect(await page.locator('canvas[aria-label="Each rate per day over the last 30 days"]').count()).toBe(1);
    await fines.scrollIntoViewIfNeeded();
    await screenshot('performance-fines');
  });
});
