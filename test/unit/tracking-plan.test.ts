/**
 * The pure planner of tracking ingestion (core/tracking/plan.ts, plan-orders.ts): for any order with up to three parcels in any
 * state and any carrier events, every planned move is legal in its machine, an order is planned delivered only when
 * every live parcel is, applying a plan and planning again plans nothing, and two batches end where one does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderMachine, parcelMachine, type OrderAction, type ParcelAction } from '../../src/core/order';
import { decide } from '../../src/core/state-machine';
import { planParcelTracking } from '../../src/core/tracking/plan';
import { planOrderTracking } from '../../src/core/tracking/plan-orders';
import type { ParcelFacts, SiblingFacts, TouchedParcel } from '../../src/core/tracking/plan-types';
import {
  EMPTY_TRACKING_STATE,
  TRACKING_STATUSES,
  foldTrackingEvent,
  type TrackingEvent,
  type TrackingState,
} from '../../src/core/tracking-status';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);
const NOW = T0 + 2000 * HOUR;
const settings = { now: NOW, actor: 'tracking' };

interface World {
  order: { status: string; first_scan_at: number | null; delivered_at: number | null; version: number };
  parcels: Array<{
    id: number;
    status: string;
    first_scan_at: number | null;
    handed_over_at: number | null;
    delivered_at: number | null;
    state: TrackingState;
  }>;
}

const eventArb = fc.record({
  parcel: fc.integer({ min: 0, max: 2 }),
  hours: fc.integer({ min: 0, max: 1900 }),
  status: fc.constantFrom(...TRACKING_STATUSES),
  code: fc.constantFrom('a', 'b', 'c'),
});
const worldArb = fc.record({
  orderStatus: fc.constantFrom('shipped', 'in_transit', 'awaiting_shipment'),
  parcels: fc.array(fc.constantFrom('labelled', 'handed_over', 'tracking_uploaded', 'tracking_uploaded', 'voided'), {
    minLength: 1,
    maxLength: 3,
  }),
});

function eventOf(e: { hours: number; status: (typeof TRACKING_STATUSES)[number]; code: string }): TrackingEvent {
  return {
    key: `${e.hours}:${e.status}:${e.code}`,
    occurredAt: T0 + e.hours * HOUR,
    status: e.status,
    rawStatus: e.status,
    rawSubstatus: null,
    description: null,
    location: null,
    destinationCountry: null,
  };
}

function newWorld(spec: { orderStatus: string; parcels: string[] }): World {
  return {
    order: { status: spec.orderStatus, first_scan_at: null, delivered_at: null, version: 1 },
    parcels: spec.parcels.map((status, i) => ({
      id: i + 1,
      status,
      first_scan_at: null,
      handed_over_at: null,
      delivered_at: null,
      state: EMPTY_TRACKING_STATE,
    })),
  };
}

function factsOf(world: World, parcel: World['parcels'][number]): ParcelFacts {
  return {
    parcel_id: parcel.id,
    order_id: 1,
    shop_id: 's',
    tracking_number: `N${parcel.id}`,
    parcel_status: parcel.status,
    parcel_first_scan_at: parcel.first_scan_at,
    parcel_handed_over_at: parcel.handed_over_at,
    parcel_delivered_at: parcel.delivered_at,
    order_status: world.order.status,
    order_first_scan_at: world.order.first_scan_at,
    order_delivered_at: world.order.delivered_at,
    order_version: world.order.version,
    tracking: null,
  };
}

/** Plans one batch of events against the world; returns the plans and the world as the writes leave it. */
function planBatch(
  world: World,
  events: Array<{ parcel: number; hours: number; status: (typeof TRACKING_STATUSES)[number]; code: string }>,
) {
  const touched: TouchedParcel[] = [];
  const after = new Map<number, TrackingState>();
  for (const e of events) {
    const parcel = world.parcels[e.parcel % world.parcels.length]!;
    after.set(parcel.id, foldTrackingEvent(after.get(parcel.id) ?? parcel.state, eventOf(e)));
  }
  for (const parcel of world.parcels) {
    if (after.has(parcel.id))
      touched.push({ parcel: factsOf(world, parcel), before: parcel.state, after: after.get(parcel.id)! });
  }
  const parcels = planParcelTracking(touched, settings);
  const siblings = new Map<number, SiblingFacts[]>();
  if (parcels.needSiblings.includes(1))
    siblings.set(
      1,
      world.parcels.map((p) => ({ id: p.id, status: p.status, delivered_at: p.delivered_at })),
    );
  const orders = planOrderTracking(parcels, siblings, settings);
  // The writes.
  const next: World = {
    order: { ...world.order },
    parcels: world.parcels.map((p) => ({ ...p, state: after.get(p.id) ?? p.state })),
  };
  for (const u of parcels.parcelUpdates)
    Object.assign(next.parcels.find((p) => p.id === u.id)!, {
      status: u.status,
      first_scan_at: u.first_scan_at,
      handed_over_at: u.handed_over_at,
      delivered_at: u.delivered_at,
    });
  for (const move of orders.moves) {
    let status = move.order.status;
    for (const action of move.actions) {
      const decision = decide(orderMachine, status as never, action, {});
      expect(decision.ok).toBe(true);
      if (decision.ok) status = decision.to;
    }
    next.order = {
      status,
      first_scan_at: move.set.first_scan_at,
      delivered_at: move.set.delivered_at,
      version: next.order.version + 1,
    };
  }
  for (const u of orders.updates)
    next.order = {
      status: u.status,
      first_scan_at: u.first_scan_at,
      delivered_at: u.delivered_at,
      version: next.order.version + 1,
    };
  return { parcels, orders, next };
}

