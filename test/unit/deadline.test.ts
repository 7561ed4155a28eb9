import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  computeShipBy,
  DeadlineInputError,
  warningsDue,
  type BuyerExtension,
  type ShipByFacts,
} from '../../src/core/deadline';
import { applyOverrides, builtInRegistry, zoneClock, type Policy } from '../../src/core/policy';

const registry = builtInRegistry();
const NOW = Date.parse('2026-11-27T12:00:00Z');
const policy = (id: string): Policy => registry.select(id, NOW);
const t = (iso: string) => Date.parse(iso);
const H = 3_600_000;

function facts(partial: Partial<ShipByFacts> & { paidAt: number }): ShipByFacts {
  return { extensions: [], ...partial };
}

describe('computed deadline per policy (no platform countdown)', () => {
  it.each([
    // policy, paid, risk passed, handling days, expected ship-by (UTC)
    ['aliexpress_pop', '2025-06-02T16:30:00Z', '2025-06-02T17:00:00Z', undefined, '2025-06-09T17:00:00Z'],
    ['aliexpress_pop', '2025-06-02T16:30:00Z', '2025-06-02T17:00:00Z', 3, '2025-06-05T17:00:00Z'],
    ['aliexpress_pop', '2025-06-02T16:30:00Z', undefined, undefined, '2025-06-09T16:30:00Z'],
    // 48 h after the clock start, then to 24:00 of that day in Beijing time.
    ['aliexpress_semi_jit', '2025-06-02T02:00:00Z', '2025-06-02T03:00:00Z', undefined, '2025-06-04T16:00:00Z'],
    ['aliexpress_semi_self_send', '2025-06-02T02:00:00Z', '2025-06-02T03:00:00Z', undefined, '2025-06-04T16:00:00Z'],
    ['aliexpress_full_jit', '2025-06-02T16:00:00Z', '2025-06-02T17:00:00Z', undefined, '2025-06-05T16:00:00Z'],
    ['aliexpress_overseas', '2025-06-02T16:30:00Z', '2025-06-02T17:00:00Z', undefined, '2025-06-07T17:00:00Z'],
    // Business days end at 24:00 local of the last one; the payment day itself is day 0.
    ['amazon_seller_fulfilled', '2025-06-02T17:00:00Z', undefined, undefined, '2025-06-05T07:00:00Z'],
    ['amazon_seller_fulfilled', '2025-06-02T17:00:00Z', undefined, 5, '2025-06-10T07:00:00Z'],
    ['amazon_seller_fulfilled', '2025-06-07T17:00:00Z', undefined, undefined, '2025-06-11T07:00:00Z'],
    ['shopee', '2025-06-03T02:00:00Z', undefined, undefined, '2025-06-05T16:00:00Z'],
    ['tiktok_shop', '2025-06-02T17:00:00Z', undefined, undefined, '2025-06-05T07:00:00Z'],
    ['temu', '2025-06-02T17:00:00Z', undefined, undefined, '2025-06-04T07:00:00Z'],
  ])('%s: paid %s, risk passed %s, handling %s d → %s', (id, paid, risk, handlingDays, expected) => {
    const result = computeShipBy(
      facts({ paidAt: t(paid), riskPassedAt: risk ? t(risk) : undefined, handlingDays }),
      registry.select(id, t(paid)),
    );
    expect(new Date(result.shipByAt).toISOString()).toBe(new Date(t(expected)).toISOString());
    expect(result.source).toBe('computed');
    expect(result.computedAt).toBe(result.shipByAt);
    expect(result.clockStartSource).toBe(risk ? 'risk_passed' : 'payment');
    expect(result.reasons.length).toBeGreaterThan(0);
  });
});

