/**
 * The first-run checklist and the SKU catalogue row, pure: each step is done exactly when its facts are there (a
 * property over any facts), a missing step says what in both languages and points at its screen; a SKU row's
 * problems are named at their field (a negative weight, a bad HS code, a value without its currency).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSkuRow } from '../../src/core/catalogue-input';
import type { ImportIssue } from '../../src/core/order-input';
import { SETUP_STEPS, setupChecklist, setupComplete, type SetupFacts } from '../../src/core/setup-checklist';

const facts: fc.Arbitrary<SetupFacts> = fc.record({
  shop: fc.option(
    fc.record({
      id: fc.constant('s'),
      connected: fc.boolean(),
      policyChosen: fc.boolean(),
      hasSender: fc.boolean(),
      activeBoxes: fc.nat(3),
    }),
    { nil: null },
  ),
  warehouses: fc.nat(3),
  skus: fc.nat(3),
  unsizedSkus: fc.array(fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F', 'G'), { maxLength: 7 }),
  stockedLevels: fc.nat(3),
  carrierAccounts: fc.nat(2),
  trackingProviders: fc.option(fc.nat(2), { nil: null }),
});

describe('the setup checklist', () => {
  it('marks each step done exactly when its facts are there, and says what is missing otherwise', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const steps = setupChecklist(f);
        // The tracking provider's step only for whoever may set one (the installation's owner).
        expect(steps.map((s) => s.step)).toEqual(
          SETUP_STEPS.filter((s) => s !== 'tracking' || f.trackingProviders !== null),
        );
        const done = Object.fromEntries(steps.map((s) => [s.step, s.done]));
        expect(done).toEqual({
          shop: f.shop !== null,
          policy: f.shop?.policyChosen ?? false,
          warehouses: f.warehouses > 0,
          skus: f.skus > 0 && f.unsizedSkus.length === 0,
          stock: f.stockedLevels > 0,
          sender: f.shop?.hasSender ?? false,
          boxes: (f.shop?.activeBoxes ?? 0) > 0,
          carriers: f.carrierAccounts > 0,
          ...(f.trackingProviders === null ? {} : { tracking: f.trackingProviders > 0 }),
        });
        // Optional, it blocks nothing and the setup is complete without it.
        expect(steps.filter((s) => s.optional).map((s) => s.step)).toEqual(
          f.trackingProviders === null ? [] : ['tracking'],
        );
        for (const s of steps) if (s.optional) expect(s.blocks).toEqual([]);
        expect(setupComplete(steps)).toBe(steps.filter((s) => s.step !== 'tracking').every((s) => s.done));
        for (const s of steps) {
          expect(s.missing === null).toBe(s.done);
          if (s.missing) expect(s.missing['zh-CN']).toMatch(/[\u3400-\u9fff]/);
          expect(s.screen).toMatch(/^[a-z]+(\/[a-z-]+)?$/);
        }
      }),
    );
  });

  it('names the SKUs without a size (the first five)', () => {
    const [, , , skus] = setupChecklist({
      shop: null,
      warehouses: 1,
      skus: 7,
      unsizedSkus: ['A', 'B', 'C', 'D', 'E', 'F'],
      stockedLevels: 0,
      carrierAccounts: 0,
      trackingProviders: null,
    });
    expect(skus!.missing!.en).toBe('6 SKU(s) lack a size and weight: A, B, C, D, E ….');
  });
});

describe('a SKU catalogue row', () => {
  const row = (raw: Record<string, string>) => {
    const issues: ImportIssue[] = [];
    const parsed = parseSkuRow(
      { sku: 'A-1', length_mm: '10', width_mm: '10', height_mm: '10', weight_g: '100', ...raw },
      4,
      issues,
    );
    return { parsed, fields: issues.map((i) => `${i.row}:${i.field}`), issues };
  };

  it('reads a full row, the value in major units of its currency', () => {
    expect(
      row({ hs_code: '9405.11', customs_description: 'LED desk lamp', customs_value: '12.5', customs_currency: 'usd' })
        .parsed,
    ).toEqual({
      row: 4,
      sku: 'A-1',
      name: undefined,
      dimsMm: [10, 10, 10],
      weightG: 100,
      barcode: null,
      customs: { hsCode: '940511', description: 'LED desk lamp', value: 1250, currency: 'USD' },
    });
  });

  it('names each bad field at its row, in both languages', () => {
    const negative = row({ weight_g: '-100' });
    expect(negative.fields).toEqual(['4:weight_g']);
    expect(negative.issues[0]!.message['zh-CN']).toContain('负数');
    expect(row({ hs_code: '94A' }).fields).toEqual(['4:hs_code']);
    expect(row({ customs_value: '3.20' }).fields).toEqual(['4:customs_currency']);
    expect(row({ customs_value: 'lots', customs_currency: 'USD' }).fields).toEqual(['4:customs_value']);
    expect(row({ customs_currency: 'XXQ', customs_value: '1' }).fields).toEqual(['4:customs_currency']);
    expect(row({ width_mm: '' }).fields).toEqual(['4:width_mm']);
  });
});
