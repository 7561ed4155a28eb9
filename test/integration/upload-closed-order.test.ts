/**
 * A queued upload whose order is closed or cancelled meanwhile is never sent, on SQLite AND PostgreSQL: the worker
 * reads the order's one situation (app/order-situation.ts) before sending, and settles the row as a permanent
 * refusal with a bilingual reason and the label flagged to void; a cancellation settles the order's waiting uploads
 * at once (the order machine's `cancel` hook). An open order's upload in the same batch goes out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { applyOrderAction, getOrderDetail } from '../../src/app/orders';
import { markParcelShipped } from '../../src/app/shipments';
import { listOutboxEntries } from '../../src/app/upload-outbox';
import { DEFAULT_RETRY_POLICY } from '../../src/core/upload-rules';
import { runOutboxWorker } from '../../src/jobs/outbox-worker';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { useFakeAliExpress } from '../support/fake-aliexpress';
import { TEST_MASTER_KEY, connectFakeShop, s10For, seedOrders, type SeededOrder } from '../support/outbox-fixtures';

const DAY = 86_400_000;

const fake = useFakeAliExpress({ seed: 5 });
afterEach(() => {
  fake.marketplace.reset();
  fake.clearFaults();
});

const settings = {
  leaseMs: 5_000,
  retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 5, maxDelayMs: 20, urgentMaxDelayMs: 20, maxAttempts: 4 },
};

async function drain(ctx: AppContext) {
  return runOutboxWorker(ctx, {
    masterKey: TEST_MASTER_KEY,
    settings,
    concurrency: 4,
    clientOptions: { timeoutMs: 2_000 },
    stopWhenDrained: true,
    idlePollMs: 20,
    workerId: 'test-worker',
  });
}

async function refusalOf(ctx: AppContext, orderId: number) {
  const refused = (await getOrderDetail(ctx, orderId)).timeline.filter((e) => e.kind === 'upload_refused');
  expect(refused).toHaveLength(1);
  return JSON.parse(refused[0]!.data!) as {
    reason: string;
    void_label: boolean;
    message: { en: string; 'zh-CN': string };
  };
}

describe.each(backends)('an upload for a closed order on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let orders: SeededOrder[];
  // shipby's clock starts at the fake marketplace's, so the platform's copy of an order is as open as ours.
  const clock = manualClock();
  let START: number;

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    START = fake.now();
    clock.set(START);
    ctx = contextFor(store, clock);
    await connectFakeShop(ctx, fake, 'shop');
    orders = await seedOrders(ctx, fake, { shop: 'shop', count: 2, parcelsOf: () => 1, now: START });
  });
  afterEach(async () => {
    await dispose();
  });

  it('is not sent once the platform closed the order meanwhile; the open order in the same batch is', async () => {
    const [closing, open] = orders as [SeededOrder, SeededOrder];
    await markParcelShipped(
      ctx,
      { orderId: closing.orderId, trackingNumber: s10For(1), serviceName: 'CPAM', lastParcel: true },
      'packer',
    );
    await markParcelShipped(
      ctx,
      { orderId: open.orderId, trackingNumber: s10For(2), serviceName: 'CPAM', lastParcel: true },
      'packer',
    );
    // The second order passed the platform's risk review much later (as the platform reports it): its clock runs later.
    await store.db
      .updateTable('orders')
      .set({
        paid_at: START + 39 * DAY,
        risk_passed_at: START + 39 * DAY,
        platform_ship_by_at: START + 45 * DAY,
        ship_by_at: START + 45 * DAY,
      })
      .where('id', '=', open.orderId)
      .execute();
    // 40 days on, before any worker ran: the first order is past its closing point; its row still reads open.
    clock.advance(40 * DAY);
    expect((await getOrderDetail(ctx, closing.orderId)).order.status).toBe('awaiting_shipment');

    const stats = await drain(ctx);
    expect(stats).toMatchObject({ refused: 1 });
    expect(fake.marketplace.declarations.map((d) => d.logisticsNo)).toEqual([s10For(2)]);
    const entries = await listOutboxEntries(ctx, {});
    expect(entries.find((e) => e.orderId === closing.orderId)).toMatchObject({
      kind: 'upload_tracking',
      status: 'refused',
    });
    const refusal = await refusalOf(ctx, closing.orderId);
    expect(refusal).toMatchObject({ reason: 'order_closed', void_label: true });
    expect(refusal.message.en).toMatch(/closed by the platform.*not uploaded.*Void its label/);
    expect(refusal.message['zh-CN']).toMatch(/已被平台关闭.*作废其面单/);
    expect(refusal.message.en).not.toMatch(/shipby |\/orders/);
    // Nothing moved on the closed order: no upload time, its parcel not uploaded.
    const closed = await getOrderDetail(ctx, closing.orderId);
    expect(closed.order.tracking_uploaded_at).toBeNull();
    expect(closed.parcels[0]!.status).not.toBe('tracking_uploaded');
    expect((await getOrderDetail(ctx, open.orderId)).order.status).toBe('shipped');
  });

  it('is settled at once, unsent, when the seller cancels the order while it waits', async () => {
    const [order] = orders as [SeededOrder];
    const shipped = await markParcelShipped(
      ctx,
      { orderId: order.orderId, trackingNumber: s10For(3), serviceName: 'CPAM', lastParcel: true },
      'packer',
    );
    await applyOrderAction(ctx, order.orderId, { action: 'cancel', reason: 'out of stock', actor: 'seller' });
    const [entry] = await listOutboxEntries(ctx, { statuses: ['refused'] });
    expect(entry).toMatchObject({ id: shipped.outboxId, status: 'refused' });
    const refusal = await refusalOf(ctx, order.orderId);
    expect(refusal).toMatchObject({ reason: 'order_closed', void_label: true });
    expect(refusal.message['zh-CN']).toMatch(/已取消/);
    await drain(ctx);
    expect(fake.marketplace.declarations).toEqual([]);
  });
});
