/**
 * Quote and choose a carrier service for 100,000 parcels against the 8 sample services and 200 seller rules.
 * Prints parcels per second and p50/p99 latency per parcel; the last line is a JSON object of the figures.
 * Run: npx tsx bench/ship.ts [parcels]
 */
import {
  chooseService,
  compileRulesFor,
  compileServices,
  type ChoiceBasis,
  type ShipmentParcel,
  type ShippingContext,
} from '../src/core/carrier/choose';
import { LOGISTICS_CLASSES, type LogisticsClass } from '../src/core/carrier/logistics-class';
import type { ShippingRule } from '../src/core/carrier/rules';
import { SAMPLE_CARRIER_SERVICES } from '../src/core/data/carriers/index';
import { seededRandom } from './lib/random';

const PARCELS = Number(process.argv[2] ?? 100_000);
const RULES = 200;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Deterministic PRNG so every run measures the same work.
const random = seededRandom(20250604);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

const COUNTRIES = [
  'US',
  'US',
  'US',
  'RU',
  'RU',
  'BR',
  'ES',
  'FR',
  'DE',
  'GB',
  'PL',
  'NL',
  'IT',
  'KR',
  'JP',
  'AU',
  'CA',
  'MX',
  'CL',
  'IL',
  'SA',
  'UA',
  'KZ',
  'TR',
  'ZA',
  'NG',
  'EG',
  'AR',
  'NZ',
  'SE',
];
const SKUS = Array.from({ length: 500 }, (_, i) => `SKU-${i}`);
const SHOPS = Array.from({ length: 20 }, (_, i) => `shop-${i}`);
const serviceCodes = SAMPLE_CARRIER_SERVICES.map((s) => s.code);

// Rules look like sellers' rules: mostly per destination, narrowed by weight, SKU, shop, class or value;
// a few catch-alls at the end of the list.
function makeRule(i: number): ShippingRule {
  const when: ShippingRule['when'] = {};
  const catchAll = i >= RULES - 3;
  if (!catchAll) {
    if (random() < 0.85) when.countries = Array.from({ length: between(1, 3) }, () => pick(COUNTRIES));
    const narrowing = random();
    if (narrowing < 0.4) {
      const lo = between(0, 1500);
      when.minWeightG = lo;
      when.maxWeightG = lo + between(100, 2000);
    } else if (narrowing < 0.6) when.skus = Array.from({ length: between(1, 8) }, () => pick(SKUS));
    else if (narrowing < 0.75) when.shops = [pick(SHOPS)];
    else if (narrowing < 0.9) when.buyerLogisticsClasses = [pick(LOGISTICS_CLASSES)];
    else when.maxValue = { amount: between(2_000, 50_000), currency: 'CNY' };
  } else {
    when.minWeightG = 2_000 * (i - (RULES - 3)) + 1_000;
  }
  return { id: `rule-${i}`, name: `Rule ${i}`, when, service: pick(serviceCodes) };
}

function makeParcel(): { parcel: ShipmentParcel; context: ShippingContext } {
  const weight = Math.round(Math.exp(Math.log(20) + random() * (Math.log(8_000) - Math.log(20))));
  const side = Math.cbrt(weight * 4_000); // mm: denser items are smaller
  const buyer: LogisticsClass | undefined =
    random() < 0.8 ? pick(['economy', 'standard', 'standard', 'standard', 'premium'] as const) : undefined;
  const parcel: ShipmentParcel = {
    destinationCountry: pick(COUNTRIES),
    grossWeightG: weight,
    dimsMm: [
      Math.round(side * (1 + random())),
      Math.round(side * (0.6 + random() * 0.6)),
      Math.max(5, Math.round(side * 0.5 * random())),
    ],
    declaredValue: { amount: between(500, 80_000), currency: 'CNY' },
    skus: [pick(SKUS), pick(SKUS)],
    shop: pick(SHOPS),
    batteries: random() < 0.1 ? (random() < 0.3 ? 'standalone' : 'contained') : 'none',
    liquids: random() < 0.03,
    ...(buyer ? { buyerLogisticsClass: buyer } : {}),
  };
  const now = Date.UTC(2025, 5, 2) + Math.floor(random() * 7 * DAY); // a week of orders
  const context: ShippingContext = {
    now,
    remainingWorkMs: between(0, 8) * HOUR,
    shipByAt: now + between(1, 5) * DAY,
    promisedDeliveryAt: now + between(12, 45) * DAY,
  };
  return { parcel, context };
}

