/**
 * Runs once before the suite. The store and app tests run on SQLite AND PostgreSQL; a run in which
 * PostgreSQL is not reachable fails here, loudly, instead of passing with half its tests. The tests that start
 * `shipby` as a process run the compiled build (build/app): it is built here when older than the sources, once,
 * so no child pays for transpiling TypeScript at its start.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { buildApp, isFresh } from '../scripts/build.mjs';
import { pgAdminUrl } from '../src/store/pg-admin';

export default async function setup(project: TestProject) {
  const url = pgAdminUrl();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${url} (${(error as Error).message}). The store tests must run on PostgreSQL too: ` +
        `start it (.ci/run does: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set PG_ADMIN_URL.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  if (!isFresh()) await buildApp();
  project.provide('pgAdminUrl', url);
  // Scratch databases of this run share a prefix, so the clean-up never touches another run's (a developer
  // may run two suites at once).
  const runPrefix = `shipby_t_${process.pid.toString(36)}`;
  project.provide('pgDatabasePrefix', runPrefix);
  return async () => {
    // Drop the scratch databases that a crashed test file of this run left behind.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query<{ datname: string }>('select datname from pg_database where datname like $1', [
      `${runPrefix}\\_%`,
    ]);
    for (const r of rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`).catch(() => undefined);
    await c.end();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgDatabasePrefix: string;
  }
}
