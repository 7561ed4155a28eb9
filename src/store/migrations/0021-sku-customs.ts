/**
 * What customs need of a seller SKU (issue 17): the HS code, the contents' description as a CN22 declares it, and
 * the declared value per unit (minor units and its currency). Null until the seller sets them in the catalogue.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database';

export function skuCustomsMigration(dialect: Dialect): Migration {
  const money = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('skus').addColumn('hs_code', 'text').execute();
      await db.schema.alterTable('skus').addColumn('customs_description', 'text').execute();
      await db.schema.alterTable('skus').addColumn('customs_value', money).execute();
      await db.schema.alterTable('skus').addColumn('customs_currency', 'text').execute();
    },
    async down(db: Kysely<any>) {
      for (const column of ['customs_currency', 'customs_value', 'customs_description', 'hs_code'])
        await db.schema.alterTable('skus').dropColumn(column).execute();
    },
  };
}
