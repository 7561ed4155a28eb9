/**
 * An idle worker wakes when a retry it recorded comes due, not an idle poll later (src/jobs/outbox-worker.ts), and
 * never before: with an idle poll of ten minutes, a drained run still delivers an upload whose first try failed,
 * at its backoff. On SQLite and PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../src/app/context';
import { markParcelShipped } from '../../src/app/shipments';
import { DEFAULT_RETRY_POLICY } from '../../src/core/upload-rules';
import { API } from '../../src/integrations/aliexpress/protocol';
import { runOutboxWorker } from '../../src/jobs/outbox-worker';
import type { Store } from '../../src/store/database';
import { backends } from '../support/backends';
import { useFakeAliExpress } from '../support/fake-aliexpress';
import { TEST_MASTER_KEY, connectFakeShop, s10For, seedOrders } from '../support/outbox-fixtures';

const fake = useFakeAliExpress({ seed: 23 });
afterEach(() => {
  fake.marketplace.reset();
  fake.clearFaults();
});

describe.each(backends)('a retry wakes the idle worker, on $name', (backend) => {
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

  it('delivers a failed upload when its backoff ends, though the idle poll is ten minutes', async () => {
    const [order] = await seedOrders(ctx, fake, { shop: 'shop', count: 1, parcelsOf: () => 1 });
    await markParcelShipped(
      ctx,
      { orderId: order!.orderId, trackingNumber: s10For(order!.orderId), serviceName: 'CPAM', lastParcel: true },
      't',
    );
    // The first declaration is refused as "service unavailable" (nothing applied): retried after its backoff.
    fake.setFaults({ serverError: { probability: 1, count: 1, status: 503, methods: [API.fulfill] } });
    const stats = await runOutboxWorker(ctx, {
      masterKey: TEST_MASTER_KEY,
      settings: { leaseMs: 5_000, retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 200 } },
      concurrency: 4,
      clientOptions: { timeoutMs: 2_000 },
      stopWhenDrained: true,
      idlePollMs: 600_000,
      // A safety stop only: without the wake-up the run would sleep the whole idle poll, and stop here undelivered.
      signal: AbortSignal.timeout(45_000),
      workerId: 'wakeup-worker',
    });
    expect(stats).toMatchObject({ accepted: 1, retried: 1 });
    const attempts = (
      await store.db
        .selectFrom('order_events')
        .select(['at', 'data'])
        .where('order_id', '=', order!.orderId)
        .where('kind', '=', 'upload_attempt')
        .orderBy('id')
        .execute()
    ).map((e) => ({ at: Number(e.at), ...(JSON.parse(e.data!) as { outcome: string; next_attempt_at?: number }) }));
    expect(attempts.map((a) => a.outcome)).toEqual(['retryable', 'accepted']);
    // Not before its backoff: the second try was recorded after the first one's next_attempt_at.
    expect(attempts[1]!.at).toBeGreaterThanOrEqual(attempts[0]!.next_attempt_at!);
    expect(fake.marketplace.declarations.filter((d) => d.accepted).map((d) => d.logisticsNo)).toEqual([
      s10For(order!.orderId),
    ]);
  });
});
