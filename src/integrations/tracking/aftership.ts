/**
 * AfterShip Tracking, its payloads read (no code copied; https://www.aftership.com/docs/tracking/webhook/webhook-specifications
 * and .../webhook-signature, and the model of github.com/AfterShip/tracking-sdk-nodejs at 6319e76, API 2025-01):
 * - webhook: header `aftership-hmac-sha256` = base64 HMAC-SHA256 of the raw body with the webhook secret; body
 *   `{ts, event, event_id, is_tracking_first_tag, msg}` where `event` is `tracking_update` (also `edd_revise`,
 *   `tracking_pending_time`: no checkpoints to take) and `msg` is the tracking;
 * - a tracking: `{tracking_number, slug, tag, subtag, destination_country_region | destination_country_iso3,
 *   checkpoints: [{checkpoint_time, tag, subtag, message, location, city, country_region | country_iso3}]}`.
 * `checkpoint_time` "uses the timezone of the checkpoint" and may come without an offset: it is read in the
 * checkpoint's country's zone when that is known, else as UTC and flagged (core/tracking/checkpoint-time.ts).
 * Checkpoints have no id: their identity is their time and subtag. AfterShip names countries by ISO alpha-3.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { carrierOfProviderCode } from '../../core/data/tracking-carriers';
import { isGuessedTime, readCheckpointTime } from '../../core/tracking/checkpoint-time';
import { eventKeyOf, fromAfterShip } from '../../core/tracking-status';
import {
  MalformedPayloadError,
  emptyParsedDelivery,
  isObject,
  normaliseNumber,
  text,
  type ParsedDelivery,
  type WebhookAdapter,
} from './types';

export const AFTERSHIP_SIGNATURE_HEADER = 'aftership-hmac-sha256';

/** Alpha-3 → alpha-2 for the destinations cross-border sellers ship to; an unknown code means "destination unknown". */
const ALPHA3: Record<string, string> = {
  ARE: 'AE',
  ARG: 'AR',
  AUS: 'AU',
  AUT: 'AT',
  BEL: 'BE',
  BGR: 'BG',
  BLR: 'BY',
  BRA: 'BR',
  CAN: 'CA',
  CHE: 'CH',
  CHL: 'CL',
  CHN: 'CN',
  COL: 'CO',
  CYP: 'CY',
  CZE: 'CZ',
  DEU: 'DE',
  DNK: 'DK',
  EGY: 'EG',
  ESP: 'ES',
  EST: 'EE',
  FIN: 'FI',
  FRA: 'FR',
  GBR: 'GB',
  GRC: 'GR',
  HKG: 'HK',
  HRV: 'HR',
  HUN: 'HU',
  IDN: 'ID',
  IND: 'IN',
  IRL: 'IE',
  ISL: 'IS',
  ISR: 'IL',
  ITA: 'IT',
  JPN: 'JP',
  KAZ: 'KZ',
  KOR: 'KR',
  KWT: 'KW',
  LTU: 'LT',
  LUX: 'LU',
  LVA: 'LV',
  MAR: 'MA',
  MDA: 'MD',
  MEX: 'MX',
  MLT: 'MT',
  MYS: 'MY',
  NGA: 'NG',
  NLD: 'NL',
  NOR: 'NO',
  NZL: 'NZ',
  PAK: 'PK',
  PER: 'PE',
  PHL: 'PH',
  POL: 'PL',
  PRT: 'PT',
  QAT: 'QA',
  ROU: 'RO',
  RUS: 'RU',
  SAU: 'SA',
  SGP: 'SG',
  SRB: 'RS',
  SVK: 'SK',
  SVN: 'SI',
  SWE: 'SE',
  THA: 'TH',
  TUR: 'TR',
  TWN: 'TW',
  UKR: 'UA',
  URY: 'UY',
  USA: 'US',
  UZB: 'UZ',
  VNM: 'VN',
  ZAF: 'ZA',
  ECU: 'EC',
};

