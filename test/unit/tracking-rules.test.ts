import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseMachine, inrDisputeRate, responseDeadline } from '../../src/core/after-sales';
import { autoConfirmationOf, extensionProposal, isAutoConfirmDue, receiptClassOf } from '../../src/core/receipt';
import { decide } from '../../src/core/state-machine';
import { DAY_MS, HOUR_MS } from '../../src/core/time';
import { detectParcelProblems, type ParcelProblemFacts } from '../../src/core/tracking-problems';
import {
  EMPTY_TRACKING_STATE,
  foldTrackingEvents,
  type TrackingEvent,
  type TrackingStatus,
} from '../../src/core/tracking-status';

const PAID = Date.UTC(2026, 10, 1, 0);
const DECLARED = PAID + 20 * HOUR_MS;

function ev(at: number, status: TrackingStatus, destination: string | null = 'ES'): TrackingEvent {
  return {
    key: `t:${at}:${status}`,
    occurredAt: at,
    status,
    rawStatus: null,
    rawSubstatus: status,
    description: 'x',
    location: null,
    destinationCountry: destination,
  };
}

function facts(events: TrackingEvent[], extra: Partial<ParcelProblemFacts> = {}): ParcelProblemFacts {
  return {
    parcelId: 7,
    trackingNumber: 'RR473124829CN',
    carrier: 'china-post',
    declaredAt: DECLARED,
    paidAt: PAID,
    buyerCountry: 'ES',
    state: foldTrackingEvents(events),
    ...extra,
  };
}

const kinds = (f: ParcelProblemFacts, now: number) => detectParcelProblems(f, now).map((p) => `${p.kind}:${p.level}`);

