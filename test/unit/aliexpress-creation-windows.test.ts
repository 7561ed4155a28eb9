/**
 * The order list's creation-date windows: consecutive, oldest first, covering the whole span, and each one within
 * the platform's 180 days even after its query texts are widened over the repeated autumn hour.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_CREATE_WINDOW_MS,
  creationWindows,
  parsePlatformTime,
  platformQueryTime,
} from '../../src/integrations/aliexpress/protocol';

const DAY = 86_400_000;

describe('creation windows', () => {
  it('property: they cover [start, end] without gaps, in order, each within the limit as the platform reads it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.integer({ min: 0, max: 800 * DAY }),
        (start, length) => {
          const windows = creationWindows(start, start + length);
          expect(windows[0]!.from).toBe(start);
          expect(windows.at(-1)!.to).toBe(start + length);
          windows.forEach((w, i) => {
            expect(w.from).toBeLessThanOrEqual(w.to);
            if (i > 0) expect(w.from).toBe(windows[i - 1]!.to);
            const span =
              parsePlatformTime(platformQueryTime(w.to, 'end'))! -
              parsePlatformTime(platformQueryTime(w.from, 'start'))!;
            expect(span).toBeLessThanOrEqual(MAX_CREATE_WINDOW_MS);
          });
          // No more windows than needed.
          expect(windows.length).toBeLessThanOrEqual(
            Math.max(1, Math.ceil(length / (MAX_CREATE_WINDOW_MS - 2 * 3600_000))),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a routine run (15 minutes, orders up to 180 days old) walks two windows, oldest first', () => {
    const to = Date.UTC(2026, 11, 7, 2);
    const windows = creationWindows(to - 15 * 60_000 - 180 * DAY, to);
    expect(windows).toHaveLength(2);
    expect(windows[0]!.to).toBeLessThan(windows[1]!.to);
    expect(() => creationWindows(to, to - 1)).toThrow(RangeError);
  });
});
