/**
 * Which network addresses an outgoing request to a URL a user configured (alert webhook, carrier account, tracking
 * provider, marketplace gateway) may reach: pure classification, no I/O. The transport (outbound.ts) asks it twice:
 * for a literal address in the URL, and for every address DNS returns at connect time (so a name that resolves to
 * 127.0.0.1 on the second lookup, DNS rebinding, is refused the same way).
 *
 * Addresses are parsed the way a socket library would read them, so odd spellings cannot slip through: IPv4 in one
 * to four parts, each decimal, octal (leading 0) or hex (0x) — 127.1, 2130706433, 0x7f000001, 0177.0.0.1 — and
 * IPv6 with `::`, an embedded IPv4 tail, brackets and a zone id; IPv4-mapped, IPv4-compatible, NAT64 and 6to4
 * addresses are judged by the IPv4 address inside them.
 */

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared'
  | 'unspecified'
  | 'multicast'
  | 'reserved';

/** An IPv4 address as a uint32, from any spelling `inet_aton` accepts, or undefined when it is not one. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]*$/.test(part)) value = parseInt(part, 8);
    else if (/^[1-9][0-9]*$/.test(part)) value = parseInt(part, 10);
    else return undefined;
    if (!Number.isSafeInteger(value)) return undefined;
    values.push(value);
  }
  const last = values[values.length - 1]!;
  const head = values.slice(0, -1);
  if (head.some((v) => v > 255)) return undefined;
  if (last >= 2 ** (8 * (5 - values.length))) return undefined;
  let address = 0;
  head.forEach((v, i) => (address += v * 2 ** (8 * (3 - i))));
  return address + last;
}

/** An IPv6 address as a 128-bit bigint (brackets and a `%zone` allowed), or undefined when it is not one. */
export function parseIPv6(text: string): bigint | undefined {
  let s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  s = s.replace(/%.*$/, '');
  if (!s.includes(':')) return undefined;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  const after = s.slice(lastColon + 1);
  if (after.includes('.')) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(after)) return undefined;
    const v4 = after.split('.').map(Number);
    if (v4.some((n) => n > 255)) return undefined;
    tail = [v4[0]! * 256 + v4[1]!, v4[2]! * 256 + v4[3]!];
    const head = s.slice(0, lastColon + 1);
    s = head.endsWith('::') ? head : head.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const words = [...left, ...right];
  if (words.some((w) => !/^[0-9a-f]{1,4}$/i.test(w))) return undefined;
  const total = words.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const fill = 8 - total;
  const all = [
    ...left.map((w) => parseInt(w, 16)),
    ...Array<number>(halves.length === 2 ? fill : 0).fill(0),
    ...right.map((w) => parseInt(w, 16)),
    ...tail,
  ];
  return all.reduce((acc, w) => (acc << 16n) | BigInt(w), 0n);
}

const V4_RANGES: Array<[string, number, AddressClass]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // 169.254.169.254: the cloud metadata service
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

export function classifyIPv4(address: number): AddressClass {
  for (const [base, bits, kind] of V4_RANGES) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((address & mask) >>> 0 === parseIPv4(base)) return kind;
  }
  return 'public';
}

const inV6 = (address: bigint, base: bigint, bits: number) =>
  address >> BigInt(128 - bits) === base >> BigInt(128 - bits);
const low32 = (address: bigint) => Number(address & 0xffffffffn);

function classifyIPv6(address: bigint): AddressClass {
  if (address === 0n) return 'unspecified';
  if (address === 1n) return 'loopback';
  if (inV6(address, 0xffffn << 32n, 96)) return classifyIPv4(low32(address)); // ::ffff:a.b.c.d, IPv4-mapped
  if (inV6(address, 0n, 96)) return classifyIPv4(low32(address)); // ::a.b.c.d, IPv4-compatible (deprecated)
  if (inV6(address, 0x64ff9bn << 96n, 96)) return classifyIPv4(low32(address)); // NAT64
  if (inV6(address, 0x2002n << 112n, 16)) return classifyIPv4(Number((address >> 80n) & 0xffffffffn)); // 6to4
  if (inV6(address, 0x0100n << 112n, 64)) return 'reserved'; // discard
  if (inV6(address, 0x2001n << 112n, 23)) return 'reserved'; // IETF protocol assignments, Teredo
  if (inV6(address, 0x20010db8n << 96n, 32)) return 'reserved'; // documentation
  if (inV6(address, 0xfc00n << 112n, 7)) return 'private'; // unique local, fd00:ec2::254 among them
  if (inV6(address, 0xfe80n << 112n, 10)) return 'link-local';
  if (inV6(address, 0xfec0n << 112n, 10)) return 'reserved'; // site-local (deprecated)
  if (inV6(address, 0xff00n << 112n, 8)) return 'multicast';
  return 'public';
}

/** The class of an address in any spelling, or undefined when the text is a host name rather than an address. */
export function classifyAddress(text: string): AddressClass | undefined {
  const v6 = parseIPv6(text);
  if (v6 !== undefined) return classifyIPv6(v6);
  const v4 = parseIPv4(text);
  return v4 === undefined ? undefined : classifyIPv4(v4);
}

/** One canonical spelling of an address (dotted IPv4, or the IPv4 inside a mapped IPv6), for allow-list matching. */
export function canonicalHost(text: string): string {
  const host = text.toLowerCase().replace(/\.$/, '');
  const v6 = parseIPv6(host);
  if (v6 !== undefined) {
    if (inV6(v6, 0xffffn << 32n, 96)) return dotted(low32(v6));
    return v6
      .toString(16)
      .padStart(32, '0')
      .replace(/(.{4})(?!$)/g, '$1:');
  }
  const v4 = parseIPv4(host);
  return v4 === undefined ? host : dotted(v4);
}

export function dotted(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join('.');
}

/** `host` or `host:port` entries (`[v6]:port` for IPv6), comma-separated, as in SHIPBY_OUTBOUND_ALLOW. */
export interface AllowEntry {
  host: string;
  port?: number;
}

export function parseAllowList(text: string | undefined): AllowEntry[] {
  if (!text) return [];
  return text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry) => {
      const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
      if (bracketed)
        return { host: canonicalHost(bracketed[1]!), ...(bracketed[2] ? { port: Number(bracketed[2]) } : {}) };
      const withPort = /^([^:]+):(\d+)$/.exec(entry);
      if (withPort) return { host: canonicalHost(withPort[1]!), port: Number(withPort[2]) };
      return { host: canonicalHost(entry) };
    });
}

export function isAllowed(list: AllowEntry[], host: string, port: number): boolean {
  const canonical = canonicalHost(host);
  return list.some((e) => e.host === canonical && (e.port === undefined || e.port === port));
}
