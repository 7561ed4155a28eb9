/**
 * Imports an order file into one shop: stream, validate, upsert in batches, all in ONE transaction.
 * A file with any invalid row is rejected whole (nothing stored) unless `skipInvalid`, in which case the
 * good orders go in and every row of a refused order goes to a rejects file with its reason.
 */
import fs from 'node:fs';
import { stringify } from 'csv-stringify';
import { localized } from '../core/i18n';
import {
  checkDuplicateLines, checkSameOrder, IMPORT_COLUMNS, knownCurrency, parseJsonOrder, parseLineFields, parseOrderFields,
  type ImportIssue, type OrderFields, type OrderLineInput, type RawRow,
} from '../core/order-input';
import { FileFormatError, readOrderFile } from '../integrations/files/order-file';
import * as orders from '../store/orders';
import type { AppContext } from './context';
import { upsertOrdersInTransaction, type IncomingOrder } from './orders';

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

interface PendingOrder extends IncomingOrder {
  raws: Array<{ row: number; raw: RawRow | unknown }>;
}

class RejectWholeFile extends Error {}

interface OrderGroup {
  orderId: string;
  firstRow: number;
  firstRaw: RawRow;
  raws: PendingOrder['raws'];
  fields?: OrderFields;
  lines: Array<{ row: number; line: OrderLineInput }>;
  issues: ImportIssue[];
  ok: boolean;
}

function addLine(group: OrderGroup, raw: RawRow, row: number): void {
  const line = parseLineFields(raw, row, group.fields?.currency ?? knownCurrency(raw), group.issues);
  if (line) group.lines.push({ row, line });
  else group.ok = false;
}

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
  const reject = (raws: PendingOrder['raws'], issues: ImportIssue[]) => {
    note(issues);
    report.rejectedOrders++;
    report.rejectedRows += raws.length;
    rejects?.write(raws, issues);
  };

  try {
    await ctx.store.db.transaction().execute(async (trx) => {
      const now = ctx.now();
      let shopReady = false;
      let batch: PendingOrder[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const pending = batch;
        batch = [];
        // Without --skip-invalid, the first issue dooms the file: keep validating, stop writing.
        if (!options.skipInvalid && report.issueCount > 0) return;
        if (!shopReady) {
          await orders.ensureShop(trx, { id: options.shopId, platform: pending[0]!.order.platform }, now);
          shopReady = true;
        }
        const result = await upsertOrdersInTransaction(ctx.store, trx, options.shopId, pending, { now, actor, source: options.file });
        report.created += result.created;
        report.updated += result.updated;
        report.unchanged += result.unchanged;
        for (const issue of result.issues) {
          const refused = pending.find((p) => p.row === issue.row);
          reject(refused?.raws ?? [], [issue]);
        }
      };
      const accept = async (order: PendingOrder) => {
        report.orders++;
        batch.push(order);
        if (batch.length >= batchSize) await flush();
      };

      // Rows of one order stand together; `seen` catches an order whose rows are split apart.
      const seen = new Map<string, number>();
      let group: OrderGroup | undefined;
      const closeGroup = async () => {
        if (!group) return;
        const g = group;
        group = undefined;
        if (g.ok && g.fields && checkDuplicateLines(g.fields.platformOrderId, g.lines, g.issues)) {
          await accept({ order: { ...g.fields, lines: g.lines.map((l) => l.line) }, row: g.firstRow, raws: g.raws });
        } else reject(g.raws, g.issues);
      };

      for await (const records of readOrderFile(options.file)) {
        for (const record of records) {
          report.rows++;
          if (record.kind === 'json') {
            await closeGroup();
            const issues: ImportIssue[] = [];
            const order = parseJsonOrder(record.value, record.path, record.row, issues);
            const id = order?.platformOrderId;
            if (order && id !== undefined && seen.has(id)) {
              issues.push({ row: record.row, field: `${record.path ? record.path + '.' : ''}order_id`, message: localized(`order ${id} appears twice in the file (also at ${seen.get(id)}).`, `订单 ${id} 在文件中出现两次（另见第 ${seen.get(id)} 条）。`) });
            }
            if (order && issues.length === 0) {
              seen.set(Buffer.from(order.platformOrderId).toString(), record.row);
              await accept({ order, row: record.row, raws: [{ row: record.row, raw: record.value }] });
            } else reject([{ row: record.row, raw: record.value }], issues);
            continue;
          }
          const raw = record.raw;
          const orderId = (raw.order_id ?? '').trim();
          if (group && group.orderId === orderId) {
            // A later row of the same order: its order fields must repeat the first row's; read only its line.
            group.raws.push({ row: record.row, raw });
            if (!checkSameOrder(group.firstRaw, group.firstRow, raw, record.row, group.issues)) group.ok = false;
            else addLine(group, raw, record.row);
            continue;
          }
          await closeGroup();
          const g: OrderGroup = { orderId, firstRow: record.row, firstRaw: raw, raws: [{ row: record.row, raw }], lines: [], issues: [], ok: true };
          group = g;
          if (orderId && seen.has(orderId)) {
            g.ok = false;
            g.issues.push({
              row: record.row, field: 'order_id',
              message: localized(
                `the rows of order ${orderId} must stand together (it already appeared at row ${seen.get(orderId)}); sort the file by order_id.`,
                `订单 ${orderId} 的各行必须相邻（它已在第 ${seen.get(orderId)} 行出现）；请按 order_id 排序文件。`,
              ),
            });
          }
          // A detached copy: the parsed id is a slice of a 1 MB chunk of the file, which the map would keep alive.
          if (orderId) seen.set(Buffer.from(orderId).toString(), record.row);
          g.fields = parseOrderFields(raw, record.row, g.issues);
          if (!g.fields) g.ok = false;
          addLine(g, raw, record.row);
        }
        options.onProgress?.(report.rows);
      }
      await closeGroup();
      await flush();
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
    write(raws: PendingOrder['raws'], issues: ImportIssue[]) {
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
