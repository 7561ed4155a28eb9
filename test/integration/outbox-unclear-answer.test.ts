/**
 * A declaration the platform answered unclearly (an `isp.*` error, an HTML page, an answer cut off) is read back at
 * once, in the same attempt, on SQLite and PostgreSQL: the number on the order → delivered without a second
 * declaration; the order closed → refused; not there → the row keeps `needs_readback`, and the next attempt reads the
 * order back again before it declares anything. No answer at all (a dropped connection) waits for the retry.
 * Counted from the fake's own record of calls and accepted declarations: never two declarations of a number.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { markParcelShipped } from '../../src/app/shipments';
import { DEFAULT_RETRY_POLICY } from '../../src/core/upload-rules';
import type { FaultConfig } from '../../src/integrations/aliexpress/fake-server';
import { API } from '../../src/integrations/aliexpress/protocol';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { useFakeAliExpress } from '../support/fake-aliexpress';
import { connectFakeShop, outboxAttempt, s10For, seedOrders, type SeededOrder } from '../support/outbox-fixtures';

const isp = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../fixtures/aliexpress/gateway-errors/sync-isp-failure.json'), 'utf8'),
) as Record<string, unknown>;

/** The fulfil call's answer spoiled once, after the change was applied or before the platform acted. */
function unclearFulfil(answer: 'isp' | 'not_json' | 'cut_off', commit: 'before' | 'after'): FaultConfig {
  const body = answer === 'isp' ? { body: isp, commit } : { unreadable: answer, commit };
  return { gatewayError: { probability: 1, count: 1, methods: [API.fulfill], bodies: [body] } };
}

const fake = useFakeAliExpress({ seed: 17 });
afterEach(() => {
  fake.marketplace.reset();
  fake.clearFaults();
});

describe.each(backends)('a declaration answered unclearly, on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let clock: ReturnType<typeof manualClock>;
  let order: SeededOrder;
  let number: string;
  let outboxId: number;
  const settings = {
    leaseMs: 5_000,
    retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 5, maxDelayMs: 20, urgentMaxDelayMs: 20, maxAttempts: 4 },
  };

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    clock = manualClock(Date.now());
    ctx = contextFor(store, clock);
    await connectFakeShop(ctx, fake, 'shop');
  });
  afterAll(async () => {
    await dispose();
  });
  beforeEach(async () => {
    const seeded = await seedOrders(ctx, fake, {
      shop: 'shop',
      count: 1,
      parcelsOf: () => 1,
      firstId: 8190000200000000 + Math.floor(Math.random() * 1e6) * 10,
      now: clock.now(),
    });
    order = seeded[0]!;
    number = s10For(order.orderId);
    const shipped = await markParcelShipped(
      ctx,
      { orderId: order.orderId, trackingNumber: number, serviceName: 'CPAM', lastParcel: true },
      't',
    );
    outboxId = shipped.outboxId!;
    fake.resetStats();
  });

  /** One claim, delivery and record, as the worker does it, once the row is due; the calls it made. */
  async function attempt() {
    const due = await store.db.selectFrom('outbox').selectAll().where('id', '=', outboxId).executeTakeFirstOrThrow();
    clock.set(Math.max(clock.now(), due.next_attempt_at) + 1);
    const before = fake.stats().byMethod;
    await outboxAttempt(ctx, settings);
    const after = fake.stats().byMethod;
    const calls = (method: string) => (after[method] ?? 0) - (before[method] ?? 0);
    return { fulfil: calls(API.fulfill), readBack: calls(API.orderDetail) };
  }
  const row = () => store.db.selectFrom('outbox').selectAll().where('id', '=', outboxId).executeTakeFirstOrThrow();
  const accepted = () => fake.marketplace.declarations.filter((d) => d.orderId === order.platformOrderId && d.accepted);
  const attemptEvents = async () =>
    (
      await store.db
        .selectFrom('order_events')
        .select('data')
        .where('order_id', '=', order.orderId)
        .where('kind', '=', 'upload_attempt')
        .orderBy('id')
        .execute()
    ).map((e) => JSON.parse(e.data!) as { outcome: string; unclear?: string; attempt: number });

  it.each([
    ['isp', 'isp.unknown-error'],
    ['not_json', 'BAD_RESPONSE'],
    ['cut_off', 'BAD_RESPONSE'],
  ] as const)(
    'applied, answered with %s: read back at once and delivered in the same attempt',
    async (answer, code) => {
      fake.setFaults(unclearFulfil(answer, 'after'));
      expect(await attempt()).toEqual({ fulfil: 1, readBack: 1 });
      expect(await row()).toMatchObject({ status: 'delivered', attempts: 1, needs_readback: 0 });
      expect(accepted().map((d) => d.logisticsNo)).toEqual([number]);
      expect(await attemptEvents()).toEqual([
        expect.objectContaining({ attempt: 1, outcome: 'confirmed_by_readback', unclear: code }),
      ]);
    },
  );

  it.each(['isp', 'not_json'] as const)(
    'not applied, answered with %s: the next attempt reads back again before it declares, once',
    async (answer) => {
      fake.setFaults(unclearFulfil(answer, 'before'));
      expect(await attempt()).toEqual({ fulfil: 1, readBack: 1 });
      expect(await row()).toMatchObject({ status: 'pending', attempts: 1, needs_readback: 1 });
      expect(accepted()).toEqual([]);
      expect(await attempt()).toEqual({ fulfil: 1, readBack: 1 });
      expect(await row()).toMatchObject({ status: 'delivered', attempts: 2 });
      expect(accepted().map((d) => d.logisticsNo)).toEqual([number]);
      expect((await attemptEvents()).map((e) => e.outcome)).toEqual(['ambiguous', 'accepted']);
    },
  );

  it('the order closed meanwhile: the read-back at once refuses the upload', async () => {
    fake.setFaults(unclearFulfil('isp', 'before'));
    fake.marketplace.setStatus(order.platformOrderId, 'FINISH', fake.now());
    expect(await attempt()).toEqual({ fulfil: 1, readBack: 1 });
    expect(await row()).toMatchObject({ status: 'refused', attempts: 1 });
    expect(accepted()).toEqual([]);
  });

  it('no answer at all (the connection dropped after the change): no read-back until the retry', async () => {
    fake.setFaults({ dropAfterCommit: { probability: 1, count: 1, methods: [API.fulfill] } });
    expect(await attempt()).toEqual({ fulfil: 1, readBack: 0 });
    expect(await row()).toMatchObject({ status: 'pending', needs_readback: 1 });
    expect(await attempt()).toEqual({ fulfil: 0, readBack: 1 });
    expect(await row()).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(accepted().map((d) => d.logisticsNo)).toEqual([number]);
  });
});
