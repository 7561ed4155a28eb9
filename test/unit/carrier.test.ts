import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseService, compileServices, compileRulesFor, type ShipmentParcel } from '../../src/core/carrier/choose';
import { PickupCalendar } from '../../src/core/carrier/pickup';
import {
  applyBasisPoints,
  compileService,
  isQuoteRefusal,
  quote,
  volumetricWeightG,
  type RateQuote,
} from '../../src/core/carrier/rate-card';
import type { ShippingRule } from '../../src/core/carrier/rules';
import { carrierServiceSchema, parseCarrierService, type CarrierService } from '../../src/core/carrier/types';
import {
  SAMPLE_CARRIER_SERVICES,
  aliexpressStandard,
  chinaPostRegistered,
  expressCourier,
  yunExpressDirect,
} from '../../src/core/data/carriers/index';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** An instant given as Shanghai wall-clock time (UTC+8 all year). */
const shanghai = (y: number, m: number, d: number, h: number, min = 0) => Date.UTC(y, m - 1, d, h - 8, min);

function quoted(service: CarrierService, parcel: Parameters<typeof quote>[1]): RateQuote {
  const result = quote(compileService(service), parcel);
  if (isQuoteRefusal(result)) throw new Error(`refused: ${result.refused}`);
  return result;
}

const parcel = (over: Partial<ShipmentParcel> = {}): ShipmentParcel => ({
  destinationCountry: 'US',
  grossWeightG: 300,
  dimsMm: [200, 150, 50],
  declaredValue: { amount: 2_000, currency: 'CNY' },
  ...over,
});

// Wednesday 2025-06-04 10:00 in Shanghai; ship-by in 3 days, promise in 45 days (every sample p90 fits).
const NOW = shanghai(2025, 6, 4, 10);
const roomy = { now: NOW, shipByAt: NOW + 3 * DAY, promisedDeliveryAt: NOW + 45 * DAY };

describe('sample carrier data', () => {
  it('is valid service data, marked as samples, priced in CNY', () => {
    expect(SAMPLE_CARRIER_SERVICES).toHaveLength(8);
    for (const service of SAMPLE_CARRIER_SERVICES) {
      expect(() => carrierServiceSchema.parse(service), service.code).not.toThrow();
      expect(service.sample).toBe(true);
      expect(service.name.en).toMatch(/sample/i);
      expect(service.currency).toBe('CNY');
    }
  });

  it('rejects bad imports with a reason', () => {
    const broken = {
      ...aliexpressStandard,
      zones: [{ ...aliexpressStandard.zones[0]!, transit: { p50Days: 10, p90Days: 5 } }],
    };
    expect(() => parseCarrierService(broken)).toThrow(/p90Days/);
    const twice = { ...aliexpressStandard, zones: [aliexpressStandard.zones[0]!, aliexpressStandard.zones[0]!] };
    expect(() => parseCarrierService(twice)).toThrow(/only one zone/);
  });
});

