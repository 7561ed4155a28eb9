/**
 * What follows delivery, on SQLite AND PostgreSQL, in the tracking tests' world (test/support/tracking-world.ts):
 * receipt auto-confirmation (not while a case is open) and after-sales cases with evidence, from the dashboard and
 * from the sync, feeding the INR rate. Before them, T1 is delivered through the China → Spain history pushed as
 * 17TRACK pushes it, T2's parcel has its first events, and T5 is shipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openCasesFromSync } from '../../src/app/after-sales';
import { inrRate } from '../../src/app/after-sales-views';
import type { AppContext } from '../../src/app/context';
import { getOrderDetail } from '../../src/app/orders';
import { receiptOf, runReceiptSweep, setPromisedDeliveryDays } from '../../src/app/receipt';
import { deliveryDrainerOf } from '../../src/app/tracking';
import { DAY_MS } from '../../src/core/time';
import type { Store } from '../../src/store/database';
import { backends } from '../support/backends';
import { CN_ES_EVENTS, cnEsWebhook } from '../support/tracking-history-cn-es';
import { number, useTrackingWorld } from '../support/tracking-world';

describe.each(backends)('receipt and after-sales on $name', (backend) => {
  const world = useTrackingWorld(backend);
  const { clock, ids, ship, post, orderRow, dataDir } = world;
  let store: Store;
  let ctx: AppContext;
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ store, ctx, app } = world);
    await ship('T1', 1);
    await ship('T2', 2);
    await ship('T5', 5);
    clock.set(Date.UTC(2026, 10, 20));
    expect((await post(cnEsWebhook(CN_ES_EVENTS, number(1)))).statusCode).toBe(202);
    expect((await post(cnEsWebhook(CN_ES_EVENTS.slice(0, 10), number(2)))).statusCode).toBe(202);
    await deliveryDrainerOf(ctx).idle();
    expect((await orderRow('T1')).status).toBe('delivered');
  });

  it('confirms receipt automatically at last shipment + promised days × 24 h, once, and not while a case is open', async () => {
    clock.set(Date.UTC(2026, 9, 20, 17)); // 10:00 Pacific daylight time
    await ship('T8', 8);
    const t8 = ids.get('T8')!;
    await setPromisedDeliveryDays(ctx, t8, 27, 'test');
    const view = await receiptOf(ctx, t8);
    // The platform's countdown is elapsed time: across the DST change 27 days are still 27 × 24 h (§1.3).
    const expected = Date.UTC(2026, 9, 20, 17) + 27 * DAY_MS;
    expect(view).toMatchObject({
      auto_confirm_at: new Date(expected).toISOString(),
      days: 27,
      source: 'order',
      zone: 'America/Los_Angeles',
    });

    clock.set(expected - 5 * DAY_MS);
    const soon = await runReceiptSweep(ctx);
    expect(soon.confirmed).toBe(0);
    expect(soon.extensionsProposed).toBe(1);
    expect((await runReceiptSweep(ctx)).extensionsProposed).toBe(0);
    expect((await app.inject({ method: 'GET', url: '/parcels?problem=extension_proposed' })).json().items).toHaveLength(
      1,
    );

    clock.set(expected - 1);
    expect((await runReceiptSweep(ctx)).confirmed).toBe(0);
    clock.set(expected);
    const [a, b] = await Promise.all([runReceiptSweep(ctx), runReceiptSweep(ctx)]);
    expect(a.confirmed + b.confirmed).toBeGreaterThanOrEqual(1);
    const confirmed = await orderRow('T8');
    expect(confirmed).toMatchObject({ status: 'completed', receipt_confirmed_at: expected });
    const confirmations = (await getOrderDetail(ctx, t8)).timeline.filter((e) => e.action === 'confirm_receipt');
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]!.actor).toBe('auto-confirm');
    expect((await runReceiptSweep(ctx)).confirmed).toBe(0);

    // T1 (delivered in the first test) has an open case: the clock does not confirm it.
    const t1 = ids.get('T1')!;
    const opened = await app.inject({
      method: 'POST',
      url: `/orders/${t1}/cases`,
      payload: { kind: 'not_as_described', reason: 'wrong colour' },
    });
    expect(opened.statusCode).toBe(201);
    clock.set(Date.UTC(2027, 2, 1));
    const held = await runReceiptSweep(ctx);
    expect(held.heldByCase).toBeGreaterThanOrEqual(1);
    expect((await orderRow('T1')).status).toBe('delivered');
  });

  it('runs after-sales cases with evidence and outcome, on the timeline, from the sync too, feeding the INR rate', async () => {
    // Restored at the end: the files of a worker share its process (vitest.config.ts, isolate: false).
    const savedDataDir = process.env.SHIPBY_DATA_DIR;
    process.env.SHIPBY_DATA_DIR = dataDir;
    onTestFinished(() => {
      if (savedDataDir === undefined) delete process.env.SHIPBY_DATA_DIR;
      else process.env.SHIPBY_DATA_DIR = savedDataDir;
    });
    clock.set(Date.UTC(2027, 2, 2));
    const t2 = ids.get('T2')!;
    const opened = await app.inject({
      method: 'POST',
      url: `/orders/${t2}/cases`,
      payload: { kind: 'not_received', reason: 'nothing arrived' },
    });
    expect(opened.statusCode).toBe(201);
    const created = opened.json();
    expect(created).toMatchObject({
      state: 'open',
      kind: 'not_received',
      source: 'manual',
      respond_by: new Date(clock.now() + 5 * DAY_MS).toISOString(),
    });
    expect(created.evidence[0].kind).toBe('tracking_snapshot');
    expect(created.evidence[0].content.parcels[0].events.length).toBeGreaterThan(0);

    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const withPhoto = (
      await app.inject({
        method: 'POST',
        url: `/cases/${created.id}/evidence`,
        payload: { file_name: 'label.png', content_base64: png.toString('base64') },
      })
    ).json();
    const photo = withPhoto.evidence.find((e: { kind: string }) => e.kind === 'photo');
    expect(fs.readFileSync(path.join(dataDir, photo.file_path))).toEqual(png);

    expect(
      (await app.inject({ method: 'POST', url: `/cases/${created.id}/steps`, payload: { action: 'respond' } }))
        .statusCode,
    ).toBe(409);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/cases/${created.id}/steps`,
          payload: { action: 'respond', note: 'tracking shows it at the post office' },
        })
      ).json().state,
    ).toBe('responded');
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/cases/${created.id}/steps`,
          payload: { action: 'resolve', outcome: 'partial_refund', refunded_amount: 5000 },
        })
      ).statusCode,
    ).toBe(409);
    const resolved = (
      await app.inject({
        method: 'POST',
        url: `/cases/${created.id}/steps`,
        payload: { action: 'resolve', outcome: 'partial_refund', refunded_amount: 500 },
      })
    ).json();
    expect(resolved).toMatchObject({
      state: 'resolved',
      outcome: 'partial_refund',
      refunded: { amount: 500, currency: 'EUR' },
    });
    expect(
      (await app.inject({ method: 'POST', url: `/cases/${created.id}/steps`, payload: { action: 'withdraw' } }))
        .statusCode,
    ).toBe(409);

    const kinds = (await getOrderDetail(ctx, t2)).timeline.map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['after_sales_opened', 'after_sales_evidence', 'after_sales_transition']),
    );

    // The sync saw a dispute on T5: one case, once.
    await store.db
      .updateTable('orders')
      .set({ platform_status: 'IN_ISSUE' })
      .where('id', '=', ids.get('T5')!)
      .execute();
    expect(await openCasesFromSync(ctx)).toBe(1);
    expect(await openCasesFromSync(ctx)).toBe(0);
    const fromSync = (await app.inject({ method: 'GET', url: `/cases?order_id=${ids.get('T5')}` })).json().items;
    expect(fromSync).toMatchObject([{ kind: 'not_received', source: 'sync' }]);

    const rate = await inrRate(ctx, 'ae', 30);
    expect(rate).toMatchObject({ inr_cases: 2, inr_withdrawn: 0 });
    expect(rate.rate).toBe(2 / (rate.confirmed_orders + rate.refund_requested_orders));
    expect((await app.inject({ method: 'GET', url: '/metrics/inr?shop=ae' })).json().inr_cases).toBe(2);
  });
});
