/**
 * Pure-core benchmark: ship-by deadline, "can I still ship?" verdict, and the order's situation (core/situation.ts,
 * which includes the verdict: the one truth every reader reads) for 1,000,000 orders across the shipped policies
 * (AliExpress POP with and without the platform countdown, semi-managed JIT and self-send, Amazon, Shopee and TikTok
 * business days), with a mix of open, late, shipped, cancelled, extended and waiting-for-stock orders. The target
 * (issue 14): situation + verdict ≥ 50,000 orders/s. Prints the figures; the last line is one JSON object.
 *
 * Run: npx tsx bench/deadlines-core.ts [orders]
 */
import { computeShipBy } from '../src/core/deadline';
import type { OrderFacts } from '../src/core/penalty';
import { situationOf } from '../src/core/situation';
import { verdict } from '../src/core/verdict';
import { builtInRegistry, type Policy } from '../src/core/policy';

const ORDERS = Number(process.argv[2] ?? 1_000_000);
const POOL = 100_000;
const H = 3_600_000;

// Deterministic pseudo-random numbers (mulberry32), so runs are comparable.
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
}
const between = (min: number, max: number) => min + Math.floor(random() * (max - min));

const registry = builtInRegistry();
const from = Date.parse('2025-01-01T00:00:00Z');
const to = Date.parse('2026-11-01T00:00:00Z');
const mix: Array<{ id: string; platformDeadline: boolean }> = [
  { id: 'aliexpress_pop', platformDeadline: true },
  { id: 'aliexpress_pop', platformDeadline: false },
  { id: 'aliexpress_semi_jit', platformDeadline: true },
  { id: 'aliexpress_semi_self_send', platformDeadline: false },
  { id: 'amazon_seller_fulfilled', platformDeadline: false },
  { id: 'shopee', platformDeadline: false },
  { id: 'tiktok_shop', platformDeadline: false },
];

const facts: OrderFacts[] = [];
const policies: Policy[] = [];
const nows: number[] = [];
for (let i = 0; i < POOL; i++) {
  const kind = mix[i % mix.length]!;
  const paidAt = between(from, to);
  const policy = registry.select(kind.id, paidAt);
  const order: OrderFacts = {
    paidAt,
    riskPassedAt: random() < 0.8 ? paidAt + between(0, 24 * H) : undefined,
    extensions: [],
    orderTotal: { amount: between(300, 12_000), currency: 'USD' },
    productPrice: { amount: between(200, 10_000), currency: 'USD' },
    margin: random() < 0.5 ? { amount: between(50, 2_000), currency: 'USD' } : undefined,
  };
  if (kind.platformDeadline) order.platformShipByAt = paidAt + between(48, 200) * H;
  if (random() < 0.3) order.handlingDays = between(1, 6);
  if (random() < 0.05)
    order.extensions = [{ hours: between(24, 120), agreedBy: 'buyer', agreedAt: paidAt + between(1, 48) * H }];
  const roll = random();
  if (roll < 0.2)
    order.trackingUploadedAt =
      order.handedOverAt =
      order.carrierScanAt =
      order.warehouseReceivedAt =
        paidAt + between(1, 200) * H;
  else if (roll < 0.22) {
    order.cancelledAt = paidAt + between(1, 48) * H;
    order.cancelledBy = 'seller';
  } else if (roll < 0.27) {
    order.stock = { skus: ['SKU-1'], expectedAt: random() < 0.5 ? null : paidAt + between(12, 150) * H };
  }
  facts.push(order);
  policies.push(policy);
  nows.push(paidAt + between(0, 12 * 24) * H);
}

function run(
  label: string,
  step: (i: number) => number,
): { seconds: number; cpuSeconds: number; perSecond: number; perCpuSecond: number } {
  for (let i = 0; i < 20_000; i++) step(i); // warm-up: JIT, zone offset and calendar caches
  let checksum = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < ORDERS; i++) checksum += step(i);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  // CPU time includes the collector's helper threads; wall time suffers when the machine is shared.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const perSecond = Math.round(ORDERS / seconds);
  const perCpuSecond = Math.round(ORDERS / cpuSeconds);
  console.log(
    `${label}: ${ORDERS.toLocaleString('en')} orders in ${seconds.toFixed(2)} s wall (${cpuSeconds.toFixed(2)} s CPU) = ` +
      `${perSecond.toLocaleString('en')} orders/s (${perCpuSecond.toLocaleString('en')} per CPU-second; checksum ${checksum % 1000})`,
  );
  return { seconds, cpuSeconds, perSecond, perCpuSecond };
}

const deadline = run('deadline (computeShipBy)', (i) => {
  const k = i % POOL;
  return computeShipBy(facts[k]!, policies[k]!).shipByAt % 7;
});
const judged = run('verdict (includes its own deadline)', (i) => {
  const k = i % POOL;
  return verdict(facts[k]!, policies[k]!, nows[k]! + (i >= POOL ? (i % 5) * H : 0)).sentences.length;
});
const situated = run('situation (includes the verdict and its deadline)', (i) => {
  const k = i % POOL;
  return situationOf(facts[k]!, policies[k]!, nows[k]! + (i >= POOL ? (i % 5) * H : 0)).reasons.length;
});
const TARGET = 50_000;
console.log(
  `situation + verdict: ${situated.perSecond.toLocaleString('en')} orders/s against the target of ${TARGET.toLocaleString('en')} (${(situated.perSecond / TARGET).toFixed(2)}×)`,
);
const combinedPerSecond = Math.round(ORDERS / (deadline.seconds + judged.seconds));
const combinedPerCpuSecond = Math.round(ORDERS / (deadline.cpuSeconds + judged.cpuSeconds));
console.log(
  `deadline + verdict: ${combinedPerSecond.toLocaleString('en')} orders/s (${combinedPerCpuSecond.toLocaleString('en')} per CPU-second)`,
);
console.log(
  JSON.stringify({
    orders: ORDERS,
    deadline_orders_per_s: deadline.perSecond,
    verdict_orders_per_s: judged.perSecond,
    deadline_plus_verdict_orders_per_s: combinedPerSecond,
    deadline_plus_verdict_orders_per_cpu_s: combinedPerCpuSecond,
    situation_orders_per_s: situated.perSecond,
    situation_orders_per_cpu_s: situated.perCpuSecond,
    situation_vs_target: Number((situated.perSecond / TARGET).toFixed(2)),
  }),
);
