/**
 * Accounts and access (issue 10): accounts own shops and warehouses; users hold a role per shop; browser
 * sessions, one-time sign-in links and API keys are stored as SHA-256 hashes of their random tokens (the token
 * itself is shown once); the audit log says who did what, when and from where.
 * Shops and warehouses that existed before belong to the account `default`.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database';

export const DEFAULT_ACCOUNT_ID = 'default';

export function accountsMigration(dialect: Dialect): Migration {
  const idType = dialect === 'postgres' ? 'bigserial' : 'integer';
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  const ref = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', instant, (c) => c.notNull())
        .execute();
      await db
        .insertInto('accounts')
        .values({ id: DEFAULT_ACCOUNT_ID, name: 'Default account', created_at: Date.now() })
        .execute();
      await db.schema
        .alterTable('shops')
        .addColumn('account_id', 'text', (c) => c.notNull().defaultTo(DEFAULT_ACCOUNT_ID))
        .execute();
      await db.schema
        .alterTable('warehouses')
        .addColumn('account_id', 'text', (c) => c.notNull().defaultTo(DEFAULT_ACCOUNT_ID))
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('account_owner', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked_until', instant)
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('updated_at', instant, (c) => c.notNull())
        .addColumn('disabled_at', instant)
        .execute();

      await db.schema
        .createTable('memberships')
        .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('shop_id', 'text', (c) => c.notNull().references('shops.id'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'shop_id'])
        .execute();

      await db.schema
        .createTable('user_sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('expires_at', instant, (c) => c.notNull())
        .addColumn('last_seen_at', instant, (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .execute();
      await db.schema.createIndex('user_sessions_user_idx').on('user_sessions').column('user_id').execute();

      await db.schema
        .createTable('sign_in_links')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('expires_at', instant, (c) => c.notNull())
        .addColumn('used_at', instant)
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('last_used_at', instant)
        .addColumn('last_used_ip', 'text')
        .addColumn('revoked_at', instant)
        .execute();
      await db.schema
        .createTable('api_key_shops')
        .addColumn('key_id', ref, (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
        .addColumn('shop_id', 'text', (c) => c.notNull().references('shops.id'))
        .addPrimaryKeyConstraint('api_key_shops_pk', ['key_id', 'shop_id'])
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('at', instant, (c) => c.notNull())
        .addColumn('account_id', 'text')
        .addColumn('shop_id', 'text')
        .addColumn('order_id', ref)
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('audit_log_account_idx').on('audit_log').columns(['account_id', 'id']).execute();
      await db.schema.createIndex('audit_log_order_idx').on('audit_log').columns(['order_id', 'id']).execute();
    },
    async down(db: Kysely<any>) {
      for (const table of [
        'audit_log',
        'api_key_shops',
        'api_keys',
        'sign_in_links',
        'user_sessions',
        'memberships',
        'users',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
      await db.schema.alterTable('warehouses').dropColumn('account_id').execute();
      await db.schema.alterTable('shops').dropColumn('account_id').execute();
      await db.schema.dropTable('accounts').ifExists().execute();
    },
  };
}
