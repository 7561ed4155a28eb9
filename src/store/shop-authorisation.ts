/**
 * Seller authorisation's rows: started authorisations (`authorisation_requests`, by the hash of their `state`) and
 * the token columns of `marketplace_connections`. Every write that must happen once is one conditional statement:
 * a request is used once, a refreshed token replaces exactly the one it was refreshed from, a shop is paused once.
 */
import type { Insertable } from 'kysely';
import type { Executor } from './orders';
import type { AuthorisationRequestsTable, MarketplaceConnectionRow } from './schema';

export type AuthorisationRequestRow = AuthorisationRequestsTable;

export async function insertAuthorisationRequest(
  db: Executor,
  row: Insertable<AuthorisationRequestsTable>,
): Promise<void> {
  await db.insertInto('authorisation_requests').values(row).execute();
}

export async function getAuthorisationRequest(
  db: Executor,
  stateHash: string,
): Promise<AuthorisationRequestRow | undefined> {
  return db.selectFrom('authorisation_requests').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
}

/** Marks the request used; false when another callback used it first. */
export async function useAuthorisationRequest(db: Executor, stateHash: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('authorisation_requests')
    .set({ used_at: now })
    .where('state_hash', '=', stateHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Forgets requests that ended (used or expired) before `before`. */
export async function pruneAuthorisationRequests(db: Executor, before: number): Promise<void> {
  await db.deleteFrom('authorisation_requests').where('expires_at', '<', before).execute();
}

/** Authorised shops with a refresh token, whose access token ends before `until`. */
export async function connectionsExpiringBefore(db: Executor, until: number): Promise<MarketplaceConnectionRow[]> {
  return db
    .selectFrom('marketplace_connections')
    .selectAll()
    .where('auth_state', '=', 'authorised')
    .where('refresh_token_enc', 'is not', null)
    .where('access_expires_at', '<', until)
    .orderBy('access_expires_at')
    .execute();
}

/** Authorised shops with a refresh token that ends before `until` (the owner must authorise them again). */
export async function connectionsEndingBefore(
  db: Executor,
  until: number,
  shopIds?: readonly string[],
): Promise<MarketplaceConnectionRow[]> {
  let query = db
    .selectFrom('marketplace_connections')
    .selectAll()
    .where('auth_state', '=', 'authorised')
    .where('refresh_token_enc', 'is not', null)
    .where('refresh_expires_at', '<', until);
  if (shopIds) {
    if (shopIds.length === 0) return [];
    query = query.where('shop_id', 'in', [...shopIds]);
  }
  return query.orderBy('refresh_expires_at').execute();
}

export interface RefreshedTokens {
  access_token_enc: string;
  refresh_token_enc: string;
  access_expires_at: number;
  refresh_expires_at: number;
  token_issued_at: number;
}

/** Stores refreshed tokens in place of the ones they came from (`fromAccessEnc`); false when they changed meanwhile. */
export async function replaceTokens(
  db: Executor,
  shopId: string,
  fromAccessEnc: string,
  tokens: RefreshedTokens,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('marketplace_connections')
    .set({ ...tokens, updated_at: now })
    .where('shop_id', '=', shopId)
    .where('access_token_enc', '=', fromAccessEnc)
    .where('auth_state', '=', 'authorised')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Pauses an authorised shop (once: false when it already was, or its tokens changed since `fromAccessEnc`). */
export async function pauseConnection(
  db: Executor,
  shopId: string,
  fromAccessEnc: string,
  reason: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('marketplace_connections')
    .set({ auth_state: 'paused', auth_paused_at: now, auth_paused_reason: reason, updated_at: now })
    .where('shop_id', '=', shopId)
    .where('access_token_enc', '=', fromAccessEnc)
    .where('auth_state', '=', 'authorised')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function pausedConnections(
  db: Executor,
  shopIds?: readonly string[],
): Promise<MarketplaceConnectionRow[]> {
  let query = db.selectFrom('marketplace_connections').selectAll().where('auth_state', '=', 'paused');
  if (shopIds) {
    if (shopIds.length === 0) return [];
    query = query.where('shop_id', 'in', [...shopIds]);
  }
  return query.orderBy('shop_id').execute();
}
