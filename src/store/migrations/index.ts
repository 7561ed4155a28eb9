/**
 * One set of migrations for both dialects. `idColumn` and `instant` hide the few type differences.
 * Add a migration by appending to `migrations` with the next number; never edit a released one.
 */
import type { Kysely, Migration } from 'kysely';

import type { Dialect } from '../database';
import { stockMigration } from './0003-stock';
import { deadlinesMigration } from './0004-deadlines';
import { trackingMigration } from './0005-tracking';
import { trackingVersionMigration } from './0007-tracking-version';
import { packingMigration } from './0006-packing';
import { planningMigration } from './0008-planning';
import { accountsMigration } from './0009-accounts';
import { orderListIndexMigration } from './0010-order-list-index';
import { storeLeasesMigration } from './0011-store-leases';
import { reliabilityMigration } from './0012-reliability';
import { marketplaceOutagesMigration } from './0013-marketplace-outages';
import { warehouseReceiptMigration } from './0014-warehouse-receipt';
import { orderRulesMigration } from './0015-order-rules';
import { importStagingMigration } from './0016-import-staging';
import { trackingProvidersMigration } from './0017-tracking-providers';
import { carrierSecretsMigration } from './0018-carrier-secrets';
import { signInGuardsMigration } from './0019-sign-in-guards';
import { shopAuthorisationMigration } from './0020-shop-authorisation';
import { skuCustomsMigration } from './0021-sku-customs';
import { rateLimitsMigration } from './0022-rate-limits';
import { orderHoldMigration } from './0023-order-hold';
import { labelDocumentsRegistrationsMigration } from './0024-label-documents-registrations';
import { addressDetailMigration } from './0025-address-detail';
import { queueLeaseOwnerMigration } from './0026-queue-lease-owner';
import { binLocationsMigration } from './0027-bin-locations';
import { registrationQueueMigration } from './0028-registration-queue';
import { openCancelRequestsIndexMigration } from './0029-open-cancel-requests-index';
import { dropEventKindIndexMigration } from './0030-drop-event-kind-index';

