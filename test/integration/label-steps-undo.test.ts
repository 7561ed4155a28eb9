/**
 * Labelling's undo (app/label-steps.ts), on SQLite AND PostgreSQL: a label bought from the sample carrier, then a
 * failure in a later step (made to fail by name through `beforeStep`), voids the label at the carrier and leaves the
 * order and its parcel as they were; no label is recorded as bought (its row says voided). A new request then labels
 * the parcel with a new label.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setCarrierAccount } from '../../src/app/carrier-contracts';
import type { AppContext } from '../../src/app/context';
import { labelParcels } from '../../src/app/labels';
import { connectShop } from '../../src/app/marketplace';
import { defineBox, setSender, setSkuDimensions } from '../../src/app/packing-catalog';
import { startSampleCarrierServer, type SampleCarrierServer } from '../../src/integrations/carriers/sample-server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { TEST_MASTER_KEY } from '../support/outbox-fixtures';
import { addAwaitingOrder, packAndWeighAll } from '../support/pack';

// Wednesday 2026-11-25 10:00 in Shanghai.
const START = Date.UTC(2026, 10, 25, 2);
const API_KEY = 'undo-carrier-key';

let carrier: SampleCarrierServer;
beforeAll(async () => {
  carrier = await startSampleCarrierServer({ apiKey: API_KEY });
});
afterAll(async () => {
  await carrier.close();
});

/** Makes the named step fail, before it runs. */
function failAt(name: string) {
  return {
    beforeStep: (step: string) => {
      if (step === name) throw new Error(`injected failure before "${name}"`);
    },
  };
}

describe.each(backends)('a label bought, then a later step fails, on $name', (backend) => {
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

  /** The order, its parcels, its labels and its upload rows, as the database holds them. */
  async function snapshot(orderId: number) {
    const order = await store.db
      .selectFrom('orders')
      .select(['status', 'version', 'tracking_uploaded_at'])
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow();
    const parcels = await store.db
      .selectFrom('parcels')
      .select(['id', 'status', 'tracking_number', 'carrier', 'service', 'labelled_at'])
      .where('order_id', '=', orderId)
      .orderBy('id')
      .execute();
    const labels = await store.db
      .selectFrom('parcel_labels')
      .select(['status', 'problem', 'carrier_label_id'])
      .where('order_id', '=', orderId)
      .orderBy('id')
      .execute();
    const uploads = await store.db.selectFrom('outbox').select('id').where('order_id', '=', orderId).execute();
    return { order, parcels, labels, uploads };
  }

  /** The carrier's labels bought since `known` (its label ids then), oldest first. */
  function boughtSince(known: ReadonlySet<string>) {
    return [...carrier.labels.values()].filter((l) => !known.has(l.id));
  }

  it('a failure recording the label: voided at the carrier, nothing recorded, the order and parcel unchanged; a retry labels it', async () => {
    // One carrier for both backends, which answers a label key it knows with its label: an id per backend.
    const platformId = `UNDO-1-${backend.name}`;
    const orderId = await addAwaitingOrder(ctx, 'shop', platformId, { now: START, shipInHours: 48, sku: 'SKU-A' });
    await packAndWeighAll(ctx, platformId);
    const before = await snapshot(orderId);
    const known = new Set(carrier.labels.keys());

    const failed = labelParcels(ctx, { orderId }, 'station-1', undefined, failAt('record the label'));
    await expect(failed).rejects.toThrow('injected failure before "record the label"');

    const bought = boughtSince(known);
    expect(bought).toHaveLength(1);
    expect(bought[0]!.voidedAt).not.toBeNull();
    // Nothing recorded as bought: the label's row says voided (so a new attempt takes a new key), nothing else moved.
    const after = await snapshot(orderId);
    expect({ ...after, labels: [] }).toEqual(before);
    expect(after.labels).toEqual([
      { status: 'voided', problem: 'injected failure before "record the label"', carrier_label_id: bought[0]!.id },
    ]);

    const [label] = await labelParcels(ctx, { orderId }, 'station-1');
    const again = boughtSince(known);
    expect(again).toHaveLength(2);
    expect(label!.trackingNumber).toBe(again[1]!.trackingNumber);
    expect(again[1]!.voidedAt).toBeNull();
    expect((await snapshot(orderId)).labels.map((l) => l.status)).toEqual(['voided', 'active']);
  });

  it('a failure moving the parcel: voided at the carrier, its row kept as voided with the reason, the parcel still packed', async () => {
    const platformId = `UNDO-2-${backend.name}`;
    const orderId = await addAwaitingOrder(ctx, 'shop', platformId, { now: START, shipInHours: 48, sku: 'SKU-A' });
    await packAndWeighAll(ctx, platformId);
    const before = await snapshot(orderId);
    const known = new Set(carrier.labels.keys());

    const failed = labelParcels(
      ctx,
      { orderId },
      'station-1',
      undefined,
      failAt('move the parcel and queue the upload'),
    );
    await expect(failed).rejects.toThrow('injected failure');

    const [bought] = boughtSince(known);
    expect(bought!.voidedAt).not.toBeNull();
    const after = await snapshot(orderId);
    expect(after.order).toEqual(before.order);
    expect(after.parcels).toEqual(before.parcels);
    expect(after.parcels.map((p) => p.status)).toEqual(['packed']);
    expect(after.uploads).toEqual([]);
    expect(after.labels).toEqual([
      {
        status: 'voided',
        problem: 'injected failure before "move the parcel and queue the upload"',
        carrier_label_id: bought!.id,
      },
    ]);
  });
});
