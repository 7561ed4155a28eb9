/**
 * The tracking registrations on the one leased queue (store/tracking-registrations.ts, migration 0028), on SQLite
 * and PostgreSQL: migration 0028 keeps the rows already queued and numbers them; two concurrent claimers never take
 * the same registration and lose none; two concurrent senders (`retryRegistrations`, a provider failing some batches)
 * never send one number to one provider twice, settle what was taken, and back off what failed; a registration given
 * up reaches the seller: one timeline event and one alert per order, never repeated.
 */
import fc from 'fast-check';
import { Migrator } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { addWebhook } from '../../src/app/deadlines';
import { connectShop } from '../../src/app/marketplace';
import { getOrderDetail, upsertOrders } from '../../src/app/orders';
import { markParcelsShipped } from '../../src/app/shipments';
import { retryRegistrations, saveProvider } from '../../src/app/tracking';
import { registrationBackoff } from '../../src/core/tracking/registration-retry';
import { makeS10 } from '../../src/core/tracking/s10';
import type { PollingClient } from '../../src/integrations/tracking/types';
import { migrateToLatest, type Store } from '../../src/store/database';
import { buildMigrations } from '../../src/store/migrations/index';
import { trackingRegistrationQueue } from '../../src/store/tracking-registrations';
import { inRetriedTransaction } from '../../src/store/transaction-retry';
import { backends, contextFor, manualClock } from '../support/backends';
import { TEST_MASTER_KEY } from '../support/outbox-fixtures';
import { jsonOrder } from '../support/stock';

const T0 = Date.UTC(2026, 10, 5, 0);
const PROVIDERS = ['alpha', 'beta'] as const;

