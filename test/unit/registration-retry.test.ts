import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  REGISTRATION_FIRST_RETRY_MS,
  REGISTRATION_MAX_RETRY_MS,
  registrationBackoff,
} from '../../src/core/tracking/registration-retry';

describe('registration backoff', () => {
  it('waits 1, 2, 4 … minutes, at most 6 hours', () => {
    expect([1, 2, 3, 4].map(registrationBackoff)).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(registrationBackoff(9)).toBe(256 * 60_000);
    expect(registrationBackoff(10)).toBe(6 * 3_600_000);
    expect(registrationBackoff(10_000)).toBe(6 * 3_600_000);
  });
  it('never shrinks and stays within its bounds (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (n) => {
        expect(registrationBackoff(n + 1)).toBeGreaterThanOrEqual(registrationBackoff(n));
        expect(registrationBackoff(n)).toBeGreaterThanOrEqual(REGISTRATION_FIRST_RETRY_MS);
        expect(registrationBackoff(n)).toBeLessThanOrEqual(REGISTRATION_MAX_RETRY_MS);
      }),
      { seed: 16 },
    );
  });
});
