/**
 * A 17TRACK-like provider (API v2.2 shape): webhooks `{event, data: {number, carrier, track_info}}` and
 * `POST /track/v2.2/gettrackinfo` answering `{code, data: {accepted: [...], rejected: [...]}}`. An event has
 * `time_iso` (with offset) or `time_utc`, `stage` (main status), `sub_status`, `description` and `location`; it has
 * no id, so its identity is its time and code. A number the carrier does not know has no events, only
 * `latest_status` NotFound_InvalidCode: that becomes one event whose identity is the status itself.
 */
import { parseInstant } from '../../core/time';
import { eventKeyOf, fromSeventeenTrack } from '../../core/tracking-status';
import { MalformedPayloadError, normaliseNumber, type FetchResult, type ParsedDelivery, type PollingClient, type ProviderEvent } from './types';

/** 17TRACK's "not registered" error code. */
export const NOT_REGISTERED_CODE = -18019902;

interface TrackInfo {
  shipping_info?: { shipper_address?: { country?: string | null } | null; recipient_address?: { country?: string | null } | null } | null;
  latest_status?: { status?: string | null; sub_status?: string | null } | null;
  tracking?: { providers?: Array<{ events?: unknown[] | null } | null> | null } | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

function country(value: unknown): string | null {
  const code = text(value);
  return code && /^[A-Za-z]{2}$/.test(code) ? code.toUpperCase() : null;
}

/** The events of one `{number, carrier, track_info}` item. */
export function eventsOfItem(item: unknown, receivedAt: number, into: ProviderEvent[]): { number: string; unknownCodes: number } {
  if (!isObject(item)) throw new MalformedPayloadError('an item is not an object');
  const rawNumber = item.number;
  if (typeof rawNumber !== 'string' || !rawNumber.trim()) throw new MalformedPayloadError('an item has no tracking number');
  const number = normaliseNumber(rawNumber);
  const carrier = item.carrier === undefined || item.carrier === null ? '' : String(item.carrier).toLowerCase();
  const info = item.track_info;
  if (info !== undefined && info !== null && !isObject(info)) throw new MalformedPayloadError(`track_info of ${number} is not an object`);
  const trackInfo = (info ?? {}) as TrackInfo;
  const destination = country(trackInfo.shipping_info?.recipient_address?.country);
  let unknownCodes = 0;
  let count = 0;
  const providers = trackInfo.tracking?.providers ?? [];
  if (!Array.isArray(providers)) throw new MalformedPayloadError(`tracking.providers of ${number} is not a list`);
  for (const provider of providers) {
    const events = provider?.events ?? [];
    if (!Array.isArray(events)) throw new MalformedPayloadError(`events of ${number} are not a list`);
    for (const raw of events) {
      if (!isObject(raw)) throw new MalformedPayloadError(`an event of ${number} is not an object`);
      const timeText = text(raw.time_iso) ?? text(raw.time_utc);
      const occurredAt = timeText ? parseInstant(timeText) : undefined;
      if (occurredAt === undefined) throw new MalformedPayloadError(`an event of ${number} has no time with a zone (time_iso / time_utc)`);
      const stage = text(raw.stage);
      const subStatus = text(raw.sub_status);
      const status = fromSeventeenTrack(stage, subStatus);
      if (!status) {
        unknownCodes++;
        continue;
      }
      count++;
      into.push({
        trackingNumber: number,
        carrier,
        event: {
          key: eventKeyOf(text(raw.id), occurredAt, subStatus ?? stage),
          occurredAt,
          status,
          rawStatus: stage,
          rawSubstatus: subStatus,
          description: text(raw.description),
          location: text(raw.location),
          destinationCountry: destination,
        },
      });
    }
  }
  const latest = trackInfo.latest_status;
  if (count === 0 && latest && (latest.sub_status === 'NotFound_InvalidCode' || latest.sub_status === 'Exception_Cancel')) {
    const status = fromSeventeenTrack(latest.status, latest.sub_status)!;
    into.push({
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
  return { number, unknownCodes };
}

export function parseSeventeenTrackWebhook(json: unknown, receivedAt: number): ParsedDelivery {
  if (!isObject(json) || typeof json.event !== 'string') throw new MalformedPayloadError('expected {event, data}');
  const events: ProviderEvent[] = [];
  if (json.event !== 'TRACKING_UPDATED') return { events, numbers: [], unknownCodes: 0 };
  if (!isObject(json.data)) throw new MalformedPayloadError('data is missing');
  const { number, unknownCodes } = eventsOfItem(json.data, receivedAt, events);
  return { events, numbers: [number], unknownCodes };
}

export function parseSeventeenTrackResponse(json: unknown, receivedAt: number): FetchResult {
  if (!isObject(json) || !isObject(json.data)) throw new MalformedPayloadError('expected {code, data: {accepted, rejected}}');
  const accepted = json.data.accepted ?? [];
  const rejected = json.data.rejected ?? [];
  if (!Array.isArray(accepted) || !Array.isArray(rejected)) throw new MalformedPayloadError('accepted and rejected must be lists');
  const result: FetchResult = { events: [], numbers: [], unknownCodes: 0, unregistered: [], refused: [] };
  for (const item of accepted) {
    const { number, unknownCodes } = eventsOfItem(item, receivedAt, result.events);
    result.numbers.push(number);
    result.unknownCodes += unknownCodes;
  }
  for (const item of rejected) {
    if (!isObject(item) || typeof item.number !== 'string') continue;
    const error = isObject(item.error) ? item.error : {};
    if (error.code === NOT_REGISTERED_CODE) result.unregistered.push(normaliseNumber(item.number));
    else result.refused.push({ number: normaliseNumber(item.number), reason: String(error.message ?? error.code ?? 'refused') });
  }
  return result;
}

export function seventeenTrackClient(config: { baseUrl: string; apiKey: string | null; fetch?: typeof fetch; timeoutMs?: number }): PollingClient {
  const send = config.fetch ?? fetch;
  const base = config.baseUrl.replace(/\/+$/, '');
  async function call(path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(config.timeoutMs ?? 20_000);
    const response = await send(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(config.apiKey ? { '17token': config.apiKey } : {}) },
      body: JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }
  return {
    batchSize: 40,
    async fetch(numbers, receivedAt, signal) {
      return parseSeventeenTrackResponse(await call('/track/v2.2/gettrackinfo', numbers.map((number) => ({ number })), signal), receivedAt);
    },
    async register(parcels, signal) {
      await call('/track/v2.2/register', parcels.map((p) => ({ number: p.number, ...(p.carrier ? { carrier: p.carrier } : {}) })), signal);
    },
  };
}
