/**
 * The date-holidays library, loaded the first time a business calendar names a holiday country (a policy with
 * `calendar.holidays`; validation reads holiday-regions.ts instead). Loading it costs ~200-300 ms of CPU (it brings
 * moment-timezone and every country's rules), which a command that never meets such a calendar (`policy list`,
 * an order under an AliExpress policy, a tracking-number check) should not pay: the build keeps it out of the
 * bundle (scripts/build.mjs) and it is required here, synchronously, on first use.
 */
import { createRequire } from 'node:module';
import type HolidaysClass from 'date-holidays';

export type Holidays = HolidaysClass;

let library: typeof HolidaysClass | undefined;

/** The `Holidays` class of date-holidays. */
export function holidaysLibrary(): typeof HolidaysClass {
  if (!library) {
    const loaded = createRequire(import.meta.url)('date-holidays') as
      | typeof HolidaysClass
      | { default: typeof HolidaysClass };
    library =
      'default' in loaded && typeof loaded.default === 'function' ? loaded.default : (loaded as typeof HolidaysClass);
  }
  return library;
}
