/**
 * Creates and drops throw-away PostgreSQL databases, for tests and benchmarks that need a fresh one.
 * PG_ADMIN_URL names a server and a database to connect to for CREATE DATABASE.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const DEFAULT_PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function pgAdminUrl(): string {
  return process.env.PG_ADMIN_URL || DEFAULT_PG_ADMIN_URL;
}

/**
 * A new database named `<prefix>_…`: empty, or a copy of `options.template` (a database nobody is connected to,
 * e.g. one already migrated: copying it costs a fraction of running the migrations again).
 */
export async function createScratchDatabase(
  prefix: string,
  adminUrl = pgAdminUrl(),
  options: { template?: string } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"${options.template ? ` TEMPLATE "${options.template}"` : ''}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
