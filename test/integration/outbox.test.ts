/**
 * The upload outbox on SQLite AND PostgreSQL: marking parcels shipped (checks, the part/all rule, upload timing),
 * the claim (urgency order, no double claim, lease takeover), and delivery to the fake marketplace (read-back after a
 * lost answer, refusal after closure, dead letters and retry, the buyer's notice, the timeline).
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { addWebhook } from '../../src/app/deadlines';
import { ConflictError, ValidationError } from '../../src/app/errors';
import { applyOrderAction, getOrderDetail } from '../../src/app/orders';
import { markParcelShipped, markParcelsShipped, recordFirstScan } from '../../src/app/shipments';
import { claimOutboxRows, listOutboxEntries, recordOutboxOutcomes, retryOutboxRow } from '../../src/app/upload-outbox';
import { DEFAULT_RETRY_POLICY } from '../../src/core/upload-rules';
import { runOutboxWorker } from '../../src/jobs/outbox-worker';
import { backends, contextFor, manualClock } from '../support/backends';
import { useFakeAliExpress } from '../support/fake-aliexpress';
import { TEST_MASTER_KEY, connectFakeShop, s10For, seedOrders, type SeededOrder } from '../support/outbox-fixtures';
import { createContext } from '../../src/app/context';
import { buildServer } from '../../src/http/server';
import type { Store } from '../../src/store/database';

const fake = useFakeAliExpress({ seed: 3 });
afterEach(() => {
  fake.marketplace.reset();
  fake.clearFaults();
});

const fastSettings = {
  leaseMs: 5_000,
  retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 5, maxDelayMs: 20, urgentMaxDelayMs: 20, maxAttempts: 4 },
};

async function drain(ctx: AppContext, settings = fastSettings) {
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

async function events(ctx: AppContext, orderId: number) {
  return (await getOrderDetail(ctx, orderId)).timeline;
}

describe.each(backends)('upload outbox on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let orders: SeededOrder[];

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    ctx = createContext(store);
    await connectFakeShop(ctx, fake, 'shop');
    orders = await seedOrders(ctx, fake, { shop: 'shop', count: 4, parcelsOf: () => 1 });
  });
  afterEach(async () => {
    await dispose();
  });

  it('refuses an invalid number, a number twice, a parcel after the last one, and a closed order', async () => {
    const [a, b, c] = orders;
    await expect(
      markParcelShipped(
        ctx,
        { orderId: a!.orderId, trackingNumber: 'RR473124828CN', serviceName: 'CPAM', lastParcel: true },
        't',
      ),
    ).rejects.toThrow(/check digit/);
    await markParcelShipped(
      ctx,
      { orderId: a!.orderId, trackingNumber: s10For(1), serviceName: 'CPAM', lastParcel: false },
      't',
    );
    await expect(
      markParcelShipped(
        ctx,
        { orderId: a!.orderId, trackingNumber: s10For(1), serviceName: 'CPAM', lastParcel: true },
        't',
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    // The same number on another order is a re-use.
    await expect(
      markParcelShipped(
        ctx,
        { orderId: b!.orderId, trackingNumber: s10For(1), serviceName: 'CPAM', lastParcel: true },
        't',
      ),
    ).rejects.toBeInstanceOf(ValidationError);
    await markParcelShipped(
      ctx,
      { orderId: a!.orderId, trackingNumber: s10For(2), serviceName: 'CPAM', lastParcel: true },
      't',
    );
    await expect(
      markParcelShipped(
        ctx,
        { orderId: a!.orderId, trackingNumber: s10For(3), serviceName: 'CPAM', lastParcel: false },
        't',
      ),
    ).rejects.toThrow(/last parcel/);
    await applyOrderAction(ctx, c!.orderId, { action: 'cancel', reason: 'buyer asked', actor: 't' });
    await expect(
      markParcelShipped(
        ctx,
        { orderId: c!.orderId, trackingNumber: s10For(4), serviceName: 'CPAM', lastParcel: true },
        't',
      ),
    ).rejects.toThrow(/never uploaded after the order was closed/);
    // All or nothing: one bad parcel in a batch stores none of it.
    await expect(
      markParcelsShipped(
        ctx,
        [
          { orderId: b!.orderId, trackingNumber: s10For(5), serviceName: 'CPAM', lastParcel: true },
          { orderId: orders[3]!.orderId, trackingNumber: 'LP123', serviceName: 'CAINIAO_STANDARD', lastParcel: true },
        ],
        't',
      ),
    ).rejects.toBeInstanceOf(ValidationError);
    expect((await listOutboxEntries(ctx, {})).map((e) => e.trackingNumber)).toEqual([s10For(1), s10For(2)]);
  });

  it('refuses an unrecognised number with no carrier unless the seller confirms it, and records the reason', async () => {
    const [a, b] = orders;
    await expect(
      markParcelShipped(
        ctx,
        { orderId: a!.orderId, trackingNumber: 'ZX9988776655', serviceName: 'LOCAL_COURIER', lastParcel: true },
        't',
      ),
    ).rejects.toThrow(/Format not recognised/);
    await expect(
      markParcelShipped(
        ctx,
        {
          orderId: a!.orderId,
          trackingNumber: 'RA20001400TR',
          serviceName: 'LOCAL_COURIER',
          lastParcel: true,
          confirmUnrecognised: { reason: 'sure' },
        },
        't',
      ),
    ).rejects.toThrow(/S10 needs 8 digits/);
    expect(await listOutboxEntries(ctx, {})).toEqual([]);
    await markParcelShipped(
      ctx,
      {
        orderId: a!.orderId,
        trackingNumber: 'ZX9988776655',
        serviceName: 'LOCAL_COURIER',
        lastParcel: true,
        confirmUnrecognised: { reason: 'Speedy local courier, checked on its site' },
      },
      't',
    );
    const queued = (await events(ctx, a!.orderId)).find((e) => e.kind === 'upload_queued');
    expect(JSON.stringify(queued)).toContain('Speedy local courier, checked on its site');
    // The same through the API route that marks a parcel shipped.
    const app = await buildServer(ctx, { authentication: false });
    try {
      const c = orders[2]!;
      const refused = await app.inject({
        method: 'POST',
        url: `/orders/${c.orderId}/shipments`,
        payload: { tracking_number: 'QW1234567890', service: 'LOCAL_COURIER', last: true },
      });
      expect(refused.statusCode).toBe(400);
      // The refusal names the field that would pass it, so the dashboard's form asks for the reason.
      expect(refused.json().error.issues[0]).toMatchObject({ path: 'confirm_unrecognised.reason' });
      expect(refused.json().error.issues[0].messages['zh-CN']).toContain('确认理由');
      const mistyped = await app.inject({
        method: 'POST',
        url: `/orders/${c.orderId}/shipments`,
        payload: { tracking_number: 'RA20001400TR', service: 'LOCAL_COURIER', last: true },
      });
      expect(mistyped.json().error.issues[0]).toMatchObject({ path: 'tracking_number' });
      const shipped = await app.inject({
        method: 'POST',
        url: `/orders/${c.orderId}/shipments`,
        payload: {
          tracking_number: 'QW1234567890',
          service: 'LOCAL_COURIER',
          last: true,
          confirm_unrecognised: { reason: 'local courier, number read to us by phone' },
        },
      });
      expect(shipped.statusCode).toBe(201);
      expect(shipped.json()).toMatchObject({ order_id: c.orderId, send_type: 'all', upload_status: 'pending' });
      expect(JSON.stringify((await events(ctx, c.orderId)).find((e) => e.kind === 'upload_queued'))).toContain(
        'local courier, number read to us by phone',
      );
    } finally {
      await app.close();
    }
    // A number that needed no confirmation records none.
    await markParcelShipped(
      ctx,
      {
        orderId: b!.orderId,
        trackingNumber: s10For(7),
        serviceName: 'CPAM',
        lastParcel: true,
        confirmUnrecognised: { reason: 'not needed' },
      },
      't',
    );
    expect(JSON.stringify((await events(ctx, b!.orderId)).find((e) => e.kind === 'upload_queued'))).not.toContain(
      'not needed',
    );
  });

  it('takes over at once the uploads of a worker whose process died, without waiting out its lease', async () => {
    const clock = manualClock(Date.now());
    const timed = contextFor(store, clock);
    await markParcelShipped(
      timed,
      { orderId: orders[0]!.orderId, trackingNumber: s10For(40), serviceName: 'CPAM', lastParcel: true },
      't',
    );
    // A worker of this host that ended (its pid no longer runs) claimed it under a 10-minute lease.
    const deadWorker = `${hostname()}:${spawnSync(process.execPath, ['-e', '']).pid}:abcdef`;
    const held = await claimOutboxRows(timed, deadWorker, { limit: 5, leaseMs: 600_000 });
    expect(held).toHaveLength(1);
    const taken = await claimOutboxRows(createContext(store, clock.now), 'survivor', { limit: 5, leaseMs: 1_000 });
    expect(taken.map((r) => [r.order_id, r.claimed_from, r.previous_owner, r.needs_readback])).toEqual([
      [orders[0]!.orderId, 'in_flight', deadWorker, 1],
    ]);
  });

  it('claims the most urgent first, never the same row twice, and takes over an expired lease', async () => {
    const clock = manualClock(Date.now());
    const timed = contextFor(store, clock);
    // orders[i] has handling 2 + i days: orders[0] is the most urgent.
    for (const [i, order] of [...orders].reverse().entries()) {
      await markParcelShipped(
        timed,
        { orderId: order.orderId, trackingNumber: s10For(10 + i), serviceName: 'CPAM', lastParcel: true },
        't',
      );
    }
    const first = await claimOutboxRows(timed, 'w1', { limit: 2, leaseMs: 1_000 });
    const second = await claimOutboxRows(timed, 'w2', { limit: 5, leaseMs: 1_000 });
    expect(first.map((r) => r.order_id)).toEqual([orders[0]!.orderId, orders[1]!.orderId]);
    expect(second.map((r) => r.order_id)).toEqual([orders[2]!.orderId, orders[3]!.orderId]);
    expect(await claimOutboxRows(timed, 'w3', { limit: 5, leaseMs: 1_000 })).toEqual([]);

    // w1 dies; after its lease w3 takes its rows, must read back first, and the lost attempt is on the timeline.
    clock.advance(1_001);
    const taken = await claimOutboxRows(timed, 'w3', { limit: 5, leaseMs: 1_000 });
    expect(taken.map((r) => [r.order_id, r.claimed_from, r.previous_owner, r.needs_readback, r.attempts])).toEqual([
      [orders[0]!.orderId, 'in_flight', 'w1', 1, 2],
      [orders[1]!.orderId, 'in_flight', 'w1', 1, 2],
      [orders[2]!.orderId, 'in_flight', 'w2', 1, 2],
      [orders[3]!.orderId, 'in_flight', 'w2', 1, 2],
    ]);
    const lost = (await events(timed, orders[0]!.orderId)).filter((e) => e.kind === 'upload_attempt');
    expect(lost.map((e) => JSON.parse(e.data!).outcome)).toEqual(['lost']);
    // w1 comes back: its claim is gone, so its outcome is not recorded.
    const summary = await recordOutboxOutcomes(timed, 'w1', [
      { row: first[0]!, outcome: { type: 'accepted', via: 'declared' } },
    ]);
    expect(summary.lostClaims).toBe(1);
    expect((await listOutboxEntries(timed, {})).every((e) => e.status === 'in_flight')).toBe(true);
  });

  it("holds an order's `all` until every `part` is delivered", async () => {
    const order = orders[0]!;
    await markParcelsShipped(
      ctx,
      [
        { orderId: order.orderId, trackingNumber: s10For(20), serviceName: 'CPAM', lastParcel: false },
        { orderId: order.orderId, trackingNumber: s10For(21), serviceName: 'CPAM', lastParcel: false },
        { orderId: order.orderId, trackingNumber: s10For(22), serviceName: 'CPAM', lastParcel: true },
      ],
      't',
    );
    const parts = await claimOutboxRows(ctx, 'w', { limit: 10, leaseMs: 60_000 });
    expect(parts.map((r) => r.send_type)).toEqual(['part', 'part']);
    await recordOutboxOutcomes(ctx, 'w', [{ row: parts[0]!, outcome: { type: 'accepted', via: 'declared' } }]);
    expect(
      (await claimOutboxRows(ctx, 'w', { limit: 10, leaseMs: 60_000 })).filter((r) => r.kind === 'upload_tracking'),
    ).toEqual([]);
    await recordOutboxOutcomes(
      ctx,
      'w',
      [{ row: parts[1]!, outcome: { type: 'retry', needsReadback: false, code: 'HTTP_503', message: 'x' } }],
      fastSettings,
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    const again = (await claimOutboxRows(ctx, 'w', { limit: 10, leaseMs: 60_000 })).filter(
      (r) => r.kind === 'upload_tracking',
    );
    expect(again.map((r) => r.send_type)).toEqual(['part']);
    await recordOutboxOutcomes(ctx, 'w', [{ row: again[0]!, outcome: { type: 'accepted', via: 'declared' } }]);
    const last = (await claimOutboxRows(ctx, 'w', { limit: 10, leaseMs: 60_000 })).filter(
      (r) => r.kind === 'upload_tracking',
    );
    expect(last.map((r) => r.send_type)).toEqual(['all']);
    await recordOutboxOutcomes(ctx, 'w', [{ row: last[0]!, outcome: { type: 'accepted', via: 'declared' } }]);
    const detail = await getOrderDetail(ctx, order.orderId);
    expect(detail.order.status).toBe('shipped');
    expect(
      detail.timeline
        .filter((e) => e.kind === 'transition' && e.parcel_id !== null && e.action?.startsWith('ship'))
        .map((e) => e.action),
    ).toEqual(['ship_part', 'ship_all']);
    expect(detail.parcels.map((p) => p.status)).toEqual([
      'tracking_uploaded',
      'tracking_uploaded',
      'tracking_uploaded',
    ]);
  });

  it('delivers through a lost answer exactly once; no buyer notice on AliExpress (no usable message call)', async () => {
    const order = orders[0]!;
    await markParcelsShipped(
      ctx,
      [
        { orderId: order.orderId, trackingNumber: s10For(30), serviceName: 'CPAM', lastParcel: false },
        { orderId: order.orderId, trackingNumber: s10For(31), serviceName: 'CPAM', lastParcel: true },
      ],
      't',
    );
    // Every first declaration is applied, then its answer is lost.
    fake.setFaults({ dropAfterCommit: { probability: 1, count: 2, methods: ['aliexpress.solution.order.fulfill'] } });
    const stats = await drain(ctx);
    expect(stats.accepted).toBe(2);
    const declared = fake.marketplace.declarations.filter((d) => d.orderId === order.platformOrderId);
    expect(declared.map((d) => [d.logisticsNo, d.sendType, d.accepted])).toEqual([
      [s10For(30), 'part', true],
      [s10For(31), 'all', true],
    ]);
    // The retired order-message call is not used, and its successor cannot address the buyer (marketplace/aliexpress/adapter.ts).
    expect(fake.marketplace.messages).toEqual([]);
    const timeline = await events(ctx, order.orderId);
    const outcomes = timeline.filter((e) => e.kind === 'upload_attempt').map((e) => JSON.parse(e.data!).outcome);
    expect(outcomes).toEqual(['ambiguous', 'confirmed_by_readback', 'ambiguous', 'confirmed_by_readback']);
    expect(timeline.filter((e) => e.kind === 'buyer_notice_attempt')).toEqual([]);
    expect(await ctx.store.db.selectFrom('outbox').select('id').where('kind', '=', 'buyer_notice').execute()).toEqual(
      [],
    );
    expect((await getOrderDetail(ctx, order.orderId)).order.status).toBe('shipped');
  });

  it('refuses to upload once the platform closed the order', async () => {
    const order = orders[0]!;
    await markParcelShipped(
      ctx,
      { orderId: order.orderId, trackingNumber: s10For(40), serviceName: 'CPAM', lastParcel: true },
      't',
    );
    fake.marketplace.setStatus(order.platformOrderId, 'FINISH', fake.now());
    const stats = await drain(ctx);
    expect(stats.refused).toBe(1);
    expect(fake.marketplace.declarations.filter((d) => d.accepted)).toEqual([]);
    const [entry] = await listOutboxEntries(ctx, {});
    expect(entry!.status).toBe('refused');
    expect((await events(ctx, order.orderId)).map((e) => e.kind)).toContain('upload_refused');
  });

  it('dead-letters a transient failure only once the order can no longer be saved, and a retry delivers it', async () => {
    const order = orders[0]!;
    const shipped = await markParcelShipped(
      ctx,
      { orderId: order.orderId, trackingNumber: s10For(50), serviceName: 'CPAM', lastParcel: true },
      't',
    );
    // Its deadline 30 days ago: past any policy's closing point (transient failures before it are retried forever).
    await store.db
      .updateTable('orders')
      .set({ ship_by_at: Date.now() - 30 * 86_400_000 })
      .where('id', '=', order.orderId)
      .execute();
    await addWebhook(ctx, { url: 'http://127.0.0.1:9/alerts', secret: 'sixteen-chars-secret' });
    fake.setFaults({ serverError: { probability: 1, status: 503 } });
    const stats = await drain(ctx);
    expect(stats.dead).toBe(1);
    // The dead letter is alerted through the webhooks.
    const alerts = await ctx.store.db
      .selectFrom('webhook_deliveries')
      .select(['kind', 'payload'])
      .where('kind', '=', 'upload_dead_lettered')
      .execute();
    expect(alerts).toHaveLength(1);
    expect(JSON.parse(alerts[0]!.payload)).toMatchObject({ order_id: order.orderId, outbox_id: shipped.outboxId });
    const dead = await listOutboxEntries(ctx, { statuses: ['dead'] });
    expect(dead.map((e) => [e.id, e.attempts])).toEqual([[shipped.outboxId, 1]]);
    expect((await events(ctx, order.orderId)).find((e) => e.kind === 'upload_dead_lettered')!.reason).toMatch(
      /closing point/,
    );
    expect((await events(ctx, order.orderId)).filter((e) => e.kind === 'upload_dead_lettered')).toHaveLength(1);
    fake.clearFaults();
    await retryOutboxRow(ctx, shipped.outboxId, 't');
    await drain(ctx);
    expect(fake.marketplace.declarations.filter((d) => d.accepted).map((d) => d.logisticsNo)).toEqual([s10For(50)]);
    const kinds = (await events(ctx, order.orderId)).map((e) => e.kind);
    expect(kinds).toContain('upload_retry_requested');
    expect(kinds.filter((k) => k === 'upload_attempt')).toHaveLength(2);
  });

  it('holds the upload until the first scan when the shop says so; early uploads warn', async () => {
    await connectFakeShop(ctx, fake, 'shop', 'first_scan');
    const shipped = await markParcelShipped(
      ctx,
      { orderId: orders[0]!.orderId, trackingNumber: s10For(60), serviceName: 'CPAM', lastParcel: true },
      't',
    );
    expect(shipped.uploadStatus).toBe('held');
    await drain(ctx);
    expect(fake.marketplace.declarations).toEqual([]);
    expect(await recordFirstScan(ctx, shipped.parcelId, Date.now(), 'tracking')).toEqual({ released: 1 });
    await drain(ctx);
    expect(fake.marketplace.declarations.map((d) => d.logisticsNo)).toEqual([s10For(60)]);
    expect((await getOrderDetail(ctx, orders[0]!.orderId)).parcels[0]!.status).toBe('tracking_uploaded');

    await connectFakeShop(ctx, fake, 'shop', 'early');
    const early = await markParcelShipped(
      ctx,
      { orderId: orders[1]!.orderId, trackingNumber: s10For(61), serviceName: 'CPAM', lastParcel: true },
      't',
    );
    expect(early.warnings[0]!.en).toMatch(/false shipment/);
    expect(early.warnings[0]!['zh-CN']).toMatch(/虚假发货/);
    await drain(ctx);
    const detail = await getOrderDetail(ctx, orders[1]!.orderId);
    expect(detail.order.status).toBe('shipped');
    // The platform has the number; the parcel itself has no label yet and keeps its state.
    expect(detail.parcels[0]!.status).toBe('created');
    expect(detail.parcels[0]!.tracking_uploaded_at).not.toBeNull();
  });
});
