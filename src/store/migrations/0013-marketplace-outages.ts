/**
 * Marketplace outages as the outbox saw them (reliability issue, part 3): one row per outage of a platform, open
 * while `ended_at` is null. At most one open outage per platform (a partial unique index), so several workers that
 * see the same outage record it — and alert it — once.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database';

export function marketplaceOutagesMigration(dialect: Dialect): Migration {
  const idType = dialect === 'postgres' ? 'bigserial' : 'integer';
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('marketplace_outages')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('started_at', instant, (c) => c.notNull())
        .addColumn('ended_at', instant)
        .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();
      await sql`CREATE UNIQUE INDEX marketplace_outages_open_uq ON marketplace_outages (platform) WHERE ended_at IS NULL`.execute(
        db,
      );
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('marketplace_outages').ifExists().execute();
    },
  };
}
