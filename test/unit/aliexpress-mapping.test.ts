import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  OrderMappingError,
  mapDeclaredShipments,
  earliestSend,
  mapOrderDetail,
  importInputOf,
  platformTimeToIso,
} from '../../src/integrations/aliexpress/mapping';
import { parsePlatformJson } from '../../src/integrations/aliexpress/protocol';
import type { PlatformOrderDetail } from '../../src/integrations/aliexpress/platform-types';
import { type ImportIssue } from '../../src/core/order-input';
import { parseJsonOrder } from '../../src/core/order-input-json';

// Copies of shared/domain/samples (synthetic payloads in the platform's shapes).
const SAMPLES = fileURLToPath(new URL('../fixtures/aliexpress', import.meta.url));

function sampleTarget(file: string): PlatformOrderDetail {
  const body = parsePlatformJson(readFileSync(`${SAMPLES}/${file}`, 'utf8')) as {
    aliexpress_trade_new_redefining_findorderbyid_response: { target: PlatformOrderDetail };
  };
  return body.aliexpress_trade_new_redefining_findorderbyid_response.target;
}

describe('AliExpress order mapping', () => {
  it('maps the paid order awaiting shipment, with Pacific times carrying their offset', () => {
    expect(mapOrderDetail(sampleTarget('aliexpress-findorderbyid.response.json'))).toEqual({
      order_id: '8190000000123400',
      platform: 'aliexpress',
      status: 'WAIT_SELLER_SEND_GOODS',
      paid_at: '2024-03-01T09:12:55-08:00',
      ship_by: '2024-03-06T10:20:00-08:00',
      buyer_name: 'Mar*********',
      address_masked: true,
      buyer_country: 'ES',
      address_line1: 'Calle Ejem****',
      city: 'Madrid',
      state: 'Madrid', // receipt_address.province
      postcode: '28013',
      phone: '+34 600****01',
      currency: 'USD',
      handling_days: 5,
      logistics_service: 'CAINIAO_STANDARD',
      lines: [
        { sku: 'SKU-RED-M', quantity: 2, unit_price: '4.99' },
        { sku: 'SKU-CASE-X', quantity: 1, unit_price: '7.30' },
      ],
    });
  });

  it('maps the shipped order: no ship-by any more, and its declared parcel', () => {
    const target = sampleTarget('aliexpress-findorderbyid.shipped.response.json');
    const input = mapOrderDetail(target);
    expect(input.status).toBe('WAIT_BUYER_ACCEPT_GOODS');
    expect(input.ship_by).toBeUndefined();
    expect(input.paid_at).toBe('2024-03-01T09:12:55-08:00');
    expect(mapDeclaredShipments(target)).toEqual([
      {
        logistics_no: 'LX123456785NL',
        service_name: 'CAINIAO_STANDARD',
        sent_at: '2024-03-03T18:40:02-08:00',
        receive_status: 'not_received',
      },
    ]);
  });

  it("reads the platform's ship time from the shipped sample: gmt_send, US Pacific, into the import's shipped_at", () => {
    const input = mapOrderDetail(sampleTarget('aliexpress-findorderbyid.shipped.response.json'));
    expect(input.shipped_at).toBe('2024-03-03T18:40:02-08:00');
    const issues: ImportIssue[] = [];
    const parsed = parseJsonOrder(importInputOf(input).input, '', 1, issues);
    expect(issues).toEqual([]);
    expect(parsed).toMatchObject({
      status: 'shipped',
      platformStatus: 'WAIT_BUYER_ACCEPT_GOODS',
      shippedAt: Date.UTC(2024, 2, 4, 2, 40, 2),
    });
    // The order awaiting shipment declares no parcel: no ship time.
    expect(mapOrderDetail(sampleTarget('aliexpress-findorderbyid.response.json')).shipped_at).toBeUndefined();
  });

  it('takes the earliest gmt_send of several parcels, compared as instants across the DST switch; unreadable ones are skipped', () => {
    const target = sampleTarget('aliexpress-findorderbyid.shipped.response.json');
    const first = target.logistic_info_list!.aeop_tp_logistic_info_dto![0]!;
    const several: PlatformOrderDetail = {
      ...target,
      logistic_info_list: {
        aeop_tp_logistic_info_dto: [
          { ...first, logistics_no: 'LX000000002NL', gmt_send: '2024-03-10 03:10:00' }, // PDT: 10:10 UTC
          { ...first, logistics_no: 'LX000000003NL', gmt_send: 'not a time' },
          { ...first, logistics_no: 'LX000000001NL', gmt_send: '2024-03-10 01:30:00' }, // PST: 09:30 UTC, the earliest
          { ...first, logistics_no: 'LX000000004NL', gmt_send: undefined },
        ],
      },
    };
    expect(earliestSend(several)).toBe('2024-03-10T01:30:00-08:00');
    expect(mapOrderDetail(several).shipped_at).toBe('2024-03-10T01:30:00-08:00');
    expect(earliestSend({ ...target, logistic_info_list: { aeop_tp_logistic_info_dto: [] } })).toBeUndefined();
    expect(earliestSend({ ...target, logistic_info_list: undefined })).toBeUndefined();
  });

  it('reads a countdown across the spring DST switch as elapsed hours (receipt clock = 60 × 24 h)', () => {
    const target = sampleTarget('aliexpress-findorderbyid.shipped.response.json');
    const sent = platformTimeToIso(target.logistic_info_list!.aeop_tp_logistic_info_dto![0]!.gmt_send)!;
    const receiptDeadline = platformTimeToIso(target.over_time_left)!;
    expect(receiptDeadline).toBe('2024-05-02T19:40:02-07:00');
    expect(Date.parse(receiptDeadline) - Date.parse(sent)).toBe(60 * 24 * 3600 * 1000);
  });

  it('produces input the shared order import accepts (the JSON order contract)', () => {
    const issues: ImportIssue[] = [];
    const parsed = parseJsonOrder(
      importInputOf(mapOrderDetail(sampleTarget('aliexpress-findorderbyid.response.json'))).input,
      '',
      1,
      issues,
    );
    expect(issues).toEqual([]);
    expect(parsed).toMatchObject({
      platformOrderId: '8190000000123400',
      status: 'awaiting_shipment',
      paidAt: Date.UTC(2024, 2, 1, 17, 12, 55),
      platformShipByAt: Date.UTC(2024, 2, 6, 18, 20, 0),
      lines: [
        { sku: 'SKU-RED-M', quantity: 2, unitPrice: 499 },
        { sku: 'SKU-CASE-X', quantity: 1, unitPrice: 730 },
      ],
    });
  });

  it('keeps a 64-bit order id exact and normalises prices to the currency digits', () => {
    const target = sampleTarget('aliexpress-findorderbyid.response.json');
    const big = parsePlatformJson(
      JSON.stringify(target).replace('"id":8190000000123400', '"id":98190000000123400'),
    ) as PlatformOrderDetail;
    big.child_order_list!.aeop_tp_child_order_dto![0]!.product_price.amount = '5.5';
    const input = mapOrderDetail(big);
    expect(input.order_id).toBe('98190000000123400');
    expect(input.lines[0]!.unit_price).toBe('5.50');
  });

  it('maps an order the platform closed for a missed deadline to closed_unfulfilled, not completed', () => {
    const target = {
      ...sampleTarget('aliexpress-findorderbyid.response.json'),
      order_status: 'FINISH',
      order_end_reason: 'seller_send_goods_timeout',
    };
    expect(mapOrderDetail(target).status).toBe('closed_unfulfilled');
    expect(mapOrderDetail({ ...target, order_end_reason: 'buyer_cancel_order' }).status).toBe('cancelled');
    expect(mapOrderDetail({ ...target, order_end_reason: undefined }).status).toBe('FINISH');
  });

  it('refuses an order it cannot import, naming every problem', () => {
    const target = sampleTarget('aliexpress-findorderbyid.response.json');
    const broken: PlatformOrderDetail = {
      ...target,
      id: 2 ** 60, // already rounded by a plain JSON.parse
      gmt_pay_success: '2024-03-10 02:30:00', // does not exist in Los Angeles (spring forward)
      child_order_list: {
        aeop_tp_child_order_dto: [{ ...target.child_order_list!.aeop_tp_child_order_dto![0]!, product_count: 0 }],
      },
    };
    try {
      mapOrderDetail(broken);
      expect.unreachable('mapping should fail');
    } catch (error) {
      expect(error).toBeInstanceOf(OrderMappingError);
      const problems = (error as OrderMappingError).problems.join(' | ');
      expect(problems).toContain('order id');
      expect(problems).toContain('gmt_pay_success');
      expect(problems).toContain('product_count');
    }
  });
});
