/**
 * One duration formatter (core/duration): days and hours from a day up, hours and minutes under a day, never
 * "1 h 60 min" nor "17280 min"; what it writes reads back to the span within the rounding of its smallest unit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { durationText, timeLeftLocalized } from '../../src/core/duration';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function readBack(en: string): number {
  let ms = 0;
  for (const [, n, unit] of en.matchAll(/(\d+) (d|h|min)/g))
    ms += Number(n) * (unit === 'd' ? DAY : unit === 'h' ? HOUR : MIN);
  return ms;
}

describe('durationText', () => {
  it('reads in days and hours, in both languages', () => {
    expect(durationText(2 * DAY + 4 * HOUR)).toEqual({ en: '2 d 4 h', zh: '2天4小时' });
    expect(durationText(12 * DAY)).toEqual({ en: '12 d', zh: '12天' });
    expect(durationText(17_280 * MIN)).toEqual({ en: '12 d', zh: '12天' });
    expect(durationText(HOUR - 20_000)).toEqual({ en: '1 h', zh: '1小时' });
    expect(durationText(HOUR + 59 * MIN + 40_000)).toEqual({ en: '2 h', zh: '2小时' });
    expect(durationText(3 * HOUR + 20 * MIN)).toEqual({ en: '3 h 20 min', zh: '3小时20分钟' });
    expect(durationText(45 * MIN)).toEqual({ en: '45 min', zh: '45分钟' });
    expect(durationText(DAY - 10_000)).toEqual({ en: '1 d', zh: '1天' });
  });

  it('never writes 60 minutes, 24 hours, or minutes beside days; and reads back within its rounding', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * DAY }), (ms) => {
        const { en, zh } = durationText(ms);
        const minutes = /(\d+) min/.exec(en);
        const hours = /(\d+) h/.exec(en);
        if (minutes) expect(Number(minutes[1])).toBeLessThan(60);
        if (hours) expect(Number(hours[1])).toBeLessThan(24);
        if (en.includes(' d')) expect(en).not.toContain('min');
        const unit = en.includes(' d') ? HOUR : MIN;
        expect(Math.abs(readBack(en) - ms)).toBeLessThanOrEqual(unit / 2);
        expect(zh).not.toMatch(/[A-Za-z]/);
      }),
    );
  });

  it('signs an overdue time left', () => {
    expect(timeLeftLocalized(-(DAY + 2 * HOUR))).toEqual({ en: '-1 d 2 h', 'zh-CN': '-1天2小时' });
    expect(timeLeftLocalized(5 * HOUR)).toEqual({ en: '5 h', 'zh-CN': '5小时' });
    expect(timeLeftLocalized(-10_000).en).toBe('0 min');
  });
});
