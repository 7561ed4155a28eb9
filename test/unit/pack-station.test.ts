/**
 * The pure rules of pack and ship: scans, weights, bundles, value split, print order, buyer class, contract sheets,
 * and the sample carrier's numbers passing shipby's own tracking-number checks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseContractRows, type ContractRow } from '../../src/core/carrier-contract';
import { judgeScan, judgeWeight, sellerUnits, subtractItems, weightRange } from '../../src/core/pack-station';
import { buyerLogisticsClassOf, prorate, sortForPrinting } from '../../src/core/shipping-facts';
import { checkTrackingNumber } from '../../src/core/tracking/number-check';
import { SAMPLE_CARRIER_SERVICES } from '../../src/core/data/carriers/index';
import { issueTrackingNumber } from '../../src/integrations/carriers/sample-numbers';

describe('scan-to-pack rules', () => {
  const expected = [
    { sku: 'SKU-A', quantity: 2 },
    { sku: 'SKU-B', quantity: 1 },
  ];

  it('accepts a missing item and says what is still expected', () => {
    const j = judgeScan(expected, new Map(), { code: 'SKU-A', sku: 'SKU-A' });
    expect(j.accepted).toBe(true);
    if (!j.accepted) return;
    expect(j.complete).toBe(false);
    expect(j.message.en).toBe('SKU-A 1/2. Still expected: SKU-A ×1, SKU-B ×1.');
    expect(j.message['zh-CN']).toContain('还需');
  });

  it('refuses a wrong item, naming the parcel it belongs to, and an unknown code', () => {
    const wrong = judgeScan(expected, new Map(), { code: 'SKU-C', sku: 'SKU-C', inOtherParcel: 2 });
    expect(wrong).toMatchObject({ accepted: false, refusal: 'wrong-item' });
    expect(wrong.message.en).toBe(
      'Wrong item: SKU-C is not in this parcel. It belongs in parcel 2 of this order. Expected: SKU-A ×2, SKU-B ×1.',
    );
    const unknown = judgeScan(expected, new Map(), { code: '999' });
    expect(unknown).toMatchObject({ accepted: false, refusal: 'unknown-code' });
  });

  it('refuses one too many and completes on the last missing item', () => {
    const tooMany = judgeScan(expected, new Map([['SKU-A', 2]]), { code: 'SKU-A', sku: 'SKU-A' });
    expect(tooMany).toMatchObject({ accepted: false, refusal: 'too-many' });
    expect(tooMany.message.en).toContain('Expected: SKU-B ×1.');
    const last = judgeScan(expected, new Map([['SKU-A', 2]]), { code: 'SKU-B', sku: 'SKU-B' });
    expect(last).toMatchObject({ accepted: true, complete: true });
  });

  it('a parcel completes after exactly its units, whatever the scan order, and refuses every extra', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ sku: fc.constantFrom('A', 'B', 'C'), quantity: fc.integer({ min: 1, max: 3 }) }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.array(fc.constantFrom('A', 'B', 'C', 'D'), { maxLength: 20 }),
        (raw, scans) => {
          const items = sellerUnits(raw, new Map());
          const counts = new Map<string, number>();
          for (const code of scans) {
            const j = judgeScan(items, counts, { code, sku: code });
            const need = items.find((i) => i.sku === code)?.quantity ?? 0;
            expect(j.accepted).toBe((counts.get(code) ?? 0) < need);
            if (j.accepted) counts.set(code, (counts.get(code) ?? 0) + 1);
          }
          for (const item of items) expect(counts.get(item.sku) ?? 0).toBeLessThanOrEqual(item.quantity);
        },
      ),
    );
  });

  it('expands bundles into seller SKUs and subtracts what is already packed', () => {
    const units = sellerUnits(
      [
        { sku: 'BUNDLE', quantity: 2 },
        { sku: 'SKU-A', quantity: 1 },
      ],
      new Map([
        [
          'BUNDLE',
          [
            { sku: 'SKU-A', units: 1 },
            { sku: 'SKU-B', units: 3 },
          ],
        ],
      ]),
    );
    expect(units).toEqual([
      { sku: 'SKU-A', quantity: 3 },
      { sku: 'SKU-B', quantity: 6 },
    ]);
    expect(
      subtractItems(units, [
        { sku: 'SKU-B', quantity: 6 },
        { sku: 'SKU-A', quantity: 1 },
      ]),
    ).toEqual([{ sku: 'SKU-A', quantity: 2 }]);
  });
});

describe('weighing', () => {
  it('uses ± max(min grams, percent) around the expected weight', () => {
    expect(weightRange(760, { basisPoints: 500, minG: 20 })).toEqual({ minG: 722, maxG: 798 });
    expect(weightRange(100, { basisPoints: 500, minG: 20 })).toEqual({ minG: 80, maxG: 120 });
  });

  it('holds a parcel outside the range and says why in both languages', () => {
    const heavy = judgeWeight(760, 900, { basisPoints: 500, minG: 20 });
    expect(heavy.ok).toBe(false);
    expect(heavy.message.en).toContain('900 g is outside 722–798 g (expected 760 g, +140 g)');
    expect(heavy.message.en).toContain('something extra inside?');
    expect(heavy.message['zh-CN']).toContain('包裹已暂停待查');
    expect(judgeWeight(760, 790, { basisPoints: 500, minG: 20 }).ok).toBe(true);
  });
});

describe('shipping facts', () => {
  it('prorates a value exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 8 }),
        (total, weights) => {
          const parts = prorate(total, weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          expect(parts.every((p) => Number.isInteger(p) && p >= 0)).toBe(true);
        },
      ),
    );
    expect(prorate(1000, [1, 1, 1])).toEqual([334, 333, 333]);
  });

  it('reads the buyer class from the marketplace service key, and says nothing when unsure', () => {
    expect(buyerLogisticsClassOf('CAINIAO_PREMIUM')).toBe('premium');
    expect(buyerLogisticsClassOf('CAINIAO_STANDARD')).toBe('standard');
    expect(buyerLogisticsClassOf('CAINIAO_ECONOMY')).toBe('economy');
    expect(buyerLogisticsClassOf('CPAM')).toBe('standard');
    expect(buyerLogisticsClassOf('EMS_ZX_ZX_US')).toBe('standard'); // ePacket, not EMS
    expect(buyerLogisticsClassOf('EMS')).toBe('express');
    expect(buyerLogisticsClassOf('DHL')).toBe('express');
    expect(buyerLogisticsClassOf('SELLER_OWN')).toBeUndefined();
  });

  it('orders labels by deadline, carrier or SKU', () => {
    const labels = [
      { parcelId: 1, shipByAt: 300, carrier: 'yunexpress', service: 'y', skus: ['B'] },
      { parcelId: 2, shipByAt: 100, carrier: 'china-post', service: 'c', skus: ['C'] },
      { parcelId: 3, shipByAt: null, carrier: 'cainiao', service: 'a', skus: ['A'] },
      { parcelId: 4, shipByAt: 200, carrier: 'china-post', service: 'c', skus: ['A'] },
    ];
    expect(sortForPrinting(labels, 'deadline').map((l) => l.parcelId)).toEqual([2, 4, 1, 3]);
    expect(sortForPrinting(labels, 'carrier').map((l) => l.parcelId)).toEqual([3, 2, 4, 1]);
    expect(sortForPrinting(labels, 'sku').map((l) => l.parcelId)).toEqual([4, 3, 1, 2]);
  });
});

describe('the sample carrier numbers', () => {
  it("issues numbers that pass shipby's checks for every sample service's carrier", () => {
    for (const service of SAMPLE_CARRIER_SERVICES) {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (serial) => {
          const number = issueTrackingNumber(service.carrier, serial, service.s10IndicatorFirstLetters);
          const report = checkTrackingNumber(number, {
            carrier: service.carrier,
            country: 'ES',
            service: {
              code: service.code,
              logisticsClass: service.logisticsClass,
              ...(service.s10IndicatorFirstLetters
                ? { s10IndicatorFirstLetters: service.s10IndicatorFirstLetters }
                : {}),
            },
          });
          expect(report.failed, `${service.code} ${number}: ${report.summary.en}`).toEqual([]);
        }),
        { numRuns: 50 },
      );
    }
  });

  it('gives posts S10 numbers with a correct check digit, and a one-off change fails it', () => {
    const number = issueTrackingNumber('china-post', 47312482, 'R');
    expect(number).toBe('RR473124829CN');
    expect(checkTrackingNumber('RR473124828CN', { carrier: 'china-post' }).failed).toContain('s10-check-digit');
    expect(issueTrackingNumber('china-post', 1, 'L')).toMatch(/^LX\d{9}CN$/);
    expect(issueTrackingNumber('cainiao', 42)).toBe('LP00000000000042');
    expect(issueTrackingNumber('dhl', 231881002)).toMatch(/^\d{10}$/);
  });
});

describe('carrier contract sheets', () => {
  const base = {
    service: 'acme-post',
    carrier: 'china-post',
    name_en: 'Acme Post Registered',
    name_zh: '',
    class: 'standard',
    currency: 'CNY',
    fuel_percent: '5',
    volumetric_divisor: '',
    max_weight_g: '2000',
    max_longest_side_mm: '600',
    max_sum_of_sides_mm: '900',
    max_length_girth_mm: '',
    batteries: 'none',
    liquids: 'no',
    pickup_zone: 'Asia/Shanghai',
    pickup_days: '1-6',
    pickup_times: '17:00',
    marketplace_service: 'CPAM',
    s10_letters: 'R',
    zone: 'EU',
    countries: 'ES FR DE',
    up_to_g: '2000',
    pricing: 'per-kg',
    per_kg_price: '70.00',
    first_g: '',
    first_price: '',
    step_g: '',
    step_price: '',
    handling_fee: '8.50',
    min_chargeable_g: '10',
    transit_p50_days: '12',
    transit_p90_days: '25',
  };
  const row = (n: number, over: Partial<typeof base>): ContractRow => ({ row: n, cells: { ...base, ...over } });

  it('builds validated services with money in minor units', () => {
    const parsed = parseContractRows([
      row(2, {}),
      row(3, { zone: 'US', countries: 'US', per_kg_price: '90', transit_p50_days: '15', transit_p90_days: '30' }),
    ]);
    expect(parsed.issues).toEqual([]);
    const service = parsed.services[0]!.service;
    expect(service.zones.map((z) => z.id)).toEqual(['EU', 'US']);
    expect(service.zones[0]!.brackets[0]!.pricing).toEqual({
      kind: 'per-kg',
      perKgPrice: 7000,
      handlingFee: 850,
      minChargeableG: 10,
    });
    expect(parsed.services[0]!.marketplaceService).toBe('CPAM');
  });

  it('refuses the whole sheet and names every bad row', () => {
    const parsed = parseContractRows([
      row(2, {}),
      row(3, { per_kg_price: '7O.00' }),
      row(4, { zone: 'US', countries: 'US', transit_p50_days: '30', transit_p90_days: '20' }),
      row(5, { currency: 'USD' }),
    ]);
    expect(parsed.services).toEqual([]);
    expect(parsed.issues.map((i) => [i.row, i.field])).toEqual([
      [3, 'per_kg_price'],
      [5, 'currency'],
    ]);
    const schema = parseContractRows([
      row(2, {}),
      row(7, { zone: 'US', countries: 'US', transit_p50_days: '30', transit_p90_days: '20' }),
    ]);
    expect(schema.issues).toHaveLength(1);
    expect(schema.issues[0]!.row).toBe(7);
    expect(schema.issues[0]!.message.en).toContain('p90Days must be at least p50Days');
  });
});