describe('rate-card arithmetic (worked by hand)', () => {
  it('volumetric weight: mm³ / divisor in grams', () => {
    // 30 × 20 × 15 cm = 9000 cm³ / 5000 cm³ per kg = 1.8 kg
    expect(volumetricWeightG([300, 200, 150], 5000)).toBe(1800);
    // rounds up: 1 mm³ over
    expect(volumetricWeightG([1, 1, 5001], 5000)).toBe(2);
  });

  it('fuel surcharge rounds half up in integers', () => {
    expect(applyBasisPoints(31_500, 2_250)).toBe(7_088); // 7087.5 → 7088
    expect(applyBasisPoints(3, 1_500)).toBe(0); // 0.45 → 0
    expect(applyBasisPoints(1, 5_000)).toBe(1); // 0.5 → 1
  });

  it('express: first 500 g + 500 g steps on the volumetric weight, plus 22.5 % fuel', () => {
    // actual 1200 g, volumetric 1800 g → 1800 g chargeable; NA: 180.00 first 500 g, 45.00 per further 500 g.
    // 1300 g over the first → 3 steps → 180.00 + 135.00 = 315.00; fuel 22.5 % = 70.875 → 70.88; total 385.88 CNY.
    const q = quoted(expressCourier, { destinationCountry: 'US', grossWeightG: 1_200, dimsMm: [300, 200, 150] });
    expect(q).toMatchObject({
      zone: 'NA',
      actualG: 1_200,
      volumetricG: 1_800,
      chargeableG: 1_800,
      freight: 31_500,
      fuelSurcharge: 7_088,
      handlingFee: 0,
      total: 38_588,
    });
  });

  it('express: exactly the first weight costs the first price; one gram more adds a step', () => {
    expect(
      quoted(expressCourier, { destinationCountry: 'DE', grossWeightG: 500, dimsMm: [100, 100, 100] }).freight,
    ).toBe(20_000);
    expect(
      quoted(expressCourier, { destinationCountry: 'DE', grossWeightG: 501, dimsMm: [100, 100, 100] }).freight,
    ).toBe(25_000);
  });

  it('express above 20 kg: per kg, billed weight rounded up to whole kg', () => {
    // 25.3 kg → 26 kg × 80.00 = 2080.00; fuel 22.5 % = 468.00; total 2548.00 CNY
    const q = quoted(expressCourier, { destinationCountry: 'CA', grossWeightG: 25_300, dimsMm: [400, 300, 300] });
    expect(q).toMatchObject({
      chargeableG: 25_300,
      billedG: 26_000,
      freight: 208_000,
      fuelSurcharge: 46_800,
      total: 254_800,
    });
  });

  it('postal per kg with a registration fee and a 10 g minimum', () => {
    // zone 2 (US): 90.00/kg + 8.00. 5 g is billed as 10 g: 0.90 + 8.00 = 8.90
    expect(
      quoted(chinaPostRegistered, { destinationCountry: 'US', grossWeightG: 5, dimsMm: [100, 80, 5] }),
    ).toMatchObject({
      billedG: 10,
      freight: 90,
      handlingFee: 800,
      total: 890,
    });
    // 123 g: 90.00 × 0.123 = 11.07 + 8.00 = 19.07; no volumetric for postal small packets
    expect(
      quoted(chinaPostRegistered, { destinationCountry: 'US', grossWeightG: 123, dimsMm: [500, 400, 400] }),
    ).toMatchObject({
      volumetricG: 0,
      freight: 1_107,
      total: 1_907,
    });
  });

  it('per-kg rounds the freight up to the next fen', () => {
    // zone 1 (JP): 62.00/kg × 0.011 kg = 0.682 → 0.69
    expect(
      quoted(chinaPostRegistered, { destinationCountry: 'JP', grossWeightG: 11, dimsMm: [100, 80, 5] }).freight,
    ).toBe(69);
  });

  it('weight brackets: upper bound inclusive, the next bracket above it', () => {
    // NA ≤ 2 kg: 76.00/kg + 18.00 → 2000 g = 152.00 + 18.00 = 170.00
    expect(
      quoted(yunExpressDirect, { destinationCountry: 'US', grossWeightG: 2_000, dimsMm: [200, 150, 100] }).total,
    ).toBe(17_000);
    // 2050 g: > 2 kg bracket, 70.00/kg rounded to 100 g → 2.1 kg = 147.00 + 25.00 = 172.00
    expect(
      quoted(yunExpressDirect, { destinationCountry: 'US', grossWeightG: 2_050, dimsMm: [200, 150, 100] }),
    ).toMatchObject({
      billedG: 2_100,
      freight: 14_700,
      handlingFee: 2_500,
      total: 17_200,
    });
  });

  it('volumetric weight decides when the box is light and large', () => {
    // 40 × 30 × 20 cm / 8000 = 3 kg > 0.8 kg actual: 85.00 × 3 + 17.00 = 272.00
    expect(
      quoted(aliexpressStandard, { destinationCountry: 'CA', grossWeightG: 800, dimsMm: [400, 300, 200] }),
    ).toMatchObject({
      chargeableG: 3_000,
      total: 27_200,
    });
  });

  it('refuses a destination outside every zone and a weight above the last bracket', () => {
    const special = compileService(SAMPLE_CARRIER_SERVICES.find((s) => s.code === 'cainiao-special-line')!);
    expect(quote(special, { destinationCountry: 'JP', grossWeightG: 100, dimsMm: [10, 10, 10] })).toEqual({
      refused: 'destination-not-served',
    });
    expect(
      quote(compileService(chinaPostRegistered), {
        destinationCountry: 'US',
        grossWeightG: 2_001,
        dimsMm: [10, 10, 10],
      }),
    ).toEqual({
      refused: 'no-rate-for-weight',
      maxG: 2_000,
    });
  });
});

