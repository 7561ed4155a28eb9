/**
 * Money across currencies, pure: the dated rates are data (core/data/exchange-rates.ts), the instant is passed in.
 *
 * - `usdRateAt(currency, at)`: the rate in force on the UTC day of `at` (USD per one unit), with the day it applies
 *   from; the newest rate stands in up to STALE_RATE_DAYS after its month (the explanation names its date); a
 *   currency or a day with no rate is a `DeadlineInputError` naming `currency`, never a guess.
 * - `convertMoney(value, to, at)`: integer minor units in, integer minor units out (through USD, exact decimal
 *   arithmetic on the rates' digits, rounded half up once at the end), with the rate used.
 */
import { USD_RATES, type DatedRate } from './data/exchange-rates';
import { DeadlineInputError } from './deadline';
import { localized } from './i18n';
import { minorDigits, type Money } from './money';

export interface UsdRate {
  currency: string;
  /** USD per one unit, as written in the data. */
  usdPerUnit: string;
  /** The day (UTC, YYYY-MM-DD) the rate applies from. */
  from: string;
}

export interface Conversion {
  from: Money;
  to: Money;
  /** How many units of `to` one unit of `from` is worth, as a decimal string (e.g. "1.08"). */
  rate: string;
  /** The day the rate (the older of the two legs through USD) applies from. */
  rateDate: string;
}

function endOfMonth(day: string): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** How long after the end of its month the newest rate of a currency is still used (its date is always shown). */
const STALE_RATE_DAYS = 92;

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function usdRateAt(currency: string, at: number): UsdRate {
  if (!Number.isFinite(at)) {
    throw new DeadlineInputError(
      'at',
      localized('the instant for the exchange rate is not a time', '汇率所用的时间不是有效时间'),
    );
  }
  const day = new Date(at).toISOString().slice(0, 10);
  const rates: readonly DatedRate[] | undefined = USD_RATES[currency];
  let found: DatedRate | undefined;
  if (rates) {
    for (const rate of rates) {
      if (rate[0] <= day) found = rate;
      else break;
    }
    // The newest rate stands in for a while after its month (the sentence names its date), not for ever.
    if (found && found === rates[rates.length - 1] && day > addDays(endOfMonth(found[0]), STALE_RATE_DAYS))
      found = undefined;
  }
  if (!found) {
    const covered = rates
      ? `rates for ${currency} cover ${rates[0]![0]} to ${endOfMonth(rates[rates.length - 1]![0])}`
      : `no rates are kept for ${currency}`;
    const coveredZh = rates
      ? `${currency} 的汇率覆盖 ${rates[0]![0]} 至 ${endOfMonth(rates[rates.length - 1]![0])}`
      : `系统中没有 ${currency} 的汇率`;
    throw new DeadlineInputError(
      'currency',
      localized(
        `no exchange rate for ${currency} on ${day} (${covered}), so a fine set in another currency cannot be worked out: check the order's currency in the dashboard, or have the exchange-rate data extended.`,
        `没有 ${currency} 在 ${day} 的汇率（${coveredZh}），无法换算以其他币种设定的罚款：请在控制台核对订单币种，或补充汇率数据。`,
      ),
    );
  }
  return { currency, usdPerUnit: found[1], from: found[0] };
}

/** A decimal string as an exact fraction numerator / 10^scale. */
function decimal(text: string): { numerator: bigint; scale: number } {
  const [whole, fraction = ''] = text.split('.');
  return { numerator: BigInt(whole! + fraction), scale: fraction.length };
}

function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

/** `value` in currency `to` at the rates in force at `at` (through USD). */
export function convertMoney(value: Money, to: string, at: number): Conversion {
  if (value.currency === to)
    return { from: value, to: value, rate: '1', rateDate: new Date(at).toISOString().slice(0, 10) };
  const source = usdRateAt(value.currency, at);
  const target = usdRateAt(to, at);
  const s = decimal(source.usdPerUnit);
  const t = decimal(target.usdPerUnit);
  // to_minor = from_minor / 10^dFrom × (s / 10^sScale) / (t / 10^tScale) × 10^dTo
  const dFrom = minorDigits(value.currency);
  const dTo = minorDigits(to);
  const numerator = BigInt(value.amount) * s.numerator * 10n ** BigInt(t.scale + dTo);
  const denominator = t.numerator * 10n ** BigInt(s.scale + dFrom);
  const amount = Number(divideHalfUp(numerator, denominator));
  const rate =
    to === 'USD'
      ? source.usdPerUnit
      : value.currency === 'USD'
        ? String(Number((1 / Number(target.usdPerUnit)).toPrecision(6)))
        : String(Number((Number(source.usdPerUnit) / Number(target.usdPerUnit)).toPrecision(6)));
  return {
    from: value,
    to: { amount, currency: to },
    rate,
    rateDate: source.from < target.from ? source.from : target.from,
  };
}
