/**
 * The situation of an order (core/situation.ts): one case per situation, and the properties every reader relies on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Money } from '../../src/core/money';
import type { OrderFacts } from '../../src/core/penalty';
import { builtInRegistry, type Policy } from '../../src/core/policy';
import { situationOf, SITUATION_KINDS, type SituationKind } from '../../src/core/situation';

const registry = builtInRegistry();
const H = 3_600_000;
const PAID = Date.parse('2026-11-20T02:00:00Z');
const policy = (id: string): Policy => registry.select(id, PAID);
const usd = (amount: number): Money => ({ amount, currency: 'USD' });

/** An order paid at PAID whose platform deadline is `dueInHours` later. */
function facts(dueInHours: number, more: Partial<OrderFacts> = {}): OrderFacts {
  return {
    paidAt: PAID,
    riskPassedAt: PAID,
    platformShipByAt: PAID + dueInHours * H,
    extensions: [],
    orderTotal: usd(2500),
    productPrice: usd(1800),
    units: 1,
    ...more,
  };
}

describe('situationOf: one case per situation', () => {
  // Times are hours relative to the order's own deadline (a semi-managed deadline is 24:00 of its local due day).
  it.each<
    [
      string,
      string,
      Record<string, number | string | null>,
      number,
      SituationKind,
      { actionable: boolean; exposure: number | null },
    ]
  >([
    ['regular, days left', 'aliexpress_pop', {}, -70, 'open', { actionable: true, exposure: 200 }],
    ['regular, 10 h left', 'aliexpress_pop', {}, -10, 'at_risk', { actionable: true, exposure: 200 }],
    [
      'regular, past the deadline: the platform closed it',
      'aliexpress_pop',
      {},
      50,
      'closed',
      { actionable: false, exposure: null },
    ],
    [
      'regular, uploaded in time',
      'aliexpress_pop',
      { trackingUploadedAt: -1 },
      50,
      'shipped_in_time',
      { actionable: false, exposure: null },
    ],
    [
      'semi-managed JIT, 10 h late: it will miss, at half the product price',
      'aliexpress_semi_jit',
      {},
      10,
      'will_miss',
      { actionable: true, exposure: 900 },
    ],
    [
      'semi-managed JIT, picked up late',
      'aliexpress_semi_jit',
      { handedOverAt: 5 },
      50,
      'shipped_late',
      { actionable: false, exposure: null },
    ],
    [
      'cancelled by the buyer',
      'aliexpress_pop',
      { cancelledAt: -70, cancelledBy: 'buyer' },
      -69,
      'cancelled',
      { actionable: false, exposure: null },
    ],
    [
      'self-send, handed over, the warehouse has not received it',
      'aliexpress_semi_self_send',
      { handedOverAt: -60 },
      -59,
      'awaiting_count',
      { actionable: false, exposure: null },
    ],
    [
      'waiting for stock, none expected',
      'aliexpress_pop',
      { expectedAt: null },
      -70,
      'will_miss',
      { actionable: true, exposure: 200 },
    ],
    [
      'waiting for stock expected in time',
      'aliexpress_pop',
      { expectedAt: -48 },
      -70,
      'at_risk',
      { actionable: true, exposure: 200 },
    ],
    [
      'waiting for stock expected after the platform closes it',
      'aliexpress_pop',
      { expectedAt: 1 },
      -70,
      'will_miss',
      { actionable: true, exposure: 200 },
    ],
  ])('%s', (_name, id, rel, atHours, kind, expected) => {
    const deadline = situationOf(facts(72), policy(id), PAID).verdict.shipBy.shipByAt;
    const t = (h: number) => deadline + h * H;
    const more: Partial<OrderFacts> = {};
    for (const key of ['trackingUploadedAt', 'handedOverAt', 'cancelledAt'] as const)
      if (typeof rel[key] === 'number') more[key] = t(rel[key] as number);
    if (rel.cancelledBy) more.cancelledBy = rel.cancelledBy as 'buyer';
    if ('expectedAt' in rel)
      more.stock = { skus: ['SKU-9'], expectedAt: rel.expectedAt === null ? null : t(rel.expectedAt as number) };
    const s = situationOf(facts(72, more), policy(id), t(atHours));
    expect(s.kind).toBe(kind);
    expect(s.actionable).toBe(expected.actionable);
    expect(s.inQueues).toBe(expected.actionable);
    expect(s.exposure === null ? null : s.exposure.amount).toBe(expected.exposure);
    if (kind === 'at_risk' || kind === 'will_miss') expect(s.reasons.length).toBeGreaterThan(0);
    for (const text of [...s.reasons, ...s.assumptions, ...s.verdict.sentences]) {
      expect(text.en.length).toBeGreaterThan(0);
      expect(text['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('waiting for stock with none expected: never "ship now"; says it will miss and compares with cancelling', () => {
    const s = situationOf(
      facts(72, { stock: { skus: ['SKU-9'], expectedAt: null } }),
      policy('aliexpress_pop'),
      PAID + 2 * H,
    );
    expect(s.verdict.status).toBe('waiting_for_stock');
    expect(s.verdict.headline.en).toMatch(/none is expected: this order will miss/);
    expect(s.verdict.options.map((o) => o.course)).toEqual(['wait_for_stock', 'cancel']);
    expect(s.verdict.recommended).not.toBe('ship_now');
    expect(s.verdict.sentences.some((x) => /Recommended/.test(x.en))).toBe(true);
  });

  it('marks assumptions with the policy: the semi-managed give-up point and the self-send transit', () => {
    const jit = situationOf(facts(72), policy('aliexpress_semi_jit'), PAID + 2 * H);
    expect(jit.assumptions.map((a) => a.en).join(' ')).toMatch(
      /Assumption \(policy aliexpress_semi_jit v1, effective 2023-01-01\): the platform gives up on a late order 96 h after its deadline/,
    );
    const selfSend = situationOf(facts(72), policy('aliexpress_semi_self_send'), PAID + 2 * H);
    expect(selfSend.assumptions.map((a) => a.en).join(' ')).toMatch(/24 h after the hand-over/);
    // The regular mode's closing at the deadline is the platform's documented rule, not an assumption.
    expect(situationOf(facts(72), policy('aliexpress_pop'), PAID + 2 * H).assumptions).toEqual([]);
  });
});

describe('situationOf: properties', () => {
  const ids = [
    'aliexpress_pop',
    'aliexpress_semi_jit',
    'aliexpress_semi_self_send',
    'aliexpress_full_jit',
    'aliexpress_overseas',
  ];
  const order = (s: SituationKind) => ['open', 'at_risk', 'will_miss', 'closed'].indexOf(s);

  it('settled situations are out of every queue and cannot be acted on; open ones are in and can', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        fc.integer({ min: 1, max: 240 }),
        fc.integer({ min: -10 * 24, max: 20 * 24 }),
        fc.option(fc.integer({ min: -100, max: 300 })),
        fc.boolean(),
        (id, due, atHours, shippedHours, cancelled) => {
          const f = facts(due, {
            ...(shippedHours !== null
              ? {
                  trackingUploadedAt: PAID + shippedHours * H,
                  handedOverAt: PAID + shippedHours * H,
                  carrierScanAt: PAID + shippedHours * H,
                  warehouseReceivedAt: PAID + shippedHours * H,
                }
              : {}),
            ...(cancelled ? { cancelledAt: PAID + H, cancelledBy: 'seller' as const } : {}),
          });
          const s = situationOf(f, policy(id), PAID + atHours * H);
          expect(SITUATION_KINDS).toContain(s.kind);
          const settled = ['shipped_in_time', 'shipped_late', 'closed', 'cancelled', 'awaiting_count'].includes(s.kind);
          expect(s.actionable).toBe(!settled);
          expect(s.inQueues).toBe(!settled);
          if (s.kind === 'closed' || s.kind === 'cancelled' || s.kind.startsWith('shipped'))
            expect(s.exposure).toBeNull();
        },
      ),
    );
  });

  it('an order nobody acts on only gets worse with time: open → at risk → will miss → closed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        fc.integer({ min: 1, max: 240 }),
        fc.array(fc.integer({ min: -48, max: 400 }), { minLength: 2, maxLength: 12 }),
        (id, due, offsets) => {
          const p = policy(id);
          const f = facts(due);
          const kinds = [...offsets].sort((a, b) => a - b).map((h) => order(situationOf(f, p, PAID + h * H).kind));
          for (let i = 1; i < kinds.length; i++) expect(kinds[i]!).toBeGreaterThanOrEqual(kinds[i - 1]!);
        },
      ),
    );
  });
});
