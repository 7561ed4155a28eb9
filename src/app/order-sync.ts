/**
 * Order sync, per shop: pull the orders the marketplace changed since the shop's cursor and upsert them through the
 * same path as the file import (`upsertOrdersInTransaction`), so statuses walk the order machine and countdowns
 * become ship-by deadlines exactly as they do for an imported file.
 *
 * Nothing slips through:
 * - the window starts `overlapMs` before the cursor (late-visible changes, clock skew between us and the platform);
 * - pages are read from the LAST to the first. The list is newest-created first and filtered by modified time; while
 *   we page, an order can only leave the window (a change moves its modified time past the window's end), which
 *   shifts later items towards the front — into pages not read yet when reading backwards, never past us;
 * - the platform lists orders only within a creation-date window of at most 180 days: the run walks the creation
 *   span [window start − `orderAgeMs`, window end] in consecutive windows, oldest first (`creationWindows`), each
 *   with the modified-date window inside it; an order listed in two windows (created on a seam) is read once;
 * - the cursor moves to the window's end only after every page and every order of the run was written.
 * Orders whose platform modified time is unchanged since the last sync are not fetched again, so the overlap is cheap.
 * A run holds the shop's sync lease, so two processes never sync one shop at once.
 */
import { localized } from '../core/i18n';
import type { ImportIssue } from '../core/order-input';
import { parseJsonOrder } from '../core/order-input-json';
import { DAY_MS } from '../core/time';
import { ReauthorisationRequiredError } from '../integrations/aliexpress/errors';
import { creationWindows } from '../integrations/aliexpress/protocol';
import { aliexpressPort } from '../integrations/marketplace/aliexpress/adapter';
import type { ChangedOrder, MarketplacePort } from '../integrations/marketplace/port';
import * as marketplace from '../store/marketplace';
import * as orderStore from '../store/orders';
import type { AppContext } from './context';
import { ConflictError } from './errors';
import { setPromisedDeliveryDays } from './receipt';
import { renewAfterTokenRefusal } from './shop-authorisation-upkeep';
import { clientFromConnection, notConnected, type ClientOptions } from './marketplace';
import { upsertOrdersInTransaction, type IncomingOrder } from './orders';
import { pullWithFullAddress, type AddressCounts } from './order-sync-address';
import { timelineEvent } from '../core/timeline';

export interface SyncOptions {
  masterKey: Buffer;
  clientOptions?: ClientOptions;
  /** How far before the cursor each run starts again. Default 15 minutes. */
  overlapMs?: number;
  /** The first run of a shop looks back this far. Default 30 days. */
  initialLookbackMs?: number;
  /**
   * How long after its creation an order can still change and matter (a buyer's receipt, a dispute): the creation
   * span walked is the modified window widened by this much. Default 180 days.
   */
  orderAgeMs?: number;
  /** How long a run may hold the shop. Default 15 minutes. */
  leaseMs?: number;
  /** Order details fetched at once. Default 4. */
  detailConcurrency?: number;
  /** Orders per write transaction. Default 50. */
  batchSize?: number;
  actor?: string;
  /** Set on the one run made again after a refused token was renewed (a second refusal is not renewed again). */
  renewed?: boolean;
}

export interface SyncReport {
  shopId: string;
  /** `paused`: the platform refused to renew the shop's authorisation; nothing is fetched until it is authorised again. */
  status: 'ok' | 'busy' | 'failed' | 'paused';
  window?: { from: number; to: number };
  /** The creation-date windows listed, oldest first. */
  createdWindows?: Array<{ from: number; to: number }>;
  /** Orders the platform listed as changed in the window. */
  listed: number;
  /** Orders whose detail was fetched (changed since the last sync, or new). */
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Masked addresses replaced by the platform's full one, and those kept masked (order-sync-address.ts). */
  addresses: AddressCounts;
  /** Orders not written, each with the reason (mapping or state rule), in both languages. */
  skipped: Array<{ orderId: string; reason: { en: string; 'zh-CN': string } }>;
  error?: string;
}

