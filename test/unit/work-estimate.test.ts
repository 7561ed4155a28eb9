import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  estimateInForce,
  fitWorkEstimate,
  MIN_SESSIONS_TO_LEARN,
  workMinutes,
  type PackingSample,
} from '../../src/core/work-estimate';

/** Sessions of orders of 1–4 lines and 1–3 units a line, timed exactly by the given figures plus a noise. */
function sessions(
  count: number,
  truth: { order: number; line: number; unit: number },
  noise: (k: number) => number = () => 0,
): PackingSample[] {
  return Array.from({ length: count }, (_, k) => {
    const lines = 1 + (k % 4);
    const units = lines + ((k * 7) % 3) * lines;
    return { lines, units, minutes: truth.order + truth.line * lines + truth.unit * units + noise(k) };
  });
}

describe('work estimates', () => {
  it('recovers the three figures from exact measures', () => {
    const fit = fitWorkEstimate(sessions(30, { order: 2, line: 0.75, unit: 0.4 }))!;
    expect(fit).toMatchObject({
      minutesPerOrder: 2,
      minutesPerLine: 0.75,
      minutesPerUnit: 0.4,
      sessions: 30,
      rmseMinutes: 0,
    });
  });

  it('never fits a negative figure: one that would be negative is held at zero', () => {
    // Per line the truth is negative: least squares alone would say so; the fit keeps it at 0 and refits the rest.
    const fit = fitWorkEstimate(sessions(40, { order: 1, line: -0.5, unit: 1 }))!;
    expect(fit.minutesPerLine).toBe(0);
    expect(fit.minutesPerOrder).toBeGreaterThanOrEqual(0);
    expect(fit.minutesPerUnit).toBeGreaterThan(0);
  });

  it('is a least-squares fit: no non-negative figures fit the sessions better (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            lines: fc.integer({ min: 1, max: 6 }),
            units: fc.integer({ min: 1, max: 12 }),
            minutes: fc.double({ min: 0.2, max: 60, noNaN: true }),
          }),
          { minLength: 25, maxLength: 60 },
        ),
        fc.record({
          o: fc.double({ min: 0, max: 5, noNaN: true }),
          l: fc.double({ min: 0, max: 3, noNaN: true }),
          u: fc.double({ min: 0, max: 3, noNaN: true }),
        }),
        (samples, other) => {
          const fit = fitWorkEstimate(samples);
          if (!fit) return; // collinear sizes: nothing learned
          const sse = (o: number, l: number, u: number) =>
            samples.reduce((s, x) => s + (o + l * x.lines + u * x.units - x.minutes) ** 2, 0);
          expect(Math.min(fit.minutesPerOrder, fit.minutesPerLine, fit.minutesPerUnit)).toBeGreaterThanOrEqual(0);
          // The fit is rounded to 0.001 min: allow for that.
          expect(sse(fit.minutesPerOrder, fit.minutesPerLine, fit.minutesPerUnit)).toBeLessThanOrEqual(
            sse(other.o, other.l, other.u) * 1.0001 + 0.05 * samples.length,
          );
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('learns nothing below the minimum of sessions, and ignores sessions left open', () => {
    const few = sessions(MIN_SESSIONS_TO_LEARN - 1, { order: 2, line: 1, unit: 0.5 });
    expect(fitWorkEstimate(few)).toBeUndefined();
    const withOpen = [...few, { lines: 1, units: 1, minutes: 600 }, { lines: 2, units: 2, minutes: 0 }];
    expect(fitWorkEstimate(withOpen)).toBeUndefined();
    expect(fitWorkEstimate([...few, { lines: 2, units: 3, minutes: 2 + 2 + 1.5 }])).toMatchObject({
      sessions: MIN_SESSIONS_TO_LEARN,
    });
  });

  it('skips figures the sessions cannot tell apart (every order one line of one unit)', () => {
    const same = Array.from({ length: 30 }, (_, k) => ({ lines: 1, units: 1, minutes: 3 + (k % 2) * 0.2 }));
    const fit = fitWorkEstimate(same)!;
    expect(workMinutes(fit, 1, 1)).toBeCloseTo(3.1, 3);
    expect([fit.minutesPerLine, fit.minutesPerUnit].filter((v) => v === 0).length).toBeGreaterThanOrEqual(1);
  });

  it("says which estimate is in force: learned, else the shop's, the warehouse's, the default", () => {
    const defaults = { minutesPerOrder: 3, minutesPerLine: 1, minutesPerUnit: 0.5 };
    const shop = { minutesPerOrder: 4, minutesPerLine: 1, minutesPerUnit: 1 };
    const warehouse = { minutesPerOrder: 5, minutesPerLine: 0, minutesPerUnit: 1 };
    const learned = fitWorkEstimate(sessions(25, { order: 1, line: 1, unit: 1 }));
    expect(estimateInForce({ learned, sessions: 25, shop, warehouse, defaults })).toMatchObject({
      source: 'learned',
      sessions: 25,
      minutesPerOrder: 1,
    });
    const byShop = estimateInForce({ learned: undefined, sessions: 4, shop, warehouse, defaults });
    expect(byShop).toMatchObject({ source: 'shop', sessions: 4, minutesPerOrder: 4 });
    expect(byShop.explanation.en).toContain(`4 of the ${MIN_SESSIONS_TO_LEARN} measured sessions`);
    expect(byShop.explanation['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    expect(estimateInForce({ learned: undefined, sessions: 0, warehouse, defaults })).toMatchObject({
      source: 'warehouse',
      minutesPerOrder: 5,
    });
    expect(estimateInForce({ learned: undefined, sessions: 0, defaults })).toMatchObject({
      source: 'default',
      minutesPerOrder: 3,
    });
  });
});
