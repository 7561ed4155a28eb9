/** The date-holidays countries, states and regions kept as data (core/policy/holiday-regions.ts) match the installed library. */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { HOLIDAY_REGIONS, HOLIDAY_REGIONS_VERSION } from '../../src/core/policy/holiday-regions';
import { parsePolicy, PolicyValidationError } from '../../src/core/policy/schema';
import { builtInRegistry } from '../../src/core/policy/built-in';

const require = createRequire(import.meta.url);

describe('holiday regions as data', () => {
  it('equals what the installed date-holidays knows (else run node scripts/holiday-regions.mjs)', async () => {
    // @ts-expect-error the generator is plain JavaScript
    const { holidayRegions } = await import('../../scripts/holiday-regions.mjs');
    expect(HOLIDAY_REGIONS_VERSION).toBe(require('date-holidays/package.json').version);
    expect(HOLIDAY_REGIONS).toEqual(holidayRegions());
  });

  it('still refuses an unknown country, state or region, naming the field', () => {
    const shopee = builtInRegistry().versions('shopee')[0]!;
    const withHolidays = (holidays: Record<string, unknown>) => ({
      ...structuredClone(shopee),
      handling: {
        ...structuredClone(shopee.handling),
        calendar: { ...structuredClone((shopee.handling as { calendar: object }).calendar), holidays },
      },
    });
    const issues = (holidays: Record<string, unknown>) => {
      try {
        parsePolicy(withHolidays(holidays));
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(PolicyValidationError);
        return (error as PolicyValidationError).issues.map((issue) => issue.path);
      }
    };
    expect(issues({ country: 'XX' })).toEqual(['handling.calendar.holidays.country']);
    expect(issues({ country: 'US', state: 'ZZ' })).toEqual(['handling.calendar.holidays.state']);
    expect(issues({ country: 'CH', state: 'BE', region: 'nowhere' })).toEqual(['handling.calendar.holidays.region']);
    expect(issues({ country: 'US', state: 'CA' })).toEqual([]);
    expect(issues({ country: 'constructor' })).toEqual(['handling.calendar.holidays.country']);
  });
});
