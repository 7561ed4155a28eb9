/**
 * Money is integer minor units plus an ISO 4217 code, never floats.
 * The currency list and each currency's minor-unit digits come from the runtime's ICU data (the digits as the build
 * wrote them down, intl-data.ts, when it ran on the same ICU: no Intl formatter at start).
 */
import { tabledCurrencyDigits } from './intl-data';

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const digitsCache = new Map<string, number>();

export interface Money {
  amount: number; // integer minor units
  currency: string;
}

export function isCurrency(code: string): boolean {
  return KNOWN_CURRENCIES.has(code);
}

export function minorDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits =
      (isCurrency(currency) ? tabledCurrencyDigits(currency) : undefined) ??
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

/**
 * Parses a decimal amount in major units ("12.5", "1,299.00" is refused: no thousands separators)
 * into integer minor units without going through floating point. Returns undefined when invalid.
 */
export function parseMajorAmount(text: string, currency: string): number | undefined {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const digits = minorDigits(currency);
  const fraction = match[3] ?? '';
  if (fraction.length > digits && /[1-9]/.test(fraction.slice(digits))) return undefined;
  const minor = Number(match[2] + fraction.slice(0, digits).padEnd(digits, '0'));
  if (!Number.isSafeInteger(minor)) return undefined;
  return match[1] === '-' ? -minor : minor;
}

export function formatMoney(money: Money): string {
  const digits = minorDigits(money.currency);
  const sign = money.amount < 0 ? '-' : '';
  const abs = Math.abs(money.amount);
  const major = Math.floor(abs / 10 ** digits);
  const minor = abs % 10 ** digits;
  return `${sign}${major}${digits ? '.' + String(minor).padStart(digits, '0') : ''} ${money.currency}`;
}
