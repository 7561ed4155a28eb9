import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { isValidTimeZone, parseInstant, wallClockToInstant, zoneOffsetAt } from '../../src/core/time';
import { dateOfDayIndex, zoneClock } from '../../src/core/zone-clock';

// The time-zone arithmetic replaced luxon on the read path (time.ts, zone-clock.ts): luxon stays the reference.
const ZONES = [
  ...Intl.supportedValuesOf('timeZone'),
  // aliases and the fixed zones the runtime accepts too
  'UTC',
  'Etc/GMT+8',
  'Asia/Calcutta',
  'US/Pacific',
];
const zone = fc.constantFrom(...ZONES);
const DAY = 86_400_000;
const FROM = Date.UTC(1900, 0, 1);
const TO = Date.UTC(2150, 0, 1);
const instant = fc.oneof(
  fc.integer({ min: FROM, max: TO }),
  // where the orders are: more draws near now, and on the hour (switches happen on the hour)
  fc
    .integer({ min: Date.UTC(2020, 0, 1) / 3_600_000, max: Date.UTC(2035, 0, 1) / 3_600_000 })
    .map((h) => h * 3_600_000),
);

/** Every instant at which the zone's wall clock reads `local` (a wall-clock time written as UTC), by luxon. */
function readingsOf(name: string, local: number): number[] {
  const iana = IANAZone.create(name);
  const offsets = new Set([iana.offset(local - DAY), iana.offset(local + DAY)]);
  return [...offsets].map((o) => local - o * 60_000).filter((ms) => iana.offset(ms) === (local - ms) / 60_000);
}

describe('time zones from the runtime, as luxon computes them', () => {
  it('property: the offset at an instant is luxon’s', () => {
    fc.assert(
      fc.property(zone, instant, (name, ms) => {
        expect(zoneOffsetAt(name, ms)).toBe(IANAZone.create(name).offset(ms));
      }),
      { numRuns: 1000 },
    );
  });

  it('property: a wall-clock time is luxon’s instant; of a repeated one, the earlier reading', () => {
    fc.assert(
      fc.property(zone, instant, (name, ms) => {
        const local = Math.floor(ms / 60_000) * 60_000;
        const d = new Date(local);
        const fields = {
          year: d.getUTCFullYear(),
          month: d.getUTCMonth() + 1,
          day: d.getUTCDate(),
          hour: d.getUTCHours(),
          minute: d.getUTCMinutes(),
        };
        const theirs = DateTime.fromObject(fields, { zone: name });
        const mine = wallClockToInstant(name, local);
        const readings = readingsOf(name, local);
        if (readings.length > 1) {
          expect(readings).toContain(theirs.toMillis());
          expect(mine.ms).toBe(Math.min(...readings));
          expect(mine.offset).toBe((local - mine.ms) / 60_000);
        } else {
          expect(mine).toEqual({ ms: theirs.toMillis(), offset: theirs.offset });
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('property: a zone clock’s local day, midnight and wall-clock text are luxon’s', () => {
    fc.assert(
      fc.property(zone, instant, (name, ms) => {
        const clock = zoneClock(name);
        const local = DateTime.fromMillis(ms, { zone: name });
        expect(clock.formatLocal(ms)).toBe(local.toFormat('yyyy-MM-dd HH:mm'));
        const day = clock.localDay(ms);
        expect(dateOfDayIndex(day)).toBe(local.toFormat('yyyy-MM-dd'));
        // the day starts at its first instant: that instant is in the day, the one before it is not
        const start = clock.startOfDay(day);
        expect(DateTime.fromMillis(start, { zone: name }).toFormat('yyyy-MM-dd')).toBe(dateOfDayIndex(day));
        expect(DateTime.fromMillis(start - 1, { zone: name }).toFormat('yyyy-MM-dd')).toBe(dateOfDayIndex(day - 1));
        expect(start).toBeLessThanOrEqual(ms);
      }),
      { numRuns: 800 },
    );
  });

  it('a day whose midnight the clocks skip or repeat starts at its first instant (zones that switch at midnight)', () => {
    for (const name of ['America/Santiago', 'America/Asuncion', 'America/Havana', 'Asia/Beirut', 'Africa/Cairo']) {
      const clock = zoneClock(name);
      for (let day = Date.UTC(2025, 0, 1) / DAY; day < Date.UTC(2027, 0, 1) / DAY; day++) {
        const start = clock.startOfDay(day);
        expect(DateTime.fromMillis(start, { zone: name }).toFormat('yyyy-MM-dd'), name).toBe(dateOfDayIndex(day));
        expect(DateTime.fromMillis(start - 1, { zone: name }).toFormat('yyyy-MM-dd'), name).toBe(
          dateOfDayIndex(day - 1),
        );
      }
    }
    // Chile springs forward at 24:00 on Saturday 2026-09-05: Sunday starts at 01:00 (-03)
    expect(zoneClock('America/Santiago').startOfDay(Date.UTC(2026, 8, 6) / DAY)).toBe(Date.UTC(2026, 8, 6, 4));
  });

  it('knows the zones luxon knows, and refuses the rest', () => {
    for (const name of [...ZONES, 'Fantasia/Castle', 'Sport~~blorp', '', 'Europe/Pariss', 'utc']) {
      expect(isValidTimeZone(name), name).toBe(IANAZone.isValidZone(name));
    }
    expect(() => zoneClock('Fantasia/Castle')).toThrow(RangeError);
  });

  it('reads a bare AliExpress time through the daylight-saving switches', () => {
    const la = 'America/Los_Angeles';
    // 02:30 does not exist on 2026-03-08: luxon reads it with the offset after the switch (PDT), as before
    expect(parseInstant('2026-03-08 02:30:00', la)).toBe(Date.UTC(2026, 2, 8, 9, 30));
    // 01:30 happens twice on 2026-11-01: the first one (PDT)
    expect(parseInstant('2026-11-01 01:30:00', la)).toBe(Date.UTC(2026, 10, 1, 8, 30));
    expect(parseInstant('2026-11-01 02:30:00', la)).toBe(Date.UTC(2026, 10, 1, 10, 30));
    expect(parseInstant('2026-11-01 02:30:00', 'Not/AZone')).toBeUndefined();
  });
});
