/**
 * Issue 20: an import stages the file's orders here in short committed chunks, and only a last, set-based
 * merge writes them into `orders`, so other writers wait for that merge instead of the whole file, and the
 * file's rows stay invisible until then (a refused file, a kill or a full disk leaves `orders` untouched).
 * `import_staged_orders` carries the order columns the import writes (store/order-bulk.ts ORDER_COLUMNS).
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database';

export function importStagingMigration(dialect: Dialect): Migration {
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  const money = dialect === 'postgres' ? 'bigint' : 'integer';
  const orderColumns: Array<[string, string]> = [
    ['shop_id', 'text'],
    ['platform', 'text'],
    ['platform_order_id', 'text'],
    ['status', 'text'],
    ['platform_status', 'text'],
    ['currency', 'text'],
    ['total_amount', money],
    ['buyer_name', 'text'],
    ['buyer_country', 'text'],
    ['address_line1', 'text'],
    ['city', 'text'],
    ['postcode', 'text'],
    ['phone', 'text'],
    ['handling_days', 'integer'],
    ['logistics_service', 'text'],
    ['paid_at', instant],
    ['risk_passed_at', instant],
    ['ship_by_at', instant],
    ['ship_by_source', 'text'],
    ['platform_ship_by_at', instant],
    ['accepted_at', instant],
    ['packed_at', instant],
    ['handed_over_at', instant],
    ['tracking_uploaded_at', instant],
    ['first_scan_at', instant],
    ['delivered_at', instant],
    ['receipt_confirmed_at', instant],
    ['cancelled_at', instant],
    ['closed_at', instant],
    ['content_hash', 'text'],
    ['version', 'integer'],
    ['created_at', instant],
    ['updated_at', instant],
    ['policy_id', 'text'],
    ['policy_version', 'integer'],
    ['order_type', 'text'],
    // Migration 0015's column that an order may arrive with.
    ['cancel_requested_at', instant],
  ];
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('import_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('shop_id', 'text', (c) => c.notNull())
        .addColumn('file', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('started_at', instant, (c) => c.notNull())
        .execute();

      let orders = db.schema
        .createTable('import_staged_orders')
        .addColumn('import_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull());
      for (const [name, type] of orderColumns) orders = orders.addColumn(name, type as 'text') as typeof orders;
      await orders.execute();
      await db.schema
        .createIndex('import_staged_orders_run')
        .on('import_staged_orders')
        .columns(['import_id', 'seq'])
        .execute();

      await db.schema
        .createTable('import_staged_lines')
        .addColumn('import_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('platform_order_id', 'text', (c) => c.notNull())
        .addColumn('line_no', 'integer', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('unit_price', money, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('import_staged_lines_run')
        .on('import_staged_lines')
        .columns(['import_id', 'seq'])
        .execute();

      await db.schema
        // Events beyond the "created" one the merge writes itself (an order that arrives shipped).
        .createTable('import_staged_events')
        .addColumn('import_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('event_no', 'integer', (c) => c.notNull())
        .addColumn('platform_order_id', 'text', (c) => c.notNull())
        .addColumn('at', instant, (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('to_state', 'text')
        .addColumn('reason', 'text')
        .addColumn('data', 'text')
        .execute();
      await db.schema
        .createIndex('import_staged_events_run')
        .on('import_staged_events')
        .columns(['import_id', 'seq'])
        .execute();

      // Orders the file changes (they existed when staged, or appear twice in the file): applied one by one at the merge.
      await db.schema
        .createTable('import_staged_changes')
        .addColumn('import_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('import_staged_changes_pk', ['import_id', 'seq'])
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const table of [
        'import_staged_changes',
        'import_staged_events',
        'import_staged_lines',
        'import_staged_orders',
        'import_runs',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