describe('daylight saving: AliExpress adds hours, not calendar days (digest 1.3)', () => {
  const pop = policy('aliexpress_pop');
  const la = zoneClock('America/Los_Angeles');

  it('across the spring-forward switch the deadline is an hour later on the wall clock', () => {
    const riskPassedAt = t('2025-03-07T10:00:00-08:00'); // PST
    const result = computeShipBy(facts({ paidAt: riskPassedAt - H, riskPassedAt }), pop);
    expect(result.shipByAt - riskPassedAt).toBe(168 * H);
    expect(la.formatLocal(result.shipByAt)).toBe('2025-03-14 11:00'); // PDT; 7 calendar days would say 10:00
    expect(result.shipByAt).toBe(t('2025-03-14T11:00:00-07:00'));
  });

  it('across the fall-back switch it is an hour earlier on the wall clock', () => {
    const riskPassedAt = t('2025-10-31T10:00:00-07:00'); // PDT
    const result = computeShipBy(facts({ paidAt: riskPassedAt, riskPassedAt }), pop);
    expect(result.shipByAt - riskPassedAt).toBe(168 * H);
    expect(la.formatLocal(result.shipByAt)).toBe('2025-11-07 09:00');
  });
});

describe('business days across holidays', () => {
  const at = (id: string, paid: string) => computeShipBy(facts({ paidAt: t(paid) }), policy(id));

  it('Shopee (Chinese working days) skips the whole National Day closure', () => {
    const result = at('shopee', '2025-09-30T02:00:00Z'); // Tue 10:00 Beijing
    expect(result.shipByAt).toBe(t('2025-10-11T00:00:00+08:00')); // end of Fri 10 Oct
    const skipped = result.reasons
      .map((reason) => reason.en)
      .find((text) => text.startsWith('Non-working days skipped'));
    for (let day = 1; day <= 8; day++) expect(skipped).toContain(`2025-10-0${day}`);
  });

  it("Shopee counts China's make-up working days (调休) and skips the Spring Festival", () => {
    expect(at('shopee', '2025-09-26T02:00:00Z').shipByAt).toBe(t('2025-09-30T00:00:00+08:00')); // Sun 28 Sep works
    expect(at('shopee', '2026-02-12T02:00:00Z').shipByAt).toBe(t('2026-02-15T00:00:00+08:00')); // Sat 14 Feb works
    expect(at('shopee', '2026-02-14T02:00:00Z').shipByAt).toBe(t('2026-02-26T00:00:00+08:00')); // 15–23 Feb closed
  });

  it("a holiday that only some groups get (Children's Day) does not close the warehouse", () => {
    expect(at('shopee', '2026-05-29T02:00:00Z').shipByAt).toBe(t('2026-06-03T00:00:00+08:00')); // Mon 1, Tue 2 Jun
  });

  it('Amazon (US) skips Thanksgiving and the weekend, but not the day after Thanksgiving', () => {
    const result = at('amazon_seller_fulfilled', '2025-11-26T18:00:00Z'); // Wed 10:00 PST
    expect(result.shipByAt).toBe(t('2025-12-02T00:00:00-08:00')); // Fri 28 Nov (1), Mon 1 Dec (2)
    expect(result.reasons.map((reason) => reason.en).join(' ')).toContain('2025-11-27');
  });

  it('US Independence Day and its observed substitute are skipped', () => {
    expect(at('amazon_seller_fulfilled', '2025-07-03T17:00:00Z').shipByAt).toBe(t('2025-07-09T00:00:00-07:00'));
    expect(at('tiktok_shop', '2026-07-02T17:00:00Z').shipByAt).toBe(t('2026-07-08T00:00:00-07:00')); // Fri 3 Jul observed
  });

  it('business days need a whole number', () => {
    expect(() => computeShipBy(facts({ paidAt: NOW, handlingDays: 1.5 }), policy('amazon_seller_fulfilled'))).toThrow(
      DeadlineInputError,
    );
  });
});

