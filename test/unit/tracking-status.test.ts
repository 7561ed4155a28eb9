import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLL_CADENCE, nextPollAt, parsePollCadence } from '../../src/core/tracking-poll';
import {
  AFTERSHIP_SUBTAGS,
  AFTERSHIP_TAGS,
  EMPTY_TRACKING_STATE,
  SEVENTEEN_TRACK_STATUSES,
  SEVENTEEN_TRACK_SUBSTATUSES,
  TRACKING_STATUSES,
  eventKeyOf,
  foldTrackingEvents,
  fromAfterShip,
  fromSeventeenTrack,
  parcelMilestoneOf,
  type TrackingEvent,
  type TrackingStatus,
} from '../../src/core/tracking-status';
import { DAY_MS, HOUR_MS } from '../../src/core/time';

// The digest's table (marketplace-rules.md §5.1–5.3), written out independently of the source.
const AFTERSHIP_ROWS: Array<[string, TrackingStatus]> = [
  ['Pending_001', 'label_created'],
  ['Pending_002', 'label_created'],
  ['Pending_003', 'label_created'],
  ['Pending_004', 'label_created'],
  ['Pending_005', 'label_created'],
  ['Pending_006', 'label_created'],
  ['InfoReceived_001', 'label_created'],
  ['InTransit_001', 'in_transit'],
  ['InTransit_002', 'accepted'],
  ['InTransit_003', 'in_transit'],
  ['InTransit_004', 'in_transit'],
  ['InTransit_005', 'in_transit'],
  ['InTransit_006', 'customs_hold'],
  ['InTransit_007', 'in_transit'],
  ['InTransit_008', 'in_transit'],
  ['InTransit_009', 'in_transit'],
  ['OutForDelivery_001', 'out_for_delivery'],
  ['OutForDelivery_003', 'out_for_delivery'],
  ['OutForDelivery_004', 'out_for_delivery'],
  ['AttemptFail_001', 'delivery_failed'],
  ['AttemptFail_002', 'delivery_failed'],
  ['AttemptFail_003', 'delivery_failed'],
  ['Delivered_001', 'delivered'],
  ['Delivered_002', 'delivered'],
  ['Delivered_003', 'delivered'],
  ['Delivered_004', 'delivered'],
  ['Delivered_005', 'delivered'],
  ['AvailableForPickup_001', 'ready_for_pickup'],
  ['Exception_001', 'delivery_failed'],
  ['Exception_002', 'delivery_failed'],
  ['Exception_003', 'delivery_failed'],
  ['Exception_004', 'customs_hold'],
  ['Exception_005', 'in_transit'],
  ['Exception_006', 'customs_hold'],
  ['Exception_007', 'delivery_failed'],
  ['Exception_008', 'delivery_failed'],
  ['Exception_009', 'delivery_failed'],
  ['Exception_010', 'returning'],
  ['Exception_011', 'returned'],
  ['Exception_012', 'lost_damaged'],
  ['Exception_013', 'lost_damaged'],
  ['Expired_001', 'stalled'],
];
const AFTERSHIP_TAG_ROWS: Array<[string, TrackingStatus]> = [
  ['Pending', 'label_created'],
  ['InfoReceived', 'label_created'],
  ['InTransit', 'in_transit'],
  ['OutForDelivery', 'out_for_delivery'],
  ['AttemptFail', 'delivery_failed'],
  ['Delivered', 'delivered'],
  ['AvailableForPickup', 'ready_for_pickup'],
  ['Exception', 'delivery_failed'],
  ['Expired', 'stalled'],
];
const SEVENTEEN_ROWS: Array<[string, TrackingStatus]> = [
  ['NotFound_Other', 'label_created'],
  ['NotFound_InvalidCode', 'invalid_number'],
  ['InfoReceived', 'label_created'],
  ['InTransit_PickedUp', 'accepted'],
  ['InTransit_Other', 'in_transit'],
  ['InTransit_Departure', 'in_transit'],
  ['InTransit_Arrival', 'in_transit'],
  ['InTransit_TransportDeparted', 'in_transit'],
  ['InTransit_TransportArrived', 'in_transit'],
  ['InTransit_CustomsProcessing', 'customs_hold'],
  ['InTransit_CustomsReleased', 'in_transit'],
  ['InTransit_CustomsRequiringInformation', 'customs_hold'],
  ['Expired_Other', 'stalled'],
  ['AvailableForPickup_Other', 'ready_for_pickup'],
  ['OutForDelivery_Other', 'out_for_delivery'],
  ['DeliveryFailure_Other', 'delivery_failed'],
  ['DeliveryFailure_NoBody', 'delivery_failed'],
  ['DeliveryFailure_Security', 'delivery_failed'],
  ['DeliveryFailure_Rejected', 'delivery_failed'],
  ['DeliveryFailure_InvalidAddress', 'delivery_failed'],
  ['Delivered_Other', 'delivered'],
  ['Exception_Other', 'delivery_failed'],
  ['Exception_Returning', 'returning'],
  ['Exception_Returned', 'returned'],
  ['Exception_NoBody', 'delivery_failed'],
  ['Exception_Security', 'delivery_failed'],
  ['Exception_Damage', 'lost_damaged'],
  ['Exception_Rejected', 'delivery_failed'],
  ['Exception_Delayed', 'in_transit'],
  ['Exception_Lost', 'lost_damaged'],
  ['Exception_Destroyed', 'lost_damaged'],
  ['Exception_Cancel', 'invalid_number'],
];
const SEVENTEEN_MAIN_ROWS: Array<[string, TrackingStatus]> = [
  ['NotFound', 'label_created'],
  ['InfoReceived', 'label_created'],
  ['InTransit', 'in_transit'],
  ['Expired', 'stalled'],
  ['AvailableForPickup', 'ready_for_pickup'],
  ['OutForDelivery', 'out_for_delivery'],
  ['DeliveryFailure', 'delivery_failed'],
  ['Delivered', 'delivered'],
  ['Exception', 'delivery_failed'],
];

