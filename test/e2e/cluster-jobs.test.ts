/**
 * Jobs once per cluster, on PostgreSQL: two `serve` processes (jobs on) and two `shipby worker` processes share one
 * database. The fake AliExpress counts every protocol call and the sample 17TRACK counts every look-up: the shop is
 * synced once (each order read once, one listing), and each due parcel is looked up once, however many processes run
 * the jobs. The two servers share one rate limit. A worker on a database not upgraded to this version stops at once and says so.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createContext, type AppContext } from '../../src/app/context';
import { connectShop } from '../../src/app/marketplace';
import { syncShopOrders } from '../../src/app/order-sync';
import { markParcelShipped } from '../../src/app/shipments';
import { registerParcels } from '../../src/app/tracking';
import { saveProvider } from '../../src/app/tracking';
import { makeS10 } from '../../src/core/tracking/s10';
import { startFakeAliExpressServer, type FakeAliExpressServer } from '../../src/integrations/aliexpress/fake-server';
import { SampleTrackingProvider } from '../../src/integrations/tracking/sample-provider';
import { migrateToLatest, openStore, type Store } from '../../src/store/database';
import { createScratchDatabase } from '../../src/store/pg-admin';
import { pgTemplateCopy } from '../support/backends';
import {
  FAKE_APP_KEY,
  FAKE_APP_SECRET,
  FAKE_TOKEN,
  TEST_MASTER_KEY,
  TEST_MASTER_KEY_TEXT,
} from '../support/outbox-fixtures';
import { CHILD_PROCESS_TIMEOUT, freePort, shipby, startChild, stop, waitUntil, type Child } from '../support/processes';

const PARCELS = 16;
const LIMIT = 20;
const TEN_MINUTES = '10m';

/** A process has taken or skipped its first turn of `job` (debug lines of jobs/scheduler.ts). */
const triedJob = (child: Child, job: string) => child.lines.some((l) => l.includes(`job ${job}: `));

