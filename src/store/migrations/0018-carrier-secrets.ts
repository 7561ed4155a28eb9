/**
 * Carrier accounts for real carrier APIs (issue 16): the account's id at the carrier (YunExpress customer code, 4PX
 * app key) and its secret encrypted with SHIPBY_MASTER_KEY (`secret_enc`, app/secrets.ts, bound to the carrier
 * row), instead of a bearer key kept in clear. The clear `api_key` column is dropped: an account stored before
 * this migration has no usable secret and is set again (its protocol, `sample-http`, is no longer spoken either).
 */
import type { Kysely, Migration } from 'kysely';

export function carrierSecretsMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('carrier_accounts')
        .addColumn('account_id', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .alterTable('carrier_accounts')
        .addColumn('secret_enc', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.alterTable('carrier_accounts').dropColumn('api_key').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema
        .alterTable('carrier_accounts')
        .addColumn('api_key', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.alterTable('carrier_accounts').dropColumn('secret_enc').execute();
      await db.schema.alterTable('carrier_accounts').dropColumn('account_id').execute();
    },
  };
}
