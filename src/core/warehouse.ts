/**
 * Warehouses and their daily cut-off, pure: the kinds, the account that owns one, and when its next parcels leave.
 * No I/O and no clock: `now` is passed in as epoch ms.
 */
import { DateTime } from 'luxon';

export const WAREHOUSE_KINDS = ['domestic', 'overseas'] as const;
export type WarehouseKind = (typeof WAREHOUSE_KINDS)[number];

export interface Warehouse {
  id: string;
  name: string;
  kind: WarehouseKind;
  /** ISO 3166 alpha-2 of where it stands, when known: an overseas warehouse in the buyer's country ships locally. */
  country: string | null;
  /** IANA zone its cut-off is read in. */
  timeZone: string;
  /** "HH:MM" local time: parcels ready by then leave that day. */
  cutoffTime: string;
  /** The account that owns it: only that account's orders reserve here (issue 19). */
  accountId?: string;
}

const CUTOFF = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isCutoffTime(text: string): boolean {
  return CUTOFF.test(text);
}

/**
 * The first cut-off at or after `now` in the warehouse's zone: today's if it has not passed, else
 * tomorrow's. Built from the local date, so a DST change in between keeps the wall-clock time.
 */
export function nextCutoffAt(now: number, timeZone: string, cutoffTime: string): number {
  const m = CUTOFF.exec(cutoffTime);
  if (!m) throw new Error(`cut-off "${cutoffTime}" is not HH:MM`);
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  const local = DateTime.fromMillis(now, { zone: timeZone });
  if (!local.isValid) throw new Error(`unknown time zone "${timeZone}"`);
  const today = local.set({ hour, minute, second: 0, millisecond: 0 });
  if (today.toMillis() >= now) return today.toMillis();
  return local.plus({ days: 1 }).set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
}