function alpha2Of(code: unknown): string | null {
  if (typeof code !== 'string') return null;
  const upper = code.trim().toUpperCase();
  if (/^[A-Z]{2}$/.test(upper)) return upper;
  return ALPHA3[upper] ?? null;
}

export function afterShipSignature(secret: string, rawBody: string): string {
  return createHmac('sha256', secret).update(rawBody, 'utf8').digest('base64');
}

export function verifyAfterShipSignature(secret: string, signature: string | undefined, rawBody: string): boolean {
  if (!signature || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature.trim())) return false;
  const given = Buffer.from(signature.trim(), 'base64');
  const expected = createHmac('sha256', secret).update(rawBody, 'utf8').digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The checkpoints of one AfterShip tracking object, into `into`; an unreadable checkpoint is set aside. */
export function eventsOfTracking(tracking: unknown, into: ParsedDelivery, where = 'msg'): string {
  if (!isObject(tracking)) throw new MalformedPayloadError(`${where} is not a tracking object`);
  const rawNumber = text(tracking.tracking_number);
  if (!rawNumber) throw new MalformedPayloadError(`${where}.tracking_number is missing`);
  const number = normaliseNumber(rawNumber);
  const carrier = carrierOfProviderCode('aftership', text(tracking.slug));
  const destination = alpha2Of(tracking.destination_country_region ?? tracking.destination_country_iso3);
  const checkpoints = tracking.checkpoints ?? [];
  if (!Array.isArray(checkpoints)) throw new MalformedPayloadError(`${where}.checkpoints is not a list`);
  checkpoints.forEach((raw, index) => {
    if (!isObject(raw)) {
      into.setAside.push({ number, index, reason: 'the checkpoint is not an object' });
      return;
    }
    const timeText = text(raw.checkpoint_time);
    const time = timeText ? readCheckpointTime(timeText, alpha2Of(raw.country_region ?? raw.country_iso3)) : undefined;
    if (!time) {
      into.setAside.push({
        number,
        index,
        reason: timeText ? `checkpoint_time "${timeText}" is not a date-time` : 'checkpoint_time is missing',
      });
      return;
    }
    const tag = text(raw.tag);
    const subtag = text(raw.subtag);
    const status = fromAfterShip(tag, subtag);
    if (!status) {
      into.unknownCodes++;
      return;
    }
    const key = eventKeyOf(text(raw.id), time.at, subtag ?? tag);
    if (isGuessedTime(time)) into.flagged.push({ number, key, flag: `no offset: read as ${time.zone}` });
    into.events.push({
      trackingNumber: number,
      carrier,
      event: {
        key,
        occurredAt: time.at,
        status,
        rawStatus: tag,
        rawSubstatus: subtag,
        description: text(raw.message),
        location: text(raw.location) ?? text(raw.city),
        destinationCountry: destination,
      },
    });
  });
  into.numbers.push(number);
  return number;
}

function parseAfterShipWebhook(json: unknown): ParsedDelivery {
  if (!isObject(json) || !isObject(json.msg))
    throw new MalformedPayloadError('expected an AfterShip webhook {event, msg}');
  const result = emptyParsedDelivery();
  if (json.event === undefined || json.event === 'tracking_update') eventsOfTracking(json.msg, result);
  else if (text(json.msg.tracking_number)) result.numbers.push(normaliseNumber(text(json.msg.tracking_number)!));
  return result;
}

export const afterShipWebhook: WebhookAdapter = {
  signatureHeader: AFTERSHIP_SIGNATURE_HEADER,
  verify: verifyAfterShipSignature,
  // AfterShip names each webhook event (UUID); a retry of it carries the same id.
  identity: (signature, json) =>
    isObject(json) && text(json.event_id) ? `event:${text(json.event_id)}` : `hmac:${signature.trim()}`,
  parse: (json) => parseAfterShipWebhook(json),
};
