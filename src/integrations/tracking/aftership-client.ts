/**
 * AfterShip's Tracking API as a polling client (https://www.aftership.com/docs/tracking/2025-01/api/..., and
 * github.com/AfterShip/tracking-sdk-nodejs at 6319e76 `src/api/Tracking.ts`, read only): header `as-api-key`;
 * - `POST {base}/tracking/{version}/trackings` body `{tracking_number, slug?}` → 201 `{meta: {code}, data: tracking}`;
 *   meta code 4003 "Tracking already exists" is no error for shipby;
 * - `GET {base}/tracking/{version}/trackings?tracking_numbers=A,B&limit=…` → `{meta, data: {pagination, trackings}}`.
 * A number AfterShip does not return is not registered with it.
 */
import { guardedFetch } from '../outbound';
import { providerCarrierCode } from '../../core/data/tracking-carriers';
import { eventsOfTracking } from './aftership';
import {
  ProviderCallError,
  emptyParsedDelivery,
  isObject,
  normaliseNumber,
  type ClientConfig,
  type FetchResult,
  type PollingClient,
  type RegisterResult,
} from './types';

export const AFTERSHIP_DEFAULT_BASE_URL = 'https://api.aftership.com';
const ALREADY_EXISTS = 4003;

/** The body of a tracking creation: `{tracking_number, slug?}` with AfterShip's courier slug. */
function afterShipCreateBody(parcel: { number: string; carrier?: string | null }): {
  tracking_number: string;
  slug?: string;
} {
  const slug = providerCarrierCode('aftership', parcel.carrier);
  return slug === undefined ? { tracking_number: parcel.number } : { tracking_number: parcel.number, slug };
}

export function parseAfterShipTrackings(json: unknown, asked: string[]): FetchResult {
  if (!isObject(json) || !isObject(json.data) || !Array.isArray(json.data.trackings))
    throw new ProviderCallError('AfterShip', 'trackings', 200, null, 'expected {meta, data: {trackings: [...]}}');
  const result: FetchResult = { ...emptyParsedDelivery(), unregistered: [], refused: [] };
  json.data.trackings.forEach((tracking, i) => eventsOfTracking(tracking, result, `data.trackings[${i}]`));
  const seen = new Set(result.numbers);
  result.unregistered = asked.map(normaliseNumber).filter((n) => !seen.has(n));
  return result;
}

export function afterShipClient(config: ClientConfig): PollingClient {
  const send = config.fetch ?? guardedFetch({ field: 'base_url', timeoutMs: config.timeoutMs ?? 20_000 });
  const base = config.baseUrl.replace(/\/+$/, '');
  const path = `/tracking/${config.version}/trackings`;
  async function call(
    method: 'GET' | 'POST',
    query: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<{ status: number; metaCode: number | null; json: unknown; message: string }> {
    const timeout = AbortSignal.timeout(config.timeoutMs ?? 20_000);
    const response = await send(`${base}${path}${query}`, {
      method,
      headers: { 'content-type': 'application/json', ...(config.apiKey ? { 'as-api-key': config.apiKey } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const json = (await response.json().catch(() => null)) as unknown;
    const meta = isObject(json) && isObject(json.meta) ? json.meta : {};
    return {
      status: response.status,
      metaCode: typeof meta.code === 'number' ? meta.code : null,
      json,
      message: String(meta.message ?? `HTTP ${response.status}`),
    };
  }
  return {
    batchSize: 50,
    async fetch(numbers, _receivedAt, signal) {
      const answer = await call(
        'GET',
        `?tracking_numbers=${encodeURIComponent(numbers.join(','))}&limit=200`,
        undefined,
        signal,
      );
      if (answer.status >= 400)
        throw new ProviderCallError('AfterShip', path, answer.status, answer.metaCode, answer.message);
      return parseAfterShipTrackings(answer.json, numbers);
    },
    async register(parcels, signal) {
      const result: RegisterResult = { registered: [], refused: [] };
      for (const parcel of parcels) {
        const answer = await call('POST', '', afterShipCreateBody(parcel), signal);
        if (answer.status < 300 || answer.metaCode === ALREADY_EXISTS)
          result.registered.push(normaliseNumber(parcel.number));
        else if (answer.status >= 500 || answer.status === 401 || answer.status === 429)
          throw new ProviderCallError('AfterShip', path, answer.status, answer.metaCode, answer.message);
        else
          result.refused.push({
            number: normaliseNumber(parcel.number),
            reason: `${answer.metaCode ?? answer.status}: ${answer.message}`,
          });
      }
      return result;
    },
  };
}
