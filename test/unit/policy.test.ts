import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyOverrides,
  BUILT_IN_POLICY_DOCUMENTS,
  builtInPoliciesModule,
  builtInRegistry,
  parsePolicy,
  PLATFORM_MODES,
  PolicyLookupError,
  PolicyRegistry,
  PolicyValidationError,
  policyRegistryFromDocuments,
  ShopPolicyResolver,
  type Policy,
  type PolicyOverrides,
} from '../../src/core/policy';

const registry = builtInRegistry();
const NOW = Date.parse('2026-11-27T12:00:00Z');
const policy = (id: string, paidAt = NOW): Policy => registry.select(id, paidAt);

function refusal(run: () => unknown): PolicyValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyValidationError);
    return error as PolicyValidationError;
  }
  throw new Error('expected a PolicyValidationError');
}

function pathsOf(run: () => unknown): string[] {
  return refusal(run).issues.map((issue) => issue.path);
}

describe('built-in policies', () => {
  it('cover every platform mode, each with a validated, frozen current version', () => {
    const modes = new Set(registry.ids().map((id) => policy(id).mode));
    expect([...modes].sort()).toEqual([...PLATFORM_MODES].sort());
    for (const id of registry.ids()) expect(Object.isFrozen(policy(id).fine)).toBe(true);
  });

  it('cite their sources: a URL with a digest quality tag, or an explicit ASSUMPTION', () => {
    for (const document of BUILT_IN_POLICY_DOCUMENTS) {
      const parsed = parsePolicy(document);
      expect(parsed.sources.length).toBeGreaterThan(0);
      for (const source of parsed.sources) {
        expect(['OFF', 'REAL', 'SEC', 'WEAK', 'VERIFIED', 'ASSUMPTION']).toContain(source.quality);
        if (source.quality !== 'ASSUMPTION') expect(source.url).toMatch(/^https?:\/\//);
      }
      expect(parsed.sources.some((source) => source.url !== undefined)).toBe(true);
    }
  });

  // The digest's rules (sections 1.2–1.9, 2, 6), one row per mode.
  it.each([
    // id, zone, clock start, handling, deadline at, grace h, closing h, fine basis, [afterHours], counted event
    [
      'aliexpress_pop',
      'America/Los_Angeles',
      'risk_passed_else_payment',
      'elapsed_hours:168',
      'instant',
      0,
      0,
      'order_total_tiers',
      [0],
      'tracking_uploaded',
    ],
    [
      'aliexpress_semi_jit',
      'Asia/Shanghai',
      'risk_passed_else_payment',
      'elapsed_hours:48',
      'end_of_local_day',
      0,
      96,
      'product_price',
      [0, 48],
      'handed_over',
    ],
    [
      'aliexpress_semi_self_send',
      'Asia/Shanghai',
      'risk_passed_else_payment',
      'elapsed_hours:48',
      'end_of_local_day',
      48,
      96,
      'product_price',
      [48, 96],
      'warehouse_received',
    ],
    [
      'aliexpress_full_jit',
      'Asia/Shanghai',
      'risk_passed_else_payment',
      'elapsed_hours:48',
      'end_of_local_day',
      0,
      96,
      'product_price',
      [0, 48],
      'handed_over',
    ],
    [
      'aliexpress_overseas',
      'America/Los_Angeles',
      'risk_passed_else_payment',
      'elapsed_hours:120',
      'instant',
      0,
      0,
      'order_total_tiers',
      [0],
      'tracking_uploaded',
    ],
    [
      'amazon_seller_fulfilled',
      'America/Los_Angeles',
      'payment',
      'business_days:2',
      'instant',
      0,
      null,
      'fixed',
      [],
      'tracking_uploaded',
    ],
    ['shopee', 'Asia/Shanghai', 'payment', 'business_days:2', 'instant', 0, null, 'fixed', [], 'carrier_scan'],
    [
      'tiktok_shop',
      'America/Los_Angeles',
      'payment',
      'business_days:2',
      'instant',
      0,
      null,
      'fixed',
      [],
      'carrier_scan',
    ],
    ['temu', 'America/Los_Angeles', 'payment', 'business_days:1', 'instant', 0, null, 'fixed', [], 'tracking_uploaded'],
  ] as const)(
    '%s: zone %s, clock %s, handling %s, deadline %s, grace %s h, closes %s h after',
    (id, zone, clock, handling, deadlineAt, grace, closing, basis, steps, counted) => {
      const p = policy(id);
      expect(p.zone).toBe(zone);
      expect(p.clockStart).toBe(clock);
      expect(
        p.handling.kind === 'elapsed_hours'
          ? `elapsed_hours:${p.handling.defaultHours}`
          : `business_days:${p.handling.defaultDays}`,
      ).toBe(handling);
      expect(p.deadlineAt).toBe(deadlineAt);
      expect(p.graceHours).toBe(grace);
      expect(p.closing.hoursAfterDeadline).toBe(closing);
      expect(p.fine.basis).toBe(basis);
      expect(p.fine.steps.map((step) => step.afterHours)).toEqual(steps);
      expect(p.shippedWhen).toBe(counted);
      expect(p.platformDeadline.wins).toBe(true);
      expect(p.warningHoursBefore).toEqual([48, 24, 6, 2]);
    },
  );

  it('AliExpress POP fines USD 1 below a USD 20 order total, else USD 2', () => {
    const fine = policy('aliexpress_pop').fine;
    expect(fine).toMatchObject({
      basis: 'order_total_tiers',
      currency: 'USD',
      steps: [{ afterHours: 0, tiers: [{ orderTotalBelow: 2000, amount: 100 }], otherwise: 200 }],
    });
  });

  it('semi-managed fines are 50 % then 100 % of the product price', () => {
    expect(policy('aliexpress_semi_jit').fine.steps).toEqual([
      { afterHours: 0, percent: 50 },
      { afterHours: 48, percent: 100 },
    ]);
    expect(policy('aliexpress_semi_self_send').fine.steps).toEqual([
      { afterHours: 48, percent: 50 },
      { afterHours: 96, percent: 100 },
    ]);
  });

  it('metric thresholds follow the digest', () => {
    const limit = (id: string, metric: string) => policy(id).metricThresholds.find((t) => t.metric === metric);
    expect(limit('amazon_seller_fulfilled', 'late_shipment_rate')).toMatchObject({ direction: 'at_most', limit: 0.04 });
    expect(limit('amazon_seller_fulfilled', 'valid_tracking_rate')).toMatchObject({
      direction: 'at_least',
      limit: 0.95,
    });
    expect(limit('shopee', 'late_shipment_rate')).toMatchObject({ limit: 0.2 });
    expect(limit('shopee', 'non_fulfilment_rate')).toMatchObject({ limit: 0.1 });
    expect(limit('tiktok_shop', 'late_shipment_rate')).toMatchObject({ warn: 0.04, limit: 0.1 });
    expect(limit('aliexpress_pop', 'online_rate_7d')).toMatchObject({ direction: 'at_least', warn: 0.95, limit: 0.9 });
  });
});

describe('registry: the policy in force when the order was paid', () => {
  it('picks the version by payment time, so a later version does not rewrite the past', () => {
    const before = Date.parse('2026-02-28T12:00:00-08:00');
    const after = Date.parse('2026-03-01T00:00:00-08:00');
    expect(registry.select('tiktok_shop', before).version).toBe(1);
    expect(registry.select('tiktok_shop', before).metricThresholds[0]!.limit).toBe(0.04);
    expect(registry.select('tiktok_shop', after).version).toBe(2);
    expect(registry.select('tiktok_shop', after).metricThresholds[0]!.limit).toBe(0.1);
  });

  it('adding a new version leaves orders paid before it on the old one', () => {
    const v1 = policy('aliexpress_pop');
    const v2 = {
      ...structuredClone(v1),
      version: 2,
      effectiveFrom: '2027-01-01T00:00:00-08:00',
      handOverLeadHours: 12,
    };
    const withV2 = new PolicyRegistry([v1, parsePolicy(v2)]);
    expect(withV2.select('aliexpress_pop', Date.parse('2026-12-31T23:59:59-08:00')).handOverLeadHours).toBe(0);
    expect(withV2.select('aliexpress_pop', Date.parse('2027-01-01T00:00:00-08:00')).handOverLeadHours).toBe(12);
  });

  it('refuses an order paid before any version, an unknown id, and versions out of order', () => {
    expect(() => registry.select('aliexpress_pop', Date.parse('2019-01-01T00:00:00Z'))).toThrow(PolicyLookupError);
    expect(() => registry.select('ebay', NOW)).toThrow(PolicyLookupError);
    const v1 = policy('aliexpress_pop');
    const earlier = parsePolicy({ ...structuredClone(v1), version: 2, effectiveFrom: '2019-01-01T00:00:00Z' });
    expect(pathsOf(() => new PolicyRegistry([v1, earlier]))).toEqual(['effectiveFrom']);
    expect(pathsOf(() => new PolicyRegistry([v1, v1]))).toEqual(['version']);
  });
});

describe('built-in policies: validated by the build', () => {
  it('the generated module is current: the documents validated now give the same text, hence the same policies', () => {
    const generated = readFileSync(new URL('../../src/core/policy/built-in-policies.generated.ts', import.meta.url));
    expect(generated.toString('utf8'), 'run `npm run build:server` to regenerate it').toBe(builtInPoliciesModule());
    const validated = policyRegistryFromDocuments(BUILT_IN_POLICY_DOCUMENTS);
    expect(registry.ids()).toEqual(validated.ids());
    for (const id of validated.ids()) expect(registry.versions(id)).toEqual(validated.versions(id));
  });

  it('a registry from raw documents refuses a bad one with the same field paths as parsing it', () => {
    const v1 = policy('aliexpress_pop');
    const bad = {
      ...structuredClone(v1),
      id: 'broken',
      fine: { ...structuredClone(v1.fine), steps: [{ afterHours: -1 }] },
    };
    expect(pathsOf(() => policyRegistryFromDocuments([v1, bad]))).toEqual(pathsOf(() => parsePolicy(bad)));
    const outOfOrder = { ...structuredClone(v1), version: 2, effectiveFrom: '2019-01-01T00:00:00Z' };
    expect(pathsOf(() => policyRegistryFromDocuments([v1, outOfOrder]))).toEqual(['effectiveFrom']);
  });
});

describe('overrides and validation', () => {
  const pop = policy('aliexpress_pop');

  it('deep-merges a seller override and re-validates, leaving the rest of the policy alone', () => {
    const stricter = applyOverrides(pop, { internalTarget: { hoursBeforeDeadline: 24 }, warningHoursBefore: [72, 24] });
    expect(stricter.internalTarget).toEqual({ hoursBeforeDeadline: 24, maxHandlingHours: null });
    expect(stricter.warningHoursBefore).toEqual([72, 24]);
    expect(stricter.fine).toEqual(pop.fine);
    expect(stricter.id).toBe(pop.id);
    expect(pop.internalTarget.hoursBeforeDeadline).toBe(0);
  });

  it('can switch a fine schedule to another basis without leftovers', () => {
    const capped = applyOverrides(policy('aliexpress_full_jit'), {
      fine: {
        basis: 'fixed',
        currency: 'CNY',
        perUnit: true,
        steps: [{ afterHours: 0, amount: 3000 }],
        note: 'flat per unit',
      },
    });
    expect(capped.fine).toEqual({
      basis: 'fixed',
      currency: 'CNY',
      perUnit: true,
      steps: [{ afterHours: 0, amount: 3000 }],
      caps: [],
      note: 'flat per unit',
    });
  });

  it.each<[string, PolicyOverrides, string]>([
    ['a negative grace', { graceHours: -1 }, 'graceHours'],
    ['a time zone that does not exist', { zone: 'Mars/Olympus_Mons' }, 'zone'],
    ['a fixed offset instead of a zone', { zone: 'UTC+8' }, 'zone'],
    [
      'a handling time of zero hours',
      { handling: { kind: 'elapsed_hours', defaultHours: 0 } },
      'handling.defaultHours',
    ],
    [
      'a handling time of zero business days',
      { handling: { kind: 'business_days', defaultDays: 0, calendar: {} } },
      'handling.defaultDays',
    ],
    [
      'fine steps going backwards in time',
      {
        fine: {
          basis: 'product_price',
          steps: [
            { afterHours: 48, percent: 50 },
            { afterHours: 24, percent: 100 },
          ],
          note: 'x',
        },
      },
      'fine.steps.1.afterHours',
    ],
    [
      'a fine that decreases',
      {
        fine: {
          basis: 'product_price',
          steps: [
            { afterHours: 0, percent: 100 },
            { afterHours: 48, percent: 50 },
          ],
          note: 'x',
        },
      },
      'fine.steps.1.percent',
    ],
    [
      'tiers that change between steps',
      {
        fine: {
          basis: 'order_total_tiers',
          currency: 'USD',
          steps: [
            { afterHours: 0, tiers: [{ orderTotalBelow: 2000, amount: 100 }], otherwise: 200 },
            { afterHours: 5, tiers: [{ orderTotalBelow: 3000, amount: 100 }], otherwise: 200 },
          ],
          note: 'x',
        },
      },
      'fine.steps.1.tiers',
    ],
    ['a fine step inside the grace period', { graceHours: 12 }, 'fine.steps.0.afterHours'],
    ['an unknown currency', { fine: { basis: 'fixed', currency: 'XYZ', steps: [], note: 'x' } }, 'fine.currency'],
    ['a misspelt field', { graceHour: 3 } as PolicyOverrides, 'graceHour'],
    ['warnings out of order', { warningHoursBefore: [2, 6] }, 'warningHoursBefore.1'],
    [
      'a warning level past the limit',
      { metricThresholds: [{ metric: 'online_rate_7d', direction: 'at_least', warn: 0.8, limit: 0.9, note: 'x' }] },
      'metricThresholds.0.warn',
    ],
    [
      'points that decrease',
      {
        points: {
          steps: [
            { afterHours: 0, points: 3 },
            { afterHours: 24, points: 1 },
          ],
          note: 'x',
        },
      },
      'points.steps.1.points',
    ],
    [
      'an unknown holiday country',
      { handling: { kind: 'business_days', defaultDays: 2, calendar: { holidays: { country: 'QQ' } } } },
      'handling.calendar.holidays.country',
    ],
    [
      'a pause window that ends before it starts',
      { clockPauses: [{ name: { en: 'x', 'zh-CN': 'x' }, from: '2026-02-10', to: '2026-02-01' }] },
      'clockPauses.0.to',
    ],
    ['a source without a URL that is not an assumption', { sources: [{ quality: 'SEC', note: 'x' }] }, 'sources.0.url'],
  ])('refuses %s, naming the field', (_what, overrides, path) => {
    const error = refusal(() => applyOverrides(pop, overrides));
    expect(error.issues.map((issue) => issue.path)).toContain(path);
    expect(error.localized.en).toContain(path);
    expect(error.localized['zh-CN']).toContain(path);
  });

  it('refuses a document missing required parts', () => {
    const { fine: _fine, ...withoutFine } = structuredClone(pop) as Record<string, unknown>;
    expect(pathsOf(() => parsePolicy(withoutFine))).toContain('fine');
  });
});

describe('a shop picks its policies', () => {
  it('one per order type, with its overrides applied to every version', () => {
    const resolver = new ShopPolicyResolver(
      registry,
      {
        defaultPolicyId: 'aliexpress_pop',
        byOrderType: { jit: 'aliexpress_semi_jit' },
        overrides: { aliexpress_pop: { internalTarget: { hoursBeforeDeadline: 12 } } },
      },
      applyOverrides,
    );
    expect(resolver.forOrder(NOW).id).toBe('aliexpress_pop');
    expect(resolver.forOrder(NOW).internalTarget.hoursBeforeDeadline).toBe(12);
    expect(resolver.forOrder(NOW, 'jit').id).toBe('aliexpress_semi_jit');
    expect(resolver.forOrder(NOW, 'unknown-type').id).toBe('aliexpress_pop');
    expect(resolver.forOrder(NOW)).toBe(resolver.forOrder(NOW + 1)); // cached, so compiled zone work is reused
  });

  it('refuses a bad override when the shop is configured, not when an order arrives', () => {
    const error = refusal(
      () =>
        new ShopPolicyResolver(
          registry,
          { defaultPolicyId: 'aliexpress_pop', overrides: { aliexpress_pop: { graceHours: -5 } } },
          applyOverrides,
        ),
    );
    expect(error.issues[0]!.path).toBe('graceHours');
    expect(() => new ShopPolicyResolver(registry, { defaultPolicyId: 'nope' })).toThrow(PolicyLookupError);
  });
});
