/**
 * Orders in the browser (issue 17): an order held by the seller (`held_at`, `hold_reason`; not packed or labelled
 * while held), and the shop's label-cost share above which the pack station asks before buying a label
 * (`label_cost_confirm_percent`, null = the default 30 %).
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database';

export function orderHoldMigration(dialect: Dialect): Migration {
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('orders').addColumn('held_at', instant).execute();
      await db.schema.alterTable('orders').addColumn('hold_reason', 'text').execute();
      await db.schema.alterTable('shops').addColumn('label_cost_confirm_percent', 'integer').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('shops').dropColumn('label_cost_confirm_percent').execute();
      await db.schema.alterTable('orders').dropColumn('hold_reason').execute();
      await db.schema.alterTable('orders').dropColumn('held_at').execute();
    },
  };
}
