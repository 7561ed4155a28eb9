/**
 * The full shipping address of a masked order (`aliexpress.trade.redefining.findorderreceiptinfo`), against the
 * fixtures in test/fixtures/aliexpress/receipt-info/ (sources in that folder's README): the request as the SDK forms
 * it, the answer mapped to the import's address fields, and the fake answering with the SDK's own field names.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { receiptInfoParams } from '../../src/integrations/aliexpress/client';
import { FakeMarketplace } from '../../src/integrations/aliexpress/fake-marketplace';
import { renderReceiptInfo } from '../../src/integrations/aliexpress/fake-render';
import { mapOrderDetail, mapReceiptAddress } from '../../src/integrations/aliexpress/mapping';
import type { PlatformOrderDetail, PlatformReceiptInfo } from '../../src/integrations/aliexpress/platform-types';
import { API, parsePlatformJson, responseKey } from '../../src/integrations/aliexpress/protocol';

const DIR = fileURLToPath(new URL('../fixtures/aliexpress', import.meta.url));
const read = (file: string) => parsePlatformJson(readFileSync(`${DIR}/${file}`, 'utf8')) as Record<string, any>;

const request = read('receipt-info/findorderreceiptinfo.request.json') as {
  api: string;
  params: Record<string, string>;
};
const answer = read('receipt-info/findorderreceiptinfo.response.json');
const result = answer[responseKey(API.receiptInfo)].result as PlatformReceiptInfo;
const detail = read('aliexpress-findorderbyid.response.json').aliexpress_trade_new_redefining_findorderbyid_response
  .target as PlatformOrderDetail;

describe('findorderreceiptinfo', () => {
  it('is asked as the SDK asks it: param1 with the order id only, digits kept exact', () => {
    expect(request.api).toBe(API.receiptInfo);
    expect(receiptInfoParams('8190000000123400')).toEqual(request.params);
    // An id past 2^53 stays exact (no JS number on the way).
    expect(receiptInfoParams('9007199254740993123')).toEqual({ param1: '{"order_id":9007199254740993123}' });
    expect(() => receiptInfoParams('81900000001234OO')).toThrow();
  });

  it('maps the full address to the import fields, where the detail gave them masked', () => {
    const masked = mapOrderDetail(detail);
    expect(masked).toMatchObject({ address_line1: 'Calle Ejem****', buyer_name: 'Mar*********', address_masked: true });
    expect(mapReceiptAddress(result)).toEqual({
      address: {
        buyer_name: 'María Ejemplo',
        address_line1: 'Calle Ejemplo 12, 3º B',
        city: 'Madrid',
        state: 'Madrid',
        postcode: '28013',
        phone: '+34 600123401',
      },
      masked: false,
    });
  });

  it('keeps the second line apart, takes `address` when there is no street detail, and sees a masked answer', () => {
    expect(
      mapReceiptAddress({ ...result, detail_address: '', address: 'Rua Exemplo 5', address2: 'Apto 12' }).address,
    ).toMatchObject({ address_line1: 'Rua Exemplo 5', address_line2: 'Apto 12' });
    expect(mapReceiptAddress({ ...result, mobile_no: '600****01' }).masked).toBe(true);
  });

  it("the fake answers with the SDK DTO's field names, the seeded order's address in full", () => {
    const fake = new FakeMarketplace();
    const order = fake.addOrder(
      { order_id: '8190000000123400', lines: [{ sku: 'A', quantity: 1, unit_price: '1.00' }] },
      Date.now(),
    );
    const rendered = renderReceiptInfo(order);
    expect(Object.keys(rendered).sort()).toEqual(
      Object.keys(result)
        .filter((key) => key !== 'oaid' && key !== 'cpf_no')
        .sort(),
    );
    expect(mapReceiptAddress(rendered)).toEqual(mapReceiptAddress(result));
  });
});
