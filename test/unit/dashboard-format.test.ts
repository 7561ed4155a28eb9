/** The dashboard's pure formatting: urgency bands, money in minor units, totals per currency, times in a zone. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  durationParts,
  formatDateTime,
  formatMoney,
  interpolate,
  localInputToIso,
  sumByCurrency,
  urgencyOf,
} from '../../web/src/format';

const HOUR = 3_600_000;

describe('urgency bands', () => {
  it('follow the 48/24/6/2 h warning thresholds', () => {
    expect(urgencyOf(null)).toBe('none');
    expect(urgencyOf(-1)).toBe('overdue');
    expect(urgencyOf(0)).toBe('overdue');
    expect(urgencyOf(1)).toBe('h2');
    expect(urgencyOf(2 * HOUR)).toBe('h2');
    expect(urgencyOf(2 * HOUR + 1)).toBe('h6');
    expect(urgencyOf(6 * HOUR + 1)).toBe('h24');
    expect(urgencyOf(24 * HOUR + 1)).toBe('h48');
    expect(urgencyOf(48 * HOUR)).toBe('h48');
    expect(urgencyOf(48 * HOUR + 1)).toBe('calm');
  });

  it("use a policy's own thresholds, tightest first", () => {
    expect(urgencyOf(3 * HOUR, [72, 12, 4])).toBe('h2');
    expect(urgencyOf(10 * HOUR, [72, 12, 4])).toBe('h6');
    expect(urgencyOf(70 * HOUR, [72, 12, 4])).toBe('h24');
    expect(urgencyOf(73 * HOUR, [72, 12, 4])).toBe('calm');
  });

  it('never get calmer as time runs out', () => {
    const rank = ['calm', 'h48', 'h24', 'h6', 'h2', 'overdue'];
    fc.assert(
      fc.property(
        fc.integer({ min: -100 * HOUR, max: 100 * HOUR }),
        fc.integer({ min: 0, max: 100 * HOUR }),
        (left, less) => {
          expect(rank.indexOf(urgencyOf(left - less))).toBeGreaterThanOrEqual(rank.indexOf(urgencyOf(left)));
        },
      ),
    );
  });
});

describe('money', () => {
  it('reads minor units by the currency', () => {
    expect(formatMoney({ amount: 1290, currency: 'USD' }, 'en')).toBe('$12.90');
    expect(formatMoney({ amount: 1290, currency: 'JPY' }, 'en')).toBe('¥1,290');
    expect(formatMoney({ amount: 12345, currency: 'KWD' }, 'en')).toMatch(/12\.345/);
    expect(formatMoney(null, 'en')).toBe('—');
  });

  it('adds per currency, never across currencies, in integers', () => {
    expect(
      sumByCurrency([
        { amount: 100, currency: 'USD' },
        null,
        { amount: 250, currency: 'EUR' },
        { amount: 1, currency: 'USD' },
      ]),
    ).toEqual([
      { currency: 'EUR', amount: 250 },
      { currency: 'USD', amount: 101 },
    ]);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ amount: fc.integer({ min: 0, max: 1e9 }), currency: fc.constantFrom('USD', 'EUR', 'CNY') }),
        ),
        (amounts) => {
          const totals = sumByCurrency(amounts);
          expect(totals.reduce((s, m) => s + m.amount, 0)).toBe(amounts.reduce((s, m) => s + m.amount, 0));
          expect(new Set(totals.map((m) => m.currency)).size).toBe(totals.length);
        },
      ),
    );
  });
});

describe('times', () => {
  it('show an instant in a zone, the same date form in both languages', () => {
    expect(formatDateTime('2026-11-27T18:02:40Z', 'en', 'Asia/Shanghai')).toBe('Sat 2026-11-28 02:02');
    expect(formatDateTime('2026-11-27T18:02:40Z', 'en', 'America/Los_Angeles')).toBe('Fri 2026-11-27 10:02');
    expect(formatDateTime('2026-11-27T18:02:40Z', 'zh-CN', 'Asia/Shanghai')).toBe('周六 2026-11-28 02:02');
    expect(formatDateTime(null, 'en')).toBe('—');
  });

  it('read a typed wall-clock time in a zone, across a daylight-saving switch', () => {
    expect(localInputToIso('2026-11-28T10:00', 'Asia/Shanghai')).toBe('2026-11-28T02:00:00.000Z');
    expect(localInputToIso('2026-03-08T03:30', 'America/Los_Angeles')).toBe('2026-03-08T10:30:00.000Z');
    expect(localInputToIso('2026-11-01T12:00', 'America/Los_Angeles')).toBe('2026-11-01T20:00:00.000Z');
    expect(localInputToIso('not a time', 'UTC')).toBeUndefined();
  });

  it('split durations and fill placeholders', () => {
    expect(durationParts(-(26 * HOUR + 61_000))).toEqual({ days: 1, hours: 2, minutes: 1, seconds: 1 });
    expect(interpolate('{h} h {m} min, {missing}', { h: 3, m: '05' })).toBe('3 h 05 min, {missing}');
  });
});
