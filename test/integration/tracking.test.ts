/**
 * Tracking on SQLite AND PostgreSQL: webhooks signed as 17TRACK signs them (stored raw, processed behind the answer),
 * the 60-event China → Spain history replayed out of order and twice, kept-aside events matched later, problems with
 * alerts, and polling against the sample provider. What follows delivery (receipt, after-sales):
 * tracking-receipt.test.ts, in the same world (test/support/tracking-world.ts).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { getOrderDetail, upsertOrders } from '../../src/app/orders';
import { markParcelShipped } from '../../src/app/shipments';
import { ingestTrackingEvents, matchUnmatchedEvents, registerParcels } from '../../src/app/tracking';
import { deliveryDrainerOf } from '../../src/app/tracking';
import { pollDueParcels, runTrackingSweep } from '../../src/app/tracking';
import { getParcelTracking, listUnmatchedEvents } from '../../src/app/tracking';
import { saveProvider } from '../../src/app/tracking';
import { DAY_MS, HOUR_MS } from '../../src/core/time';
import { parseWebhookBody } from '../../src/integrations/tracking/provider';
import { SampleTrackingProvider } from '../../src/integrations/tracking/sample-provider';
import type { Store } from '../../src/store/database';
import type { FastifyInstance } from 'fastify';
import { backends } from '../support/backends';
import { CN_ES_DELIVERED, CN_ES_EVENTS, CN_ES_FIRST_SCAN, cnEsWebhook } from '../support/tracking-history-cn-es';
import { SECRET, number, order, useTrackingWorld } from '../support/tracking-world';

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe.each(backends)('tracking on $name', (backend) => {
  const world = useTrackingWorld(backend);
  const { clock, ids, ship, post, orderRow, parcelRow } = world;
  let store: Store;
  let ctx: AppContext;
  let app: FastifyInstance;
  beforeAll(() => {
    ({ store, ctx, app } = world);
  });
  it('replays the 60-event China → Spain history through signed webhooks, out of order and twice, to one result', async () => {
    const parcelId = await ship('T1', 1);
    clock.set(Date.UTC(2026, 10, 20));
    const shuffled = shuffle(CN_ES_EVENTS, 7);
    const chunks = [shuffled.slice(0, 25), shuffled.slice(25, 45), shuffled.slice(45)];
    const bodies = chunks.map((chunk) => cnEsWebhook(chunk, number(1)));
    const answers = [];
    for (const body of bodies) answers.push(await post(body));
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202]);
    // The same delivery again (17TRACK retries it; same sign): acknowledged, not stored twice.
    const replay = await post(bodies[0]!);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual({ accepted: true, duplicate: true });
    // The whole history again in one new delivery: every event a duplicate.
    clock.advance(1000);
    expect((await post(cnEsWebhook(CN_ES_EVENTS, number(1)))).statusCode).toBe(202);
    await deliveryDrainerOf(ctx).idle();

    const parcel = await parcelRow(parcelId);
    expect(parcel).toMatchObject({
      status: 'delivered',
      first_scan_at: CN_ES_FIRST_SCAN,
      delivered_at: CN_ES_DELIVERED,
    });
    const t1 = await orderRow('T1');
    expect(t1).toMatchObject({ status: 'delivered', first_scan_at: CN_ES_FIRST_SCAN, delivered_at: CN_ES_DELIVERED });
    const view = await getParcelTracking(ctx, parcelId);
    expect(view.events).toHaveLength(60);
    expect(view.tracking).toMatchObject({
      status: 'delivered',
      raw_status: 'Delivered',
      raw_substatus: 'Delivered_Other',
      destination_country: 'ES',
    });
    expect(view.problems).toEqual([]);
    const timeline = (await getOrderDetail(ctx, t1.id)).timeline;
    const transitions = timeline
      .filter((e) => e.kind === 'transition' && e.actor === 'tracking')
      .map((e) => `${e.parcel_id ? 'parcel' : 'order'}:${e.action}`);
    expect(transitions.sort()).toEqual(
      ['order:report_delivered', 'order:report_in_transit', 'parcel:report_delivered', 'parcel:report_in_transit']
        .filter((t) => transitions.includes(t))
        .sort(),
    );
    expect(transitions).toContain('parcel:report_delivered');
    expect(transitions).toContain('order:report_delivered');
    expect(new Set(transitions).size).toBe(transitions.length);
    expect(timeline.filter((e) => e.kind === 'first_scan')).toHaveLength(1);
    const deliveries = await store.db
      .selectFrom('tracking_deliveries')
      .select(['status', 'events'])
      .orderBy('id')
      .execute();
    expect(deliveries.map((d) => d.status)).toEqual(['processed', 'processed', 'processed', 'processed']);
    expect(deliveries.map((d) => d.events)).toEqual([25, 20, 15, 60]);
  });

  it('lands on the same parcel and order state for any order, duplication and batching of the events (property)', async () => {
    clock.set(Date.UTC(2026, 10, 2, 0));
    const parsed = parseWebhookBody('seventeen', cnEsWebhook(), clock.now()).events;
    let serial = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer(),
        fc.array(fc.nat({ max: 59 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 25 }),
        async (seed, duplicates, batchSize) => {
          serial++;
          const id = `P${serial}`;
          const { ids: created } = await upsertOrders(ctx, 'ae', [order(id)], 'test');
          ids.set(id, created.get(id)!);
          const parcelId = await ship(id, 100 + serial);
          const mine = parsed.map((e) => ({ ...e, trackingNumber: number(100 + serial) }));
          const stream = shuffle([...mine, ...duplicates.map((i) => mine[i]!)], seed >>> 0);
          await ingestTrackingEvents(ctx, stream, { provider: 'sample', batchSize });
          expect(await parcelRow(parcelId)).toMatchObject({
            status: 'delivered',
            first_scan_at: CN_ES_FIRST_SCAN,
            delivered_at: CN_ES_DELIVERED,
          });
          expect(await orderRow(id)).toMatchObject({
            status: 'delivered',
            first_scan_at: CN_ES_FIRST_SCAN,
            delivered_at: CN_ES_DELIVERED,
          });
          const tracking = await store.db
            .selectFrom('parcel_tracking')
            .selectAll()
            .where('parcel_id', '=', parcelId)
            .executeTakeFirstOrThrow();
          expect(tracking).toMatchObject({
            status: 'delivered',
            status_at: Date.parse('2026-11-18T12:00:00+01:00'),
            first_scan_at: CN_ES_FIRST_SCAN,
          });
          expect((await getParcelTracking(ctx, parcelId)).events).toHaveLength(60);
        },
      ),
      { numRuns: 3 },
    );
  });

  it("stores the carrier's words as they are, quotes, backslashes, braces and the word NULL included", async () => {
    clock.set(Date.UTC(2026, 10, 2, 0));
    const { ids: created } = await upsertOrders(ctx, 'ae', [order('Q1')], 'test');
    ids.set('Q1', created.get('Q1')!);
    const parcelId = await ship('Q1', 90);
    const at = Date.UTC(2026, 10, 1, 20);
    const words = {
      rawSubstatus: 'In "transit", {hub} \\ 1',
      description: 'Said "hi" \\ left, {at} the door',
      location: 'NULL',
    };
    const event = {
      key: 'q1-1',
      occurredAt: at,
      status: 'in_transit' as const,
      rawStatus: 'InTransit',
      destinationCountry: 'ES',
      ...words,
    };
    await ingestTrackingEvents(ctx, [{ trackingNumber: number(90), carrier: 'china-post', event }], {
      provider: 'sample',
    });
    const tracking = await store.db
      .selectFrom('parcel_tracking')
      .selectAll()
      .where('parcel_id', '=', parcelId)
      .executeTakeFirstOrThrow();
    expect(tracking).toMatchObject({
      raw_substatus: words.rawSubstatus,
      description: words.description,
      location: 'NULL',
      status: 'in_transit',
    });
    const timeline = await store.db
      .selectFrom('order_events')
      .select(['reason', 'data'])
      .where('order_id', '=', ids.get('Q1')!)
      .where('parcel_id', '=', parcelId)
      .where('kind', '=', 'transition')
      .execute();
    expect(timeline.map((e) => e.reason)).toContain(`carrier: in transit (${words.rawSubstatus})`);
  });

  it('loses nothing when several ingestions touch one parcel at once', async () => {
    clock.set(Date.UTC(2026, 10, 2, 0));
    const { ids: created } = await upsertOrders(ctx, 'ae', [order('C1')], 'test');
    ids.set('C1', created.get('C1')!);
    const parcelId = await ship('C1', 300);
    const mine = parseWebhookBody('seventeen', cnEsWebhook(CN_ES_EVENTS, number(300)), clock.now()).events;
    const shuffled = shuffle(mine, 3);
    await Promise.all(
      [0, 1, 2].map((k) =>
        ingestTrackingEvents(
          ctx,
          shuffled.filter((_, i) => i % 3 === k),
          { provider: 'sample', batchSize: 4 },
        ),
      ),
    );
    expect(await parcelRow(parcelId)).toMatchObject({
      status: 'delivered',
      first_scan_at: CN_ES_FIRST_SCAN,
      delivered_at: CN_ES_DELIVERED,
    });
    expect(
      await store.db
        .selectFrom('parcel_tracking')
        .selectAll()
        .where('parcel_id', '=', parcelId)
        .executeTakeFirstOrThrow(),
    ).toMatchObject({ status: 'delivered', first_scan_at: CN_ES_FIRST_SCAN });
    expect((await getParcelTracking(ctx, parcelId)).events).toHaveLength(60);
    const timeline = (await getOrderDetail(ctx, ids.get('C1')!)).timeline;
    expect(timeline.filter((e) => e.kind === 'first_scan')).toHaveLength(1);
    expect(timeline.filter((e) => e.action === 'report_delivered')).toHaveLength(2); // the parcel's and the order's
  });

  it('keeps an event for an unknown number aside and matches it when the parcel appears; the first scan releases a held upload', async () => {
    clock.set(Date.UTC(2026, 10, 3, 0));
    const parsed = parseWebhookBody('seventeen', cnEsWebhook(CN_ES_EVENTS.slice(0, 6), number(3)), clock.now());
    const report = await ingestTrackingEvents(ctx, parsed.events, { provider: 'sample' });
    expect(report).toMatchObject({ received: 6, stored: 6, unmatched: 6, parcelsUpdated: 0 });
    expect((await listUnmatchedEvents(ctx)).filter((e) => e.tracking_number === number(3))).toHaveLength(6);

    // The seller ships later with the same number; the shop uploads only after the first scan.
    const shipped = await markParcelShipped(
      ctx,
      { orderId: ids.get('F1')!, trackingNumber: number(3), serviceName: 'CPAM', lastParcel: true },
      'test',
    );
    expect(shipped.uploadStatus).toBe('held');
    const matched = await matchUnmatchedEvents(ctx);
    expect(matched).toMatchObject({ matched: 6, firstScans: 1, uploadsReleased: 1 });
    expect(await listUnmatchedEvents(ctx)).toEqual([]);
    const parcel = await parcelRow(shipped.parcelId);
    expect(parcel).toMatchObject({
      status: 'in_transit',
      first_scan_at: CN_ES_FIRST_SCAN,
      handed_over_at: CN_ES_FIRST_SCAN,
    });
    expect((await orderRow('F1')).first_scan_at).toBe(CN_ES_FIRST_SCAN);
    const upload = await store.db
      .selectFrom('outbox')
      .selectAll()
      .where('parcel_id', '=', shipped.parcelId)
      .executeTakeFirstOrThrow();
    expect(upload.status).toBe('pending');
    const kinds = (await getOrderDetail(ctx, ids.get('F1')!)).timeline.map((e) =>
      e.kind === 'transition' ? `${e.kind}:${e.action}` : e.kind,
    );
    expect(kinds).toEqual(
      expect.arrayContaining(['transition:hand_over', 'first_scan', 'upload_released', 'transition:report_in_transit']),
    );
    // Matched again: nothing more.
    expect((await matchUnmatchedEvents(ctx)).matched).toBe(0);
  });

  it('raises problems once, each with what to do and an alert, and resolves them when they end', async () => {
    clock.set(Date.UTC(2026, 10, 4, 0));
    const p2 = await ship('T2', 2);
    const p4 = await ship('T4', 4);
    const p5 = await ship('T5', 5);
    clock.advance(49 * HOUR_MS);
    expect((await runTrackingSweep(ctx)).problemsRaised).toBeGreaterThanOrEqual(3);
    let listed = (await app.inject({ method: 'GET', url: '/parcels?problem=not_online&shop=ae' })).json()
      .items as Array<{ parcel_id: number; level: string; what_to_do: { en: string } }>;
    expect(listed.filter((p) => p.parcel_id === p2).map((p) => p.level)).toEqual(['warning']);
    expect((await runTrackingSweep(ctx)).problemsRaised).toBe(0);
    clock.advance(24 * HOUR_MS);
    await runTrackingSweep(ctx);
    listed = (await app.inject({ method: 'GET', url: '/parcels?problem=not_online' })).json().items;
    expect(
      listed
        .filter((p) => p.parcel_id === p2)
        .map((p) => p.level)
        .sort(),
    ).toEqual(['alarm', 'warning']);

    // T2 is scanned at last: not online is over. T4's number is unknown to the carrier; T5 goes to France.
    const t = clock.now();
    const at = (h: number) => new Date(t - h * HOUR_MS).toISOString();
    const scan = JSON.stringify({
      event: 'TRACKING_UPDATED',
      data: {
        number: number(2),
        carrier: 'china-post',
        track_info: {
          tracking: {
            providers: [
              {
                events: [
                  { time_iso: at(1), stage: 'InTransit', sub_status: 'InTransit_PickedUp', description: 'Accepted' },
                ],
              },
            ],
          },
        },
      },
    });
    const invalid = JSON.stringify({
      event: 'TRACKING_UPDATED',
      data: {
        number: number(4),
        carrier: 'china-post',
        track_info: {
          latest_status: { status: 'NotFound', sub_status: 'NotFound_InvalidCode' },
          tracking: { providers: [] },
        },
      },
    });
    const france = JSON.stringify({
      event: 'TRACKING_UPDATED',
      data: {
        number: number(5),
        carrier: 'china-post',
        track_info: {
          shipping_info: { recipient_address: { country: 'FR' } },
          tracking: {
            providers: [
              {
                events: [
                  { time_iso: at(2), stage: 'InTransit', sub_status: 'InTransit_PickedUp', description: 'Accepted' },
                ],
              },
            ],
          },
        },
      },
    });
    for (const body of [scan, invalid, france]) expect((await post(body)).statusCode).toBe(202);
    await deliveryDrainerOf(ctx).idle();

    const falseShipment = (await app.inject({ method: 'GET', url: '/parcels?problem=false_shipment' })).json()
      .items as Array<{ parcel_id: number; kind: string; what_to_do: { en: string; 'zh-CN': string } }>;
    expect(falseShipment.map((p) => `${p.parcel_id}:${p.kind}`).sort()).toEqual(
      [`${p4}:invalid_number`, `${p5}:wrong_destination`].sort(),
    );
    expect(
      falseShipment.every((p) => p.what_to_do.en.length > 20 && /[\u4e00-\u9fff]/.test(p.what_to_do['zh-CN'])),
    ).toBe(true);
    const open = (await app.inject({ method: 'GET', url: '/parcels?problem=not_online' })).json().items as Array<{
      parcel_id: number;
    }>;
    expect(open.some((p) => p.parcel_id === p2)).toBe(false);
    expect((await app.inject({ method: 'GET', url: '/parcels?problem=teleported' })).statusCode).toBe(400);
    const alerts = await store.db.selectFrom('webhook_deliveries').select('kind').execute();
    expect(alerts.map((a) => a.kind)).toEqual(
      expect.arrayContaining(['tracking_not_online', 'tracking_invalid_number', 'tracking_wrong_destination']),
    );
    const t2 = (await getOrderDetail(ctx, ids.get('T2')!)).timeline.map((e) => e.kind);
    expect(t2.filter((k) => k === 'tracking_problem')).toHaveLength(2);
    expect(t2.filter((k) => k === 'tracking_problem_resolved')).toHaveLength(2);
    expect((await parcelRow(p5)).status).toBe('in_transit');
  });

  it('polls the sample provider on its cadence, registering unknown numbers, until 30 days after delivery', async () => {
    const provider = new SampleTrackingProvider({ now: clock.now, speed: 1 });
    const url = await provider.listen(0);
    try {
      await saveProvider(ctx, { name: 'poller', kind: 'seventeen', baseUrl: url, webhookSecret: SECRET, polls: true });
      clock.set(Date.UTC(2026, 10, 10, 0));
      const start = clock.now();
      const parcelId = await ship('T6', 6);
      provider.register({ number: number(6), scenario: 'delivered', start_at: start });
      // Parcels shipped before the poller existed are not polled by it: only the new one is registered here.
      expect(await registerParcels(ctx)).toBeGreaterThanOrEqual(1);
      const tracking = async () =>
        store.db.selectFrom('parcel_tracking').selectAll().where('parcel_id', '=', parcelId).executeTakeFirstOrThrow();
      expect((await tracking()).next_poll_at).toBe(start);
      await pollDueParcels(ctx);
      expect((await tracking()).next_poll_at).toBe(start + 6 * HOUR_MS);
      clock.set(start + 12 * HOUR_MS);
      await pollDueParcels(ctx);
      expect(await tracking()).toMatchObject({
        status: 'accepted',
        first_scan_at: start + 9 * HOUR_MS,
        next_poll_at: start + 24 * HOUR_MS,
      });
      clock.set(start + 10 * DAY_MS);
      await pollDueParcels(ctx);
      expect(await tracking()).toMatchObject({ status: 'delivered', delivered_at: start + 205 * HOUR_MS });
      expect((await parcelRow(parcelId)).status).toBe('delivered');
      clock.set(start + 205 * HOUR_MS + 30 * DAY_MS);
      await pollDueParcels(ctx);
      expect((await tracking()).next_poll_at).toBeNull();
      // A parcel whose label is bought is registered with the provider at once, with 17TRACK's carrier key.
      const p7 = await ship('T7', 7);
      await registerParcels(ctx);
      expect(provider.parcels.get(number(7))?.carrier).toBe('china-post');
      const first = await pollDueParcels(ctx);
      expect(first.polled).toBe(1);
      expect(
        (
          await store.db
            .selectFrom('parcel_tracking')
            .select('polls')
            .where('parcel_id', '=', p7)
            .executeTakeFirstOrThrow()
        ).polls,
      ).toBe(1);
    } finally {
      await provider.close();
      await store.db.updateTable('tracking_providers').set({ polls: 0 }).where('name', '=', 'poller').execute();
    }
  });

  it('takes the webhooks the sample provider pushes over HTTP, signed, and only new ones', async () => {
    clock.set(Date.UTC(2026, 10, 12));
    const parcelId = await ship('T9', 9);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const provider = new SampleTrackingProvider({
      webhookUrl: `${address}/tracking/webhooks/sample`,
      webhookSecret: SECRET,
      now: clock.now,
      speed: 1,
    });
    provider.register({ number: number(9), scenario: 'failed_then_delivered', start_at: clock.now() - 11 * DAY_MS });
    expect(await provider.pushWebhooks()).toEqual({ sent: 1, failed: 0 });
    await deliveryDrainerOf(ctx).idle();
    expect((await parcelRow(parcelId)).status).toBe('delivered');
    const view = await getParcelTracking(ctx, parcelId);
    expect(view.events.map((e) => e.raw_substatus)).toContain('DeliveryFailure_NoBody');
    expect(await provider.pushWebhooks()).toEqual({ sent: 0, failed: 0 });
  });
});
