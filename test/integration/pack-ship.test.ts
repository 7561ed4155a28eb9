/**
 * Pack and ship on SQLite AND PostgreSQL: packing plans (and splits), scan-to-pack (wrong item, one too many),
 * weighing (out of tolerance holds the parcel), carrier quotes with their explanation (rate shopping, a seller
 * rule, the buyer's class), labels from the sample carrier (a real local HTTP server) with checked numbers queued
 * for upload, re-use of a number refused and voided at the carrier, contract import, the PDFs read back with
 * pdftotext, and the HTTP routes.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCarrierContract, setCarrierAccount, setShippingRules } from '../../src/app/carrier-contracts';
import type { AppContext } from '../../src/app/context';
import { ConflictError, ValidationError } from '../../src/app/errors';
import { labelsPdf, packingSlipPdf } from '../../src/app/label-printing';
import { labelParcels } from '../../src/app/labels';
import { connectShop } from '../../src/app/marketplace';
import { getOrderDetail, upsertOrders } from '../../src/app/orders';
import { packOrder, PackStationRefusal } from '../../src/app/pack';
import {
  getPackSession,
  ordersBeingPacked,
  recordWeight,
  scanItem,
  startPackSession,
} from '../../src/app/pack-sessions';
import { defineBox, setBuyerNote, setSender, setSkuDimensions } from '../../src/app/packing-catalog';
import { quoteOrder } from '../../src/app/quotes';
import { checkTrackingNumber } from '../../src/core/tracking/number-check';
import { buildServer } from '../../src/http/server';
import { createYunExpressCarrier } from '../../src/integrations/carriers/yunexpress/adapter';
import { startSampleCarrierServer, type SampleCarrierServer } from '../../src/integrations/carriers/sample-server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock, tempDir } from '../support/backends';
import { TEST_MASTER_KEY } from '../support/outbox-fixtures';

const HOUR = 3_600_000;
// Wednesday 2026-11-25 10:00 in Shanghai: before the carriers' 17:00 pick-up.
const START = Date.UTC(2026, 10, 25, 2);
const API_KEY = 'test-carrier-key';

function pdfText(pdf: Buffer): string {
  const file = path.join(tempDir(), 'doc.pdf');
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

function pdfImageCount(pdf: Buffer): number {
  const file = path.join(tempDir(), 'doc.pdf');
  fs.writeFileSync(file, pdf);
  const list = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' });
  return list.split('\n').filter((line) => /^\s*\d+\s+\d+\s+image/.test(line)).length;
}

async function addOrder(
  ctx: AppContext,
  id: string,
  lines: Array<{ sku: string; quantity: number; unitPrice: number }>,
  logisticsService = 'CPAM',
  shipInHours = 48,
): Promise<number> {
  const paidAt = START - 3 * HOUR;
  const result = await upsertOrders(
    ctx,
    'shop',
    [
      {
        row: 1,
        order: {
          platformOrderId: id,
          platform: 'aliexpress',
          status: 'awaiting_shipment',
          platformStatus: 'WAIT_SELLER_SEND_GOODS',
          paidAt,
          riskPassedAt: paidAt + HOUR,
          platformShipByAt: START + shipInHours * HOUR,
          buyer: {
            name: 'María García',
            country: 'ES',
            addressLine1: 'Calle de Alcalá 42',
            addressLine2: 'Piso 2, puerta A',
            city: 'Madrid',
            state: 'Comunidad de Madrid',
            postcode: '28014',
            phone: '+34 600 000 000',
          },
          currency: 'USD',
          handlingDays: 3,
          logisticsService,
          lines,
        },
      },
    ],
    'test',
  );
  return result.ids.get(id)!;
}

async function expectRefusal(promise: Promise<unknown>, rule: string): Promise<PackStationRefusal> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PackStationRefusal);
    expect((error as PackStationRefusal).rule).toBe(rule);
    return error as PackStationRefusal;
  }
  throw new Error(`expected a refusal ${rule}`);
}

async function packAndWeigh(ctx: AppContext, platformOrderId: string, grams = 780): Promise<number> {
  const { session } = await startPackSession(ctx, { barcode: platformOrderId, station: 'S1' }, 'packer');
  for (const parcel of session.parcels.filter((p) => p.status === 'created')) {
    for (const item of parcel.contents)
      for (let i = 0; i < item.quantity; i++) await scanItem(ctx, session.id, item.sku, 'packer');
    await recordWeight(ctx, session.id, { grams: grams === 780 ? parcel.expectedGrossG : grams }, 'packer');
  }
  return session.id;
}

// One carrier per test: a carrier keeps every customer order number it has seen, and two tests' databases number
// their parcels alike (the same key for another service is refused as another order's, not taken for a retry).
let carrier: SampleCarrierServer;
beforeEach(async () => {
  carrier = await startSampleCarrierServer({ apiKey: API_KEY });
});
afterEach(async () => {
  await carrier.close();
});

describe.each(backends)('pack and ship on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let orderId: number;

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
    await setSkuDimensions(ctx, [
      { sku: 'SKU-A', dimsMm: [100, 80, 50], weightG: 200, barcode: '6901234567892' },
      { sku: 'SKU-B', dimsMm: [150, 100, 40], weightG: 300 },
      { sku: 'SKU-C', dimsMm: [50, 50, 50], weightG: 90 },
    ]);
    await defineBox(ctx, 'shop', {
      code: 'S',
      innerMm: [200, 150, 100],
      maxWeightG: 3_000,
      tareG: 80,
      cost: 120,
      currency: 'CNY',
    });
    await defineBox(ctx, 'shop', {
      code: 'L',
      innerMm: [400, 300, 200],
      outerMm: [410, 310, 210],
      maxWeightG: 10_000,
      tareG: 250,
      cost: 300,
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
      carrier: '*',
      protocol: 'yunexpress',
      baseUrl: carrier.url,
      accountId: carrier.customerCode,
      apiKey: API_KEY,
    });
    orderId = await addOrder(ctx, 'SO-1001', [
      { sku: 'SKU-A', quantity: 2, unitPrice: 1500 },
      { sku: 'SKU-B', quantity: 1, unitPrice: 2000 },
    ]);
  });
  afterEach(async () => {
    await dispose();
  });

  it('scan-to-pack refuses a wrong item and one too many with what is expected, and packs when complete', async () => {
    const started = await startPackSession(ctx, { barcode: 'SO-1001', station: 'S1', packer: 'li' }, 'packer:li');
    const session = started.session;
    expect(started.resumed).toBe(false);
    expect(session.current).toMatchObject({ box: 'S', position: 1, of: 1, expectedGrossG: 780 });
    expect(started.message.en).toContain('scan SKU-A ×2, SKU-B ×1');
    expect((await ordersBeingPacked(ctx)).map((o) => o.order_id)).toEqual([orderId]);

    const wrong = await expectRefusal(scanItem(ctx, session.id, 'SKU-C', 'packer:li'), 'pack.scan.wrong-item');
    expect(wrong.localizedMessage.en).toBe(
      'Wrong item: SKU-C is not in this parcel. It is not in this order. Expected: SKU-A ×2, SKU-B ×1.',
    );
    expect(wrong.details.expected).toEqual([
      { sku: 'SKU-A', quantity: 2 },
      { sku: 'SKU-B', quantity: 1 },
    ]);
    await expectRefusal(scanItem(ctx, session.id, 'NOT-A-SKU', 'packer:li'), 'pack.scan.unknown-code');

    expect((await scanItem(ctx, session.id, 'SKU-A', 'packer:li')).parcelPacked).toBe(false);
    expect((await scanItem(ctx, session.id, '6901234567892', 'packer:li')).sku).toBe('SKU-A'); // the item's own barcode
    const extra = await expectRefusal(scanItem(ctx, session.id, 'sku-a', 'packer:li'), 'pack.scan.too-many');
    expect(extra.details.expected).toEqual([{ sku: 'SKU-B', quantity: 1 }]);
    expect(extra.localizedMessage['zh-CN']).toContain('多扫了一件');

    let detail = await getOrderDetail(ctx, orderId);
    expect(detail.parcels.map((p) => p.status)).toEqual(['created']); // not packed while a line is incomplete

    const last = await scanItem(ctx, session.id, 'SKU-B', 'packer:li');
    expect(last.parcelPacked).toBe(true);
    expect(last.session.status).toBe('weighing');
    expect(last.message.en).toContain('Parcel 1 packed: weigh it (expected 780 g)');
    detail = await getOrderDetail(ctx, orderId);
    expect(detail.parcels[0]).toMatchObject({ status: 'packed', weight_g: 780 });
    const pack = detail.timeline.find((e) => e.kind === 'transition' && e.action === 'pack');
    expect(pack).toMatchObject({ from_state: 'created', to_state: 'packed', actor: 'packer:li' });
    expect(detail.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['parcel_created', 'packing_planned', 'packing_started']),
    );

    const audit = await getPackSession(ctx, session.id);
    expect(audit.scans.map((s) => [s.sku, s.accepted, s.refusal])).toEqual([
      ['SKU-C', false, 'wrong-item'],
      [null, false, 'unknown-code'],
      ['SKU-A', true, null],
      ['SKU-A', true, null],
      ['SKU-A', false, 'too-many'],
      ['SKU-B', true, null],
    ]);
    // Scanning the order again resumes the open session rather than starting a second one.
    expect((await startPackSession(ctx, { barcode: 'SO-1001' }, 'packer')).resumed).toBe(true);
  });

  it('holds a parcel weighed outside the tolerance; no label until it is re-weighed', async () => {
    const { session } = await startPackSession(
      ctx,
      { barcode: 'SO-1001', tolerance: { basisPoints: 500, minG: 20 } },
      'packer',
    );
    for (const code of ['SKU-A', 'SKU-A', 'SKU-B']) await scanItem(ctx, session.id, code, 'packer');
    const held = await expectRefusal(
      recordWeight(ctx, session.id, { grams: 950 }, 'packer'),
      'pack.weight_out_of_tolerance',
    );
    expect(held.details).toMatchObject({ measured_g: 950, expected_g: 780, range: { minG: 741, maxG: 819 } });
    expect(held.localizedMessage.en).toContain('stopped for a check');
    expect((await getPackSession(ctx, session.id)).status).toBe('held');
    await expect(labelParcels(ctx, { orderId }, 'test')).rejects.toMatchObject({ rule: 'label.weight_held' });

    const ok = await recordWeight(ctx, session.id, { grams: 792 }, 'packer');
    expect(ok.session.status).toBe('done');
    expect(ok.message.en).toContain('Every parcel of the order is packed and weighed.');
    expect(await ordersBeingPacked(ctx)).toEqual([]);
    const kinds = (await getOrderDetail(ctx, orderId)).timeline.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['parcel_held', 'parcel_weighed', 'packing_finished']));
  });

  it('splits an order no single box holds, and says so', async () => {
    await defineBox(ctx, 'shop', {
      code: 'S',
      innerMm: [200, 150, 100],
      maxWeightG: 3_000,
      tareG: 80,
      cost: 120,
      currency: 'CNY',
      active: false,
    });
    await defineBox(ctx, 'shop', {
      code: 'L',
      innerMm: [400, 300, 200],
      maxWeightG: 10_000,
      tareG: 250,
      cost: 300,
      currency: 'CNY',
      active: false,
    });
    await defineBox(ctx, 'shop', {
      code: 'XS',
      innerMm: [100, 80, 100],
      maxWeightG: 600,
      tareG: 20,
      cost: 50,
      currency: 'CNY',
    });
    const id = await addOrder(ctx, 'SO-2002', [{ sku: 'SKU-A', quantity: 5, unitPrice: 1000 }]);
    const plan = await packOrder(ctx, id, 'test');
    expect(plan.split).toBe(true);
    expect(plan.parcels.map((p) => p.contents)).toEqual([
      [{ sku: 'SKU-A', quantity: 2 }],
      [{ sku: 'SKU-A', quantity: 2 }],
      [{ sku: 'SKU-A', quantity: 1 }],
    ]);
    expect(plan.message.en).toContain('split into 3 parcels');
    // Idempotent while the parcels are unpacked.
    expect((await packOrder(ctx, id, 'test')).parcels.map((p) => p.parcelId)).toEqual(
      plan.parcels.map((p) => p.parcelId),
    );
    // The station walks the parcels one by one: parcel 1 packed, it must be weighed before parcel 2 is scanned.
    const { session } = await startPackSession(ctx, { barcode: 'SO-2002' }, 'packer');
    expect(session.current).toMatchObject({ position: 1, of: 3, box: 'XS' });
    await scanItem(ctx, session.id, 'SKU-A', 'packer');
    expect((await scanItem(ctx, session.id, 'SKU-A', 'packer')).parcelPacked).toBe(true);
    await expect(scanItem(ctx, session.id, 'SKU-A', 'packer')).rejects.toMatchObject({ rule: 'pack.session_state' });
    const next = await recordWeight(ctx, session.id, { grams: 420 }, 'packer');
    expect(next.session.current).toMatchObject({ position: 2, of: 3 });
    expect(next.message.en).toContain('Next: parcel 2 of 3, box XS.');
    // The same weighing sent again (its answer was lost) answers the same; once parcel 2 is scanned, it is refused.
    const repeated = await recordWeight(ctx, session.id, { grams: 420 }, 'packer');
    expect(repeated.message).toEqual(next.message);
    expect(repeated.session.current).toMatchObject({ position: 2, of: 3 });
    await expect(recordWeight(ctx, session.id, { grams: 421 }, 'packer')).rejects.toMatchObject({
      rule: 'pack.session_state',
    });
    await scanItem(ctx, session.id, 'SKU-A', 'packer');
    await expect(recordWeight(ctx, session.id, { grams: 420 }, 'packer')).rejects.toMatchObject({
      rule: 'pack.session_state',
    });
    const weighed = (await getOrderDetail(ctx, id)).timeline.filter((e) => e.kind === 'parcel_weighed');
    expect(weighed).toHaveLength(1);
  });

  it('explains the carrier choice: rate shopping, then a seller rule first', async () => {
    const quotes = await quoteOrder(ctx, orderId);
    expect(quotes.source).toBe('sample');
    expect(quotes.promise.source).toBe('policy');
    const [parcel] = quotes.parcels;
    expect(parcel!.choice.basis).toBe('cheapest-on-time');
    expect(parcel!.choice.explanation.en).toMatch(
      /^Cheapest service that arrives in time: .+: \d+\.\d{2} CNY, pick-up 2026-11-25 \d\d:00 UTC, 9 in 10 arrive by /,
    );
    const chosen = parcel!.choice.candidates.filter((c) => c.chosen);
    expect(chosen).toHaveLength(1);
    expect(chosen[0]!.reasons).toEqual([]);
    for (const c of parcel!.choice.candidates.filter((x) => !x.chosen)) expect(c.reasons.length).toBeGreaterThan(0);
    const dhl = parcel!.choice.candidates.find((c) => c.service === 'dhl-express')!;
    expect(dhl.reasons.map((r) => r.code)).toContain('costlier');
    expect(dhl.reasons[0]!.message.en).toMatch(/^Costs \d+\.\d{2} CNY more than /);

    await setShippingRules(ctx, [
      { id: 'es-yun', name: 'Spain by YunExpress', service: 'yunexpress-direct', when: { countries: ['ES'] } },
    ]);
    const ruled = await quoteOrder(ctx, orderId);
    expect(ruled.parcels[0]!.choice).toMatchObject({
      basis: 'rule',
      service: 'yunexpress-direct',
      rule: { id: 'es-yun' },
    });
    expect(ruled.parcels[0]!.choice.explanation.en).toContain('Seller rule "Spain by YunExpress" → ');
    await expect(setShippingRules(ctx, [{ id: 'x', service: 'no-such-service', when: {} }])).rejects.toBeInstanceOf(
      ValidationError,
    );

    const premium = await addOrder(ctx, 'SO-3003', [{ sku: 'SKU-C', quantity: 1, unitPrice: 900 }], 'CAINIAO_PREMIUM');
    const q = await quoteOrder(ctx, premium);
    for (const c of q.parcels[0]!.choice.candidates.filter((x) =>
      ['china-post-registered', 'cainiao-super-economy'].includes(x.service),
    )) {
      expect(c.reasons.map((r) => r.code)).toContain('below-buyer-class');
    }
  });

  it('labels a packed parcel with a checked number, queues the upload, and prints it', async () => {
    await packAndWeigh(ctx, 'SO-1001');
    const [label] = await labelParcels(ctx, { orderId, service: 'china-post-registered' }, 'test');
    expect(label!.trackingNumber).toMatch(/^RR\d{9}CN$/);
    expect(checkTrackingNumber(label!.trackingNumber, { carrier: 'china-post' }).valid).toBe(true);
    expect(label!.checks.find((c) => c.id === 'reuse')!.result).toBe('pass');
    expect(label!.upload).toBe('pending');
    expect(label!.marketplaceService).toBe('CPAM');
    const detail = await getOrderDetail(ctx, orderId);
    expect(detail.parcels[0]).toMatchObject({
      status: 'labelled',
      tracking_number: label!.trackingNumber,
      carrier: 'china-post',
      service: 'CPAM',
    });
    expect(detail.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['upload_queued', 'label_created']));
    const outbox = await store.db.selectFrom('outbox').selectAll().where('order_id', '=', orderId).execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ kind: 'upload_tracking', status: 'pending', send_type: 'all' });
    expect([...carrier.labels.values()].find((l) => l.trackingNumber === label!.trackingNumber)?.reference).toBe(
      'SO-1001',
    );

    // The label was bought from a carrier (the sample carrier, speaking YunExpress's API): the print is the
    // carrier's own label document, as kept when it was bought, not one shipby draws (carrier-label-printing.test.ts).
    const batch = await labelsPdf(ctx, { orderBy: 'deadline' });
    expect(batch.count).toBe(1);
    const text = pdfText(batch.pdf);
    const kept = await store.db.selectFrom('label_documents').select('bytes').executeTakeFirstOrThrow();
    expect(text).toBe(pdfText(Buffer.from(kept.bytes)));
    expect(text).toContain(label!.trackingNumber);
    expect(text).toContain('María García');
    expect(text).toContain('Calle de Alcalá 42');
    expect(text).toContain('28014 Madrid, Comunidad de Madrid');
    expect(text).toContain('SPAIN (ES)');
    expect(text).not.toMatch(/sample rates/i);
    expect(text).toContain('Shenzhen Example Co');
    expect(text).toContain('Order SO-1001');
    expect(text).toContain('Weight 0.780 kg (780 g)');
    expect(text).toContain('China Post Registered Air Mail');
    expect(pdfImageCount(batch.pdf)).toBe(2); // the tracking number and the order reference as Code 128

    await setBuyerNote(ctx, orderId, 'Please no invoice in the parcel, it is a gift.');
    for (const size of ['A6', 'A4'] as const) {
      const slip = await packingSlipPdf(ctx, orderId, size);
      const slipText = pdfText(slip);
      expect(slipText).toContain('Order SO-1001');
      expect(slipText).toMatch(/SKU-A[\s\S]*×\s?2/);
      expect(slipText).toContain('SKU-B');
      expect(slipText).toContain('Please no invoice in the parcel, it is a gift.');
      expect(pdfImageCount(slip)).toBe(3); // the order barcode and one per SKU
    }
  });

  it('refuses a number another order used within 12 months and voids it at the carrier', async () => {
    const first = await startSampleCarrierServer({ apiKey: API_KEY, serialStart: 31_415_926 });
    const restarted = await startSampleCarrierServer({ apiKey: API_KEY, serialStart: 31_415_926 }); // lost its state
    try {
      await packAndWeigh(ctx, 'SO-1001');
      const [one] = await labelParcels(ctx, { orderId, service: 'china-post-registered' }, 'test', async () =>
        createYunExpressCarrier({ baseUrl: first.url, customerCode: first.customerCode, apiSecret: API_KEY }),
      );
      const other = await addOrder(ctx, 'SO-4004', [{ sku: 'SKU-C', quantity: 1, unitPrice: 900 }]);
      await packAndWeigh(ctx, 'SO-4004');
      // A 9.00 USD order: its label is over the shop's 30 % and confirmed as the packer would.
      const refused = labelParcels(
        ctx,
        { orderId: other, service: 'china-post-registered', confirmCost: true },
        'test',
        async () =>
          createYunExpressCarrier({ baseUrl: restarted.url, customerCode: restarted.customerCode, apiSecret: API_KEY }),
      );
      await expect(refused).rejects.toBeInstanceOf(ConflictError);
      await expect(refused).rejects.toMatchObject({ rule: 'label.number_refused' });
      await expect(refused).rejects.toThrow(new RegExp(`Already used by order SO-1001`));
      const issued = [...restarted.labels.values()][0]!;
      expect(issued.trackingNumber).toBe(one!.trackingNumber);
      expect(issued.voidedAt).not.toBeNull();
      const detail = await getOrderDetail(ctx, other);
      expect(detail.parcels[0]).toMatchObject({ status: 'packed', tracking_number: null });
      expect(detail.timeline.find((e) => e.kind === 'label_refused')?.reason).toContain(
        'Already used by order SO-1001',
      );
      const rows = await store.db
        .selectFrom('parcel_labels')
        .select(['status', 'tracking_number'])
        .where('order_id', '=', other)
        .execute();
      expect(rows).toEqual([{ status: 'voided', tracking_number: one!.trackingNumber }]);
    } finally {
      await first.close();
      await restarted.close();
    }
  });

  it("refuses a service below the buyer's class unless overridden with a reason", async () => {
    const premium = await addOrder(ctx, 'SO-5005', [{ sku: 'SKU-C', quantity: 1, unitPrice: 900 }], 'CAINIAO_PREMIUM');
    await packAndWeigh(ctx, 'SO-5005');
    await expect(
      labelParcels(ctx, { orderId: premium, service: 'china-post-registered' }, 'test'),
    ).rejects.toMatchObject({ rule: 'label.below_buyer_class' });
    // A 9.00 USD order: its label is over the shop's 30 % and confirmed as the packer would.
    const [label] = await labelParcels(
      ctx,
      {
        orderId: premium,
        service: 'china-post-registered',
        overrideReason: 'buyer agreed in chat on 2026-11-24',
        confirmCost: true,
      },
      'test',
    );
    expect(label!.checks.find((c) => c.id === 'logistics-class')).toMatchObject({ result: 'warn' });
    const event = (await getOrderDetail(ctx, premium)).timeline.find((e) => e.kind === 'label_created');
    expect(event?.reason).toBe('override: buyer agreed in chat on 2026-11-24');
  });

  it('imports contract rates, refusing a bad sheet whole with its rows named', async () => {
    const dir = tempDir();
    const header =
      'service,carrier,name_en,class,currency,fuel_percent,max_weight_g,max_longest_side_mm,pickup_zone,pickup_days,pickup_times,marketplace_service,s10_letters,zone,countries,up_to_g,pricing,per_kg_price,handling_fee,transit_p50_days,transit_p90_days';
    const good = path.join(dir, 'rates.csv');
    fs.writeFileSync(
      good,
      [
        header,
        'acme-registered,china-post,Acme Registered,standard,CNY,0,2000,600,Asia/Shanghai,1-6,17:00,CPAM,R,EU,ES FR DE,2000,per-kg,60.00,7.00,10,20',
        'acme-registered,china-post,Acme Registered,standard,CNY,0,2000,600,Asia/Shanghai,1-6,17:00,CPAM,R,REST,*,2000,per-kg,95.00,7.00,15,30',
      ].join('\n'),
    );
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(
      bad,
      [
        header,
        'acme-x,china-post,Acme X,standard,CNY,0,2000,600,Asia/Shanghai,1-6,17:00,,,EU,ES,2000,per-kg,sixty,7.00,10,20',
        'acme-x,china-post,Acme X,standard,CNY,0,2000,600,Asia/Shanghai,1-9,17:00,,,US,US,2000,per-kg,60,7.00,10,20',
      ].join('\n'),
    );
    const refused = importCarrierContract(ctx, bad);
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    const issues = ((await refused.catch((e: unknown) => e)) as ValidationError).issues;
    expect(issues.map((i) => [i.row, i.field])).toEqual([
      [2, 'per_kg_price'],
      [3, 'pickup_days'],
    ]);
    expect((await quoteOrder(ctx, orderId)).source).toBe('sample'); // nothing was written

    const result = await importCarrierContract(ctx, good, { replaceAll: true });
    expect(result.services).toEqual([{ code: 'acme-registered', carrier: 'china-post', zones: 2, rows: 2 }]);
    const q = await quoteOrder(ctx, orderId);
    expect(q.source).toBe('contract');
    expect(q.parcels[0]!.choice.service).toBe('acme-registered');
    // 780 g at 60.00/kg = 46.80 + 7.00 handling
    expect(q.parcels[0]!.choice.cost).toEqual({ amount: 5380, currency: 'CNY' });
  });

  it('serves scan-to-pack, quotes and PDFs over HTTP', async () => {
    const app = await buildServer(ctx, { authentication: false });
    try {
      const start = await app.inject({
        method: 'POST',
        url: '/pack/sessions',
        payload: { order_barcode: 'SO-1001', station: 'S2', tolerance_percent: 3 },
      });
      expect(start.statusCode).toBe(201);
      const session = start.json().session;
      expect(session).toMatchObject({
        status: 'scanning',
        being_packed: true,
        tolerance: { percent: 3, min_g: 20 },
        current_parcel: { box: 'S', expected_gross_g: 780 },
      });
      const wrong = await app.inject({
        method: 'POST',
        url: `/pack/sessions/${session.id}/scans`,
        payload: { code: 'SKU-C' },
        headers: { 'accept-language': 'zh-CN' },
      });
      expect(wrong.statusCode).toBe(409);
      expect(wrong.json().error).toMatchObject({
        rule: 'pack.scan.wrong-item',
        refusal: 'wrong-item',
        expected: [
          { sku: 'SKU-A', quantity: 2 },
          { sku: 'SKU-B', quantity: 1 },
        ],
      });
      expect(wrong.json().error.message).toContain('商品错误');
      for (const code of ['SKU-A', 'SKU-A'])
        expect(
          (await app.inject({ method: 'POST', url: `/pack/sessions/${session.id}/scans`, payload: { code } }))
            .statusCode,
        ).toBe(200);
      const extra = await app.inject({
        method: 'POST',
        url: `/pack/sessions/${session.id}/scans`,
        payload: { code: 'SKU-A' },
      });
      expect(extra.statusCode).toBe(409);
      expect(extra.json().error.expected).toEqual([{ sku: 'SKU-B', quantity: 1 }]);
      const done = await app.inject({
        method: 'POST',
        url: `/pack/sessions/${session.id}/scans`,
        payload: { code: 'SKU-B' },
      });
      expect(done.json()).toMatchObject({ parcel_packed: true, session: { status: 'weighing' } });
      const heavy = await app.inject({
        method: 'POST',
        url: `/pack/sessions/${session.id}/weight`,
        payload: { grams: 850 },
      });
      expect(heavy.statusCode).toBe(409);
      expect(heavy.json().error).toMatchObject({
        rule: 'pack.weight_out_of_tolerance',
        measured_g: 850,
        expected_g: 780,
      });
      const accepted = await app.inject({
        method: 'POST',
        url: `/pack/sessions/${session.id}/weight`,
        payload: { grams: 850, override_reason: "gift wrap added at the buyer's request" },
      });
      expect(accepted.json()).toMatchObject({ ok: true, overridden: true, session: { status: 'done' } });

      const quotes = await app.inject({ method: 'GET', url: `/orders/${orderId}/quotes` });
      expect(quotes.statusCode).toBe(200);
      const body = quotes.json();
      expect(body.parcels[0].explanation.en).toContain('Cheapest service that arrives in time');
      expect(body.parcels[0].candidates.some((c: { dropped_because: unknown[] }) => c.dropped_because.length > 0)).toBe(
        true,
      );

      const labelled = await app.inject({ method: 'POST', url: `/orders/${orderId}/labels`, payload: {} });
      expect(labelled.statusCode).toBe(201);
      const number = labelled.json().items[0].tracking_number as string;
      const pdf = await app.inject({ method: 'GET', url: '/labels.pdf?order_by=carrier' });
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdfText(pdf.rawPayload)).toContain(number);
      const slip = await app.inject({ method: 'GET', url: `/orders/${orderId}/packing-slip.pdf?size=A4` });
      expect(pdfText(slip.rawPayload)).toContain('Packing slip');
      expect(
        (await app.inject({ method: 'GET', url: '/docs/json' })).json().paths['/pack/sessions/{id}/scans'],
      ).toBeDefined();
    } finally {
      await app.close();
    }
  });
});
