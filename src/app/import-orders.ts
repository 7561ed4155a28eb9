/**
 * Imports an order file into one shop, in named steps (issue 20):
 *   1. open a run; 2. stage: stream and validate the file, writing its new orders and its changes into staging
 *   tables in short committed chunks, so other writers are never held for the whole file; 3. decide: a file with any
 *   invalid row is refused whole (nothing merged) unless `skipInvalid`; 4. merge: ONE transaction moves the staged
 *   orders into `orders` with set-based statements and applies the changes, so the file's rows become visible all at
 *   once or not at all (a refused change, a kill or a full disk rolls the whole file back); 5. drop the run's staging
 *   rows. With `skipInvalid` the good orders go in and every row of a refused order goes to a rejects file with its reason.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify';
import { safeCell } from '../core/spreadsheet-cell';
import { localized } from '../core/i18n';
import { orderContentHash } from '../core/order-facts';
import { IMPORT_COLUMNS, type ImportIssue, type RawRow } from '../core/order-input';
import type { ShopPolicyResolver } from '../core/policy/registry';
import { FileFormatError } from '../integrations/files/order-file';
import * as staging from '../store/import-staging';
import { newLeaseOwner } from '../store/leases';
import * as orderStore from '../store/orders';
import type { AppContext } from './context';
import { ConflictError } from './errors';
import { validatedOrders, type SourceRows, type ValidOrder } from './order-stream';
import { shouldUseWorker, validatedOrdersInWorker } from './order-stream-worker';
import { newOrderRecords, upsertOrdersInTransaction, type WriteMeta } from './orders';
import { settleOrdersStock } from './stock-reservations';
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { resolverFor, loadShopResolver } from './policies';

export interface ImportOptions {
  shopId: string;
  file: string;
  skipInvalid?: boolean;
  /** Where `skipInvalid` writes the refused rows; default `<file>.rejects.csv`. */
  rejectsFile?: string;
  actor?: string;
  batchSize?: number;
  /** Issues kept in the report (all are counted, and all go to the rejects file). */
  maxIssuesReported?: number;
  onProgress?: (rowsRead: number) => void;
}

/** Orders of the file that another writer created between staging and merge: the import starts again, once or twice. */
class CreatedMeanwhile extends Error {}
const ATTEMPTS = 3;

export interface ImportReport {
  file: string;
  shopId: string;
  rows: number;
  orders: number;
  created: number;
  updated: number;
  unchanged: number;
  rejectedOrders: number;
  rejectedRows: number;
  issueCount: number;
  issues: ImportIssue[];
  committed: boolean;
  rejectsFile?: string;
}

class RejectWholeFile extends Error {}

const ARRIVAL_STATUSES = ['awaiting_shipment', 'awaiting_stock'] as const;
/** The runs this process is importing now (a run of ours not in here was left behind). */
const activeRuns = new Set<string>();

export async function importOrderFile(ctx: AppContext, options: ImportOptions): Promise<ImportReport> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await importOnce(ctx, options);
    } catch (error) {
      if (!(error instanceof CreatedMeanwhile)) throw error;
      if (attempt === ATTEMPTS) {
        throw new ConflictError(
          'import.created_meanwhile',
          localized(
            'Orders of this file kept being added by the marketplace sync while it was imported; nothing was imported. Import the file again from the Orders screen.',
            '导入期间，此文件中的订单不断被平台同步新增；未导入任何内容。请在「订单」页面重新导入该文件。',
          ),
        );
      }
    }
  }
}

/** One attempt's run: its options, report and staging id, and how it notes issues, rejects orders and writes. */
interface ImportRun {
  ctx: AppContext;
  options: ImportOptions;
  meta: WriteMeta;
  batchSize: number;
  importId: string;
  report: ImportReport;
  note: (issues: ImportIssue[]) => void;
  reject: (raws: SourceRows, issues: ImportIssue[]) => void;
  write: (work: (trx: Transaction<Database>) => Promise<void>) => Promise<void>;
}