describe('the platform countdown wins', () => {
  const pop = policy('aliexpress_pop');
  const riskPassedAt = t('2025-06-02T17:00:00Z');
  const ours = riskPassedAt + 168 * H;

  it('uses the platform deadline and keeps ours as a cross-check', () => {
    const earlier = computeShipBy(facts({ paidAt: riskPassedAt, riskPassedAt, platformShipByAt: ours - 3 * H }), pop);
    expect(earlier).toMatchObject({
      shipByAt: ours - 3 * H,
      source: 'platform',
      computedAt: ours,
      crossCheck: 'platform_earlier',
    });
    const later = computeShipBy(facts({ paidAt: riskPassedAt, riskPassedAt, platformShipByAt: ours + 5 * H }), pop);
    expect(later).toMatchObject({ shipByAt: ours + 5 * H, source: 'platform', crossCheck: 'platform_later' });
    const close = computeShipBy(
      facts({ paidAt: riskPassedAt, riskPassedAt, platformShipByAt: ours + 5 * 60_000 }),
      pop,
    );
    expect(close.crossCheck).toBe('match');
  });

  it("semi-managed JIT: the platform's pickup day ends at 24:00 Beijing time, never earlier than the platform said", () => {
    const pickupDue = t('2025-06-04T14:00:00+08:00');
    const result = computeShipBy(
      facts({ paidAt: t('2025-06-02T02:00:00Z'), platformShipByAt: pickupDue }),
      policy('aliexpress_semi_jit'),
    );
    expect(result.source).toBe('platform');
    expect(result.shipByAt).toBe(t('2025-06-05T00:00:00+08:00'));
  });

  it('does not add our recorded extensions to the platform deadline (the platform applies them itself)', () => {
    const extension: BuyerExtension = { hours: 72, agreedBy: 'buyer', agreedAt: riskPassedAt + H };
    const result = computeShipBy(
      facts({ paidAt: riskPassedAt, riskPassedAt, platformShipByAt: ours, extensions: [extension] }),
      pop,
    );
    expect(result.shipByAt).toBe(ours);
    expect(result.computedAt).toBe(ours + 72 * H);
  });

  it('property: the ship-by is never earlier than the platform deadline', () => {
    const ids = registry.ids();
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        fc.integer({ min: t('2026-03-02T00:00:00Z'), max: t('2026-11-01T00:00:00Z') }),
        fc.integer({ min: -10 * 24, max: 10 * 24 }),
        (id, paidAt, offsetHours) => {
          const platformShipByAt = paidAt + offsetHours * H;
          const result = computeShipBy(facts({ paidAt, platformShipByAt }), policy(id));
          expect(result.shipByAt).toBeGreaterThanOrEqual(platformShipByAt);
          expect(result.source).toBe('platform');
        },
      ),
    );
  });
});

describe('clock start and pauses', () => {
  it('a risk-review time before payment is not trusted', () => {
    const result = computeShipBy(
      facts({ paidAt: t('2025-06-02T17:00:00Z'), riskPassedAt: t('2025-06-02T16:00:00Z') }),
      policy('aliexpress_pop'),
    );
    expect(result.clockStartSource).toBe('payment');
    expect(result.clockStartAt).toBe(t('2025-06-02T17:00:00Z'));
  });

  it('a platform-announced festival window stops the clock (data, not code)', () => {
    const withPause = applyOverrides(policy('aliexpress_pop'), {
      clockPauses: [
        {
          name: { en: 'Spring Festival 2026', 'zh-CN': '2026年春节' },
          from: '2026-02-15',
          to: '2026-02-23',
          zone: 'Asia/Shanghai',
        },
      ],
    });
    const riskPassedAt = t('2026-02-12T00:00:00Z');
    const result = computeShipBy(facts({ paidAt: riskPassedAt, riskPassedAt }), withPause);
    // 64 h run before the pause (until 15 Feb 00:00 Beijing), the other 104 h after it (from 24 Feb 00:00 Beijing).
    expect(result.shipByAt).toBe(t('2026-02-28T00:00:00Z'));
    expect(result.reasons.some((reason) => reason.en.includes('pause'))).toBe(true);
  });
});

