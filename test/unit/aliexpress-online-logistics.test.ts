/**
 * The platform's online logistics, pure: the documented answers (test/fixtures/aliexpress/online-logistics/, built
 * from the SDKs' field definitions) read into services, logistics orders and the label PDF; the request parameters
 * as the platform names them; and the adapter's reading of the client's error classes (a business refusal keeps the
 * platform's words, an unknown write outcome is "try again", which reads back first).
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTrackingNumber } from '../../src/core/tracking/number-check';
import {
  AmbiguousOutcomeError,
  PermanentMarketplaceError,
  RetryableMarketplaceError,
} from '../../src/integrations/aliexpress/errors';
import {
  createAliExpressOnlineCarrier,
  transitDays,
  type MarketplaceCall,
} from '../../src/integrations/carriers/aliexpress-online/adapter';
import * as online from '../../src/integrations/carriers/aliexpress-online/protocol';
import { CarrierRefusedError, CarrierUnavailableError, type LabelRequest } from '../../src/integrations/carriers/types';

const DIR = path.resolve(__dirname, '../fixtures/aliexpress/online-logistics');
/** The object inside `<api>_response`, as the client's `call` hands it over. */
function inner(file: string): Record<string, unknown> {
  const whole = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Record<string, Record<string, unknown>>;
  return Object.values(whole)[0]!;
}

const REQUEST: LabelRequest = {
  service: 'aliexpress-standard',
  platformService: 'CAINIAO_STANDARD',
  reference: '8190000000200010',
  idempotencyKey: 'shipby-8190000000200010-41-1',
  sender: { name: 'Shop', line1: '1 Keji Road', city: 'Shenzhen', country: 'CN' },
  recipient: {
    name: 'Ana',
    line1: 'Calle Mayor 12',
    city: 'Madrid',
    postcode: '28013',
    country: 'ES',
    phone: '+34 600 111 222',
  },
  grossWeightG: 380,
  dimsMm: [150, 250, 100],
  declaredValue: { amount: 3998, currency: 'USD' },
  contents: [{ sku: 'SKU-A', quantity: 2 }],
};

describe('online logistics answers (documented shapes)', () => {
  it('reads the services offered, with the price estimate and the transit days', () => {
    const services = online.parseServices(inner('services.response.json'));
    expect(services).toEqual([
      {
        key: 'CAINIAO_STANDARD',
        name: 'AliExpress Standard Shipping',
        timeliness: '15-35',
        cost: { amount: 2347, currency: 'CNY' },
        warehouse: '菜鸟深圳集运仓',
      },
      {
        key: 'CAINIAO_SUPER_ECONOMY',
        name: 'Cainiao Super Economy Global',
        timeliness: '20-45',
        cost: { amount: 1536, currency: 'CNY' },
        warehouse: '菜鸟深圳集运仓',
      },
    ]);
    expect(transitDays('15-35')).toEqual({ p50: 15, p90: 35 });
    expect(online.pickService(services, 'cainiao-standard').key).toBe('CAINIAO_STANDARD');
    expect(() => online.pickService(services, 'CAINIAO_PREMIUM')).toThrow(
      /not offered.*CAINIAO_STANDARD, CAINIAO_SUPER_ECONOMY/,
    );
  });

  it('reads the created logistics order, a refusal with the platform’s words, the read-back and the label PDF', () => {
    expect(online.parseCreated(inner('create.response.json'))).toMatchObject({
      id: '60000000001',
      internationalNumber: 'LP00143017183663',
    });
    expect(() => online.parseCreated(inner('create.refused.response.json'))).toThrow(CarrierRefusedError);
    expect(() => online.parseCreated(inner('create.refused.response.json'))).toThrow(
      /CAINIAO_PREMIUM is not available for this order/,
    );
    expect(online.parseQuery(inner('query.response.json'))).toEqual([
      {
        id: '60000000001',
        internationalNumber: 'LP00143017183663',
        lpNumber: 'LP00143017183663',
        service: 'CAINIAO_STANDARD',
        status: 'wait_warehouse_receive_goods',
        domesticNumber: null,
      },
    ]);
    expect(online.parseLabel(inner('getprintinfo.response.json')).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(() => online.parseLabel({ result: '{"StatusCode":500,"body":""}' })).toThrow(/without a PDF/);
  });

  it('sends the parameters under the platform’s names: kg and cm, the addresses and products as JSON', () => {
    expect(online.servicesParams('8190000000200010', 380, [150, 250, 100])).toEqual({
      order_id: '8190000000200010',
      goods_weight: '0.380',
      goods_length: '25',
      goods_width: '15',
      goods_height: '10',
    });
    const params = online.createParams(REQUEST, 'CAINIAO_STANDARD', {
      senderAddressId: '1001',
      domesticCompanyId: '-1',
      domesticCompany: 'Seller drop-off',
      undeliverableDecision: 0,
    });
    expect(params).toMatchObject({
      trade_order_id: '8190000000200010',
      trade_order_from: 'ESCROW',
      warehouse_carrier_service: 'CAINIAO_STANDARD',
      domestic_logistics_company_id: '-1',
      domestic_tracking_no: 'shipby-8190000000200010-41-1',
      package_num: '1',
    });
    expect(JSON.parse(params.address_d_t_os!)).toEqual({
      sender: { address_id: 1001 },
      receiver: {
        name: 'Ana',
        country: 'ES',
        province: 'Madrid',
        city: 'Madrid',
        street_address: 'Calle Mayor 12',
        post_code: '28013',
        mobile: '+34 600 111 222',
      },
    });
    expect(JSON.parse(params.declare_product_d_t_os!)).toEqual([
      expect.objectContaining({
        product_num: 2,
        product_declare_amount: '19.99',
        product_weight: '0.190',
        sku_code: 'SKU-A',
      }),
    ]);
  });

  it('the domestic reference is 1–32 characters and the same for the same key, different for different keys', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 80 }).map((s) => `shipby-${s}`),
        fc.string({ minLength: 1, maxLength: 80 }).map((s) => `shipby-${s}`),
        (a, b) => {
          const ra = online.domesticReference(a);
          expect(ra.length).toBeGreaterThan(0);
          expect(ra.length).toBeLessThanOrEqual(32);
          expect(online.domesticReference(a)).toBe(ra);
          if (a.replace(/[^A-Za-z0-9-]/g, '') !== b.replace(/[^A-Za-z0-9-]/g, ''))
            expect(online.domesticReference(b)).not.toBe(ra);
        },
      ),
    );
  });
});