describe('jobs once per cluster on PostgreSQL', () => {
  let scratch: { url: string; drop(): Promise<void> };
  let store: Store;
  let ctx: AppContext;
  let fake: FakeAliExpressServer;
  const provider = new SampleTrackingProvider({ apiKey: 'token-17', autoRegister: true });
  let providerUrl: string;
  const numbers: string[] = [];

  beforeAll(async () => {
    scratch = await pgTemplateCopy();
    store = openStore(scratch.url, { poolSize: 4 });
    await migrateToLatest(store);
    ctx = createContext(store);
    fake = await startFakeAliExpressServer({
      appKey: FAKE_APP_KEY,
      appSecret: FAKE_APP_SECRET,
      accessTokens: [FAKE_TOKEN],
    });
    for (let i = 0; i < PARCELS; i++)
      fake.marketplace.addOrder(
        {
          order_id: `81900000007770${String(i).padStart(2, '0')}`,
          lines: [{ sku: 'A-1', quantity: 1, unit_price: '3.00' }],
        },
        fake.now(),
      );
    await connectShop(ctx, TEST_MASTER_KEY, {
      shopId: 'ae',
      appKey: FAKE_APP_KEY,
      appSecret: FAKE_APP_SECRET,
      accessToken: FAKE_TOKEN,
      gatewayUrl: fake.url,
    });
    providerUrl = await provider.listen();
    await saveProvider(ctx, {
      name: 'seventeen',
      kind: 'seventeen',
      baseUrl: providerUrl,
      apiKey: 'token-17',
      apiVersion: 'v2.4',
      webhookSecret: 'seventeen-webhook-secret-01',
      polls: true,
    });
    // The orders come in by a first sync; each is shipped (its upload queued in the outbox) and due for a poll now.
    const first = await syncShopOrders(ctx, 'ae', { masterKey: TEST_MASTER_KEY });
    expect(first.created).toBe(PARCELS);
    const orders = await store.db
      .selectFrom('orders')
      .select(['id', 'platform_order_id'])
      .where('shop_id', '=', 'ae')
      .orderBy('platform_order_id')
      .execute();
    for (const [i, o] of orders.entries()) {
      const number = makeS10(47312000 + i, 'RR', 'CN');
      numbers.push(number);
      await markParcelShipped(
        ctx,
        { orderId: o.id, trackingNumber: number, serviceName: 'CPAM', carrier: 'china-post', lastParcel: true },
        'test',
      );
    }
    expect(await registerParcels(ctx)).toBe(PARCELS);
    await store.db.updateTable('parcel_tracking').set({ next_poll_at: 0 }).execute();
    fake.resetStats();
  }, CHILD_PROCESS_TIMEOUT);

  afterAll(async () => {
    await provider.close();
    await fake?.close();
    await store?.close();
    await scratch?.drop();
  });

  it('syncs the shop once and looks each parcel up once with two servers and two workers', {
    timeout: CHILD_PROCESS_TIMEOUT * 2,
  }, async () => {
    const env = {
      DATABASE_URL: scratch.url,
      SHIPBY_LANG: 'en',
      LOG_LEVEL: 'debug',
      SHIPBY_MASTER_KEY: TEST_MASTER_KEY_TEXT,
      SHIPBY_SYNC_INTERVAL: TEN_MINUTES,
      SHIPBY_POLL_INTERVAL: TEN_MINUTES,
      SHIPBY_TRACKING_INTERVAL: TEN_MINUTES,
      SHIPBY_RECEIPT_INTERVAL: TEN_MINUTES,
      SHIPBY_SWEEP_INTERVAL: TEN_MINUTES,
      SHIPBY_PLAN_INTERVAL: TEN_MINUTES,
      SHIPBY_OUTBOX_IDLE_POLL_MS: '200',
      SHIPBY_RATE_LIMIT: String(LIMIT),
    };
    const ports = [await freePort(), await freePort()];
    const children: Child[] = [
      ...ports.map((port) =>
        startChild('src/cli/main.ts', ['serve', '--port', String(port), '--host', '127.0.0.1'], env),
      ),
      startChild('src/cli/main.ts', ['worker'], env),
      startChild('src/cli/main.ts', ['worker'], env),
    ];
    try {
      // Every process has had its go at the sync and the poll: it ran them, or found the turn taken.
      await waitUntil(
        () =>
          expect(children.map((c) => triedJob(c, 'order-sync') && triedJob(c, 'tracking-poll'))).toEqual([
            true,
            true,
            true,
            true,
          ]),
        CHILD_PROCESS_TIMEOUT,
      );
      await waitUntil(() => expect(provider.lookups.size).toBe(PARCELS), CHILD_PROCESS_TIMEOUT);
      // Every upload delivered by the outbox workers of all four processes.
      await waitUntil(
        () => expect(fake.marketplace.declarations.length).toBeGreaterThanOrEqual(PARCELS),
        CHILD_PROCESS_TIMEOUT,
      );
      await waitUntil(
        async () =>
          expect(
            (await store.db.selectFrom('outbox').select('id').where('status', 'in', ['pending', 'in_flight']).execute())
              .length,
          ).toBe(0),
        CHILD_PROCESS_TIMEOUT,
      );

      // The shop was synced by one process, once; every other process found its turn taken.
      const syncLines = children.flatMap((c) => c.lines.filter((l) => l.includes('sync ae: ')));
      expect(syncLines).toHaveLength(1);
      // One fulfilment per order, and the calls of one sync: its listing (the count probe and a page, one more page
      // when it runs after the uploads changed the orders) and, in that case, each changed order's detail once.
      // Nothing twice. (No buyer notice: AliExpress has no messaging call shipby can make,
      // integrations/marketplace/aliexpress.)
      const {
        'aliexpress.trade.seller.orderlist.get': listings,
        'aliexpress.trade.new.redefining.findorderbyid': details = 0,
        // The fake's orders come with their address masked: the sync's detail read is followed by the full address's.
        'aliexpress.trade.redefining.findorderreceiptinfo': receipts = 0,
        ...writes
      } = fake.stats().byMethod;
      expect(writes).toEqual({ 'aliexpress.solution.order.fulfill': PARCELS });
      // The sync ran before the uploads (2 listing calls, no detail) or after some of them (3, and each order it
      // found changed read once: all of them when it ran after every upload, fewer when it ran amid them).
      expect([2, 3]).toContain(listings);
      const syncDetailsAtMost = listings === 3 ? PARCELS : 0;
      // Any other detail read is an upload's read-back before it was sent again, after an answer that came too late
      // (a busy machine): at most one per repeated attempt, and never a second fulfilment (above, and per order below).
      const repeats = await store.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.sum<number | string | null>(eb('attempts', '-', 1)).as('n'))
        .where('attempts', '>', 1)
        .executeTakeFirst();
      expect(details).toBeLessThanOrEqual(syncDetailsAtMost + Number(repeats?.n ?? 0));
      // A masked address read in full only by the sync, after its order's detail, once.
      expect(receipts).toBeLessThanOrEqual(Math.min(details, syncDetailsAtMost));
      // Each order declared once, whichever process's worker claimed it.
      const perOrder = new Map<string, number>();
      for (const d of fake.marketplace.declarations) perOrder.set(d.orderId, (perOrder.get(d.orderId) ?? 0) + 1);
      expect({ orders: perOrder.size, most: Math.max(...perOrder.values()) }).toEqual({ orders: PARCELS, most: 1 });
      // Each parcel looked up at the provider once.
      expect([...provider.lookups.keys()].sort()).toEqual([...numbers].sort());
      expect([...provider.lookups.values()].every((n) => n === 1)).toBe(true);

      // The two servers share one rate limit (counters in PostgreSQL): a fresh random cookie per request is no one,
      // so 2 × LIMIT requests alternating between them meet the address's limit once, not once per process.
      const statuses: number[] = [];
      for (let i = 0; i < 2 * LIMIT; i++) {
        const answer = await fetch(`http://127.0.0.1:${ports[i % 2]}/orders`, {
          headers: { cookie: `shipby_session=${randomBytes(24).toString('base64url')}` },
        });
        statuses.push(answer.status);
      }
      expect(statuses).toEqual([...Array(LIMIT).fill(401), ...Array(LIMIT).fill(429)]);
    } finally {
      await Promise.all(children.map((c) => stop(c)));
    }
    // Each process stopped cleanly.
    for (const c of children) expect(c.process.exitCode ?? 0).toBe(0);
  });

  it('refuses to start a worker on a database that is not upgraded', { timeout: CHILD_PROCESS_TIMEOUT }, async () => {
    const empty = await createScratchDatabase(inject('pgDatabasePrefix'), inject('pgAdminUrl'));
    try {
      const result = await shipby(['worker'], { DATABASE_URL: empty.url, SHIPBY_MASTER_KEY: TEST_MASTER_KEY_TEXT });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/not upgraded to this version of shipby \(\d+ migration\(s\) not applied/);
    } finally {
      await empty.drop();
    }
  });
});