describe('buyer extensions', () => {
  const pop = policy('aliexpress_pop');
  const riskPassedAt = t('2025-06-02T17:00:00Z');
  const base = riskPassedAt + 168 * H;
  const run = (extensions: BuyerExtension[], p: Policy = pop) =>
    computeShipBy(facts({ paidAt: riskPassedAt, riskPassedAt, extensions }), p);

  it('adds agreed hours or moves to the agreed deadline, recording who agreed and when', () => {
    const result = run([{ hours: 72, agreedBy: 'buyer cn1234', agreedAt: riskPassedAt + 24 * H }]);
    expect(result.shipByAt).toBe(base + 72 * H);
    expect(result.baseDeadlineAt).toBe(base);
    expect(result.reasons.at(-1)!.en).toContain('buyer cn1234');
    expect(run([{ newDeadlineAt: base + 10 * H, agreedBy: 'buyer', agreedAt: riskPassedAt }]).shipByAt).toBe(
      base + 10 * H,
    );
  });

  it('ignores an extension that would shorten the deadline, or one agreed after it', () => {
    expect(run([{ newDeadlineAt: base - 10 * H, agreedBy: 'buyer', agreedAt: riskPassedAt }]).shipByAt).toBe(base);
    const late = run([{ hours: 24, agreedBy: 'buyer', agreedAt: base + H }]);
    expect(late.shipByAt).toBe(base);
    expect(late.reasons.at(-1)!.en).toContain('after the deadline');
  });

  it('an extension agreed within an earlier extension counts', () => {
    const result = run([
      { hours: 24, agreedBy: 'buyer', agreedAt: base + 2 * H }, // after the base deadline, but within the first extension
      { hours: 48, agreedBy: 'buyer', agreedAt: base - H },
    ]);
    expect(result.shipByAt).toBe(base + 72 * H);
  });

  it('respects the policy: none where not allowed, and a total limit where set', () => {
    const amazon = policy('amazon_seller_fulfilled');
    const paidAt = t('2025-06-02T17:00:00Z');
    const without = computeShipBy(facts({ paidAt }), amazon).shipByAt;
    expect(
      computeShipBy(facts({ paidAt, extensions: [{ hours: 48, agreedBy: 'buyer', agreedAt: paidAt }] }), amazon)
        .shipByAt,
    ).toBe(without);
    const limited = applyOverrides(pop, { buyerExtensions: { maxTotalHours: 48 } });
    const result = run(
      [
        { hours: 36, agreedBy: 'buyer', agreedAt: riskPassedAt },
        { hours: 36, agreedBy: 'buyer', agreedAt: riskPassedAt + H },
      ],
      limited,
    );
    expect(result.shipByAt).toBe(base + 48 * H);
  });

  const extensionArb = (start: number) =>
    fc.oneof(
      fc.record({
        hours: fc.integer({ min: 1, max: 240 }),
        agreedBy: fc.constantFrom('buyer', 'platform', 'ops'),
        agreedAt: fc.integer({ min: start, max: start + 400 * H }),
      }),
      fc.record({
        newDeadlineAt: fc.integer({ min: start, max: start + 600 * H }),
        agreedBy: fc.constantFrom('buyer', 'platform'),
        agreedAt: fc.integer({ min: start, max: start + 400 * H }),
      }),
    ) as fc.Arbitrary<BuyerExtension>;

  it('property: an extension never shortens the deadline', () => {
    const limited = applyOverrides(pop, { buyerExtensions: { maxTotalHours: 100 } });
    fc.assert(
      fc.property(
        fc.constantFrom(pop, limited),
        fc.array(extensionArb(riskPassedAt), { maxLength: 5 }),
        extensionArb(riskPassedAt),
        (p, extensions, extra) => {
          const before = run(extensions, p).shipByAt;
          expect(run([...extensions, extra], p).shipByAt).toBeGreaterThanOrEqual(before);
          expect(before).toBeGreaterThanOrEqual(base);
        },
      ),
    );
  });

  it('property: the order extensions are listed in does not matter', () => {
    fc.assert(
      fc.property(
        fc
          .array(extensionArb(riskPassedAt), { maxLength: 6 })
          .chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length }))),
        ([list, shuffled]) => {
          expect(run(shuffled)).toEqual(run(list));
        },
      ),
    );
  });
});