describe('pick-up calendar', () => {
  it('finds the next cut-off in the carrier zone, skipping days off', () => {
    const calendar = new PickupCalendar({
      timeZone: 'Asia/Shanghai',
      cutoffs: [{ days: [1, 2, 3, 4, 5], time: '18:00' }],
    });
    expect(calendar.next(shanghai(2025, 6, 4, 10))).toBe(shanghai(2025, 6, 4, 18)); // Wednesday, same day
    expect(calendar.next(shanghai(2025, 6, 4, 18))).toBe(shanghai(2025, 6, 4, 18)); // exactly at the cut-off
    expect(calendar.next(shanghai(2025, 6, 6, 18, 1))).toBe(shanghai(2025, 6, 9, 18)); // Friday after → Monday
    expect(calendar.next(shanghai(2026, 1, 1, 9))).toBe(shanghai(2026, 1, 1, 18)); // far ahead: window moves
    expect(calendar.next(shanghai(2024, 1, 1, 19))).toBe(shanghai(2024, 1, 2, 18)); // and back
  });

  it('honours daylight saving time in the cut-off zone', () => {
    const calendar = new PickupCalendar({
      timeZone: 'America/Los_Angeles',
      cutoffs: [{ days: [1, 2, 3, 4, 5], time: '17:00' }],
    });
    // Friday 2025-03-07 17:00 PST = 01:00Z Saturday; next Monday 2025-03-10 17:00 PDT = 00:00Z Tuesday
    expect(calendar.next(Date.UTC(2025, 2, 7, 12))).toBe(Date.UTC(2025, 2, 8, 1));
    expect(calendar.next(Date.UTC(2025, 2, 8, 2))).toBe(Date.UTC(2025, 2, 11, 0));
  });

  it('several cut-offs a day, different on Saturday', () => {
    const calendar = new PickupCalendar({
      timeZone: 'Asia/Shanghai',
      cutoffs: [
        { days: [1, 2, 3, 4, 5], time: '11:00' },
        { days: [1, 2, 3, 4, 5], time: '17:00' },
        { days: [6], time: '12:00' },
      ],
    });
    expect(calendar.next(shanghai(2025, 6, 4, 11, 30))).toBe(shanghai(2025, 6, 4, 17));
    expect(calendar.next(shanghai(2025, 6, 6, 17, 30))).toBe(shanghai(2025, 6, 7, 12));
  });
});

