/**
 * Runs once before the suite. The store and app tests run on SQLite AND PostgreSQL; a run in which
 * PostgreSQL is not reachable fails here, loudly, instead of passing with half its tests. The tests that start
 * `shipby` as a process run the compiled build (build/app): it is built here when older than the sources, once,
 * so no child pays for transpiling TypeScript at its start.
 *
 * Each test's fresh store is a copy of a store migrated here, once per run (test/support/backends.ts): a SQLite
 * file and a PostgreSQL template database. Running the migrations costs seconds per PostgreSQL database on a busy
 * machine, and the suite opens hundreds of stores; a copy costs a fraction of that, and the run still tests the
 * current migrations (migrated here, from this checkout; test/integration/migration-check.test.ts migrates empty
 * stores itself).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { buildApp, isFresh } from '../scripts/build.mjs';
import { migrateToLatest, openStore } from '../src/store/database';
import { pgAdminUrl } from '../src/store/pg-admin';

export default async function setup(project: TestProject) {
  const url = pgAdminUrl();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(
      `PostgreSQL is not reachable at ${url} (${(error as Error).message}). The store tests must run on PostgreSQL too: ` +
        `start it (.ci/run does: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set PG_ADMIN_URL.`,
    );
  }
  // Scratch databases of this run share a prefix, so the clean-up never touches another run's (a developer
  // may run two suites at once).
  const runPrefix = `shipby_t_${process.pid.toString(36)}`;
  // This run's scratch folder: the migrated SQLite file, the dashboard built once for the browser tests.
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipby-run-'));
  const pgTemplate = `${runPrefix}_template`;
  const sqliteTemplate = path.join(runDir, 'template.db');
  try {
    await Promise.all([
      isFresh() ? undefined : buildApp(),
      migratedSqliteFile(sqliteTemplate),
      client.query(`CREATE DATABASE "${pgTemplate}"`).then(async () => {
        const template = new URL(url);
        template.pathname = `/${pgTemplate}`;
        const store = openStore(template.toString(), { poolSize: 1 });
        try {
          await migrateToLatest(store);
        } finally {
          await store.close();
        }
      }),
    ]);
  } finally {
    await client.end().catch(() => undefined);
  }
  project.provide('pgAdminUrl', url);
  project.provide('pgDatabasePrefix', runPrefix);
  project.provide('pgTemplate', pgTemplate);
  project.provide('sqliteTemplate', sqliteTemplate);
  project.provide('runDir', runDir);
  return async () => {
    // Drop the scratch databases that a crashed test file of this run left behind, and the template.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query<{ datname: string }>('select datname from pg_database where datname like $1', [
      `${runPrefix}\\_%`,
    ]);
    for (const r of rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`).catch(() => undefined);
    await c.end();
    fs.rmSync(runDir, { recursive: true, force: true });
  };
}

/** A SQLite file migrated to the latest schema and closed whole (no write-ahead log beside it), to be copied. */
async function migratedSqliteFile(file: string): Promise<void> {
  const store = openStore(`sqlite:${file}`);
  try {
    await migrateToLatest(store);
    store.sqlite?.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    await store.close();
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgDatabasePrefix: string;
    /** A database migrated to the latest schema, that no one connects to: each test's database is a copy. */
    pgTemplate: string;
    /** A SQLite file migrated to the latest schema: each test's file is a copy. */
    sqliteTemplate: string;
    /** This run's scratch folder, removed after the run. */
    runDir: string;
  }
}
