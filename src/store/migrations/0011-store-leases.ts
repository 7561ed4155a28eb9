/**
 * Leases held by running processes on one store (the reliability issue): `jobs` — the one `serve` that runs the
 * background jobs on a SQLite store — and `server:<id>`, one per running `serve`, so that `restore` can tell a
 * store is in use. Each is heartbeated; an expired one may be taken over.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database';

export function storeLeasesMigration(dialect: Dialect): Migration {
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('store_leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('until', instant, (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('store_leases').ifExists().execute();
    },
  };
}
