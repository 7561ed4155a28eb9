/**
 * When buyers order: a daily curve in each buyer's own time zone (quiet before dawn, busy at lunch, the peak in the
 * evening), summed over the markets the demo shop sells to. Pure: the clock and the dice are passed in.
 */
import { DateTime } from 'luxon';

export interface BuyerMarket {
  country: string;
  zone: string;
  /** Share of the shop's orders (the shares of all markets add up to 1). */
  share: number;
  city: string;
  province: string;
  postcode: string;
  phoneCountry: string;
}

/** Where the demo shop's buyers live (addresses as the platform masks them). */
export const BUYER_MARKETS: readonly BuyerMarket[] = [
  {
    country: 'ES',
    zone: 'Europe/Madrid',
    share: 0.2,
    city: 'Madrid',
    province: 'Madrid',
    postcode: '28013',
    phoneCountry: '+34',
  },
  {
    country: 'FR',
    zone: 'Europe/Paris',
    share: 0.15,
    city: 'Lyon',
    province: 'Rhône',
    postcode: '69002',
    phoneCountry: '+33',
  },
  {
    country: 'PL',
    zone: 'Europe/Warsaw',
    share: 0.1,
    city: 'Kraków',
    province: 'Małopolskie',
    postcode: '31-042',
    phoneCountry: '+48',
  },
  {
    country: 'NL',
    zone: 'Europe/Amsterdam',
    share: 0.1,
    city: 'Utrecht',
    province: 'Utrecht',
    postcode: '3511 AB',
    phoneCountry: '+31',
  },
  {
    country: 'US',
    zone: 'America/Chicago',
    share: 0.25,
    city: 'Austin',
    province: 'Texas',
    postcode: '78701',
    phoneCountry: '+1',
  },
  {
    country: 'BR',
    zone: 'America/Sao_Paulo',
    share: 0.15,
    city: 'Campinas',
    province: 'São Paulo',
    postcode: '13010-111',
    phoneCountry: '+55',
  },
  {
    country: 'KR',
    zone: 'Asia/Seoul',
    share: 0.05,
    city: 'Seoul',
    province: 'Seoul',
    postcode: '04524',
    phoneCountry: '+82',
  },
];

/**
 * Relative demand at each local hour (index 0 = 00:00–01:00): the shape of a shopping day as marketplaces report
 * it — a trough around 04:00, a plateau over the working day, and the peak between 20:00 and 22:00.
 */
const HOURLY_DEMAND = [
  0.45, 0.3, 0.2, 0.15, 0.12, 0.15, 0.25, 0.45, 0.65, 0.75, 0.85, 0.95, 1.05, 1.0, 0.95, 0.95, 1.0, 1.1, 1.3, 1.6, 1.85,
  1.9, 1.5, 0.9,
];
const MEAN_DEMAND = HOURLY_DEMAND.reduce((sum, w) => sum + w, 0) / HOURLY_DEMAND.length;

/** Demand at a local time of day (hours, 0 ≤ h < 24), linear between hour midpoints; its daily mean is 1. */
export function demandAt(localHour: number): number {
  const h = ((localHour % 24) + 24) % 24;
  const position = h - 0.5;
  const lower = Math.floor(position);
  const fraction = position - lower;
  const a = HOURLY_DEMAND[(lower + 24) % 24]!;
  const b = HOURLY_DEMAND[(lower + 1) % 24]!;
  return (a + (b - a) * fraction) / MEAN_DEMAND;
}

export function localHourOf(at: number, zone: string): number {
  const local = DateTime.fromMillis(at, { zone });
  return local.hour + local.minute / 60 + local.second / 3600;
}

/** Expected orders per minute from one market at `at`, for a shop that sells `ordersPerDay` on an average day. */
export function arrivalRatePerMinute(at: number, market: BuyerMarket, ordersPerDay: number): number {
  return ((ordersPerDay * market.share) / (24 * 60)) * demandAt(localHourOf(at, market.zone));
}

/** A Poisson draw (Knuth's method; the rates here are well below 30 per draw). */
export function poisson(lambda: number, random: () => number): number {
  if (!(lambda > 0)) return 0;
  const limit = Math.exp(-lambda);
  let count = 0;
  let product = random();
  while (product > limit) {
    count++;
    product *= random();
  }
  return count;
}

/** The buyers whose orders arrive in the simulated minute starting at `minuteStart` (one entry per order). */
export function drawArrivals(
  minuteStart: number,
  ordersPerDay: number,
  random: () => number,
  markets: readonly BuyerMarket[] = BUYER_MARKETS,
): BuyerMarket[] {
  const arrivals: BuyerMarket[] = [];
  for (const market of markets) {
    const count = poisson(arrivalRatePerMinute(minuteStart + 30_000, market, ordersPerDay), random);
    for (let i = 0; i < count; i++) arrivals.push(market);
  }
  return arrivals;
}

/** mulberry32: small, fast and reproducible dice for the demo. */
export function demoRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
