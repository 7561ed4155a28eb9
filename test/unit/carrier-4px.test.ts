/**
 * The 4PX adapter against 4PX's documented calls (test/fixtures/carriers/4px, sources and what is constructed in
 * its README): the signature checked against an MD5 computed outside shipby, each request built as documented (the
 * router path, the system parameters in the query, the signed body), each answer parsed to the number, the label
 * link, the events or 4PX's own refusal. The transport is a function: requests are asserted as values.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFourPxCarrier } from '../../src/integrations/carriers/fourpx/adapter';
import * as fpx from '../../src/integrations/carriers/fourpx/protocol';
import type { CarrierHttpAnswer, CarrierHttpRequest } from '../../src/integrations/carriers/transport';
import { CarrierRefusedError, type LabelRequest } from '../../src/integrations/carriers/types';

const dir = path.resolve('test/fixtures/carriers/4px');
const fixture = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
const answer = (body: string, status = 200): CarrierHttpAnswer => ({
  status,
  contentType: 'application/json',
  bytes: Buffer.from(body),
});
const NOW = 1_700_000_000_000;

const LABEL: LabelRequest = {
  service: 'F3',
  reference: '8190000000000001',
  idempotencyKey: 'shipby-parcel-7-1',
  sender: {
    name: 'Demo Shop',
    line1: '1 Keji Road',
    city: 'Shenzhen',
    postcode: '518000',
    country: 'CN',
    phone: '+86 755 0000 0000',
  },
  recipient: { name: 'Ana García', line1: 'Calle Mayor 12', city: 'Madrid', postcode: '28013', country: 'ES' },
  grossWeightG: 235,
  dimsMm: [205, 155, 41],
  declaredValue: { amount: 1999, currency: 'USD' },
  contents: [{ sku: 'PHONE-CASE-BLK', quantity: 1 }],
};

function scripted(answers: Record<string, CarrierHttpAnswer[]>) {
  const sent: CarrierHttpRequest[] = [];
  const transport = async (request: CarrierHttpRequest) => {
    sent.push(request);
    const method = new URLSearchParams(request.path.split('?')[1]).get('method')!;
    const next = answers[method]?.shift();
    if (!next) throw new Error(`unexpected ${method}`);
    return next;
  };
  return {
    sent,
    methods: () => sent.map((r) => new URLSearchParams(r.path.split('?')[1]).get('method')),
    adapter: createFourPxCarrier({
      baseUrl: 'https://open-test.4px.com',
      appKey: 'fop-sample-key',
      appSecret: 'fop-sample-secret',
      transport,
      now: () => NOW,
    }),
  };
}

describe('4PX: signing', () => {
  it('signs as documented: MD5 of the sorted system parameters, the body and the secret (checked against md5sum)', () => {
    const ex = JSON.parse(fixture('sign.example.json')) as Record<string, string>;
    expect(
      fpx.sign(
        { app_key: ex.app_key!, format: ex.format!, method: ex.method!, timestamp: ex.timestamp!, v: ex.v! },
        ex.body!,
        ex.app_secret!,
      ),
    ).toBe(ex.sign);
  });

  it('puts the system parameters and the sign in the query of POST /router/api/service, the business JSON as the body', () => {
    const ex = JSON.parse(fixture('sign.example.json')) as Record<string, string>;
    const request = fpx.request(
      { appKey: ex.app_key!, appSecret: ex.app_secret! },
      ex.method!,
      JSON.parse(ex.body!),
      Number(ex.timestamp),
    );
    expect(request.method).toBe('POST');
    expect(request.path.split('?')[0]).toBe('/router/api/service');
    expect(request.body).toBe(ex.body);
    expect(request.headers['content-type']).toBe('application/json');
    const query = Object.fromEntries(new URLSearchParams(request.path.split('?')[1]));
    expect(query).toEqual({
      app_key: 'fop-sample-key',
      format: 'json',
      method: 'ds.xms.label.get',
      timestamp: '1700000000000',
      v: '1.0.0',
      language: 'en',
      sign: ex.sign,
    });
  });

  it('a signature holds for its body only: any other body fails (property)', () => {
    fc.assert(
      fc.property(fc.json(), fc.json(), fc.string({ minLength: 1 }), (a, b, secret) => {
        fc.pre(a !== b);
        const request = fpx.request({ appKey: 'k', appSecret: secret }, 'ds.xms.order.get', JSON.parse(a), NOW);
        const query = new URLSearchParams(request.path.split('?')[1]);
        expect(fpx.verify(query, request.body!, secret)).toBe(true);
        expect(fpx.verify(query, JSON.stringify(JSON.parse(b)), secret)).toBe(
          request.body === JSON.stringify(JSON.parse(b)),
        );
      }),
    );
  });
});

describe('4PX: the label', () => {
  it('builds ds.xms.order.create with the documented fields, parses the tracking number, then gets the label link', async () => {
    const { sent, methods, adapter } = scripted({
      'ds.xms.order.create': [answer(fixture('order-create.response.json'))],
      'ds.xms.label.get': [answer(fixture('label-get.response.json'))],
    });
    const label = await adapter.createLabel(LABEL);
    expect(label).toEqual({
      trackingNumber: '4PX300000000001CN',
      carrierLabelId: 'DS2303210000001',
      routingCode: null,
      cost: null,
      labelUrl: 'https://fop-label.4px.com/label/DS2303210000001.pdf',
    });
    expect(methods()).toEqual(['ds.xms.order.create', 'ds.xms.label.get']);
    const body = JSON.parse(sent[0]!.body!) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      [
        'business_type',
        'buyer_id',
        'cargo_type',
        'deliver_type_info',
        'duty_type',
        'is_insure',
        'logistics_service_info',
        'parcel_list',
        'recipient_info',
        'ref_no',
        'return_info',
        'sender',
      ].sort(),
    );
    expect(body).toMatchObject({
      ref_no: 'shipby-parcel-7-1',
      logistics_service_info: { logistics_product_code: 'F3' },
      recipient_info: {
        first_name: 'Ana García',
        country: 'ES',
        city: 'Madrid',
        post_code: '28013',
        street: 'Calle Mayor 12',
      },
    });
    expect((body.parcel_list as unknown[])[0]).toMatchObject({
      weight: 235,
      length: 21,
      width: 16,
      height: 5,
      parcel_value: 19.99,
      currency: 'USD',
      declare_product_info: [
        { declare_product_name_en: 'PHONE-CASE-BLK', declare_product_code_qty: 1, declare_unit_price_export: 19.99 },
      ],
    });
    expect(JSON.parse(sent[1]!.body!)).toEqual({ request_no: 'DS2303210000001', response_label_format: 'PDF' });
    const query = new URLSearchParams(sent[0]!.path.split('?')[1]);
    expect(fpx.verify(query, sent[0]!.body!, 'fop-sample-secret')).toBe(true);
  });

  it('a repeated ref_no (a retried request) reads the order back with ds.xms.order.get: the same number', async () => {
    const { methods, adapter } = scripted({
      'ds.xms.order.create': [answer(fixture('order-create.error.response.json'))],
      'ds.xms.order.get': [answer(fixture('order-get.response.json'))],
      'ds.xms.label.get': [answer(fixture('label-get.response.json'))],
    });
    expect((await adapter.createLabel(LABEL)).trackingNumber).toBe('4PX300000000001CN');
    expect(methods()).toEqual(['ds.xms.order.create', 'ds.xms.order.get', 'ds.xms.label.get']);
  });

  it("a refusal carries 4PX's own message and error code", async () => {
    const { adapter } = scripted({ 'ds.xms.order.create': [answer(fixture('order-create.refused.response.json'))] });
    const error = await adapter.createLabel(LABEL).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierRefusedError);
    expect(error).toMatchObject({
      code: 'DS000012',
      message: '4PX: recipient_info.post_code is not valid for the destination (DS000012) — System processing failed',
    });
  });

  it('an order created without a 4px_tracking_no is an error, and it is cancelled at 4PX', async () => {
    const { sent, methods, adapter } = scripted({
      'ds.xms.order.create': [answer(fixture('order-create.no-number.response.json'))],
      'ds.xms.order.cancel': [answer(fixture('order-cancel.response.json'))],
    });
    await expect(adapter.createLabel(LABEL)).rejects.toThrow(
      '4PX created order DS2303210000002 without a 4px_tracking_no; cancelled at 4PX',
    );
    expect(methods()).toEqual(['ds.xms.order.create', 'ds.xms.order.cancel']);
    expect(JSON.parse(sent[1]!.body!)).toEqual({
      request_no: 'DS2303210000002',
      cancel_reason: 'no tracking number returned',
    });
  });
});

describe('4PX: cancel, tracking', () => {
  it('voids with ds.xms.order.cancel on the consignment number', async () => {
    const { sent, adapter } = scripted({ 'ds.xms.order.cancel': [answer(fixture('order-cancel.response.json'))] });
    await adapter.void('DS2303210000001');
    expect(JSON.parse(sent[0]!.body!)).toEqual({
      request_no: 'DS2303210000001',
      cancel_reason: 'label voided by the seller',
    });
  });

  it('parses tr.order.tracking.get, oldest first, times without offset read as China time', async () => {
    const { sent, adapter } = scripted({ 'tr.order.tracking.get': [answer(fixture('tracking-get.response.json'))] });
    const events = await adapter.track('4PX300000000001CN');
    expect(JSON.parse(sent[0]!.body!)).toEqual({ deliveryOrderNo: '4PX300000000001CN' });
    expect(events).toEqual([
      {
        at: Date.UTC(2023, 2, 27, 8, 3),
        status: '4px:FPX_M_OWC',
        description: 'Shipment information received',
        location: null,
      },
      {
        at: Date.UTC(2023, 2, 28, 1, 15),
        status: '4px:FPX_C_AAF',
        description: 'Parcel received by 4PX',
        location: 'Shenzhen',
      },
    ]);
  });
});

describe('4PX: the estimated cost (live quote)', () => {
  const QUOTE = { service: 'F3', destinationCountry: 'es', grossWeightG: 780, dimsMm: [205, 155, 41] as const };

  it('signs ds.xms.estimated_cost.get with the documented fields (g, cm, one product) and reads lump_sum_fee in CNY', async () => {
    const { sent, adapter } = scripted({
      'ds.xms.estimated_cost.get': [answer(fixture('estimated-cost.response.json'))],
    });
    expect(adapter.quotesLive).toBe(true);
    const quote = await adapter.quote({ ...QUOTE, postcode: '28014' });
    expect(JSON.parse(sent[0]!.body!)).toEqual({
      country_code: 'ES',
      weight: '780',
      length: '21',
      width: '16',
      height: '5',
      cargocode: 'P',
      logistics_product_code: ['F3'],
      recipient_post_code: '28014',
    });
    expect(fpx.verify(new URLSearchParams(sent[0]!.path.split('?')[1]), sent[0]!.body!, 'fop-sample-secret')).toBe(
      true,
    );
    expect(quote).toEqual({
      service: 'F3',
      cost: { amount: 6435, currency: 'CNY' },
      zone: null,
      transitDays: { p50: 8, p90: 15 },
    });
  });

  it('reads data sent as JSON text too; a product not in the answer or a refusal is an error with 4PX’s words', async () => {
    const doc = JSON.parse(fixture('estimated-cost.response.json')) as { data: unknown };
    const asText = JSON.stringify({ ...doc, data: JSON.stringify(doc.data) });
    const { adapter } = scripted({
      'ds.xms.estimated_cost.get': [
        answer(asText),
        answer(fixture('estimated-cost.response.json')),
        answer(fixture('order-create.refused.response.json')),
      ],
    });
    expect((await adapter.quote(QUOTE)).cost).toEqual({ amount: 6435, currency: 'CNY' });
    await expect(adapter.quote({ ...QUOTE, service: 'A1' })).rejects.toThrow(
      '4PX: the estimate has no price for A1 (it priced F3)',
    );
    const refused = await adapter.quote(QUOTE).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CarrierRefusedError);
    expect((refused as CarrierRefusedError).code).toBe('DS000012');
  });
});
