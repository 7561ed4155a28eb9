import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  explainFine,
  fineAt,
  orderFactsFromEvents,
  pointsAt,
  type OrderFactEvent,
  type OrderFacts,
} from '../../src/core/penalty';
import { verdict, type Verdict } from '../../src/core/verdict';
import { DeadlineInputError } from '../../src/core/deadline';
import { applyOverrides, builtInRegistry, type Policy } from '../../src/core/policy';
import type { Money } from '../../src/core/money';
import { USD_RATES } from '../../src/core/data/exchange-rates';
import { convertMoney } from '../../src/core/exchange';

const registry = builtInRegistry();
const NOW = Date.parse('2026-11-27T12:00:00Z');
const policy = (id: string): Policy => registry.select(id, NOW);
const H = 3_600_000;
const usd = (amount: number): Money => ({ amount, currency: 'USD' });

function expectBilingual(result: Verdict): void {
  for (const sentence of [
    result.headline,
    ...result.sentences,
    ...result.options.map((option) => option.explanation),
  ]) {
    expect(sentence.en.length).toBeGreaterThan(0);
    expect(sentence['zh-CN'].length).toBeGreaterThan(0);
    expect(sentence['zh-CN']).not.toBe(sentence.en);
  }
}

describe("fineAt: the digest's fine schedules", () => {
  it.each([
    // policy, order total, product price, lateness (h), expected fine (minor units)
    ['aliexpress_pop', 1999, undefined, 0, 0],
    ['aliexpress_pop', 1999, undefined, 0.001, 100],
    ['aliexpress_pop', 2000, undefined, 1, 200],
    ['aliexpress_pop', 15000, undefined, 500, 200],
    ['aliexpress_overseas', 1000, undefined, 3, 100],
    ['aliexpress_semi_jit', 1500, 1200, 0, 0],
    ['aliexpress_semi_jit', 1500, 1200, 0.001, 600],
    ['aliexpress_semi_jit', 1500, 1200, 48, 600],
    ['aliexpress_semi_jit', 1500, 1200, 48.001, 1200],
    ['aliexpress_semi_jit', 1500, 1200, 200, 1200],
    ['aliexpress_full_jit', 1500, 1200, 47, 600],
    ['aliexpress_full_jit', 1500, 1200, 49, 1200],
    ['aliexpress_semi_self_send', 1500, 1200, 47, 0],
    ['aliexpress_semi_self_send', 1500, 1200, 48, 0],
    ['aliexpress_semi_self_send', 1500, 1200, 48.001, 600],
    ['aliexpress_semi_self_send', 1500, 1200, 96, 600],
    ['aliexpress_semi_self_send', 1500, 1200, 96.001, 1200],
    ['aliexpress_semi_self_send', 1500, undefined, 97, 1500], // no product price: the order total (an upper bound)
    ['amazon_seller_fulfilled', 5000, undefined, 100, 0],
    ['shopee', 5000, undefined, 100, 0],
    ['tiktok_shop', 5000, undefined, 100, 0],
    ['temu', 5000, undefined, 100, 0],
  ])('%s: total %s, price %s, %s h late → %s', (id, total, price, lateHours, expected) => {
    const quote = fineAt(
      policy(id),
      { orderTotal: usd(total), productPrice: price === undefined ? undefined : usd(price) },
      lateHours * H,
    );
    expect(quote.money).toEqual(usd(expected));
  });

  it('POP: an order total in another currency is converted at the dated rate of the paid time, and the sentence says so', () => {
    const pop = policy('aliexpress_pop'); // USD 1 below USD 20.00, else USD 2
    const eur = (amount: number) => ({ amount, currency: 'EUR' });
    // EUR 17.50 ≈ USD 18.11 at 1.035 (2025-01) is below USD 20; at 1.175 (2025-07) it is USD 20.56, at least USD 20.
    const january = fineAt(pop, { orderTotal: eur(17_50), paidAt: Date.parse('2025-01-10T08:00:00Z') }, H);
    expect(january.money).toEqual(usd(100));
    expect(january.conversion).toMatchObject({ to: usd(18_11), rate: '1.035', rateDate: '2025-01-01' });
    const july = fineAt(pop, { orderTotal: eur(17_50) }, H, Date.parse('2025-07-10T08:00:00Z'));
    expect(july.money).toEqual(usd(200));
    const order = { orderTotal: eur(45_00), paidAt: Date.parse('2026-11-05T08:00:00Z') };
    const text = explainFine(pop, order, fineAt(pop, order, H));
    expect(text.en).toBe(
      'step "more than 0 h late": order total 45.00 EUR ≈ 52.20 USD at 1.16 (rate of 2026-11-01) is at least 20.00 USD = 2.00 USD.',
    );
    expect(text['zh-CN']).toContain('45.00 EUR ≈ 52.20 USD，汇率 1.16（2026-11-01 的汇率）');
    // A JPY order (no minor units) and a cross through USD to the tiers' currency.
    expect(
      fineAt(pop, { orderTotal: { amount: 2_000, currency: 'JPY' }, paidAt: Date.parse('2025-05-02T00:00:00Z') }, H)
        .conversion?.to,
    ).toEqual(usd(13_99));
  });

  it("POP: the platform's USD amount wins over the rate", () => {
    const pop = policy('aliexpress_pop');
    const order = {
      orderTotal: { amount: 45_00, currency: 'EUR' },
      orderTotalUsd: usd(19_99),
      paidAt: Date.parse('2026-11-05T08:00:00Z'),
    };
    const quote = fineAt(pop, order, H);
    expect(quote.money).toEqual(usd(100));
    expect(explainFine(pop, order, quote).en).toContain(
      "45.00 EUR (the platform's amount: 19.99 USD) is below 20.00 USD",
    );
  });

  it('a currency with no rate for the day is an error naming currency, never a guess', () => {
    const pop = policy('aliexpress_pop');
    const attempt = (currency: string, paidAt: number) => () =>
      fineAt(pop, { orderTotal: { amount: 10_00, currency }, paidAt }, H);
    // The newest rate (2026-12) stands in for 92 days after its month, named by its date; after that, an error.
    const stale = fineAt(
      pop,
      { orderTotal: { amount: 10_00, currency: 'EUR' }, paidAt: Date.parse('2027-02-15T00:00:00Z') },
      H,
    );
    expect(stale.conversion?.rateDate).toBe('2026-12-01');
    for (const [currency, at] of [
      ['NZD', Date.parse('2026-03-01T00:00:00Z')],
      ['EUR', Date.parse('2027-04-03T00:00:00Z')],
      ['EUR', Date.parse('2024-12-31T23:59:59Z')],
    ] as const) {
      expect(attempt(currency, at)).toThrow(DeadlineInputError);
      try {
        attempt(currency, at)();
      } catch (error) {
        expect((error as DeadlineInputError).field).toBe('currency');
        expect((error as DeadlineInputError).localized['zh-CN']).toContain(currency);
      }
    }
    // Without a paid time nor `at` the instant is what is missing.
    expect(() => fineAt(pop, { orderTotal: { amount: 10_00, currency: 'EUR' } }, H)).toThrow(/^at:/);
    // On time: no step applies, so nothing needs converting.
    expect(fineAt(pop, { orderTotal: { amount: 10_00, currency: 'NZD' } }, 0).money).toEqual(usd(0));
  });

  it('property: a converted order total never goes down as the amount goes up, and a rate of 1 changes nothing', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(USD_RATES)),
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2026-12-31T23:59:59Z') }),
        (currency, amount, more, at) => {
          const lower = convertMoney({ amount, currency }, 'USD', at).to.amount;
          const higher = convertMoney({ amount: amount + more, currency }, 'USD', at).to.amount;
          expect(Number.isSafeInteger(lower)).toBe(true);
          expect(higher).toBeGreaterThanOrEqual(lower);
          expect(convertMoney({ amount, currency: 'USD' }, 'USD', at).to.amount).toBe(amount);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('caps apply per unit in their currency; fixed per-unit amounts multiply', () => {
    const capped = applyOverrides(policy('aliexpress_full_jit'), {
      fine: {
        perUnit: true,
        caps: [
          { amount: 500, currency: 'USD' },
          { amount: 3000, currency: 'CNY' },
        ],
      },
    });
    expect(fineAt(capped, { orderTotal: usd(6000), units: 3 }, H)).toMatchObject({ money: usd(1500), capped: true });
    expect(fineAt(capped, { orderTotal: usd(2000), units: 3 }, H)).toMatchObject({ money: usd(1000), capped: false });
    expect(fineAt(capped, { orderTotal: { amount: 100_000, currency: 'CNY' }, units: 2 }, 50 * H).money).toEqual({
      amount: 6000,
      currency: 'CNY',
    });
    const perUnit = applyOverrides(policy('amazon_seller_fulfilled'), {
      fine: {
        perUnit: true,
        steps: [
          { afterHours: 0, amount: 250 },
          { afterHours: 24, amount: 400 },
        ],
      },
    });
    expect(fineAt(perUnit, { orderTotal: usd(1), units: 4 }, 25 * H).money).toEqual(usd(1600));
  });

  it('points follow their own step function', () => {
    const withPoints = applyOverrides(policy('aliexpress_pop'), {
      points: {
        steps: [
          { afterHours: 0, points: 2 },
          { afterHours: 72, points: 12 },
        ],
      },
    });
    expect([0, 1, 72, 73].map((hours) => pointsAt(withPoints, hours * H))).toEqual([0, 2, 2, 12]);
  });

  it('refuses impossible amounts', () => {
    expect(() => fineAt(policy('aliexpress_semi_jit'), { orderTotal: usd(100), units: 0 }, H)).toThrow(
      DeadlineInputError,
    );
    expect(() => fineAt(policy('aliexpress_semi_jit'), { orderTotal: usd(-100) }, H)).toThrow(DeadlineInputError);
  });

  it('property: the fine never decreases as lateness grows', () => {
    const policies = [
      ...registry.ids().map(policy),
      applyOverrides(policy('aliexpress_full_jit'), {
        fine: { perUnit: true, caps: [{ amount: 500, currency: 'USD' }] },
      }),
      applyOverrides(policy('aliexpress_pop'), {
        fine: {
          basis: 'order_total_tiers',
          currency: 'USD',
          perUnit: true,
          steps: [
            {
              afterHours: 0,
              tiers: [
                { orderTotalBelow: 1000, amount: 50 },
                { orderTotalBelow: 2000, amount: 100 },
              ],
              otherwise: 200,
            },
            {
              afterHours: 24,
              tiers: [
                { orderTotalBelow: 1000, amount: 60 },
                { orderTotalBelow: 2000, amount: 150 },
              ],
              otherwise: 300,
            },
          ],
          caps: [{ amount: 250, currency: 'USD' }],
        },
      }),
    ];
    const moneyArb = fc.record({
      amount: fc.integer({ min: 0, max: 10_000_000 }),
      currency: fc.constantFrom('USD', 'CNY', 'EUR'),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...policies),
        moneyArb,
        fc.option(moneyArb, { nil: undefined }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: -10 * H, max: 300 * H }),
        fc.integer({ min: 0, max: 300 * H }),
        (p, orderTotal, productPrice, units, lateness, more) => {
          const order = { orderTotal, productPrice, units, paidAt: NOW };
          const sooner = fineAt(p, order, lateness).money;
          const later = fineAt(p, order, lateness + more).money;
          expect(later.currency).toBe(sooner.currency);
          expect(later.amount).toBeGreaterThanOrEqual(sooner.amount);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('verdict: "can I still ship?"', () => {
  const riskPassedAt = Date.parse('2026-06-01T17:00:00Z');
  const popDeadline = riskPassedAt + 168 * H;
  const popOrder: OrderFacts = { paidAt: riskPassedAt - H, riskPassedAt, extensions: [], orderTotal: usd(2500) };

  it('POP before the deadline: time left, latest hand-over, ship now', () => {
    const result = verdict(popOrder, policy('aliexpress_pop'), riskPassedAt + 24 * H);
    expect(result).toMatchObject({
      status: 'on_track',
      timeLeftMs: 144 * H,
      latestHandOverAt: popDeadline,
      closesAt: popDeadline,
      canStillShip: true,
      closedByPlatform: false,
      recommended: 'ship_now',
      latenessMs: 0,
    });
    expect(result.fine.money).toEqual(usd(0));
    expect(result.headline.en).toContain('6 d left');
    expectBilingual(result);
  });

  it('POP after the deadline: closed by the platform, no upload, the non-fulfilment fine', () => {
    const result = verdict(popOrder, policy('aliexpress_pop'), popDeadline + H);
    expect(result).toMatchObject({
      status: 'closed',
      closedByPlatform: true,
      canStillShip: false,
      recommended: 'void_label',
    });
    expect(result.fine.money).toEqual(usd(200));
    expect(result.metricEffects).toEqual(['non_fulfilment_rate']);
    expect(result.headline.en).toContain('Do not upload a tracking number');
    expect(
      result.sentences.some((sentence) => sentence.en.includes('order total 25.00 USD is at least 20.00 USD')),
    ).toBe(true);
    expectBilingual(result);
  });

  it('POP exactly at the deadline is still on time; a platform-reported closure wins', () => {
    expect(verdict(popOrder, policy('aliexpress_pop'), popDeadline).status).toBe('on_track');
    const reported = verdict(
      { ...popOrder, platformClosedAt: popDeadline - H },
      policy('aliexpress_pop'),
      popDeadline - 30 * 60_000,
    );
    expect(reported.status).toBe('closed');
  });

  const jit = policy('aliexpress_semi_jit');
  const jitPaid = Date.parse('2026-06-01T02:00:00Z'); // 10:00 Beijing → due 3 Jun, fines from 24:00 that day
  const jitDeadline = Date.parse('2026-06-04T00:00:00+08:00');
  const jitOrder: OrderFacts = {
    paidAt: jitPaid,
    extensions: [],
    orderTotal: usd(1500),
    productPrice: usd(1200),
    margin: usd(300),
  };

  it('semi-managed JIT, 30 h late: fine now and at the next step, closing point, cheaper course with the arithmetic', () => {
    const result = verdict(jitOrder, jit, jitDeadline + 30 * H);
    expect(result.shipBy.shipByAt).toBe(jitDeadline);
    expect(result).toMatchObject({
      status: 'late',
      canStillShip: true,
      closesAt: jitDeadline + 96 * H,
      recommended: 'ship_now',
      latenessMs: 30 * H,
    });
    expect(result.fine.money).toEqual(usd(600));
    expect(result.stepsAhead).toEqual([
      { startsAt: jitDeadline + 48 * H, handOverBy: jitDeadline + 48 * H, fine: usd(1200), points: 0 },
    ]);
    const [ship, extension, cancel] = result.options;
    expect(ship).toMatchObject({ course: 'ship_now', cost: usd(600) });
    expect(ship!.explanation.en).toContain('50 % × product price 12.00 USD = 6.00 USD');
    expect(extension).toMatchObject({ course: 'ask_extension', available: false });
    expect(cancel).toMatchObject({ course: 'cancel', cost: usd(1500) });
    expect(cancel!.explanation.en).toContain('12.00 USD');
    expect(cancel!.explanation.en).toContain('margin given up 3.00 USD = 15.00 USD');
    expect(result.sentences.at(-1)!.en).toBe('Recommended: ship late now, 6.00 USD ≤ 15.00 USD for cancelling.');
    expectBilingual(result);
  });

  it('semi-managed JIT past 96 h: given up, the top tier', () => {
    const result = verdict(jitOrder, jit, jitDeadline + 97 * H);
    expect(result).toMatchObject({ status: 'closed', canStillShip: false });
    expect(result.fine.money).toEqual(usd(1200));
  });

  it('cancelling wins when it is cheaper', () => {
    const cheapCancel = applyOverrides(jit, { cancellation: { fine: 'first_step' } });
    const result = verdict(jitOrder, cheapCancel, jitDeadline + 60 * H);
    expect(result.options.map((option) => option.cost)).toEqual([usd(1200), null, usd(900)]);
    expect(result.recommended).toBe('cancel');
  });

  it('without the margin, a cheaper cancellation fine alone does not recommend cancelling', () => {
    const cheapCancel = applyOverrides(jit, { cancellation: { fine: 'first_step' } });
    const { margin: _margin, ...withoutMargin } = jitOrder;
    const result = verdict(withoutMargin, cheapCancel, jitDeadline + 60 * H);
    expect(result.recommended).toBe('ship_now');
    expect(result.sentences.at(-1)!.en).toContain('cheaper only if this order earns you less than 6.00 USD');
  });

  it('costs in different currencies are not compared silently', () => {
    const result = verdict({ ...jitOrder, productPrice: { amount: 8000, currency: 'CNY' } }, jit, jitDeadline + 10 * H);
    expect(result.options[2]!.cost).toBeNull();
    expect(result.recommended).toBe('ship_now');
    expect(result.sentences.at(-1)!.en).toContain('different currencies');
  });

  it('semi-managed self-send: late but inside the 48 h grace, counted at warehouse receipt', () => {
    const selfSend = policy('aliexpress_semi_self_send');
    const result = verdict(jitOrder, selfSend, jitDeadline + 6 * H); // counted 24 h after hand-over → 30 h late
    expect(result).toMatchObject({ status: 'late', latenessMs: 30 * H });
    expect(result.fine.money).toEqual(usd(0));
    expect(result.stepsAhead).toEqual([
      { startsAt: jitDeadline + 48 * H, handOverBy: jitDeadline + 24 * H, fine: usd(600), points: 0 },
    ]);
    expect(result.closesAt).toBe(jitDeadline + 96 * H);
  });

  it('self-send: a hand-over whose warehouse receipt would come after the closing point cannot save the order', () => {
    const result = verdict(jitOrder, policy('aliexpress_semi_self_send'), jitDeadline + 80 * H);
    expect(result).toMatchObject({ status: 'late', canStillShip: false, recommended: 'cancel' });
    expect(result.options[0]).toMatchObject({ course: 'ship_now', available: false, cost: null });
    expect(result.options[2]!.cost).toEqual(usd(1500));
    expectBilingual(result);
  });

  it('asks the buyer for an extension when a hand-over now would be counted too late', () => {
    const slowCarrier = applyOverrides(policy('aliexpress_pop'), { handOverLeadHours: 6 });
    const result = verdict(popOrder, slowCarrier, popDeadline - 2 * H);
    expect(result).toMatchObject({
      status: 'hand_over_window_missed',
      latestHandOverAt: popDeadline - 6 * H,
      latenessMs: 4 * H,
      recommended: 'ask_extension',
    });
    expect(result.options[1]!.explanation.en).toContain('at least 4 h');
    expectBilingual(result);
  });

  it("a shop's own stricter target is reported", () => {
    const strict = applyOverrides(policy('aliexpress_pop'), { internalTarget: { hoursBeforeDeadline: 24 } });
    expect(verdict(popOrder, strict, popDeadline - 12 * H)).toMatchObject({
      status: 'past_internal_target',
      internalTargetAt: popDeadline - 24 * H,
    });
    expect(verdict(popOrder, strict, popDeadline - 30 * H).status).toBe('on_track');
  });

  it('shipped, cancelled and awaiting the carrier scan', () => {
    const late = verdict({ ...jitOrder, handedOverAt: jitDeadline + 10 * H }, jit, jitDeadline + 40 * H);
    expect(late).toMatchObject({ status: 'shipped_late', latenessMs: 10 * H, options: [], recommended: 'none' });
    expect(late.fine.money).toEqual(usd(600));
    expect(verdict({ ...jitOrder, handedOverAt: jitDeadline - H }, jit, jitDeadline + 40 * H).status).toBe(
      'shipped_on_time',
    );

    const cancelled = verdict(
      { ...popOrder, cancelledAt: riskPassedAt + H, cancelledBy: 'seller' },
      policy('aliexpress_pop'),
      riskPassedAt + 2 * H,
    );
    expect(cancelled).toMatchObject({ status: 'cancelled', metricEffects: ['non_fulfilment_rate'] });
    expect(cancelled.fine.money).toEqual(usd(200));
    expect(
      verdict(
        { ...popOrder, cancelledAt: riskPassedAt + H, cancelledBy: 'buyer' },
        policy('aliexpress_pop'),
        riskPassedAt + 2 * H,
      ).fine.money,
    ).toEqual(usd(0));

    const tiktok = policy('tiktok_shop');
    const paidAt = Date.parse('2026-06-01T17:00:00Z');
    const awaiting = verdict(
      { paidAt, extensions: [], orderTotal: usd(3000), handedOverAt: paidAt + 20 * H },
      tiktok,
      paidAt + 21 * H,
    );
    expect(awaiting).toMatchObject({ status: 'awaiting_count', canStillShip: false });
  });

  it('Amazon: no closing point, late stays shippable, counts against the late-shipment rate', () => {
    const paidAt = Date.parse('2026-06-01T17:00:00Z');
    const result = verdict(
      { paidAt, extensions: [], orderTotal: usd(3000) },
      policy('amazon_seller_fulfilled'),
      paidAt + 10 * 24 * H,
    );
    expect(result).toMatchObject({
      status: 'late',
      closesAt: null,
      canStillShip: true,
      metricEffects: ['late_shipment_rate'],
      recommended: 'ship_now',
    });
    expect(result.sentences.some((sentence) => sentence.en.includes('late-shipment rate (limit ≤ 4 %)'))).toBe(true);
  });
});

describe('verdict from events: arrival order does not matter', () => {
  it('folds replays and keeps the latest platform observation', () => {
    const paid: OrderFactEvent = { type: 'paid', at: 1_000, orderTotal: usd(900) };
    const events: OrderFactEvent[] = [
      paid,
      paid,
      { type: 'platform_deadline', observedAt: 5_000, shipByAt: 900_000 },
      { type: 'platform_deadline', observedAt: 2_000, shipByAt: 700_000 },
      { type: 'extension_agreed', extension: { hours: 5, agreedBy: 'buyer', agreedAt: 3_000 } },
      { type: 'extension_agreed', extension: { hours: 5, agreedBy: 'buyer', agreedAt: 3_000 } },
    ];
    const facts = orderFactsFromEvents(events);
    expect(facts).toEqual({
      paidAt: 1_000,
      orderTotal: usd(900),
      platformShipByAt: 900_000,
      extensions: [{ hours: 5, agreedBy: 'buyer', agreedAt: 3_000 }],
    });
    expect(orderFactsFromEvents([...events].reverse())).toEqual(facts);
    expect(() => orderFactsFromEvents([{ type: 'risk_passed', at: 1 }])).toThrow(DeadlineInputError);
  });

  const start = Date.parse('2026-05-01T00:00:00Z');
  const instant = fc.integer({ min: start, max: start + 30 * 24 * H });
  const eventArb: fc.Arbitrary<OrderFactEvent> = fc.oneof(
    fc.record({ type: fc.constant('risk_passed' as const), at: instant }),
    fc.record({ type: fc.constant('platform_deadline' as const), observedAt: instant, shipByAt: instant }),
    fc.record({
      type: fc.constant('handling_time' as const),
      observedAt: instant,
      days: fc.integer({ min: 1, max: 7 }),
    }),
    fc.record({
      type: fc.constant('extension_agreed' as const),
      extension: fc.oneof(
        fc.record({
          hours: fc.integer({ min: 1, max: 96 }),
          agreedBy: fc.constantFrom('buyer', 'platform'),
          agreedAt: instant,
        }),
        fc.record({ newDeadlineAt: instant, agreedBy: fc.constantFrom('buyer', 'platform'), agreedAt: instant }),
      ),
    }),
    fc.record({
      type: fc.constantFrom(
        'tracking_uploaded' as const,
        'handed_over' as const,
        'carrier_scan' as const,
        'warehouse_received' as const,
      ),
      at: instant,
    }),
    fc.record({
      type: fc.constant('cancelled' as const),
      at: instant,
      by: fc.constantFrom('buyer' as const, 'seller' as const, 'platform' as const),
    }),
    fc.record({ type: fc.constant('platform_closed' as const), at: instant }),
  ) as fc.Arbitrary<OrderFactEvent>;
  const paidArb = fc.record({
    type: fc.constant('paid' as const),
    at: fc.integer({ min: start, max: start + 3 * 24 * H }),
    orderTotal: fc.record({ amount: fc.integer({ min: 1, max: 100_000 }), currency: fc.constantFrom('USD', 'EUR') }),
  });

  it('property: the verdict is the same whatever order the events arrive in', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...registry.ids().map((id) => policy(id))),
        fc
          .tuple(fc.array(paidArb, { minLength: 1, maxLength: 2 }), fc.array(eventArb, { maxLength: 10 }))
          .map(([paid, rest]) => [...paid, ...rest] as OrderFactEvent[])
          .chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length }))),
        fc.integer({ min: start, max: start + 40 * 24 * H }),
        (p, [events, shuffled], now) => {
          expect(verdict(orderFactsFromEvents(shuffled), p, now)).toEqual(
            verdict(orderFactsFromEvents(events), p, now),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
