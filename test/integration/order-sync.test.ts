/**
 * The order sync against the fake marketplace, on SQLite AND PostgreSQL: several pages, statuses walked through the
 * order machine, countdowns as ship-by deadlines, the cursor with its overlap, unchanged orders not fetched again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../src/app/context';
import { describeConnection } from '../../src/app/marketplace';
import { getOrderDetail, resolveOrder } from '../../src/app/orders';
import { situationOfOrder } from '../../src/app/order-situation';
import { syncShopOrders } from '../../src/app/order-sync';
import { shipByDeadline } from '../../src/integrations/aliexpress/fake-marketplace';
import type { Store } from '../../src/store/database';
import { backends } from '../support/backends';
import { useFakeAliExpress } from '../support/fake-aliexpress';
import { TEST_MASTER_KEY, connectFakeShop } from '../support/outbox-fixtures';

const HOUR = 3_600_000;
const fake = useFakeAliExpress({ seed: 5 });
afterEach(() => {
  fake.marketplace.reset();
  fake.clearFaults();
});

function seedFake(count: number, now: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const order = fake.marketplace.addOrder(
      {
        order_id: String(8190000000100000 + i * 10),
        status: i % 10 === 0 ? 'RISK_CONTROL' : 'WAIT_SELLER_SEND_GOODS',
        paid_at: now - 5 * HOUR,
        risk_passed_at: i % 10 === 0 ? now + 5 * HOUR : now - 4 * HOUR,
        modified_at: now - 3 * HOUR + i * 1000,
        handling_days: 3,
        freight_commit_days: 45,
        lines: [{ sku: `S-${i}`, quantity: 1, unit_price: '4.50' }],
      },
      now,
    );
    ids.push(order.orderId);
  }
  fake.marketplace.invalidate();
  return ids;
}

describe.each(backends)('order sync on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    ctx = createContext(store);
    await connectFakeShop(ctx, fake, 'shop');
  });
  afterEach(async () => {
    await dispose();
  });

  it('pulls every changed order over several pages, then only what changed since', async () => {
    const now = Date.now();
    const ids = seedFake(120, now);
    const first = await syncShopOrders(ctx, 'shop', { masterKey: TEST_MASTER_KEY, overlapMs: 10 * 60_000 });
    expect(first).toMatchObject({ status: 'ok', listed: 120, fetched: 120, created: 120, skipped: [] });
    const sample = await resolveOrder(ctx, ids[1]!, 'shop');
    expect(sample.status).toBe('awaiting_shipment');
    // The platform's countdown is the ship-by deadline (whole seconds on the wall clock).
    expect(Math.floor(sample.ship_by_at! / 1000)).toBe(
      Math.floor(shipByDeadline(fake.marketplace.orders.get(ids[1]!)!) / 1000),
    );
    expect(sample.ship_by_source).toBe('platform');
    // The platform's promised delivery days become the order's receipt terms.
    const terms = await ctx.store.db
      .selectFrom('order_receipts')
      .select('freight_commit_days')
      .where('order_id', '=', sample.id)
      .executeTakeFirst();
    expect(terms?.freight_commit_days).toBe(fake.marketplace.orders.get(ids[1]!)!.freightCommitDays);
    expect((await resolveOrder(ctx, ids[0]!, 'shop')).status).toBe('new');
    expect((await describeConnection(ctx, TEST_MASTER_KEY, 'shop')).syncCursorAt).toBe(first.window!.to);

    // Two orders change on the platform: one is partly shipped by the seller elsewhere, one is closed.
    fake.marketplace.orders
      .get(ids[1]!)!
      .shipments.push({ serviceName: 'CPAM', logisticsNo: 'RR473124829CN', sendType: 'part', declaredAt: Date.now() });
    fake.marketplace.setStatus(ids[1]!, 'SELLER_PART_SEND_GOODS', Date.now());
    fake.marketplace.setStatus(ids[2]!, 'FINISH', Date.now());
    await new Promise((resolve) => setTimeout(resolve, 1100)); // platform times have whole seconds
    const second = await syncShopOrders(ctx, 'shop', { masterKey: TEST_MASTER_KEY, overlapMs: 10 * 60_000 });
    expect(second.window!.from).toBe(first.window!.to - 10 * 60_000);
    expect(second).toMatchObject({ status: 'ok', listed: 2, fetched: 2, updated: 2 });
    const partly = await getOrderDetail(ctx, sample.id);
    expect(partly.order.status).toBe('partially_shipped');
    expect(partly.timeline.filter((e) => e.kind === 'transition').map((e) => [e.action, e.actor])).toEqual([
      ['ship_part', 'sync'],
    ]);
    expect((await resolveOrder(ctx, ids[2]!, 'shop')).status).toBe('completed');

    // Nothing changed: the overlap lists them again, and they are not fetched again.
    const third = await syncShopOrders(ctx, 'shop', { masterKey: TEST_MASTER_KEY, overlapMs: 10 * 60_000 });
    expect(third).toMatchObject({ status: 'ok', listed: 2, fetched: 0, unchanged: 2 });
  });

  it('walks creation-date windows of at most 180 days, oldest first, with the modified window inside each', async () => {
    const now = Date.now();
    const DAY = 24 * HOUR;
    // Orders created 1, 100, 250 and 400 days ago, all changed in the last hour; one created 500 days ago is too old.
    const ages = [1, 100, 250, 400, 500];
    for (const [i, age] of ages.entries()) {
      fake.marketplace.addOrder(
        {
          order_id: String(8190000000900000 + i * 10),
          status: 'FINISH',
          created_at: now - age * DAY,
          paid_at: now - age * DAY + HOUR,
          risk_passed_at: now - age * DAY + 2 * HOUR,
          modified_at: now - HOUR + i * 1000,
          handling_days: 3,
          lines: [{ sku: `A-${i}`, quantity: 1, unit_price: '1.00' }],
        },
        now,
      );
    }
    fake.marketplace.invalidate();
    fake.resetStats();
    const report = await syncShopOrders(ctx, 'shop', {
      masterKey: TEST_MASTER_KEY,
      initialLookbackMs: 2 * HOUR,
      orderAgeMs: 450 * DAY,
    });
    expect(report).toMatchObject({ status: 'ok', listed: 4 });
    const windows = report.createdWindows!;
    expect(windows.length).toBe(3);
    for (const [i, w] of windows.entries()) {
      expect(w.to - w.from).toBeLessThanOrEqual(180 * DAY);
      if (i > 0) expect(w.from).toBe(windows[i - 1]!.to);
    }
    // Every list request carried a creation window the fake accepted (it refuses more than 180 days).
    expect(fake.stats().outcomes.gatewayError).toBe(0);
    for (const [i, age] of ages.entries()) {
      const found = await resolveOrder(ctx, String(8190000000900000 + i * 10), 'shop').then(
        () => true,
        () => false,
      );
      expect(found).toBe(age <= 400);
    }
  });

  it('keeps the cursor when a run fails, so the next run covers the window again', async () => {
    seedFake(3, Date.now());
    fake.setFaults({ serverError: { probability: 1, status: 503 } });
    const failed = await syncShopOrders(ctx, 'shop', {
      masterKey: TEST_MASTER_KEY,
      clientOptions: { retry: { maxAttempts: 1 } },
    });
    expect(failed.status).toBe('failed');
    expect((await describeConnection(ctx, TEST_MASTER_KEY, 'shop')).syncCursorAt).toBeNull();
    fake.clearFaults();
    const ok = await syncShopOrders(ctx, 'shop', { masterKey: TEST_MASTER_KEY });
    expect(ok).toMatchObject({ status: 'ok', created: 3 });
  });
  it('an order shipped outside shipby takes the earliest gmt_send of the order detail as its upload time: shipped in time, not closed', async () => {
    const now = Date.now();
    const paidAt = Math.floor((now - 80 * HOUR) / 1000) * 1000;
    const order = fake.marketplace.addOrder(
      {
        order_id: '8190000000900000',
        status: 'WAIT_BUYER_ACCEPT_GOODS',
        paid_at: paidAt,
        risk_passed_at: paidAt + HOUR,
        modified_at: now - HOUR,
        handling_days: 3,
        lines: [{ sku: 'S-X', quantity: 1, unit_price: '4.50' }],
      },
      now,
    );
    // Two parcels declared elsewhere, the later one listed first; the deadline (risk passed + 72 h) has passed since.
    order.shipments.push({
      serviceName: 'CAINIAO_STANDARD',
      logisticsNo: 'LX000000002NL',
      sendType: 'all',
      declaredAt: paidAt + 40 * HOUR,
    });
    order.shipments.push({
      serviceName: 'CAINIAO_STANDARD',
      logisticsNo: 'LX000000001NL',
      sendType: 'part',
      declaredAt: paidAt + 30 * HOUR,
    });
    fake.marketplace.invalidate();
    expect(await syncShopOrders(ctx, 'shop', { masterKey: TEST_MASTER_KEY })).toMatchObject({
      status: 'ok',
      created: 1,
      skipped: [],
    });
    const row = await resolveOrder(ctx, order.orderId, 'shop');
    expect(row).toMatchObject({
      status: 'shipped',
      tracking_uploaded_at: paidAt + 30 * HOUR,
      handed_over_at: paidAt + 30 * HOUR,
    });
    expect((await getOrderDetail(ctx, row.id)).timeline.map((e) => e.kind).slice(0, 2)).toEqual([
      'created',
      'upload_time_from_platform',
    ]);
    const { situation } = await situationOfOrder(ctx, row.id, Date.now());
    expect(situation!.kind).toBe('shipped_in_time');
    expect(situation!.verdict.fine.money.amount).toBe(0);
  });
});
