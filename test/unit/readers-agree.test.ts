/**
 * One truth per order, in the core: for any sequence of an order's facts and any instant, every reader tells the
 * story its situation (core/situation.ts) tells — the verdict (core/verdict), the at-risk list and its totals
 * (app/deadlines.ts `isQueued`, the dashboard's `sumByCurrency`), the work queue (`queuedWork`, what the plan takes)
 * and the seller metrics with their fines (core/metrics*.ts, fed by `metricRecordOf`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isQueued } from '../../src/app/deadlines';
import { countMetric } from '../../src/core/metrics';
import { fineOutcome } from '../../src/core/metrics-daily';
import { metricRecordOf } from '../../src/core/metrics-record';
import type { CancelledBy, OrderFacts } from '../../src/core/penalty';
import { builtInRegistry, type Policy } from '../../src/core/policy';
import { queuedWork, situationOf, type Situation, type SituationKind } from '../../src/core/situation';
import { verdict, type VerdictStatus } from '../../src/core/verdict';
import { sumByCurrency } from '../../web/src/format';

const registry = builtInRegistry();
const H = 3_600_000;
const PAID = Date.parse('2026-11-20T02:00:00Z');
const POLICIES = [
  'aliexpress_pop',
  'aliexpress_semi_jit',
  'aliexpress_semi_self_send',
  'aliexpress_full_jit',
  'aliexpress_overseas',
];

/** One fact of an order's life, `h` hours after payment. */
type Fact =
  | { kind: 'stock_awaited'; h: number; expectedH: number | null }
  | { kind: 'stock_reserved'; h: number }
  | { kind: 'handed_over' | 'uploaded' | 'first_scan' | 'warehouse_receipt' | 'platform_closed'; h: number }
  | { kind: 'cancelled'; h: number; by: CancelledBy }
  | { kind: 'extension'; h: number; hours: number };

const hour = fc.integer({ min: 0, max: 400 });
const fact: fc.Arbitrary<Fact> = fc.oneof(
  fc.record({
    kind: fc.constant('stock_awaited' as const),
    h: hour,
    expectedH: fc.option(fc.integer({ min: 0, max: 400 })),
  }),
  fc.record({ kind: fc.constant('stock_reserved' as const), h: hour }),
  fc.record({
    kind: fc.constantFrom(
      'handed_over' as const,
      'uploaded' as const,
      'first_scan' as const,
      'warehouse_receipt' as const,
      'platform_closed' as const,
    ),
    h: hour,
  }),
  fc.record({
    kind: fc.constant('cancelled' as const),
    h: hour,
    by: fc.constantFrom<CancelledBy>('buyer', 'seller', 'platform'),
  }),
  fc.record({ kind: fc.constant('extension' as const), h: hour, hours: fc.integer({ min: 1, max: 120 }) }),
);

const order = fc.record({
  policyId: fc.constantFrom(...POLICIES),
  dueH: fc.integer({ min: 1, max: 240 }),
  riskH: fc.option(fc.integer({ min: 0, max: 24 })),
  total: fc.integer({ min: 1, max: 200_000 }),
  units: fc.integer({ min: 1, max: 5 }),
  facts: fc.array(fact, { maxLength: 8 }),
  atH: fc.integer({ min: -24, max: 600 }),
});
type GeneratedOrder = typeof order extends fc.Arbitrary<infer T> ? T : never;

/** The order's facts as known at `at`: the facts up to then, in their order (a later one of a kind wins). */
function factsAt(o: GeneratedOrder, at: number): OrderFacts {
  const usd = (amount: number) => ({ amount, currency: 'USD' });
  const f: OrderFacts = {
    paidAt: PAID,
    platformShipByAt: PAID + o.dueH * H,
    extensions: [],
    orderTotal: usd(o.total),
    productPrice: usd(Math.ceil(o.total * 0.7)),
    units: o.units,
    ...(o.riskH !== null ? { riskPassedAt: PAID + o.riskH * H } : {}),
  };
  const extensions: OrderFacts['extensions'][number][] = [];
  for (const e of [...o.facts].sort((a, b) => a.h - b.h)) {
    const t = PAID + e.h * H;
    if (t > at) break;
    switch (e.kind) {
      case 'stock_awaited':
        f.stock = { skus: ['SKU-1'], expectedAt: e.expectedH === null ? null : PAID + e.expectedH * H };
        break;
      case 'stock_reserved':
        delete f.stock;
        break;
      case 'handed_over':
        f.handedOverAt = t;
        break;
      case 'uploaded':
        f.trackingUploadedAt = t;
        break;
      case 'first_scan':
        f.carrierScanAt = t;
        break;
      case 'warehouse_receipt':
        f.warehouseReceivedAt = t;
        break;
      case 'platform_closed':
        f.platformClosedAt = t;
        break;
      case 'cancelled':
        f.cancelledAt = t;
        f.cancelledBy = e.by;
        break;
      case 'extension':
        extensions.push({ hours: e.hours, agreedBy: 'buyer', agreedAt: t });
        break;
    }
  }
  f.extensions = extensions;
  return f;
}

