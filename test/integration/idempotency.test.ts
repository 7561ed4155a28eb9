/**
 * Repeated POSTs over HTTP on SQLite AND PostgreSQL: the `Idempotency-Key` contract (same key and body → the same
 * answer, replayed, nothing changed; another body → 422; a repeat during the first waits for its answer), and a
 * double click on "buy label" without any key: both answers carry the same label and nothing voided is uploaded.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { connectShop } from '../../src/app/marketplace';
import { recordWeight, scanItem, startPackSession } from '../../src/app/pack-sessions';
import { setSkuDimensions } from '../../src/app/packing-catalog';
import { buildServer } from '../../src/http/server';
import type { SampleCarrierServer } from '../../src/integrations/carriers/sample-server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { TEST_MASTER_KEY } from '../support/outbox-fixtures';
import { addAwaitingOrder, setUpSampleShipping } from '../support/pack';

const START = Date.UTC(2026, 10, 25, 2);

const order = (id: string, extra: Record<string, unknown> = {}) => ({
  order_id: id,
  platform: 'aliexpress',
  status: 'WAIT_SELLER_SEND_GOODS',
  paid_at: '2026-11-24 10:00:00',
  risk_passed_at: '2026-11-24 11:00:00',
  buyer_name: 'Li Wei',
  buyer_country: 'US',
  address_line1: '1 Main St',
  city: 'Austin',
  currency: 'USD',
  handling_days: 3,
  lines: [{ sku: 'SKU-1', quantity: 2, unit_price: '7.50' }],
  ...extra,
});

describe.each(backends)('repeated POSTs on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, manualClock(START));
    app = await buildServer(ctx, { authentication: false });
  });
  afterEach(async () => {
    await app.close();
    await dispose();
  });

  const countOrders = async () =>
    Number(
      (
        await store.db
          .selectFrom('orders')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('replays the first answer to a repeat with the same key and body, and changes nothing', async () => {
    const body = { shop_id: 'web', orders: [order('K1'), order('K2')] };
    const first = await app.inject({
      method: 'POST',
      url: '/orders',
      payload: body,
      headers: { 'idempotency-key': 'import-2026-11-25-a' },
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ created: 2 });
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // Meanwhile the order changes: a replay still answers what the first request answered.
    await app.inject({
      method: 'POST',
      url: '/orders',
      payload: { shop_id: 'web', orders: [order('K1', { city: 'Dallas' })] },
    });
    const again = await app.inject({
      method: 'POST',
      url: '/orders',
      payload: body,
      headers: { 'idempotency-key': 'import-2026-11-25-a' },
    });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const k1 = await store.db
      .selectFrom('orders')
      .select(['city'])
      .where('platform_order_id', '=', 'K1')
      .executeTakeFirstOrThrow();
    expect(k1.city).toBe('Dallas');
    expect(await countOrders()).toBe(2);
  });

  it('refuses the same key with another body (422) or another route, and keeps a refusal as the answer', async () => {
    await app.inject({
      method: 'POST',
      url: '/orders',
      payload: { shop_id: 'web', orders: [order('K3')] },
      headers: { 'idempotency-key': 'k-3' },
    });
    const other = await app.inject({
      method: 'POST',
      url: '/orders',
      payload: { shop_id: 'web', orders: [order('K4')] },
      headers: { 'idempotency-key': 'k-3', 'accept-language': 'zh-CN' },
    });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('idempotency_key_reused');
    expect(other.json().error.message).toMatch(/[\u4e00-\u9fff]/);
    expect(other.json().error.messages.en).toMatch(/new key/);
    expect(
      await store.db.selectFrom('orders').select('id').where('platform_order_id', '=', 'K4').executeTakeFirst(),
    ).toBeUndefined();

    // A 400 is an answer too: the repeat gets the same 400 and nothing is stored either time.
    const bad = { shop_id: 'web', orders: [order('K5', { lines: [{ sku: 'A', quantity: 0, unit_price: '1' }] })] };
    const refused = await app.inject({
      method: 'POST',
      url: '/orders',
      payload: bad,
      headers: { 'idempotency-key': 'k-5' },
    });
    const refusedAgain = await app.inject({
      method: 'POST',
      url: '/orders',
      payload: bad,
      headers: { 'idempotency-key': 'k-5' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refusedAgain.statusCode).toBe(400);
    expect(refusedAgain.json()).toEqual(refused.json());
    expect(await countOrders()).toBe(1);

    const malformed = await app.inject({
      method: 'POST',
      url: '/orders',
      payload: { shop_id: 'web', orders: [order('K6')] },
      headers: { 'idempotency-key': 'x'.repeat(300) },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.issues[0].path).toBe('headers.idempotency-key');
    expect(await countOrders()).toBe(1);
  });

  it('a repeat sent while the first is under way waits for it and gets its answer', async () => {
    await app.inject({ method: 'POST', url: '/orders', payload: { shop_id: 'web', orders: [order('K7')] } });
    const id = (
      await store.db.selectFrom('orders').select('id').where('platform_order_id', '=', 'K7').executeTakeFirstOrThrow()
    ).id;
    const cancel = () =>
      app.inject({
        method: 'POST',
        url: `/orders/${id}/actions/cancel`,
        payload: { reason: 'buyer asked' },
        headers: { 'idempotency-key': 'cancel-k7' },
      });
    const [a, b] = await Promise.all([cancel(), cancel()]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(b.json()).toEqual(a.json());
    expect([a.headers['idempotent-replayed'], b.headers['idempotent-replayed']].filter(Boolean)).toEqual(['true']);
    // Without the key the same repeat is a 409: the order is cancelled already.
    const plain = await app.inject({
      method: 'POST',
      url: `/orders/${id}/actions/cancel`,
      payload: { reason: 'buyer asked' },
    });
    expect(plain.statusCode).toBe(409);
    const cancels = await store.db
      .selectFrom('order_events')
      .select('id')
      .where('order_id', '=', id)
      .where('action', '=', 'cancel')
      .execute();
    expect(cancels).toHaveLength(1);
  });

  it('a double click on "buy label" without a key: both answers carry one label, and it is the one uploaded', async () => {
    let carrier: SampleCarrierServer | undefined;
    try {
      await connectShop(ctx, TEST_MASTER_KEY, {
        shopId: 'shop',
        appKey: 'k',
        appSecret: 's',
        accessToken: 't',
        gatewayUrl: 'http://127.0.0.1:9',
      });
      await setSkuDimensions(ctx, [{ sku: 'SKU-A', dimsMm: [100, 80, 50], weightG: 200, barcode: '6901234567892' }]);
      carrier = await setUpSampleShipping(ctx, 'shop');
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) {
        const ref = `DBL-${i}`;
        ids.push(await addAwaitingOrder(ctx, 'shop', ref, { now: START, shipInHours: 48, sku: 'SKU-A' }));
        const { session } = await startPackSession(ctx, { barcode: ref, station: 'S1' }, 'packer');
        await scanItem(ctx, session.id, 'SKU-A', 'packer');
        await recordWeight(ctx, session.id, { grams: session.parcels[0]!.expectedGrossG }, 'packer');
      }
      for (const id of ids) {
        const click = () => app.inject({ method: 'POST', url: `/orders/${id}/labels`, payload: {} });
        const [a, b] = await Promise.all([click(), click()]);
        expect([a.statusCode, b.statusCode], `${a.body} ${b.body}`).toEqual([201, 201]);
        expect(b.json().items.map((l: { tracking_number: string }) => l.tracking_number)).toEqual(
          a.json().items.map((l: { tracking_number: string }) => l.tracking_number),
        );
        const queued = await store.db.selectFrom('outbox').select('payload').where('order_id', '=', id).execute();
        expect(queued).toHaveLength(1);
        const number = (JSON.parse(queued[0]!.payload) as { trackingNumber: string }).trackingNumber;
        const atCarrier = [...carrier.labels.values()].filter((l) => l.trackingNumber === number);
        expect(atCarrier).toHaveLength(1);
        expect(atCarrier[0]!.voidedAt).toBeNull();
      }
      expect(carrier.labels.size).toBe(5);
    } finally {
      await carrier?.close();
    }
  });
});
