import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BUYER_MARKETS,
  arrivalRatePerMinute,
  demandAt,
  demoRandom,
  drawArrivals,
  localHourOf,
  poisson,
} from '../../src/demo/arrivals';
import { createSimClock } from '../../src/demo/clock';

const DAY = Date.UTC(2026, 10, 26);

describe('the demo shop’s day', () => {
  it('peaks in the buyer’s evening and is quietest before dawn; the daily mean is 1', () => {
    const hours = Array.from({ length: 24 * 60 }, (_, m) => demandAt(m / 60));
    expect(hours.reduce((a, b) => a + b, 0) / hours.length).toBeCloseTo(1, 2);
    const peakHour = hours.indexOf(Math.max(...hours)) / 60;
    const troughHour = hours.indexOf(Math.min(...hours)) / 60;
    expect(peakHour).toBeGreaterThanOrEqual(19.5);
    expect(peakHour).toBeLessThanOrEqual(22);
    expect(troughHour).toBeGreaterThanOrEqual(3);
    expect(troughHour).toBeLessThanOrEqual(5);
    expect(demandAt(21)).toBeGreaterThan(demandAt(13)); // the evening above midday
    expect(demandAt(21)).toBeGreaterThan(5 * demandAt(4));
  });

  it('is positive, continuous and repeats every 24 hours', () => {
    fc.assert(
      fc.property(fc.double({ min: -48, max: 48, noNaN: true }), (h) => {
        expect(demandAt(h)).toBeGreaterThan(0);
        expect(demandAt(h + 24)).toBeCloseTo(demandAt(h), 9);
        expect(Math.abs(demandAt(h + 0.01) - demandAt(h))).toBeLessThan(0.01);
      }),
    );
  });

  it('sums over the markets and a whole day to the orders per day', () => {
    let expected = 0;
    for (let minute = 0; minute < 24 * 60; minute++) {
      for (const market of BUYER_MARKETS) expected += arrivalRatePerMinute(DAY + minute * 60_000, market, 300);
    }
    expect(expected).toBeCloseTo(300, 0);
    expect(BUYER_MARKETS.reduce((sum, m) => sum + m.share, 0)).toBeCloseTo(1, 9);
  });

  it('reads each buyer’s local hour in their own zone', () => {
    // 2026-11-26 20:00 UTC: 21:00 in Madrid, 14:00 in Chicago.
    const at = Date.UTC(2026, 10, 26, 20);
    expect(localHourOf(at, 'Europe/Madrid')).toBe(21);
    expect(localHourOf(at, 'America/Chicago')).toBe(14);
  });

  it('draws orders with the expected mean, reproducibly for a seed', () => {
    const random = demoRandom(3);
    let total = 0;
    for (let i = 0; i < 20_000; i++) total += poisson(0.4, random);
    expect(total / 20_000).toBeGreaterThan(0.38);
    expect(total / 20_000).toBeLessThan(0.42);
    const day = (seed: number) => {
      const dice = demoRandom(seed);
      return Array.from({ length: 24 * 60 }, (_, m) =>
        drawArrivals(DAY + m * 60_000, 300, dice)
          .map((market) => market.country)
          .join(','),
      ).join('|');
    };
    expect(day(5)).toBe(day(5));
    const count = day(5).split(/[|,]/).filter(Boolean).length;
    expect(count).toBeGreaterThan(240);
    expect(count).toBeLessThan(360);
  });
});

describe('the simulated clock', () => {
  it('runs speed times faster than the real one, and stands still once frozen', () => {
    let real = 1000;
    const clock = createSimClock({ startAt: DAY, speed: 60, realNow: () => real });
    expect(clock.now()).toBe(DAY);
    real += 1000;
    expect(clock.now()).toBe(DAY + 60_000);
    expect(clock.realMsUntil(DAY + 120_000)).toBe(1000);
    clock.freeze();
    real += 5000;
    expect(clock.now()).toBe(DAY + 60_000);
    expect(clock.realMsUntil(DAY + 120_000)).toBe(0);
  });
});