describe('tracking status mapping tables', () => {
  it.each(AFTERSHIP_ROWS)('AfterShip subtag %s → %s', (subtag, expected) => {
    expect(fromAfterShip(subtag.split('_')[0], subtag)).toBe(expected);
    expect(AFTERSHIP_SUBTAGS[subtag]).toBe(expected);
  });
  it.each(AFTERSHIP_TAG_ROWS)('AfterShip tag %s (no subtag) → %s', (tag, expected) => {
    expect(fromAfterShip(tag, null)).toBe(expected);
    expect(fromAfterShip(tag, `${tag}_999`)).toBe(expected);
  });
  it.each(SEVENTEEN_ROWS)('17TRACK sub-status %s → %s', (sub, expected) => {
    expect(fromSeventeenTrack(sub.split('_')[0], sub)).toBe(expected);
  });
  it.each(SEVENTEEN_MAIN_ROWS)('17TRACK main status %s (no sub-status) → %s', (status, expected) => {
    expect(fromSeventeenTrack(status, null)).toBe(expected);
  });
  it('has no row the tests do not name, and unknown codes map to nothing', () => {
    expect(Object.keys(AFTERSHIP_SUBTAGS).sort()).toEqual(AFTERSHIP_ROWS.map((r) => r[0]).sort());
    expect(Object.keys(AFTERSHIP_TAGS).sort()).toEqual(AFTERSHIP_TAG_ROWS.map((r) => r[0]).sort());
    expect(Object.keys(SEVENTEEN_TRACK_SUBSTATUSES).sort()).toEqual(SEVENTEEN_ROWS.map((r) => r[0]).sort());
    expect(Object.keys(SEVENTEEN_TRACK_STATUSES).sort()).toEqual(SEVENTEEN_MAIN_ROWS.map((r) => r[0]).sort());
    expect(fromSeventeenTrack('Teleported', 'Teleported_Other')).toBeUndefined();
    expect(fromAfterShip(undefined, undefined)).toBeUndefined();
    // Every internal status is reachable from some provider code.
    const reachable = new Set([...AFTERSHIP_ROWS, ...SEVENTEEN_ROWS].map((r) => r[1]));
    expect(TRACKING_STATUSES.filter((s) => !reachable.has(s))).toEqual([]);
  });
});

const T0 = Date.UTC(2026, 10, 1, 8);
function ev(hours: number, status: TrackingStatus, code: string = status): TrackingEvent {
  const at = T0 + hours * HOUR_MS;
  return {
    key: eventKeyOf(null, at, code),
    occurredAt: at,
    status,
    rawStatus: null,
    rawSubstatus: code,
    description: null,
    location: null,
    destinationCountry: 'ES',
  };
}

