/**
 * Marketplace connections (credentials as ciphertext, upload timing, sync cursor and lease) and what the sync keeps
 * about each platform order. Every function takes the executor (transaction) it runs in.
 */
import type { Executor } from './orders';
import type { MarketplaceConnectionRow, MarketplaceConnectionsTable } from './schema';
import type { Insertable } from 'kysely';

export async function upsertConnection(db: Executor, row: Insertable<MarketplaceConnectionsTable>): Promise<void> {
  await db
    .insertInto('marketplace_connections')
    .values(row)
    .onConflict((oc) =>
      oc.column('shop_id').doUpdateSet({
        platform: row.platform,
        app_key: row.app_key,
        app_secret_enc: row.app_secret_enc,
        access_token_enc: row.access_token_enc,
        gateway_protocol: row.gateway_protocol,
        gateway_url: row.gateway_url ?? null,
        upload_timing: row.upload_timing,
        updated_at: row.updated_at,
        // A new authorisation (or a pasted token) replaces the old one whole, and ends a pause.
        refresh_token_enc: row.refresh_token_enc ?? null,
        access_expires_at: row.access_expires_at ?? null,
        refresh_expires_at: row.refresh_expires_at ?? null,
        token_issued_at: row.token_issued_at ?? null,
        seller_account: row.seller_account ?? null,
        auth_state: row.auth_state ?? 'authorised',
        auth_paused_at: null,
        auth_paused_reason: null,
      }),
    )
    .execute();
}

export async function getConnection(db: Executor, shopId: string): Promise<MarketplaceConnectionRow | undefined> {
  return db.selectFrom('marketplace_connections').selectAll().where('shop_id', '=', shopId).executeTakeFirst();
}

export async function getConnections(db: Executor, shopIds: string[]): Promise<MarketplaceConnectionRow[]> {
  if (shopIds.length === 0) return [];
  return db.selectFrom('marketplace_connections').selectAll().where('shop_id', 'in', shopIds).execute();
}

export async function listConnections(db: Executor): Promise<MarketplaceConnectionRow[]> {
  return db.selectFrom('marketplace_connections').selectAll().orderBy('shop_id').execute();
}

export async function setUploadTiming(db: Executor, shopId: string, timing: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('marketplace_connections')
    .set({ upload_timing: timing, updated_at: now })
    .where('shop_id', '=', shopId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Takes the shop's sync lease if nobody holds it; false when another run holds it. */
export async function takeSyncLease(db: Executor, shopId: string, now: number, until: number): Promise<boolean> {
  const result = await db
    .updateTable('marketplace_connections')
    .set({ sync_lease_until: until })
    .where('shop_id', '=', shopId)
    .where((eb) => eb.or([eb('sync_lease_until', 'is', null), eb('sync_lease_until', '<', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function finishSync(
  db: Executor,
  shopId: string,
  changes: { cursorAt?: number; at: number; report: string },
): Promise<void> {
  await db
    .updateTable('marketplace_connections')
    .set({
      ...(changes.cursorAt !== undefined ? { sync_cursor_at: changes.cursorAt } : {}),
      sync_lease_until: null,
      last_sync_at: changes.at,
      last_sync_report: changes.report,
    })
    .where('shop_id', '=', shopId)
    .execute();
}

export interface MarketplaceOrderRef {
  order_id: number;
  shop_id: string;
  buyer_login_id: string | null;
  seller_login_id: string | null;
  platform_modified_at: number | null;
  synced_at: number;
}

export async function upsertOrderRefs(db: Executor, refs: MarketplaceOrderRef[]): Promise<void> {
  for (let i = 0; i < refs.length; i += 1000) {
    await db
      .insertInto('marketplace_orders')
      .values(refs.slice(i, i + 1000))
      .onConflict((oc) =>
        oc.column('order_id').doUpdateSet((eb) => ({
          buyer_login_id: eb.ref('excluded.buyer_login_id'),
          seller_login_id: eb.ref('excluded.seller_login_id'),
          platform_modified_at: eb.ref('excluded.platform_modified_at'),
          synced_at: eb.ref('excluded.synced_at'),
        })),
      )
      .execute();
  }
}

export async function getOrderRefs(db: Executor, orderIds: number[]): Promise<MarketplaceOrderRef[]> {
  if (orderIds.length === 0) return [];
  const found: MarketplaceOrderRef[] = [];
  for (let i = 0; i < orderIds.length; i += 1000) {
    found.push(
      ...(await db
        .selectFrom('marketplace_orders')
        .selectAll()
        .where('order_id', 'in', orderIds.slice(i, i + 1000))
        .execute()),
    );
  }
  return found;
}

/** Platform modified times of a shop's known orders, by platform order id (to skip unchanged ones in a sync). */
export async function knownModifiedTimes(
  db: Executor,
  shopId: string,
  platformOrderIds: string[],
): Promise<Map<string, number | null>> {
  const known = new Map<string, number | null>();
  if (platformOrderIds.length === 0) return known;
  const rows = await db
    .selectFrom('orders')
    .innerJoin('marketplace_orders', 'marketplace_orders.order_id', 'orders.id')
    .select(['orders.platform_order_id', 'marketplace_orders.platform_modified_at'])
    .where('orders.shop_id', '=', shopId)
    .where('orders.platform_order_id', 'in', platformOrderIds)
    .execute();
  for (const row of rows) known.set(row.platform_order_id, row.platform_modified_at);
  return known;
}