describe('chooseService: rate shopping', () => {
  it('cheapest service that keeps the promise, with every candidate explained', () => {
    // 300 g to the US, buyer chose standard: ePacket 75.00 × 0.3 + 9.00 = 31.50 is the cheapest standard-or-better.
    const choice = chooseService(parcel({ buyerLogisticsClass: 'standard' }), SAMPLE_CARRIER_SERVICES, [], roomy);
    expect(choice.basis).toBe('cheapest-on-time');
    expect(choice.service).toBe('epacket');
    expect(choice.cost).toEqual({ amount: 3_150, currency: 'CNY' });
    expect(choice.pickupAt).toBe(shanghai(2025, 6, 4, 17));
    expect(choice.arrivalP90At).toBe(shanghai(2025, 6, 4, 17) + 16 * DAY);
    expect(choice.promiseKept).toBe(true);
    expect(choice.candidates).toHaveLength(8);
    const byCode = Object.fromEntries(choice.candidates.map((c) => [c.service, c]));
    expect(byCode['cainiao-super-economy']!.reasons.map((r) => r.code)).toEqual(['below-buyer-class']);
    expect(byCode['china-post-registered']!.reasons.map((r) => r.code)).toEqual(['costlier']);
    expect(byCode['china-post-registered']!.reasons[0]!.message.en).toBe(
      'Costs 3.50 CNY more than ePacket (sample rates).',
    );
    for (const c of choice.candidates) {
      expect(c.quote, c.service).toBeDefined();
      if (c.chosen) expect(c.reasons).toEqual([]);
      else {
        expect(c.reasons.length, c.service).toBeGreaterThan(0);
        for (const r of c.reasons) expect(r.message['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
      }
    }
    expect(choice.explanation.en).toContain('Cheapest service that arrives in time: ePacket');
    expect(choice.explanation['zh-CN']).toContain('按时送达的最便宜服务');
  });

  it('serialises to JSON with the explanation and every reason message', () => {
    const choice = chooseService(parcel({ buyerLogisticsClass: 'standard' }), SAMPLE_CARRIER_SERVICES, [], roomy);
    const json = JSON.parse(JSON.stringify(choice));
    expect(json.service).toBe('epacket');
    expect(json.explanation.en).toContain('ePacket');
    const economy = json.candidates.find((c: { service: string }) => c.service === 'cainiao-super-economy');
    expect(economy.reasons).toEqual([
      {
        code: 'below-buyer-class',
        message: {
          en: 'Service class economy; the buyer chose standard.',
          'zh-CN': '该服务为经济类，买家选择的是标准类。',
        },
      },
    ]);
  });

  it('without a buyer class the economy line wins; its value cap drops it for a dearer parcel', () => {
    expect(chooseService(parcel(), SAMPLE_CARRIER_SERVICES, [], roomy).service).toBe('cainiao-super-economy');
    const dear = chooseService(
      parcel({ declaredValue: { amount: 5_000, currency: 'CNY' } }),
      SAMPLE_CARRIER_SERVICES,
      [],
      roomy,
    );
    expect(dear.service).toBe('epacket');
    const economy = dear.candidates.find((c) => c.service === 'cainiao-super-economy')!;
    expect(economy.reasons.map((r) => r.code)).toEqual(['value-too-high']);
  });

  it('a tight promise leaves only the express courier; an impossible one picks the fastest and says so', () => {
    const tight = chooseService(parcel(), SAMPLE_CARRIER_SERVICES, [], { ...roomy, promisedDeliveryAt: NOW + 8 * DAY });
    expect(tight.service).toBe('dhl-express');
    expect(tight.basis).toBe('cheapest-on-time');
    expect(tight.candidates.find((c) => c.service === 'epacket')!.reasons.map((r) => r.code)).toEqual([
      'misses-promise',
    ]);

    const impossible = chooseService(parcel(), SAMPLE_CARRIER_SERVICES, [], {
      ...roomy,
      promisedDeliveryAt: NOW + 2 * DAY,
    });
    expect(impossible.service).toBe('dhl-express');
    expect(impossible.basis).toBe('fastest-late');
    expect(impossible.promiseKept).toBe(false);
    expect(impossible.explanation.en).toContain('No service arrives by the promised date');
    expect(impossible.candidates.find((c) => c.service === 'epacket')!.reasons.map((r) => r.code)).toEqual([
      'misses-promise',
      'slower',
    ]);
  });

  it('a pick-up cut-off after the ship-by deadline drops the service', () => {
    // Friday 19:00 in Shanghai, ship by Saturday 12:00: only the daily 20:00 Cainiao collection is in time.
    const friday = shanghai(2025, 6, 6, 19);
    const choice = chooseService(parcel(), SAMPLE_CARRIER_SERVICES, [], {
      now: friday,
      shipByAt: shanghai(2025, 6, 7, 12),
      promisedDeliveryAt: friday + 30 * DAY,
    });
    expect(choice.service).toBe('aliexpress-standard');
    expect(choice.pickupAt).toBe(shanghai(2025, 6, 6, 20));
    const dhl = choice.candidates.find((c) => c.service === 'dhl-express')!;
    expect(dhl.pickupAt).toBe(shanghai(2025, 6, 9, 18)); // Monday
    expect(dhl.reasons.map((r) => r.code)).toEqual(['misses-ship-by']);
    // Two more hours of packing miss the 20:00 collection too: nothing can ship in time.
    const late = chooseService(parcel(), SAMPLE_CARRIER_SERVICES, [], {
      now: friday,
      remainingWorkMs: 2 * HOUR,
      shipByAt: shanghai(2025, 6, 7, 12),
      promisedDeliveryAt: friday + 30 * DAY,
    });
    expect(late.basis).toBe('none');
    expect(late.service).toBeUndefined();
    expect(late.explanation.en).toContain('No service can take this parcel');
  });

  it('when the platform counts the upload (regular mode), a pick-up after the deadline is fine; a parcel ready only after it is not', () => {
    const friday = shanghai(2025, 6, 6, 19);
    const context = {
      now: friday,
      shipByAt: shanghai(2025, 6, 7, 12),
      promisedDeliveryAt: friday + 30 * DAY,
      countedAt: 'upload' as const,
    };
    // Two more hours of packing miss the 20:00 collection: with the pick-up counting nothing could ship (above);
    // with the upload counting, a label bought at 21:00 and uploaded then makes the Saturday-noon deadline.
    const late = chooseService(parcel(), SAMPLE_CARRIER_SERVICES, [], { ...context, remainingWorkMs: 2 * HOUR });
    expect(late.service).toBeDefined();
    expect(late.candidates.flatMap((c) => c.reasons.map((r) => r.code))).not.toContain('misses-ship-by');
    const dhl = late.candidates.find((c) => c.service === 'dhl-express')!;
    expect(dhl.pickupAt).toBe(shanghai(2025, 6, 9, 18)); // Monday, after the deadline, and still a candidate
    // Ready only after the deadline: no number can be uploaded in time.
    const tooLate = chooseService(parcel(), SAMPLE_CARRIER_SERVICES, [], { ...context, remainingWorkMs: 20 * HOUR });
    expect(tooLate.service).toBeUndefined();
    expect(tooLate.candidates[0]!.reasons.find((r) => r.code === 'misses-ship-by')!.message.en).toMatch(
      /its number cannot be uploaded in time/,
    );
  });

  it('limits: weight, size, batteries, liquids, destination', () => {
    const heavy = chooseService(
      parcel({ grossWeightG: 2_500, dimsMm: [300, 200, 100] }),
      SAMPLE_CARRIER_SERVICES,
      [],
      roomy,
    );
    expect(heavy.candidates.find((c) => c.service === 'epacket')!.reasons.map((r) => r.code)).toContain('overweight');
    expect(heavy.candidates.find((c) => c.service === 'epacket')!.reasons.map((r) => r.code)).toContain(
      'no-rate-for-weight',
    );
    const long = chooseService(parcel({ dimsMm: [700, 100, 50] }), SAMPLE_CARRIER_SERVICES, [], roomy);
    expect(long.candidates.find((c) => c.service === 'china-post-registered')!.reasons.map((r) => r.code)).toEqual([
      'too-long',
    ]);
    const bulky = chooseService(parcel({ dimsMm: [550, 300, 100] }), SAMPLE_CARRIER_SERVICES, [], roomy);
    expect(bulky.candidates.find((c) => c.service === 'china-post-registered')!.reasons.map((r) => r.code)).toEqual([
      'too-large',
    ]);
    const battery = chooseService(
      parcel({ batteries: 'standalone', liquids: true }),
      SAMPLE_CARRIER_SERVICES,
      [],
      roomy,
    );
    expect(battery.service).toBe('cainiao-special-line');
    expect(battery.candidates.find((c) => c.service === 'dhl-express')!.reasons.map((r) => r.code)).toEqual([
      'batteries',
      'liquids',
    ]);
    const japan = chooseService(
      parcel({ destinationCountry: 'JP', batteries: 'standalone' }),
      SAMPLE_CARRIER_SERVICES,
      [],
      roomy,
    );
    expect(japan.basis).toBe('none');
    expect(japan.candidates.find((c) => c.service === 'cainiao-special-line')!.reasons.map((r) => r.code)).toEqual([
      'destination-not-served',
    ]);
  });

  it('property: the choice is the cheapest on-time candidate and every other candidate has a reason', () => {
    const compiled = compileServices(SAMPLE_CARRIER_SERVICES);
    fc.assert(
      fc.property(
        fc.record({
          country: fc.constantFrom('US', 'DE', 'RU', 'BR', 'JP', 'ZA', 'SA'),
          weight: fc.integer({ min: 1, max: 40_000 }),
          dims: fc.tuple(
            fc.integer({ min: 10, max: 1300 }),
            fc.integer({ min: 10, max: 800 }),
            fc.integer({ min: 5, max: 600 }),
          ),
          value: fc.integer({ min: 0, max: 500_000 }),
          promiseDays: fc.integer({ min: 1, max: 60 }),
          buyer: fc.constantFrom(undefined, 'economy', 'standard', 'premium', 'express'),
          batteries: fc.constantFrom('none', 'contained', 'standalone'),
        }),
        (p) => {
          const choice = chooseService(
            {
              destinationCountry: p.country,
              grossWeightG: p.weight,
              dimsMm: p.dims,
              declaredValue: { amount: p.value, currency: 'CNY' },
              batteries: p.batteries,
              ...(p.buyer ? { buyerLogisticsClass: p.buyer } : {}),
            },
            compiled,
            [],
            { now: NOW, shipByAt: NOW + 3 * DAY, promisedDeliveryAt: NOW + p.promiseDays * DAY },
          );
          const chosen = choice.candidates.filter((c) => c.chosen);
          expect(chosen.length).toBe(choice.service ? 1 : 0);
          for (const c of choice.candidates) if (!c.chosen) expect(c.reasons.length).toBeGreaterThan(0);
          if (choice.basis === 'cheapest-on-time') {
            const onTime = choice.candidates.filter(
              (c) => c.chosen || (c.reasons.length === 1 && c.reasons[0]!.code === 'costlier'),
            );
            for (const c of onTime) expect(choice.cost!.amount).toBeLessThanOrEqual(c.quote!.total);
            expect(choice.arrivalP90At!).toBeLessThanOrEqual(NOW + p.promiseDays * DAY);
          }
          if (choice.basis === 'fastest-late') {
            expect(choice.promiseKept).toBe(false);
            for (const c of choice.candidates)
              if (!c.chosen && c.reasons.some((r) => r.code === 'slower'))
                expect(c.arrivalP90At!).toBeGreaterThanOrEqual(choice.arrivalP90At!);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('chooseService: seller rules', () => {
  const rules: ShippingRule[] = [
    {
      id: 'tiny-us',
      name: 'US under 100 g',
      when: { countries: ['US'], maxWeightG: 100 },
      service: 'yunexpress-direct',
    },
    { id: 'us-post', name: 'US by China Post', when: { countries: ['US'] }, service: 'china-post-registered' },
    { id: 'all-dhl', name: 'Everything by DHL', when: {}, service: 'dhl-express' },
  ];

  it('the first matching rule wins, even over a cheaper service', () => {
    const choice = chooseService(parcel(), SAMPLE_CARRIER_SERVICES, rules, roomy);
    expect(choice.basis).toBe('rule');
    expect(choice.rule).toEqual({ id: 'us-post', name: 'US by China Post' });
    expect(choice.service).toBe('china-post-registered');
    expect(choice.cost!.amount).toBe(3_500); // 90.00 × 0.3 + 8.00
    expect(choice.candidates.find((c) => c.service === 'epacket')!.reasons.map((r) => r.code)).toEqual([
      'rule-chose-other',
    ]);
    expect(choice.explanation.en).toContain('Seller rule "US by China Post"');
    // a light parcel matches the first rule
    expect(chooseService(parcel({ grossWeightG: 80 }), SAMPLE_CARRIER_SERVICES, rules, roomy).rule?.id).toBe('tiny-us');
    // other countries fall through to the catch-all
    expect(chooseService(parcel({ destinationCountry: 'DE' }), SAMPLE_CARRIER_SERVICES, rules, roomy).service).toBe(
      'dhl-express',
    );
  });

  it('order matters: the same rules reversed choose differently', () => {
    const reversed = [...rules].reverse();
    expect(chooseService(parcel(), SAMPLE_CARRIER_SERVICES, reversed, roomy).rule?.id).toBe('all-dhl');
  });

  it('a matching rule whose service cannot take the parcel is skipped, with its reasons', () => {
    const withBattery = parcel({ batteries: 'standalone' });
    const choice = chooseService(withBattery, SAMPLE_CARRIER_SERVICES, rules, roomy);
    // china-post and DHL refuse standalone batteries → no rule applies → rate shopping
    expect(choice.basis).toBe('cheapest-on-time');
    expect(choice.service).toBe('cainiao-special-line');
    expect(choice.skippedRules.map((r) => [r.id, r.reasons.map((x) => x.code)])).toEqual([
      ['us-post', ['batteries']],
      ['all-dhl', ['batteries']],
    ]);
  });

  it('a rule cannot ship below the buyer’s class or miss the ship-by deadline', () => {
    const economyRule: ShippingRule[] = [{ id: 'cheap', when: {}, service: 'cainiao-super-economy' }];
    const standardBuyer = chooseService(
      parcel({ buyerLogisticsClass: 'standard' }),
      SAMPLE_CARRIER_SERVICES,
      economyRule,
      roomy,
    );
    expect(standardBuyer.basis).toBe('cheapest-on-time');
    expect(standardBuyer.skippedRules[0]!.reasons.map((r) => r.code)).toEqual(['below-buyer-class']);

    const dhlRule: ShippingRule[] = [{ id: 'dhl', when: {}, service: 'dhl-express' }];
    const friday = shanghai(2025, 6, 6, 19);
    const weekend = chooseService(parcel(), SAMPLE_CARRIER_SERVICES, dhlRule, {
      now: friday,
      shipByAt: shanghai(2025, 6, 7, 12),
    });
    expect(weekend.service).toBe('aliexpress-standard');
    expect(weekend.skippedRules[0]!.reasons.map((r) => r.code)).toEqual(['misses-ship-by']);
  });

  it('a rule may break the delivery promise (the seller decided) but the choice warns', () => {
    const slowRule: ShippingRule[] = [{ id: 'post', when: {}, service: 'china-post-registered' }];
    const choice = chooseService(parcel(), SAMPLE_CARRIER_SERVICES, slowRule, {
      ...roomy,
      promisedDeliveryAt: NOW + 10 * DAY,
    });
    expect(choice.service).toBe('china-post-registered');
    expect(choice.promiseKept).toBe(false);
    expect(choice.explanation.en).toContain('Warning');
  });

  it('conditions on SKU, shop, value and buyer class', () => {
    const specific: ShippingRule[] = [
      { id: 'sku', when: { skus: ['PHONE-1'] }, service: 'dhl-express' },
      { id: 'shop', when: { shops: ['shop-b'] }, service: 'yunexpress-direct' },
      { id: 'value', when: { minValue: { amount: 10_000, currency: 'CNY' } }, service: '4px-standard' },
      { id: 'premium', when: { buyerLogisticsClasses: ['premium'] }, service: 'dhl-express' },
      { id: 'not-us', when: { excludeCountries: ['US'] }, service: 'aliexpress-standard' },
    ];
    const ruleOf = (over: Partial<ShipmentParcel>) =>
      chooseService(parcel(over), SAMPLE_CARRIER_SERVICES, specific, roomy).rule?.id;
    expect(ruleOf({ skus: ['CASE-9', 'PHONE-1'] })).toBe('sku');
    expect(ruleOf({ skus: ['CASE-9'], shop: 'shop-b' })).toBe('shop');
    expect(ruleOf({ declaredValue: { amount: 10_000, currency: 'CNY' } })).toBe('value');
    expect(ruleOf({ declaredValue: { amount: 10_000, currency: 'USD' } })).toBeUndefined(); // other currency: no match
    expect(ruleOf({ buyerLogisticsClass: 'premium' })).toBe('premium');
    expect(ruleOf({ destinationCountry: 'DE' })).toBe('not-us');
    expect(ruleOf({})).toBeUndefined();
  });

  it('refuses rules naming unknown services and catalogues mixing currencies', () => {
    const compiled = compileServices(SAMPLE_CARRIER_SERVICES);
    expect(() => compileRulesFor([{ id: 'x', when: {}, service: 'pony-express' }], compiled)).toThrow(
      /unknown service/,
    );
    expect(() => compileServices([aliexpressStandard, { ...expressCourier, currency: 'USD' }])).toThrow(
      /would not compare/,
    );
  });
});
