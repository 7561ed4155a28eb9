/**
 * A label request sent twice (a double click, a client retrying a slow request, two stations) on SQLite AND
 * PostgreSQL: the requests for one order are serialised, the repeat answers with the first one's label, and no number
 * is ever uploaded (or queued for upload) whose label the carrier voided — the false shipment of the reliability issue.
 * Also: a label row left `issued` by a process killed half-way is resumed, never duplicated.
 */
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { setCarrierAccount } from '../../src/app/carrier-contracts';
import type { AppContext } from '../../src/app/context';
import { labelParcels } from '../../src/app/labels';
import { connectShop } from '../../src/app/marketplace';
import { defineBox, setSender, setSkuDimensions } from '../../src/app/packing-catalog';
import { recordWeight, scanItem, startPackSession } from '../../src/app/pack-sessions';
import { startSampleCarrierServer, type SampleCarrierServer } from '../../src/integrations/carriers/sample-server';
import type { Store } from '../../src/store/database';
import { addAwaitingOrder } from '../support/pack';
import { backends, contextFor, manualClock } from '../support/backends';
import { TEST_MASTER_KEY } from '../support/outbox-fixtures';

// Wednesday 2026-11-25 10:00 in Shanghai.
const START = Date.UTC(2026, 10, 25, 2);
const API_KEY = 'concurrency-carrier-key';
const ORDERS = 20;

let carrier: SampleCarrierServer;
beforeAll(async () => {
  carrier = await startSampleCarrierServer({ apiKey: API_KEY });
});
afterAll(async () => {
  await carrier.close();
});

async function packAndWeigh(ctx: AppContext, platformOrderId: string): Promise<void> {
  const { session } = await startPackSession(ctx, { barcode: platformOrderId, station: 'S1' }, 'packer');
  for (const parcel of session.parcels.filter((p) => p.status === 'created')) {
    for (const item of parcel.contents)
      for (let i = 0; i < item.quantity; i++) await scanItem(ctx, session.id, item.sku, 'packer');
    await recordWeight(ctx, session.id, { grams: parcel.expectedGrossG }, 'packer');
  }
}

