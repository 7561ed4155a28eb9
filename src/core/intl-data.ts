/**
 * Time-zone offsets and currency digits as the runtime's ICU data gives them, written down at build time
 * (intl-data.generated.ts, by intl-data-source.ts through scripts/build.mjs), so that a read command works them out
 * without Intl: the first Intl formatter of a process costs ~20 ms of CPU (ICU loads its locale data), a fifth of a
 * bare Node start, and `order ID` needs only the offsets of its policy's zone and the digits of its currencies.
 *
 * Used only when the runtime's data is the data they were written from (`process.versions.tz` for the zones,
 * `process.versions.icu` for the currencies), and zones only from 2000 to 2099: otherwise the callers (time.ts,
 * money.ts) ask Intl, as they did before. test/unit/intl-data.test.ts checks the written data against Intl.
 */
import { INTL_DATA } from './intl-data.generated';

export interface IntlData {
  /** `process.versions.tz` and `process.versions.icu` of the runtime that wrote the data. */
  tz: string;
  icu: string;
  /**
   * Per zone: its offset (minutes east of UTC) at FIRST, then each change as `minutes after FIRST (base 36):new
   * offset`, comma-separated.
   */
  zones: Record<string, string>;
  /** Minor-unit digits of the currencies Intl knows whose digits are not 2. */
  currencyDigits: Record<string, number>;
}

/** The instants the zone offsets cover: 2000-01-01 to 2100-01-01 UTC. */
export const ZONE_TABLE_FIRST = Date.UTC(2000, 0, 1);
export const ZONE_TABLE_END = Date.UTC(2100, 0, 1);

interface Transitions {
  at: number[];
  offset: number[];
}

const transitions = new Map<string, Transitions | null>();

function transitionsOf(zone: string): Transitions | null {
  let table = transitions.get(zone);
  if (table === undefined) {
    const text = process.versions.tz === INTL_DATA.tz ? INTL_DATA.zones[zone] : undefined;
    table = null;
    if (text !== undefined && Object.hasOwn(INTL_DATA.zones, zone)) {
      const [first, ...changes] = text.split(',');
      table = { at: [ZONE_TABLE_FIRST], offset: [Number(first)] };
      for (const change of changes) {
        const [minutes, offset] = change.split(':');
        table.at.push(ZONE_TABLE_FIRST + Number.parseInt(minutes!, 36) * 60_000);
        table.offset.push(Number(offset));
      }
    }
    transitions.set(zone, table);
  }
  return table;
}

/** Whether the written data has the zone (and is this runtime's). */
export function isTabledZone(zone: string): boolean {
  return transitionsOf(zone) !== null;
}

/** The zone's offset at the instant from the written data; undefined when it has no answer. */
export function tabledZoneOffset(zone: string, ms: number): number | undefined {
  if (!(ms >= ZONE_TABLE_FIRST && ms < ZONE_TABLE_END)) return undefined;
  const table = transitionsOf(zone);
  if (table === null) return undefined;
  let low = 0;
  let high = table.at.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (table.at[middle]! <= ms) low = middle;
    else high = middle - 1;
  }
  return table.offset[low];
}

/** Minor-unit digits of a currency Intl knows, from the written data; undefined when it is not this runtime's. */
export function tabledCurrencyDigits(currency: string): number | undefined {
  if (process.versions.icu !== INTL_DATA.icu) return undefined;
  return Object.hasOwn(INTL_DATA.currencyDigits, currency) ? INTL_DATA.currencyDigits[currency] : 2;
}
