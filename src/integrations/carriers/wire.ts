/**
 * Carriers' wire formats carry money and weights as decimals (USD 19.99, 0.235 kg) and local times without an
 * offset; shipby keeps integer minor units, grams and UTC instants. These convert at the edge only, rounded to the
 * unit's digits so no float noise reaches the carrier.
 */
import { minorDigits, parseMajorAmount, type Money } from '../../core/money';

export function majorAmount(money: Money): number {
  const digits = minorDigits(money.currency);
  return Number((money.amount / 10 ** digits).toFixed(digits));
}

/** Minor units from a carrier's decimal amount (`"12.30"` or 12.3), or null when it is not a number. */
export function minorAmount(value: unknown, currency: string): number | null {
  const text =
    typeof value === 'number' && Number.isFinite(value)
      ? value.toFixed(minorDigits(currency))
      : typeof value === 'string'
        ? value
        : '';
  return parseMajorAmount(text, currency) ?? null;
}

export function kilograms(grams: number): number {
  return Number((grams / 1000).toFixed(3));
}

export function centimetres(mm: number): number {
  return Math.max(1, Math.ceil(mm / 10));
}

/** The declared value spread over the units (each unit's price, rounded; the carrier multiplies back). */
export function unitPrice(total: Money, units: number): number {
  const digits = minorDigits(total.currency);
  return Number((total.amount / Math.max(1, units) / 10 ** digits).toFixed(digits));
}

/** China Standard Time, in which YunExpress and 4PX write their scan times when they give no offset. */
const CARRIER_LOCAL_OFFSET = '+08:00';

/**
 * A carrier's scan time (`2021-12-28T23:38:38`, `2023-03-27 16:03:00`) as a UTC instant: with no offset it is read
 * as China time (both carriers' systems run on it); one with an offset or `Z` is taken as written. null if unreadable.
 */
export function carrierInstant(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    value.trim(),
  );
  if (!match) return null;
  const iso = `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6] ?? '00'}${match[7] ?? ''}${match[8] ?? CARRIER_LOCAL_OFFSET}`;
  const at = Date.parse(iso);
  return Number.isFinite(at) ? at : null;
}

/** A carrier's delivery time in days (`15-35`, `15~35 days`, `7`) → p50 the lower, p90 the upper bound; else null. */
export function transitRange(text: string | null | undefined): { p50: number; p90: number } | null {
  const range = /(\d+)\s*(?:-|~|to)\s*(\d+)/.exec(text ?? '');
  if (range) return { p50: Number(range[1]), p90: Number(range[2]) };
  const single = /^\s*(\d+)\s*(?:days?|天)?\s*$/i.exec(text ?? '');
  return single ? { p50: Number(single[1]), p90: Number(single[1]) } : null;
}
