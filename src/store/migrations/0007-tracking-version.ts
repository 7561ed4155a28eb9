/**
 * Tracking ingestion without read locks (issue 7, after 0005 was released): `parcel_tracking.version` is the
 * optimistic lock a batch writes over; `event_count` goes (it made every late, meaningless event a write — the
 * events table counts them); on PostgreSQL the table keeps room on its pages for in-place (HOT) updates.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database';

export function trackingVersionMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('parcel_tracking')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.alterTable('parcel_tracking').dropColumn('event_count').execute();
      if (dialect === 'postgres') await sql`ALTER TABLE parcel_tracking SET (fillfactor = 50)`.execute(db);
    },
    async down(db: Kysely<any>) {
      await db.schema
        .alterTable('parcel_tracking')
        .addColumn('event_count', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('parcel_tracking').dropColumn('version').execute();
    },
  };
}
