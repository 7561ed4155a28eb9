/**
 * The key a label is bought with (core/carrier/label-key.ts): within the carriers' 50 characters, the same for the
 * same attempt, different for any other order, parcel or attempt — so two shipby databases on one carrier account
 * never take each other's labels for retries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LABEL_KEY_MAX, labelKey } from '../../src/core/carrier/label-key';

describe('labelKey', () => {
  it('reads plainly for a marketplace order id', () => {
    expect(labelKey('8190000000000001', 12, 1)).toBe('shipby-12-1-8190000000000001');
  });

  it('stays within 50 characters, is stable, and tells any two attempts apart (property)', () => {
    const attempt = fc.record({
      order: fc.string({ minLength: 1, maxLength: 120 }),
      parcel: fc.integer({ min: 1, max: 2 ** 40 }),
      n: fc.integer({ min: 1, max: 999 }),
    });
    fc.assert(
      fc.property(attempt, attempt, (a, b) => {
        const ka = labelKey(a.order, a.parcel, a.n);
        expect(ka.length).toBeLessThanOrEqual(LABEL_KEY_MAX);
        expect(ka).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(labelKey(a.order, a.parcel, a.n)).toBe(ka);
        const same = a.order === b.order && a.parcel === b.parcel && a.n === b.n;
        expect(labelKey(b.order, b.parcel, b.n) === ka).toBe(same);
      }),
      { numRuns: 2000 },
    );
  });
});
