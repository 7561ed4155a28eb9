import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalHost,
  classifyAddress,
  classifyIPv4,
  dotted,
  isAllowed,
  parseAllowList,
  parseIPv4,
  parseIPv6,
} from '../../src/integrations/outbound-address';

/** Every spelling of one IPv4 address a resolver or socket library accepts. */
function spellingsOf(n: number): string[] {
  const b = [24, 16, 8, 0].map((s) => (n >>> s) & 255);
  const hex = (v: number) => `0x${v.toString(16)}`;
  const oct = (v: number) => `0${v.toString(8)}`;
  const low16 = n & 0xffff;
  const low24 = n & 0xffffff;
  const w1 = ((n >>> 16) & 0xffff).toString(16);
  const w2 = low16.toString(16);
  return [
    b.join('.'),
    String(n),
    hex(n),
    oct(n),
    b.map(hex).join('.'),
    b.map(oct).join('.'),
    `${b[0]}.${b[1]}.${low16}`,
    `${b[0]}.${low24}`,
    `${hex(b[0]!)}.${oct(b[1]!)}.${low16}`,
    `::ffff:${b.join('.')}`,
    `[::ffff:${b.join('.')}]`,
    `::ffff:${w1}:${w2}`,
    `0:0:0:0:0:ffff:${w1}:${w2}`,
    `[::ffff:${w1}:${w2}]`,
    `64:ff9b::${b.join('.')}`,
    `2002:${w1}:${w2}::1`,
  ];
}

const v4 = fc.integer({ min: 0, max: 0xffffffff });
const inRange = (base: string, bits: number) =>
  fc.integer({ min: 0, max: 2 ** (32 - bits) - 1 }).map((off) => (parseIPv4(base)! + off) >>> 0);

describe('outbound address classification', () => {
  it('judges an IPv4 address the same in every spelling (dotted, decimal, hex, octal, short forms, IPv4-mapped/NAT64/6to4 IPv6)', () => {
    fc.assert(
      fc.property(v4, (n) => {
        const expected = classifyIPv4(n);
        for (const spelling of spellingsOf(n))
          expect([spelling, classifyAddress(spelling)]).toEqual([spelling, expected]);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses every address of the loopback, private, link-local (metadata) and shared ranges, in every spelling', () => {
    const blocked: Array<[string, number, string]> = [
      ['127.0.0.0', 8, 'loopback'],
      ['10.0.0.0', 8, 'private'],
      ['172.16.0.0', 12, 'private'],
      ['192.168.0.0', 16, 'private'],
      ['169.254.0.0', 16, 'link-local'],
      ['100.64.0.0', 10, 'shared'],
      ['0.0.0.0', 8, 'unspecified'],
      ['224.0.0.0', 4, 'multicast'],
      ['240.0.0.0', 4, 'reserved'],
    ];
    for (const [base, bits, kind] of blocked) {
      fc.assert(
        fc.property(inRange(base, bits), (n) => spellingsOf(n).every((s) => classifyAddress(s) === kind)),
        { numRuns: 300 },
      );
    }
  });

  it('names the odd spellings of the probe as loopback, private or metadata', () => {
    const cases: Record<string, string> = {
      '127.1': 'loopback',
      '2130706433': 'loopback',
      '0x7f000001': 'loopback',
      '0x7f.1': 'loopback',
      '0177.0.0.1': 'loopback',
      '127.000.000.001': 'loopback',
      '[::1]': 'loopback',
      '::1': 'loopback',
      '0:0:0:0:0:0:0:1': 'loopback',
      '::ffff:127.0.0.1': 'loopback',
      '[::ffff:7f00:1]': 'loopback',
      '::127.0.0.1': 'loopback',
      '169.254.169.254': 'link-local',
      '2852039166': 'link-local',
      'fe80::1%eth0': 'link-local',
      '[fd00:ec2::254]': 'private',
      '10.0.0.1': 'private',
      '192.168.1.1': 'private',
      '172.31.255.255': 'private',
      'fc00::1': 'private',
      'fdff:ffff::1': 'private',
      '0.0.0.0': 'unspecified',
      '::': 'unspecified',
      '0': 'unspecified',
      'ff02::1': 'multicast',
      '8.8.8.8': 'public',
      '1.1.1.1': 'public',
      '172.32.0.1': 'public',
      '2606:4700:4700::1111': 'public',
    };
    for (const [text, kind] of Object.entries(cases)) expect([text, classifyAddress(text)]).toEqual([text, kind]);
  });

  it('reads random IPv6 addresses the same with or without `::` compression, and host names as no address at all', () => {
    const words = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(words, fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 8 }), (w, start, len) => {
        const full = w.map((x) => x.toString(16)).join(':');
        const zeroed = w.map((x, i) => (i >= start && i < start + len ? 0 : x));
        const expanded = zeroed.map((x) => x.toString(16)).join(':');
        const compressed = `${zeroed
          .slice(0, start)
          .map((x) => x.toString(16))
          .join(':')}::${zeroed
          .slice(Math.min(8, start + len))
          .map((x) => x.toString(16))
          .join(':')}`;
        expect(parseIPv6(full)).toBe(w.reduce((a, x) => (a << 16n) | BigInt(x), 0n));
        expect(parseIPv6(compressed)).toBe(parseIPv6(expanded));
        expect(classifyAddress(`[${compressed}]`)).toBe(classifyAddress(expanded));
      }),
      { numRuns: 1000 },
    );
    for (const name of [
      'example.com',
      'localhost',
      '1.2.3.4.example',
      '0x',
      '1.2.3.4.5',
      '256.1.1.1',
      '1::2::3',
      'gggg::1',
    ]) {
      expect([name, name.includes(':') ? parseIPv6(name) : parseIPv4(name)]).toEqual([
        name,
        name === '0x' ? 0 : undefined,
      ]);
    }
  });

  it('matches the allow-list on the canonical address and the port (NAT64 and 6to4 forms are other addresses)', () => {
    const list = parseAllowList('127.0.0.1:4100, localhost,[::1]:8080');
    fc.assert(
      fc.property(
        fc.constantFrom(...spellingsOf(parseIPv4('127.0.0.1')!).slice(0, -2)),
        (spelling) => isAllowed(list, spelling, 4100) && !isAllowed(list, spelling, 4101),
      ),
    );
    expect(isAllowed(list, 'LOCALHOST', 1)).toBe(true);
    expect(isAllowed(list, '::1', 8080)).toBe(true);
    expect(isAllowed(list, '::1', 8081)).toBe(false);
    expect(isAllowed(list, '127.0.0.2', 4100)).toBe(false);
    expect(canonicalHost('0x7f.1')).toBe(dotted(0x7f000001));
  });
});
