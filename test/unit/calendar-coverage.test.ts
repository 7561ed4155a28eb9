/**
 * The festival calendars as data through 2027 (core/policy/china-calendar.ts, checked against date-holidays) and the
 * warning for a deadline past the end of a policy's calendar data (core/policy/calendar-coverage.ts).
 */
import Holidays from 'date-holidays';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeShipBy } from '../../src/core/deadline';
import { builtInRegistry, type Policy } from '../../src/core/policy';
import { calendarDataUntil, calendarWarning } from '../../src/core/policy/calendar-coverage';
import {
  CN_CLOSURES,
  CN_FESTIVAL_PAUSES,
  CN_PARTIAL_HOLIDAY_NAMES,
  expandDateRanges,
} from '../../src/core/policy/china-calendar';

const registry = builtInRegistry();
const policy = (id: string): Policy => registry.select(id, Date.parse('2026-11-27T12:00:00Z'));
const t = (iso: string) => Date.parse(iso);

describe('Chinese festival data through 2027', () => {
  it('closes every full CN statutory holiday of 2027 that date-holidays knows', () => {
    const closed = new Set(expandDateRanges(CN_CLOSURES));
    const statutory = new Holidays('CN')
      .getHolidays(2027)
      .filter((h) => h.type === 'public' && !CN_PARTIAL_HOLIDAY_NAMES.includes(h.name))
      .map((h) => h.date.slice(0, 10));
    expect(statutory).toContain('2027-02-05'); // Spring Festival eve by date-holidays' lunar rule
    for (const day of statutory) expect(closed.has(day), day).toBe(true);
  });

  it('pauses the AliExpress online-rate statistics over Spring Festival and National Day 2027', () => {
    expect(CN_FESTIVAL_PAUSES.filter((p) => p.from.startsWith('2027')).map((p) => [p.from, p.to, p.name.en])).toEqual([
      ['2027-02-05', '2027-02-12', 'Spring Festival 2027'],
      ['2027-10-01', '2027-10-07', 'National Day 2027'],
    ]);
    expect(policy('aliexpress_pop').metricPauses.some((p) => p.from === '2027-02-05')).toBe(true);
  });

  it('Shopee working days skip the Spring Festival 2027 closure', () => {
    // Paid Thu 2027-02-04 10:00 Beijing; 5–12 Feb closed, 13–14 a weekend: working days Mon 15 and Tue 16 Feb.
    expect(computeShipBy({ paidAt: t('2027-02-04T02:00:00Z'), extensions: [] }, policy('shopee')).shipByAt).toBe(
      t('2027-02-17T00:00:00+08:00'),
    );
  });
});

describe('a deadline past the end of the calendar data', () => {
  it("knows how far each policy's dated data reaches, and which of it shapes deadlines", () => {
    for (const id of ['aliexpress_pop', 'aliexpress_semi_jit', 'aliexpress_full_jit', 'shopee'])
      expect(calendarDataUntil(policy(id), 'all'), id).toBe('2027-12-31');
    expect(calendarDataUntil(policy('shopee'), 'deadline')).toBe('2027-12-31'); // Chinese working days
    // AliExpress deadlines are elapsed hours: only its statistics pauses are dated, so no deadline can run past them.
    expect(calendarDataUntil(policy('aliexpress_pop'), 'deadline')).toBeNull();
    expect(calendarWarning(policy('aliexpress_pop'), t('2030-01-01T00:00:00Z'))).toBeUndefined();
    expect(calendarDataUntil(policy('amazon_seller_fulfilled'), 'all')).toBeNull(); // date-holidays rules only: no dated data to run out
  });

  it("warns, in English and Chinese, from the first local day after it, in the policy's zone", () => {
    const shopee = policy('shopee'); // Asia/Shanghai
    expect(calendarWarning(shopee, t('2027-12-31T15:59:59Z'))).toBeUndefined(); // 23:59:59 on 31 Dec in Beijing
    expect(calendarWarning(shopee, t('2027-12-31T16:00:00Z'))).toBeUndefined(); // 24:00 on 31 Dec: the end of that day
    const warning = calendarWarning(shopee, t('2027-12-31T16:00:01Z'));
    expect(warning?.en).toContain(
      'The deadline (2028-01-01) falls after the end of the holiday and festival data of policy shopee (2027-12-31)',
    );
    expect(warning?.en).toContain('dashboard');
    expect(warning?.['zh-CN']).toContain('控制台');
    expect(calendarWarning(shopee, null)).toBeUndefined();
    expect(calendarWarning(policy('amazon_seller_fulfilled'), t('2030-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('property: a warning exactly when the local deadline date is after the data', () => {
    const shopee = policy('shopee'); // Asia/Shanghai
    fc.assert(
      fc.property(fc.integer({ min: t('2026-06-01T00:00:00Z'), max: t('2029-01-01T00:00:00Z') }), (deadline) => {
        const local = new Date(deadline - 1).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
        expect(calendarWarning(shopee, deadline) !== undefined).toBe(local > '2027-12-31');
      }),
      { numRuns: 300 },
    );
  });
});