async function importOnce(ctx: AppContext, options: ImportOptions): Promise<ImportReport> {
  const maxIssues = options.maxIssuesReported ?? 200;
  const meta: WriteMeta = { now: ctx.now(), actor: options.actor ?? 'import', source: options.file };
  const report: ImportReport = {
    file: options.file,
    shopId: options.shopId,
    rows: 0,
    orders: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejectedOrders: 0,
    rejectedRows: 0,
    issueCount: 0,
    issues: [],
    committed: false,
  };
  const rejects = options.skipInvalid ? openRejects(options.rejectsFile ?? `${options.file}.rejects.csv`) : undefined;
  if (rejects) report.rejectsFile = rejects.path;

  const note = (issues: ImportIssue[]) => {
    report.issueCount += issues.length;
    for (const issue of issues) if (report.issues.length < maxIssues) report.issues.push(issue);
  };
  const run: ImportRun = {
    ctx,
    options,
    meta,
    batchSize: options.batchSize ?? 500,
    importId: `imp-${randomUUID()}`,
    report,
    note,
    reject: (raws, issues) => {
      note(issues);
      report.rejectedOrders++;
      report.rejectedRows += raws.length;
      rejects?.write(raws, issues);
    },
    write: (work) => ctx.store.db.transaction().execute(work),
  };
  const { importId, write } = run;

  // 1. Open a run (and drop what runs killed earlier left behind).
  activeRuns.add(importId);
  for (const abandoned of await staging.abandonedRuns(ctx.store.db, meta.now, activeRuns))
    await staging.dropImportRun(write, ctx.store.db, abandoned);
  await write((trx) =>
    staging.openImportRun(trx, {
      id: importId,
      shopId: options.shopId,
      file: options.file,
      owner: newLeaseOwner(),
      now: meta.now,
    }),
  );

  try {
    // 2. Stage, one short transaction per batch.
    const platform = await stageFile(run);
    if (report.rows === 0)
      note([{ row: 0, field: 'file', message: localized('the file has no order rows.', '文件中没有订单行。') }]);

    // 3. Decide.
    if (!options.skipInvalid && report.issueCount > 0) throw new RejectWholeFile();

    // 4. Merge, all at once.
    if (platform) await write((trx) => mergeRun(run, trx, platform));
    report.committed = true;
  } catch (error) {
    if (error instanceof FileFormatError) {
      note([error.issue]);
    } else if (!(error instanceof RejectWholeFile)) {
      // CreatedMeanwhile included: importOrderFile starts again with a fresh run.
      await rejects?.close();
      await dropQuietly(write, ctx, importId);
      activeRuns.delete(importId);
      throw error;
    }
    report.committed = false;
    report.created = report.updated = report.unchanged = 0;
  }
  // 5. Drop the run's staging rows.
  await dropQuietly(write, ctx, importId);
  activeRuns.delete(importId);
  await rejects?.close();
  return report;
}

/**
 * Streams and validates the file, staging its valid orders in one short transaction per batch (without
 * `skipInvalid`, the first issue dooms the file: validating goes on, writing stops). Returns the file's platform,
 * undefined when no order was staged.
 */
async function stageFile(run: ImportRun): Promise<string | undefined> {
  const { ctx, options, meta, batchSize, importId, report, reject, write } = run;
  const keepRaws = Boolean(options.skipInvalid);
  const batches = shouldUseWorker()
    ? validatedOrdersInWorker(options.file, { keepRaws, batchSize })
    : validatedOrders(options.file, { keepRaws, batchSize });
  let platform: string | undefined;
  let resolver: ShopPolicyResolver | undefined;
  let seq = 0;
  for await (const batch of batches) {
    report.rows += batch.rowsRead;
    for (const refused of batch.refused) reject(refused.raws, refused.issues);
    report.orders += batch.valid.length;
    // Without --skip-invalid, the first issue dooms the file: keep validating, stop writing.
    if (batch.valid.length && (options.skipInvalid || report.issueCount === 0)) {
      platform ??= batch.valid[0]!.order.platform;
      resolver ??= await shopResolver(ctx, options.shopId, platform);
      // One short transaction per `batchSize` orders, however much the reader handed over at once.
      for (let i = 0; i < batch.valid.length; i += batchSize) {
        const numbered = batch.valid.slice(i, i + batchSize).map((item) => ({ item, seq: ++seq }));
        await write(async (trx) => {
          report.unchanged += await stageBatch(ctx, trx, importId, options.shopId, numbered, meta, resolver!);
        });
      }
    }
    options.onProgress?.(report.rows);
  }
  return platform;
}

/**
 * The merge, in the one transaction: the staged new orders moved into `orders` (their stock settled), then the staged
 * changes applied; a refused change without `skipInvalid` rolls the whole file back.
 */
async function mergeRun(run: ImportRun, trx: Transaction<Database>, platform: string): Promise<void> {
  const { ctx, options, meta, batchSize, importId, report, reject } = run;
  await orderStore.ensureShop(trx, { id: options.shopId, platform }, meta.now);
  // Rare: the sync created some of the file's new orders meanwhile. Staging again sees them as changes.
  if ((await staging.conflictsWithOrders(trx, importId, options.shopId)) > 0) throw new CreatedMeanwhile();
  const merged = await staging.mergeStagedOrders(ctx.store, trx, importId, options.shopId, {
    at: meta.now,
    actor: meta.actor,
    data: meta.source ? JSON.stringify({ source: meta.source }) : null,
  });
  report.created = merged.count;
  await settleArrivals(ctx, trx, merged, meta);
  for (let after = 0; ; ) {
    const changes = await staging.stagedChanges(trx, importId, after, batchSize);
    if (changes.length === 0) break;
    after = changes[changes.length - 1]!.seq;
    const items = changes.map((c) => JSON.parse(c.payload) as ValidOrder);
    const result = await upsertOrdersInTransaction(ctx.store, trx, options.shopId, items, meta);
    report.created += result.created;
    report.updated += result.updated;
    report.unchanged += result.unchanged;
    for (const issue of result.issues) reject(items.find((p) => p.row === issue.row)?.raws ?? [], [issue]);
  }
  if (!options.skipInvalid && report.issueCount > 0) throw new RejectWholeFile();
}

