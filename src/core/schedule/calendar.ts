/**
 * Shifts and pick-ups are usually given as local times of day ("08:00–17:00", pick-ups at "11:00" and "17:30").
 * These helpers expand them into the planner's absolute instants for the days ahead, in an IANA time zone, so
 * daylight-saving changes land where they should.
 */
import { DateTime } from 'luxon';
import type { Shift } from './types';

export interface LocalWindow {
  /** "HH:mm" local start. */
  start: string;
  /** "HH:mm" local end; an end at or before the start runs past midnight. */
  end: string;
}

function atLocalTime(day: DateTime, hhmm: string): DateTime {
  const match = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!match) throw new Error(`"${hhmm}" is not a time of day (HH:mm).`);
  return day.set({ hour: Number(match[1]), minute: Number(match[2]), second: 0, millisecond: 0 });
}

function daysFrom(from: number, zone: string, days: number): DateTime[] {
  const first = DateTime.fromMillis(from, { zone }).startOf('day');
  if (!first.isValid) throw new Error(`"${zone}" is not a valid IANA time zone.`);
  return Array.from({ length: days }, (_, d) => first.plus({ days: d }));
}

/** Working windows on each of `days` days from the day of `from` (local), windows ending before `from` dropped. */
export function dailyShifts(options: {
  zone: string;
  from: number;
  days: number;
  windows: readonly LocalWindow[];
  weekdays?: readonly number[];
}): Shift[] {
  const shifts: Shift[] = [];
  for (const day of daysFrom(options.from, options.zone, options.days)) {
    if (options.weekdays && !options.weekdays.includes(day.weekday)) continue;
    for (const w of options.windows) {
      const start = atLocalTime(day, w.start);
      let end = atLocalTime(day, w.end);
      if (end <= start) end = atLocalTime(day.plus({ days: 1 }), w.end);
      if (end.toMillis() > options.from) shifts.push({ start: start.toMillis(), end: end.toMillis() });
    }
  }
  return shifts;
}

/** Instants at the given local times on each of `days` days from the day of `from`, those before `from` dropped. */
export function dailyInstants(options: {
  zone: string;
  from: number;
  days: number;
  times: readonly string[];
  weekdays?: readonly number[];
}): number[] {
  const instants: number[] = [];
  for (const day of daysFrom(options.from, options.zone, options.days)) {
    if (options.weekdays && !options.weekdays.includes(day.weekday)) continue;
    for (const time of options.times) {
      const at = atLocalTime(day, time).toMillis();
      if (at >= options.from) instants.push(at);
    }
  }
  return instants.sort((a, b) => a - b);
}
