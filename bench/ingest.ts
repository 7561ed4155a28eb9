/**
 * npm run bench:ingest — imports generated orders through the CLI's own code path (importOrderFile)
 * and compares the rate with a bare batched insert of the same rows on the same schema.
 *   ORDERS (default 1,000,000) into a fresh SQLite file; PG_ORDERS (default 100,000) into a fresh PostgreSQL database.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createContext } from '../src/app/context';
import { importOrderFile } from '../src/app/import-orders';
import { deadlineFactsOf, deadlineFor, resolverFor } from '../src/app/policies';
import { orderContentHash } from '../src/core/order-facts';
import {
  orderTotal,
  parseLineFields,
  parseOrderFields,
  type ImportIssue,
  type OrderInput,
} from '../src/core/order-input';
import { migrateToLatest, openStore, type Store } from '../src/store/database';
import { createScratchDatabase } from '../src/store/pg-admin';
import { csvHeader, csvLine, generateOrderRows } from './lib/generate-orders';

const ORDERS = Number(process.env.ORDERS ?? 1_000_000);
const PG_ORDERS = Number(process.env.PG_ORDERS ?? 100_000);
const OUT = path.resolve('bench/out');
fs.mkdirSync(OUT, { recursive: true });

async function writeCsv(file: string, count: number): Promise<number> {
  const out = fs.createWriteStream(file);
  let rows = 0;
  let buffer = csvHeader();
  for (const order of generateOrderRows(count)) {
    for (const row of order) {
      buffer += csvLine(row);
      rows++;
    }
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((r) => out.once('drain', () => r()));
      buffer = '';
    }
  }
  out.write(buffer);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return rows;
}

/** Order, line and event rows exactly as the import writes them, built outside the timed part. */
const resolver = await resolverFor({
  id: 'bench',
  platform: 'aliexpress',
  policy_id: null,
  policy_by_type: null,
  policy_overrides: null,
});

function* bareChunks(count: number, chunk: number) {
  let orders: unknown[][] = [];
  let lines: Array<[string, number, string, number, number]> = [];
  const now = Date.now();
  for (const group of generateOrderRows(count)) {
    const issues: ImportIssue[] = [];
    const fields = parseOrderFields(group[0]!, 2, issues)!;
    const order: OrderInput = {
      ...fields,
      lines: group.map((raw, i) => parseLineFields(raw, i + 2, fields.currency, issues)!),
    };
    const deadline = deadlineFor(resolver, deadlineFactsOf(order));
    orders.push([
      'bench',
      order.platform,
      order.platformOrderId,
      order.status,
      order.platformStatus,
      order.currency,
      orderTotal(order),
      order.buyer.name,
      order.buyer.country,
      order.buyer.addressLine1,
      order.buyer.city,
      order.buyer.postcode,
      order.buyer.phone,
      order.handlingDays,
      order.logisticsService,
      order.paidAt,
      order.riskPassedAt,
      deadline.shipBy?.shipByAt ?? null,
      deadline.shipBy?.source ?? null,
      order.platformShipByAt,
      order.status === 'awaiting_shipment' ? now : null,
      orderContentHash(order),
      1,
      now,
      now,
      deadline.policy.id,
      deadline.policy.version,
    ]);
    order.lines.forEach((l, i) => lines.push([order.platformOrderId, i + 1, l.sku, l.quantity, l.unitPrice]));
    if (orders.length >= chunk) {
      yield { orders, lines };
      orders = [];
      lines = [];
    }
  }
  if (orders.length) yield { orders, lines };
}

const ORDER_COLUMNS =
  'shop_id, platform, platform_order_id, status, platform_status, currency, total_amount, buyer_name, buyer_country, address_line1, city, postcode, phone, handling_days, logistics_service, paid_at, risk_passed_at, ship_by_at, ship_by_source, platform_ship_by_at, accepted_at, content_hash, version, created_at, updated_at, policy_id, policy_version';

