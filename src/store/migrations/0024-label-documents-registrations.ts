/**
 * Issue 16, the rest:
 * - `label_documents`: the carrier's own label PDF, the bytes it returned when the label was bought (one per label
 *   row), so a label is re-printed as the carrier made it instead of being drawn again; `sha256` of the bytes.
 * - `tracking_registrations`: a number to register with a provider, kept until the provider took or refused it. A
 *   provider that failed (unreachable, an error answer) is asked again with backoff (`attempts`, `next_attempt_at`,
 *   `last_error`); a webhook-only provider never polls, so without this a failed registration was lost.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database';

export function labelDocumentsRegistrationsMigration(dialect: Dialect): Migration {
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  const ref = dialect === 'postgres' ? 'bigint' : 'integer';
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('label_documents')
        .addColumn('label_id', ref, (c) => c.primaryKey().references('parcel_labels.id').onDelete('cascade'))
        .addColumn('parcel_id', ref, (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('bytes', bytes, (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('fetched_at', instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('label_documents_parcel').on('label_documents').column('parcel_id').execute();
      await db.schema
        .createTable('tracking_registrations')
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('tracking_number', 'text', (c) => c.notNull())
        .addColumn('carrier', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', instant)
        .addColumn('last_error', 'text')
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('tracking_registrations_pk', ['provider', 'tracking_number'])
        .execute();
      await db.schema
        .createIndex('tracking_registrations_due')
        .on('tracking_registrations')
        .columns(['next_attempt_at'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('tracking_registrations').ifExists().execute();
      await db.schema.dropTable('label_documents').ifExists().execute();
    },
  };
}