describe('property: a later payment never gives an earlier deadline', () => {
  it.each(registry.ids())('%s', (id) => {
    const p = policy(id);
    fc.assert(
      fc.property(
        fc.integer({ min: t('2024-02-01T00:00:00Z'), max: t('2026-11-01T00:00:00Z') }),
        fc.integer({ min: 0, max: 40 * 24 * H }),
        fc.option(fc.integer({ min: 0, max: 24 * H }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
        (paidAt, later, riskDelay, handlingDays) => {
          const shipBy = (paid: number) =>
            computeShipBy(
              facts({
                paidAt: paid,
                riskPassedAt: riskDelay === undefined ? undefined : paid + riskDelay,
                handlingDays,
              }),
              p,
            ).shipByAt;
          expect(shipBy(paidAt + later)).toBeGreaterThanOrEqual(shipBy(paidAt));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('bad input is an error, not a silent default', () => {
  const pop = policy('aliexpress_pop');
  it.each<[string, ShipByFacts, string]>([
    ['a handling time of zero', { paidAt: NOW, handlingDays: 0, extensions: [] }, 'handlingDays'],
    ['a negative handling time', { paidAt: NOW, handlingDays: -2, extensions: [] }, 'handlingDays'],
    ['a payment time that is not a number', { paidAt: Number.NaN, extensions: [] }, 'paidAt'],
    [
      'an extension without who agreed',
      { paidAt: NOW, extensions: [{ hours: 2, agreedBy: ' ', agreedAt: NOW }] },
      'extensions.0.agreedBy',
    ],
    [
      'an extension of zero hours',
      { paidAt: NOW, extensions: [{ hours: 0, agreedBy: 'buyer', agreedAt: NOW }] },
      'extensions.0.hours',
    ],
  ])('%s', (_what, input, field) => {
    try {
      computeShipBy(input, pop);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DeadlineInputError);
      expect((error as DeadlineInputError).field).toBe(field);
      expect((error as DeadlineInputError).localized['zh-CN'].length).toBeGreaterThan(0);
    }
  });
});

describe('warningsDue', () => {
  const shipBy = t('2026-12-01T12:00:00Z');
  const thresholds = [48, 24, 6, 2];
  it.each<[string, number, number[], Array<[number, boolean]>]>([
    ['too early for any', -50, [], []],
    ['the first one', -47, [], [[48, false]]],
    ['already sent', -47, [48], []],
    ['exactly at T-24h', -24, [48], [[24, false]]],
    [
      'missed ones are superseded by the most urgent',
      -5,
      [48],
      [
        [24, true],
        [6, false],
      ],
    ],
    ['all sent', -1, [48, 24, 6, 2], []],
    ['none after the deadline', 1, [], []],
  ])('%s', (_what, hoursFromDeadline, sent, expected) => {
    const due = warningsDue(shipBy, shipBy + hoursFromDeadline * H, thresholds, sent);
    expect(due.map((warning) => [warning.hoursBefore, warning.superseded])).toEqual(expected);
    for (const warning of due) expect(warning.dueAt).toBe(shipBy - warning.hoursBefore * H);
  });

  it('property: recording what it returns, each warning comes exactly once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 60 * 60 }), { minLength: 1, maxLength: 40 }), (stepsMinutes) => {
        const sent: number[] = [];
        let now = shipBy - 60 * H;
        let lastBeforeDeadline = now;
        for (const step of stepsMinutes) {
          now += step * 60_000;
          if (now < shipBy) lastBeforeDeadline = now;
          for (const warning of warningsDue(shipBy, now, thresholds, sent)) sent.push(warning.hoursBefore);
        }
        expect(new Set(sent).size).toBe(sent.length);
        expect(sent).toEqual(thresholds.filter((hours) => lastBeforeDeadline >= shipBy - hours * H));
      }),
    );
  });

  it('refuses a threshold of zero hours', () => {
    expect(() => warningsDue(shipBy, shipBy - H, [0], [])).toThrow(DeadlineInputError);
  });
});
