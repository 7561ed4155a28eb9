import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdFingerprints } from '../../src/core/id-fingerprints';

describe('IdFingerprints', () => {
  it('behaves as a map from id to the first row it was seen at', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 24 }), fc.nat({ max: 2 ** 31 })), { maxLength: 3000 }),
        (entries) => {
          const compact = new IdFingerprints(4);
          const reference = new Map<string, number>();
          for (const [id, row] of entries) {
            compact.set(id, row);
            if (!reference.has(id)) reference.set(id, row);
          }
          expect(compact.size).toBe(reference.size);
          for (const [id, row] of reference) expect(compact.get(id)).toBe(row);
          expect(compact.get('\u0000never-inserted\u0000')).toBeUndefined();
        },
      ),
      { numRuns: 50 },
    );
  });

  it('tells apart a million realistic order ids', () => {
    const ids = new IdFingerprints();
    for (let i = 0; i < 1_000_000; i++) ids.set(String(8_100_000_000_000_000 + i), i + 2);
    expect(ids.size).toBe(1_000_000);
    expect(ids.get('8100000000000000')).toBe(2);
    expect(ids.get('8100000000999999')).toBe(1_000_001);
    expect(ids.has('8100000001000000')).toBe(false);
  });
});
