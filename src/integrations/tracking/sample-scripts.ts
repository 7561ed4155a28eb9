/**
 * The sample tracking provider's scripted histories (integrations/tracking/sample-provider.ts): per scenario the
 * steps of a parcel from China to its destination, revealed as time passes (compressed by `speed`), and a parcel's
 * track info as 17TRACK's API v2.4 answers it (`track_info`: shipping info, latest status and event, the carrier's
 * events newest first, times as Chinese carriers print them).
 * Scenarios: delivered, failed_then_delivered, returned, stalled, lost, invalid, wrong_country; unnamed, one is picked
 * from the number (mostly delivered).
 */
import { createHash } from 'node:crypto';
import { providerCarrierCode } from '../../core/data/tracking-carriers';
import { HOUR_MS } from '../../core/time';

export const SAMPLE_SCENARIOS = [
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
export function scenarioOf(number: string): SampleScenario {
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

export function trackInfoOf(parcel: SampleParcel, now: number, speed = 1) {
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
