/**
 * Order files from the browser (issue 17): an uploaded CSV or XLSX goes through the same import as the CLI's, so the
 * dashboard shows the same whole-file report (row and field of each problem; nothing imported when any row is
 * wrong); the filtered order list leaves as an XLSX workbook.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localized } from '../core/i18n';
import { orderExportRows, ordersWorkbook } from '../integrations/files/order-export';
import type { OrderListFilter } from '../store/orders';
import type { AppContext } from './context';
import { ValidationError } from './errors';
import { importOrderFile, type ImportReport } from './import-orders';
import { listOrders } from './orders';

/** The kinds a seller uploads from the Orders screen; the name's extension tells the reader which it is. */
const UPLOAD_EXTENSIONS = ['.csv', '.tsv', '.xlsx'] as const;
/** The most orders one export holds (a bigger list is narrowed with the filters first). */
const EXPORT_MAX_ORDERS = 20_000;

export interface UploadedFile {
  shopId: string;
  /** The name the seller's file had: only its extension is used. */
  filename: string;
  bytes: Buffer;
  actor: string;
}

function uploadExtension(filename: string): string {
  const ext = path.extname(filename).toLowerCase();
  if ((UPLOAD_EXTENSIONS as readonly string[]).includes(ext)) return ext;
  throw new ValidationError([
    {
      row: 0,
      field: 'file',
      message: localized(
        `"${path.basename(filename)}" is not an order file: choose a .csv or .xlsx file (the same columns as the order template).`,
        `「${path.basename(filename)}」不是订单文件：请选择 .csv 或 .xlsx 文件（列与订单模板相同）。`,
      ),
    },
  ]);
}

/** Imports an uploaded file whole or not at all; the report is the CLI's, without the server's temporary path. */
export async function importUploadedOrders(ctx: AppContext, upload: UploadedFile): Promise<ImportReport> {
  const ext = uploadExtension(upload.filename);
  if (upload.bytes.length === 0) {
    throw new ValidationError([
      {
        row: 0,
        field: 'file',
        message: localized('The file is empty: choose the order file again.', '文件为空：请重新选择订单文件。'),
      },
    ]);
  }
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'shipby-upload-'));
  const file = path.join(dir, `upload${ext}`);
  try {
    await fs.promises.writeFile(file, upload.bytes);
    const report = await importOrderFile(ctx, { shopId: upload.shopId, file, actor: upload.actor });
    return { ...report, file: path.basename(upload.filename) };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/** The filtered order list (by deadline, as on screen) as XLSX bytes, and how many orders it holds. */
export async function exportOrders(
  ctx: AppContext,
  filter: Omit<OrderListFilter, 'after' | 'limit' | 'sort'>,
): Promise<{ bytes: Buffer; count: number }> {
  const rows = [];
  let after: OrderListFilter['after'];
  while (rows.length < EXPORT_MAX_ORDERS) {
    const page = await listOrders(ctx, {
      ...filter,
      sort: 'ship_by',
      after,
      limit: Math.min(1000, EXPORT_MAX_ORDERS - rows.length),
    });
    rows.push(...page);
    const last = page[page.length - 1];
    if (!last || page.length < 1000) break;
    after = { shipByAt: last.ship_by_at, id: last.id };
  }
  return { bytes: await ordersWorkbook(orderExportRows(rows)), count: rows.length };
}
