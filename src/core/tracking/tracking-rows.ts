/**
 * The tracking planner's last step (core/tracking/plan.ts): each touched parcel's `parcel_tracking` row — its
 * tracking state as columns, its open problems, its polling schedule — or none when nothing it holds changed.
 */
import { nextPollAt, type PollCadence } from '../tracking-poll';
import type { TrackingState } from '../tracking-status';
import type { ParcelFacts, PlanSettings, TouchedParcel } from './plan-types';

/** Whether two tracking states would write the same row. */
function sameTrackingState(a: TrackingState, b: TrackingState): boolean {
  return (
    a.status === b.status &&
    a.statusAt === b.statusAt &&
    a.statusKey === b.statusKey &&
    a.firstScanAt === b.firstScanAt &&
    a.lastEventAt === b.lastEventAt &&
    a.deliveredAt === b.deliveredAt &&
    a.returnedAt === b.returnedAt &&
    a.destinationCountry === b.destinationCountry &&
    a.destinationKey === b.destinationKey
  );
}

/** The tracking state as the columns of a parcel's tracking row. */
export function trackingColumns(state: TrackingState) {
  return {
    status: state.status,
    phase: state.phase,
    status_at: state.statusAt,
    status_rank: state.statusRank,
    status_key: state.statusKey,
    raw_status: state.rawStatus,
    raw_substatus: state.rawSubstatus,
    description: state.description,
    location: state.location,
    first_scan_at: state.firstScanAt,
    last_event_at: state.lastEventAt,
    delivered_at: state.deliveredAt,
    returned_at: state.returnedAt,
    destination_country: state.destinationCountry,
    destination_key: state.destinationKey,
  };
}

/**
 * The tracking row each touched parcel gets, given the change in its open problems (known once they are
 * reconciled). A late event that changes nothing (an older scan, a copy under another key) writes nothing.
 * `poller` is the polling provider's name, if any; `cadence` its polling cadence.
 */
export function planTrackingRows<P extends ParcelFacts>(
  touched: ReadonlyArray<TouchedParcel<P>>,
  problemChange: ReadonlyMap<number, number>,
  settings: PlanSettings & { poller: string | null; cadence: PollCadence },
) {
  const { now } = settings;
  const rows = [];
  for (const t of touched) {
    const existing = t.parcel.tracking;
    const change = problemChange.get(t.parcel.parcel_id) ?? 0;
    if (existing && change === 0 && sameTrackingState(t.before, t.after)) continue;
    const registeredAt = existing?.registered_at ?? now;
    const provider = existing ? existing.provider : settings.poller;
    const polled = provider !== null && (existing ? existing.next_poll_at !== null : true);
    rows.push({
      row: {
        parcel_id: t.parcel.parcel_id,
        tracking_number: t.parcel.tracking_number,
        provider,
        ...trackingColumns(t.after),
        open_problems:
          change === 0 ? (existing?.open_problems ?? 0) : Math.max(0, (existing?.open_problems ?? 0) + change),
        registered_at: registeredAt,
        next_poll_at: polled
          ? (existing?.next_poll_at ?? nextPollAt(registeredAt, t.after, now, settings.cadence))
          : null,
        last_polled_at: existing?.last_polled_at ?? null,
        polls: existing?.polls ?? 0,
        updated_at: now,
        version: existing?.version ?? 1,
      },
      base: existing as P['tracking'],
    });
  }
  return rows;
}
