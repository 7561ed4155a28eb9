/**
 * Labels through a real carrier protocol, on SQLite AND PostgreSQL: the pack station (scan, weigh, label) buys from
 * the sample carrier speaking YunExpress's OMS API, the carrier's own label comes back as a PDF with the number's
 * barcode, and the account's secret is stored encrypted. Against a local stand-in speaking YunExpress's format:
 * an answer without a waybill number is refused with the carrier's words, nothing is recorded as bought, and the
 * order is deleted at the carrier; a refusal carries YunExpress's own message.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { labelKey } from '../../src/core/carrier/label-key';
import { listCarrierAccounts, setCarrierAccount, storedCarrierResolver } from '../../src/app/carrier-contracts';
import { createContext, type AppContext } from '../../src/app/context';
import { labelParcels } from '../../src/app/labels';
import { getOrderDetail } from '../../src/app/orders';
import { recordWeight, scanItem, startPackSession } from '../../src/app/pack-sessions';
import { defineBox, setSender, setSkuDimensions } from '../../src/app/packing-catalog';
import { startSampleCarrierServer, type SampleCarrierServer } from '../../src/integrations/carriers/sample-server';
import { createYunExpressCarrier } from '../../src/integrations/carriers/yunexpress/adapter';
import { credentialsOf } from '../../src/integrations/carriers/yunexpress/protocol';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { addAwaitingOrder, packAndLabel } from '../support/pack';

const START = Date.UTC(2026, 10, 25, 2);
const SECRET = 'sample-secret-Zq8';

/** A stand-in speaking YunExpress's format with a scripted CreateOrder answer; it records every call. */
async function standIn(
  createOrderItem: Record<string, unknown>,
  code: string,
  message: string,
): Promise<{ url: string; calls: Array<{ path: string; body: unknown; auth: string }>; close: () => Promise<void> }> {
  const calls: Array<{ path: string; body: unknown; auth: string }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : null;
      calls.push({ path: req.url ?? '', body, auth: req.headers.authorization ?? '' });
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/api/WayBill/CreateOrder') {
        const order = (body as Array<Record<string, unknown>>)[0]!;
        res.end(
          JSON.stringify({
            Item: [{ CustomerOrderNumber: order.CustomerOrderNumber, ...createOrderItem }],
            Code: code,
            Message: message,
          }),
        );
      } else if (req.url === '/api/WayBill/Delete') {
        res.end(
          JSON.stringify({
            Item: {
              OrderNumber: (body as { OrderNumber: string }).OrderNumber,
              Status: 'Success',
              Type: 2,
              Remark: '删除成功!',
            },
            Code: '0000',
            Message: '提交成功!',
          }),
        );
      } else res.end(JSON.stringify({ Code: '404', Message: 'no such endpoint' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let carrier: SampleCarrierServer;
beforeAll(async () => {
  carrier = await startSampleCarrierServer({ apiKey: SECRET });
});
afterAll(async () => {
  await carrier.close();
});

describe.each(backends)('labels through the YunExpress protocol on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, manualClock(START));
    await setSkuDimensions(ctx, [{ sku: 'SKU-A', dimsMm: [100, 80, 50], weightG: 200, barcode: '6901234567892' }]);
  });
  /** An order of the shop (the first creates it), with the shop's box and sender set. */
  const orderReady = async (id: string) => {
    const orderId = await addAwaitingOrder(ctx, 'shop', id, { now: START, shipInHours: 48, sku: 'SKU-A' });
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
    return orderId;
  };
  afterEach(async () => {
    await dispose();
  });

  it('packs, weighs and labels at the pack station through the sample carrier; the label PDF is the carrier’s, with the number', async () => {
    await setCarrierAccount(ctx, {
      carrier: '*',
      protocol: 'yunexpress',
      baseUrl: carrier.url,
      accountId: carrier.customerCode,
      apiKey: SECRET,
    });
    const row = await store.db.selectFrom('carrier_accounts').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ carrier: '*', protocol: 'yunexpress', account_id: carrier.customerCode });
    expect(row.secret_enc.startsWith('v1.')).toBe(true);
    expect(JSON.stringify(row)).not.toContain(SECRET);
    expect(await listCarrierAccounts(ctx)).toEqual([
      {
        carrier: '*',
        protocol: 'yunexpress',
        base_url: carrier.url,
        account_id: carrier.customerCode,
        secret: 'encrypted',
      },
    ]);

    const orderId = await orderReady('YT-1');
    await packAndLabel(ctx, 'YT-1', orderId);
    const detail = await getOrderDetail(ctx, orderId);
    expect(detail.parcels.map((p) => p.status)).toEqual(['labelled']);
    const label = await store.db
      .selectFrom('parcel_labels')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(label.status).toBe('active');
    const atCarrier = carrier.labels.get(label.tracking_number);
    expect(atCarrier).toMatchObject({
      customerOrderNumber: label.idempotency_key,
      reference: 'YT-1',
      carrier: label.carrier,
    });
    expect(detail.parcels[0]!.tracking_number).toBe(label.tracking_number);

    const adapter = await storedCarrierResolver(ctx)(label.carrier);
    const pdf = await adapter!.labelPdf({ carrierLabelId: label.carrier_label_id });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shipby-label-')), 'label.pdf');
    fs.writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    expect(text).toContain(label.tracking_number);
    expect(text).toContain('YT-1');
  });

  it('the secret opens only with its master key: another key makes the account unusable, said plainly, nothing bought', async () => {
    await setCarrierAccount(ctx, {
      carrier: '*',
      protocol: 'yunexpress',
      baseUrl: carrier.url,
      accountId: carrier.customerCode,
      apiKey: SECRET,
    });
    const before = carrier.labels.size;
    const orderId = await orderReady('YT-2');
    const other = createContext(store, ctx.now, { masterKey: Buffer.alloc(32, 9) });
    const error = await packAndLabel(other, 'YT-2', orderId).catch((e: unknown) => e);
    expect(error).toMatchObject({
      rule: 'carrier.account_unusable',
      localizedMessage: {
        en: expect.stringContaining("does not open with this server's master key"),
        'zh-CN': expect.stringContaining('主密钥'),
      },
    });
    expect(carrier.labels.size).toBe(before);
    expect(await store.db.selectFrom('parcel_labels').selectAll().where('order_id', '=', orderId).execute()).toEqual(
      [],
    );
  });

  it('refuses a bad account naming the field, and accepts 4px', async () => {
    await expect(
      setCarrierAccount(ctx, {
        carrier: '*',
        protocol: 'sample-http',
        baseUrl: carrier.url,
        accountId: 'x',
        apiKey: 'y',
      }),
    ).rejects.toMatchObject({ issues: [{ field: 'protocol' }] });
    await expect(
      setCarrierAccount(ctx, { carrier: '*', protocol: 'yunexpress', baseUrl: 'ftp://x', accountId: '', apiKey: ' ' }),
    ).rejects.toMatchObject({ issues: [{ field: 'url' }, { field: 'account_id' }, { field: 'api_key' }] });
    expect(await store.db.selectFrom('carrier_accounts').selectAll().execute()).toEqual([]);
    await setCarrierAccount(ctx, {
      carrier: '4px',
      protocol: '4px',
      baseUrl: 'https://open-test.4px.com',
      accountId: 'app-key',
      apiKey: 'app-secret',
    });
    expect((await listCarrierAccounts(ctx)).map((a) => [a.carrier, a.protocol])).toEqual([['4px', '4px']]);
  });

  it('a label answer without a waybill number: refused with the carrier’s words, nothing recorded as bought, the order deleted at the carrier', async () => {
    const stand = await standIn(
      { Success: 1, TrackType: '2', Remark: '跟踪号待分配', WayBillNumber: '', TrackingNumber: null },
      '0000',
      '提交成功!',
    );
    try {
      await setCarrierAccount(ctx, {
        carrier: '*',
        protocol: 'yunexpress',
        baseUrl: stand.url,
        accountId: 'C0001',
        apiKey: SECRET,
      });
      const orderId = await orderReady('YT-3');
      const error = await packAndLabel(ctx, 'YT-3', orderId).catch((e: unknown) => e);
      expect(error).toMatchObject({ rule: 'carrier.refused' });
      expect((error as { localizedMessage: { en: string } }).localizedMessage.en).toContain(
        'YunExpress created the order without a waybill number (跟踪号待分配); deleted at YunExpress',
      );
      expect(await store.db.selectFrom('parcel_labels').selectAll().where('order_id', '=', orderId).execute()).toEqual(
        [],
      );
      expect((await getOrderDetail(ctx, orderId)).parcels.map((p) => p.status)).toEqual(['packed']);
      // The quote asked the freight trial first (this stand-in has none: the contract rates priced it); then:
      const writes = stand.calls.filter((c) => !c.path.startsWith('/api/Freight/GetPriceTrial?'));
      expect(writes.map((c) => c.path)).toEqual(['/api/WayBill/CreateOrder', '/api/WayBill/Delete']);
      const created = (writes[0]!.body as Array<{ CustomerOrderNumber: string }>)[0]!;
      expect(writes[1]!.body).toEqual({ OrderType: '2', OrderNumber: created.CustomerOrderNumber });
      expect(credentialsOf(writes[0]!.auth)).toEqual({ customerCode: 'C0001', apiSecret: SECRET });
    } finally {
      await stand.close();
    }
  });

  it('a refusal carries YunExpress’s own message; nothing is bought and the parcel can be labelled later', async () => {
    const stand = await standIn({ Success: 0, Remark: '收件人邮编不正确', WayBillNumber: '' }, '1001', '提交失败');
    try {
      await setCarrierAccount(ctx, {
        carrier: '*',
        protocol: 'yunexpress',
        baseUrl: stand.url,
        accountId: 'C0001',
        apiKey: SECRET,
      });
      const orderId = await orderReady('YT-4');
      const { session } = await startPackSession(ctx, { barcode: 'YT-4', station: 'station-1' }, 'packer');
      await scanItem(ctx, session.id, 'SKU-A', 'packer');
      await recordWeight(ctx, session.id, { grams: session.parcels[0]!.expectedGrossG }, 'packer');
      const error = await labelParcels(ctx, { orderId }, 'packer').catch((e: unknown) => e);
      expect(error).toMatchObject({ rule: 'carrier.refused' });
      expect((error as { localizedMessage: { en: string } }).localizedMessage.en).toContain(
        'YunExpress: 收件人邮编不正确 — 提交失败',
      );
      expect(await store.db.selectFrom('parcel_labels').selectAll().where('order_id', '=', orderId).execute()).toEqual(
        [],
      );

      // A carrier account on which this parcel's key was already used for another service (another database's
      // attempt): refused with both named, not taken for a retry.
      const parcelId = (await getOrderDetail(ctx, orderId)).parcels[0]!.id;
      const used = await startSampleCarrierServer({ apiKey: SECRET });
      const own = await startSampleCarrierServer({ apiKey: SECRET });
      try {
        const seeded = createYunExpressCarrier({
          baseUrl: used.url,
          customerCode: used.customerCode,
          apiSecret: SECRET,
        });
        const sender = { name: 'Elsewhere', line1: '2 Road', city: 'Shenzhen', country: 'CN' };
        await seeded.createLabel({
          service: 'epacket',
          reference: 'YT-4',
          idempotencyKey: labelKey('YT-4', parcelId, 1),
          sender,
          recipient: { ...sender, country: 'ES', city: 'Madrid' },
          grossWeightG: 300,
          dimsMm: [200, 150, 100],
          declaredValue: { amount: 500, currency: 'USD' },
          contents: [],
        });
        await setCarrierAccount(ctx, {
          carrier: '*',
          protocol: 'yunexpress',
          baseUrl: used.url,
          accountId: used.customerCode,
          apiKey: SECRET,
        });
        await expect(labelParcels(ctx, { orderId, service: 'china-post-registered' }, 'packer')).rejects.toMatchObject({
          rule: 'carrier.refused',
          message: expect.stringContaining('with service epacket, not china-post-registered'),
        });
        expect(used.labels.size).toBe(1);

        await setCarrierAccount(ctx, {
          carrier: '*',
          protocol: 'yunexpress',
          baseUrl: own.url,
          accountId: own.customerCode,
          apiKey: SECRET,
        });
        const [label] = await labelParcels(ctx, { orderId }, 'packer');
        expect(own.labels.get(label!.trackingNumber)?.reference).toBe('YT-4');
        expect((await getOrderDetail(ctx, orderId)).parcels.map((p) => p.status)).toEqual(['labelled']);
      } finally {
        await used.close();
        await own.close();
      }
    } finally {
      await stand.close();
    }
  });
});
