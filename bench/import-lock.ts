/**
 * npm run bench:import-lock — how long another writer waits while a big file is imported into the same SQLite
 * store (issue 20). A child process writes one row every few milliseconds (BEGIN IMMEDIATE, waiting as shipby
 * does) and records how long each write waited; the parent imports ORDERS (default 100,000) orders meanwhile.
 * Prints the import's time, the writer's longest and p99 wait, and the longest wait as a share of the import.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createContext } from '../src/app/context';
import { importOrderFile } from '../src/app/import-orders';
import { migrateToLatest, openStore } from '../src/store/database';
import { csvHeader, csvLine, generateOrderRows } from './lib/generate-orders';

const ORDERS = Number(process.env.ORDERS ?? 100_000);
const OUT = path.resolve('bench/out');
fs.mkdirSync(OUT, { recursive: true });

const WRITER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('busy_timeout = 120000');
db.exec('CREATE TABLE IF NOT EXISTS bench_probe (id INTEGER PRIMARY KEY, at INTEGER)');
const waits = [];
let stop = false;
process.stdin.on('data', () => { stop = true; });
process.stdin.resume();
const tick = () => {
  if (stop) {
    waits.sort((a, b) => a - b);
    process.stdout.write(JSON.stringify({ writes: waits.length, max: waits[waits.length - 1] ?? 0, p99: waits[Math.floor(waits.length * 0.99)] ?? 0 }));
    process.exit(0);
  }
  const t0 = performance.now();
  db.exec('BEGIN IMMEDIATE');
  db.prepare('INSERT INTO bench_probe (at) VALUES (?)').run(Date.now());
  db.exec('COMMIT');
  waits.push(performance.now() - t0);
  setTimeout(tick, 5);
};
process.stdout.write('ready\\n');
tick();
`;

const dbFile = path.join(OUT, 'import-lock.db');
for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });
const csvFile = path.join(OUT, `lock-orders-${ORDERS}.csv`);
if (!fs.existsSync(csvFile)) {
  let text = csvHeader();
  for (const order of generateOrderRows(ORDERS)) for (const row of order) text += csvLine(row);
  fs.writeFileSync(csvFile, text);
}
const store = openStore(`sqlite:${dbFile}`);
await migrateToLatest(store);
const ctx = createContext(store);

const child = spawn(process.execPath, ['-e', WRITER, dbFile], { stdio: ['pipe', 'pipe', 'inherit'] });
let output = '';
child.stdout.on('data', (d) => (output += String(d)));
await new Promise<void>((resolve) => child.stdout.on('data', () => output.includes('ready') && resolve()));

const t0 = performance.now();
const report = await importOrderFile(ctx, { shopId: 'bench', file: csvFile });
const seconds = (performance.now() - t0) / 1000;
child.stdin.write('stop');
await new Promise((resolve) => child.on('exit', resolve));
const waits = JSON.parse(output.slice(output.indexOf('{'))) as { writes: number; max: number; p99: number };
await store.close();

console.log(
  `import of ${report.created.toLocaleString()} orders: ${seconds.toFixed(1)} s (committed: ${report.committed})`,
);
console.log(
  `another writer meanwhile: ${waits.writes} writes, longest wait ${(waits.max / 1000).toFixed(2)} s, p99 ${waits.p99.toFixed(0)} ms; longest wait / import = ${((waits.max / 1000 / seconds) * 100).toFixed(0)}%`,
);
console.log(
  JSON.stringify({
    bench: 'import-lock',
    orders: report.created,
    importSeconds: Number(seconds.toFixed(2)),
    writerWrites: waits.writes,
    writerMaxWaitMs: Math.round(waits.max),
    writerP99Ms: Math.round(waits.p99),
  }),
);
