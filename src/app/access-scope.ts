/**
 * Which shop (or account) an object belongs to, so the HTTP layer can check a caller's role before any handler
 * runs. Unknown objects answer undefined: the caller then gets the same 404 as for an object of another shop.
 */
import * as store from '../store/accounts';
import type { AppContext } from './context';

export type OwnedObject = 'order' | 'parcel' | 'case' | 'pack-session';

export async function shopOfObject(ctx: AppContext, kind: OwnedObject, id: number): Promise<string | undefined> {
  const db = ctx.store.db;
  switch (kind) {
    case 'order':
      return (await db.selectFrom('orders').select('shop_id').where('id', '=', id).executeTakeFirst())?.shop_id;
    case 'parcel':
      return (await db.selectFrom('parcels').select('shop_id').where('id', '=', id).executeTakeFirst())?.shop_id;
    case 'case':
      return (await db.selectFrom('after_sales_cases').select('shop_id').where('id', '=', id).executeTakeFirst())
        ?.shop_id;
    case 'pack-session':
      return (await db.selectFrom('pack_sessions').select('shop_id').where('id', '=', id).executeTakeFirst())?.shop_id;
  }
}

export async function accountOfPurchaseOrder(ctx: AppContext, id: number): Promise<string | undefined> {
  const row = await ctx.store.db
    .selectFrom('purchase_orders')
    .innerJoin('warehouses', 'warehouses.id', 'purchase_orders.warehouse_id')
    .select('warehouses.account_id')
    .where('purchase_orders.id', '=', id)
    .executeTakeFirst();
  return row?.account_id;
}

export async function warehousesOfAccount(ctx: AppContext, accountId: string): Promise<string[]> {
  return store.warehousesOfAccount(ctx.store.db, accountId);
}
