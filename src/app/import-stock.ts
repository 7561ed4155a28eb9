/**
 * Imports a stock count file: each row sets on_hand of one SKU in one warehouse (a replay changes nothing).
 * An unknown SKU or warehouse, a negative or malformed count, a duplicate row, or a count below what orders
 * have reserved rejects the file whole, naming the rows; with `skipInvalid` the good rows go in and the
 * refused ones go to a rejects file with their reason. Stock that grows serves the orders waiting for it,
 * in the same transaction.
 */
import fs from 'node:fs';
import { stringify } from 'csv-stringify';
import { safeCell } from '../core/spreadsheet-cell';
import { localized } from '../core/i18n';
import type { ImportIssue } from '../core/order-input';
import { parseStockRow, STOCK_COLUMNS, type StockRowInput } from '../core/stock-input';
import { FileFormatError } from '../integrations/files/order-file';
import { readStockFile, type StockFileRow } from '../integrations/files/stock-file';
import * as stock from '../store/stock';
import * as stockReads from '../store/stock-reads';
import { inRetriedTransaction } from '../store/transaction-retry';
import type { AppContext } from './context';
import { refusalMessage, settleStockInTransaction, StockChangeRefused } from './stock-reservations';

export interface StockImportOptions {
  file: string;
  /** The warehouse of every row (then the file needs no warehouse column). */
  warehouseId?: string;
  skipInvalid?: boolean;
  /** Where `skipInvalid` writes refused rows; default `<file>.rejects.csv`. */
  rejectsFile?: string;
  actor?: string;
  maxIssuesReported?: number;
  /** The warehouses the caller may count (its account's); another's is refused as not existing. Default: all. */
  warehouseIds?: readonly string[];
}

export interface StockImportReport {
  file: string;
  rows: number;
  /** Rows that changed on_hand or the threshold. */
  changed: number;
  unchanged: number;
  rejectedRows: number;
  issueCount: number;
  issues: ImportIssue[];
  committed: boolean;
  /** Orders that were waiting for stock and are now reserved. */
  servedOrders: number;
  alerts: number;
  rejectsFile?: string;
}

export async function importStockFile(ctx: AppContext, options: StockImportOptions): Promise<StockImportReport> {
  const report: StockImportReport = {
    file: options.file,
    rows: 0,
    changed: 0,
    unchanged: 0,
    rejectedRows: 0,
    issueCount: 0,
    issues: [],
    committed: false,
    servedOrders: 0,
    alerts: 0,
  };
  const maxIssues = options.maxIssuesReported ?? 200;
  const note = (issues: ImportIssue[]) => {
    report.issueCount += issues.length;
    for (const i of issues) if (report.issues.length < maxIssues) report.issues.push(i);
  };
  let records: StockFileRow[];
  try {
    records = await readStockFile(options.file, options.warehouseId !== undefined);
  } catch (error) {
    if (error instanceof FileFormatError) {
      note([error.issue]);
      return report;
    }
    throw error;
  }
  report.rows = records.length;
  if (records.length === 0) {
    note([{ row: 0, field: 'file', message: localized('the file has no stock rows.', '文件中没有库存行。') }]);
    return report;
  }

  const { parsed, issuesByRow, levels } = await checkStockRows(ctx, records, options);
  const bad = new Set(issuesByRow.keys());
  note([...issuesByRow.values()].flat().sort((a, b) => a.row - b.row));
  if (bad.size && !options.skipInvalid) return report;
  const rejectsPath = options.skipInvalid ? (options.rejectsFile ?? `${options.file}.rejects.csv`) : undefined;
  if (rejectsPath) {
    report.rejectsFile = rejectsPath;
    await writeRejects(
      rejectsPath,
      records.filter((r) => bad.has(r.row)),
      issuesByRow,
    );
    report.rejectedRows = bad.size;
  }
  await writeCounts(
    ctx,
    parsed.filter((p) => !bad.has(p.row)),
    levels,
    options,
    report,
    note,
  );
  return report;
}

type StockLevel = Awaited<ReturnType<typeof stockReads.listStockLevels>>[number];

/**
 * Each row on its own, then against the catalogue and the rest of the file, then against what orders reserved:
 * the rows parsed, the issues by row, and the stock levels as they were.
 */
async function checkStockRows(ctx: AppContext, records: StockFileRow[], options: StockImportOptions) {
  const issuesByRow = new Map<number, ImportIssue[]>();
  const add = (i: ImportIssue) => issuesByRow.set(i.row, [...(issuesByRow.get(i.row) ?? []), i]);
  const parsed: StockRowInput[] = [];
  for (const r of records) {
    const issues: ImportIssue[] = [];
    const row = parseStockRow(r.raw, r.row, options.warehouseId, issues);
    issues.forEach(add);
    if (row) parsed.push(row);
  }
  const db = ctx.store.db;
  const skus = await stock.existingSkus(
    db,
    parsed.map((p) => p.sku),
  );
  const warehouses = new Set(
    (await stock.listWarehouses(db))
      .map((w) => w.id)
      .filter((id) => !options.warehouseIds || options.warehouseIds.includes(id)),
  );
  checkAgainstCatalogue(parsed, skus, warehouses, issuesByRow, add);
  // A count below what is reserved would oversell orders already promised: name them.
  const levels = new Map((await stockReads.listStockLevels(db)).map((l) => [`${l.warehouse_id}\u0001${l.sku}`, l]));
  for (const p of parsed) {
    const level = levels.get(`${p.warehouseId}\u0001${p.sku}`);
    if (level && p.onHand < level.reserved && !issuesByRow.has(p.row)) {
      const holders = (await stock.holdersOf(db, p.warehouseId, p.sku)).map((h) => ({
        ...h,
        quantity: Number(h.quantity),
      }));
      add({
        row: p.row,
        field: 'on_hand',
        message: refusalMessage({
          warehouseId: p.warehouseId,
          sku: p.sku,
          onHandAfter: p.onHand,
          reserved: level.reserved,
          holders,
        }),
      });
    }
  }
  return { parsed, issuesByRow, levels };
}

