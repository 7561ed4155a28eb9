/**
 * The YunExpress adapter against YunExpress's documented examples (test/fixtures/carriers/yunexpress, sources in its
 * README): each request built as documented (path, headers, Basic token, body fields), each documented answer parsed
 * to the number, the label link, the events or the carrier's own refusal. The transport is a function here: the
 * adapter is driven call by call, the requests it sends are asserted as values.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CarrierRefusedError, CarrierUnavailableError, type LabelRequest } from '../../src/integrations/carriers/types';
import type { CarrierHttpAnswer, CarrierHttpRequest } from '../../src/integrations/carriers/transport';
import { createYunExpressCarrier } from '../../src/integrations/carriers/yunexpress/adapter';
import * as yun from '../../src/integrations/carriers/yunexpress/protocol';

const dir = path.resolve('test/fixtures/carriers/yunexpress');
const fixture = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
const fields = JSON.parse(fixture('create-order.fields.json')) as Record<string, string[]> & {
  testCredentials: yun.YunExpressCredentials;
};
const answer = (body: string, status = 200): CarrierHttpAnswer => ({
  status,
  contentType: 'application/json',
  bytes: Buffer.from(body),
});

const LABEL: LabelRequest = {
  service: 'BKPHR',
  reference: '8190000000000001',
  idempotencyKey: '2022021008567562',
  sender: {
    name: 'Demo Shop',
    line1: '1 Keji Road',
    city: 'Shenzhen',
    postcode: '518000',
    country: 'CN',
    phone: '+86 755 0000 0000',
  },
  recipient: {
    name: 'Ana García',
    line1: 'Calle Mayor 12',
    line2: '3º B',
    city: 'Madrid',
    state: 'Comunidad de Madrid',
    postcode: '28013',
    country: 'es',
    phone: null,
  },
  grossWeightG: 235,
  dimsMm: [205, 155, 41],
  declaredValue: { amount: 3998, currency: 'USD' },
  contents: [
    { sku: 'PHONE-CASE-BLK', quantity: 1 },
    { sku: 'CABLE-USBC', quantity: 1 },
  ],
};

function scripted(answers: Record<string, CarrierHttpAnswer | (() => CarrierHttpAnswer)>) {
  const sent: CarrierHttpRequest[] = [];
  const transport = async (request: CarrierHttpRequest) => {
    sent.push(request);
    const key = request.path.split('?')[0]!;
    const found = answers[key];
    if (!found) throw new Error(`unexpected ${key}`);
    return typeof found === 'function' ? found() : found;
  };
  return {
    sent,
    adapter: createYunExpressCarrier({
      baseUrl: 'http://oms.example',
      customerCode: 'ITC0893791',
      apiSecret: 'axzc2utvPbfc9UbJDOh+7w==',
      transport,
    }),
  };
}

describe('YunExpress: authentication', () => {
  it('sends Basic base64(CustomerCode&ApiSecret), the documented token of the published test account', () => {
    expect(yun.authorization(fields.testCredentials)).toBe('Basic SVRDMDg5Mzc5MSZheHpjMnV0dlBiZmM5VWJKRE9oKzd3PT0=');
  });

  it('reads back the code and secret of any token (property: customer codes without "&")', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !s.includes('&')),
        fc.string({ minLength: 1 }),
        (customerCode, apiSecret) => {
          expect(yun.credentialsOf(yun.authorization({ customerCode, apiSecret }))).toEqual({
            customerCode,
            apiSecret,
          });
        },
      ),
    );
  });
});

describe('YunExpress: creating the order (the label)', () => {
  it('builds WayBill/CreateOrder as documented: the path, JSON headers, an array of one order with documented fields only', () => {
    const request = yun.createOrderRequest(fields.testCredentials, LABEL);
    expect(request).toMatchObject({ method: 'POST', path: '/api/WayBill/CreateOrder' });
    expect(request.headers).toEqual({
      authorization: 'Basic SVRDMDg5Mzc5MSZheHpjMnV0dlBiZmM5VWJKRE9oKzd3PT0=',
      accept: 'application/json',
      'content-type': 'application/json;charset=UTF-8',
    });
    const body = JSON.parse(request.body!) as Array<Record<string, unknown>>;
    expect(body).toHaveLength(1);
    const order = body[0]!;
    expect(Object.keys(order).every((k) => fields.order!.includes(k))).toBe(true);
    for (const k of fields.required!) expect(order[k]).toBeDefined();
    expect(order).toMatchObject({
      CustomerOrderNumber: '2022021008567562',
      ShippingMethodCode: 'BKPHR',
      TransactionNumber: '8190000000000001',
      PackageCount: 1,
      Weight: 0.235,
      Length: 21,
      Width: 16,
      Height: 5,
    });
    const receiver = order.Receiver as Record<string, unknown>;
    expect(Object.keys(receiver).every((k) => fields.receiver!.includes(k))).toBe(true);
    expect(receiver).toEqual({
      CountryCode: 'ES',
      FirstName: 'Ana García',
      Street: 'Calle Mayor 12, 3º B',
      City: 'Madrid',
      State: 'Comunidad de Madrid',
      Zip: '28013',
    });
    expect(Object.keys(order.Sender as object).every((k) => fields.sender!.includes(k))).toBe(true);
    const parcels = order.Parcels as Array<Record<string, unknown>>;
    for (const p of parcels) {
      expect(Object.keys(p).every((k) => fields.parcel!.includes(k))).toBe(true);
      for (const k of fields.parcelRequired!) expect(p[k]).toBeDefined();
    }
    // 39.98 USD over two units; the declaration multiplies back to the declared value.
    expect(parcels.map((p) => [p.SKU, p.Quantity, p.UnitPrice, p.CurrencyCode])).toEqual([
      ['PHONE-CASE-BLK', 1, 19.99, 'USD'],
      ['CABLE-USBC', 1, 19.99, 'USD'],
    ]);
  });

  it('parses the documented answer to the waybill number, then asks Label/Print for the PDF link', async () => {
    const { sent, adapter } = scripted({
      '/api/WayBill/CreateOrder': answer(fixture('create-order.response.json')),
      '/api/Label/Print': answer(fixture('label-print.response.json')),
    });
    const label = await adapter.createLabel(LABEL);
    expect(label).toEqual({
      trackingNumber: 'YT2222222222222222',
      carrierLabelId: 'YT2222222222222222',
      routingCode: null,
      cost: null,
      labelUrl: 'http://f0.yunexpress.com:81/PDF/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.pdf',
    });
    expect(sent.map((r) => r.path)).toEqual(['/api/WayBill/CreateOrder', '/api/Label/Print']);
    expect(JSON.parse(sent[1]!.body!)).toEqual(['YT2222222222222222']);
  });

  it('a repeated customer order number (a retried request) reads the order back: the same waybill, nothing bought twice', async () => {
    const { sent, adapter } = scripted({
      '/api/WayBill/CreateOrder': answer(fixture('create-order.duplicate.response.json')),
      '/api/WayBill/GetOrder': answer(fixture('get-order.response.json')),
      '/api/Label/Print': answer(fixture('label-print.response.json')),
    });
    const label = await adapter.createLabel(LABEL);
    expect(label.trackingNumber).toBe('YT2222222222222222');
    expect(sent.map((r) => r.path)).toEqual([
      '/api/WayBill/CreateOrder',
      '/api/WayBill/GetOrder?OrderNumber=2022021008567562',
      '/api/Label/Print',
    ]);
  });

  it('a repeated customer order number that belongs to another order (another database) is refused, not reused', async () => {
    const other = JSON.stringify({
      ...JSON.parse(fixture('get-order.response.json')),
      Item: { ...JSON.parse(fixture('get-order.response.json')).Item, TransactionNumber: '8190000000000999' },
    });
    const { adapter } = scripted({
      '/api/WayBill/CreateOrder': answer(fixture('create-order.duplicate.response.json')),
      '/api/WayBill/GetOrder': answer(other),
    });
    await expect(adapter.createLabel(LABEL)).rejects.toMatchObject({
      code: 'duplicate_order_number',
      message: expect.stringContaining('for order 8190000000000999, not 8190000000000001'),
    });
  });

  it("a refusal names YunExpress's own words and code", async () => {
    const refused = JSON.stringify({
      ...JSON.parse(fixture('create-order.duplicate.response.json')),
      Item: [
        { CustomerOrderNumber: '2022021008567562', Success: 0, Remark: '运输方式不支持该国家', WayBillNumber: '' },
      ],
    });
    const { adapter } = scripted({ '/api/WayBill/CreateOrder': answer(refused) });
    const error = await adapter.createLabel(LABEL).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierRefusedError);
    expect(error).toMatchObject({ code: '1001' });
    expect((error as Error).message).toBe('YunExpress: 运输方式不支持该国家 — 提交失败');
  });

  it('an order created without a waybill number is an error, and the order is deleted at YunExpress (the void attempt)', async () => {
    const noNumber = JSON.stringify({
      ...JSON.parse(fixture('create-order.response.json')),
      Item: [{ ...JSON.parse(fixture('create-order.response.json')).Item[0], WayBillNumber: null }],
    });
    const { sent, adapter } = scripted({
      '/api/WayBill/CreateOrder': answer(noNumber),
      '/api/WayBill/Delete': answer(fixture('delete.response.json')),
    });
    const error = await adapter.createLabel(LABEL).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierRefusedError);
    expect((error as Error).message).toMatch(
      /^YunExpress created the order without a waybill number .*; deleted at YunExpress$/,
    );
    expect(sent.map((r) => r.path)).toEqual(['/api/WayBill/CreateOrder', '/api/WayBill/Delete']);
    expect(JSON.parse(sent[1]!.body!)).toEqual({ OrderType: '2', OrderNumber: '2022021008567562' });
  });

  it('a wrong secret (HTTP 401) is a refusal; a 5xx or an HTML page is "unavailable" (outcome unknown)', async () => {
    await expect(
      scripted({ '/api/WayBill/CreateOrder': answer('', 401) }).adapter.createLabel(LABEL),
    ).rejects.toMatchObject({ name: 'CarrierRefusedError', status: 401 });
    await expect(
      scripted({ '/api/WayBill/CreateOrder': answer('busy', 503) }).adapter.createLabel(LABEL),
    ).rejects.toBeInstanceOf(CarrierUnavailableError);
    await expect(
      scripted({ '/api/WayBill/CreateOrder': answer('<html>gateway</html>') }).adapter.createLabel(LABEL),
    ).rejects.toBeInstanceOf(CarrierUnavailableError);
  });
});

describe('YunExpress: delete, tracking', () => {
  it('voids by waybill number with WayBill/Delete {OrderType: "1"} and accepts the documented answer; a failure names the remark', async () => {
    const { sent, adapter } = scripted({ '/api/WayBill/Delete': answer(fixture('delete.response.json')) });
    await adapter.void('YT2222222222222222');
    expect(sent[0]).toMatchObject({ method: 'POST', path: '/api/WayBill/Delete' });
    expect(JSON.parse(sent[0]!.body!)).toEqual({ OrderType: '1', OrderNumber: 'YT2222222222222222' });
    const failed = JSON.stringify({
      Item: { OrderNumber: 'YT2222222222222222', Status: 'Failure', Type: 1, Remark: '已收货，不能删除' },
      Code: '1001',
      Message: '提交失败',
    });
    await expect(
      scripted({ '/api/WayBill/Delete': answer(failed) }).adapter.void('YT2222222222222222'),
    ).rejects.toThrow('YunExpress: 已收货，不能删除 — 提交失败');
  });

  it('parses GetTrackAllInfo: ProcessDate without offset read as China time', async () => {
    const { sent, adapter } = scripted({
      '/api/Tracking/GetTrackAllInfo': answer(fixture('track-all-info.response.json')),
    });
    const events = await adapter.track('YT2222222222222222');
    expect(sent[0]).toMatchObject({
      method: 'GET',
      path: '/api/Tracking/GetTrackAllInfo?OrderNumber=YT2222222222222222',
    });
    expect(events).toEqual([
      {
        at: Date.UTC(2021, 11, 28, 15, 38, 38),
        status: 'yunexpress:10',
        description: 'xxxxxxx xxxxxxx xxxxxxx',
        location: null,
      },
    ]);
  });
});

describe('YunExpress: the freight trial (live quote)', () => {
  const QUOTE = {
    service: 'THPHR',
    destinationCountry: 'es',
    grossWeightG: 780,
    dimsMm: [205, 155, 41] as const,
    postcode: '28014',
  };

  it('asks Freight/GetPriceTrial as documented (kg, whole cm, general goods) and takes the service’s TotalFee in CNY', async () => {
    const { sent, adapter } = scripted({ '/api/Freight/GetPriceTrial': answer(fixture('price-trial.response.json')) });
    expect(adapter.quotesLive).toBe(true);
    const quote = await adapter.quote(QUOTE);
    const [route, query] = sent[0]!.path.split('?');
    expect(sent[0]).toMatchObject({
      method: 'GET',
      headers: { authorization: yun.authorization(fields.testCredentials) },
    });
    expect(route).toBe('/api/Freight/GetPriceTrial');
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
      CountryCode: 'ES',
      Weight: '0.78',
      Length: '21',
      Width: '16',
      Height: '5',
      PackageType: '0',
      PostCode: '28014',
    });
    expect(quote).toEqual({
      service: 'THPHR',
      cost: { amount: 7620, currency: 'CNY' },
      zone: null,
      transitDays: { p50: 7, p90: 12 },
    });
    await adapter.quote({ ...QUOTE, batteries: true });
    expect(new URLSearchParams(sent[1]!.path.split('?')[1]).get('PackageType')).toBe('1');
  });

  it('a service the trial does not price, the recorded answer with no items, or a refusal is an error naming why', async () => {
    const other = scripted({ '/api/Freight/GetPriceTrial': answer(fixture('price-trial.response.json')) });
    await expect(other.adapter.quote({ ...QUOTE, service: 'DHL-X' })).rejects.toThrow(
      'YunExpress: the freight trial has no price for DHL-X (it priced THPHR, PK0008)',
    );
    const empty = scripted({ '/api/Freight/GetPriceTrial': answer(fixture('price-trial.empty.response.json')) });
    await expect(empty.adapter.quote(QUOTE)).rejects.toThrow('no product takes the parcel');
    const refused = scripted({
      '/api/Freight/GetPriceTrial': answer(
        JSON.stringify({ Items: null, Code: '2010', Message: '产品不支持该目的地' }),
      ),
    });
    const error = await refused.adapter.quote(QUOTE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierRefusedError);
    expect((error as CarrierRefusedError).code).toBe('2010');
    expect((error as Error).message).toContain('产品不支持该目的地');
  });
});
