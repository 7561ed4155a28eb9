/**
 * A self-send order's receipt at the platform's warehouse (issue 14): the event the semi-managed self-send policy
 * counts, recorded by hand (or from the platform when it says so) instead of guessed from the hand-over.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database';

export function warehouseReceiptMigration(dialect: Dialect): Migration {
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('orders').addColumn('warehouse_received_at', instant).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('orders').dropColumn('warehouse_received_at').execute();
    },
  };
}
