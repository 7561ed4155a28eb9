/**
 * The runtime form of a validated policy: zone arithmetic, business calendar, pause intervals and
 * schedules converted to milliseconds. Compiled once per policy object (policies are frozen, so a
 * WeakMap cache is safe) and shared by deadline.ts, penalty.ts and metrics.ts.
 *
 * - `compilePolicy(policy)`: the cached compiled form.
 * - `zoneClock(name)`: cached per-zone helpers (local day of an instant, start of a local day, formatting).
 *   Offsets are memoised per UTC hour, so the hot path does no luxon work after warm-up.
 */
import { DateTime, IANAZone } from 'luxon';
import { holidaysLibrary, type Holidays } from './holidays-library';
import type { MetricKey, Policy } from './schema';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` local date. */
function dayIndexOfDate(date: string): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

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

/** ISO weekday (1 = Monday … 7 = Sunday) of a day index; 1970-01-01 was a Thursday. */
function isoWeekday(dayIndex: number): number {
  return ((((dayIndex + 3) % 7) + 7) % 7) + 1;
}

/** Hours covered by the offset table: 2000-01-01 to 2100-01-01 UTC; instants outside it ask luxon directly. */
const TABLE_FIRST_HOUR = Date.UTC(2000, 0, 1) / HOUR_MS;
const TABLE_HOURS = (Date.UTC(2100, 0, 1) - Date.UTC(2000, 0, 1)) / HOUR_MS;
const UNKNOWN = -32768; // not computed yet
const MIXED = 32767; // the offset changes within this hour: compute exactly

class ZoneClock {
  readonly name: string;
  private readonly zone: IANAZone;
  /** UTC hour → offset in minutes, filled a UTC day at a time (1.75 MB per zone, allocated on first use). */
  private offsetTable: Int16Array | null = null;
  private readonly dayStarts = new Map<number, number>();

  constructor(name: string) {
    this.name = name;
    this.zone = IANAZone.create(name);
    if (!this.zone.isValid) throw new RangeError(`unknown time zone ${name}`);
  }

  offsetMinutes(ms: number): number {
    const slot = Math.floor(ms / HOUR_MS) - TABLE_FIRST_HOUR;
    if (slot < 0 || slot >= TABLE_HOURS) return this.zone.offset(ms);
    const table = (this.offsetTable ??= new Int16Array(TABLE_HOURS).fill(UNKNOWN));
    let offset = table[slot]!;
    if (offset === UNKNOWN) {
      this.fillDay(table, slot - (slot % 24));
      offset = table[slot]!;
    }
    return offset === MIXED ? this.zone.offset(ms) : offset;
  }

  /** Fills the 24 hours of one UTC day: one value when the offset does not change that day (almost always). */
  private fillDay(table: Int16Array, firstSlot: number): void {
    const dayStart = (TABLE_FIRST_HOUR + firstSlot) * HOUR_MS;
    const atStart = this.zone.offset(dayStart);
    if (atStart === this.zone.offset(dayStart + 24 * HOUR_MS - 1)) {
      table.fill(atStart, firstSlot, Math.min(firstSlot + 24, TABLE_HOURS));
      return;
    }
    for (let hour = 0; hour < 24 && firstSlot + hour < TABLE_HOURS; hour++) {
      const start = dayStart + hour * HOUR_MS;
      const first = this.zone.offset(start);
      table[firstSlot + hour] = first === this.zone.offset(start + HOUR_MS - 1) ? first : MIXED;
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
      const date = new Date(dayIndex * DAY_MS);
      start = DateTime.fromObject(
        { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() },
        { zone: this.zone },
      ).toMillis();
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

const zoneClocks = new Map<string, ZoneClock>();
export function zoneClock(name: string): ZoneClock {
  let clock = zoneClocks.get(name);
  if (!clock) {
    clock = new ZoneClock(name);
    zoneClocks.set(name, clock);
  }
  return clock;
}

type CalendarSpec = Extract<Policy['handling'], { kind: 'business_days' }>['calendar'];

/** Which local days are working days: weekends, date-holidays data, explicit closed and working dates. */
class BusinessCalendar {
  private readonly weekend: ReadonlySet<number>;
  private readonly closed: ReadonlySet<number>;
  private readonly working: ReadonlySet<number>;
  private readonly holidays: Holidays | null;
  private readonly holidayTypes: ReadonlySet<string>;
  private readonly ignoreNames: ReadonlySet<string>;
  private readonly holidayDays = new Set<number>();
  private readonly loadedYears = new Set<number>();
  private readonly memo = new Map<number, boolean>();

  constructor(spec: CalendarSpec, extraClosedDays: Iterable<number> = []) {
    this.weekend = new Set(spec.weekendDays);
    this.closed = new Set([...spec.closedDates.map(dayIndexOfDate), ...extraClosedDays]);
    this.working = new Set(spec.workingDates.map(dayIndexOfDate));
    const source = spec.holidays;
    this.holidays = source ? new (holidaysLibrary())(source.country, source.state ?? '', source.region ?? '') : null;
    this.holidayTypes = new Set(source?.types ?? []);
    this.ignoreNames = new Set(source?.ignoreNames ?? []);
  }

  private loadYear(year: number): void {
    if (this.loadedYears.has(year) || !this.holidays) return;
    this.loadedYears.add(year);
    for (const holiday of this.holidays.getHolidays(year)) {
      if (!this.holidayTypes.has(holiday.type) || this.ignoreNames.has(holiday.name)) continue;
      // Part-day observances (date-holidays marks them with a start time other than midnight) do not close a business.
      if (!holiday.date.endsWith('00:00:00')) continue;
      const first = dayIndexOfDate(holiday.date.slice(0, 10));
      const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
      for (let d = 0; d < days; d++) this.holidayDays.add(first + d);
    }
  }

  isBusinessDay(dayIndex: number): boolean {
    let business = this.memo.get(dayIndex);
    if (business === undefined) {
      if (this.working.has(dayIndex)) business = true;
      else if (this.closed.has(dayIndex) || this.weekend.has(isoWeekday(dayIndex))) business = false;
      else {
        this.loadYear(new Date(dayIndex * DAY_MS).getUTCFullYear());
        business = !this.holidayDays.has(dayIndex);
      }
      this.memo.set(dayIndex, business);
    }
    return business;
  }
}

/** A half-open interval [start, end) of epoch ms. */
export interface Interval {
  start: number;
  end: number;
}

type DateWindow = Policy['clockPauses'][number];

function windowsToIntervals(windows: readonly DateWindow[], defaultZone: string): Interval[] {
  const intervals = windows
    .map((window) => {
      const clock = zoneClock(window.zone ?? defaultZone);
      return {
        start: clock.startOfDay(dayIndexOfDate(window.from)),
        end: clock.startOfDay(dayIndexOfDate(window.to) + 1),
      };
    })
    .sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of intervals) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

/** The instant at which `durationMs` of running (un-paused) time has passed since `start`. */
export function addRunningTime(start: number, durationMs: number, pauses: readonly Interval[]): number {
  let at = start;
  let remaining = durationMs;
  for (const pause of pauses) {
    if (pause.end <= at) continue;
    if (pause.start > at) {
      const gap = pause.start - at;
      if (gap >= remaining) return at + remaining;
      remaining -= gap;
    }
    at = pause.end;
  }
  return at + remaining;
}

/** Running (un-paused) time between two instants. */
export function runningTimeBetween(from: number, to: number, pauses: readonly Interval[]): number {
  let elapsed = to - from;
  for (const pause of pauses) {
    if (pause.start >= to) break;
    const overlap = Math.min(to, pause.end) - Math.max(from, pause.start);
    if (overlap > 0) elapsed -= overlap;
  }
  return elapsed;
}

export interface CompiledPolicy {
  readonly policy: Policy;
  readonly zone: ZoneClock;
  readonly calendar: BusinessCalendar | null;
  /** Policy clock pauses (ms intervals, merged, sorted) — elapsed-hours handling skips them. */
  readonly clockPauses: readonly Interval[];
  readonly clockPauseDays: ReadonlySet<number>;
  readonly metricPauses: readonly Interval[];
  readonly defaultHandlingMs: number;
  readonly maxHandlingMs: number | null;
  readonly graceMs: number;
  readonly leadMs: number;
  readonly closingMs: number | null;
  readonly toleranceMs: number;
  readonly extensionCapMs: number | null;
  readonly warningMs: readonly number[];
  readonly fineStepStartsMs: readonly number[];
  readonly pointStepStartsMs: readonly number[];
  readonly internalBeforeMs: number;
  readonly internalMaxHandlingMs: number | null;
  readonly effectiveFromMs: number;
  readonly metricThreshold: ReadonlyMap<MetricKey, Policy['metricThresholds'][number]>;
}

const compiledPolicies = new WeakMap<Policy, CompiledPolicy>();

export function compilePolicy(policy: Policy): CompiledPolicy {
  const cached = compiledPolicies.get(policy);
  if (cached) return cached;
  const zone = zoneClock(policy.zone);
  const clockPauses = windowsToIntervals(policy.clockPauses, policy.zone);
  const clockPauseDays = new Set<number>();
  for (const window of policy.clockPauses) {
    if (window.zone && window.zone !== policy.zone) continue; // business days are counted in the policy's zone
    for (let d = dayIndexOfDate(window.from); d <= dayIndexOfDate(window.to); d++) clockPauseDays.add(d);
  }
  const handling = policy.handling;
  const compiled: CompiledPolicy = {
    policy,
    zone,
    calendar: handling.kind === 'business_days' ? new BusinessCalendar(handling.calendar, clockPauseDays) : null,
    clockPauses,
    clockPauseDays,
    metricPauses: windowsToIntervals(policy.metricPauses, policy.zone),
    defaultHandlingMs:
      handling.kind === 'elapsed_hours' ? handling.defaultHours * HOUR_MS : handling.defaultDays * DAY_MS,
    maxHandlingMs:
      handling.kind === 'elapsed_hours'
        ? handling.maxHours === undefined
          ? null
          : handling.maxHours * HOUR_MS
        : handling.maxDays === undefined
          ? null
          : handling.maxDays * DAY_MS,
    graceMs: policy.graceHours * HOUR_MS,
    leadMs: policy.handOverLeadHours * HOUR_MS,
    closingMs: policy.closing.hoursAfterDeadline === null ? null : policy.closing.hoursAfterDeadline * HOUR_MS,
    toleranceMs: policy.platformDeadline.crossCheckToleranceMinutes * 60_000,
    extensionCapMs:
      policy.buyerExtensions.maxTotalHours === null ? null : policy.buyerExtensions.maxTotalHours * HOUR_MS,
    warningMs: policy.warningHoursBefore.map((h) => h * HOUR_MS),
    fineStepStartsMs: (policy.fine.steps as ReadonlyArray<{ afterHours: number }>).map(
      (step) => step.afterHours * HOUR_MS,
    ),
    pointStepStartsMs: policy.points.steps.map((step) => step.afterHours * HOUR_MS),
    internalBeforeMs: policy.internalTarget.hoursBeforeDeadline * HOUR_MS,
    internalMaxHandlingMs:
      policy.internalTarget.maxHandlingHours === null ? null : policy.internalTarget.maxHandlingHours * HOUR_MS,
    effectiveFromMs: Date.parse(policy.effectiveFrom),
    metricThreshold: new Map(policy.metricThresholds.map((threshold) => [threshold.metric, threshold])),
  };
  compiledPolicies.set(policy, compiled);
  return compiled;
}