async function bareSqlite(file: string, count: number): Promise<number> {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  const store = openStore(`sqlite:${file}`);
  await migrateToLatest(store);
  const db = store.sqlite!;
  db.prepare("INSERT INTO shops (id, name, platform, created_at) VALUES ('bench', 'bench', 'aliexpress', 0)").run();
  const insertOrder = db.prepare(
    `INSERT INTO orders (${ORDER_COLUMNS}) VALUES (${ORDER_COLUMNS.split(',')
      .map(() => '?')
      .join(', ')})`,
  );
  const insertLine = db.prepare(
    'INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price) VALUES (?, ?, ?, ?, ?)',
  );
  const insertEvent = db.prepare(
    "INSERT INTO order_events (order_id, parcel_id, at, actor, kind, to_state, data) VALUES (?, NULL, ?, 'import', 'created', ?, ?)",
  );
  let elapsed = 0;
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  begin.run();
  for (const { orders, lines } of bareChunks(count, 10_000)) {
    const start = process.hrtime.bigint();
    const ids = new Map<string, number | bigint>();
    for (const o of orders) {
      const id = insertOrder.run(...o).lastInsertRowid;
      ids.set(o[2] as string, id);
      insertEvent.run(id, o[23], o[3], '{"source":"bench"}');
    }
    for (const l of lines) insertLine.run(ids.get(l[0]), l[1], l[2], l[3], l[4]);
    elapsed += Number(process.hrtime.bigint() - start) / 1e6;
  }
  const start = process.hrtime.bigint();
  commit.run();
  elapsed += Number(process.hrtime.bigint() - start) / 1e6;
  await store.close();
  return count / (elapsed / 1000);
}

