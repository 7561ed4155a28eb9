/**
 * A seller SKU's bin location in the warehouse (issue 17): where a picker finds it ("A-03-2"). The picking list
 * names and sorts by it, the pack station shows it. Null until the seller sets it in the catalogue (or its template).
 * One bin per SKU: a seller with several warehouses keeps the SKU at the same place name in each, or leaves it blank.
 */
import type { Kysely, Migration } from 'kysely';

export function binLocationsMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('skus').addColumn('bin_location', 'text').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('skus').dropColumn('bin_location').execute();
    },
  };
}
