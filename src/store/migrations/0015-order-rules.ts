/**
 * The rules beside the deadline (issue 14): a buyer's cancellation request on the order (when it came, the seller's
 * answer and when), who cancelled an order (so a buyer's cancellation is not counted as the seller's), and a
 * parcel's weight at the platform's warehouse (the semi-managed weight-mismatch fine).
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database';

export function orderRulesMigration(dialect: Dialect): Migration {
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('orders').addColumn('cancel_requested_at', instant).execute();
      await db.schema.alterTable('orders').addColumn('cancel_answered_at', instant).execute();
      await db.schema.alterTable('orders').addColumn('cancel_answer', 'text').execute();
      await db.schema.alterTable('orders').addColumn('cancelled_by', 'text').execute();
      await db.schema.alterTable('parcels').addColumn('warehouse_weight_g', 'integer').execute();
      // The at-risk list's second read: the open requests (few), whatever their deadline.
      await db.schema.createIndex('orders_cancel_requested_idx').on('orders').column('cancel_requested_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('orders_cancel_requested_idx').ifExists().execute();
      await db.schema.alterTable('parcels').dropColumn('warehouse_weight_g').execute();
      for (const column of ['cancelled_by', 'cancel_answer', 'cancel_answered_at', 'cancel_requested_at']) {
        await db.schema.alterTable('orders').dropColumn(column).execute();
      }
    },
  };
}