const SETTLED_KIND: Partial<Record<VerdictStatus, SituationKind>> = {
  shipped_on_time: 'shipped_in_time',
  shipped_late: 'shipped_late',
  closed: 'closed',
  cancelled: 'cancelled',
  awaiting_count: 'awaiting_count',
};

/** What each reader says of one order at `at`, checked against its situation. */
function expectReadersAgree(f: OrderFacts, policy: Policy, at: number, s: Situation): void {
  const v = s.verdict;
  const deadline = v.shipBy.shipByAt;
  // The verdict (explain, GET /orders/:id/verdict) is the situation's, and its status says the same kind.
  expect(verdict(f, policy, at)).toEqual(v);
  const settled = SETTLED_KIND[v.status];
  if (settled) expect(s.kind).toBe(settled);
  else expect(['open', 'at_risk', 'will_miss']).toContain(s.kind);
  if (s.kind === 'open' || s.kind === 'at_risk') expect(at).toBeLessThanOrEqual(deadline);
  if (f.stock && s.inQueues && f.stock.expectedAt === null) expect(s.kind).toBe('will_miss');

  // The at-risk list holds exactly the orders in the queues.
  expect(isQueued({ situation: s.kind })).toBe(s.inQueues);
  if (!s.inQueues) expect(s.actionable).toBe(false);

  // The work queue (plan, pack queue): only queued orders, by the verdict's deadline, and every queued order but one
  // whose stock nothing brings; while stock is awaited, not before it comes.
  const work = queuedWork(s, f);
  if (work) {
    expect(s.inQueues).toBe(true);
    expect(work.dueAt).toBe(deadline);
    if (f.stock) expect(work.releaseAt).toBe(Math.max(at, f.stock.expectedAt!));
    else expect(work.releaseAt).toBeUndefined();
  } else if (s.inQueues) {
    expect(f.stock?.expectedAt).toBeNull();
  }

  // The metrics count the order the way its situation reads.
  const record = metricRecordOf(f, policy, s);
  expect(record.shipByAt).toBe(deadline);
  const count = (metric: 'late_shipment_rate' | 'non_fulfilment_rate') =>
    countMetric(metric, [record], -Infinity, Infinity, at, policy.shippedWhen, []);
  const late = count('late_shipment_rate');
  const inLateCount = ['shipped_in_time', 'shipped_late', 'open', 'at_risk', 'will_miss'].includes(s.kind);
  expect(late.denominator).toBe(inLateCount ? 1 : 0);
  expect(late.numerator).toBe(s.kind === 'shipped_late' || (s.kind === 'will_miss' && at > deadline) ? 1 : 0);
  const nonFulfilment = count('non_fulfilment_rate');
  const unfulfilled = s.kind === 'closed' || (s.kind === 'cancelled' && (f.cancelledBy ?? 'seller') === 'seller');
  expect(nonFulfilment.numerator).toBe(unfulfilled ? 1 : 0);
  expect(nonFulfilment.denominator).toBe(s.kind === 'cancelled' && !unfulfilled ? 0 : 1);

  // The fines paid in the daily series are the verdict's fines.
  const outcome = fineOutcome(record, policy);
  const paysFine = s.kind === 'shipped_late' || s.kind === 'closed' || (s.kind === 'cancelled' && unfulfilled);
  if (paysFine && v.fine.money.amount > 0) expect(outcome).toMatchObject({ kind: 'paid', fine: v.fine.money });
  else expect(outcome).toBeUndefined();
}

describe('every reader agrees with the situation', () => {
  it('for any sequence of facts and any instant: verdict, at-risk, work queue, metrics and fines', () => {
    fc.assert(
      fc.property(order, (o) => {
        const policy = registry.select(o.policyId, PAID);
        const at = PAID + o.atH * H;
        const f = factsAt(o, at);
        expectReadersAgree(f, policy, at, situationOf(f, policy, at));
      }),
      { numRuns: 1000 },
    );
  });

  it('the at-risk totals are the sum of the queued situations’ exposure, per currency', () => {
    fc.assert(
      fc.property(fc.array(order, { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 400 }), (orders, atH) => {
        const at = PAID + atH * H;
        const situations = orders.map((o) => situationOf(factsAt(o, at), registry.select(o.policyId, PAID), at));
        // The list is what isQueued keeps (as describeRisk → atRisk builds it); the screen sums its fine_if_missed.
        const listed = situations.filter((s) => isQueued({ situation: s.kind }));
        const total = sumByCurrency(listed.map((s) => s.exposure));
        let expected = 0;
        for (const s of situations) if (s.inQueues && s.exposure) expected += s.exposure.amount;
        expect(total.reduce((sum, m) => sum + m.amount, 0)).toBe(expected);
        // A settled order puts nothing at stake in a queue.
        for (const s of situations) if (!s.inQueues) expect(listed).not.toContain(s);
      }),
      { numRuns: 300 },
    );
  });
});
