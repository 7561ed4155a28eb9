/**
 * Chinese public-holiday data shared by policies that count Chinese working days (Shopee cross-border)
 * or pause statistics over Chinese festivals (AliExpress online rates).
 *
 * date-holidays knows the statutory days but not the State Council's yearly schedule of bridge days
 * and make-up working days (调休), so the full closure ranges and make-up days are listed here.
 * ASSUMPTION: transcribed from the State Council General Office holiday notices for 2024–2026; add each
 * new year when it is announced (usually in November).
 *
 * 2027 (ASSUMPTION until the State Council's 2027 notice is transcribed): the festival dates are date-holidays 3.37.0's
 * CN data (lunar and solar-term rules, checked with `new Holidays('CN').getHolidays(2027)`): Spring Festival eve
 * 2027-02-05, New Year's Day (正月初一) 2027-02-06 — NOT 02-06 / 02-07 as sometimes written —, Tomb-Sweeping 04-05,
 * Dragon Boat 06-09, Mid-Autumn 09-15. The closures follow the shape of the recent notices: Spring Festival from the
 * eve to the 7th day (2025: 01-28..02-04), so 2027-02-05..02-12; the statutory four days of the rule in force since
 * 2025 (eve to 3rd day) are inside it. No make-up working days are listed for 2027: they are only known from the
 * notice, so until it is transcribed a deadline counted in Chinese working days across them may come out a day or
 * two LATER than the real one (the platform's own deadline wins whenever the order carries one). Past 2027 there is
 * no data: an order whose deadline falls after `calendarDataUntil` is warned about (calendar-coverage.ts).
 */

type DateRange = readonly [from: string, to: string];

export const CN_CLOSURES: readonly DateRange[] = [
  ['2024-01-01', '2024-01-01'],
  ['2024-02-10', '2024-02-17'],
  ['2024-04-04', '2024-04-06'],
  ['2024-05-01', '2024-05-05'],
  ['2024-06-08', '2024-06-10'],
  ['2024-09-15', '2024-09-17'],
  ['2024-10-01', '2024-10-07'],
  ['2025-01-01', '2025-01-01'],
  ['2025-01-28', '2025-02-04'],
  ['2025-04-04', '2025-04-06'],
  ['2025-05-01', '2025-05-05'],
  ['2025-05-31', '2025-06-02'],
  ['2025-10-01', '2025-10-08'],
  ['2026-01-01', '2026-01-03'],
  ['2026-02-15', '2026-02-23'],
  ['2026-04-04', '2026-04-06'],
  ['2026-05-01', '2026-05-05'],
  ['2026-06-19', '2026-06-21'],
  ['2026-09-25', '2026-09-27'],
  ['2026-10-01', '2026-10-07'],
  // 2027: ASSUMPTION (see above).
  ['2027-01-01', '2027-01-03'],
  ['2027-02-05', '2027-02-12'],
  ['2027-04-03', '2027-04-05'],
  ['2027-05-01', '2027-05-05'],
  ['2027-06-09', '2027-06-09'],
  ['2027-09-15', '2027-09-15'],
  ['2027-10-01', '2027-10-07'],
];

export const CN_MAKEUP_WORKING_DAYS: readonly string[] = [
  '2024-02-04',
  '2024-02-18',
  '2024-04-07',
  '2024-04-28',
  '2024-05-11',
  '2024-09-14',
  '2024-09-29',
  '2024-10-12',
  '2025-01-26',
  '2025-02-08',
  '2025-04-27',
  '2025-09-28',
  '2025-10-11',
  '2026-01-04',
  '2026-02-14',
  '2026-02-28',
  '2026-05-09',
  '2026-09-20',
  '2026-10-10',
];

/** date-holidays lists these as CN "public" holidays, but they only give some groups time off. */
export const CN_PARTIAL_HOLIDAY_NAMES: readonly string[] = ['国际妇女节', '青年节', '六一儿童节', '建军节'];

export function expandDateRanges(ranges: readonly DateRange[]): string[] {
  const dates: string[] = [];
  for (const [from, to] of ranges) {
    for (let day = Date.parse(`${from}T00:00:00Z`); day <= Date.parse(`${to}T00:00:00Z`); day += 86_400_000) {
      dates.push(new Date(day).toISOString().slice(0, 10));
    }
  }
  return dates;
}

/** Spring Festival and National Day closures (Beijing time): AliExpress pauses online-rate statistics over them. */
export const CN_FESTIVAL_PAUSES = [
  ['2024-02-10', '2024-02-17', 'Spring Festival 2024', '2024年春节'],
  ['2024-10-01', '2024-10-07', 'National Day 2024', '2024年国庆节'],
  ['2025-01-28', '2025-02-04', 'Spring Festival 2025', '2025年春节'],
  ['2025-10-01', '2025-10-08', 'National Day 2025', '2025年国庆节'],
  ['2026-02-15', '2026-02-23', 'Spring Festival 2026', '2026年春节'],
  ['2026-10-01', '2026-10-07', 'National Day 2026', '2026年国庆节'],
  ['2027-02-05', '2027-02-12', 'Spring Festival 2027', '2027年春节'],
  ['2027-10-01', '2027-10-07', 'National Day 2027', '2027年国庆节'],
].map(([from, to, en, zh]) => ({ name: { en: en!, 'zh-CN': zh! }, from: from!, to: to!, zone: 'Asia/Shanghai' }));
