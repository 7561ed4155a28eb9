/**
 * Opens the database that DATABASE_URL names: `sqlite:PATH` (the embedded default, WAL mode) or
 * `postgres://…`. The same Kysely code runs on both; `dialect` is there for the few places
 * (bulk paths, locking) where the two differ.
 */
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, type MigrationResultSet } from 'kysely';
import { createRequire } from 'node:module';
import type pgModule from 'pg';
import { repairHalfAppliedMigration } from './migration-repair';
import { buildMigrations } from './migrations/index';
import { resilientPool } from './unavailable';
import type { Database } from './schema';
import { busyWaitMs, ShipbySqliteDialect } from './sqlite-dialect';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  url: string;
  /** The raw better-sqlite3 handle (SQLite only), for the bulk paths that skip query building. */
  sqlite?: SqliteDatabase.Database;
  /** What the stock settle remembers of this store between calls (app/stock-settle.ts), kept here, not in modules. */
  memo: StoreMemo;
  close(): Promise<void>;
}

export interface StoreMemo {
  /** The stock catalogue has a SKU. SKUs are never deleted: once true, it stays true. */
  catalogueHasSkus: boolean;
  /** Each warehouse clock's next cut-off ("time zone|cut-off time"), until it has passed (luxon is slow). */
  cutoffs: Map<string, { from: number; at: number }>;
}

export function newStoreMemo(): StoreMemo {
  return { catalogueHasSkus: false, cutoffs: new Map() };
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/shipby.db';

let pgLoaded: typeof pgModule | undefined;
/**
 * The `pg` driver, loaded on the first PostgreSQL store: a command on SQLite never pays for it (loading pg costs
 * ~100 ms of CPU, more than the whole SQLite start; the build keeps it out of the bundle, scripts/build.mjs).
 */
function pgDriver(): typeof pgModule {
  if (!pgLoaded) {
    pgLoaded = createRequire(import.meta.url)('pg') as typeof pgModule;
    // PostgreSQL returns BIGINT as text by default; our BIGINTs are epoch ms and minor units, all safe integers.
    pgLoaded.types.setTypeParser(20, (value) => Number(value));
  }
  return pgLoaded;
}

export function describeUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

export function openStore(
  url: string = process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
  options: { poolSize?: number } = {},
): Store {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (!file) throw new Error('DATABASE_URL sqlite: needs a file path, e.g. sqlite:./data/shipby.db');
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    // Each statement waits up to 5 s for another process's lock (blocking); the dialect then waits on without
    // blocking the event loop, up to SHIPBY_SQLITE_BUSY_WAIT_MS in all.
    const waitMs = busyWaitMs();
    sqlite.pragma(`busy_timeout = ${Math.min(5000, waitMs)}`);
    const db = new Kysely<Database>({ dialect: new ShipbySqliteDialect(sqlite, waitMs) });
    return { db, dialect: 'sqlite', url, sqlite, memo: newStoreMemo(), close: () => db.destroy() };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // A connection attempt (waiting for a pool slot included) gives up after 10 s, so a request during an outage
    // is answered (503), not left hanging.
    const pool = new (pgDriver().Pool)({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 10_000,
    });
    // Connections drop when the server restarts or an admin terminates them: each is handled (no process exits),
    // the query in progress fails with DatabaseUnavailableError, and the pool connects afresh when asked.
    let lastReport = 0;
    const onConnectionError = (error: Error) => {
      // One line per burst: a restart drops every connection at once.
      if (Date.now() - lastReport < 10_000) return;
      lastReport = Date.now();
      console.error(`PostgreSQL connection lost: ${error.message}`);
    };
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: resilientPool(pool, onConnectionError) }) });
    return { db, dialect: 'postgres', url, memo: newStoreMemo(), close: () => db.destroy() };
  }
  throw new Error(`DATABASE_URL "${describeUrl(url)}" is neither sqlite:PATH nor postgres://…`);
}

/** The migrations not yet applied to this store, by name (none: the schema is current). */
export async function pendingMigrations(store: Store): Promise<string[]> {
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => buildMigrations(store.dialect) },
  });
  return (await migrator.getMigrations()).filter((m) => !m.executedAt).map((m) => m.name);
}

/**
 * Whether the newest migration this code knows is recorded as applied: one read, no lock, no write. Migrations
 * apply in order (Kysely refuses them out of order), so the newest applied means all are. A missing table, a
 * store half-migrated by an older shipby (its newest row is an earlier one) or a store ahead of this code all
 * answer false, and the full migrator decides.
 */
export async function schemaIsCurrent(store: Store): Promise<boolean> {
  const newest = Object.keys(buildMigrations(store.dialect)).sort().at(-1);
  try {
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name DESC LIMIT 1`.execute(
      store.db,
    );
    return rows[0]?.name === newest;
  } catch {
    return false;
  }
}

/**
 * Applies the pending migrations. A store already current is seen with one read (`schemaIsCurrent`), so every
 * command's migration check on open costs one query, not the migrator's lock and table introspection.
 */
export async function migrateToLatest(store: Store): Promise<MigrationResultSet> {
  if (await schemaIsCurrent(store)) return { results: [] };
  // Migrations are atomic on SQLite now; a store half-migrated by an older shipby is repaired first, or refused.
  if (store.sqlite) await repairHalfAppliedMigration(store.sqlite, store.url.slice('sqlite:'.length));
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => buildMigrations(store.dialect) },
  });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result;
}
