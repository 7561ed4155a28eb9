/**
 * Pure formatting for the dashboard (no DOM, no clock): money from minor units, countdowns, the urgency
 * band of a deadline, dates in a given IANA zone. Unit-tested in test/unit/dashboard-format.test.ts.
 */
import type { Locale, Money } from './api';

/** The warning thresholds (hours before the deadline) when the policy gives none. */
export const DEFAULT_WARNING_HOURS = [48, 24, 6, 2] as const;

export type Urgency = 'overdue' | 'h2' | 'h6' | 'h24' | 'h48' | 'calm' | 'none';

const HOUR = 3_600_000;

/**
 * The band a deadline is in: past it, or within the tightest warning threshold it has crossed.
 * Thresholds other than 48/24/6/2 map onto the nearest of those four bands (by rank, tightest first).
 */
export function urgencyOf(timeLeftMs: number | null, warningHours: readonly number[] = DEFAULT_WARNING_HOURS): Urgency {
  if (timeLeftMs === null) return 'none';
  if (timeLeftMs <= 0) return 'overdue';
  const bands: Urgency[] = ['h2', 'h6', 'h24', 'h48'];
  const sorted = [...warningHours].filter((h) => h > 0).sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    if (timeLeftMs <= sorted[i]! * HOUR) return bands[Math.min(i, bands.length - 1)]!;
  }
  return 'calm';
}

/** The number of digits after the decimal point of a currency (JPY 0, USD 2, KWD 3). */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function formatMoney(money: Money | null | undefined, locale: Locale): string {
  if (!money) return '—';
  const digits = currencyDigits(money.currency);
  const major = money.amount / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: money.currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(major);
  } catch {
    return `${major.toFixed(digits)} ${money.currency}`;
  }
}

/** Sums amounts per currency (integer minor units; different currencies are never added together). */
export function sumByCurrency(amounts: ReadonlyArray<Money | null | undefined>): Money[] {
  const totals = new Map<string, number>();
  for (const m of amounts) if (m) totals.set(m.currency, (totals.get(m.currency) ?? 0) + m.amount);
  return [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ currency, amount }));
}

export interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

export function durationParts(ms: number): DurationParts {
  const total = Math.floor(Math.abs(ms) / 1000);
  return {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60,
  };
}

/** Fills `{name}` placeholders. */
export function interpolate(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The placeholders a template uses, sorted (the dictionary test compares them across locales). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}

/**
 * "Thu 2026-11-27 03:40" in the given zone: year-month-day reads the same in every language (and as the
 * API's own sentences), the weekday in the user's language.
 */
export function formatDateTime(iso: string | null | undefined, locale: Locale, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).formatToParts(date);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    const weekday = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short' }).format(date);
    return `${weekday} ${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
  } catch {
    return date.toISOString();
  }
}

/** A zone's short name at an instant, e.g. "PST" or "GMT+8", for labels next to a time. */
export function zoneAbbreviation(iso: string | null | undefined, locale: Locale, timeZone: string): string {
  const date = iso ? new Date(iso) : new Date(0);
  try {
    const part = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' })
      .formatToParts(date)
      .find((p) => p.type === 'timeZoneName');
    return part?.value ?? timeZone;
  } catch {
    return timeZone;
  }
}

/**
 * A wall-clock time typed in a `datetime-local` field, read in the given zone, as an ISO instant with its
 * offset. Pure: the zone's offset is found with Intl, not from the machine's zone.
 */
export function localInputToIso(value: string, timeZone: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  // Two passes settle the offset across a daylight-saving switch.
  let instant = asUtc - offsetMs(asUtc, timeZone);
  instant = asUtc - offsetMs(instant, timeZone);
  return new Date(instant).toISOString();
}

function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}