export async function syncShopOrders(ctx: AppContext, shopId: string, options: SyncOptions): Promise<SyncReport> {
  const db = ctx.store.db;
  const connection = await marketplace.getConnection(db, shopId);
  if (!connection) throw notConnected(shopId);
  const report: SyncReport = {
    shopId,
    status: 'ok',
    listed: 0,
    fetched: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    addresses: { unmasked: 0, keptMasked: 0 },
    skipped: [],
  };
  if (connection.auth_state === 'paused')
    return {
      ...report,
      status: 'paused',
      error: connection.auth_paused_reason
        ? (JSON.parse(connection.auth_paused_reason) as { en: string }).en
        : 'paused until authorised again',
    };
  const startedAt = ctx.now();
  if (!(await marketplace.takeSyncLease(db, shopId, startedAt, startedAt + (options.leaseMs ?? 15 * 60_000)))) {
    return { ...report, status: 'busy' };
  }
  const to = startedAt;
  const from = Math.max(
    0,
    (connection.sync_cursor_at ?? to - (options.initialLookbackMs ?? 30 * DAY_MS)) - (options.overlapMs ?? 15 * 60_000),
  );
  report.window = { from, to };
  try {
    const port = aliexpressPort(clientFromConnection(connection, options.masterKey, options.clientOptions ?? {}));
    const windows = creationWindows(Math.max(0, from - (options.orderAgeMs ?? DEFAULT_ORDER_AGE_MS)), to);
    report.createdWindows = windows;
    const changed = new Map<string, ChangedOrder>();
    for (const created of windows) {
      for (const [id, summary] of await listChangedOrders(port, { from, to, created })) changed.set(id, summary);
    }
    report.listed = changed.size;

    const known = new Map<string, number | null>();
    const ids = [...changed.keys()];
    for (let i = 0; i < ids.length; i += 1000) {
      for (const [id, at] of await marketplace.knownModifiedTimes(db, shopId, ids.slice(i, i + 1000)))
        known.set(id, at);
    }
    const toFetch = ids.filter((id) => {
      const modifiedAt = changed.get(id)!.modifiedAt;
      return !(modifiedAt !== undefined && known.has(id) && known.get(id) === modifiedAt);
    });
    report.unchanged += ids.length - toFetch.length;

    const batchSize = options.batchSize ?? 50;
    for (let i = 0; i < toFetch.length; i += batchSize) {
      const chunk = toFetch.slice(i, i + batchSize);
      const details = await mapWithConcurrency(chunk, options.detailConcurrency ?? 4, (id) =>
        pullWithFullAddress(port, id, report.addresses),
      );
      report.fetched += chunk.length;
      const incoming: IncomingOrder[] = [];
      const refs = new Map<string, { buyer: string | null; seller: string | null; modifiedAt: number | null }>();
      // The platform's promised delivery days (freight_commit_day) drive the receipt clock; set after the upsert.
      const promised = new Map<string, number>();
      // Orders whose address came masked: kept as given, with a note on the order (once).
      const masked = new Set<string>();
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
        const order = parseJsonOrder(pulled.input, '', i + index + 1, issues);
        if (order && typeof pulled.promisedDays === 'number' && Number.isInteger(pulled.promisedDays))
          promised.set(order.platformOrderId, pulled.promisedDays);
        if (order && pulled.addressMasked) masked.add(order.platformOrderId);
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
        incoming.push({ order, row: i + index + 1 });
        const modifiedAt = changed.get(orderId)?.modifiedAt ?? pulled.modifiedAt;
        refs.set(order.platformOrderId, {
          buyer: pulled.buyerLoginId,
          seller: pulled.sellerLoginId,
          modifiedAt: modifiedAt ?? null,
        });
      });
      if (incoming.length === 0) continue;
      const now = ctx.now();
      const written = new Map<string, number>();
      await db.transaction().execute(async (trx) => {
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
      for (const [platformOrderId, days] of promised) {
        const id = written.get(platformOrderId);
        if (id === undefined) continue;
        const current = await db
          .selectFrom('order_receipts')
          .select('freight_commit_days')
          .where('order_id', '=', id)
          .executeTakeFirst();
        if (current?.freight_commit_days === days) continue;
        try {
          await setPromisedDeliveryDays(ctx, id, days, options.actor ?? 'sync');
        } catch (error) {
          // A finished order's receipt clock has ended: nothing to set.
          if (!(error instanceof ConflictError)) throw error;
        }
      }
    }
    await marketplace.finishSync(db, shopId, {
      cursorAt: to,
      at: ctx.now(),
      report: JSON.stringify(summaryOf(report)),
    });
    return report;
  } catch (error) {
    report.status = 'failed';
    report.error = error instanceof Error ? error.message : String(error);
    // The cursor stays: the next run covers this window again.
    await marketplace
      .finishSync(db, shopId, { at: ctx.now(), report: JSON.stringify(summaryOf(report)) })
      .catch(() => undefined);
    // The platform refused the shop's token: renewed once (and the sync run again with it), or the shop paused.
    // (A token refused minutes after it was issued is not renewed again: core/shop-authorisation.ts.)
    if (error instanceof ReauthorisationRequiredError) {
      const renewal = await renewAfterTokenRefusal(
        ctx,
        { masterKey: options.masterKey },
        shopId,
        connection.access_token_enc,
        error.code,
      );
      if (renewal === 'renewed' && !options.renewed) return syncShopOrders(ctx, shopId, { ...options, renewed: true });
      if (renewal === 'paused') return { ...report, status: 'paused' };
    }
    return report;
  }
}

