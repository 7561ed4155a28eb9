/**
 * 17TRACK (API v2.4, v2.2 accepted), its payloads read (no code copied):
 * - webhook: `POST` with header `sign` = hex SHA-256 of (raw body + "/" + the account's security key), body
 *   `{event, data}`; `TRACKING_UPDATED` carries `data: {number, carrier, param, tag, track_info}`, `TRACKING_STOPPED`
 *   `data: {number, carrier, param, tag}` (no events);
 * - `gettrackinfo` answers `{code, data: {accepted: [{number, carrier, track_info}], rejected: [{number, error: {code,
 *   message}}]}}`.
 * `track_info.tracking.providers[].events[]` has `time_iso` (with offset when the carrier gave one), `time_utc`,
 * `time_raw {date, time, timezone}`, `stage` (main status), `sub_status`, `description`, `location` and `address
 * {country, …}`. Events have no id: their identity is their time and code. A number the carrier does not know has no
 * events, only `latest_status` NotFound_InvalidCode: that becomes one event whose identity is the status itself.
 * `carrier` is 17TRACK's numeric key, mapped back to shipby's carrier name (core/data/tracking-carriers.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { carrierOfProviderCode } from '../../core/data/tracking-carriers';
import { isGuessedTime, readCheckpointTime, type CheckpointTime } from '../../core/tracking/checkpoint-time';
import { eventKeyOf, fromSeventeenTrack } from '../../core/tracking-status';
import {
  MalformedPayloadError,
  emptyParsedDelivery,
  isObject,
  normaliseNumber,
  text,
  type FetchResult,
  type ParsedDelivery,
  type WebhookAdapter,
} from './types';

/** 17TRACK's "not registered" error code. */
export const NOT_REGISTERED_CODE = -18019902;
/** 17TRACK's "already registered" error code (registering twice is no error for shipby). */
export const ALREADY_REGISTERED_CODE = -18019901;
export const SEVENTEEN_SIGNATURE_HEADER = 'sign';

interface TrackInfo {
  shipping_info?: {
    shipper_address?: { country?: string | null } | null;
    recipient_address?: { country?: string | null } | null;
  } | null;
  latest_status?: { status?: string | null; sub_status?: string | null } | null;
  tracking?: { providers?: Array<{ events?: unknown[] | null } | null> | null } | null;
}

function country(value: unknown): string | null {
  const code = text(value);
  return code && /^[A-Za-z]{2}$/.test(code) ? code.toUpperCase() : null;
}

/** 17TRACK's webhook signature: hex SHA-256 of body + "/" + key. */
export function seventeenTrackSign(securityKey: string, rawBody: string): string {
  return createHash('sha256').update(`${rawBody}/${securityKey}`, 'utf8').digest('hex');
}