describe('parcel problems', () => {
  it('not online: warning at 48 h, alarm at 72 h, the 5-day limit at 120 h; none once scanned', () => {
    expect(kinds(facts([]), DECLARED + 47 * HOUR_MS)).toEqual([]);
    expect(kinds(facts([]), DECLARED + 48 * HOUR_MS)).toEqual(['not_online:warning']);
    expect(kinds(facts([]), DECLARED + 80 * HOUR_MS)).toEqual(['not_online:warning', 'not_online:alarm']);
    expect(kinds(facts([ev(DECLARED - HOUR_MS, 'label_created')]), DECLARED + 121 * HOUR_MS)).toEqual([
      'not_online:warning',
      'not_online:alarm',
      'not_online:breach',
    ]);
    expect(kinds(facts([ev(DECLARED + 50 * HOUR_MS, 'accepted')]), DECLARED + 121 * HOUR_MS)).toEqual([]);
    const all = detectParcelProblems(facts([]), DECLARED + 121 * HOUR_MS);
    for (const p of all) {
      expect(p.message['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
      expect(p.action.en.length).toBeGreaterThan(20);
    }
  });

  it('false shipment: invalid number, a first scan before payment, another destination country', () => {
    expect(kinds(facts([ev(DECLARED, 'invalid_number')]), DECLARED + HOUR_MS)).toEqual(['invalid_number:alarm']);
    expect(kinds(facts([ev(PAID - 2 * DAY_MS, 'accepted')]), DECLARED)).toEqual(['scan_before_payment:alarm']);
    // Within the tolerance of an hour: clock skew, not a false shipment.
    expect(kinds(facts([ev(PAID - 30 * 60_000, 'accepted')]), DECLARED)).toEqual([]);
    expect(kinds(facts([ev(DECLARED + HOUR_MS, 'accepted', 'FR')]), DECLARED + 2 * HOUR_MS)).toEqual([
      'wrong_destination:alarm',
    ]);
  });

  it('stalled after 60 days for a postal parcel, 30 for an express one; failures and returns', () => {
    const moving = [ev(DECLARED + HOUR_MS, 'accepted'), ev(DECLARED + 2 * DAY_MS, 'in_transit')];
    const quiet = DECLARED + 2 * DAY_MS + 45 * DAY_MS;
    expect(kinds(facts(moving), quiet)).toEqual([]);
    expect(kinds(facts(moving, { carrier: 'dhl' }), quiet)).toEqual(['stalled:alarm']);
    expect(kinds(facts(moving), DECLARED + 2 * DAY_MS + 60 * DAY_MS)).toEqual(['stalled:alarm']);
    expect(kinds(facts([...moving, ev(DECLARED + 9 * DAY_MS, 'delivery_failed')]), DECLARED + 9 * DAY_MS)).toEqual([
      'delivery_failed:warning',
    ]);
    expect(kinds(facts([...moving, ev(DECLARED + 9 * DAY_MS, 'delivered')]), DECLARED + 200 * DAY_MS)).toEqual([]);
    expect(kinds(facts([...moving, ev(DECLARED + 20 * DAY_MS, 'returning')]), DECLARED + 21 * DAY_MS)).toEqual([
      'returning:alarm',
    ]);
    expect(kinds(facts([...moving, ev(DECLARED + 40 * DAY_MS, 'returned')]), DECLARED + 41 * DAY_MS)).toEqual([
      'returned:alarm',
    ]);
    expect(kinds(facts([...moving, ev(DECLARED + 40 * DAY_MS, 'lost_damaged')]), DECLARED + 41 * DAY_MS)).toEqual([
      'lost_damaged:alarm',
    ]);
    expect(
      detectParcelProblems({ ...facts([]), state: EMPTY_TRACKING_STATE, declaredAt: null }, DECLARED + 300 * DAY_MS),
    ).toEqual([]);
  });
});

describe('receipt auto-confirmation', () => {
  it("uses the order's promised days, else the class fallback", () => {
    const shipped = Date.UTC(2026, 5, 10, 12);
    const base = {
      lastShippedAt: shipped,
      freightCommitDays: 27,
      receiptClass: 'standard' as const,
      extensionDays: 0,
      zone: 'Asia/Shanghai',
    };
    expect(autoConfirmationOf(base)).toMatchObject({ at: shipped + 27 * DAY_MS, days: 27, source: 'order' });
    expect(autoConfirmationOf({ ...base, freightCommitDays: null })).toMatchObject({
      at: shipped + 45 * DAY_MS,
      source: 'fallback',
    });
    expect(autoConfirmationOf({ ...base, freightCommitDays: null, receiptClass: 'economy' }).days).toBe(60);
    expect(autoConfirmationOf({ ...base, freightCommitDays: null, receiptClass: 'express' }).days).toBe(27);
    expect(
      autoConfirmationOf({ ...base, freightCommitDays: null, receiptClass: 'choice', extensionDays: 15 }).days,
    ).toBe(105);
    expect(autoConfirmationOf(base).explanation['zh-CN']).toMatch(/freight_commit_day/);
    expect(receiptClassOf('CAINIAO_STANDARD', 'aliexpress_pop')).toBe('standard');
    expect(receiptClassOf('CAINIAO_SUPER_ECONOMY', 'aliexpress_pop')).toBe('economy');
    expect(receiptClassOf('DHL', 'aliexpress_pop')).toBe('express');
    expect(receiptClassOf('CAINIAO_STANDARD', 'aliexpress_full_jit')).toBe('choice');
  });

  it('adds hours, not calendar days: the countdown is N × 24 h across a DST change, whatever the zone (§1.3)', () => {
    // Shipped 2026-10-20 10:00 Pacific (PDT, UTC−7). 27 × 24 h later is 2026-11-16 09:00 PST (UTC−8) on the wall clock.
    const shipped = Date.UTC(2026, 9, 20, 17);
    const la = autoConfirmationOf({
      lastShippedAt: shipped,
      freightCommitDays: 27,
      receiptClass: 'standard',
      extensionDays: 0,
      zone: 'America/Los_Angeles',
    });
    expect(la.at - shipped).toBe(27 * DAY_MS);
    expect(la.at).toBe(Date.UTC(2026, 10, 16, 17));
    expect(la.explanation.en).toContain('27 × 24 h');
    for (const zone of ['Asia/Shanghai', 'Europe/Madrid', 'America/Los_Angeles']) {
      const r = autoConfirmationOf({
        lastShippedAt: shipped,
        freightCommitDays: 27,
        receiptClass: 'standard',
        extensionDays: 0,
        zone,
      });
      expect(r.at - shipped, zone).toBe(27 * DAY_MS);
    }
    // The case: 108 promised days across the spring switch (2026-03-08 in Los Angeles) are 2592 h, not 2591 h.
    const winter = Date.UTC(2026, 0, 15, 18);
    const long = autoConfirmationOf({
      lastShippedAt: winter,
      freightCommitDays: 108,
      receiptClass: 'choice',
      extensionDays: 0,
      zone: 'America/Los_Angeles',
    });
    expect((long.at - winter) / HOUR_MS).toBe(2592);
    expect(isAutoConfirmDue(la.at, la.at - 1, false)).toBe(false);
    expect(isAutoConfirmDue(la.at, la.at, false)).toBe(true);
    expect(isAutoConfirmDue(la.at, la.at + DAY_MS, true)).toBe(false);
  });

  it('property: the receipt clock is (promised + extension days) × 24 h after the last shipment, in every zone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 11, 31) }),
        fc.option(fc.integer({ min: 1, max: 365 }), { nil: null }),
        fc.integer({ min: 0, max: 90 }),
        fc.constantFrom(
          'America/Los_Angeles',
          'Europe/Madrid',
          'Asia/Shanghai',
          'Australia/Sydney',
          'America/Sao_Paulo',
        ),
        (shipped, promised, extensionDays, zone) => {
          const r = autoConfirmationOf({
            lastShippedAt: shipped,
            freightCommitDays: promised,
            receiptClass: 'standard',
            extensionDays,
            zone,
          });
          expect(r.at - shipped).toBe(r.days * DAY_MS);
          expect(r.days).toBe((promised ?? 45) + extensionDays);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('proposes extending the acceptance time only while a parcel still moves, close to the time', () => {
    const at = Date.UTC(2026, 11, 1);
    expect(extensionProposal(at, at - 11 * DAY_MS, ['in_transit'])).toBeUndefined();
    expect(extensionProposal(at, at - 5 * DAY_MS, ['in_transit'])).toMatchObject({ days: 15 });
    expect(extensionProposal(at, at - 5 * DAY_MS, ['delivered'])).toBeUndefined();
    expect(extensionProposal(at, at - 5 * DAY_MS, ['delivered', 'customs_hold'])?.message.en).toMatch(/5 day/);
    expect(extensionProposal(at, at + 1, ['in_transit'])).toBeUndefined();
  });
});

describe('after-sales cases', () => {
  it('walks the declared case table and refuses an outcome that does not add up', () => {
    expect(decide(caseMachine, 'open', 'respond', { note: 'sent photos of the label' })).toMatchObject({
      ok: true,
      to: 'responded',
    });
    expect(decide(caseMachine, 'open', 'respond', {})).toMatchObject({ ok: false, rule: 'case.respond.guard' });
    expect(decide(caseMachine, 'resolved', 'escalate', {})).toMatchObject({ ok: false, rule: 'case.escalate.from' });
    expect(
      decide(caseMachine, 'escalated', 'resolve', { outcome: 'partial_refund', refundedAmount: 500, orderTotal: 2000 }),
    ).toMatchObject({ ok: true, to: 'resolved' });
    expect(
      decide(caseMachine, 'open', 'resolve', { outcome: 'partial_refund', refundedAmount: 0, orderTotal: 2000 }).ok,
    ).toBe(false);
    expect(
      decide(caseMachine, 'open', 'resolve', { outcome: 'full_refund', refundedAmount: 1999, orderTotal: 2000 }).ok,
    ).toBe(false);
    expect(
      decide(caseMachine, 'open', 'resolve', { outcome: 'no_refund', refundedAmount: 10, orderTotal: 2000 }).ok,
    ).toBe(false);
    expect(
      decide(caseMachine, 'open', 'resolve', { outcome: 'full_refund', refundedAmount: 2500, orderTotal: 2000 }).ok,
    ).toBe(false);
    expect(decide(caseMachine, 'open', 'resolve', { outcome: 'maybe' }).ok).toBe(false);
    expect(responseDeadline('not_received', 1000)).toBe(1000 + 5 * DAY_MS);
  });

  it('computes the INR dispute rate as the seller backend defines it', () => {
    expect(inrDisputeRate({ inrCases: 3, inrWithdrawn: 1, confirmedOrders: 95, refundRequestedOrders: 5 })).toBeCloseTo(
      0.02,
    );
    expect(inrDisputeRate({ inrCases: 0, inrWithdrawn: 0, confirmedOrders: 0, refundRequestedOrders: 0 })).toBeNull();
  });
});
