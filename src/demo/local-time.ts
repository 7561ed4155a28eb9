/** The warehouse's local times in the demo (its time zone): the shift, the pick-ups, what the lines print. */
import { DateTime } from 'luxon';
import { DEMO_SHIFT, DEMO_WAREHOUSE } from './catalogue';

const zone = DEMO_WAREHOUSE.timeZone;

/** The start of the packing shift `now` falls in, or undefined outside the shift. */
export function shiftStartOf(now: number): number | undefined {
  const local = DateTime.fromMillis(now, { zone });
  const at = (hhmm: string) => {
    const [hour, minute] = hhmm.split(':').map(Number);
    return local.set({ hour: hour!, minute: minute!, second: 0, millisecond: 0 }).toMillis();
  };
  const start = at(DEMO_SHIFT.start);
  return now >= start && now < at(DEMO_SHIFT.end) ? start : undefined;
}

/** The first of the local times (HH:MM) strictly after `now`. */
export function nextLocalTime(now: number, times: readonly string[]): number {
  const local = DateTime.fromMillis(now, { zone }).startOf('day');
  const candidates: number[] = [];
  for (const day of [0, 1]) {
    for (const hhmm of times) {
      const [hour, minute] = hhmm.split(':').map(Number);
      candidates.push(local.plus({ days: day }).set({ hour: hour!, minute: minute! }).toMillis());
    }
  }
  return Math.min(...candidates.filter((t) => t > now));
}

/** A weekday and time in the warehouse's zone, e.g. "Tue 14:30". */
export function localTime(at: number, locale: 'en' | 'zh-CN'): string {
  return DateTime.fromMillis(at, { zone }).setLocale(locale).toFormat('ccc HH:mm');
}
