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
 * Scenarios: delivered, failed_then_delivered, returned, stalled, lost, invalid, wrong_country; unnamed, one is picked
 * from the number (mostly delivered).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { carrierOfProviderCode, providerCarrierCode } from '../../core/data/tracking-carriers';
import { HOUR_MS } from '../../core/time';
import {
  ALREADY_REGISTERED_CODE,
  NOT_REGISTERED_CODE,
  SEVENTEEN_SIGNATURE_HEADER,
  seventeenTrackSign,
} from './seventeen-track';

const SAMPLE_SCENARIOS = [
  'delivered',
  'failed_then_delivered',
  'returned',
  'stalled',
  'lost',
  'invalid',
  'wrong_country',
] as const;
export type SampleScenario = (typeof SAMPLE_SCENARIOS)[number];

interface Step {
  afterHours: number;
  stage: string;
  sub: string;
  text: string;
  where: 'origin' | 'hub' | 'destination';
}

const FIRST_MILE: Step[] = [
  {
    afterHours: 0,
    stage: 'InfoReceived',
    sub: 'InfoReceived',
    text: 'Shipment information received by the carrier',
    where: 'origin',
  },
  { afterHours: 9, stage: 'InTransit', sub: 'InTransit_PickedUp', text: 'Accepted by the carrier', where: 'origin' },
  {
    afterHours: 15,
    stage: 'InTransit',
    sub: 'InTransit_Arrival',
    text: 'Arrived at the sorting centre',
    where: 'origin',
  },
  {
    afterHours: 22,
    stage: 'InTransit',
    sub: 'InTransit_Departure',
    text: 'Departed from the sorting centre',
    where: 'origin',
  },
  { afterHours: 41, stage: 'InTransit', sub: 'InTransit_Other', text: 'Handed over to the airline', where: 'hub' },
];
const LINE_HAUL: Step[] = [
  { afterHours: 70, stage: 'InTransit', sub: 'InTransit_Departure', text: 'Flight departed', where: 'hub' },
  {
    afterHours: 92,
    stage: 'InTransit',
    sub: 'InTransit_Arrival',
    text: 'Arrived in the destination country',
    where: 'destination',
  },
  {
    afterHours: 97,
    stage: 'InTransit',
    sub: 'InTransit_CustomsProcessing',
    text: 'Customs clearance in progress',
    where: 'destination',
  },
  {
    afterHours: 131,
    stage: 'InTransit',
    sub: 'InTransit_CustomsReleased',
    text: 'Released by customs',
    where: 'destination',
  },
  {
    afterHours: 160,
    stage: 'InTransit',
    sub: 'InTransit_Arrival',
    text: 'Arrived at the delivery office',
    where: 'destination',
  },
  {
    afterHours: 198,
    stage: 'OutForDelivery',
    sub: 'OutForDelivery_Other',
    text: 'Out for delivery',
    where: 'destination',
  },
];
const SCENARIO_STEPS: Record<SampleScenario, Step[]> = {
  delivered: [
    ...FIRST_MILE,
    ...LINE_HAUL,
    { afterHours: 205, stage: 'Delivered', sub: 'Delivered_Other', text: 'Delivered', where: 'destination' },
  ],
  failed_then_delivered: [
    ...FIRST_MILE,
    ...LINE_HAUL,
    {
      afterHours: 204,
      stage: 'DeliveryFailure',
      sub: 'DeliveryFailure_NoBody',
      text: 'Delivery attempted: nobody at home',
      where: 'destination',
    },
    {
      afterHours: 210,
      stage: 'AvailableForPickup',
      sub: 'AvailableForPickup_Other',
      text: 'Available for pickup at the post office',
      where: 'destination',
    },
    {
      afterHours: 250,
      stage: 'Delivered',
      sub: 'Delivered_Other',
      text: 'Collected by the addressee',
      where: 'destination',
    },
  ],
  returned: [
    ...FIRST_MILE,
    ...LINE_HAUL,
    {
      afterHours: 204,
      stage: 'DeliveryFailure',
      sub: 'DeliveryFailure_InvalidAddress',
      text: 'Address incomplete: delivery failed',
      where: 'destination',
    },
    {
      afterHours: 380,
      stage: 'Exception',
      sub: 'Exception_Returning',
      text: 'Returning to the sender',
      where: 'destination',
    },
    { afterHours: 700, stage: 'Exception', sub: 'Exception_Returned', text: 'Returned to the sender', where: 'origin' },
  ],
  stalled: FIRST_MILE.slice(0, 4),
  lost: [
    ...FIRST_MILE,
    ...LINE_HAUL.slice(0, 3),
    { afterHours: 400, stage: 'Exception', sub: 'Exception_Lost', text: 'Item reported lost', where: 'destination' },
  ],
  invalid: [],
  wrong_country: [...FIRST_MILE, ...LINE_HAUL.slice(0, 2)],
};

