/**
 * Hand-over to the carrier (the dashboard's "mark shipped"), `POST /orders/:id/handover`, on SQLite AND PostgreSQL:
 * the labelled parcels are handed over; a shop connected to its marketplace keeps the order's state for the upload
 * to move, one without a connection ships the order; refusals are 409s with their rule, in both languages.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setCarrierAccount } from '../../src/app/carrier-contracts';
import type { AppContext } from '../../src/app/context';
import { connectShop } from '../../src/app/marketplace';
import { getOrderDetail } from '../../src/app/orders';
import { defineBox, setSender, setSkuDimensions } from '../../src/app/packing-catalog';
import { buildServer } from '../../src/http/server';
import { startSampleCarrierServer, type SampleCarrierServer } from '../../src/integrations/carriers/sample-server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { TEST_MASTER_KEY } from '../support/outbox-fixtures';
import { addAwaitingOrder, packAndLabel } from '../support/pack';

const START = Date.UTC(2026, 10, 25, 2);
const API_KEY = 'test-carrier-key';

const addOrder = (ctx: AppContext, shop: string, id: string) =>
  addAwaitingOrder(ctx, shop, id, { now: START, shipInHours: 48, sku: 'SKU-A' });

let carrier: SampleCarrierServer;
beforeAll(async () => {
  carrier = await startSampleCarrierServer({ apiKey: API_KEY });
});
afterAll(async () => {
  await carrier.close();
});

describe.each(backends)('hand-over on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, manualClock(START));
    await connectShop(ctx, TEST_MASTER_KEY, {
      shopId: 'connected',
      appKey: 'k',
      appSecret: 's',
      accessToken: 't',
      gatewayUrl: 'http://127.0.0.1:9',
    });
    await setSkuDimensions(ctx, [{ sku: 'SKU-A', dimsMm: [100, 80, 50], weightG: 200, barcode: '6901234567892' }]);
    await setCarrierAccount(ctx, {
      carrier: '*',
      protocol: 'yunexpress',
      baseUrl: carrier.url,
      accountId: carrier.customerCode,
      apiKey: API_KEY,
    });
    await defineBox(ctx, 'connected', {
      code: 'S',
      innerMm: [200, 150, 100],
      maxWeightG: 3_000,
      tareG: 80,
      cost: 120,
      currency: 'CNY',
    });
    await setSender(ctx, 'connected', {
      name: 'Shenzhen Example Co',
      addressLine1: '1 Keji Road',
      city: 'Shenzhen',
      postcode: '518000',
      country: 'CN',
      phone: '+86 755 0000 0000',
    });
  });
  afterEach(async () => {
    await dispose();
  });

  it('hands over the labelled parcels; the upload keeps moving the order of a connected shop; a second call is refused', async () => {
    const orderId = await addOrder(ctx, 'connected', 'HO-1');
    await packAndLabel(ctx, 'HO-1', orderId);
    const app = await buildServer(ctx, { authentication: false });
    try {
      const done = await app.inject({ method: 'POST', url: `/orders/${orderId}/handover` });
      expect(done.statusCode).toBe(200);
      const body = done.json();
      expect(body).toMatchObject({
        order_id: orderId,
        platform_order_id: 'HO-1',
        status: 'awaiting_shipment',
        complete: true,
      });
      expect(body.parcels).toHaveLength(1);
      expect(body.message.en).toContain('handed over to the carrier');
      expect(body.message['zh-CN']).toContain('交给承运商');

      const detail = await getOrderDetail(ctx, orderId);
      expect(detail.parcels.map((p) => p.status)).toEqual(['handed_over']);
      expect(detail.parcels[0]!.handed_over_at).toBe(START);
      expect(detail.order.handed_over_at).toBe(START);
      expect(detail.order.status).toBe('awaiting_shipment'); // the marketplace's acceptance of the number moves it
      expect(detail.timeline.find((e) => e.action === 'hand_over')).toMatchObject({
        from_state: 'labelled',
        to_state: 'handed_over',
      });

      const again = await app.inject({
        method: 'POST',
        url: `/orders/${orderId}/handover`,
        headers: { 'accept-language': 'zh-CN' },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().error).toMatchObject({ code: 'conflict', rule: 'handover.already_handed_over' });
      expect(again.json().error.message).toContain('已交给承运商');
      expect(again.json().error.messages.en).toContain('already with the carrier');

      expect((await app.inject({ method: 'POST', url: '/orders/999999/handover' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('records a hand-over that comes after the marketplace already accepted the number', async () => {
    const orderId = await addOrder(ctx, 'connected', 'HO-5');
    await packAndLabel(ctx, 'HO-5', orderId);
    // What the upload worker leaves when the number is accepted before anyone pressed "mark shipped".
    await store.db
      .updateTable('parcels')
      .set({ status: 'tracking_uploaded', tracking_uploaded_at: START })
      .where('order_id', '=', orderId)
      .execute();
    const app = await buildServer(ctx, { authentication: false });
    try {
      const done = await app.inject({ method: 'POST', url: `/orders/${orderId}/handover` });
      expect(done.statusCode).toBe(200);
      expect(done.json()).toMatchObject({ complete: true });
      expect(done.json().parcels).toHaveLength(1);
      const detail = await getOrderDetail(ctx, orderId);
      expect(detail.parcels.map((p) => [p.status, p.handed_over_at])).toEqual([['tracking_uploaded', START]]);
      expect(detail.order.handed_over_at).toBe(START);
      expect(detail.timeline.some((e) => e.kind === 'handed_over')).toBe(true);
      const again = await app.inject({ method: 'POST', url: `/orders/${orderId}/handover` });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.rule).toBe('handover.already_handed_over');
    } finally {
      await app.close();
    }
  });

  it('refuses an order with no label (409 with the rule, both languages), and ships an order of an unconnected shop', async () => {
    const unlabelled = await addOrder(ctx, 'connected', 'HO-2');
    const local = await addOrder(ctx, 'local', 'HO-3');
    await defineBox(ctx, 'local', {
      code: 'S',
      innerMm: [200, 150, 100],
      maxWeightG: 3_000,
      tareG: 80,
      cost: 120,
      currency: 'CNY',
    });
    await setSender(ctx, 'local', {
      name: 'Shenzhen Example Co',
      addressLine1: '1 Keji Road',
      city: 'Shenzhen',
      postcode: '518000',
      country: 'CN',
    });
    await packAndLabel(ctx, 'HO-3', local);
    const app = await buildServer(ctx, { authentication: false });
    try {
      const refused = await app.inject({ method: 'POST', url: `/orders/${unlabelled}/handover` });
      expect(refused.statusCode).toBe(409);
      const error = refused.json().error;
      expect(error.rule).toBe('handover.no_label');
      expect(error.messages.en).toBe('order HO-2 has no parcel yet: pack it and buy its label first.');
      expect(error.messages['zh-CN']).toBe('订单 HO-2 还没有包裹：请先装箱并购买面单。');
      expect((await getOrderDetail(ctx, unlabelled)).order.status).toBe('awaiting_shipment');

      const shipped = await app.inject({ method: 'POST', url: `/orders/${local}/handover` });
      expect(shipped.statusCode).toBe(200);
      expect(shipped.json()).toMatchObject({ status: 'shipped', complete: true });
      const detail = await getOrderDetail(ctx, local);
      expect(detail.order.status).toBe('shipped');
      expect(detail.parcels.map((p) => p.status)).toEqual(['handed_over']);
      expect(detail.timeline.find((e) => e.action === 'ship_all')).toMatchObject({
        from_state: 'awaiting_shipment',
        to_state: 'shipped',
      });
    } finally {
      await app.close();
    }
  });

  it('refuses a cancelled order with its rule', async () => {
    const orderId = await addOrder(ctx, 'connected', 'HO-4');
    await packAndLabel(ctx, 'HO-4', orderId);
    const app = await buildServer(ctx, { authentication: false });
    try {
      const cancel = await app.inject({
        method: 'POST',
        url: `/orders/${orderId}/actions/cancel`,
        payload: { reason: 'buyer asked' },
      });
      expect(cancel.statusCode).toBe(200);
      const refused = await app.inject({ method: 'POST', url: `/orders/${orderId}/handover` });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error).toMatchObject({ rule: 'handover.order_closed', state: 'cancelled' });
      expect((await getOrderDetail(ctx, orderId)).parcels.map((p) => p.status)).toEqual(['labelled']);
    } finally {
      await app.close();
    }
  });
});