describe("the fold of a parcel's events", () => {
  it('moves forward only, except along the return path', () => {
    const delivered = foldTrackingEvents([
      ev(0, 'label_created'),
      ev(5, 'accepted'),
      ev(30, 'in_transit'),
      ev(100, 'delivered'),
      ev(120, 'in_transit', 'late_scan'),
    ]);
    expect(delivered).toMatchObject({
      status: 'delivered',
      firstScanAt: T0 + 5 * HOUR_MS,
      deliveredAt: T0 + 100 * HOUR_MS,
    });
    expect(parcelMilestoneOf(delivered)).toBe('delivered');
    const returned = foldTrackingEvents([
      ev(100, 'delivered'),
      ev(200, 'returning'),
      ev(300, 'returned'),
      ev(250, 'in_transit', 'x'),
    ]);
    expect(returned.status).toBe('returned');
    expect(parcelMilestoneOf(returned)).toBe('returned');
    // A label event after the first scan (electronic data sent late) does not take the parcel back.
    expect(foldTrackingEvents([ev(5, 'accepted'), ev(6, 'label_created')]).status).toBe('accepted');
    // Customs hold and release alternate within the carrier phase: the latest wins.
    expect(foldTrackingEvents([ev(10, 'customs_hold'), ev(20, 'in_transit', 'released')]).status).toBe('in_transit');
    // Invalid then picked up: the number turned out good.
    expect(foldTrackingEvents([ev(0, 'invalid_number'), ev(9, 'accepted')]).status).toBe('accepted');
    // shipby's own stalled mark is not carrier news.
    const stalled = foldTrackingEvents([ev(5, 'accepted'), { ...ev(800, 'stalled'), key: 'shipby:stalled:1' }]);
    expect(stalled).toMatchObject({ status: 'stalled', lastEventAt: T0 + 5 * HOUR_MS });
    expect(foldTrackingEvents([], EMPTY_TRACKING_STATE)).toEqual(EMPTY_TRACKING_STATE);
  });

  it('gives the same status and first scan for any permutation or duplication of the events', () => {
    const statusArb = fc.constantFrom(...TRACKING_STATUSES);
    const eventArb = fc.record({
      hours: fc.integer({ min: 0, max: 2000 }),
      status: statusArb,
      code: fc.constantFrom('a', 'b', 'c'),
    });
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.integer(),
        (specs, duplicateIndexes, seed) => {
          const events = specs.map((s) => ev(s.hours, s.status, `${s.status}:${s.code}`));
          const reference = foldTrackingEvents(events);
          const copies = [...events, ...duplicateIndexes.map((i) => events[i % events.length]!)];
          const shuffled = fc.sample(
            fc.shuffledSubarray(copies, { minLength: copies.length, maxLength: copies.length }),
            { seed, numRuns: 1 },
          )[0]!;
          const folded = foldTrackingEvents(shuffled);
          expect(folded.status).toBe(reference.status);
          expect(folded.firstScanAt).toBe(reference.firstScanAt);
          expect(folded).toEqual(reference);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('polling cadence', () => {
  const registered = T0;
  const none = { firstScanAt: null, deliveredAt: null, returnedAt: null, phase: 0 };
  it('polls every 6 h before the first scan, 12 h after, daily after 20 days, and stops 30 days after delivery', () => {
    expect(nextPollAt(registered, none, T0 + HOUR_MS)).toBe(T0 + 7 * HOUR_MS);
    const scanned = { ...none, firstScanAt: T0 + 10 * HOUR_MS, phase: 1 };
    expect(nextPollAt(registered, scanned, T0 + 2 * DAY_MS)).toBe(T0 + 2 * DAY_MS + 12 * HOUR_MS);
    expect(nextPollAt(registered, scanned, T0 + 21 * DAY_MS)).toBe(T0 + 22 * DAY_MS);
    const delivered = { firstScanAt: T0, deliveredAt: T0 + 10 * DAY_MS, returnedAt: null, phase: 2 };
    expect(nextPollAt(registered, delivered, T0 + 39 * DAY_MS + 20 * HOUR_MS)).toBe(T0 + 40 * DAY_MS);
    expect(nextPollAt(registered, delivered, T0 + 40 * DAY_MS)).toBeNull();
    expect(nextPollAt(registered, none, T0 + 121 * DAY_MS)).toBeNull();
  });
  it("takes a provider's own cadence and refuses a bad one", () => {
    const fast = parsePollCadence({ beforeFirstScanHours: 1 });
    expect(fast).toEqual({ ...DEFAULT_POLL_CADENCE, beforeFirstScanHours: 1 });
    expect(nextPollAt(registered, none, T0, fast)).toBe(T0 + HOUR_MS);
    expect(() => parsePollCadence({ beforeFirstScanHours: -1 })).toThrow();
    expect(() => parsePollCadence({ hourly: true })).toThrow();
  });
});