export function buildMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_orders': {
      async up(db: Kysely<any>) {
        const idType = dialect === 'postgres' ? 'bigserial' : 'integer';
        const instant = dialect === 'postgres' ? 'bigint' : 'integer';
        const money = dialect === 'postgres' ? 'bigint' : 'integer';

        await db.schema
          .createTable('shops')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('created_at', instant, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('orders')
          .addColumn('id', idType, (c) => c.primaryKey())
          .addColumn('shop_id', 'text', (c) => c.notNull().references('shops.id'))
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('platform_order_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('platform_status', 'text')
          .addColumn('currency', 'text', (c) => c.notNull())
          .addColumn('total_amount', money, (c) => c.notNull())
          .addColumn('buyer_name', 'text', (c) => c.notNull())
          .addColumn('buyer_country', 'text', (c) => c.notNull())
          .addColumn('address_line1', 'text', (c) => c.notNull())
          .addColumn('city', 'text', (c) => c.notNull())
          .addColumn('postcode', 'text')
          .addColumn('phone', 'text')
          .addColumn('handling_days', 'integer')
          .addColumn('logistics_service', 'text')
          .addColumn('paid_at', instant, (c) => c.notNull())
          .addColumn('risk_passed_at', instant)
          .addColumn('ship_by_at', instant)
          .addColumn('ship_by_source', 'text')
          .addColumn('platform_ship_by_at', instant)
          .addColumn('accepted_at', instant)
          .addColumn('packed_at', instant)
          .addColumn('handed_over_at', instant)
          .addColumn('tracking_uploaded_at', instant)
          .addColumn('first_scan_at', instant)
          .addColumn('delivered_at', instant)
          .addColumn('receipt_confirmed_at', instant)
          .addColumn('cancelled_at', instant)
          .addColumn('closed_at', instant)
          .addColumn('content_hash', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', instant, (c) => c.notNull())
          .addColumn('updated_at', instant, (c) => c.notNull())
          .addUniqueConstraint('orders_shop_platform_order_uq', ['shop_id', 'platform_order_id'])
          .execute();
        // The deadline queries: open orders of a shop by time left.
        await db.schema
          .createIndex('orders_shop_status_ship_by_idx')
          .on('orders')
          .columns(['shop_id', 'status', 'ship_by_at'])
          .execute();
        await db.schema
          .createIndex('orders_status_ship_by_idx')
          .on('orders')
          .columns(['status', 'ship_by_at'])
          .execute();

        await db.schema
          .createTable('order_lines')
          .addColumn('id', idType, (c) => c.primaryKey())
          .addColumn('order_id', dialect === 'postgres' ? 'bigint' : 'integer', (c) =>
            c.notNull().references('orders.id').onDelete('cascade'),
          )
          .addColumn('line_no', 'integer', (c) => c.notNull())
          .addColumn('sku', 'text', (c) => c.notNull())
          .addColumn('quantity', 'integer', (c) => c.notNull())
          .addColumn('unit_price', money, (c) => c.notNull())
          .addUniqueConstraint('order_lines_order_sku_uq', ['order_id', 'sku'])
          .execute();

        await db.schema
          .createTable('parcels')
          .addColumn('id', idType, (c) => c.primaryKey())
          .addColumn('order_id', dialect === 'postgres' ? 'bigint' : 'integer', (c) =>
            c.notNull().references('orders.id').onDelete('cascade'),
          )
          .addColumn('shop_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('carrier', 'text')
          .addColumn('service', 'text')
          .addColumn('tracking_number', 'text')
          .addColumn('weight_g', 'integer')
          .addColumn('packed_at', instant)
          .addColumn('labelled_at', instant)
          .addColumn('handed_over_at', instant)
          .addColumn('tracking_uploaded_at', instant)
          .addColumn('first_scan_at', instant)
          .addColumn('delivered_at', instant)
          .addColumn('created_at', instant, (c) => c.notNull())
          .addColumn('updated_at', instant, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('parcels_order_idx').on('parcels').column('order_id').execute();
        await db.schema.createIndex('parcels_tracking_idx').on('parcels').column('tracking_number').execute();

        await db.schema
          .createTable('order_events')
          .addColumn('id', idType, (c) => c.primaryKey())
          .addColumn('order_id', dialect === 'postgres' ? 'bigint' : 'integer', (c) =>
            c.notNull().references('orders.id').onDelete('cascade'),
          )
          .addColumn('parcel_id', dialect === 'postgres' ? 'bigint' : 'integer')
          .addColumn('at', instant, (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('action', 'text')
          .addColumn('from_state', 'text')
          .addColumn('to_state', 'text')
          .addColumn('reason', 'text')
          .addColumn('data', 'text')
          .execute();
        await db.schema.createIndex('order_events_order_idx').on('order_events').columns(['order_id', 'id']).execute();
        await db.schema.createIndex('order_events_kind_at_idx').on('order_events').columns(['kind', 'at']).execute();
      },
      async down(db: Kysely<any>) {
        for (const table of ['order_events', 'parcels', 'order_lines', 'orders', 'shops']) {
          await db.schema.dropTable(table).ifExists().execute();
        }
      },
    },
    '0002_marketplace': {
      async up(db: Kysely<any>) {
        const idType = dialect === 'postgres' ? 'bigserial' : 'integer';
        const instant = dialect === 'postgres' ? 'bigint' : 'integer';
        const ref = dialect === 'postgres' ? 'bigint' : 'integer';

        await db.schema
          .createTable('marketplace_connections')
          .addColumn('shop_id', 'text', (c) => c.primaryKey().references('shops.id'))
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('app_key', 'text', (c) => c.notNull())
          .addColumn('app_secret_enc', 'text', (c) => c.notNull())
          .addColumn('access_token_enc', 'text', (c) => c.notNull())
          .addColumn('gateway_protocol', 'text', (c) => c.notNull())
          .addColumn('gateway_url', 'text')
          .addColumn('upload_timing', 'text', (c) => c.notNull().defaultTo('label'))
          .addColumn('sync_cursor_at', instant)
          .addColumn('sync_lease_until', instant)
          .addColumn('last_sync_at', instant)
          .addColumn('last_sync_report', 'text')
          .addColumn('created_at', instant, (c) => c.notNull())
          .addColumn('updated_at', instant, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('marketplace_orders')
          .addColumn('order_id', ref, (c) => c.primaryKey().references('orders.id').onDelete('cascade'))
          .addColumn('shop_id', 'text', (c) => c.notNull())
          .addColumn('buyer_login_id', 'text')
          .addColumn('seller_login_id', 'text')
          .addColumn('platform_modified_at', instant)
          .addColumn('synced_at', instant, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('outbox')
          .addColumn('id', idType, (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('shop_id', 'text', (c) => c.notNull())
          .addColumn('order_id', ref, (c) => c.notNull().references('orders.id').onDelete('cascade'))
          .addColumn('parcel_id', ref)
          .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('send_type', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('priority_at', instant, (c) => c.notNull())
          .addColumn('next_attempt_at', instant, (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('needs_readback', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('lease_owner', 'text')
          .addColumn('lease_until', instant)
          .addColumn('last_error', 'text')
          .addColumn('created_at', instant, (c) => c.notNull())
          .addColumn('updated_at', instant, (c) => c.notNull())
          .addColumn('done_at', instant)
          .execute();
        // The claim: due rows of a status, most urgent first.
        await db.schema
          .createIndex('outbox_status_priority_idx')
          .on('outbox')
          .columns(['status', 'priority_at', 'id'])
          .execute();
        // Siblings of an upload (the part/all rule) and an order's uploads.
        await db.schema.createIndex('outbox_order_idx').on('outbox').columns(['order_id', 'kind']).execute();
      },
      async down(db: Kysely<any>) {
        for (const table of ['outbox', 'marketplace_orders', 'marketplace_connections']) {
          await db.schema.dropTable(table).ifExists().execute();
        }
      },
    },
    '0003_stock': stockMigration(dialect),
    '0004_deadlines': deadlinesMigration(dialect),
    '0005_tracking': trackingMigration(dialect),
    '0006_packing': packingMigration(dialect),
    '0007_tracking_version': trackingVersionMigration(dialect),
    '0008_planning': planningMigration(dialect),
    '0009_accounts': accountsMigration(dialect),
    '0010_order_list_index': orderListIndexMigration(),
    '0011_store_leases': storeLeasesMigration(dialect),
    '0012_reliability': reliabilityMigration(dialect),
    '0013_marketplace_outages': marketplaceOutagesMigration(dialect),
    '0014_warehouse_receipt': warehouseReceiptMigration(dialect),
    '0015_order_rules': orderRulesMigration(dialect),
    '0016_import_staging': importStagingMigration(dialect),
    '0017_tracking_providers': trackingProvidersMigration(dialect),
    '0018_carrier_secrets': carrierSecretsMigration(),
    '0019_sign_in_guards': signInGuardsMigration(dialect),
    '0020_shop_authorisation': shopAuthorisationMigration(dialect),
    '0021_sku_customs': skuCustomsMigration(dialect),
    '0022_rate_limits': rateLimitsMigration(dialect),
    '0023_order_hold': orderHoldMigration(dialect),
    '0024_label_documents_registrations': labelDocumentsRegistrationsMigration(dialect),
    '0025_address_detail': addressDetailMigration(),
    '0026_queue_lease_owner': queueLeaseOwnerMigration(),
    '0027_bin_locations': binLocationsMigration(),
    '0028_registration_queue': registrationQueueMigration(dialect),
    '0029_open_cancel_requests_index': openCancelRequestsIndexMigration(),
    '0030_drop_event_kind_index': dropEventKindIndexMigration(),
  };
}
