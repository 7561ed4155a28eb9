/**
 * Tracking to receipt on SQLite AND PostgreSQL: webhooks signed as 17TRACK signs them (stored raw, processed behind the answer), the
 * 60-event China → Spain history replayed out of order and twice, kept-aside events matched later, problems with
 * alerts, polling against the sample provider, receipt auto-confirmation, and after-sales cases.
 */
import { TEST_MASTER_KEY } from '../support/outbox-fixtures';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openCasesFromSync } from '../../src/app/after-sales';
import { inrRate } from '../../src/app/after-sales-views';
import type { AppContext } from '../../src/app/context';
import { addWebhook } from '../../src/app/deadlines';
import { connectShop } from '../../src/app/marketplace';
import { getOrderDetail, upsertOrders } from '../../src/app/orders';
import { receiptOf, runReceiptSweep, setPromisedDeliveryDays } from '../../src/app/receipt';
import { markParcelShipped } from '../../src/app/shipments';
import { ingestTrackingEvents, matchUnmatchedEvents, registerParcels } from '../../src/app/tracking';
import { deliveryDrainerOf } from '../../src/app/tracking';
import { pollDueParcels, runTrackingSweep } from '../../src/app/tracking';
import { saveProvider } from '../../src/app/tracking';
import { getParcelTracking, listUnmatchedEvents } from '../../src/app/tracking';
import { claimOutboxRows, recordOutboxOutcomes } from '../../src/app/upload-outbox';
import { type ImportIssue } from '../../src/core/order-input';
import { parseJsonOrder } from '../../src/core/order-input-json';
import { DAY_MS, HOUR_MS } from '../../src/core/time';
import { makeS10 } from '../../src/core/tracking/s10';
import { buildServer } from '../../src/http/server';
import { parseWebhookBody } from '../../src/integrations/tracking/provider';
import { SEVENTEEN_SIGNATURE_HEADER, seventeenTrackSign } from '../../src/integrations/tracking/seventeen-track';
import { SampleTrackingProvider } from '../../src/integrations/tracking/sample-provider';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock, tempDir } from '../support/backends';
import { CN_ES_DELIVERED, CN_ES_EVENTS, CN_ES_FIRST_SCAN, cnEsWebhook } from '../support/tracking-history-cn-es';

const SECRET = 'sample-webhook-secret-0001';
const MASTER_KEY = TEST_MASTER_KEY;
const PAID = Date.UTC(2026, 10, 1, 10);
const number = (n: number) => makeS10(20_000_000 + n, 'RR', 'CN');

function order(id: string, extra: Record<string, unknown> = {}) {
  const issues: ImportIssue[] = [];
  const o = parseJsonOrder(
    {
      order_id: id,
      platform: 'aliexpress',
      status: 'WAIT_SELLER_SEND_GOODS',
      paid_at: new Date(PAID).toISOString(),
      risk_passed_at: new Date(PAID + HOUR_MS).toISOString(),
      buyer_name: 'Lucía',
      buyer_country: 'ES',
      address_line1: 'Calle Mayor 1',
      city: 'Madrid',
      postcode: '28013',
      currency: 'EUR',
      handling_days: 20,
      logistics_service: 'CPAM',
      lines: [{ sku: 'A', quantity: 1, unit_price: '20.00' }],
      ...extra,
    },
    '',
    1,
    issues,
  );
  if (!o) throw new Error(JSON.stringify(issues));
  return { order: o, row: 1 };
}

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

describe.each(backends)('tracking to receipt on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  const clock = manualClock(Date.UTC(2026, 10, 2, 0));
  const ids = new Map<string, number>();
  const dataDir = tempDir();

  async function ship(platformId: string, n: number, accept = true) {
    const shipped = await markParcelShipped(
      ctx,
      { orderId: ids.get(platformId)!, trackingNumber: number(n), serviceName: 'CPAM', lastParcel: true },
      'test',
    );
    if (accept) {
      const rows = (await claimOutboxRows(ctx, 'w', { limit: 50, leaseMs: 60_000 })).filter(
        (r) => r.kind === 'upload_tracking',
      );
      await recordOutboxOutcomes(
        ctx,
        'w',
        rows.map((row) => ({ row, outcome: { type: 'accepted' as const, via: 'declared' as const } })),
      );
    }
    return shipped.parcelId;
  }

  function post(body: string, options: { provider?: string; secret?: string; signature?: string } = {}) {
    return app.inject({
      method: 'POST',
      url: `/tracking/webhooks/${options.provider ?? 'sample'}`,
      headers: {
        'content-type': 'application/json',
        [SEVENTEEN_SIGNATURE_HEADER]: options.signature ?? seventeenTrackSign(options.secret ?? SECRET, body),
      },
      payload: body,
    });
  }

  const orderRow = async (platformId: string) =>
    store.db.selectFrom('orders').selectAll().where('platform_order_id', '=', platformId).executeTakeFirstOrThrow();
  const parcelRow = async (id: number) =>
    store.db.selectFrom('parcels').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, clock);
    app = await buildServer(ctx, { authentication: false });
    await app.ready();
    await connectShop(ctx, MASTER_KEY, {
      shopId: 'ae',
      appKey: 'k',
      appSecret: 's',
      accessToken: 't',
      gatewayUrl: 'http://127.0.0.1:9',
    });
    await connectShop(ctx, MASTER_KEY, {
      shopId: 'fs',
      appKey: 'k',
      appSecret: 's',
      accessToken: 't',
      gatewayUrl: 'http://127.0.0.1:9',
      uploadTiming: 'first_scan',
    });
    // T7 ships a month after the others (the poller's registration test): the platform gave it a later deadline.
    const result = await upsertOrders(
      ctx,
      'ae',
      ['T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9'].map((id) =>
        order(id, id === 'T7' ? { ship_by: '2027-01-31T00:00:00Z' } : {}),
      ),
      'test',
    );
    for (const [k, v] of result.ids) ids.set(k, v);
    for (const [k, v] of (await upsertOrders(ctx, 'fs', [order('F1')], 'test')).ids) ids.set(k, v);
    await saveProvider(ctx, { name: 'sample', kind: 'seventeen', webhookSecret: SECRET });
    await addWebhook(ctx, { url: 'http://127.0.0.1:9/alerts', secret: 'alert-secret-0000001' });
  });
  afterAll(async () => {
    await app.close();
    await dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
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
