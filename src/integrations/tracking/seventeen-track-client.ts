/**
 * 17TRACK's API as a polling client (read from 17TRACK's API documentation, https://api.17track.net/en/doc, v2.4 and
 * v2.2 alike): `POST {base}/track/{version}/register` and `POST {base}/track/{version}/gettrackinfo`, header
 * `17token: <access key>`, body a list of at most 40 `{number, carrier?}` where `carrier` is 17TRACK's numeric key.
 * Answers are `{code, data: {accepted, rejected}}`; a rejected number has `error {code, message}`.
 */
import { guardedFetch } from '../outbound';
import { providerCarrierCode } from '../../core/data/tracking-carriers';
import { ALREADY_REGISTERED_CODE, parseSeventeenTrackResponse } from './seventeen-track';
import {
  ProviderCallError,
  isObject,
  normaliseNumber,
  type ClientConfig,
  type PollingClient,
  type RegisterResult,
} from './types';

export const SEVENTEEN_DEFAULT_BASE_URL = 'https://api.17track.net';

/** The request body of register / gettrackinfo: `[{number, carrier?}]` with 17TRACK's numeric carrier key. */
function seventeenTrackItems(
  parcels: Array<{ number: string; carrier?: string | null }>,
): Array<{ number: string; carrier?: number }> {
  return parcels.map((p) => {
    const code = providerCarrierCode('seventeen', p.carrier);
    return code === undefined ? { number: p.number } : { number: p.number, carrier: code };
  });
}

export function seventeenTrackClient(config: ClientConfig): PollingClient {
  const send = config.fetch ?? guardedFetch({ field: 'base_url', timeoutMs: config.timeoutMs ?? 20_000 });
  const base = config.baseUrl.replace(/\/+$/, '');
  async function call(name: 'register' | 'gettrackinfo', body: unknown, signal?: AbortSignal): Promise<unknown> {
    const path = `/track/${config.version}/${name}`;
    const timeout = AbortSignal.timeout(config.timeoutMs ?? 20_000);
    const response = await send(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(config.apiKey ? { '17token': config.apiKey } : {}) },
      body: JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const json = (await response.json().catch(() => null)) as unknown;
    const code = isObject(json) && typeof json.code === 'number' ? json.code : null;
    if (!response.ok || (code !== null && code !== 0)) {
      const data = isObject(json) && isObject(json.data) ? json.data : {};
      const errors = Array.isArray(data.errors) ? data.errors : [];
      const message =
        errors.map((e) => (isObject(e) ? String(e.message ?? e.code) : String(e))).join('; ') ||
        (isObject(json) ? String(json.message ?? '') : '') ||
        `HTTP ${response.status}`;
      throw new ProviderCallError('17TRACK', path, response.status, code, message);
    }
    return json;
  }
  return {
    batchSize: 40,
    async fetch(numbers, receivedAt, signal) {
      return parseSeventeenTrackResponse(
        await call(
          'gettrackinfo',
          numbers.map((number) => ({ number })),
          signal,
        ),
        receivedAt,
      );
    },
    async register(parcels, signal) {
      const json = await call('register', seventeenTrackItems(parcels), signal);
      const result: RegisterResult = { registered: [], refused: [] };
      const data = isObject(json) && isObject(json.data) ? json.data : {};
      for (const item of Array.isArray(data.accepted) ? data.accepted : [])
        if (isObject(item) && typeof item.number === 'string') result.registered.push(normaliseNumber(item.number));
      for (const item of Array.isArray(data.rejected) ? data.rejected : []) {
        if (!isObject(item) || typeof item.number !== 'string') continue;
        const error = isObject(item.error) ? item.error : {};
        if (error.code === ALREADY_REGISTERED_CODE) result.registered.push(normaliseNumber(item.number));
        else
          result.refused.push({
            number: normaliseNumber(item.number),
            reason: String(error.message ?? error.code ?? 'refused'),
          });
      }
      return result;
    },
  };
}
