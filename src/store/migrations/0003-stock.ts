/** Stock (issue 4): catalogue, warehouses, stock levels with the never-oversold CHECK, reservations, ledger, purchase orders. */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database';

export function stockMigration(dialect: Dialect): Migration {
  const idType = dialect === 'postgres' ? 'bigserial' : 'integer';
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  const ref = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('warehouses')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('domestic', 'overseas')`))
        .addColumn('country', 'text')
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('cutoff_time', 'text', (c) => c.notNull())
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('products')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('skus')
        .addColumn('sku', 'text', (c) => c.primaryKey())
        .addColumn('product_id', 'text', (c) => c.references('products.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('lead_days', 'integer', (c) => c.notNull().check(sql`lead_days >= 0`))
        .addColumn('safety_days', 'integer', (c) => c.notNull().check(sql`safety_days >= 0`))
        .addColumn('cycle_days', 'integer', (c) => c.notNull().check(sql`cycle_days >= 0`))
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sku_mappings')
        .addColumn('shop_id', 'text', (c) => c.notNull().references('shops.id'))
        .addColumn('platform_sku', 'text', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull().references('skus.sku'))
        .addColumn('units', 'integer', (c) => c.notNull().check(sql`units > 0`))
        .addPrimaryKeyConstraint('sku_mappings_pk', ['shop_id', 'platform_sku', 'sku'])
        .execute();

      await db.schema
        .createTable('stock_levels')
        .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
        .addColumn('sku', 'text', (c) => c.notNull().references('skus.sku'))
        .addColumn('on_hand', 'integer', (c) => c.notNull())
        .addColumn('reserved', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('low_stock_threshold', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('stock_levels_pk', ['warehouse_id', 'sku'])
        // The invariant, in the database: nothing reserved that is not on hand, nothing negative.
        .addCheckConstraint('stock_levels_never_oversold', sql`reserved >= 0 AND on_hand >= reserved`)
        .execute();
      await db.schema.createIndex('stock_levels_sku_idx').on('stock_levels').column('sku').execute();

      await db.schema
        .createTable('stock_reservations')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('order_id', ref, (c) => c.notNull().references('orders.id'))
        // No cascade: lines are replaced only after their reservations are released (app/stock.ts).
        .addColumn('order_line_id', ref, (c) => c.notNull().references('order_lines.id'))
        .addColumn('warehouse_id', 'text', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
        .addColumn('created_at', instant, (c) => c.notNull())
        // Each reserved unit belongs to exactly one order line.
        .addUniqueConstraint('stock_reservations_line_sku_uq', ['order_line_id', 'sku'])
        .execute();
      // No index by (warehouse, sku) here or on the ledger: reservations and movements are written by the
      // hundred per transaction, and such an index puts each row on a different page. Reading by SKU (an
      // adjustment's refusal, `stock ledger --sku`, the audit) is rare and scans instead.
      await db.schema.createIndex('stock_reservations_order_idx').on('stock_reservations').column('order_id').execute();

      await db.schema
        .createTable('stock_shortfalls')
        .addColumn('order_id', ref, (c) => c.notNull().references('orders.id'))
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('warehouse_id', 'text')
        .addColumn('needed', 'integer', (c) => c.notNull())
        .addColumn('missing', 'integer', (c) => c.notNull())
        .addColumn('recorded_at', instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('stock_shortfalls_pk', ['order_id', 'sku'])
        .execute();
      await db.schema
        .createIndex('stock_shortfalls_sku_idx')
        .on('stock_shortfalls')
        .columns(['sku', 'order_id'])
        .execute();

      await db.schema
        .createTable('stock_movements')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('at', instant, (c) => c.notNull())
        .addColumn('warehouse_id', 'text', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('on_hand_delta', 'integer', (c) => c.notNull())
        .addColumn('reserved_delta', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('order_id', ref)
        .addColumn('purchase_order_id', ref)
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .execute();
      await db.schema
        .createIndex('stock_movements_kind_at_idx')
        .on('stock_movements')
        .columns(['kind', 'at'])
        .execute();
      await db.schema.createIndex('stock_movements_order_idx').on('stock_movements').column('order_id').execute();

      await db.schema
        .createTable('stock_alerts')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('at', instant, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('warehouse_id', 'text', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('available', 'integer', (c) => c.notNull())
        .addColumn('threshold', 'integer', (c) => c.notNull())
        .addColumn('data', 'text')
        .addColumn('notified_at', instant)
        .execute();
      await db.schema
        .createIndex('stock_alerts_pending_idx')
        .on('stock_alerts')
        .columns(['notified_at', 'id'])
        .execute();

      await db.schema
        .createTable('purchase_orders')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouses.id'))
        .addColumn('supplier', 'text', (c) => c.notNull())
        .addColumn('reference', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('expected_at', instant)
        .addColumn('ordered_at', instant)
        .addColumn('received_at', instant)
        .addColumn('cancelled_at', instant)
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('purchase_orders_status_idx')
        .on('purchase_orders')
        .columns(['status', 'warehouse_id'])
        .execute();

      await db.schema
        .createTable('purchase_order_lines')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('purchase_order_id', ref, (c) => c.notNull().references('purchase_orders.id').onDelete('cascade'))
        .addColumn('sku', 'text', (c) => c.notNull().references('skus.sku'))
        .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
        .addColumn('received_quantity', 'integer')
        .addUniqueConstraint('purchase_order_lines_sku_uq', ['purchase_order_id', 'sku'])
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const table of [
        'purchase_order_lines',
        'purchase_orders',
        'stock_alerts',
        'stock_movements',
        'stock_shortfalls',
        'stock_reservations',
        'stock_levels',
        'sku_mappings',
        'skus',
        'products',
        'warehouses',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