/** Every connected shop, one after the other; a failing shop does not stop the others. */
export async function syncAllShops(
  ctx: AppContext,
  options: SyncOptions & { claim?: (shopId: string) => Promise<boolean> },
  shopIds?: string[],
): Promise<SyncReport[]> {
  const shops = shopIds ?? (await marketplace.listConnections(ctx.store.db)).map((row) => row.shop_id);
  const reports: SyncReport[] = [];
  // With a claim (the scheduled sync of several processes), a shop whose turn another process holds is skipped.
  for (const shopId of shops)
    if (!options.claim || (await options.claim(shopId))) reports.push(await syncShopOrders(ctx, shopId, options));
  return reports;
}

const DEFAULT_ORDER_AGE_MS = 180 * DAY_MS;

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

/** The orders changed in [from, to] and created in one creation window, by id, paging backwards (see the top of the file). */
async function listChangedOrders(
  port: MarketplacePort,
  window: { from: number; to: number; created: { from: number; to: number } },
): Promise<Map<string, ChangedOrder>> {
  const pageSize = 50;
  const probe = await port.changedOrders({ ...window, page: 1, pageSize: 1 });
  const pages = Math.ceil(probe.totalCount / pageSize);
  const found = new Map<string, ChangedOrder>();
  for (let page = pages; page >= 1; page--) {
    const result = await port.changedOrders({ ...window, page, pageSize });
    for (const summary of result.orders) found.set(summary.orderId, summary);
  }
  return found;
}

async function mapWithConcurrency<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

function summaryOf(report: SyncReport) {
  return {
    status: report.status,
    window: report.window,
    created_windows: report.createdWindows?.length,
    listed: report.listed,
    fetched: report.fetched,
    created: report.created,
    updated: report.updated,
    unchanged: report.unchanged,
    addresses_unmasked: report.addresses.unmasked,
    addresses_kept_masked: report.addresses.keptMasked,
    skipped: report.skipped.length,
    first_skipped: report.skipped.slice(0, 5),
    ...(report.error ? { error: report.error } : {}),
  };
}