async function barePostgres(url: string, count: number): Promise<number> {
  const store = openStore(url, { poolSize: 1 });
  await migrateToLatest(store);
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: url });
  await client.connect();
  await client.query("INSERT INTO shops (id, name, platform, created_at) VALUES ('bench', 'bench', 'aliexpress', 0)");
  let elapsed = 0;
  await client.query('BEGIN');
  const width = ORDER_COLUMNS.split(',').length;
  for (const { orders, lines } of bareChunks(count, 1000)) {
    const start = process.hrtime.bigint();
    const placeholders = orders
      .map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(',')})`)
      .join(',');
    const inserted = await client.query(
      `INSERT INTO orders (${ORDER_COLUMNS}) VALUES ${placeholders} RETURNING id, platform_order_id`,
      orders.flat(),
    );
    const ids = new Map(
      inserted.rows.map((r: { id: number; platform_order_id: string }) => [r.platform_order_id, r.id]),
    );
    const lp = lines.map((_, r) => `($${r * 5 + 1},$${r * 5 + 2},$${r * 5 + 3},$${r * 5 + 4},$${r * 5 + 5})`).join(',');
    await client.query(
      `INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price) VALUES ${lp}`,
      lines.flatMap((l) => [ids.get(l[0]), l[1], l[2], l[3], l[4]]),
    );
    const ep = orders
      .map((_, r) => `($${r * 3 + 1},$${r * 3 + 2},'import','created',$${r * 3 + 3},'{"source":"bench"}')`)
      .join(',');
    await client.query(
      `INSERT INTO order_events (order_id, at, actor, kind, to_state, data) VALUES ${ep}`,
      orders.flatMap((o) => [ids.get(o[2] as string), o[23], o[3]]),
    );
    elapsed += Number(process.hrtime.bigint() - start) / 1e6;
  }
  const start = process.hrtime.bigint();
  await client.query('COMMIT');
  elapsed += Number(process.hrtime.bigint() - start) / 1e6;
  await client.end();
  await store.close();
  return count / (elapsed / 1000);
}

async function timedImport(store: Store, file: string) {
  await migrateToLatest(store);
  const ctx = createContext(store);
  const start = performance.now();
  const report = await importOrderFile(ctx, { shopId: 'bench', file });
  const seconds = (performance.now() - start) / 1000;
  if (!report.committed || report.created !== report.orders)
    throw new Error(`import failed: ${JSON.stringify(report.issues.slice(0, 3))}`);
  return { seconds, orders: report.orders, rate: report.orders / seconds };
}

// The file is written by a child process, so this process's peak RSS is the import's, not the generator's.
if (process.argv[2] === '--write-csv') {
  await writeCsv(process.argv[3]!, Number(process.argv[4]));
  process.exit(0);
}
function generate(file: string, count: number): void {
  execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--write-csv', file, String(count)],
    { stdio: 'inherit' },
  );
}
const csvFile = path.join(OUT, `orders-${ORDERS}.csv`);
console.log(`generating ${ORDERS.toLocaleString()} orders → ${csvFile}`);
generate(csvFile, ORDERS);
console.log(`  ${(fs.statSync(csvFile).size / 1024 ** 2).toFixed(0)} MiB`);

const sqliteFile = path.join(OUT, 'ingest.db');
for (const suffix of ['', '-wal', '-shm']) fs.rmSync(sqliteFile + suffix, { force: true });
const rssBefore = process.memoryUsage().rss;
const sqliteStore = openStore(`sqlite:${sqliteFile}`);
const sqliteImport = await timedImport(sqliteStore, csvFile);
await sqliteStore.close();
const peakRssMb = process.resourceUsage().maxRSS / 1024;
console.log(
  `SQLite import: ${sqliteImport.orders.toLocaleString()} orders in ${sqliteImport.seconds.toFixed(1)} s = ${Math.round(sqliteImport.rate).toLocaleString()} orders/s; peak RSS ${peakRssMb.toFixed(0)} MB (before: ${(rssBefore / 1024 ** 2).toFixed(0)} MB)`,
);
const sqliteBare = await bareSqlite(path.join(OUT, 'bare.db'), ORDERS);
const sqliteRatio = sqliteImport.rate / sqliteBare;
console.log(
  `SQLite bare batched insert: ${Math.round(sqliteBare).toLocaleString()} orders/s; import/bare = ${(sqliteRatio * 100).toFixed(1)}% (target ≥ 40%)`,
);

const pgFile = path.join(OUT, `orders-${PG_ORDERS}.csv`);
generate(pgFile, PG_ORDERS);
const pgImportDb = await createScratchDatabase('shipby_bench');
const pgBareDb = await createScratchDatabase('shipby_bench');
let pgImport: Awaited<ReturnType<typeof timedImport>> | undefined;
let pgBare: number | undefined;
try {
  const pgStore = openStore(pgImportDb.url);
  pgImport = await timedImport(pgStore, pgFile);
  await pgStore.close();
  pgBare = await barePostgres(pgBareDb.url, PG_ORDERS);
} finally {
  await pgImportDb.drop();
  await pgBareDb.drop();
}
const pgRatio = pgImport.rate / pgBare;
console.log(
  `PostgreSQL import: ${pgImport.orders.toLocaleString()} orders in ${pgImport.seconds.toFixed(1)} s = ${Math.round(pgImport.rate).toLocaleString()} orders/s`,
);
console.log(
  `PostgreSQL bare batched insert: ${Math.round(pgBare).toLocaleString()} orders/s; import/bare = ${(pgRatio * 100).toFixed(1)}%`,
);
for (const suffix of ['', '-wal', '-shm']) {
  fs.rmSync(sqliteFile + suffix, { force: true });
  fs.rmSync(path.join(OUT, 'bare.db') + suffix, { force: true });
}
console.log(
  JSON.stringify({
    bench: 'ingest',
    sqlite: {
      orders: sqliteImport.orders,
      ordersPerSecond: Math.round(sqliteImport.rate),
      bareOrdersPerSecond: Math.round(sqliteBare),
      ratio: Number(sqliteRatio.toFixed(3)),
      peakRssMb: Math.round(peakRssMb),
    },
    postgres: {
      orders: pgImport.orders,
      ordersPerSecond: Math.round(pgImport.rate),
      bareOrdersPerSecond: Math.round(pgBare),
      ratio: Number(pgRatio.toFixed(3)),
    },
    targets: { ratio: 0.4, peakRssMb: 512 },
  }),
);