describe.each(backends)('label requests sent twice on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, manualClock(START));
    await connectShop(ctx, TEST_MASTER_KEY, {
      shopId: 'shop',
      appKey: 'k',
      appSecret: 's',
      accessToken: 't',
      gatewayUrl: 'http://127.0.0.1:9',
    });
    await setSkuDimensions(ctx, [{ sku: 'SKU-A', dimsMm: [100, 80, 50], weightG: 200, barcode: '6901234567892' }]);
    await defineBox(ctx, 'shop', {
      code: 'M',
      innerMm: [250, 200, 120],
      maxWeightG: 5_000,
      tareG: 100,
      cost: 150,
      currency: 'CNY',
    });
    await setSender(ctx, 'shop', {
      name: 'Demo Shop',
      addressLine1: '1 Keji Road',
      city: 'Shenzhen',
      postcode: '518000',
      country: 'CN',
      phone: '+86 755 0000 0000',
    });
    await setCarrierAccount(ctx, {
      carrier: '*',
      protocol: 'yunexpress',
      baseUrl: carrier.url,
      accountId: carrier.customerCode,
      apiKey: API_KEY,
    });
  });
  afterEach(async () => {
    await dispose();
  });

  /** Every number on a parcel or in an upload row has an active label that the carrier has not voided. */
  async function expectNoFalseShipment(): Promise<void> {
    const uploads = await store.db
      .selectFrom('outbox')
      .select(['order_id', 'payload'])
      .where('kind', '=', 'upload_tracking')
      .execute();
    const parcels = await store.db
      .selectFrom('parcels')
      .select(['id', 'order_id', 'tracking_number', 'status'])
      .where('tracking_number', 'is not', null)
      .execute();
    const labels = await store.db.selectFrom('parcel_labels').selectAll().execute();
    const numbers = new Set([
      ...uploads.map((u) => (JSON.parse(u.payload) as { trackingNumber: string }).trackingNumber),
      ...parcels.map((p) => p.tracking_number!),
    ]);
    expect(numbers.size).toBeGreaterThan(0);
    for (const number of numbers) {
      const rows = labels.filter((l) => l.tracking_number === number);
      expect(
        rows.map((l) => l.status),
        `label rows of ${number}`,
      ).toEqual(['active']);
      const atCarrier = [...carrier.labels.values()].find((l) => l.trackingNumber === number);
      expect(atCarrier?.voidedAt ?? null, `carrier label of ${number}`).toBeNull();
    }
    // One upload per order, one label per parcel.
    const perOrder = new Map<number, number>();
    for (const u of uploads) perOrder.set(u.order_id, (perOrder.get(u.order_id) ?? 0) + 1);
    expect([...perOrder.values()].every((n) => n === 1)).toBe(true);
    // No two label rows for one carrier label.
    const ids = labels.map((l) => l.carrier_label_id);
    expect(new Set(ids).size).toBe(ids.length);
  }

  it(`two concurrent requests × ${ORDERS} orders: both answer with the same label, and every uploaded number has an active label`, async () => {
    const orders: Array<{ id: number; ref: string }> = [];
    for (let i = 0; i < ORDERS; i++) {
      const ref = `DC-${1000 + i}`;
      orders.push({ id: await addAwaitingOrder(ctx, 'shop', ref, { now: START, shipInHours: 48, sku: 'SKU-A' }), ref });
      await packAndWeigh(ctx, ref);
    }
    const outcomes = await Promise.all(
      orders.map(async (order) => {
        const [a, b] = await Promise.allSettled([
          labelParcels(ctx, { orderId: order.id }, 'station-1'),
          labelParcels(ctx, { orderId: order.id }, 'station-2'),
        ]);
        return { order, a, b };
      }),
    );
    for (const { order, a, b } of outcomes) {
      expect(a.status, `first request of ${order.ref}: ${a.status === 'rejected' ? String(a.reason) : ''}`).toBe(
        'fulfilled',
      );
      expect(b.status, `second request of ${order.ref}: ${b.status === 'rejected' ? String(b.reason) : ''}`).toBe(
        'fulfilled',
      );
      const first = (a as PromiseFulfilledResult<Awaited<ReturnType<typeof labelParcels>>>).value;
      const second = (b as PromiseFulfilledResult<Awaited<ReturnType<typeof labelParcels>>>).value;
      expect(second.map((l) => l.trackingNumber)).toEqual(first.map((l) => l.trackingNumber));
    }
    await expectNoFalseShipment();
    // Nothing bought twice: one carrier label per order.
    const bought = [...carrier.labels.values()].filter((l) => orders.some((o) => o.ref === l.reference));
    expect(bought).toHaveLength(ORDERS);
  });

  it('a repeated request after the first finished answers with the same label and buys nothing', async () => {
    const id = await addAwaitingOrder(ctx, 'shop', 'RP-1', { now: START, shipInHours: 48, sku: 'SKU-A' });
    await packAndWeigh(ctx, 'RP-1');
    const [first] = await labelParcels(ctx, { orderId: id }, 'station-1');
    const before = carrier.labels.size;
    const [again] = await labelParcels(ctx, { orderId: id }, 'station-1');
    expect(again!.trackingNumber).toBe(first!.trackingNumber);
    expect(again!.upload).toBe(first!.upload);
    expect(carrier.labels.size).toBe(before);
    await expectNoFalseShipment();
  });

  it('a label left `issued` by a killed process is resumed with the same carrier label, not bought again', async () => {
    const id = await addAwaitingOrder(ctx, 'shop', 'KL-1', { now: START, shipInHours: 48, sku: 'SKU-A' });
    await packAndWeigh(ctx, 'KL-1');
    // The first attempt: the label bought and recorded `issued`, then the process died before the parcel changed.
    const [label] = await labelParcels(ctx, { orderId: id }, 'station-1');
    const parcelId = label!.parcelId;
    await store.db.deleteFrom('outbox').where('order_id', '=', id).execute();
    await store.db
      .updateTable('parcels')
      .set({ status: 'packed', tracking_number: null, carrier: null, service: null, labelled_at: null })
      .where('id', '=', parcelId)
      .execute();
    await store.db.updateTable('parcel_labels').set({ status: 'issued' }).where('parcel_id', '=', parcelId).execute();
    const before = carrier.labels.size;
    const [retried] = await labelParcels(ctx, { orderId: id }, 'station-1');
    expect(retried!.trackingNumber).toBe(label!.trackingNumber);
    expect(carrier.labels.size).toBe(before);
    const rows = await store.db
      .selectFrom('parcel_labels')
      .select(['status'])
      .where('parcel_id', '=', parcelId)
      .execute();
    expect(rows.map((r) => r.status)).toEqual(['active']);
    await expectNoFalseShipment();
  });
});
