import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalParams,
  iopSigningMessage,
  signIop,
  signTop,
  signaturesEqual,
  topSigningMessage,
} from '../../src/integrations/aliexpress/signing';
import { DateTime } from 'luxon';
import {
  formatPlatformIso,
  formatPlatformTime,
  formatTopTimestamp,
  isAmbiguousWallTime,
  parsePlatformTime,
  parsePlatformJson,
  parseTopTimestamp,
  platformQueryTime,
} from '../../src/integrations/aliexpress/protocol';

// Test vectors from marketplace-rules.md §3.4.
const V1_PARAMS = {
  method: 'taobao.item.seller.get',
  app_key: '12345678',
  session: 'test',
  timestamp: '2016-01-01 12:00:00',
  format: 'json',
  v: '2.0',
  sign_method: 'md5',
  fields: 'num_iid,title,nick,price,num',
  num_iid: '11223344',
};

describe('TOP signing (legacy gateway)', () => {
  it('V1: md5 of secret + sorted name/value pairs + secret', () => {
    expect(topSigningMessage(V1_PARAMS)).toBe(
      'app_key12345678fieldsnum_iid,title,nick,price,numformatjsonmethodtaobao.item.seller.getnum_iid11223344' +
        'sessiontestsign_methodmd5timestamp2016-01-01 12:00:00v2.0',
    );
    expect(signTop('helloworld', V1_PARAMS, 'md5')).toBe('66987CB115214E59E6EC978214934FB8');
  });

  it('V3: hmac is HMAC-MD5 (RFC 2202 case 1)', () => {
    expect(signTop(Buffer.alloc(16, 0x0b), { Hi: ' There' }, 'hmac')).toBe('9294727A3638BB1C13F48EF8158BFC9D');
  });

  it('V4: hmac-sha256 is HMAC-SHA256 (RFC 4231 case 1)', () => {
    expect(signTop(Buffer.alloc(20, 0x0b), { Hi: ' There' }, 'hmac-sha256')).toBe(
      'B0344C61D8DB38535CA8AFCEAF0BF12B881DC200C9833DA726E9376C2E32CFF7',
    );
  });

  it('V5 (negative): the obsolete secret-prefix-only MD5 is not what md5 signing produces', () => {
    const params = { fields: 'nick,sex', nick: 'winwindg' };
    const obsolete = createHash('md5')
      .update('carver' + topSigningMessage(params))
      .digest('hex')
      .toUpperCase();
    // The vector is real for the obsolete formula…
    expect(obsolete).toBe('E780A69E04E438846FAF25AD28047415');
    // …and our md5 (secret on both sides) must not reproduce it.
    expect(signTop('carver', params, 'md5')).not.toBe('E780A69E04E438846FAF25AD28047415');
    expect(signTop('carver', params, 'md5')).toBe(
      createHash('md5')
        .update('carver' + 'fieldsnick,sexnickwinwindg' + 'carver')
        .digest('hex')
        .toUpperCase(),
    );
  });

  it('leaves out sign and empty names or values', () => {
    const withNoise = { ...V1_PARAMS, sign: 'ABC', empty: '', '': 'x', missing: undefined };
    expect(signTop('helloworld', withNoise, 'md5')).toBe('66987CB115214E59E6EC978214934FB8');
  });

  it('appends a raw body after the pairs', () => {
    expect(topSigningMessage({ b: '2', a: '1' }, '{"x":1}')).toBe('a1b2{"x":1}');
  });
});

describe('IOP signing (new gateway)', () => {
  const V2_PARAMS = {
    app_key: '123456',
    access_token: 'test',
    timestamp: '1517820392000',
    sign_method: 'sha256',
    order_id: '1234',
  };

  it('V2: HMAC-SHA256 with the API path prefixed for a path-style API', () => {
    expect(iopSigningMessage('/order/get', V2_PARAMS)).toBe(
      '/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000',
    );
    expect(signIop('helloworld', '/order/get', V2_PARAMS)).toBe(
      '4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A',
    );
  });

  it('prepends nothing for a dotted business API: method is one of the sorted parameters', () => {
    const params = { ...V2_PARAMS, method: 'aliexpress.solution.order.fulfill' };
    const message = iopSigningMessage('aliexpress.solution.order.fulfill', params);
    expect(message.startsWith('access_token')).toBe(true);
    expect(message).toContain('methodaliexpress.solution.order.fulfill');
    expect(signIop('helloworld', 'aliexpress.solution.order.fulfill', params)).not.toBe(
      signIop('helloworld', '/aliexpress.solution.order.fulfill', params),
    );
  });

  it('the sign parameter itself is never signed', () => {
    expect(signIop('helloworld', '/order/get', { ...V2_PARAMS, sign: 'X' })).toBe(
      '4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A',
    );
  });
});

