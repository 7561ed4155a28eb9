/**
 * Reads an order file and turns its rows into validated orders, batch by batch: the pure half of the
 * import (no database). It runs in the importer's thread, or in a worker thread for big files so that
 * parsing overlaps with the database writes (order-stream-worker.ts).
 */
import { localized } from '../core/i18n';
import { IdFingerprints } from '../core/id-fingerprints';
import {
  checkDuplicateLines,
  checkSameOrder,
  knownCurrency,
  parseLineFields,
  parseOrderFields,
  type ImportIssue,
  type OrderFields,
  type OrderInput,
  type OrderLineInput,
  type RawRow,
} from '../core/order-input';
import { parseJsonOrder } from '../core/order-input-json';
import { FileFormatError, readOrderFile } from '../integrations/files/order-file';

export type SourceRows = Array<{ row: number; raw: RawRow | unknown }>;

export interface ValidOrder {
  order: OrderInput;
  /** The row of the order's first line. */
  row: number;
  /** Its source rows, kept only when refused rows must be written out (--skip-invalid). */
  raws?: SourceRows;
}

export interface RefusedOrder {
  raws: SourceRows;
  issues: ImportIssue[];
}

export interface OrderBatch {
  rowsRead: number;
  valid: ValidOrder[];
  refused: RefusedOrder[];
}

export interface StreamOptions {
  keepRaws: boolean;
  batchSize?: number;
}

interface OrderGroup {
  orderId: string;
  firstRow: number;
  firstRaw: RawRow;
  raws: SourceRows;
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

/**
 * Rows are grouped by order id as they come: the rows of one order stand together, and `seen` catches
 * an order whose rows are split apart. A file-level problem (binary, broken header) is thrown as
 * FileFormatError.
 */
export async function* validatedOrders(file: string, options: StreamOptions): AsyncGenerator<OrderBatch> {
  const batchSize = options.batchSize ?? 500;
  const seen = new IdFingerprints();
  let batch: OrderBatch = { rowsRead: 0, valid: [], refused: [] };
  let group: OrderGroup | undefined;

  const closeGroup = () => {
    if (!group) return;
    const g = group;
    group = undefined;
    if (g.ok && g.fields && checkDuplicateLines(g.fields.platformOrderId, g.lines, g.issues)) {
      batch.valid.push({
        order: { ...g.fields, lines: g.lines.map((l) => l.line) },
        row: g.firstRow,
        raws: options.keepRaws ? g.raws : undefined,
      });
    } else batch.refused.push({ raws: g.raws, issues: g.issues });
  };
  const remember = (orderId: string, row: number) => seen.set(orderId, row);

  for await (const records of readOrderFile(file)) {
    for (const record of records) {
      batch.rowsRead++;
      if (record.kind === 'json') {
        closeGroup();
        const issues: ImportIssue[] = [];
        const order = parseJsonOrder(record.value, record.path, record.row, issues);
        const id = order?.platformOrderId;
        if (order && id !== undefined && seen.has(id)) {
          issues.push({
            row: record.row,
            field: `${record.path ? record.path + '.' : ''}order_id`,
            message: localized(
              `order ${id} appears twice in the file (also at ${seen.get(id)}).`,
              `订单 ${id} 在文件中出现两次（另见第 ${seen.get(id)} 条）。`,
            ),
          });
        }
        const raws = [{ row: record.row, raw: record.value }];
        if (order && issues.length === 0) {
          remember(order.platformOrderId, record.row);
          batch.valid.push({ order, row: record.row, raws: options.keepRaws ? raws : undefined });
        } else batch.refused.push({ raws, issues });
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
      closeGroup();
      const g: OrderGroup = {
        orderId,
        firstRow: record.row,
        firstRaw: raw,
        raws: [{ row: record.row, raw }],
        lines: [],
        issues: [],
        ok: true,
      };
      group = g;
      if (orderId && seen.has(orderId)) {
        g.ok = false;
        g.issues.push({
          row: record.row,
          field: 'order_id',
          message: localized(
            `the rows of order ${orderId} must stand together (it already appeared at row ${seen.get(orderId)}); sort the file by order_id.`,
            `订单 ${orderId} 的各行必须相邻（它已在第 ${seen.get(orderId)} 行出现）；请按 order_id 排序文件。`,
          ),
        });
      }
      if (orderId) remember(orderId, record.row);
      g.fields = parseOrderFields(raw, record.row, g.issues);
      if (!g.fields) g.ok = false;
      addLine(g, raw, record.row);
    }
    if (batch.valid.length >= batchSize || batch.refused.length >= batchSize) {
      yield batch;
      batch = { rowsRead: 0, valid: [], refused: [] };
    }
  }
  closeGroup();
  yield batch;
}

export { FileFormatError };