const CITIES: Record<string, string> = {
  ES: 'Madrid',
  FR: 'Paris',
  DE: 'Frankfurt',
  US: 'Los Angeles',
  BR: 'Curitiba',
  GB: 'London',
  IT: 'Milan',
  PL: 'Warsaw',
  NL: 'Amsterdam',
};

export interface SampleParcel {
  number: string;
  carrier: string;
  scenario: SampleScenario;
  startAt: number;
  destination: string;
}

function hash(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** Mostly delivered; a few of every problem. */
function scenarioOf(number: string): SampleScenario {
  const roll = hash(number) % 100;
  if (roll < 80) return 'delivered';
  if (roll < 86) return 'failed_then_delivered';
  if (roll < 91) return 'returned';
  if (roll < 95) return 'stalled';
  if (roll < 98) return 'lost';
  return 'invalid';
}

/** Beijing time, as Chinese carriers print it. */
function isoAt(ms: number, offsetHours: number): string {
  const local = new Date(ms + offsetHours * HOUR_MS).toISOString().slice(0, 19);
  const sign = offsetHours >= 0 ? '+' : '-';
  return `${local}${sign}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`;
}

export interface SampleEvent {
  at: number;
  time_iso: string;
  time_utc: string;
  time_raw: { date: string; time: string; timezone: string };
  stage: string;
  sub_status: string;
  description: string;
  location: string;
  address: {
    country: string;
    state: null;
    city: string;
    street: null;
    postal_code: null;
    coordinates: { longitude: null; latitude: null };
  };
}

/** The events of a parcel visible at `now` (the whole script compressed by `speed`). */
function sampleEvents(parcel: SampleParcel, now: number, speed = 1): SampleEvent[] {
  const steps = SCENARIO_STEPS[parcel.scenario];
  const destinationCity = CITIES[parcel.destination] ?? parcel.destination;
  return steps
    .map((step) => {
      const at = parcel.startAt + Math.round((step.afterHours * HOUR_MS) / speed);
      const offset = step.where === 'destination' ? 1 : 8;
      const iso = isoAt(at, offset);
      const city = step.where === 'origin' ? 'Shenzhen' : step.where === 'hub' ? 'Guangzhou' : destinationCity;
      const country = step.where === 'destination' ? parcel.destination : 'CN';
      return {
        at,
        time_iso: iso,
        time_utc: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        time_raw: { date: iso.slice(0, 10), time: iso.slice(11, 19), timezone: iso.slice(19) },
        stage: step.stage,
        sub_status: step.sub,
        description: step.text,
        location: `${city}, ${country}`,
        address: {
          country,
          state: null,
          city,
          street: null,
          postal_code: null,
          coordinates: { longitude: null, latitude: null },
        },
      };
    })
    .filter((e) => e.at <= now);
}

function trackInfoOf(parcel: SampleParcel, now: number, speed = 1) {
  const events = sampleEvents(parcel, now, speed).reverse(); // newest first, as 17TRACK lists them
  const latest = events[0];
  const destination =
    parcel.scenario === 'wrong_country' ? (parcel.destination === 'FR' ? 'DE' : 'FR') : parcel.destination;
  return {
    shipping_info: { shipper_address: { country: 'CN' }, recipient_address: { country: destination } },
    latest_status:
      parcel.scenario === 'invalid'
        ? { status: 'NotFound', sub_status: 'NotFound_InvalidCode' }
        : latest
          ? { status: latest.stage, sub_status: latest.sub_status }
          : { status: 'NotFound', sub_status: 'NotFound_Other' },
    latest_event: latest ?? null,
    tracking: {
      providers: [
        {
          provider: { key: providerCarrierCode('seventeen', parcel.carrier) ?? 0, name: parcel.carrier },
          events: events.map(({ at: _at, ...rest }) => rest),
        },
      ],
    },
  };
}

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
