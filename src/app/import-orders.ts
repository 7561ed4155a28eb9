/**
 * Imports an order file into one shop: stream, validate, upsert in batches, all in ONE transaction.
 * A file with any invalid row is rejected whole (nothing stored) unless `skipInvalid`, in which case the
 * good orders go in and every row of a refused order goes to a rejects file with its reason.
 */
import fs from 'node:fs';
import { stringify } from 'csv-stringify';
import { localized } from '../core/i18n';
import { IMPORT_COLUMNS, type ImportIssue, type RawRow } from '../core/order-input';
import { FileFormatError } from '../integrations/files/order-file';
import * as orders from '../store/orders';
import type { AppContext } from './context';
import { validatedOrders, type SourceRows } from './order-stream';
import { shouldUseWorker, validatedOrdersInWorker } from './order-stream-worker';
import { upsertOrdersInTransaction } from './orders';

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

export async function importOrderFile(ctx: AppContext, options: ImportOptions): Promise<ImportReport> {
  const batchSize = options.batchSize ?? 500;
  const maxIssues = options.maxIssuesReported ?? 200;
  const actor = options.actor ?? 'import';
  const report: ImportReport = {
    file: options.file, shopId: options.shopId, rows: 0, orders: 0, created: 0, updated: 0, unchanged: 0,
    rejectedOrders: 0, rejectedRows: 0, issueCount: 0, issues: [], committed: false,
  };
  const rejects = options.skipInvalid ? openRejects(options.rejectsFile ?? `${options.file}.rejects.csv`) : undefined;
  if (rejects) report.rejectsFile = rejects.path;

  const note = (issues: ImportIssue[]) => {
    report.issueCount += issues.length;
    for (const issue of issues) if (report.issues.length < maxIssues) report.issues.push(issue);
  };
  const reject = (raws: SourceRows, issues: ImportIssue[]) => {
    note(issues);
    report.rejectedOrders++;
    report.rejectedRows += raws.length;
    rejects?.write(raws, issues);
  };

  const keepRaws = Boolean(options.skipInvalid);
  const batches = shouldUseWorker()
    ? validatedOrdersInWorker(options.file, { keepRaws, batchSize })
    : validatedOrders(options.file, { keepRaws, batchSize });

  try {
    await ctx.store.db.transaction().execute(async (trx) => {
      const now = ctx.now();
      let shopReady = false;
      for await (const batch of batches) {
        report.rows += batch.rowsRead;
        for (const refused of batch.refused) reject(refused.raws, refused.issues);
        report.orders += batch.valid.length;
        // Without --skip-invalid, the first issue dooms the file: keep validating, stop writing.
        if (batch.valid.length && (options.skipInvalid || report.issueCount === 0)) {
          if (!shopReady) {
            await orders.ensureShop(trx, { id: options.shopId, platform: batch.valid[0]!.order.platform }, now);
            shopReady = true;
          }
          const result = await upsertOrdersInTransaction(ctx.store, trx, options.shopId, batch.valid, { now, actor, source: options.file });
          report.created += result.created;
          report.updated += result.updated;
          report.unchanged += result.unchanged;
          for (const issue of result.issues) {
            const refused = batch.valid.find((p) => p.row === issue.row);
            reject(refused?.raws ?? [], [issue]);
          }
        }
        options.onProgress?.(report.rows);
      }
      if (report.rows === 0) {
        note([{ row: 0, field: 'file', message: localized('the file has no order rows.', '文件中没有订单行。') }]);
      }
      if (!options.skipInvalid && report.issueCount > 0) throw new RejectWholeFile();
    });
    report.committed = true;
  } catch (error) {
    if (error instanceof FileFormatError) {
      note([error.issue]);
    } else if (!(error instanceof RejectWholeFile)) {
      await rejects?.close();
      throw error;
    }
    report.committed = false;
    report.created = report.updated = report.unchanged = 0;
  }
  await rejects?.close();
  return report;
}

function openRejects(path: string) {
  const out = fs.createWriteStream(path);
  const csv = stringify({ header: true, columns: ['row', 'field', 'reason', 'reason_zh', ...IMPORT_COLUMNS, 'record'] });
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
    close: () => new Promise<void>((resolve, reject) => {
      out.on('finish', resolve).on('error', reject);
      csv.end();
    }),
  };
}
