/**
 * npm run bench:stock — reserves stock for ORDERS orders (default 200,000) through the app's own use case
 * (`reserveOrders`: lock orders, plan, conditional UPDATE, reservations, ledger, events, all in one
 * transaction per batch) in a contended run: 1,000 SKUs with Zipf popularity, scarce enough that some orders
 * must wait, on PostgreSQL with 8 connections at once and on SQLite. In the same process it measures the bare
 * single-row `UPDATE … SET reserved = reserved + n WHERE … AND on_hand - reserved >= n` (one statement per
 * transaction, the smallest durable reservation) as the limit, and checks afterwards that nothing is oversold
 * and the ledger and reservations add up.
 *
 *   ORDERS (200000), SKUS (1000), CONNECTIONS (8), BATCH (orders per transaction, 500 — the import's batch), BARE_SECONDS (5),
 *   SINGLE (orders first reserved one per transaction, as `accept` does, 2000), BACKENDS ("postgres,sqlite"), ZIPF_S (1.0)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createContext, type AppContext } from '../src/app/context';
import { auditStock } from '../src/app/stock';
import { reserveOrders } from '../src/app/stock-reservations';
import { migrateToLatest, openStore, type Store } from '../src/store/database';
import { createScratchDatabase } from '../src/store/pg-admin';
import { seededRandom } from './lib/random';

const ORDERS = Number(process.env.ORDERS ?? 200_000);
const SKUS = Number(process.env.SKUS ?? 1000);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 8);
const BATCH = Number(process.env.BATCH ?? 500);
const SINGLE = Number(process.env.SINGLE ?? 2000);
const BARE_SECONDS = Number(process.env.BARE_SECONDS ?? 5);
const ZIPF_S = Number(process.env.ZIPF_S ?? 1);
const BACKENDS = (process.env.BACKENDS ?? 'postgres,sqlite').split(',').map((b) => b.trim());
const WAREHOUSES = ['WH-SZ', 'WH-MAD'] as const;
const NOW = Date.UTC(2026, 10, 25, 6);

/** Zipf over 1..n: P(k) ∝ 1 / k^s, sampled by binary search on the cumulative weights. */
function zipf(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 1; k <= n; k++) cdf[k - 1] = total += 1 / k ** s;
  for (let i = 0; i < n; i++) cdf[i]! /= total;
  return () => {
    const r = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! >= r) hi = mid;
      else lo = mid + 1;
    }
    return lo + 1;
  };
}

const skuName = (k: number) => `SKU-${String(k).padStart(4, '0')}`;

interface Workload {
  /** Per order: its lines as [sku, quantity]. Every 20th line is a bundle KIT-n = 1 × SKU-n + 1 × SKU-(n+1). */
  orders: Array<Array<[string, number]>>;
  /** on_hand per SKU per warehouse: ~85 % of the expected demand, so the popular SKUs run out. */
  stock: Map<string, [number, number]>;
}

function workload(): Workload {
  const random = seededRandom(4242);
  const pickSku = zipf(SKUS, ZIPF_S, random);
  const demand = new Map<string, number>();
  const orders: Workload['orders'] = [];
  for (let i = 0; i < ORDERS; i++) {
    const lines: Array<[string, number]> = [];
    const count = random() < 0.8 ? 1 : 2;
    const used = new Set<string>();
    for (let l = 0; l < count; l++) {
      const k = pickSku();
      const bundle = random() < 0.05 && k < SKUS;
      const sku = bundle ? `KIT-${k}` : skuName(k);
      if (used.has(sku)) continue;
      used.add(sku);
      const quantity = random() < 0.85 ? 1 : 2;
      lines.push([sku, quantity]);
      for (const part of bundle ? [skuName(k), skuName(k + 1)] : [sku])
        demand.set(part, (demand.get(part) ?? 0) + quantity);
    }
    orders.push(lines);
  }
  const stock = new Map<string, [number, number]>();
  for (let k = 1; k <= SKUS; k++) {
    const total = Math.floor((demand.get(skuName(k)) ?? 0) * 0.85);
    const sz = Math.ceil(total * 0.6);
    stock.set(skuName(k), [sz, total - sz]);
  }
  return { orders, stock };
}

