/**
 * Writes a client may repeat (the reliability issue; the leases they hold, e.g. `label:order:42`, are the
 * `store_leases` of 0011):
 * - `parcel_labels.idempotency_key`: the key the carrier was called with, unique, so one carrier label is one row
 *   and a retry after a lost answer resumes that row instead of writing a second;
 * - `idempotency_keys`: the `Idempotency-Key` header of POST requests, per caller, with the first answer (24 h);
 * - `tracking_deliveries.lease_owner`: the process processing a delivery, so that a delivery leased by a process
 *   that died is taken over at once rather than after its lease.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database';

export function reliabilityMigration(dialect: Dialect): Migration {
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('parcel_labels').addColumn('idempotency_key', 'text').execute();
      await sql`CREATE UNIQUE INDEX parcel_labels_idempotency_key_uq ON parcel_labels (idempotency_key) WHERE idempotency_key IS NOT NULL`.execute(
        db,
      );

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('body_hash', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('content_type', 'text')
        .addColumn('response', 'text')
        .addColumn('encoding', 'text')
        .addColumn('owner', 'text')
        .addColumn('locked_until', instant)
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('expires_at', instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
        .execute();
      await db.schema.createIndex('idempotency_keys_expiry_idx').on('idempotency_keys').column('expires_at').execute();

      await db.schema.alterTable('tracking_deliveries').addColumn('lease_owner', 'text').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('tracking_deliveries').dropColumn('lease_owner').execute();
      await db.schema.dropTable('idempotency_keys').ifExists().execute();
      await db.schema.dropIndex('parcel_labels_idempotency_key_uq').ifExists().execute();
      await db.schema.alterTable('parcel_labels').dropColumn('idempotency_key').execute();
    },
  };
}