describe.each(backends)('tracking registrations on the leased queue on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  const clock = manualClock(T0);

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, clock);
    for (const name of PROVIDERS)
      await saveProvider(ctx, { name, kind: 'seventeen', webhookSecret: 'registration-queue-secret-01' });
  });
  afterAll(async () => dispose());
  beforeEach(async () => {
    clock.set(T0);
    await store.db.deleteFrom('tracking_registrations').execute();
  });

  /** Queues `numbers` for `provider` as registration.ts does (pending, due now). */
  async function queue(provider: string, numbers: readonly string[]) {
    if (numbers.length === 0) return;
    await store.db
      .insertInto('tracking_registrations')
      .values(
        numbers.map((number) => ({
          provider,
          tracking_number: number,
          carrier: 'china-post',
          status: 'pending',
          attempts: 0,
          next_attempt_at: T0,
          last_error: null,
          created_at: T0,
          updated_at: T0,
        })),
      )
      .execute();
  }
  const rows = () => store.db.selectFrom('tracking_registrations').selectAll().orderBy('id').execute();
  const numbersArb = fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { maxLength: 25 }).map((ns) => ns.map(label));

  it('migration 0028 keeps the registrations already queued, numbers them, and goes back down whole', async () => {
    const migrator = new Migrator({
      db: store.db,
      provider: { getMigrations: async () => buildMigrations(store.dialect) },
    });
    const down = await migrator.migrateTo('0027_bin_locations');
    expect(down.error).toBeUndefined();
    const before = [
      { provider: 'alpha', tracking_number: label(1), status: 'pending', attempts: 2, next_attempt_at: T0 + 5 },
      { provider: 'alpha', tracking_number: label(2), status: 'registered', attempts: 0, next_attempt_at: null },
      { provider: 'beta', tracking_number: label(1), status: 'refused', attempts: 1, next_attempt_at: null },
    ];
    await store.db
      .insertInto('tracking_registrations')
      .values(before.map((r) => ({ ...r, carrier: null, last_error: null, created_at: T0, updated_at: T0 }) as never))
      .execute();
    await migrateToLatest(store);
    const after = await store.db
      .selectFrom('tracking_registrations')
      .selectAll()
      .orderBy('provider')
      .orderBy('tracking_number')
      .execute();
    expect(after.map(({ id: _, ...r }) => r)).toEqual(
      before.map((r) => ({
        ...r,
        carrier: null,
        last_error: null,
        lease_owner: null,
        lease_until: null,
        created_at: T0,
        updated_at: T0,
      })),
    );
    expect(new Set(after.map((r) => Number(r.id))).size).toBe(3);
    // New rows are numbered after them; provider and number stay unique.
    await queue('beta', [label(2)]);
    const newest = (await rows()).at(-1)!;
    expect(Number(newest.id)).toBeGreaterThan(Math.max(...after.map((r) => Number(r.id))));
    await expect(queue('beta', [label(2)])).rejects.toThrow();
  });

  it('never gives two concurrent claimers the same registration, and loses none (property)', async () => {
    const claim = (owner: string, limit: number, provider: string | null) =>
      inRetriedTransaction(store.db, (trx) =>
        trackingRegistrationQueue.claim(trx, {
          dialect: store.dialect,
          owner,
          now: T0,
          limit,
          ...(provider ? { where: (eb) => eb('q.provider', '=', provider) } : {}),
        }),
      );
    await fc.assert(
      fc.asyncProperty(
        numbersArb,
        numbersArb,
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom(null, ...PROVIDERS),
        fc.constantFrom(null, ...PROVIDERS),
        async (alpha, beta, limitA, limitB, providerA, providerB) => {
          await store.db.deleteFrom('tracking_registrations').execute();
          await queue('alpha', alpha);
          await queue('beta', beta);
          const [a, b] = await Promise.all([claim('A', limitA, providerA), claim('B', limitB, providerB)]);
          const idsA = a.map((r) => Number(r.id));
          const idsB = b.map((r) => Number(r.id));
          expect(idsA.filter((id) => idsB.includes(id))).toEqual([]);
          expect(idsA.length).toBeLessThanOrEqual(limitA);
          expect(idsB.length).toBeLessThanOrEqual(limitB);
          for (const [claimed, provider] of [
            [a, providerA],
            [b, providerB],
          ] as const)
            if (provider) expect(claimed.every((r) => r.provider === provider)).toBe(true);
          const held = await rows();
          for (const row of held) {
            const owner = idsA.includes(Number(row.id)) ? 'A' : idsB.includes(Number(row.id)) ? 'B' : null;
            expect(row).toMatchObject({ status: 'pending', lease_owner: owner, attempts: owner ? 1 : 0 });
          }
          // Nothing lost: a later claim gets exactly the rest.
          const rest = await claim('C', 100, null);
          expect([...idsA, ...idsB, ...rest.map((r) => Number(r.id))].sort((x, y) => x - y)).toEqual(
            held.map((r) => Number(r.id)).sort((x, y) => x - y),
          );
        },
      ),
      { numRuns: 12 },
    );
  });

  it('two concurrent senders never send one number to one provider twice; taken rows settle, failed ones back off (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        numbersArb,
        numbersArb,
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        async (alpha, beta, batchSize, failures) => {
          await store.db.deleteFrom('tracking_registrations').execute();
          await queue('alpha', alpha);
          await queue('beta', beta);
          const sent: string[] = [];
          let call = 0;
          // Each call yields first, so the two senders interleave; some calls fail (the provider unreachable).
          const clientFor = (provider: { name: string }): PollingClient => ({
            batchSize,
            fetch: async () => {
              throw new Error('not polled here');
            },
            async register(parcels) {
              await new Promise((resolve) => setImmediate(resolve));
              const failing = failures[call++ % failures.length];
              for (const p of parcels) sent.push(`${provider.name}/${p.number}`);
              if (failing) throw new Error(`${provider.name} unreachable`);
              return { registered: parcels.map((p) => p.number), refused: [] };
            },
          });
          await Promise.all([retryRegistrations(ctx, { clientFor }), retryRegistrations(ctx, { clientFor })]);
          const all = [...alpha.map((n) => `alpha/${n}`), ...beta.map((n) => `beta/${n}`)];
          expect([...sent].sort()).toEqual([...all].sort());
          for (const row of await rows()) {
            expect(row).toMatchObject({ attempts: 1, lease_owner: null, lease_until: null });
            if (row.status === 'registered') expect(row).toMatchObject({ next_attempt_at: null, last_error: null });
            else
              expect(row).toMatchObject({
                status: 'pending',
                next_attempt_at: T0 + registrationBackoff(1),
                last_error: `${row.provider} unreachable`,
              });
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('settles a refused number as refused, never asked again, and dead-letters one failing its every attempt', async () => {
    await queue('alpha', [label(1)]);
    const clientFor = (): PollingClient => ({
      batchSize: 40,
      fetch: async () => {
        throw new Error('not polled here');
      },
      async register(parcels) {
        if (parcels.some((p) => p.number === label(2))) throw new Error('alpha answered 500');
        return { registered: [], refused: parcels.map((p) => ({ number: p.number, reason: 'not a number we track' })) };
      },
    });
    const alphaOnly = (p: { name: string }) => (p.name === 'alpha' ? clientFor() : undefined);
    expect(await retryRegistrations(ctx, { clientFor: alphaOnly })).toEqual([
      {
        provider: 'alpha',
        registered: 0,
        refused: [{ number: label(1), reason: 'not a number we track' }],
        error: null,
      },
    ]);
    expect((await rows())[0]).toMatchObject({
      status: 'refused',
      last_error: 'not a number we track',
      next_attempt_at: null,
      lease_owner: null,
    });
    clock.advance(30 * 86_400_000);
    expect(await retryRegistrations(ctx, { clientFor: alphaOnly })).toEqual([]);

    // A number the provider fails on every time: asked again after each backoff, dead once the attempts are spent.
    await store.db.deleteFrom('tracking_registrations').execute();
    clock.set(T0);
    await queue('alpha', [label(2)]);
    const { maxAttempts } = trackingRegistrationQueue.spec;
    let dead = 0;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const [outcome] = await retryRegistrations(ctx, { clientFor: alphaOnly });
      expect(outcome).toMatchObject({ error: 'alpha answered 500' });
      const [row] = await rows();
      expect(row).toMatchObject({ attempts: attempt, lease_owner: null, last_error: 'alpha answered 500' });
      if (attempt < maxAttempts) {
        expect(row).toMatchObject({ status: 'pending', next_attempt_at: clock.now() + registrationBackoff(attempt) });
        expect(outcome!.dead).toBeUndefined();
        // Not due a moment before its backoff ends.
        clock.advance(registrationBackoff(attempt) - 1);
        expect(await retryRegistrations(ctx, { clientFor: alphaOnly })).toEqual([]);
        clock.advance(1);
      } else {
        expect(row).toMatchObject({ status: 'dead' });
        dead = outcome!.dead ?? 0;
      }
    }
    expect(dead).toBe(1);
    clock.advance(30 * 86_400_000);
    expect(await retryRegistrations(ctx, { clientFor: alphaOnly })).toEqual([]);
  });

  it('a registration failing its every attempt ends dead, and each of its orders gets one timeline event and one alert, never repeated', async () => {
    await connectShop(ctx, TEST_MASTER_KEY, {
      shopId: 'rq',
      appKey: 'k',
      appSecret: 's',
      accessToken: 't',
      gatewayUrl: 'http://127.0.0.1:9',
    });
    await addWebhook(ctx, { shopId: 'rq', url: 'http://127.0.0.1:9/alerts', secret: 'registration-alerts-01' });
    const { ids } = await upsertOrders(
      ctx,
      'rq',
      ['RQ1', 'RQ2'].map((id, i) => ({
        order: jsonOrder(id, 'WAIT_SELLER_SEND_GOODS', [{ sku: 'A', quantity: 1 }], {
          paid_at: new Date(T0 - 3_600_000).toISOString(),
          logistics_service: 'CPAM',
        }),
        row: i + 1,
      })),
      'test',
    );
    const [two, one] = ['RQ1', 'RQ2'].map((id) => ids.get(id)!);
    // RQ1 has three parcels, RQ2 one; alpha, two numbers a call, fails them all: RQ1's first two die in one batch,
    // its third with RQ2's in the next one.
    await markParcelsShipped(
      ctx,
      [
        { orderId: two!, trackingNumber: s10(1), serviceName: 'CPAM', lastParcel: false },
        { orderId: two!, trackingNumber: s10(2), serviceName: 'CPAM', lastParcel: false },
        { orderId: two!, trackingNumber: s10(4), serviceName: 'CPAM', lastParcel: true },
        { orderId: one!, trackingNumber: s10(3), serviceName: 'CPAM', lastParcel: true },
      ],
      'test',
    );
    await queue('alpha', [s10(1), s10(2), s10(3), s10(4)]);
    const clientFor = (p: { name: string }): PollingClient | undefined =>
      p.name === 'alpha'
        ? {
            batchSize: 2,
            fetch: async () => {
              throw new Error('not polled here');
            },
            async register() {
              throw new Error('alpha answered 401: key revoked');
            },
          }
        : undefined;
    const deadEvents = async (orderId: number) =>
      (await getOrderDetail(ctx, orderId)).timeline.filter((e) => e.kind === 'tracking_registration_dead');
    const alerts = () =>
      store.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('kind', '=', 'tracking_registration_dead')
        .orderBy('id')
        .execute();
    const { maxAttempts } = trackingRegistrationQueue.spec;
    let dead = 0;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const outcomes = await retryRegistrations(ctx, { clientFor });
      dead += outcomes.reduce((n, o) => n + (o.dead ?? 0), 0);
      if (attempt < maxAttempts) {
        // Nothing said while it is still asked.
        expect(await deadEvents(two!)).toEqual([]);
        expect(await alerts()).toEqual([]);
        clock.advance(registrationBackoff(attempt));
      }
    }
    expect(dead).toBe(4);
    expect((await rows()).map((r) => r.status)).toEqual(['dead', 'dead', 'dead', 'dead']);
    const check = async () => {
      const [twoEvents, oneEvents] = [await deadEvents(two!), await deadEvents(one!)];
      expect(twoEvents).toHaveLength(1);
      expect(oneEvents).toHaveLength(1);
      expect(JSON.parse(oneEvents[0]!.data!)).toMatchObject({ provider: 'alpha', tracking_numbers: [s10(3)] });
      const data = JSON.parse(twoEvents[0]!.data!) as {
        tracking_numbers: string[];
        message: { en: string; 'zh-CN': string };
      };
      expect(data.tracking_numbers).toEqual([s10(1), s10(2)]);
      expect(data.message.en).toContain('alpha');
      expect(data.message.en).toContain("carrier's website");
      expect(data.message['zh-CN']).toContain('承运商官网');
      expect(`${data.message.en}${data.message['zh-CN']}`).not.toMatch(/`|\/api\/|--[a-z]/);
      expect(oneEvents[0]).toMatchObject({ actor: 'tracking' });
      const queued = await alerts();
      expect(queued.map((a) => Number(JSON.parse(a.payload).order_id)).sort()).toEqual([two!, one!].sort());
      expect(JSON.parse(queued[0]!.payload)).toMatchObject({
        kind: 'tracking_registration_dead',
        shop_id: 'rq',
        provider: 'alpha',
        what_to_do: { en: expect.any(String), 'zh-CN': expect.any(String) },
      });
    };
    await check();
    // Later runs: the dead rows are never asked again, and nothing is said twice.
    clock.advance(30 * 86_400_000);
    expect(await retryRegistrations(ctx, { clientFor })).toEqual([]);
    await check();
  });
});

/** A valid S10 number (a shipment checks its digit). */
function s10(n: number): string {
  return makeS10(30_000_000 + n, 'RR', 'CN');
}

function label(n: number): string {
  return `LP${String(n).padStart(9, '0')}CN`;
}