export function verifySeventeenTrackSign(securityKey: string, signature: string | undefined, rawBody: string): boolean {
  if (!signature || !/^[0-9a-fA-F]{64}$/.test(signature.trim())) return false;
  const given = Buffer.from(signature.trim().toLowerCase(), 'hex');
  const expected = Buffer.from(seventeenTrackSign(securityKey, rawBody), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** An event's time: `time_iso` with its offset, else `time_utc`, else a bare `time_iso` / `time_raw` in its country's zone. */
function eventTime(raw: Record<string, unknown>): CheckpointTime | undefined {
  const iso = text(raw.time_iso);
  const address = isObject(raw.address) ? raw.address : {};
  const where = country(address.country);
  if (iso && /(Z|[+-]\d{2}:?\d{2})$/.test(iso)) return readCheckpointTime(iso, where);
  const utc = text(raw.time_utc);
  if (utc) {
    const read = readCheckpointTime(/(Z|[+-]\d{2}:?\d{2})$/.test(utc) ? utc : `${utc}Z`, null);
    if (read) return read;
  }
  if (iso) return readCheckpointTime(iso, where);
  const timeRaw = isObject(raw.time_raw) ? raw.time_raw : null;
  const date = text(timeRaw?.date);
  if (date) {
    const zone = text(timeRaw?.timezone);
    return readCheckpointTime(
      `${date}T${text(timeRaw?.time) ?? '00:00:00'}${zone && /^[+-]\d{2}:?\d{2}$/.test(zone) ? zone : ''}`,
      where,
    );
  }
  return undefined;
}

/** The events of one `{number, carrier, track_info}` item, into `into`; an unreadable event is set aside. */
function eventsOfItem(item: unknown, receivedAt: number, into: ParsedDelivery): string {
  if (!isObject(item)) throw new MalformedPayloadError('an item is not an object {number, carrier, track_info}');
  const rawNumber = item.number;
  if (typeof rawNumber !== 'string' || !rawNumber.trim())
    throw new MalformedPayloadError('an item has no tracking number (data.number)');
  const number = normaliseNumber(rawNumber);
  const carrier = carrierOfProviderCode('seventeen', item.carrier);
  const info = item.track_info;
  if (info !== undefined && info !== null && !isObject(info))
    throw new MalformedPayloadError(`track_info of ${number} is not an object`);
  const trackInfo = (info ?? {}) as TrackInfo;
  const destination = country(trackInfo.shipping_info?.recipient_address?.country);
  let count = 0;
  const providers = trackInfo.tracking?.providers ?? [];
  if (!Array.isArray(providers))
    throw new MalformedPayloadError(`track_info.tracking.providers of ${number} is not a list`);
  for (const provider of providers) {
    const events = provider?.events ?? [];
    if (!Array.isArray(events))
      throw new MalformedPayloadError(`track_info.tracking.providers[].events of ${number} is not a list`);
    events.forEach((raw, index) => {
      if (!isObject(raw)) {
        into.setAside.push({ number, index, reason: 'the event is not an object' });
        return;
      }
      const time = eventTime(raw);
      if (!time) {
        into.setAside.push({
          number,
          index,
          reason: 'the event has no readable time (time_iso, time_utc or time_raw)',
        });
        return;
      }
      const stage = text(raw.stage);
      const subStatus = text(raw.sub_status);
      const status = fromSeventeenTrack(stage, subStatus);
      if (!status) {
        into.unknownCodes++;
        return;
      }
      count++;
      const key = eventKeyOf(text(raw.id), time.at, subStatus ?? stage);
      if (isGuessedTime(time)) into.flagged.push({ number, key, flag: `no offset: read as ${time.zone}` });
      into.events.push({
        trackingNumber: number,
        carrier,
        event: {
          key,
          occurredAt: time.at,
          status,
          rawStatus: stage,
          rawSubstatus: subStatus,
          description: text(raw.description),
          location: text(raw.location),
          destinationCountry: destination,
        },
      });
    });
  }
  const latest = trackInfo.latest_status;
  if (
    count === 0 &&
    latest &&
    (latest.sub_status === 'NotFound_InvalidCode' || latest.sub_status === 'Exception_Cancel')
  ) {
    const status = fromSeventeenTrack(latest.status, latest.sub_status)!;
    into.events.push({
      trackingNumber: number,
      carrier,
      event: {
        key: eventKeyOf(`latest:${latest.sub_status}`, receivedAt, latest.sub_status),
        occurredAt: receivedAt,
        status,
        rawStatus: latest.status ?? null,
        rawSubstatus: latest.sub_status,
        description: null,
        location: null,
        destinationCountry: destination,
      },
    });
  }
  into.numbers.push(number);
  return number;
}

function parseSeventeenTrackWebhook(json: unknown, receivedAt: number): ParsedDelivery {
  if (!isObject(json) || typeof json.event !== 'string')
    throw new MalformedPayloadError('expected a 17TRACK push {event, data}');
  const result = emptyParsedDelivery();
  if (json.event === 'TRACKING_UPDATED') {
    if (!isObject(json.data)) throw new MalformedPayloadError('data {number, carrier, track_info} is missing');
    eventsOfItem(json.data, receivedAt, result);
  } else if (json.event === 'TRACKING_STOPPED' && isObject(json.data) && typeof json.data.number === 'string') {
    result.numbers.push(normaliseNumber(json.data.number));
  }
  return result;
}

export function parseSeventeenTrackResponse(json: unknown, receivedAt: number): FetchResult {
  if (!isObject(json) || !isObject(json.data))
    throw new MalformedPayloadError('expected {code, data: {accepted, rejected}}');
  const accepted = json.data.accepted ?? [];
  const rejected = json.data.rejected ?? [];
  if (!Array.isArray(accepted) || !Array.isArray(rejected))
    throw new MalformedPayloadError('data.accepted and data.rejected must be lists');
  const result: FetchResult = { ...emptyParsedDelivery(), unregistered: [], refused: [] };
  for (const item of accepted) eventsOfItem(item, receivedAt, result);
  for (const item of rejected) {
    if (!isObject(item) || typeof item.number !== 'string') continue;
    const error = isObject(item.error) ? item.error : {};
    if (error.code === NOT_REGISTERED_CODE) result.unregistered.push(normaliseNumber(item.number));
    else
      result.refused.push({
        number: normaliseNumber(item.number),
        reason: String(error.message ?? error.code ?? 'refused'),
      });
  }
  return result;
}

export const seventeenTrackWebhook: WebhookAdapter = {
  signatureHeader: SEVENTEEN_SIGNATURE_HEADER,
  verify: verifySeventeenTrackSign,
  // The sign is a digest of the body: the same push again carries the same one.
  identity: (signature) => `sign:${signature.trim().toLowerCase()}`,
  parse: parseSeventeenTrackWebhook,
};
