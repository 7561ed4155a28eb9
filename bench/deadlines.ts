/**
 * npm run bench:deadlines
 * 1. The pure core: deadline + verdict for 1,000,000 orders (bench/deadlines-core.ts, run as a child).
 * 2. The at-risk query: the 100 most urgent open orders of one shop, among 1,000,000 open orders of 50
 *    shops, through the app's own query (Kysely, partial index), against the bare indexed
 *    `… ORDER BY ship_by_at LIMIT 100` on the same table through the raw driver, in the same process.
 *    Median and p99 on SQLite and PostgreSQL; also the full at-risk list (with each order's verdict).
 * Env: ORDERS (1,000,000), SHOPS (50), QUERIES (2,000).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createContext } from '../src/app/context';
import { atRisk, atRiskOrders } from '../src/app/deadlines';
import { migrateToLatest, openStore, type Store } from '../src/store/database';
import { OPEN_STATUS_LIST } from '../src/store/open-orders';
import { createScratchDatabase } from '../src/store/pg-admin';
import { seededRandom } from './lib/random';

const ORDERS = Number(process.env.ORDERS ?? 1_000_000);
const SHOPS = Number(process.env.SHOPS ?? 50);
const QUERIES = Number(process.env.QUERIES ?? 2_000);
const NOW = Date.UTC(2026, 10, 25, 12);
const BARE_SQL = (p: (i: number) => string) =>
  `SELECT * FROM orders WHERE shop_id = ${p(1)} AND status IN (${OPEN_STATUS_LIST}) AND ship_by_at IS NOT NULL ORDER BY ship_by_at, id LIMIT 100`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function time(label: string, run: (shop: string) => Promise<unknown>): Promise<{ median: number; p99: number }> {
  for (let i = 0; i < 100; i++) await run(`shop-${i % SHOPS}`); // warm up
  const samples: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const start = process.hrtime.bigint();
    await run(`shop-${i % SHOPS}`);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const result = { median: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
  console.log(`  ${label.padEnd(34)} median ${result.median.toFixed(3)} ms   p99 ${result.p99.toFixed(3)} ms`);
  return result;
}

function orderValues(i: number, random: () => number) {
  const paid = NOW - Math.floor(random() * 6 * 86_400_000);
  const shipBy = paid + (2 + Math.floor(random() * 8)) * 86_400_000 + Math.floor(random() * 86_400_000);
  return [
    `shop-${i % SHOPS}`,
    'aliexpress',
    String(9_000_000_000_000 + i),
    random() < 0.9 ? 'awaiting_shipment' : 'new',
    'USD',
    100 + Math.floor(random() * 5000),
    'Buyer',
    'ES',
    'Calle 1',
    'Madrid',
    3 + (i % 5),
    paid,
    paid + 3_600_000,
    shipBy,
    'computed',
    `h${i}`,
    NOW,
    NOW,
    'aliexpress_pop',
    1,
  ];
}
const COLUMNS =
  'shop_id, platform, platform_order_id, status, currency, total_amount, buyer_name, buyer_country, address_line1, city, handling_days, paid_at, risk_passed_at, ship_by_at, ship_by_source, content_hash, created_at, updated_at, policy_id, policy_version';

async function fill(store: Store): Promise<void> {
  await migrateToLatest(store);
  const random = seededRandom(7);
  const shops = Array.from({ length: SHOPS }, (_, i) => ({
    id: `shop-${i}`,
    name: `shop-${i}`,
    platform: 'aliexpress',
    created_at: NOW,
  }));
  await store.db.insertInto('shops').values(shops).execute();
  if (store.sqlite) {
    const insert = store.sqlite.prepare(
      `INSERT INTO orders (${COLUMNS}) VALUES (${COLUMNS.split(',')
        .map(() => '?')
        .join(',')})`,
    );
    store.sqlite.transaction(() => {
      for (let i = 0; i < ORDERS; i++) insert.run(orderValues(i, random));
    })();
    store.sqlite.exec('ANALYZE');
  } else {
    const client = new pg.Client({ connectionString: store.url });
    await client.connect();
    const width = COLUMNS.split(',').length;
    for (let start = 0; start < ORDERS; start += 2000) {
      const rows = Array.from({ length: Math.min(2000, ORDERS - start) }, (_, k) => orderValues(start + k, random));
      const placeholders = rows
        .map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(',')})`)
        .join(',');
      await client.query(`INSERT INTO orders (${COLUMNS}) VALUES ${placeholders}`, rows.flat());
    }
    await client.query('ANALYZE orders');
    await client.end();
  }
}

async function measure(name: string, store: Store) {
  console.log(`${name}: filling ${ORDERS.toLocaleString()} open orders of ${SHOPS} shops…`);
  const fillStart = performance.now();
  await fill(store);
  console.log(`  filled in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`);
  const ctx = createContext(store, () => NOW);
  let bare: { median: number; p99: number };
  if (store.sqlite) {
    const statement = store.sqlite.prepare(BARE_SQL(() => '?'));
    bare = await time('bare ORDER BY ship_by_at LIMIT 100', async (shop) => statement.all(shop));
  } else {
    const client = new pg.Client({ connectionString: store.url });
    await client.connect();
    bare = await time('bare ORDER BY ship_by_at LIMIT 100', (shop) =>
      client.query({ name: 'bare', text: BARE_SQL((i) => `$${i}`), values: [shop] }),
    );
    await client.end();
  }
  const query = await time('at-risk query (app)', (shop) =>
    atRiskOrders(store.db, { shopIds: [shop], limit: 100, now: NOW }),
  );
  const sample = await atRiskOrders(store.db, { shopIds: ['shop-0'], limit: 100, now: NOW });
  if (sample.length !== 100 || sample.some((o, i) => i > 0 && o.ship_by_at! < sample[i - 1]!.ship_by_at!))
    throw new Error('the at-risk query returned the wrong rows');
  const full = await time('at-risk list with verdicts', (shop) => atRisk(ctx, { shopIds: [shop], limit: 100 }));
  const ratio = query.median / bare.median;
  console.log(`  at-risk / bare (median) = ${ratio.toFixed(2)}× (target ≤ 2×)`);
  return { bare, query, withVerdicts: full, ratio: Number(ratio.toFixed(2)) };
}

const coreOut = execFileSync(
  process.execPath,
  [...process.execArgv, path.resolve('bench/deadlines-core.ts'), String(ORDERS)],
  { encoding: 'utf8' },
);
process.stdout.write(coreOut);
const core = JSON.parse(coreOut.trim().split('\n').at(-1)!);

const dir = path.resolve('bench/out');
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'deadlines.db');
for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
const sqliteStore = openStore(`sqlite:${file}`);
const sqlite = await measure('SQLite', sqliteStore);
await sqliteStore.close();
for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });

const scratch = await createScratchDatabase('shipby_bench');
let postgres: Awaited<ReturnType<typeof measure>> | undefined;
try {
  const pgStore = openStore(scratch.url, { poolSize: 2 });
  postgres = await measure('PostgreSQL', pgStore);
  await pgStore.close();
} finally {
  await scratch.drop();
}
console.log(
  JSON.stringify({
    bench: 'deadlines',
    orders: ORDERS,
    shops: SHOPS,
    queries: QUERIES,
    core,
    sqlite,
    postgres,
    targets: { ratio: 2, sqliteP99Ms: 10 },
  }),
);
