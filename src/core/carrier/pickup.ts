/**
 * Carrier pick-up cut-offs as instants.
 *
 * `new PickupCalendar(schedule).next(readyAt)` = the earliest cut-off at or after `readyAt` (epoch ms): a parcel
 * ready by then is collected at that cut-off. Cut-offs are wall-clock times in the schedule's IANA zone on ISO
 * weekdays, so DST is honoured. The calendar keeps a sorted window of upcoming cut-off instants (built with luxon,
 * extended on demand), so the hot path is a binary search, not a time-zone computation.
 */
import { DateTime, IANAZone } from 'luxon';
import type { PickupSchedule } from './types';

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 35;
const MAX_SPAN_DAYS = 400;

export class PickupCalendar {
  private readonly minutesByWeekday: number[][]; // index 1..7 → sorted minutes after local midnight
  private instants: number[] = [];
  private coveredFrom = Number.POSITIVE_INFINITY;
  private coveredTo = Number.NEGATIVE_INFINITY;
  readonly empty: boolean;

  constructor(readonly schedule: PickupSchedule) {
    if (!IANAZone.isValidZone(schedule.timeZone)) {
      throw new RangeError(`Unknown time zone "${schedule.timeZone}" in a pick-up schedule.`);
    }
    this.minutesByWeekday = Array.from({ length: 8 }, () => [] as number[]);
    for (const cutoff of schedule.cutoffs) {
      const [h, m] = cutoff.time.split(':').map(Number) as [number, number];
      for (const day of cutoff.days) this.minutesByWeekday[day]!.push(h * 60 + m);
    }
    for (const list of this.minutesByWeekday) list.sort((a, b) => a - b);
    this.empty = this.minutesByWeekday.every((list) => list.length === 0);
  }

  /** Earliest cut-off at or after `readyAt`, or undefined when the schedule has no cut-offs. */
  next(readyAt: number): number | undefined {
    if (this.empty) return undefined;
    if (readyAt < this.coveredFrom || readyAt >= this.coveredTo) this.cover(readyAt);
    let index = lowerBound(this.instants, readyAt);
    while (index >= this.instants.length) {
      // Past the last cut-off in the window: extend it (a non-empty weekly schedule has one within 7 days).
      this.extendTo(this.coveredTo + WINDOW_DAYS * DAY_MS);
      index = lowerBound(this.instants, readyAt);
    }
    return this.instants[index];
  }

  private cover(at: number): void {
    const from = at - DAY_MS;
    const to = at + WINDOW_DAYS * DAY_MS;
    if (
      this.instants.length === 0 ||
      from < this.coveredFrom - MAX_SPAN_DAYS * DAY_MS ||
      to > this.coveredTo + MAX_SPAN_DAYS * DAY_MS
    ) {
      this.instants = this.generate(from, to);
      this.coveredFrom = from;
      this.coveredTo = to;
      return;
    }
    if (from < this.coveredFrom) {
      this.instants = [...this.generate(from, this.coveredFrom), ...this.instants];
      this.coveredFrom = from;
    }
    if (to > this.coveredTo) this.extendTo(to);
  }

  private extendTo(to: number): void {
    this.instants.push(...this.generate(this.coveredTo, to));
    this.coveredTo = to;
  }

  /** Cut-off instants in [from, to), sorted. */
  private generate(from: number, to: number): number[] {
    const out: number[] = [];
    let day = DateTime.fromMillis(from, { zone: this.schedule.timeZone }).startOf('day');
    while (day.toMillis() < to) {
      for (const minutes of this.minutesByWeekday[day.weekday]!) {
        const instant = day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toMillis();
        if (instant >= from && instant < to) out.push(instant);
      }
      day = day.plus({ days: 1 });
    }
    return out;
  }
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
