/** Tracking to receipt (issue 7): providers, raw webhook deliveries, carrier events, parcel tracking, problems, receipt clocks, after-sales cases. */
import { sql, type Kysely, type Migration, type SqlBool } from 'kysely';
import type { Dialect } from '../database';

export function trackingMigration(dialect: Dialect): Migration {
  const idType = dialect === 'postgres' ? 'bigserial' : 'integer';
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  const ref = dialect === 'postgres' ? 'bigint' : 'integer';
  const money = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('tracking_providers')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('base_url', 'text')
        .addColumn('api_key', 'text')
        .addColumn('webhook_secret', 'text', (c) => c.notNull())
        .addColumn('polls', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('cadence', 'text')
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('tracking_deliveries')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('received_at', instant, (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('signed_at', instant, (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('lease_until', instant)
        .addColumn('processed_at', instant)
        .addColumn('events', 'integer')
        .addColumn('error', 'text')
        // The replay guard: one delivery per (provider, signature).
        .addUniqueConstraint('tracking_deliveries_signature_uq', ['provider', 'signature'])
        .execute();
      await db.schema
        .createIndex('tracking_deliveries_status_idx')
        .on('tracking_deliveries')
        .columns(['status', 'id'])
        .execute();

      await db.schema
        .createTable('tracking_events')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('tracking_number', 'text', (c) => c.notNull())
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('event_key', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('parcel_id', ref)
        .addColumn('occurred_at', instant, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('raw_status', 'text')
        .addColumn('raw_substatus', 'text')
        .addColumn('description', 'text')
        .addColumn('location', 'text')
        .addColumn('destination_country', 'text')
        .addColumn('received_at', instant, (c) => c.notNull())
        .addUniqueConstraint('tracking_events_identity_uq', ['tracking_number', 'carrier', 'event_key'])
        .execute();
      await db.schema
        .createIndex('tracking_events_parcel_idx')
        .on('tracking_events')
        .columns(['parcel_id', 'occurred_at'])
        .execute();
      // Events kept aside until their parcel appears.
      await db.schema
        .createIndex('tracking_events_unmatched_idx')
        .on('tracking_events')
        .column('tracking_number')
        .where(sql<SqlBool>`parcel_id IS NULL`)
        .execute();

      await db.schema
        .createTable('parcel_tracking')
        .addColumn('parcel_id', ref, (c) => c.primaryKey().references('parcels.id').onDelete('cascade'))
        .addColumn('tracking_number', 'text', (c) => c.notNull())
        .addColumn('provider', 'text')
        .addColumn('status', 'text')
        .addColumn('phase', 'integer', (c) => c.notNull())
        .addColumn('status_at', instant)
        .addColumn('status_rank', 'integer', (c) => c.notNull())
        .addColumn('status_key', 'text', (c) => c.notNull())
        .addColumn('raw_status', 'text')
        .addColumn('raw_substatus', 'text')
        .addColumn('description', 'text')
        .addColumn('location', 'text')
        .addColumn('first_scan_at', instant)
        .addColumn('last_event_at', instant)
        .addColumn('delivered_at', instant)
        .addColumn('returned_at', instant)
        .addColumn('destination_country', 'text')
        .addColumn('destination_key', 'text', (c) => c.notNull())
        .addColumn('event_count', 'integer', (c) => c.notNull())
        .addColumn('open_problems', 'integer', (c) => c.notNull())
        .addColumn('registered_at', instant, (c) => c.notNull())
        .addColumn('next_poll_at', instant)
        .addColumn('last_polled_at', instant)
        .addColumn('polls', 'integer', (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('parcel_tracking_poll_idx')
        .on('parcel_tracking')
        .column('next_poll_at')
        .where(sql<SqlBool>`next_poll_at IS NOT NULL`)
        .execute();
      // No index on (phase, last_event_at): it would change with nearly every event; the stalled sweep reads by scan.

      await db.schema
        .createTable('tracking_problems')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('order_id', ref, (c) => c.notNull().references('orders.id').onDelete('cascade'))
        .addColumn('parcel_id', ref)
        .addColumn('shop_id', 'text', (c) => c.notNull())
        .addColumn('problem_key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('detected_at', instant, (c) => c.notNull())
        .addColumn('resolved_at', instant)
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('data', 'text')
        .addUniqueConstraint('tracking_problems_key_uq', ['order_id', 'problem_key'])
        .execute();
      await db.schema
        .createIndex('tracking_problems_open_idx')
        .on('tracking_problems')
        .columns(['kind', 'shop_id', 'id'])
        .where(sql<SqlBool>`resolved_at IS NULL`)
        .execute();
      await db.schema.createIndex('tracking_problems_parcel_idx').on('tracking_problems').column('parcel_id').execute();

      await db.schema
        .createTable('order_receipts')
        .addColumn('order_id', ref, (c) => c.primaryKey().references('orders.id').onDelete('cascade'))
        .addColumn('freight_commit_days', 'integer')
        .addColumn('extension_days', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_shipped_at', instant)
        .addColumn('auto_confirm_at', instant)
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('order_receipts_due_idx').on('order_receipts').column('auto_confirm_at').execute();

      await db.schema
        .createTable('after_sales_cases')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('order_id', ref, (c) => c.notNull().references('orders.id').onDelete('cascade'))
        .addColumn('shop_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('platform_case_id', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('opened_at', instant, (c) => c.notNull())
        .addColumn('opened_by', 'text', (c) => c.notNull())
        .addColumn('respond_by', instant, (c) => c.notNull())
        .addColumn('responded_at', instant)
        .addColumn('outcome', 'text')
        .addColumn('refunded_amount', money)
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('resolved_at', instant)
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('after_sales_cases_order_idx').on('after_sales_cases').column('order_id').execute();
      await db.schema
        .createIndex('after_sales_cases_shop_idx')
        .on('after_sales_cases')
        .columns(['shop_id', 'opened_at'])
        .execute();

      await db.schema
        .createTable('after_sales_evidence')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('case_id', ref, (c) => c.notNull().references('after_sales_cases.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('file_path', 'text')
        .addColumn('sha256', 'text')
        .addColumn('content', 'text')
        .addColumn('added_at', instant, (c) => c.notNull())
        .addColumn('added_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('after_sales_evidence_case_idx')
        .on('after_sales_evidence')
        .column('case_id')
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const table of [
        'after_sales_evidence',
        'after_sales_cases',
        'order_receipts',
        'tracking_problems',
        'parcel_tracking',
        'tracking_events',
        'tracking_deliveries',
        'tracking_providers',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