/** Catalogue, stock and the orders (accepted before stock was tracked: awaiting shipment, nothing reserved), not timed. */
async function seed(store: Store, w: Workload): Promise<number[]> {
  const db = store.db;
  await db
    .insertInto('shops')
    .values({ id: 'bench', name: 'bench', platform: 'aliexpress', created_at: NOW } as never)
    .execute();
  await db
    .insertInto('warehouses')
    .values([
      {
        id: 'WH-SZ',
        name: 'Shenzhen',
        kind: 'domestic',
        country: 'CN',
        time_zone: 'Asia/Shanghai',
        cutoff_time: '16:00',
        created_at: NOW,
        updated_at: NOW,
      },
      {
        id: 'WH-MAD',
        name: 'Madrid',
        kind: 'overseas',
        country: 'ES',
        time_zone: 'Europe/Madrid',
        cutoff_time: '12:00',
        created_at: NOW,
        updated_at: NOW,
      },
    ])
    .execute();
  const skuRows = [...w.stock.keys()].map((sku) => ({
    sku,
    product_id: null,
    name: sku,
    lead_days: 7,
    safety_days: 3,
    cycle_days: 14,
    created_at: NOW,
    updated_at: NOW,
  }));
  for (let i = 0; i < skuRows.length; i += 500)
    await db
      .insertInto('skus')
      .values(skuRows.slice(i, i + 500))
      .execute();
  const mappings = [];
  for (let k = 1; k < SKUS; k++)
    mappings.push(
      { shop_id: 'bench', platform_sku: `KIT-${k}`, sku: skuName(k), units: 1 },
      { shop_id: 'bench', platform_sku: `KIT-${k}`, sku: skuName(k + 1), units: 1 },
    );
  for (let i = 0; i < mappings.length; i += 1000)
    await db
      .insertInto('sku_mappings')
      .values(mappings.slice(i, i + 1000))
      .execute();
  const levels = [];
  const movements = [];
  for (const [sku, onHands] of w.stock) {
    for (const [i, onHand] of onHands.entries()) {
      levels.push({
        warehouse_id: WAREHOUSES[i]!,
        sku,
        on_hand: onHand,
        reserved: 0,
        low_stock_threshold: 0,
        updated_at: NOW,
      });
      movements.push({
        at: NOW,
        warehouse_id: WAREHOUSES[i]!,
        sku,
        kind: 'import',
        on_hand_delta: onHand,
        reserved_delta: 0,
        reason: 'counted',
        order_id: null,
        purchase_order_id: null,
        actor: 'bench',
        note: null,
      });
    }
  }
  for (let i = 0; i < levels.length; i += 1000)
    await db
      .insertInto('stock_levels')
      .values(levels.slice(i, i + 1000))
      .execute();
  for (let i = 0; i < movements.length; i += 1000)
    await db
      .insertInto('stock_movements')
      .values(movements.slice(i, i + 1000))
      .execute();

  const random = seededRandom(7);
  const ids: number[] = [];
  const chunk = 500; // 33 columns: SQLite allows 32766 bound parameters per statement
  for (let start = 0; start < w.orders.length; start += chunk) {
    const slice = w.orders.slice(start, start + chunk);
    const rows = slice.map((_, j) => {
      const n = start + j;
      return {
        shop_id: 'bench',
        platform: 'aliexpress',
        platform_order_id: `B${n}`,
        status: 'awaiting_shipment',
        platform_status: 'WAIT_SELLER_SEND_GOODS',
        currency: 'USD',
        total_amount: 999,
        buyer_name: 'Buyer',
        buyer_country: random() < 0.3 ? 'ES' : 'FR',
        address_line1: 'a',
        city: 'c',
        postcode: null,
        phone: null,
        handling_days: 5,
        logistics_service: null,
        paid_at: NOW - 86_400_000,
        risk_passed_at: NOW - 86_400_000,
        ship_by_at: NOW + Math.floor(random() * 5 * 86_400_000),
        ship_by_source: 'platform',
        platform_ship_by_at: null,
        accepted_at: NOW,
        packed_at: null,
        handed_over_at: null,
        tracking_uploaded_at: null,
        first_scan_at: null,
        delivered_at: null,
        receipt_confirmed_at: null,
        cancelled_at: null,
        closed_at: null,
        content_hash: `h${n}`,
        version: 1,
        created_at: NOW,
        updated_at: NOW,
      };
    });
    const inserted = await db
      .insertInto('orders')
      .values(rows as never)
      .returning(['id'])
      .execute();
    const lines = [];
    for (const [j, r] of inserted.entries()) {
      ids.push(r.id);
      for (const [l, [sku, quantity]] of slice[j]!.entries())
        lines.push({ order_id: r.id, line_no: l + 1, sku, quantity, unit_price: 499 });
    }
    await db.insertInto('order_lines').values(lines).execute();
  }
  return ids;
}

