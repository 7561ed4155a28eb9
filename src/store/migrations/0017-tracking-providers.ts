/**
 * Issue 16, real tracking providers:
 * - `tracking_providers.api_version`: the provider's API version the adapter speaks (17TRACK `v2.4` or `v2.2`,
 *   AfterShip `2025-01` …); null: the adapter's current one;
 * - `tracking_deliveries.notes`: JSON of what processing a delivery set aside (an event it could not read, with
 *   why) and flagged (a checkpoint time without an offset, read in its country's zone or as UTC);
 * - `tracking_poll_claims`: one poller per parcel across processes — a claim row per parcel being polled, taken by
 *   a conditional upsert (free, expired, or held by a process gone from this host), released when the poll is done.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database';

export function trackingProvidersMigration(dialect: Dialect): Migration {
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  const ref = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('tracking_providers').addColumn('api_version', 'text').execute();
      await db.schema.alterTable('tracking_deliveries').addColumn('notes', 'text').execute();
      await db.schema
        .createTable('tracking_poll_claims')
        .addColumn('parcel_id', ref, (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('until', instant, (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('tracking_poll_claims').ifExists().execute();
      await db.schema.alterTable('tracking_deliveries').dropColumn('notes').execute();
      await db.schema.alterTable('tracking_providers').dropColumn('api_version').execute();
    },
  };
}
