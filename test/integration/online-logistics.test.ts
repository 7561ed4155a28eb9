/**
 * The platform's online logistics (线上发货 / Cainiao) from the pack station, on SQLite AND PostgreSQL, against the
 * fake gateway speaking the real calls: quote (the pack station's, then the platform's own estimate for the order),
 * create the logistics order, the label PDF read back (pdftotext), the upload of the platform-issued number. A lost
 * answer to the creation is resumed by the retry (one logistics order); an oversize parcel is refused with the
 * platform's limits named; a call limit on the way is retried by the client's classification.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCarrierAccounts, setCarrierAccount, storedCarrierResolver } from '../../src/app/carrier-contracts';
import { createContext, type AppContext } from '../../src/app/context';
import { labelParcels } from '../../src/app/labels';
import { getOrderDetail } from '../../src/app/orders';
import { recordWeight, scanItem, startPackSession } from '../../src/app/pack-sessions';
import { defineBox, setSender, setSkuDimensions } from '../../src/app/packing-catalog';
import { presentQuotes, quoteOrder } from '../../src/app/quotes';
import { DEFAULT_RETRY_POLICY } from '../../src/core/upload-rules';
import { API } from '../../src/integrations/aliexpress/protocol';
import { domesticReference } from '../../src/integrations/carriers/aliexpress-online/protocol';
import { runOutboxWorker } from '../../src/jobs/outbox-worker';
import type { Store } from '../../src/store/database';
import { backends } from '../support/backends';
import { useFakeAliExpress } from '../support/fake-aliexpress';
import { TEST_MASTER_KEY, connectFakeShop } from '../support/outbox-fixtures';
import { addAwaitingOrder } from '../support/pack';

const fake = useFakeAliExpress({ seed: 11 });
afterEach(() => {
  fake.marketplace.reset();
  fake.clearFaults();
  fake.resetStats();
});

const CALL_LIMIT = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../fixtures/aliexpress/gateway-errors/sync-api-call-limit.json'), 'utf8'),
) as Record<string, unknown>;

describe.each(backends)('online logistics from the pack station on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    ctx = createContext(store, Date.now, { masterKey: TEST_MASTER_KEY });
    await connectFakeShop(ctx, fake, 'shop');
    await setSkuDimensions(ctx, [
      { sku: 'SKU-A', dimsMm: [100, 80, 50], weightG: 200, barcode: '6901234567892' },
      { sku: 'SKU-H', dimsMm: [100, 80, 50], weightG: 2_400, barcode: '6901234567885' },
    ]);
    await defineBox(ctx, 'shop', {
      code: 'S',
      innerMm: [200, 150, 100],
      maxWeightG: 3_000,
      tareG: 80,
      cost: 120,
      currency: 'CNY',
    });
    await setSender(ctx, 'shop', {
      name: 'Shenzhen Example Co',
      addressLine1: '1 Keji Road',
      city: 'Shenzhen',
      postcode: '518000',
      country: 'CN',
      phone: '+86 755 0000 0000',
    });
    await setCarrierAccount(ctx, {
      carrier: 'cainiao',
      protocol: 'aliexpress-online',
      baseUrl: '',
      accountId: '1001',
      apiKey: '',
    });
  });
  afterEach(async () => {
    await dispose();
  });

  /** The order of one `sku` on the platform and in shipby, scan-packed and weighed, ready for its label. */
  async function packed(id: string, sku = 'SKU-A'): Promise<number> {
    const now = Date.now();
    fake.marketplace.addOrder(
      { order_id: id, paid_at: now - 3 * 3_600_000, lines: [{ sku, quantity: 1, unit_price: '19.99' }] },
      now,
    );
    const orderId = await addAwaitingOrder(ctx, 'shop', id, {
      now,
      shipInHours: 48,
      sku,
      logisticsService: 'CAINIAO_STANDARD',
    });
    const { session } = await startPackSession(ctx, { barcode: id, station: 'station-1' }, 'packer');
    for (const parcel of session.parcels) {
      for (const item of parcel.contents)
        for (let i = 0; i < item.quantity; i++) await scanItem(ctx, session.id, item.sku, 'packer');
      await recordWeight(ctx, session.id, { grams: parcel.expectedGrossG }, 'packer');
    }
    return orderId;
  }

  const drain = () =>
    runOutboxWorker(ctx, {
      masterKey: TEST_MASTER_KEY,
      settings: {
        leaseMs: 5_000,
        retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 5, maxDelayMs: 20, urgentMaxDelayMs: 20, maxAttempts: 4 },
      },
      concurrency: 2,
      clientOptions: { timeoutMs: 2_000 },
      stopWhenDrained: true,
      idlePollMs: 20,
      workerId: 'test-worker',
    });

  it('quote, create, the label PDF read back, upload: the number is the platform’s, uploaded once', async () => {
    expect(await listCarrierAccounts(ctx)).toEqual([
      { carrier: 'cainiao', protocol: 'aliexpress-online', base_url: '', account_id: '1001', secret: 'not needed' },
    ]);
    const id = '8190000000300010';
    const orderId = await packed(id);

    // The pack station's quote lists the online service; the platform's own estimate is for this order and parcel.
    const quotes = await quoteOrder(ctx, orderId);
    const parcel = quotes.parcels[0]!;
    expect(parcel.choice.candidates.map((c) => c.service)).toContain('aliexpress-standard');
    const adapter = (await storedCarrierResolver(ctx)('cainiao', { shopId: 'shop' }))!;
    const estimate = await adapter.quote({
      service: 'CAINIAO_STANDARD',
      destinationCountry: 'ES',
      grossWeightG: parcel.grossWeightG,
      dimsMm: parcel.outerMm,
      platformOrderId: id,
    });
    expect(estimate).toMatchObject({
      service: 'CAINIAO_STANDARD',
      cost: { currency: 'CNY' },
      transitDays: { p50: 15, p90: 35 },
    });
    expect(estimate.cost.amount).toBeGreaterThan(0);
    // The quote's candidate shows the platform's figure, saying so; the other carriers' stay the rate card's.
    expect(parcel.choice.candidates.find((c) => c.service === 'aliexpress-standard')).toMatchObject({
      quote: { total: estimate.cost.amount, currency: 'CNY', source: 'platform' },
    });
    const shown = presentQuotes(quotes).parcels[0]!.candidates;
    expect(shown.find((c) => c.service === 'aliexpress-standard')).toMatchObject({
      cost_source: 'platform',
      cost: estimate.cost,
    });
    expect(shown.find((c) => c.service === 'china-post-registered')?.cost_source).toBe('sample');
    expect(quotes.message.en).toContain("the platform's own estimate");

    const [labelled] = await labelParcels(
      ctx,
      { orderId, service: 'aliexpress-standard', confirmCost: true },
      'packer',
    );
    const created = fake.marketplace.logistics.orders;
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      tradeOrderId: id,
      service: 'CAINIAO_STANDARD',
      senderAddressId: '1001',
      internationalNumber: labelled!.trackingNumber,
    });
    expect(labelled!.checks.find((c) => c.id === 'format')).toMatchObject({
      result: 'pass',
      message: { en: expect.stringContaining('no format guess') },
    });
    const label = await store.db
      .selectFrom('parcel_labels')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(label).toMatchObject({
      status: 'active',
      carrier: 'cainiao',
      tracking_number: labelled!.trackingNumber,
      marketplace_service: 'CAINIAO_STANDARD',
    });
    expect(created[0]!.domesticNumber).toBe(domesticReference(label.idempotency_key!));

    const pdf = await adapter.labelPdf({ carrierLabelId: label.carrier_label_id });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shipby-online-label-')), 'label.pdf');
    fs.writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    expect(text).toContain(labelled!.trackingNumber);
    expect(text).toContain(id);

    await drain();
    const declared = fake.marketplace.declarations.filter((d) => d.orderId === id);
    expect(declared).toEqual([
      expect.objectContaining({
        api: 'fulfill',
        logisticsNo: labelled!.trackingNumber,
        serviceName: 'CAINIAO_STANDARD',
        sendType: 'all',
        accepted: true,
      }),
    ]);
    expect((await getOrderDetail(ctx, orderId)).parcels.map((p) => p.tracking_number)).toEqual([
      labelled!.trackingNumber,
    ]);
  });

  it('a lost answer to the creation: the retry reads back and resumes it, one logistics order; a call limit on the way is retried', async () => {
    const id = '8190000000300020';
    const orderId = await packed(id);
    fake.setFaults({ seed: 1, dropAfterCommit: { probability: 1, count: 1, methods: [API.createLogisticsOrder] } });
    const lost = await labelParcels(
      ctx,
      { orderId, service: 'aliexpress-standard', confirmCost: true },
      'packer',
    ).catch((e: unknown) => e);
    expect(lost).toMatchObject({ rule: 'carrier.unavailable' });
    expect(fake.marketplace.logistics.orders).toHaveLength(1);

    fake.setFaults({
      seed: 1,
      gatewayError: { probability: 1, count: 1, methods: [API.queryLogisticsOrder], bodies: [CALL_LIMIT] },
    });
    const [labelled] = await labelParcels(
      ctx,
      { orderId, service: 'aliexpress-standard', confirmCost: true },
      'packer',
    );
    expect(fake.marketplace.logistics.orders).toHaveLength(1);
    expect(labelled!.trackingNumber).toBe(fake.marketplace.logistics.orders[0]!.internationalNumber);
    expect(fake.stats().byMethod[API.createLogisticsOrder]).toBe(1);
  });

  it("the platform's estimate unavailable: the rate card's price stays, and the quote says why", async () => {
    const orderId = await packed('8190000000300040');
    fake.setFaults({
      gatewayError: {
        probability: 1,
        methods: [API.onlineLogisticsServices],
        bodies: [{ error_response: { type: 'ISP', code: 'isp.unknown-error', msg: 'Remote service error' } }],
      },
    });
    try {
      const quotes = await quoteOrder(ctx, orderId);
      const standard = quotes.parcels[0]!.choice.candidates.find((c) => c.service === 'aliexpress-standard')!;
      expect(standard.quote?.source).toBeUndefined(); // the rate card's
      expect(
        presentQuotes(quotes).parcels[0]!.candidates.find((c) => c.service === 'aliexpress-standard'),
      ).toMatchObject({ cost_source: 'sample' });
      expect(quotes.message.en).toContain("aliexpress-standard: the platform's estimate could not be read");
      expect(quotes.message['zh-CN']).toContain('无法读取平台的运费试算');
    } finally {
      fake.clearFaults();
    }
  });

  it('a parcel over the online limits: refused naming them, nothing created at the platform, nothing labelled', async () => {
    const id = '8190000000300030';
    const orderId = await packed(id, 'SKU-H');
    const error = await labelParcels(
      ctx,
      { orderId, service: 'aliexpress-standard', confirmCost: true },
      'packer',
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      rule: 'carrier.refused',
      localizedMessage: { en: expect.stringContaining('at most 2 kg') },
    });
    expect(fake.marketplace.logistics.orders).toEqual([]);
    expect(await store.db.selectFrom('parcel_labels').selectAll().where('order_id', '=', orderId).execute()).toEqual(
      [],
    );
  });

  it('an online account needs the seller centre’s sender address id, named as the field', async () => {
    await expect(
      setCarrierAccount(ctx, {
        carrier: 'cainiao',
        protocol: 'aliexpress-online',
        baseUrl: '',
        accountId: 'main warehouse',
        apiKey: '',
      }),
    ).rejects.toMatchObject({ issues: [{ field: 'account_id' }] });
  });
});
