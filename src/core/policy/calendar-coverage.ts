/**
 * How far a policy's dated calendar data reaches (holiday closures, make-up working days, clock and statistics
 * pauses: the festival calendars kept as data, e.g. china-calendar.ts), and the warning for a deadline past it.
 *
 * - `calendarDataUntil(policy, scope)`: the last local date the data covers — the end of the last year any of its
 *   dated entries falls in — or null when the policy keeps no such data (nothing can run out). `scope` 'deadline'
 *   counts only what shapes a deadline (business-day closures and make-up days, clock pauses); 'all' also the
 *   statistics pauses (AliExpress: its deadlines are elapsed hours, only its online-rate statistics skip festivals).
 * - `calendarWarning(policy, deadlineAt)`: a bilingual warning when the deadline's local date in the policy's zone is
 *   after the deadline data: holidays there are not known, so a deadline counted over them may be wrong.
 */
import { localized, type Localized } from '../i18n';
import { dateOfDayIndex, zoneClock } from '../zone-clock';
import type { Policy } from './schema';

export function calendarDataUntil(policy: Policy, scope: 'deadline' | 'all'): string | null {
  const dates: string[] = policy.clockPauses.map((window) => window.to);
  if (scope === 'all') dates.push(...policy.metricPauses.map((window) => window.to));
  if (policy.handling.kind === 'business_days')
    dates.push(...policy.handling.calendar.closedDates, ...policy.handling.calendar.workingDates);
  if (dates.length === 0) return null;
  const lastYear = dates.reduce((max, date) => (date > max ? date : max)).slice(0, 4);
  return `${lastYear}-12-31`;
}

/** The warning for an order whose deadline falls past the policy's calendar data; undefined when it does not. */
export function calendarWarning(policy: Policy, deadlineAt: number | null): Localized | undefined {
  if (deadlineAt === null) return undefined;
  const until = calendarDataUntil(policy, 'deadline');
  if (until === null) return undefined;
  // A deadline at 24:00 ends the day before: the day it falls in is the one of its last instant.
  const day = dateOfDayIndex(zoneClock(policy.zone).localDay(deadlineAt - 1));
  if (day <= until) return undefined;
  return localized(
    `The deadline (${day}) falls after the end of the holiday and festival data of policy ${policy.id} (${until}): holidays then are not known yet, so the deadline may be off. Compare it with the deadline the marketplace shows before relying on it, and check the order again in the dashboard once the calendar is updated.`,
    `截止时间（${day}）晚于策略 ${policy.id} 的节假日数据范围（至 ${until}）：之后的节假日尚未收录，截止时间可能有偏差。请先与平台显示的截止时间核对，节假日数据更新后再在控制台查看该订单。`,
  );
}