describe('a number the platform issued for the order', () => {
  it('needs no format guess: a shape our format table calls malformed passes, re-use is still refused', () => {
    const number = 'LPX0014301718366'; // a near miss of the LP format our table has
    expect(checkTrackingNumber(number, { carrier: 'cainiao' }).valid).toBe(false);
    expect(checkTrackingNumber(number, { carrier: 'cainiao', issuedByPlatform: true })).toMatchObject({
      valid: true,
      checks: expect.arrayContaining([expect.objectContaining({ id: 'format', result: 'pass' })]),
    });
    const reused = checkTrackingNumber(number, {
      carrier: 'cainiao',
      issuedByPlatform: true,
      usedBy: [{ orderId: '8190000000000001', usedAt: 0 }],
      now: 1,
      reuseWindowDays: 365,
    });
    expect(reused.valid).toBe(false);
  });
});

describe('the adapter reads the client’s error classes', () => {
  const scripted = (
    answers: Record<string, () => Record<string, unknown>>,
  ): { call: MarketplaceCall; calls: string[] } => {
    const calls: string[] = [];
    return {
      calls,
      call: async (method) => {
        calls.push(method);
        return answers[method]!();
      },
    };
  };
  const emptyQuery = () => ({ result: { success: true, result_list: { aeop_logistics_order_detail_dto: [] } } });

  it('a business refusal is the carrier refusing, with the platform’s own words', async () => {
    const { call } = scripted({
      [online.ONLINE_LOGISTICS_CALLS.query]: emptyQuery,
      [online.ONLINE_LOGISTICS_CALLS.services]: () => inner('services.response.json'),
      [online.ONLINE_LOGISTICS_CALLS.create]: () => {
        throw new PermanentMarketplaceError('aliexpress.logistics.createwarehouseorder: refused', {
          method: 'x',
          code: 'isv.address-invalid',
          reason: 'business_rule',
          platformMessage: '收件人地址不完整',
        });
      },
    });
    const error = await createAliExpressOnlineCarrier({ call, senderAddressId: '1001', describe: 'shop' })
      .createLabel(REQUEST)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierRefusedError);
    expect(error).toMatchObject({ code: 'isv.address-invalid', message: expect.stringContaining('收件人地址不完整') });
  });

  it('an unknown write outcome or a spent retry budget is "unavailable": nothing is assumed bought', async () => {
    for (const thrown of [
      new AmbiguousOutcomeError('lost', { method: 'x', code: 'isp.timeout', reason: 'platform_error' } as never),
      new RetryableMarketplaceError('limit', { method: 'x', code: 'ApiCallLimit', reason: 'rate_limited' } as never),
    ]) {
      const { call } = scripted({
        [online.ONLINE_LOGISTICS_CALLS.query]: emptyQuery,
        [online.ONLINE_LOGISTICS_CALLS.services]: () => inner('services.response.json'),
        [online.ONLINE_LOGISTICS_CALLS.create]: () => {
          throw thrown;
        },
      });
      await expect(
        createAliExpressOnlineCarrier({ call, senderAddressId: '1001', describe: 'shop' }).createLabel(REQUEST),
      ).rejects.toBeInstanceOf(CarrierUnavailableError);
    }
  });

  it('a retry resumes the logistics order the lost answer created: read back first, no second creation', async () => {
    const { call, calls } = scripted({ [online.ONLINE_LOGISTICS_CALLS.query]: () => inner('query.response.json') });
    const label = await createAliExpressOnlineCarrier({ call, senderAddressId: '1001', describe: 'shop' }).createLabel(
      REQUEST,
    );
    expect(label).toMatchObject({ trackingNumber: 'LP00143017183663', carrierLabelId: '60000000001:LP00143017183663' });
    expect(calls).toEqual([online.ONLINE_LOGISTICS_CALLS.query]);
  });
});