interface RunFigures {
  orders: number;
  seconds: number;
  /** This process's CPU (user + system) per order: the client's share, apart from waiting. */
  cpuMicrosPerOrder: number;
  reservationsPerSecond: number;
  reserved: number;
  waiting: number;
}

/** `workers` loops, each reserving the next batch of orders until none are left. */
async function reserveAll(ctx: AppContext, ids: number[], workers: number, batch: number): Promise<RunFigures> {
  let next = 0;
  let reserved = 0;
  let waiting = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < ids.length) {
        const slice = ids.slice(next, next + batch);
        next += batch;
        const report = await reserveOrders(ctx, slice, 'bench');
        reserved += report.reserved.length;
        waiting += report.waiting.length;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    orders: ids.length,
    seconds,
    cpuMicrosPerOrder: (used.user + used.system) / ids.length,
    reservationsPerSecond: ids.length / seconds,
    reserved,
    waiting,
  };
}

/** The limit: single-row conditional UPDATEs, one per transaction, on a copy of the stock table. */
async function bareSqlite(store: Store, seconds: number): Promise<number> {
  const db = store.sqlite!;
  db.exec(
    'CREATE TABLE bare_levels AS SELECT * FROM stock_levels; CREATE UNIQUE INDEX bare_levels_pk ON bare_levels (warehouse_id, sku); UPDATE bare_levels SET on_hand = 1000000000, reserved = 0',
  );
  const update = db.prepare(
    'UPDATE bare_levels SET reserved = reserved + ? WHERE warehouse_id = ? AND sku = ? AND on_hand - reserved >= ?',
  );
  const pick = zipf(SKUS, ZIPF_S, seededRandom(99));
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) update.run(1, WAREHOUSES[i & 1], skuName(pick()), 1);
    done += 1000;
  }
  return done / ((performance.now() - start) / 1000);
}

async function barePostgres(url: string, seconds: number): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('CREATE TABLE bare_levels (LIKE stock_levels INCLUDING ALL)');
  await admin.query(
    'INSERT INTO bare_levels SELECT warehouse_id, sku, 1000000000, 0, low_stock_threshold, updated_at FROM stock_levels',
  );
  await admin.end();
  const clients = await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    clients.map(async (c, w) => {
      const pick = zipf(SKUS, ZIPF_S, seededRandom(100 + w));
      while (performance.now() < end) {
        await c.query({
          name: 'bare',
          text: 'UPDATE bare_levels SET reserved = reserved + $1 WHERE warehouse_id = $2 AND sku = $3 AND on_hand - reserved >= $1',
          values: [1, WAREHOUSES[done & 1], skuName(pick())],
        });
        done++;
      }
    }),
  );
  const rate = done / ((performance.now() - start) / 1000);
  await Promise.all(clients.map((c) => c.end()));
  return rate;
}

async function verify(ctx: AppContext) {
  const db = ctx.store.db;
  const levels = await db.selectFrom('stock_levels').select(['on_hand', 'reserved']).execute();
  const oversold = levels.reduce((sum, l) => sum + Math.max(0, l.reserved - l.on_hand), 0);
  const problems = await auditStock(ctx);
  const unsettled = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'awaiting_shipment')
    .where((eb) =>
      eb.not(
        eb.exists(eb.selectFrom('stock_reservations as r').select('r.id').whereRef('r.order_id', '=', 'orders.id')),
      ),
    )
    .executeTakeFirstOrThrow();
  return {
    oversold,
    auditProblems: problems.length,
    unsettled: Number(unsettled.n),
    firstProblem: problems[0]?.detail,
  };
}

