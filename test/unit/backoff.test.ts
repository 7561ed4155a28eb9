import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BackoffPolicy, backoffMs, backoffStepMs } from '../../src/core/backoff';

const policy = fc.record({
  firstMs: fc.integer({ min: 1, max: 60_000 }),
  maxMs: fc.integer({ min: 1, max: 24 * 3_600_000 }),
  jitter: fc.constantFrom('none' as const, 'equal' as const),
});

describe('the backoff policy', () => {
  it('doubles from the first wait up to the cap', () => {
    const p: BackoffPolicy = { firstMs: 30_000, maxMs: 3_600_000, jitter: 'none' };
    expect([1, 2, 3, 4, 8, 9, 1_000].map((n) => backoffMs(p, n))).toEqual([
      30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });

  it('never shrinks with more failures, stays within the cap, and jitters within the step’s upper half', () => {
    fc.assert(
      fc.property(
        policy,
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (p, n, r) => {
          const step = backoffStepMs(p, n);
          expect(backoffStepMs(p, n + 1)).toBeGreaterThanOrEqual(step);
          expect(step).toBeLessThanOrEqual(Math.max(p.maxMs, 0));
          if (n <= 1) expect(step).toBe(Math.min(p.firstMs, p.maxMs));
          const wait = backoffMs(p, n, r);
          if (p.jitter === 'none') expect(wait).toBe(step);
          else {
            expect(wait).toBeGreaterThanOrEqual(Math.floor(step / 2));
            expect(wait).toBeLessThanOrEqual(step);
          }
        },
      ),
    );
  });
});
