import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { INTL_DATA } from '../../src/core/intl-data.generated';
import { isTabledZone, tabledCurrencyDigits, tabledZoneOffset } from '../../src/core/intl-data';
import { intlDataModule, tabledZones } from '../../src/core/intl-data-source';
import { minorDigits } from '../../src/core/money';
import { intlOffsetAt, zoneOffsetAt } from '../../src/core/time';

// The zone offsets and currency digits the build writes down (src/core/intl-data.ts) stand in for Intl on the read
// path: they must say what Intl says, and only be used on the runtime that wrote them.
const sameRuntime = process.versions.tz === INTL_DATA.tz && process.versions.icu === INTL_DATA.icu;

describe('the Intl data written at build time', () => {
  it.runIf(sameRuntime)('is current: this runtime writes the same text', () => {
    const generated = readFileSync(new URL('../../src/core/intl-data.generated.ts', import.meta.url), 'utf8');
    expect(generated, 'run `npm run build:server` to regenerate it').toBe(intlDataModule());
  });

  it.runIf(!sameRuntime)('is not used on another runtime: Intl answers', () => {
    if (process.versions.tz !== INTL_DATA.tz) expect(isTabledZone('America/Los_Angeles')).toBe(false);
    if (process.versions.icu !== INTL_DATA.icu) expect(tabledCurrencyDigits('JPY')).toBeUndefined();
  });

  it('has the zones of the shipped policies and platforms', () => {
    expect(tabledZones()).toEqual(expect.arrayContaining(['America/Los_Angeles', 'Asia/Shanghai']));
    expect(Object.keys(INTL_DATA.zones).sort()).toEqual(tabledZones());
  });

  it('property: a written offset is Intl’s, near the switches and anywhere from 1990 to 2110', () => {
    const zones = Object.keys(INTL_DATA.zones);
    const switches = Object.values(INTL_DATA.zones).flatMap((text) =>
      text
        .split(',')
        .slice(1)
        .map((change) => Date.UTC(2000, 0, 1) + Number.parseInt(change.split(':')[0]!, 36) * 60_000),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.oneof(
          fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2110, 0, 1) }),
          fc
            .tuple(fc.constantFrom(...switches), fc.integer({ min: -2 * 3_600_000, max: 2 * 3_600_000 }))
            .map(([at, delta]) => at + delta),
        ),
        (zone, ms) => {
          expect(zoneOffsetAt(zone, ms)).toBe(intlOffsetAt(zone, ms));
          if (sameRuntime && ms >= Date.UTC(2000, 0, 1) && ms < Date.UTC(2100, 0, 1)) {
            expect(tabledZoneOffset(zone, ms)).toBe(intlOffsetAt(zone, ms));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('gives every currency the digits Intl gives it', () => {
    for (const currency of Intl.supportedValuesOf('currency')) {
      const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits;
      expect(minorDigits(currency), currency).toBe(digits);
    }
  });
});