describe('canonical form', () => {
  it('sorts by code unit (upper case, then _, then lower case), not by locale', () => {
    const params = { b: '1', B: '2', _a: '3', a_b: '4', aB: '5', a: '6' };
    expect(canonicalParams(params, { skipEmpty: true })).toBe('B2_a3a6aB5a_b4b1');
    const localeOrder = Object.keys(params).sort((x, y) => x.localeCompare(y));
    expect(localeOrder.join(',')).not.toBe('B,_a,a,aB,a_b,b');
  });

  it('does not URL-encode values and hashes UTF-8', () => {
    const params = { q: 'a b&c=d/é中', x: '%20' };
    expect(canonicalParams(params, { skipEmpty: true })).toBe('qa b&c=d/é中x%20');
    expect(signTop('s', params, 'hmac-sha256')).not.toBe(
      signTop('s', { q: encodeURIComponent(params.q), x: '%20' }, 'hmac-sha256'),
    );
  });

  it('signatures are upper-case hex of the right length', () => {
    expect(signTop('k', { a: '1' }, 'md5')).toMatch(/^[0-9A-F]{32}$/);
    expect(signTop('k', { a: '1' }, 'hmac')).toMatch(/^[0-9A-F]{32}$/);
    expect(signTop('k', { a: '1' }, 'hmac-sha256')).toMatch(/^[0-9A-F]{64}$/);
    expect(signIop('k', 'x.y', { a: '1' })).toMatch(/^[0-9A-F]{64}$/);
  });

  it('property: the signature does not depend on the order parameters were given in', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,11}$/);
    fc.assert(
      fc.property(
        fc.dictionary(name, fc.string({ maxLength: 20 }), { maxKeys: 12 }),
        fc.string({ minLength: 1 }),
        (params, secret) => {
          const reversed = Object.fromEntries(Object.entries(params).reverse());
          expect(signTop(secret, reversed, 'md5')).toBe(signTop(secret, params, 'md5'));
          expect(signIop(secret, 'a.b', reversed)).toBe(signIop(secret, 'a.b', params));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: changing any signed value changes the signature', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.string({ minLength: 1, maxLength: 12 }), {
          minKeys: 1,
          maxKeys: 8,
        }),
        (params) => {
          const [first] = Object.keys(params);
          const changed = { ...params, [first!]: params[first!] + 'x' };
          expect(signIop('secret', 'a.b', changed)).not.toBe(signIop('secret', 'a.b', params));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('compares signatures in constant time, case-insensitively', () => {
    expect(signaturesEqual('abcdef', 'ABCDEF')).toBe(true);
    expect(signaturesEqual('ABCDEF', 'ABCDEE')).toBe(false);
    expect(signaturesEqual('ABC', 'ABCD')).toBe(false);
  });
});

describe('protocol time formats', () => {
  it('TOP timestamps are GMT+8 wall-clock time', () => {
    const instant = Date.UTC(2024, 2, 1, 17, 30, 5);
    expect(formatTopTimestamp(instant)).toBe('2024-03-02 01:30:05');
    expect(parseTopTimestamp('2024-03-02 01:30:05')).toBe(instant);
    expect(parseTopTimestamp('2024-02-30 01:30:05')).toBeUndefined();
    expect(parseTopTimestamp('2024-03-02T01:30:05')).toBeUndefined();
  });

  it('list query times are US Pacific, DST-aware', () => {
    // 2024-07-01 12:00 UTC = 05:00 PDT; 2024-01-15 12:00 UTC = 04:00 PST.
    expect(platformQueryTime(Date.UTC(2024, 6, 1, 12), 'start')).toBe('2024-07-01 05:00:00');
    expect(platformQueryTime(Date.UTC(2024, 0, 15, 12), 'start')).toBe('2024-01-15 04:00:00');
    expect(platformQueryTime(Date.UTC(2024, 0, 15, 12, 0, 0, 1), 'end')).toBe('2024-01-15 04:00:01');
  });

  it('widens the window edges over the repeated autumn hour', () => {
    // 2024-11-03: 01:00–02:00 Pacific happens twice. 08:30 UTC = 01:30 PDT, 09:30 UTC = 01:30 PST.
    expect(isAmbiguousWallTime('2024-11-03 01:30:00')).toBe(true);
    expect(isAmbiguousWallTime('2024-11-03 02:30:00')).toBe(false);
    expect(platformQueryTime(Date.UTC(2024, 10, 3, 8, 30), 'start')).toBe('2024-11-03 00:30:00');
    expect(platformQueryTime(Date.UTC(2024, 10, 3, 9, 30), 'end')).toBe('2024-11-03 02:30:00');
  });

  it('property: Pacific wall-clock formatting agrees with luxon and parses back to the same instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), (ms) => {
        const second = Math.floor(ms / 1000) * 1000;
        const zoned = DateTime.fromMillis(second, { zone: 'America/Los_Angeles' });
        const text = formatPlatformTime(second);
        expect(text).toBe(zoned.toFormat('yyyy-MM-dd HH:mm:ss'));
        expect(formatPlatformIso(second)).toBe(zoned.toISO({ suppressMilliseconds: true }));
        const parsed = parsePlatformTime(text)!;
        // Only in the repeated autumn hour can the text mean an hour earlier (the earlier reading is taken).
        expect(parsed === second || (isAmbiguousWallTime(text) && parsed === second - 3600_000)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('parses the DST edges: the spring gap does not exist, the autumn hour reads as its first occurrence', () => {
    expect(parsePlatformTime('2024-03-10 02:30:00')).toBeUndefined();
    expect(parsePlatformTime('2024-03-10 03:00:00')).toBe(Date.UTC(2024, 2, 10, 10));
    expect(parsePlatformTime('2024-11-03 01:30:00')).toBe(Date.UTC(2024, 10, 3, 8, 30)); // 01:30 PDT
    expect(parsePlatformTime('2024-02-30 01:00:00')).toBeUndefined();
    expect(formatPlatformIso(Date.UTC(2024, 10, 3, 9, 30))).toBe('2024-11-03T01:30:00-08:00');
  });

  it('keeps ids beyond 2^53 exact when reading JSON', () => {
    const parsed = parsePlatformJson(
      '{"id":81900000001234567,"n":12,"s":"id 99999999999999999","f":1.5,"neg":-3}',
    ) as Record<string, unknown>;
    expect(parsed).toEqual({ id: '81900000001234567', n: 12, s: 'id 99999999999999999', f: 1.5, neg: -3 });
    expect(parsePlatformJson('[{"a":"x\\"y","b":99999999999999999}]')).toEqual([{ a: 'x"y', b: '99999999999999999' }]);
  });
});
