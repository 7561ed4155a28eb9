/**
 * Sign-in guards (issue 19, findings 4, 5 and 7):
 * - `api_keys.created_by_user_id`: the user whose session made the key, so a password change or reset can end the
 *   keys issued under it; `api_keys.parent_key_id`: the key that made it, so revoking a key ends the keys it minted.
 * - `sign_in_failures`: wrong passwords for e-mails that belong to no user, counted like a user's, so the lockout
 *   answers the same whether an e-mail exists or not. Keyed by the SHA-256 of the lower-cased e-mail.
 * - `known_devices`: a browser that signed in successfully before (its `shipby_device` cookie, stored hashed); a
 *   locked account still signs in from it, so a stranger's wrong tries cannot keep the owner out.
 * - `after_sales_evidence.size_bytes` (finding 10): a stored file's size, so a shop's evidence has a quota.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database';

export function signInGuardsMigration(dialect: Dialect): Migration {
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  const ref = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('api_keys').addColumn('created_by_user_id', ref).execute();
      await db.schema.alterTable('api_keys').addColumn('parent_key_id', ref).execute();
      await db.schema
        .createTable('sign_in_failures')
        .addColumn('email_hash', 'text', (c) => c.primaryKey())
        .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked_until', instant)
        .addColumn('updated_at', instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('known_devices')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('last_used_at', instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('known_devices_user_idx').on('known_devices').column('user_id').execute();
      await db.schema.alterTable('after_sales_evidence').addColumn('size_bytes', 'integer').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('after_sales_evidence').dropColumn('size_bytes').execute();
      await db.schema.dropTable('known_devices').ifExists().execute();
      await db.schema.dropTable('sign_in_failures').ifExists().execute();
      await db.schema.alterTable('api_keys').dropColumn('parent_key_id').execute();
      await db.schema.alterTable('api_keys').dropColumn('created_by_user_id').execute();
    },
  };
}
