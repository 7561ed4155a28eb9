/**
 * Instants are epoch milliseconds (UTC). Parsing is strict: a timestamp carries `Z` or an offset, or it is
 * read in a zone the caller names (AliExpress writes bare US Pacific times). Parsing is on the import hot path,
 * so the common forms are read by hand, and a zone's offset is cached per local hour.
 *
 * Time zones use the runtime's own Intl (ICU) data, not luxon: the read commands start without loading it
 * (bench/cli.ts). `zoneOffsetAt` is luxon's `IANAZone.offset` (the same formatter and arithmetic) and
 * `wallClockToInstant` luxon's `DateTime.fromObject(…, { zone })`, except that luxon's answer for a wall-clock time
 * that occurs twice (a daylight-saving fall-back) depends on the offset in force *now*; here it is always the
 * earlier instant. test/unit/time-zone.test.ts compares both with luxon over random instants and zones.
 */
import { isTabledZone, tabledZoneOffset } from './intl-data';

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$/;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** The formatter luxon reads offsets with, per zone (null: not a zone the runtime knows). */
function zoneFormatter(zone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        hour12: false,
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        era: 'short',
      });
    } catch {
      formatter = null;
    }
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether the runtime knows the IANA zone (luxon's `IANAZone.isValidZone`). */
export function isValidTimeZone(zone: string): boolean {
  return isTabledZone(zone) || (Boolean(zone) && zoneFormatter(zone) !== null);
}

/**
 * The offset (minutes east of UTC) that `zone` applies at the instant; NaN for an unknown zone. From the data the
 * build wrote down when it has the answer (intl-data.ts), else from Intl. Not cached: the callers memoise
 * (ZoneClock per UTC hour, parseInstant per local hour).
 */
export function zoneOffsetAt(zone: string, ms: number): number {
  if (zone === 'UTC') return Number.isFinite(ms) ? 0 : Number.NaN;
  return tabledZoneOffset(zone, ms) ?? intlOffsetAt(zone, ms);
}

/** The offset as Intl gives it (luxon's `IANAZone.offset`). */
export function intlOffsetAt(zone: string, ms: number): number {
  const formatter = zoneFormatter(zone);
  if (formatter === null || !Number.isFinite(ms)) return Number.NaN;
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const { type, value } of formatter.formatToParts(ms)) {
    if (type === 'year') year = Number.parseInt(value, 10);
    else if (type === 'month') month = Number.parseInt(value, 10);
    else if (type === 'day') day = Number.parseInt(value, 10);
    else if (type === 'hour') hour = Number.parseInt(value, 10);
    else if (type === 'minute') minute = Number.parseInt(value, 10);
    else if (type === 'second') second = Number.parseInt(value, 10);
    else if (type === 'era') bc = value === 'BC';
  }
  if (bc) year = -Math.abs(year) + 1;
  // hour12: false writes midnight as 24 in some ICU versions.
  let asUtc = Date.UTC(year, month - 1, day, hour === 24 ? 0 : hour, minute, second);
  if (year >= 0 && year < 100) asUtc = new Date(asUtc).setUTCFullYear(year, month - 1, day);
  const over = ms % 1000;
  return (asUtc - (ms - (over >= 0 ? over : 1000 + over))) / 60_000;
}

/**
 * The instant at which `zone`'s wall clock reads `localMs` (a wall-clock time written as if it were UTC), and the
 * offset luxon would give it. A time the clocks skip (spring forward) gives luxon's answer: the instant as read
 * with the offset before the switch, and the offset after it. A time that occurs twice gives the earlier one.
 */
export function wallClockToInstant(
  zone: string,
  localMs: number,
  offsetAt: (ms: number) => number = (ms) => zoneOffsetAt(zone, ms),
): { ms: number; offset: number } {
  // luxon's fixOffset, starting from the offset a day earlier (before any switch near this time, so of two
  // readings of a repeated time the first is found) instead of the offset now.
  const guess = offsetAt(localMs - DAY_MS);
  let utc = localMs - guess * 60_000;
  const second = offsetAt(utc);
  if (second === guess) return { ms: utc, offset: guess };
  utc -= (second - guess) * 60_000;
  const third = offsetAt(utc);
  if (third === second) return { ms: utc, offset: second };
  return { ms: localMs - Math.min(second, third) * 60_000, offset: Math.max(second, third) };
}

const zoneOffsetCache = new Map<string, number>();

/** Offset (minutes east of UTC) that `zone` applies to the given local wall-clock hour. */
function zoneOffsetMinutes(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): number | undefined {
  const key = `${zone}|${year}-${month}-${day}T${hour}`;
  let offset = zoneOffsetCache.get(key);
  if (offset === undefined) {
    if (!isValidTimeZone(zone)) return undefined;
    offset = wallClockToInstant(zone, Date.UTC(year, month - 1, day, hour, minute)).offset;
    // A DST switch happens on the hour in every zone we serve; keep the cache bounded anyway.
    if (zoneOffsetCache.size > 200_000) zoneOffsetCache.clear();
    zoneOffsetCache.set(key, offset);
  }
  return offset;
}

/**
 * Parses an ISO-8601-like timestamp. Returns epoch ms, or undefined when the text is not a valid instant
 * (including a bare timestamp with no zone to read it in).
 */
export function parseInstant(text: string, bareZone?: string): number | undefined {
  const m = INSTANT.exec(text.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] ? Number(m[6]) : 0;
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (new Date(wall).getUTCDate() !== day) return undefined; // 2026-02-30 and friends
  const zone = m[8];
  if (zone === undefined) {
    if (!bareZone) return undefined;
    const offset = zoneOffsetMinutes(bareZone, year, month, day, hour, minute);
    return offset === undefined ? undefined : wall - offset * 60_000;
  }
  if (zone === 'Z' || zone === 'z') return wall;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  if (offsetMinutes > 18 * 60) return undefined;
  return wall - sign * offsetMinutes * 60_000;
}

export function toIso(epochMs: number | null | undefined): string | null {
  return epochMs === null || epochMs === undefined ? null : new Date(epochMs).toISOString();
}

/** Parses durations like "24h", "90m", "2d", "1d12h" into ms. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)\s*(d|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  const trimmed = text.trim();
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    const n = Number(m[1]);
    total += n * { d: DAY_MS, h: HOUR_MS, m: 60_000, s: 1000 }[m[2] as 'd' | 'h' | 'm' | 's'];
    matched = re.lastIndex;
  }
  return matched === trimmed.length && matched > 0 ? Math.round(total) : undefined;
}
