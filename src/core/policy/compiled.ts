/**
 * The runtime form of a validated policy: zone arithmetic, business calendar, pause intervals and
 * schedules converted to milliseconds. Compiled once per policy object (policies are frozen, so a
 * WeakMap cache is safe) and shared by deadline.ts, penalty.ts and metrics.ts.
 *
 * - `compilePolicy(policy)`: the cached compiled form; its `zone` is the policy zone's clock (../zone-clock.ts).
 */
import { zoneClock, type ZoneClock } from '../zone-clock';
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

/** ISO weekday (1 = Monday … 7 = Sunday) of a day index; 1970-01-01 was a Thursday. */
function isoWeekday(dayIndex: number): number {
  return ((((dayIndex + 3) % 7) + 7) % 7) + 1;
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
