/** Pack and ship (issue 5): boxes, SKU sizes, senders, carrier contracts and rules, parcel packages, pack sessions, labels. */
import { sql, type Kysely, type Migration, type SqlBool } from 'kysely';
import type { Dialect } from '../database';

export const OPEN_PACK_SESSION_STATES = ['scanning', 'weighing', 'held'] as const;

export function packingMigration(dialect: Dialect): Migration {
  const idType = dialect === 'postgres' ? 'bigserial' : 'integer';
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  const ref = dialect === 'postgres' ? 'bigint' : 'integer';
  const money = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('boxes')
        .addColumn('shop_id', 'text', (c) => c.notNull().references('shops.id'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('inner_length_mm', 'integer', (c) => c.notNull())
        .addColumn('inner_width_mm', 'integer', (c) => c.notNull())
        .addColumn('inner_height_mm', 'integer', (c) => c.notNull())
        .addColumn('outer_length_mm', 'integer')
        .addColumn('outer_width_mm', 'integer')
        .addColumn('outer_height_mm', 'integer')
        .addColumn('max_weight_g', 'integer', (c) => c.notNull())
        .addColumn('tare_g', 'integer', (c) => c.notNull())
        .addColumn('cost', money, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('boxes_pk', ['shop_id', 'code'])
        .execute();

      await db.schema
        .createTable('sku_dimensions')
        .addColumn('sku', 'text', (c) => c.primaryKey())
        .addColumn('length_mm', 'integer', (c) => c.notNull())
        .addColumn('width_mm', 'integer', (c) => c.notNull())
        .addColumn('height_mm', 'integer', (c) => c.notNull())
        .addColumn('weight_g', 'integer', (c) => c.notNull())
        .addColumn('barcode', 'text')
        .addColumn('batteries', 'text', (c) => c.notNull().defaultTo('none'))
        .addColumn('liquids', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('sku_dimensions_barcode_uq')
        .on('sku_dimensions')
        .column('barcode')
        .unique()
        .where(sql<SqlBool>`barcode IS NOT NULL`)
        .execute();

      await db.schema
        .createTable('shop_senders')
        .addColumn('shop_id', 'text', (c) => c.primaryKey().references('shops.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('address_line1', 'text', (c) => c.notNull())
        .addColumn('address_line2', 'text')
        .addColumn('city', 'text', (c) => c.notNull())
        .addColumn('postcode', 'text')
        .addColumn('country', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('carrier_services')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('marketplace_service', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('imported_at', instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('shipping_rules')
        .addColumn('position', 'integer', (c) => c.primaryKey())
        .addColumn('rule_id', 'text', (c) => c.notNull().unique())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('carrier_accounts')
        .addColumn('carrier', 'text', (c) => c.primaryKey())
        .addColumn('protocol', 'text', (c) => c.notNull())
        .addColumn('base_url', 'text', (c) => c.notNull())
        .addColumn('api_key', 'text', (c) => c.notNull())
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('parcel_packages')
        .addColumn('parcel_id', ref, (c) => c.primaryKey().references('parcels.id').onDelete('cascade'))
        .addColumn('order_id', ref, (c) => c.notNull().references('orders.id').onDelete('cascade'))
        .addColumn('box_code', 'text', (c) => c.notNull())
        .addColumn('outer_length_mm', 'integer', (c) => c.notNull())
        .addColumn('outer_width_mm', 'integer', (c) => c.notNull())
        .addColumn('outer_height_mm', 'integer', (c) => c.notNull())
        .addColumn('contents', 'text', (c) => c.notNull())
        .addColumn('content_weight_g', 'integer', (c) => c.notNull())
        .addColumn('expected_gross_g', 'integer', (c) => c.notNull())
        .addColumn('box_cost', money, (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('measured_g', 'integer')
        .addColumn('weight_status', 'text', (c) => c.notNull())
        .addColumn('weight_note', 'text')
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('parcel_packages_order_idx').on('parcel_packages').column('order_id').execute();

      await db.schema
        .createTable('pack_sessions')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('order_id', ref, (c) => c.notNull().references('orders.id').onDelete('cascade'))
        .addColumn('shop_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('current_parcel_id', ref)
        .addColumn('station', 'text')
        .addColumn('packer', 'text')
        .addColumn('tolerance_bp', 'integer', (c) => c.notNull())
        .addColumn('tolerance_min_g', 'integer', (c) => c.notNull())
        .addColumn('started_at', instant, (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .addColumn('finished_at', instant)
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      // One open session per order, whatever the code does: the order is "being packed" by exactly one station.
      const open = OPEN_PACK_SESSION_STATES.map((s) => `'${s}'`).join(', ');
      await db.schema
        .createIndex('pack_sessions_open_order_uq')
        .on('pack_sessions')
        .column('order_id')
        .unique()
        .where(sql<SqlBool>`status IN (${sql.raw(open)})`)
        .execute();
      await db.schema
        .createIndex('pack_sessions_status_idx')
        .on('pack_sessions')
        .columns(['status', 'shop_id'])
        .execute();

      await db.schema
        .createTable('pack_scans')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('session_id', ref, (c) => c.notNull().references('pack_sessions.id').onDelete('cascade'))
        .addColumn('parcel_id', ref)
        .addColumn('at', instant, (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('sku', 'text')
        .addColumn('accepted', 'integer', (c) => c.notNull())
        .addColumn('refusal', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('pack_scans_session_idx')
        .on('pack_scans')
        .columns(['session_id', 'parcel_id'])
        .execute();

      await db.schema
        .createTable('parcel_labels')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('parcel_id', ref, (c) => c.notNull().references('parcels.id').onDelete('cascade'))
        .addColumn('order_id', ref, (c) => c.notNull().references('orders.id').onDelete('cascade'))
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('marketplace_service', 'text', (c) => c.notNull())
        .addColumn('tracking_number', 'text', (c) => c.notNull())
        .addColumn('carrier_label_id', 'text', (c) => c.notNull())
        .addColumn('routing_code', 'text')
        .addColumn('cost', money)
        .addColumn('currency', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('problem', 'text')
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .addColumn('voided_at', instant)
        .execute();
      await db.schema
        .createIndex('parcel_labels_parcel_idx')
        .on('parcel_labels')
        .columns(['parcel_id', 'status'])
        .execute();
      await db.schema.createIndex('parcel_labels_number_idx').on('parcel_labels').column('tracking_number').execute();

      await db.schema
        .createTable('order_notes')
        .addColumn('order_id', ref, (c) => c.primaryKey().references('orders.id').onDelete('cascade'))
        .addColumn('buyer_note', 'text', (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const table of [
        'order_notes',
        'parcel_labels',
        'pack_scans',
        'pack_sessions',
        'parcel_packages',
        'carrier_accounts',
        'shipping_rules',
        'carrier_services',
        'shop_senders',
        'sku_dimensions',
        'boxes',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
