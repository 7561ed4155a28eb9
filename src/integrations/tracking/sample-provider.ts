/**
 * A sample tracking provider: a local HTTP server speaking 17TRACK's API (v2.4, and v2.2 on its own path), for demos
 * and tests — the same requests, answers and pushes as the real service (seventeen-track.ts), nothing of shipby's own.
 *
 * - `POST /track/v2.4/register` (header `17token`) `[{number, carrier?, tag?}]` (carrier: 17TRACK's numeric key)
 *   scripts a history for each number (China → the destination), revealed as time passes: `speed` compresses it (60 =
 *   an hour a minute). A `tag` naming a scenario picks it (17TRACK keeps `tag` as the caller's own label). A number
 *   registered twice is rejected with -18019901, as 17TRACK does.
 * - `POST /track/v2.4/gettrackinfo` `[{number}]` answers the events visible now; an unregistered number is rejected
 *   with 17TRACK's code -18019902.
 * - `pushWebhooks()` POSTs `{event: "TRACKING_UPDATED", data: {number, carrier, param, tag, track_info}}` for every
 *   number with new events, signed as 17TRACK signs: header `sign` = SHA-256 hex of (body + "/" + security key).
 * Scenarios (their scripts in sample-scripts.ts): delivered, failed_then_delivered, returned, stalled, lost, invalid,
 * wrong_country; unnamed, one is picked from the number (mostly delivered).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { carrierOfProviderCode, providerCarrierCode } from '../../core/data/tracking-carriers';
import { SAMPLE_SCENARIOS, scenarioOf, trackInfoOf, type SampleParcel, type SampleScenario } from './sample-scripts';
import {
  ALREADY_REGISTERED_CODE,
  NOT_REGISTERED_CODE,
  SEVENTEEN_SIGNATURE_HEADER,
  seventeenTrackSign,
} from './seventeen-track';

export interface SampleProviderOptions {
  apiKey?: string;
  /** Where to push webhooks, and the secret they are signed with. */
  webhookUrl?: string;
  webhookSecret?: string;
  /** The script runs this many times faster than real time. */
  speed?: number;
  /** Unknown numbers asked for are registered on the spot (default: rejected as not registered, like 17TRACK). */
  autoRegister?: boolean;
  defaultDestination?: string;
  now?: () => number;
  fetch?: typeof fetch;
}

export class SampleTrackingProvider {
  readonly parcels = new Map<string, SampleParcel>();
  /** Look-ups (`gettrackinfo` items) by number, as a provider bills them: tests count them. */
  readonly lookups = new Map<string, number>();
  private readonly pushed = new Map<string, number>();
  private server: http.Server | undefined;

  constructor(readonly options: SampleProviderOptions = {}) {}

  now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  /** `carrier`: shipby's name or 17TRACK's numeric key. */
  register(input: {
    number: string;
    carrier?: string | number;
    scenario?: string;
    start_at?: string | number;
    destination?: string;
  }): SampleParcel {
    const number = input.number.replace(/[\s-]+/g, '').toUpperCase();
    const existing = this.parcels.get(number);
    if (existing) return existing;
    const scenario = (SAMPLE_SCENARIOS as readonly string[]).includes(input.scenario ?? '')
      ? (input.scenario as SampleScenario)
      : scenarioOf(number);
    const startAt =
      typeof input.start_at === 'number' ? input.start_at : input.start_at ? Date.parse(input.start_at) : this.now();
    const carrier =
      input.carrier === undefined || input.carrier === null
        ? 'china-post'
        : carrierOfProviderCode('seventeen', input.carrier);
    const parcel: SampleParcel = {
      number,
      carrier,
      scenario,
      startAt: Number.isFinite(startAt) ? startAt : this.now(),
      destination: (input.destination ?? this.options.defaultDestination ?? 'ES').toUpperCase(),
    };
    this.parcels.set(number, parcel);
    return parcel;
  }

  trackInfo(number: string) {
    const parcel = this.parcels.get(number);
    return parcel ? trackInfoOf(parcel, this.now(), this.options.speed ?? 1) : undefined;
  }

