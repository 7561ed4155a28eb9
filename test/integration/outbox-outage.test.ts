/**
 * "An upload is never abandoned while its order can still be saved", on SQLite AND PostgreSQL: the fake AliExpress
 * (the real signed protocol) answers every request 503 for 5 simulated minutes (the injected clock) while 40 orders
 * due within 3 h wait for their tracking numbers. No upload is dead-lettered; the outage is recorded and alerted
 * once (not per upload), shown as a dashboard notice, and its end alerted once; once the platform answers, every
 * number is declared exactly once, the most urgent first.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { addWebhook } from '../../src/app/deadlines';
import { marketplaceNotices } from '../../src/app/marketplace-outage';
import { DEFAULT_OUTBOX_SETTINGS } from '../../src/app/upload-outbox';
import { runOutboxWorker } from '../../src/jobs/outbox-worker';
import { buildServer } from '../../src/http/server';
import type { Store } from '../../src/store/database';
import { UPLOAD_KIND } from '../../src/store/outbox';
import { backends, contextFor, manualClock } from '../support/backends';
import { useFakeAliExpress } from '../support/fake-aliexpress';
import { TEST_MASTER_KEY, connectFakeShop, seedOrders, shipAll } from '../support/outbox-fixtures';

const MINUTE = 60_000;

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const fake = useFakeAliExpress({ seed: 11 });

describe.each(backends)('a marketplace outage on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
  });
  afterEach(async () => {
    fake.marketplace.reset();
    fake.clearFaults();
    await dispose();
  });

  it('dead-letters nothing, alerts the outage once, and declares every number once, the most urgent first', async () => {
    const clock = manualClock(Date.now());
    const ctx: AppContext = contextFor(store, clock);
    await connectFakeShop(ctx, fake, 'shop');
    await addWebhook(ctx, { url: 'http://127.0.0.1:9/alerts', secret: 'sixteen-chars-secret' });
    const seeded = await seedOrders(ctx, fake, { shop: 'shop', count: 40, parcelsOf: () => 1, now: clock.now() });
    // 40 orders due within 3 h, their urgency unrelated to the order they were made in.
    const deadlines = new Map<string, number>();
    for (const [i, order] of seeded.entries()) {
      const shipBy = clock.now() + 10 * MINUTE + ((i * 17) % 40) * 4 * MINUTE;
      deadlines.set(order.platformOrderId, shipBy);
      await store.db.updateTable('orders').set({ ship_by_at: shipBy }).where('id', '=', order.orderId).execute();
    }
    const numbers = await shipAll(ctx, seeded);

    fake.setFaults({ serverError: { probability: 1, status: 503 } });
    const stop = new AbortController();
    // One request at a time: the order of the declarations is the order of the claims.
    const worker = runOutboxWorker(ctx, {
      masterKey: TEST_MASTER_KEY,
      settings: DEFAULT_OUTBOX_SETTINGS,
      concurrency: 1,
      clientOptions: { timeoutMs: 5_000 },
      idlePollMs: 5,
      flushMs: 1,
      signal: stop.signal,
      workerId: 'outage-worker',
    });
    const count = async (where: (q: ReturnType<typeof uploads>) => ReturnType<typeof uploads>) =>
      Number(
        (
          await where(uploads())
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const uploads = () => store.db.selectFrom('outbox').where('kind', '=', UPLOAD_KIND);
    // Idle: nothing in flight and nothing due at the simulated now.
    const idle = async () =>
      (await count((q) =>
        q.where((eb) =>
          eb.or([
            eb('status', '=', 'in_flight'),
            eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', clock.now())]),
          ]),
        ),
      )) === 0;
    const alerts = async (kind: string) =>
      store.db.selectFrom('webhook_deliveries').select(['payload']).where('kind', '=', kind).execute();

    try {
      // 5 simulated minutes of outage, in 5-second steps, each run until the worker has nothing due.
      for (let elapsed = 0; elapsed < 5 * MINUTE; elapsed += 5_000) {
        clock.advance(5_000);
        await until('the worker to catch up with the clock', idle);
      }
      const attemptsDuringOutage = Number(
        (
          await store.db
            .selectFrom('outbox')
            .select((eb) => eb.fn.sum<number>('attempts').as('n'))
            .where('kind', '=', UPLOAD_KIND)
            .executeTakeFirstOrThrow()
        ).n,
      );
      expect(await count((q) => q.where('status', '=', 'dead'))).toBe(0);
      expect(await count((q) => q.where('status', '=', 'pending'))).toBe(40);
      // The retries stay near: every waiting upload is due within twice the urgent cap (30 s, on a 30-s grid).
      expect(
        await count((q) =>
          q.where('next_attempt_at', '>', clock.now() + 2 * DEFAULT_OUTBOX_SETTINGS.retry.urgentMaxDelayMs),
        ),
      ).toBe(0);
      // Reported once, not per upload; on the dashboard too, in both languages, with no command to type.
      const began = await alerts('marketplace_outage');
      expect(began).toHaveLength(1);
      const notices = await marketplaceNotices(ctx);
      expect(notices).toHaveLength(1);
      expect(notices[0]!.message['zh-CN']).toMatch(/速卖通/);
      expect(notices[0]!.message.en).toMatch(/At risk/);
      expect(notices[0]!.message.en).not.toMatch(/\.\/bin|shipby outbox/);
      expect(await alerts('upload_dead_lettered')).toHaveLength(0);
      // The dashboard reads it from GET /notices, in the reader's language.
      const app = await buildServer(ctx, { authentication: false });
      const answer = await app.inject({ method: 'GET', url: '/notices', headers: { 'accept-language': 'zh-CN' } });
      await app.close();
      expect(answer.statusCode).toBe(200);
      expect(answer.json().items).toHaveLength(1);
      expect(answer.json().items[0]).toMatchObject({ kind: 'marketplace_outage', platform: 'aliexpress' });
      expect(answer.json().items[0].message).toMatch(/速卖通/);

      // The platform is back. The clock moves only to the first retry that comes due: during the outage the retries
      // come due together (a grid), so the most urgent probes first; it ends the outage, and the others are released
      // together, to be claimed most urgent first.
      fake.clearFaults();
      const firstDue = (
        await uploads()
          .select((eb) => eb.fn.min<number>('next_attempt_at').as('t'))
          .where('status', '=', 'pending')
          .executeTakeFirstOrThrow()
      ).t;
      clock.set(Number(firstDue));
      await until(
        'every upload delivered',
        async () => (await count((q) => q.where('status', '=', 'delivered'))) === 40,
      );
      stop.abort();
      await worker;

      const accepted = fake.marketplace.declarations.filter((d) => d.accepted);
      expect(accepted.map((d) => d.logisticsNo).sort()).toEqual([...numbers.keys()].sort());
      expect(new Set(accepted.map((d) => d.logisticsNo)).size).toBe(40);
      const order = accepted.map((d) => deadlines.get(d.orderId)!);
      // The most urgent first, the one that found the platform back included.
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(await count((q) => q.where('status', '=', 'dead'))).toBe(0);
      expect(await alerts('marketplace_outage')).toHaveLength(1);
      const ended = await alerts('marketplace_outage_ended');
      expect(ended).toHaveLength(1);
      expect(JSON.parse(ended[0]!.payload)).toMatchObject({ kind: 'marketplace_outage_ended', platform: 'aliexpress' });
      expect(await marketplaceNotices(ctx)).toEqual([]);
      const firstRank = [...deadlines.values()].sort((a, b) => a - b).indexOf(order[0]!);
      console.log(
        `outbox-outage (${backend.name}): marketplace down 5 simulated min: ${attemptsDuringOutage} attempts, 0/40 dead, outage alerted once (ended once), 40 declared once, in urgency order (the first, which found the platform back: rank ${firstRank + 1}/40)`,
      );
    } finally {
      stop.abort();
      await worker.catch(() => undefined);
    }
  }, 240_000);
});
