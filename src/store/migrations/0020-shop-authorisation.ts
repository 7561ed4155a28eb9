/**
 * Seller authorisation (issue 15): a shop authorised through the platform's consent page keeps its refresh token
 * (encrypted with SHIPBY_MASTER_KEY, bound to the shop), when its access and refresh tokens expire, and whether it
 * is `authorised` or `paused` (the platform refused a refresh: sync and uploads wait) with the reason and since when.
 * `authorisation_requests` holds each started authorisation's `state` (its hash only), single use and short-lived,
 * bound to the browser that started it (a hash of a cookie's nonce) or to none (a URL printed for a terminal).
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database';

export function shopAuthorisationMigration(dialect: Dialect): Migration {
  const instant = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<any>) {
      const add = (name: string, type: 'text' | typeof instant) =>
        db.schema.alterTable('marketplace_connections').addColumn(name, type).execute();
      await add('refresh_token_enc', 'text');
      await add('access_expires_at', instant);
      await add('refresh_expires_at', instant);
      await add('token_issued_at', instant);
      await add('seller_account', 'text');
      await db.schema
        .alterTable('marketplace_connections')
        .addColumn('auth_state', 'text', (c) => c.notNull().defaultTo('authorised'))
        .execute();
      await add('auth_paused_at', instant);
      await add('auth_paused_reason', 'text');
      await db.schema
        .createTable('authorisation_requests')
        .addColumn('state_hash', 'text', (c) => c.primaryKey())
        .addColumn('shop_id', 'text', (c) => c.notNull())
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('binding_hash', 'text')
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('created_at', instant, (c) => c.notNull())
        .addColumn('expires_at', instant, (c) => c.notNull())
        .addColumn('used_at', instant)
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('authorisation_requests').ifExists().execute();
      for (const column of [
        'auth_paused_reason',
        'auth_paused_at',
        'auth_state',
        'seller_account',
        'token_issued_at',
        'refresh_expires_at',
        'access_expires_at',
        'refresh_token_enc',
      ]) {
        await db.schema.alterTable('marketplace_connections').dropColumn(column).execute();
      }
    },
  };
}