  /** Pushes one signed webhook per number with events it has not pushed yet. */
  async pushWebhooks(): Promise<{ sent: number; failed: number }> {
    const { webhookUrl, webhookSecret } = this.options;
    if (!webhookUrl || !webhookSecret) return { sent: 0, failed: 0 };
    const send = this.options.fetch ?? fetch;
    let sent = 0;
    let failed = 0;
    for (const parcel of this.parcels.values()) {
      const info = trackInfoOf(parcel, this.now(), this.options.speed ?? 1);
      const count = info.tracking.providers[0]!.events.length + (parcel.scenario === 'invalid' ? 1 : 0);
      if (count === 0 || count <= (this.pushed.get(parcel.number) ?? 0)) continue;
      const body = JSON.stringify({
        event: 'TRACKING_UPDATED',
        data: {
          number: parcel.number,
          carrier: providerCarrierCode('seventeen', parcel.carrier) ?? 0,
          param: null,
          tag: null,
          track_info: info,
        },
      });
      try {
        const response = await send(webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [SEVENTEEN_SIGNATURE_HEADER]: seventeenTrackSign(webhookSecret, body),
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        if (response.ok) {
          this.pushed.set(parcel.number, count);
          sent++;
        } else failed++;
      } catch {
        failed++;
      }
    }
    return { sent, failed };
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = http.createServer((request, response) => {
      void this.handle(request, response);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'GET' && request.url === '/health')
      return reply(200, { ok: true, parcels: this.parcels.size });
    if (request.method !== 'POST') return reply(404, { code: -1, message: 'not found' });
    if (this.options.apiKey && request.headers['17token'] !== this.options.apiKey)
      return reply(401, { code: -18010002, message: 'Invalid access key' });
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(400, { code: -18010001, message: 'The request body is not JSON' });
    }
    if (!Array.isArray(body) || body.length > 40)
      return reply(400, { code: -18010012, message: 'Send a list of at most 40 items' });
    const items = body.filter(
      (item): item is { number: string } & Record<string, unknown> =>
        typeof item === 'object' && item !== null && typeof (item as { number?: unknown }).number === 'string',
    );
    const route = /^\/track\/(v2\.4|v2\.2)\/(register|gettrackinfo)$/.exec(request.url ?? '');
    if (route?.[2] === 'register') {
      const accepted: unknown[] = [];
      const rejected: unknown[] = [];
      for (const item of items) {
        const number = item.number.replace(/[\s-]+/g, '').toUpperCase();
        if (this.parcels.has(number)) {
          rejected.push({
            number,
            error: { code: ALREADY_REGISTERED_CODE, message: 'The tracking number is already registered' },
          });
          continue;
        }
        const tag = typeof item.tag === 'string' ? item.tag : undefined;
        const carrier = typeof item.carrier === 'number' || typeof item.carrier === 'string' ? item.carrier : undefined;
        const parcel = this.register({
          number,
          ...(carrier !== undefined ? { carrier } : {}),
          ...(tag ? { scenario: tag } : {}),
        });
        accepted.push({
          origin: 1,
          number: parcel.number,
          carrier: providerCarrierCode('seventeen', parcel.carrier) ?? 0,
        });
      }
      return reply(200, { code: 0, data: { accepted, rejected } });
    }
    if (route?.[2] === 'gettrackinfo') {
      const accepted: unknown[] = [];
      const rejected: unknown[] = [];
      for (const item of items) {
        const number = item.number.replace(/[\s-]+/g, '').toUpperCase();
        this.lookups.set(number, (this.lookups.get(number) ?? 0) + 1);
        if (!this.parcels.has(number) && this.options.autoRegister) this.register({ number });
        const parcel = this.parcels.get(number);
        if (!parcel)
          rejected.push({
            number,
            error: { code: NOT_REGISTERED_CODE, message: 'The tracking number is not registered' },
          });
        else
          accepted.push({
            number,
            carrier: providerCarrierCode('seventeen', parcel.carrier) ?? 0,
            param: null,
            tag: null,
            track_info: this.trackInfo(number),
          });
      }
      return reply(200, { code: 0, data: { accepted, rejected } });
    }
    return reply(404, { code: -1, message: 'not found' });
  }
}
