/**
 * A carrier checkpoint's time as the providers pass it on: with an offset or `Z` (read as such), or without one
 * (AfterShip's `checkpoint_time` "uses the timezone of the checkpoint"; 17TRACK's `time_iso` when the carrier gave no
 * zone). A bare time is read in the checkpoint's own country's zone when that country has one zone; in the country's
 * main zone, flagged, when it has several; else as UTC, flagged. Never a reason to drop the event.
 */
import { MAIN_ZONES, SINGLE_ZONE_COUNTRIES } from '../data/country-zones';
import { parseInstant } from '../time';

/** How a time was read: `offset` as written; `zone` in its country's only zone; `main_zone` / `utc` guessed (flagged). */
export type CheckpointTimeBasis = 'offset' | 'zone' | 'main_zone' | 'utc';

export interface CheckpointTime {
  at: number;
  basis: CheckpointTimeBasis;
  /** The zone a bare time was read in. */
  zone: string | null;
}

const HAS_OFFSET = /(Z|z|[+-]\d{2}:?\d{2})\s*$/;

/** Undefined only when the text is not a date-time at all. */
export function readCheckpointTime(text: string, country: string | null | undefined): CheckpointTime | undefined {
  const trimmed = text.trim();
  if (HAS_OFFSET.test(trimmed)) {
    const at = parseInstant(trimmed);
    return at === undefined ? undefined : { at, basis: 'offset', zone: null };
  }
  const code = country?.trim().toUpperCase() ?? '';
  const single = SINGLE_ZONE_COUNTRIES[code];
  const main = single ? undefined : MAIN_ZONES[code];
  const zone = single ?? main ?? 'UTC';
  const at = parseInstant(trimmed, zone);
  if (at === undefined) return undefined;
  return { at, basis: single ? 'zone' : main ? 'main_zone' : 'utc', zone };
}

/** A time read by a guess (not its own offset, not its country's only zone): to be flagged. */
export function isGuessedTime(time: CheckpointTime): boolean {
  return time.basis === 'main_zone' || time.basis === 'utc';
}
