/**
 * When to ask a tracking provider about a parcel again (digest §6 "Tracking polling cadence", an ASSUMPTION):
 * every 6 h until the first scan, then every 12 h, daily once the parcel has been out 20 days, and not at all
 * 30 days after delivery (or return). A parcel that never arrives is given up after `giveUpAfterDays`.
 */
import { z } from 'zod';
import { zodFieldIssues } from './field-refusals';
import type { ImportIssue } from './order-input';
import { DAY_MS, HOUR_MS } from './time';
import type { TrackingState } from './tracking-status';

export interface PollCadence {
  beforeFirstScanHours: number;
  afterFirstScanHours: number;
  /** Days after registration from which the parcel is polled once a day. */
  dailyAfterDays: number;
  dailyHours: number;
  stopDaysAfterDelivery: number;
  giveUpAfterDays: number;
}

export const DEFAULT_POLL_CADENCE: PollCadence = {
  beforeFirstScanHours: 6,
  afterFirstScanHours: 12,
  dailyAfterDays: 20,
  dailyHours: 24,
  stopDaysAfterDelivery: 30,
  // ASSUMPTION: buyer protection ends well before this for every class (§1.11, §1.12).
  giveUpAfterDays: 120,
};

const hours = z
  .number()
  .positive()
  .max(24 * 30);
const PollCadenceSchema = z.strictObject({
  beforeFirstScanHours: hours.optional(),
  afterFirstScanHours: hours.optional(),
  dailyAfterDays: z.number().min(0).max(365).optional(),
  dailyHours: hours.optional(),
  stopDaysAfterDelivery: z.number().min(0).max(365).optional(),
  giveUpAfterDays: z.number().positive().max(730).optional(),
});

/** The refusals of a provider's cadence in both languages, one per bad field (`cadence.dailyHours`); none if sound. */
export function pollCadenceIssues(input: unknown): ImportIssue[] {
  const result = PollCadenceSchema.safeParse(input ?? {}, { reportInput: true });
  if (result.success) return [];
  return zodFieldIssues(result.error.issues, (path) => ({ row: 0, field: ['cadence', ...path].join('.') }));
}

/** A provider's settings over the defaults; throws a ZodError naming the bad field (`pollCadenceIssues` says it). */
export function parsePollCadence(input: unknown): PollCadence {
  return { ...DEFAULT_POLL_CADENCE, ...PollCadenceSchema.parse(input ?? {}) } as PollCadence;
}

/** The next poll, or null when the parcel is not to be polled any more. */
export function nextPollAt(
  registeredAt: number,
  state: Pick<TrackingState, 'firstScanAt' | 'deliveredAt' | 'returnedAt' | 'phase'>,
  now: number,
  cadence: PollCadence = DEFAULT_POLL_CADENCE,
): number | null {
  const endedAt = state.returnedAt ?? (state.phase >= 2 ? state.deliveredAt : null);
  if (endedAt !== null && now >= endedAt + cadence.stopDaysAfterDelivery * DAY_MS) return null;
  if (now >= registeredAt + cadence.giveUpAfterDays * DAY_MS) return null;
  let everyHours: number;
  if (now >= registeredAt + cadence.dailyAfterDays * DAY_MS) everyHours = cadence.dailyHours;
  else if (state.firstScanAt === null) everyHours = cadence.beforeFirstScanHours;
  else everyHours = cadence.afterFirstScanHours;
  const next = now + everyHours * HOUR_MS;
  if (endedAt !== null) return Math.min(next, endedAt + cadence.stopDaysAfterDelivery * DAY_MS);
  return next;
}
