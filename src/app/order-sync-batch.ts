/**
 * Order sync, one batch of pulled orders (order-sync.ts runs the batches): parsed as the file import parses them,
 * written in one transaction through the import's path with the masked-address notes and the orders' platform
 * references, then the platform's promised delivery days set on their receipt terms.
 */
import { localized } from '../core/i18n';
import type { ImportIssue } from '../core/order-input';
import { parseJsonOrder } from '../core/order-input-json';
import { timelineEvent } from '../core/timeline';
import type { ChangedOrder, PulledOrder } from '../integrations/marketplace/port';
import * as marketplace from '../store/marketplace';
import * as orderStore from '../store/orders';
import type { MarketplaceConnectionRow } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError } from './errors';
import type { SyncOptions, SyncReport } from './order-sync';
import { upsertOrdersInTransaction, type IncomingOrder } from './orders';
import { setPromisedDeliveryDays } from './receipt';

/** One batch of pulled orders in the import's shape, with what the import shape does not carry. */
export interface SyncBatch {
  incoming: IncomingOrder[];
  refs: Map<string, { buyer: string | null; seller: string | null; modifiedAt: number | null }>;
  /** The platform's promised delivery days (freight_commit_day) drive the receipt clock; set after the upsert. */
  promised: Map<string, number>;
  /** Orders whose address came masked: kept as given, with a note on the order (once). */
  masked: Set<string>;
}

/** The pulled orders parsed as the file import parses them; one that cannot be is skipped, with the reason. */
export function parsePulledOrders(
  chunk: string[],
  details: PulledOrder[],
  offset: number,
  changed: ReadonlyMap<string, ChangedOrder>,
  report: SyncReport,
): SyncBatch {
  const batch: SyncBatch = { incoming: [], refs: new Map(), promised: new Map(), masked: new Set() };
  details.forEach((pulled, index) => {
    const orderId = chunk[index]!;
    const issues: ImportIssue[] = [];
    if (!pulled.input) {
      const problem = pulled.problem!;
      report.skipped.push({
        orderId,
        reason: localized(problem.message, `速卖通订单 ${orderId} 无法导入：${problem.problems.join('；')}`),
      });
      return;
    }
    // The import shape does not carry the promised delivery days: kept aside for the receipt terms.
    const order = parseJsonOrder(pulled.input, '', offset + index + 1, issues);
    if (order && typeof pulled.promisedDays === 'number' && Number.isInteger(pulled.promisedDays))
      batch.promised.set(order.platformOrderId, pulled.promisedDays);
    if (order && pulled.addressMasked) batch.masked.add(order.platformOrderId);
    if (!order) {
      const first = issues[0];
      report.skipped.push({
        orderId,
        reason: first
          ? localized(`${first.field}: ${first.message.en}`, `${first.field}：${first.message['zh-CN']}`)
          : localized('the order is not valid.', '订单无效。'),
      });
      return;
    }
    batch.incoming.push({ order, row: offset + index + 1 });
    const modifiedAt = changed.get(orderId)?.modifiedAt ?? pulled.modifiedAt;
    batch.refs.set(order.platformOrderId, {
      buyer: pulled.buyerLoginId,
      seller: pulled.sellerLoginId,
      modifiedAt: modifiedAt ?? null,
    });
  });
  return batch;
}

/**
 * One batch written in one transaction through the file import's path, with the masked-address notes and the
 * orders' platform references; returns the ids of the orders written, by platform order id.
 */
export async function writeSyncedOrders(
  ctx: AppContext,
  connection: MarketplaceConnectionRow,
  { incoming, refs, masked }: SyncBatch,
  options: SyncOptions,
  report: SyncReport,
): Promise<Map<string, number>> {
  const shopId = connection.shop_id;
  const now = ctx.now();
  const written = new Map<string, number>();
  await ctx.store.db.transaction().execute(async (trx) => {
    await orderStore.ensureShop(trx, { id: shopId, platform: connection.platform }, now);
    const result = await upsertOrdersInTransaction(ctx.store, trx, shopId, incoming, {
      now,
      actor: options.actor ?? 'sync',
      source: `${connection.platform} sync`,
    });
    report.created += result.created;
    report.updated += result.updated;
    report.unchanged += result.unchanged;
    for (const [platformOrderId, id] of result.ids) written.set(platformOrderId, id);
    for (const issue of result.issues) {
      const refused = incoming.find((entry) => entry.row === issue.row);
      report.skipped.push({ orderId: refused?.order.platformOrderId ?? `row ${issue.row}`, reason: issue.message });
    }
    await noteMaskedAddresses(
      trx,
      [...masked]
        .map((platformOrderId) => result.ids.get(platformOrderId))
        .filter((id): id is number => id !== undefined),
      now,
    );
    await marketplace.upsertOrderRefs(
      trx,
      [...result.ids].map(([platformOrderId, id]) => {
        const ref = refs.get(platformOrderId)!;
        return {
          order_id: id,
          shop_id: shopId,
          buyer_login_id: ref.buyer,
          seller_login_id: ref.seller,
          platform_modified_at: ref.modifiedAt,
          synced_at: now,
        };
      }),
    );
  });
  return written;
}

/** The platform's promised delivery days set on the written orders' receipt terms, where they changed. */
export async function setPromisedDays(
  ctx: AppContext,
  written: ReadonlyMap<string, number>,
  promised: ReadonlyMap<string, number>,
  actor: string,
): Promise<void> {
  for (const [platformOrderId, days] of promised) {
    const id = written.get(platformOrderId);
    if (id === undefined) continue;
    const current = await ctx.store.db
      .selectFrom('order_receipts')
      .select('freight_commit_days')
      .where('order_id', '=', id)
      .executeTakeFirst();
    if (current?.freight_commit_days === days) continue;
    try {
      await setPromisedDeliveryDays(ctx, id, days, actor);
    } catch (error) {
      // A finished order's receipt clock has ended: nothing to set.
      if (!(error instanceof ConflictError)) throw error;
    }
  }
}

/** The note on an order whose address the platform gave masked. */
export const MASKED_ADDRESS_NOTE = localized(
  'The marketplace gave this address partly masked (****): it is kept as given. Check the full address in the seller centre before printing the label.',
  '平台提供的收货地址部分被隐藏（****）：已按原样保存。打印面单前请在卖家后台核对完整地址。',
);

/** An `address_masked` event on each order that has none yet (a re-sync adds no second note). */
async function noteMaskedAddresses(db: orderStore.Executor, orderIds: number[], now: number): Promise<void> {
  if (orderIds.length === 0) return;
  const noted = new Set(
    (
      await db
        .selectFrom('order_events')
        .select('order_id')
        .where('order_id', 'in', orderIds)
        .where('kind', '=', 'address_masked')
        .execute()
    ).map((row) => row.order_id),
  );
  await orderStore.appendEvents(
    db,
    orderIds
      .filter((id) => !noted.has(id))
      .map((id) =>
        timelineEvent({
          orderId: id,
          at: now,
          actor: 'sync',
          kind: 'address_masked',
          reason: MASKED_ADDRESS_NOTE.en,
          data: JSON.stringify({ message: MASKED_ADDRESS_NOTE }),
        }),
      ),
  );
}