/** The shop's policy resolver; a shop the import will create gets the platform's defaults, as `ensureShop` makes it. */
async function shopResolver(ctx: AppContext, shopId: string, platform: string): Promise<ShopPolicyResolver> {
  const shop = await orderStore.findShop(ctx.store.db, shopId);
  if (shop) return loadShopResolver(ctx.store.db, shopId);
  return resolverFor({ id: shopId, platform, policy_id: null, policy_by_type: null, policy_overrides: null });
}

/**
 * Stages one batch: an order unknown to the shop becomes a staged new order with its lines and later events (the
 * merge writes its "created" event); a known one whose content changed becomes a staged change; a known unchanged
 * one is only counted.
 */
async function stageBatch(
  ctx: AppContext,
  trx: Transaction<Database>,
  importId: string,
  shopId: string,
  batch: Array<{ item: ValidOrder; seq: number }>,
  meta: WriteMeta,
  resolver: ShopPolicyResolver,
): Promise<number> {
  const known = new Map(
    (
      await orderStore.findOrderKeys(
        trx,
        shopId,
        batch.map((b) => b.item.order.platformOrderId),
      )
    ).map((k) => [k.platform_order_id, k]),
  );
  let unchanged = 0;
  const fresh: staging.StagedOrder[] = [];
  const lines: staging.StagedLine[] = [];
  const events: staging.StagedEvent[] = [];
  const changes: staging.StagedChange[] = [];
  for (const { item, seq } of batch) {
    const hash = orderContentHash(item.order);
    const key = known.get(item.order.platformOrderId);
    if (key) {
      if (key.content_hash === hash) unchanged++;
      else changes.push({ import_id: importId, seq, payload: JSON.stringify(item) });
      continue;
    }
    const records = newOrderRecords(shopId, item.order, hash, meta, resolver);
    const { warehouse_received_at: _none, ...row } = records.row;
    const id = item.order.platformOrderId;
    fresh.push({ ...row, import_id: importId, seq });
    for (const line of records.lines) lines.push({ import_id: importId, seq, platform_order_id: id, ...line });
    records.events.forEach((e, n) => {
      if (n > 0)
        events.push({
          import_id: importId,
          seq,
          event_no: n,
          platform_order_id: id,
          at: e.at,
          actor: e.actor,
          kind: e.kind,
          to_state: e.to_state ?? null,
          reason: e.reason ?? null,
          data: e.data ?? null,
        });
    });
  }
  await staging.stageOrders(ctx.store, trx, fresh);
  await staging.stageLines(ctx.store, trx, lines);
  await staging.stageEvents(ctx.store, trx, events);
  await staging.stageChanges(trx, changes);
  return unchanged;
}

/** New orders that arrive accepted reserve their stock (or wait for it), in the merge's transaction, in file order. */
async function settleArrivals(
  ctx: AppContext,
  trx: Transaction<Database>,
  merged: staging.MergedRun,
  meta: WriteMeta,
): Promise<void> {
  const ids = await staging.mergedOrderIds(trx, merged, ARRIVAL_STATUSES);
  for (let i = 0; i < ids.length; i += 500) await settleOrdersStock(ctx.store, trx, ids.slice(i, i + 500), meta);
}

/** Staging rows are scratch: failing to drop them (a full disk) must not hide the import's own answer; the next import drops them. */
async function dropQuietly(
  write: (work: (trx: Transaction<Database>) => Promise<void>) => Promise<void>,
  ctx: AppContext,
  importId: string,
): Promise<void> {
  try {
    await staging.dropImportRun(write, ctx.store.db, importId);
  } catch {
    // left for the next import's abandonedRuns
  }
}

function openRejects(path: string) {
  const out = fs.createWriteStream(path);
  const csv = stringify({
    header: true,
    columns: ['row', 'field', 'reason', 'reason_zh', ...IMPORT_COLUMNS, 'record'],
    cast: { string: safeCell },
  });
  csv.pipe(out);
  return {
    path,
    write(raws: SourceRows, issues: ImportIssue[]) {
      for (const { row, raw } of raws) {
        const own = issues.filter((i) => i.row === row);
        const first = own[0] ?? issues[0];
        const isRow = raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !('lines' in (raw as object));
        csv.write({
          row,
          field: own.map((i) => i.field).join('; ') || first?.field || '',
          reason: (own.length ? own : issues).map((i) => i.message.en).join(' | '),
          reason_zh: (own.length ? own : issues).map((i) => i.message['zh-CN']).join(' | '),
          ...(isRow ? (raw as RawRow) : {}),
          record: isRow ? '' : JSON.stringify(raw),
        });
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        out.on('finish', resolve).on('error', reject);
        csv.end();
      }),
  };
}
