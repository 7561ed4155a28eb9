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
 * A run holds the shop's sync lease, so two processes never sync one shop at once. One batch of pulled orders is
 * parsed and written by order-sync-batch.ts.
 */
import { DAY_MS } from '../core/time';
import { ReauthorisationRequiredError } from '../integrations/aliexpress/errors';
import { creationWindows } from '../integrations/aliexpress/protocol';
import { aliexpressPort } from '../integrations/marketplace/aliexpress/adapter';
import type { ChangedOrder, MarketplacePort } from '../integrations/marketplace/port';
import * as marketplace from '../store/marketplace';
import type { MarketplaceConnectionRow } from '../store/schema';
import type { AppContext } from './context';
import { renewAfterTokenRefusal } from './shop-authorisation-upkeep';
import { clientFromConnection, notConnected, type ClientOptions } from './marketplace';
import { parsePulledOrders, setPromisedDays, writeSyncedOrders } from './order-sync-batch';
import { pullWithFullAddress, type AddressCounts } from './order-sync-address';

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
    const toFetch = await ordersToFetch(ctx, shopId, changed, report);
    const batchSize = options.batchSize ?? 50;
    for (let i = 0; i < toFetch.length; i += batchSize) {
      const chunk = toFetch.slice(i, i + batchSize);
      const details = await mapWithConcurrency(chunk, options.detailConcurrency ?? 4, (id) =>
        pullWithFullAddress(port, id, report.addresses),
      );
      report.fetched += chunk.length;
      const batch = parsePulledOrders(chunk, details, i, changed, report);
      if (batch.incoming.length === 0) continue;
      const written = await writeSyncedOrders(ctx, connection, batch, options, report);
      await setPromisedDays(ctx, written, batch.promised, options.actor ?? 'sync');
    }
    await marketplace.finishSync(db, shopId, {
      cursorAt: to,
      at: ctx.now(),
      report: JSON.stringify(summaryOf(report)),
    });
    return report;
  } catch (error) {
    return failedSync(ctx, connection, options, report, error);
  }
}

/** The listed orders changed on the platform since the last sync (or new); the others count as unchanged. */
async function ordersToFetch(
  ctx: AppContext,
  shopId: string,
  changed: ReadonlyMap<string, ChangedOrder>,
  report: SyncReport,
): Promise<string[]> {
  const known = new Map<string, number | null>();
  const ids = [...changed.keys()];
  for (let i = 0; i < ids.length; i += 1000) {
    for (const [id, at] of await marketplace.knownModifiedTimes(ctx.store.db, shopId, ids.slice(i, i + 1000)))
      known.set(id, at);
  }
  const toFetch = ids.filter((id) => {
    const modifiedAt = changed.get(id)!.modifiedAt;
    return !(modifiedAt !== undefined && known.has(id) && known.get(id) === modifiedAt);
  });
  report.unchanged += ids.length - toFetch.length;
  return toFetch;
}

/**
 * A failed run: recorded with the cursor left where it was (the next run covers this window again). A token the
 * platform refused is renewed once (and the sync run again with it), or the shop paused.
 */
async function failedSync(
  ctx: AppContext,
  connection: MarketplaceConnectionRow,
  options: SyncOptions,
  report: SyncReport,
  error: unknown,
): Promise<SyncReport> {
  const shopId = connection.shop_id;
  report.status = 'failed';
  report.error = error instanceof Error ? error.message : String(error);
  await marketplace
    .finishSync(ctx.store.db, shopId, { at: ctx.now(), report: JSON.stringify(summaryOf(report)) })
    .catch(() => undefined);
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