/** An unknown SKU or warehouse, and a SKU counted twice in one warehouse (both rows named). */
function checkAgainstCatalogue(
  parsed: StockRowInput[],
  skus: ReadonlySet<string>,
  warehouses: ReadonlySet<string>,
  issuesByRow: ReadonlyMap<number, ImportIssue[]>,
  add: (issue: ImportIssue) => void,
): void {
  const firstRow = new Map<string, number>();
  for (const p of parsed) {
    if (!skus.has(p.sku))
      add({
        row: p.row,
        field: 'sku',
        message: localized(
          `SKU ${p.sku} is not in the catalogue; add it first under Catalogue → SKUs.`,
          `目录中没有 SKU ${p.sku}；请先在「目录 → SKU」中添加。`,
        ),
      });
    if (!warehouses.has(p.warehouseId))
      add({
        row: p.row,
        field: 'warehouse',
        message: localized(`warehouse ${p.warehouseId} does not exist.`, `仓库 ${p.warehouseId} 不存在。`),
      });
    const key = `${p.warehouseId}\u0001${p.sku}`;
    const first = firstRow.get(key);
    if (first !== undefined) {
      add({
        row: p.row,
        field: 'sku',
        message: localized(
          `${p.sku} at ${p.warehouseId} appears twice (rows ${first} and ${p.row}).`,
          `${p.warehouseId} 仓的 ${p.sku} 出现了两次（第 ${first} 行和第 ${p.row} 行）。`,
        ),
      });
      if (!issuesByRow.get(first)?.some((i) => i.field === 'sku' && /twice|两次/.test(i.message.en))) {
        add({
          row: first,
          field: 'sku',
          message: localized(
            `${p.sku} at ${p.warehouseId} appears twice (rows ${first} and ${p.row}).`,
            `${p.warehouseId} 仓的 ${p.sku} 出现了两次（第 ${first} 行和第 ${p.row} 行）。`,
          ),
        });
      }
    } else firstRow.set(key, p.row);
  }
}

/** The good rows' counts settled in one transaction (serving the orders waiting for stock), counted in the report. */
async function writeCounts(
  ctx: AppContext,
  good: StockRowInput[],
  levels: ReadonlyMap<string, StockLevel>,
  options: StockImportOptions,
  report: StockImportReport,
  note: (issues: ImportIssue[]) => void,
): Promise<void> {
  try {
    const result = await inRetriedTransaction(ctx.store.db, (trx) =>
      settleStockInTransaction(
        ctx.store,
        trx,
        {
          changes: good.map((p) => ({
            warehouseId: p.warehouseId,
            sku: p.sku,
            set: p.onHand,
            ...(p.lowStockThreshold !== undefined ? { lowStockThreshold: p.lowStockThreshold } : {}),
            kind: 'import' as const,
            reason: 'counted',
            note: options.file,
            purchaseOrderId: null,
            row: p.row,
          })),
        },
        { now: ctx.now(), actor: options.actor ?? 'import' },
      ),
    );
    report.committed = true;
    report.servedOrders = result.served.length;
    report.alerts = result.alerts;
    for (const p of good) {
      const before = levels.get(`${p.warehouseId}\u0001${p.sku}`);
      const same =
        before &&
        before.on_hand === p.onHand &&
        (p.lowStockThreshold === undefined || p.lowStockThreshold === before.low_stock_threshold);
      if (same) report.unchanged++;
      else report.changed++;
    }
  } catch (error) {
    // Orders reserved more between the check and the write: refuse the file, naming the rows.
    if (!(error instanceof StockChangeRefused)) throw error;
    note(error.refusals.map((r) => ({ row: r.row ?? 0, field: 'on_hand', message: refusalMessage(r) })));
  }
}

async function writeRejects(path: string, rows: StockFileRow[], issues: Map<number, ImportIssue[]>): Promise<void> {
  const out = fs.createWriteStream(path);
  const csv = stringify({
    header: true,
    columns: ['row', 'field', 'reason', 'reason_zh', ...STOCK_COLUMNS],
    cast: { string: safeCell },
  });
  csv.pipe(out);
  for (const r of rows) {
    const own = issues.get(r.row) ?? [];
    csv.write({
      row: r.row,
      field: own.map((i) => i.field).join('; '),
      reason: own.map((i) => i.message.en).join(' | '),
      reason_zh: own.map((i) => i.message['zh-CN']).join(' | '),
      ...Object.fromEntries(STOCK_COLUMNS.map((c) => [c, r.raw[c] ?? ''])),
    });
  }
  await new Promise<void>((resolve, reject) => {
    out.on('finish', resolve).on('error', reject);
    csv.end();
  });
}