describe('the tracking planner', () => {
  it('plans only legal moves, delivers an order only when every live parcel is, and plans nothing the second time', () => {
    fc.assert(
      fc.property(worldArb, fc.array(eventArb, { minLength: 1, maxLength: 30 }), (spec, events) => {
        const world = newWorld(spec);
        const { parcels, orders, next } = planBatch(world, events);
        for (const e of parcels.events.filter((x) => x.kind === 'transition')) {
          expect(decide(parcelMachine, e.from_state as never, e.action as ParcelAction, {})).toMatchObject({
            ok: true,
            to: e.to_state,
          });
        }
        for (const move of orders.moves) {
          if ((move.actions as OrderAction[]).includes('report_delivered')) {
            const live = next.parcels.filter((p) => p.status !== 'voided');
            expect(live.length).toBeGreaterThan(0);
            expect(live.every((p) => p.status === 'delivered' || p.status === 'returned')).toBe(true);
            expect(move.set.delivered_at).not.toBeNull();
          }
        }
        // The first scan is the earliest of the parcels', on the parcels that are not voided.
        if (next.order.first_scan_at !== null) {
          expect(next.order.first_scan_at).toBe(
            Math.min(...next.parcels.filter((p) => p.first_scan_at !== null).map((p) => p.first_scan_at!)),
          );
        }
        // Applied, then planned again from the state the writes left: nothing more to do.
        const touched = next.parcels.map((p) => ({ parcel: factsOf(next, p), before: p.state, after: p.state }));
        const again = planParcelTracking(touched, settings);
        const siblings = new Map([
          [1, next.parcels.map((p) => ({ id: p.id, status: p.status, delivered_at: p.delivered_at }))],
        ]);
        const orderAgain = planOrderTracking(again, siblings, settings);
        expect(again.parcelUpdates).toEqual([]);
        expect(again.events).toEqual([]);
        expect(orderAgain).toEqual({ moves: [], updates: [] });
      }),
      { numRuns: 300, seed: 16 },
    );
  });

  it('ends in the same parcel and order states whether the events come in one batch or two', () => {
    fc.assert(
      fc.property(worldArb, fc.array(eventArb, { minLength: 1, maxLength: 30 }), fc.nat(), (spec, events, cut) => {
        const split = cut % (events.length + 1);
        const once = planBatch(newWorld(spec), events).next;
        const firstHalf = planBatch(newWorld(spec), events.slice(0, split)).next;
        const twice = planBatch(firstHalf, events.slice(split)).next;
        expect(twice.parcels.map((p) => [p.status, p.first_scan_at, p.delivered_at])).toEqual(
          once.parcels.map((p) => [p.status, p.first_scan_at, p.delivered_at]),
        );
        expect([twice.order.status, twice.order.first_scan_at]).toEqual([once.order.status, once.order.first_scan_at]);
      }),
      { numRuns: 300, seed: 16 },
    );
  });
});
