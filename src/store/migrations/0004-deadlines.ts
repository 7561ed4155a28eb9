/** Deadlines and their warnings (issue 3): a shop's policy choice, buyer extensions, warnings sent once, alert webhooks. */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database';
import { openStatusCondition } from '../open-orders';

export function deadlinesMigration(dialect: Dialect): Migration {
  const idType = dialect === 'postgres' ? 'bigserial' : 'integer';
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  const ref = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('shops').addColumn('policy_id', 'text').execute();
      await db.schema.alterTable('shops').addColumn('policy_by_type', 'text').execute();
      await db.schema.alterTable('shops').addColumn('policy_overrides', 'text').execute();
      await db.schema.alterTable('orders').addColumn('order_type', 'text').execute();
      await db.schema.alterTable('orders').addColumn('policy_id', 'text').execute();
      await db.schema.alterTable('orders').addColumn('policy_version', 'integer').execute();
      // The at-risk list: a shop's open orders by deadline, read in index order with no sort.
      await db.schema
        .createIndex('orders_open_deadline_idx')
        .on('orders')
        .columns(['shop_id', 'ship_by_at', 'id'])
        .where(openStatusCondition())
        .execute();

      await db.schema
        .createTable('order_extensions')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('order_id', ref, (c) => c.notNull().references('orders.id').onDelete('cascade'))
        .addColumn('hours', 'integer')
        .addColumn('new_deadline_at', instant)
        .addColumn('agreed_by', 'text', (c) => c.notNull())
        .addColumn('agreed_at', instant, (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('created_at', instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('order_extensions_order_idx').on('order_extensions').column('order_id').execute();

      // One row per (order, threshold): the primary key makes a warning once-only, even with two sweepers.
      await db.schema
        .createTable('order_warnings')
        .addColumn('order_id', ref, (c) => c.notNull().references('orders.id').onDelete('cascade'))
        .addColumn('hours_before', 'integer', (c) => c.notNull())
        .addColumn('sent_at', instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('order_warnings_pk', ['order_id', 'hours_before'])
        .execute();

      await db.schema
        .createTable('alert_webhooks')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('shop_id', 'text')
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_at', instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('webhook_id', ref, (c) => c.notNull().references('alert_webhooks.id').onDelete('cascade'))
        .addColumn('dedupe_key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', instant, (c) => c.notNull())
        .addColumn('lease_until', instant)
        .addColumn('last_error', 'text')
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('delivered_at', instant)
        .addUniqueConstraint('webhook_deliveries_dedupe_uq', ['webhook_id', 'dedupe_key'])
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_due_idx')
        .on('webhook_deliveries')
        .columns(['status', 'next_attempt_at'])
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const table of ['webhook_deliveries', 'alert_webhooks', 'order_warnings', 'order_extensions']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
