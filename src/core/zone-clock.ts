/**
 * A time zone's wall clock, for the deadline rules (policy/compiled.ts, deadline.ts): the local day of an instant,
 * the instant a local day starts, and the `YYYY-MM-DD HH:mm Zone` form the reasons are written in.
 *
 * - `zoneClock(name)`: one cached clock per zone. Offsets come from the runtime's Intl data (time.ts, no luxon)
 *   and are memoised per UTC hour, so the hot path (a sweep over every open order) does no Intl work after warm-up.
 * - `dateOfDayIndex(day)`: `YYYY-MM-DD` of a day counted from 1970-01-01.
 */
import { DAY_MS, HOUR_MS, isValidTimeZone, wallClockToInstant, zoneOffsetAt } from './time';

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

/** `YYYY-MM-DD` of a day index, without allocating a Date (H. Hinnant's civil-from-days). */
function civilDate(dayIndex: number): string {
  const z = dayIndex + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}`;
}

const dateTexts = new Map<number, string>();
/** `YYYY-MM-DD` of a day index (memoised: sentences name the same few days over and over). */
export function dateOfDayIndex(dayIndex: number): string {
  let text = dateTexts.get(dayIndex);
  if (text === undefined) {
    text = civilDate(dayIndex);
    if (dateTexts.size < 100_000) dateTexts.set(dayIndex, text);
  }
  return text;
}

/** Hours covered by the offset table: 2000-01-01 to 2100-01-01 UTC; instants outside it ask Intl directly. */
const TABLE_FIRST_HOUR = Date.UTC(2000, 0, 1) / HOUR_MS;
const TABLE_HOURS = (Date.UTC(2100, 0, 1) - Date.UTC(2000, 0, 1)) / HOUR_MS;
/** A table slot holds the offset plus this bias, so that a fresh (zero-filled) table reads as "not computed yet". */
const BIAS = 16_384;
const MIXED = 32_767; // the offset changes within this hour: compute exactly

class ZoneClock {
  readonly name: string;
  /** UTC hour → biased offset in minutes, filled a UTC day at a time (1.75 MB per zone, allocated on first use). */
  private offsetTable: Int16Array | null = null;
  private readonly dayStarts = new Map<number, number>();
  private readonly offsetAt = (ms: number): number => this.offsetMinutes(ms);

  constructor(name: string) {
    this.name = name;
    if (!isValidTimeZone(name)) throw new RangeError(`unknown time zone ${name}`);
  }

  offsetMinutes(ms: number): number {
    const slot = Math.floor(ms / HOUR_MS) - TABLE_FIRST_HOUR;
    if (slot < 0 || slot >= TABLE_HOURS) return zoneOffsetAt(this.name, ms);
    const table = (this.offsetTable ??= new Int16Array(TABLE_HOURS));
    let biased = table[slot]!;
    if (biased === 0) {
      this.fillDay(table, slot - (slot % 24));
      biased = table[slot]!;
    }
    return biased === MIXED ? zoneOffsetAt(this.name, ms) : biased - BIAS;
  }

  /** Fills the 24 hours of one UTC day: one value when the offset does not change that day (almost always). */
  private fillDay(table: Int16Array, firstSlot: number): void {
    const dayStart = (TABLE_FIRST_HOUR + firstSlot) * HOUR_MS;
    const atStart = zoneOffsetAt(this.name, dayStart);
    if (atStart === zoneOffsetAt(this.name, dayStart + 24 * HOUR_MS - 1)) {
      table.fill(atStart + BIAS, firstSlot, Math.min(firstSlot + 24, TABLE_HOURS));
      return;
    }
    for (let hour = 0; hour < 24 && firstSlot + hour < TABLE_HOURS; hour++) {
      const start = dayStart + hour * HOUR_MS;
      const first = zoneOffsetAt(this.name, start);
      table[firstSlot + hour] = first === zoneOffsetAt(this.name, start + HOUR_MS - 1) ? first + BIAS : MIXED;
    }
  }

  /** The local calendar day (days since 1970-01-01) containing the instant. */
  localDay(ms: number): number {
    return Math.floor((ms + this.offsetMinutes(ms) * 60_000) / DAY_MS);
  }

  /** The instant of local midnight starting the day (or the first instant of the day if midnight is skipped). */
  startOfDay(dayIndex: number): number {
    let start = this.dayStarts.get(dayIndex);
    if (start === undefined) {
      start = wallClockToInstant(this.name, dayIndex * DAY_MS, this.offsetAt).ms;
      this.dayStarts.set(dayIndex, start);
    }
    return start;
  }

  /** 24:00 of the local day containing the instant; an instant exactly at midnight is the end of the day before. */
  endOfDayContaining(ms: number): number {
    const day = this.localDay(ms);
    return this.startOfDay(day) === ms ? ms : this.startOfDay(day + 1);
  }

  /** `YYYY-MM-DD HH:mm` on the local wall clock. */
  formatLocal(ms: number): string {
    const localMinutes = Math.floor((ms + this.offsetMinutes(ms) * 60_000) / 60_000);
    const day = Math.floor(localMinutes / 1440);
    const minuteOfDay = localMinutes - day * 1440;
    return `${dateOfDayIndex(day)} ${TWO_DIGITS[Math.floor(minuteOfDay / 60)]}:${TWO_DIGITS[minuteOfDay % 60]}`;
  }

  /** `YYYY-MM-DD HH:mm Zone/Name`, the form used in user-facing sentences. */
  describe(ms: number): string {
    return `${this.formatLocal(ms)} ${this.name}`;
  }
}

export type { ZoneClock };

const zoneClocks = new Map<string, ZoneClock>();
export function zoneClock(name: string): ZoneClock {
  let clock = zoneClocks.get(name);
  if (!clock) {
    clock = new ZoneClock(name);
    zoneClocks.set(name, clock);
  }
  return clock;
}
