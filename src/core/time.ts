/**
 * Instants are epoch milliseconds (UTC). Parsing is strict: a timestamp carries `Z` or an offset, or it is
 * read in a zone the caller names (AliExpress writes bare US Pacific times). Parsing is on the import hot path,
 * so the common forms avoid luxon; luxon is used only for a zone's offset, cached per local hour.
 */
import { DateTime, IANAZone } from 'luxon';

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$/;

const zoneOffsetCache = new Map<string, number>();

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

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
    const local = DateTime.fromObject({ year, month, day, hour, minute }, { zone });
    if (!local.isValid) return undefined;
    offset = local.offset;
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

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

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
