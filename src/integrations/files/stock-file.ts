/**
 * Reads a stock file (CSV, TSV or XLSX) as rows keyed by column name. Stock files have one row per SKU and
 * warehouse, so they are small next to order files: CSV is parsed in one go under a size cap, XLSX through
 * exceljs's streaming reader. A wrong header fails fast, naming the columns expected.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { boundedXlsx } from './xlsx-bounds';
import { unescapeCell } from '../../core/spreadsheet-cell';
import Papa from 'papaparse';
import { localized } from '../../core/i18n';
import type { RawRow } from '../../core/order-input';
import { REQUIRED_STOCK_COLUMNS, STOCK_COLUMNS } from '../../core/stock-input';
import { FileFormatError } from './order-file';

export const STOCK_FILE_MAX_BYTES = 64 * 1024 ** 2;

function fileError(field: string, en: string, zh: string, row = 0): FileFormatError {
  return new FileFormatError({ row, field, message: localized(en, zh) });
}

/** Common header spellings a warehouse system exports, read as ours. */
const ALIASES: Record<string, string> = { quantity: 'on_hand', qty: 'on_hand', stock: 'on_hand', warehouse_id: 'warehouse', seller_sku: 'sku' };

function checkHeader(cells: string[], warehouseGiven: boolean): string[] {
  const names = cells.map((c) => c.replace(/^\uFEFF/, '').trim().toLowerCase()).map((c) => ALIASES[c] ?? c);
  const unknown = names.filter((c) => c && !(STOCK_COLUMNS as readonly string[]).includes(c));
  if (unknown.length) {
    throw fileError(unknown[0]!, `unknown column(s): ${unknown.join(', ')}. Expected: ${STOCK_COLUMNS.join(', ')}.`, `未知列：${unknown.join('、')}。应为：${STOCK_COLUMNS.join(', ')}。`);
  }
  const required = warehouseGiven ? REQUIRED_STOCK_COLUMNS : [...REQUIRED_STOCK_COLUMNS, 'warehouse'];
  const missing = required.filter((c) => !names.includes(c));
  if (missing.length) {
    const hint = missing.includes('warehouse') ? ' (or pass --warehouse)' : '';
    throw fileError(missing[0]!, `missing column(s): ${missing.join(', ')}${hint}.`, `缺少列：${missing.join('、')}${hint ? '（或使用 --warehouse）' : ''}。`);
  }
  const dup = names.find((c, i) => c && names.indexOf(c) !== i);
  if (dup) throw fileError(dup, `column ${dup} appears twice in the header.`, `表头中 ${dup} 列出现了两次。`);
  return names;
}

export interface StockFileRow {
  row: number;
  raw: RawRow;
}

export async function readStockFile(file: string, warehouseGiven: boolean): Promise<StockFileRow[]> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch {
    throw fileError('file', `cannot read ${file}: no such file.`, `无法读取 ${file}：文件不存在。`);
  }
  if (!stat.isFile() || stat.size === 0) throw fileError('file', `${file} is empty or not a file.`, `${file} 为空或不是文件。`);
  if (stat.size > STOCK_FILE_MAX_BYTES) {
    throw fileError('file', `${file} is over ${STOCK_FILE_MAX_BYTES / 1024 ** 2} MiB: not a stock file (one row per SKU and warehouse).`, `${file} 超过 ${STOCK_FILE_MAX_BYTES / 1024 ** 2} MiB，不像库存文件（每个 SKU 和仓库一行）。`);
  }
  const head = Buffer.alloc(Math.min(4096, stat.size));
  const handle = await fs.promises.open(file, 'r');
  await handle.read(head, 0, head.length, 0);
  await handle.close();
  const ext = path.extname(file).toLowerCase();
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return readXlsx(file, warehouseGiven);
  if (ext === '.xlsx') throw fileError('file', `${path.basename(file)} is not a valid .xlsx workbook.`, `${path.basename(file)} 不是有效的 .xlsx 工作簿。`);
  if (ext === '.xls') throw fileError('file', 'old .xls workbooks are not supported; save it as .xlsx or .csv.', '不支持旧版 .xls 工作簿；请另存为 .xlsx 或 .csv。');
  if (head.includes(0)) throw fileError('file', `${path.basename(file)} looks binary; expected CSV or XLSX.`, `${path.basename(file)} 看起来是二进制文件；需要 CSV 或 XLSX。`);
  const text = await fs.promises.readFile(file, 'utf8');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = ext === '.tsv' || ext === '.tab' ? '\t' : !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
  const parsed = Papa.parse<string[]>(text, { delimiter, header: false, skipEmptyLines: 'greedy' });
  const quote = parsed.errors.find((e) => e.type === 'Quotes');
  if (quote) throw fileError('file', `the CSV cannot be read at row ${(quote.row ?? 0) + 1}: ${quote.message}`, `第 ${(quote.row ?? 0) + 1} 行的 CSV 无法读取：${quote.message}`, (quote.row ?? 0) + 1);
  const [header, ...rows] = parsed.data;
  if (!header) throw fileError('file', 'the file has no header row.', '文件没有表头行。');
  const names = checkHeader(header, warehouseGiven);
  return rows.map((cells, i) => {
    const row = i + 2; // the header is row 1, as a spreadsheet shows it
    if (cells.length !== names.length) {
      throw fileError('file', `row ${row} has ${cells.length} fields; the header has ${names.length}.`, `第 ${row} 行有 ${cells.length} 个字段，表头有 ${names.length} 个。`, row);
    }
    const raw: RawRow = {};
    names.forEach((n, c) => (raw[n] = unescapeCell(cells[c])));
    return { row, raw };
  });
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    return '';
  }
  return String(value);
}

async function readXlsx(file: string, warehouseGiven: boolean): Promise<StockFileRow[]> {
  await boundedXlsx(file, (message) => new FileFormatError({ row: 0, field: 'file', message }));
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', worksheets: 'emit', hyperlinks: 'ignore', styles: 'ignore', entries: 'emit' });
  const rows: StockFileRow[] = [];
  for await (const sheet of reader) {
    let names: string[] | undefined;
    for await (const row of sheet) {
      const values = (row.values as ExcelJS.CellValue[]).slice(1).map(cellText);
      if (!names) {
        names = checkHeader(values, warehouseGiven);
        continue;
      }
      if (values.every((v) => v.trim() === '')) continue;
      const raw: RawRow = {};
      names.forEach((n, c) => (raw[n] = unescapeCell(values[c] ?? '')));
      rows.push({ row: row.number, raw });
    }
    if (!names) throw fileError('file', 'the first worksheet has no header row.', '第一个工作表没有表头行。');
    return rows; // the first worksheet holds the stock
  }
  throw fileError('file', 'the workbook has no worksheet.', '工作簿中没有工作表。');
}
