/**
 * Where the time of an upload goes: claim, order states, HTTP (deliveries of a batch in parallel), record; one
 * worker loop in this process against the fake marketplace, one phase at a time, with every statement's time
 * (Kysely's log) per phase, the most expensive first. Not a throughput figure (bench/outbox.ts is).
 *   npx tsx bench/lib/outbox-profile.ts   N (uploads, default 2000), BATCH (rows per claim, default 24),
 *   DIALECT=postgres|sqlite, EXPLAIN=K (PostgreSQL: EXPLAIN ANALYZE the claim every K rounds)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import SqliteDatabase from 'better-sqlite3';
import { createContext } from '../../src/app/context';
import { openShopClient } from '../../src/app/marketplace';
import {
  claimOutboxRows,
  deliverOutboxRow,
  settledOrdersOfRows,
  recordOutboxOutcomes,
  DEFAULT_OUTBOX_SETTINGS,
} from '../../src/app/upload-outbox';
import { startFakeAliExpressServer } from '../../src/integrations/aliexpress/fake-server';
import { migrateToLatest, newStoreMemo, type Store } from '../../src/store/database';
import { createScratchDatabase } from '../../src/store/pg-admin';
import {
  FAKE_APP_KEY,
  FAKE_APP_SECRET,
  FAKE_TOKEN,
  TEST_MASTER_KEY,
  connectFakeShop,
  seedOrders,
  shipAll,
} from '../../test/support/outbox-fixtures';
import { aliexpressPort } from '../../src/integrations/marketplace/index';

const N = Number(process.env.N ?? 2000);
const BATCH = Number(process.env.BATCH ?? 24);
const dialect = process.env.DIALECT ?? 'postgres';
const stats = new Map<string, { n: number; ms: number }>();
let phase = 'setup';
function add(key: string, ms: number) {
  const s = stats.get(key) ?? { n: 0, ms: 0 };
  s.n++;
  s.ms += ms;
  stats.set(key, s);
}
let lastClaim: any;
const log = (e: any) => {
  if (e.query.sql.includes('WITH expired')) lastClaim = e.query;
  if (phase === 'setup') return;
  const text = e.query.sql.replace(/\s+/g, ' ').slice(0, 60);
  add(`${phase} | ${text}`, e.queryDurationMillis);
};

async function main() {
  const fake = await startFakeAliExpressServer({
    appKey: FAKE_APP_KEY,
    appSecret: FAKE_APP_SECRET,
    accessTokens: [FAKE_TOKEN],
    seed: 1,
  });
  let store: Store;
  let drop = async () => {};
  if (dialect === 'postgres') {
    const scratch = await createScratchDatabase('shipby_prof');
    drop = scratch.drop;
    const pool = new pg.Pool({ connectionString: scratch.url, max: 4 });
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }), log });
    store = { db, dialect: 'postgres', url: scratch.url, memo: newStoreMemo(), close: () => db.destroy() } as Store;
  } else {
    const file = path.join(os.tmpdir(), `shipby-outbox-profile-${process.pid}.db`);
    drop = async () => {
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    };
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }), log });
    store = {
      db,
      dialect: 'sqlite',
      url: 'sqlite:' + file,
      sqlite,
      memo: newStoreMemo(),
      close: () => db.destroy(),
    } as Store;
  }
  await migrateToLatest(store);
  const ctx = createContext(store);
  await connectFakeShop(ctx, fake, 'p');
  const seeded = await seedOrders(ctx, fake, { shop: 'p', count: N, parcelsOf: () => 1 });
  await shipAll(ctx, seeded);
  const client = await openShopClient(ctx, TEST_MASTER_KEY, 'p', { retry: { maxAttempts: 1 } as any });
  const t = { claim: 0, states: 0, http: 0, record: 0, n: 0, rounds: 0 };
  const t0 = Date.now();
  while (true) {
    phase = 'claim';
    let s = performance.now();
    const rows = await claimOutboxRows(ctx, 'w1', { limit: BATCH, leaseMs: 120000 });
    t.claim += performance.now() - s;
    if (!rows.length) break;
    phase = 'states';
    s = performance.now();
    const settled = await settledOrdersOfRows(ctx, rows);
    t.states += performance.now() - s;
    phase = 'http';
    s = performance.now();
    const outcomes = await Promise.all(
      rows.map(async (row) => ({
        row,
        outcome: await deliverOutboxRow(row, aliexpressPort(client), { settled: settled.get(row.order_id) }),
      })),
    );
    t.http += performance.now() - s;
    phase = 'record';
    s = performance.now();
    await recordOutboxOutcomes(ctx, 'w1', outcomes, DEFAULT_OUTBOX_SETTINGS);
    t.record += performance.now() - s;
    t.n += rows.length;
    t.rounds++;
    if (process.env.EXPLAIN && dialect === 'postgres' && t.rounds % Number(process.env.EXPLAIN) === 0 && lastClaim) {
      const text = lastClaim.sql.replace(/\$(\d+)/g, (_: string, n: string) => {
        const v = lastClaim.parameters[Number(n) - 1];
        return typeof v === 'string' ? `'${v}'` : String(v);
      });
      const { sql } = await import('kysely');
      await store.db
        .transaction()
        .execute(async (trx) => {
          const r = await sql.raw(`explain (analyze, buffers) ${text}`).execute(trx);
          console.log(`round ${t.rounds}:`);
          for (const row of r.rows as any[]) console.log(row['QUERY PLAN']);
          throw new Error('rollback');
        })
        .catch(() => undefined);
    }
  }
  const wall = Date.now() - t0;
  console.log(
    `${dialect}: ${t.n} rows (uploads + notices) in ${wall} ms, batch ${BATCH}, ${t.rounds} rounds, ${((t.n / wall) * 1000).toFixed(0)} rows/s serial`,
  );
  for (const k of ['claim', 'states', 'http', 'record'] as const)
    console.log(
      `  ${k.padEnd(7)} ${(t[k] / t.n).toFixed(2)} ms/row  ${(t[k] / t.rounds).toFixed(1)} ms/batch  ${((100 * t[k]) / wall).toFixed(0)} %`,
    );
  const sorted = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
  for (const [k, v] of sorted)
    console.log(`  ${(v.ms / t.n).toFixed(3).padStart(7)} ms/row  ${String(v.n).padStart(6)}x  ${k}`);
  await store.close();
  await drop();
  await fake.close();
}
await main();
