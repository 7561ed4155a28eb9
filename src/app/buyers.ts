/**
 * A buyer's personal data, per shop (issue 10): everything shipby holds about one buyer can be exported, and
 * erased — name, address, phone, marketplace login and notes are replaced, while what the seller's metrics and
 * fines need (country, dates, amounts, states) stays. A buyer is named by the marketplace login id or by the
 * exact name on the orders.
 */
import { localized } from '../core/i18n';
import type { AppContext } from './context';
import { NotFoundError, ValidationError } from './errors';
import { presentEvent, presentLine, presentOrder, presentParcel } from './present';
import { timelineEvent } from '../core/timeline';

const ERASED = '[erased]';

async function buyerOrderIds(ctx: AppContext, shopId: string, buyer: string): Promise<number[]> {
  const name = buyer.trim();
  if (!name)
    throw new ValidationError([
      {
        row: 0,
        field: 'buyer',
        message: localized(
          'Name the buyer (marketplace login id or the name on the orders).',
          '请指定买家（平台登录 ID 或订单上的姓名）。',
        ),
      },
    ]);
  const rows = await ctx.store.db
    .selectFrom('orders')
    .leftJoin('marketplace_orders', 'marketplace_orders.order_id', 'orders.id')
    .select('orders.id')
    .where('orders.shop_id', '=', shopId)
    .where((eb) => eb.or([eb('orders.buyer_name', '=', name), eb('marketplace_orders.buyer_login_id', '=', name)]))
    .orderBy('orders.id')
    .execute();
  if (rows.length === 0)
    throw new NotFoundError(
      localized(`Shop ${shopId} has no orders of buyer "${name}".`, `店铺 ${shopId} 没有买家「${name}」的订单。`),
    );
  return rows.map((r) => r.id);
}

/** Every order of the buyer with its lines, parcels, notes and timeline: what the buyer may ask to see. */
export async function exportBuyer(ctx: AppContext, shopId: string, buyer: string) {
  const ids = await buyerOrderIds(ctx, shopId, buyer);
  const db = ctx.store.db;
  const [orders, lines, parcels, events, notes, logins] = await Promise.all([
    db.selectFrom('orders').selectAll().where('id', 'in', ids).orderBy('id').execute(),
    db.selectFrom('order_lines').selectAll().where('order_id', 'in', ids).orderBy('line_no').execute(),
    db.selectFrom('parcels').selectAll().where('order_id', 'in', ids).orderBy('id').execute(),
    db.selectFrom('order_events').selectAll().where('order_id', 'in', ids).orderBy('id').execute(),
    db.selectFrom('order_notes').selectAll().where('order_id', 'in', ids).execute(),
    db.selectFrom('marketplace_orders').select(['order_id', 'buyer_login_id']).where('order_id', 'in', ids).execute(),
  ]);
  return {
    shop_id: shopId,
    buyer,
    exported_at: new Date(ctx.now()).toISOString(),
    orders: orders.map((o) => ({
      ...presentOrder(o),
      buyer_login_id: logins.find((l) => l.order_id === o.id)?.buyer_login_id ?? null,
      buyer_note: notes.find((n) => n.order_id === o.id)?.buyer_note ?? null,
      lines: lines.filter((l) => l.order_id === o.id).map((l) => presentLine(l, o.currency)),
      parcels: parcels.filter((p) => p.order_id === o.id).map(presentParcel),
      timeline: events.filter((e) => e.order_id === o.id).map(presentEvent),
    })),
  };
}

/** Replaces the buyer's personal data on every order of the shop, in one transaction, with one timeline event each. */
export async function eraseBuyer(
  ctx: AppContext,
  shopId: string,
  buyer: string,
  actor: string,
): Promise<{ orders: number }> {
  const ids = await buyerOrderIds(ctx, shopId, buyer);
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('orders')
      .set({
        buyer_name: ERASED,
        address_line1: ERASED,
        address_line2: null,
        state: null,
        city: ERASED,
        postcode: null,
        phone: null,
        updated_at: now,
      })
      .where('id', 'in', ids)
      .execute();
    await trx.updateTable('marketplace_orders').set({ buyer_login_id: null }).where('order_id', 'in', ids).execute();
    await trx.updateTable('order_notes').set({ buyer_note: ERASED }).where('order_id', 'in', ids).execute();
    await trx
      .insertInto('order_events')
      .values(
        ids.map((order_id) =>
          timelineEvent({ orderId: order_id, at: now, actor, kind: 'buyer_data_erased', reason: 'erased on request' }),
        ),
      )
      .execute();
  });
  return { orders: ids.length };
}
