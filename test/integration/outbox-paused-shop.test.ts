/**
 * A shop paused because the platform refused to renew its authorisation (issue 15), on SQLite and PostgreSQL: the
 * outbox worker sends nothing for it and its uploads wait (pending, not dead-lettered, the attempt not counted as a
 * platform refusal); once the shop is connected again they go out, each once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../src/app/context';
import { listOutboxEntries } from '../../src/app/upload-outbox';
import { DEFAULT_RETRY_POLICY } from '../../src/core/upload-rules';
import { runOutboxWorker } from '../../src/jobs/outbox-worker';
import type { Store } from '../../src/store/database';
import { getConnection } from '../../src/store/marketplace';
import { pauseConnection } from '../../src/store/shop-authorisation';
import { backends } from '../support/backends';
import { useFakeAliExpress } from '../support/fake-aliexpress';
import { TEST_MASTER_KEY, connectFakeShop, seedOrders, shipAll } from '../support/outbox-fixtures';

const fake = useFakeAliExpress({ seed: 11 });

const settings = {
  leaseMs: 5_000,
  retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 5, maxDelayMs: 20, urgentMaxDelayMs: 20, maxAttempts: 4 },
};
const worker = (ctx: AppContext, extra: { stopWhenDrained?: boolean; signal?: AbortSignal }) =>
  runOutboxWorker(ctx, {
    masterKey: TEST_MASTER_KEY,
    settings,
    concurrency: 2,
    clientOptions: { timeoutMs: 2_000 },
    idlePollMs: 20,
    workerId: 'paused-test',
    ...extra,
  });

describe.each(backends)('a paused shop’s uploads on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    ctx = createContext(store);
    await connectFakeShop(ctx, fake, 'shop');
  });
  afterEach(async () => {
    fake.marketplace.reset();
    await dispose();
  });

  it('wait while it is paused, and go out once it is connected again', async () => {
    const orders = await seedOrders(ctx, fake, { shop: 'shop', count: 3, parcelsOf: () => 1 });
    const row = (await getConnection(store.db, 'shop'))!;
    expect(
      await pauseConnection(
        store.db,
        'shop',
        row.access_token_enc,
        JSON.stringify({ en: 'paused', 'zh-CN': '已暂停' }),
        Date.now(),
      ),
    ).toBe(true);
    await shipAll(ctx, orders);
    // The worker runs until each upload has been looked at once (the rows then wait: nothing is due, nothing drained).
    const stop = new AbortController();
    const running = worker(ctx, { signal: stop.signal });
    await expect
      .poll(
        async () =>
          (await listOutboxEntries(ctx, { shopId: 'shop' })).filter((e) => e.lastError?.includes('paused')).length,
        { timeout: 30_000 },
      )
      .toBe(3);
    stop.abort();
    expect(await running).toMatchObject({ accepted: 0, dead: 0 });
    expect(fake.marketplace.declarations).toHaveLength(0);
    const waiting = await listOutboxEntries(ctx, { shopId: 'shop' });
    expect(waiting.map((e) => e.status)).toEqual(['pending', 'pending', 'pending']);
    // Connected again (a pasted token here; Connect in the dashboard does the same): the waiting uploads are due at once.
    await connectFakeShop(ctx, fake, 'shop');
    expect((await getConnection(store.db, 'shop'))!.auth_state).toBe('authorised');
    const resumed = await worker(ctx, { stopWhenDrained: true });
    expect(resumed).toMatchObject({ accepted: 3, dead: 0 });
    expect(fake.marketplace.declarations.filter((d) => d.accepted)).toHaveLength(3);
  }, 60_000);
});