const rules = Array.from({ length: RULES }, (_, i) => makeRule(i));
const compileStart = performance.now();
const services = compileServices(SAMPLE_CARRIER_SERVICES);
const compiledRules = compileRulesFor(rules, services);
const compileMs = performance.now() - compileStart;

const inputs = Array.from({ length: PARCELS }, makeParcel);
const warmup = Array.from({ length: 10_000 }, makeParcel);
for (const { parcel, context } of warmup) chooseService(parcel, services, compiledRules, context);

const latencies = new Float64Array(PARCELS);
const bases: Record<ChoiceBasis, number> = { rule: 0, 'cheapest-on-time': 0, 'fastest-late': 0, none: 0 };
let checksum = 0;
const cpuStart = process.cpuUsage();
const start = process.hrtime.bigint();
for (let i = 0; i < PARCELS; i++) {
  const { parcel, context } = inputs[i]!;
  const t0 = process.hrtime.bigint();
  const choice = chooseService(parcel, services, compiledRules, context);
  latencies[i] = Number(process.hrtime.bigint() - t0) / 1_000; // µs
  bases[choice.basis]++;
  checksum += choice.cost?.amount ?? 0;
}
const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
const cpu = process.cpuUsage(cpuStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
const meanUs = latencies.reduce((sum, x) => sum + x, 0) / PARCELS;
latencies.sort();
const quantile = (q: number) => latencies[Math.min(PARCELS - 1, Math.floor(q * PARCELS))]!;
const parcelsPerSecond = Math.round(PARCELS / (totalMs / 1000));
const p50Us = Math.round(quantile(0.5) * 10) / 10;
const p99Us = Math.round(quantile(0.99) * 10) / 10;
const p999Us = Math.round(quantile(0.999) * 10) / 10;
const maxUs = Math.round(latencies[PARCELS - 1]! * 10) / 10;
// CPU time of this process: on a shared machine wall-clock throughput also measures the neighbours.
const parcelsPerCpuSecond = Math.round(PARCELS / (cpuMs / 1000));

console.log(`services: ${SAMPLE_CARRIER_SERVICES.length}, rules: ${RULES}, compile: ${compileMs.toFixed(1)} ms`);
console.log(`parcels: ${PARCELS} in ${totalMs.toFixed(0)} ms → ${parcelsPerSecond.toLocaleString('en')} parcels/s`);
console.log(
  `per parcel: p50 ${p50Us} µs, p99 ${p99Us} µs, p99.9 ${p999Us} µs, max ${maxUs} µs, mean ${meanUs.toFixed(1)} µs`,
);
console.log(`process CPU: ${cpuMs.toFixed(0)} ms → ${parcelsPerCpuSecond.toLocaleString('en')} parcels per CPU second`);
console.log(
  `chosen by rule ${bases.rule}, cheapest on time ${bases['cheapest-on-time']}, fastest but late ${bases['fastest-late']}, none ${bases.none}`,
);
console.log(
  JSON.stringify({
    parcels: PARCELS,
    services: SAMPLE_CARRIER_SERVICES.length,
    rules: RULES,
    compileMs: Math.round(compileMs * 10) / 10,
    totalMs: Math.round(totalMs),
    parcelsPerSecond,
    p50Us,
    p99Us,
    p999Us,
    maxUs,
    meanUs: Math.round(meanUs * 10) / 10,
    cpuMs: Math.round(cpuMs),
    parcelsPerCpuSecond,
    byRule: bases.rule,
    cheapestOnTime: bases['cheapest-on-time'],
    fastestLate: bases['fastest-late'],
    none: bases.none,
    costChecksum: checksum,
  }),
);
