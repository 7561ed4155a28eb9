/**
 * UPU S10 item identifiers: 2-letter service indicator + 8-digit serial + 1 check digit + 2-letter country code of
 * the issuing post, e.g. `RB123456785GB` (13 characters).
 *
 * - `s10CheckDigit(serial8)`: weights 8 6 4 2 3 5 9 7 on the serial digits, S = Σ dᵢwᵢ, C = 11 − (S mod 11),
 *   then C = 10 → 0 and C = 11 → 5.
 * - `parseS10(number)`: splits a normalised number into its parts (or undefined if it is not S10-shaped);
 *   does not judge validity.
 * - `classifyS10Indicator(indicator)`: what the service indicator means (EMS, registered, domestic-only,
 *   reserved, ...), per the UPU S10 allocation in marketplace-rules.md §4.1.
 * - `makeS10(serial8, indicator, country)`: issues a well-formed number (used by the sample carrier).
 */
import { localized, type Localized } from '../i18n';
import { isIsoCountry, s10PostFor } from './countries';

const S10_SHAPE = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/;
const WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;

export interface S10Parts {
  indicator: string;
  serial: string;
  checkDigit: number;
  country: string;
}

export function parseS10(number: string): S10Parts | undefined {
  const match = S10_SHAPE.exec(number);
  if (!match) return undefined;
  return { indicator: match[1]!, serial: match[2]!, checkDigit: Number(match[3]), country: match[4]! };
}

/** Check digit for an 8-digit serial. Throws on anything but exactly 8 ASCII digits. */
export function s10CheckDigit(serial8: string): number {
  if (!/^\d{8}$/.test(serial8)) throw new RangeError(`An S10 serial is 8 digits, got "${serial8}".`);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (serial8.charCodeAt(i) - 48) * WEIGHTS[i]!;
  const check = 11 - (sum % 11);
  return check === 10 ? 0 : check === 11 ? 5 : check;
}

export type S10IndicatorKind =
  | 'ems'
  | 'letter-express' // L*: tracked letter post, ePacket-type
  | 'm-bag'
  | 'ibrs'
  | 'registered'
  | 'letter-customs' // U*: other letter-post items under customs control
  | 'insured'
  | 'parcel'
  | 'ecommerce-parcel'
  | 'domestic' // domestic / bilateral use only
  | 'reserved' // J*, K*: never valid
  | 'unassigned'; // not in the allocation we know

export interface S10IndicatorInfo {
  kind: S10IndicatorKind;
  label: Localized;
}

const INDICATOR_LABELS: Record<S10IndicatorKind, Localized> = {
  ems: localized('EMS', '国际特快专递 (EMS)'),
  'letter-express': localized('tracked letter post (ePacket type)', '国际 e 邮宝类跟踪小包'),
  'm-bag': localized('M-bag', 'M 袋印刷品专袋'),
  ibrs: localized('international business reply', '国际商业回函'),
  registered: localized('registered letter post', '挂号小包'),
  'letter-customs': localized('letter post under customs control', '海关监管的函件'),
  insured: localized('insured letter', '保价信函'),
  parcel: localized('parcel post', '包裹'),
  'ecommerce-parcel': localized('e-commerce parcel', '电商包裹'),
  domestic: localized('domestic / bilateral use only', '仅限国内或双边使用'),
  reserved: localized('reserved (never issued)', '保留代码（从不使用）'),
  unassigned: localized('not an allocated S10 service indicator', '未分配的 S10 业务代码'),
};

function indicatorKind(indicator: string): S10IndicatorKind {
  const first = indicator[0];
  const second = indicator[1] ?? '';
  switch (first) {
    case 'E':
      return 'ems';
    case 'L':
      return 'letter-express';
    case 'M':
      return 'm-bag';
    case 'Q':
      return second >= 'A' && second <= 'M' ? 'ibrs' : 'unassigned';
    case 'R':
      return 'registered';
    case 'U':
      return 'letter-customs';
    case 'V':
      return 'insured';
    case 'C':
      return 'parcel';
    case 'H':
      return 'ecommerce-parcel';
    case 'B':
    case 'D':
    case 'N':
    case 'P':
    case 'Z':
      return 'domestic';
    case 'A':
      return second >= 'V' && second <= 'Z' ? 'domestic' : 'unassigned';
    case 'G':
      return second === 'A' || second === 'D' ? 'domestic' : 'unassigned';
    case 'J':
    case 'K':
      return 'reserved';
    default:
      return 'unassigned';
  }
}

export function classifyS10Indicator(indicator: string): S10IndicatorInfo {
  const kind = /^[A-Z]{2}$/.test(indicator) ? indicatorKind(indicator) : 'unassigned';
  return { kind, label: INDICATOR_LABELS[kind] };
}

/**
 * Issues an S10 number in the real format: `makeS10('47312482', 'RR', 'CN')` → `RR473124829CN`.
 * A numeric serial is zero-padded to 8 digits. Refuses reserved (J*, K*) and unallocated indicators and country
 * codes that are not ISO 3166-1 countries, so a sample carrier never prints a number a real post would not issue.
 */
export function makeS10(serial8: string | number, indicator: string, country: string): string {
  const serial = typeof serial8 === 'number' ? String(serial8).padStart(8, '0') : serial8;
  if (typeof serial8 === 'number' && (!Number.isSafeInteger(serial8) || serial8 < 0)) {
    throw new RangeError(`An S10 serial is a non-negative integer, got ${serial8}.`);
  }
  const kind = classifyS10Indicator(indicator).kind;
  if (kind === 'reserved' || kind === 'unassigned') {
    throw new RangeError(`"${indicator}" is not an issuable S10 service indicator (${kind}).`);
  }
  if (!isIsoCountry(country) && !s10PostFor(country)) {
    throw new RangeError(`"${country}" is not an ISO 3166-1 country code.`);
  }
  return `${indicator}${serial}${s10CheckDigit(serial)}${country}`;
}