async function runBackend(name: string, w: Workload) {
  let store: Store;
  let cleanup: () => Promise<void>;
  let url: string;
  if (name === 'postgres') {
    const scratch = await createScratchDatabase('shipby_bench_stock');
    url = scratch.url;
    store = openStore(url, { poolSize: CONNECTIONS });
    cleanup = async () => {
      await store.close();
      await scratch.drop();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipby-bench-stock-'));
    url = `sqlite:${path.join(dir, 'stock.db')}`;
    store = openStore(url);
    cleanup = async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  try {
    await migrateToLatest(store);
    const seedStart = performance.now();
    const ids = await seed(store, w);
    // A live database has planner statistics; a freshly bulk-loaded one has none until autovacuum gets to it.
    const { sql } = await import('kysely');
    await sql`ANALYZE`.execute(store.db);
    console.log(
      `${name}: seeded ${ids.length.toLocaleString()} orders, ${SKUS} SKUs × ${WAREHOUSES.length} warehouses in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );
    const ctx = createContext(store, () => NOW);
    // SQLite has one writer: concurrent transactions on one connection only queue, so it runs one worker.
    const workers = name === 'postgres' ? CONNECTIONS : 1;
    // First a slice one order per transaction (the accept path), then the rest in batches (import, sync, sweep).
    const single = await reserveAll(ctx, ids.slice(0, SINGLE), workers, 1);
    const run = await reserveAll(ctx, ids.slice(SINGLE), workers, BATCH);
    const check = await verify(ctx);
    if (check.unsettled) throw new Error(`${check.unsettled} orders were neither reserved nor waiting`);
    const bare = name === 'postgres' ? await barePostgres(url, BARE_SECONDS) : await bareSqlite(store, BARE_SECONDS);
    const ratio = run.reservationsPerSecond / bare;
    console.log(
      `${name}: ${run.orders.toLocaleString()} orders batched in ${run.seconds.toFixed(1)} s = ${Math.round(run.reservationsPerSecond).toLocaleString()} orders/s ` +
        `(${workers} connection${workers > 1 ? 's' : ''}, ${BATCH} per transaction; ${run.reserved.toLocaleString()} reserved, ${run.waiting.toLocaleString()} waiting; ${run.cpuMicrosPerOrder.toFixed(1)} µs of CPU here per order)`,
    );
    console.log(
      `${name}: one order per transaction (accept): ${single.orders.toLocaleString()} orders at ${Math.round(single.reservationsPerSecond).toLocaleString()} orders/s = ${((single.reservationsPerSecond / bare) * 100).toFixed(0)} % of the limit`,
    );
    console.log(
      `${name}: bare conditional UPDATE, one per transaction: ${Math.round(bare).toLocaleString()}/s → batched ${(ratio * 100).toFixed(0)} % of the limit (target ≥ 50 %)`,
    );
    console.log(
      `${name}: oversold units ${check.oversold}, audit problems ${check.auditProblems}${check.firstProblem ? ` (${check.firstProblem})` : ''}, orders left unsettled ${check.unsettled}`,
    );
    return {
      orders: run.orders + single.orders,
      seconds: Number(run.seconds.toFixed(2)),
      reservationsPerSecond: Math.round(run.reservationsPerSecond),
      bareUpdatesPerSecond: Math.round(bare),
      ratio: Number(ratio.toFixed(3)),
      singleOrderPerSecond: Math.round(single.reservationsPerSecond),
      singleRatio: Number((single.reservationsPerSecond / bare).toFixed(3)),
      cpuMicrosPerOrder: Number(run.cpuMicrosPerOrder.toFixed(1)),
      reserved: run.reserved + single.reserved,
      waiting: run.waiting + single.waiting,
      oversold: check.oversold,
      auditProblems: check.auditProblems,
      unsettled: check.unsettled,
      connections: workers,
      batch: BATCH,
    };
  } finally {
    await cleanup();
  }
}

const w = workload();
console.log(
  `workload: ${ORDERS.toLocaleString()} orders over ${SKUS} SKUs (Zipf s=${ZIPF_S}), stock ≈ 85 % of demand, batches of ${BATCH}`,
);
const figures: Record<string, unknown> = { orders: ORDERS, skus: SKUS, batch: BATCH };
for (const backend of BACKENDS) figures[backend] = await runBackend(backend, w);
const ok = BACKENDS.every((b) => {
  const f = figures[b] as { ratio: number; oversold: number; auditProblems: number };
  return f.ratio >= 0.5 && f.oversold === 0 && f.auditProblems === 0;
});
figures.meetsTarget = ok;
console.log(JSON.stringify(figures));
