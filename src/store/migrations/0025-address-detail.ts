/**
 * The buyer's state or province and second address line (issue 17): a carrier routes and customs clear on them, and
 * the label prints them. Both on `orders` and on the import's staging copy (`import_staged_orders` carries the
 * columns the import writes, store/order-bulk.ts ORDER_COLUMNS). Null for orders stored before: their second line
 * was folded into the first.
 */
import type { Kysely, Migration } from 'kysely';

export function addressDetailMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      for (const table of ['orders', 'import_staged_orders']) {
        await db.schema.alterTable(table).addColumn('address_line2', 'text').execute();
        await db.schema.alterTable(table).addColumn('state', 'text').execute();
      }
    },
    async down(db: Kysely<any>) {
      for (const table of ['orders', 'import_staged_orders']) {
        await db.schema.alterTable(table).dropColumn('state').execute();
        await db.schema.alterTable(table).dropColumn('address_line2').execute();
      }
    },
  };
}
