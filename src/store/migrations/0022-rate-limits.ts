/**
 * Rate-limit counters shared by every process on the store (production issue): one row per caller key and window —
 * the requests counted so far and when the window ends. An expired row is started again by the next request and
 * pruned by a job; nothing of a caller is kept but a hashed key.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database';

export function rateLimitsMigration(dialect: Dialect): Migration {
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('hits', 'integer', (c) => c.notNull())
        .addColumn('reset_at', instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rate_limits_reset_at').on('rate_limits').column('reset_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('rate_limits').ifExists().execute();
    },
  };
}
