/**
 * Reads a small table file (CSV, TSV or XLSX) as rows keyed by column name: stock counts, the SKU catalogue,
 * warehouses — one row per thing, so small next to order files. CSV is parsed in one go under a size cap, XLSX
 * through exceljs's streaming reader behind xlsx-bounds.ts. A wrong header fails fast, naming the columns expected.
 */
import fs from 'node:fs';
import path from 'node:path';
import type ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { localized } from '../../core/i18n';
import type { RawRow } from '../../core/order-input';
import { unescapeCell } from '../../core/spreadsheet-cell';
import { FileFormatError } from './order-file';
import { cellText } from './cell-text';
import { boundedXlsx } from './xlsx-bounds';
import { excel } from './excel';

const TABLE_FILE_MAX_BYTES = 64 * 1024 ** 2;

/** The columns a kind of table file has. */
export interface TableSpec {
  columns: readonly string[];
  required: readonly string[];
  /** Common header spellings other systems export, read as ours. */
  aliases?: Readonly<Record<string, string>>;
  /** What a row is, for "the file has no … rows" (both languages). */
  noun: { en: string; zh: string };
  /** Said after a missing column, when it may be given another way. */
  missingHint?: (missing: string[]) => { en: string; zh: string } | undefined;
}

export interface TableFileRow {
  row: number;
  raw: RawRow;
}

export function fileError(field: string, en: string, zh: string, row = 0): FileFormatError {
  return new FileFormatError({ row, field, message: localized(en, zh) });
}

function checkHeader(cells: string[], spec: TableSpec): string[] {
  const names = cells
    .map((c) =>
      c
        .replace(/^\uFEFF/, '')
        .trim()
        .toLowerCase(),
    )
    .map((c) => spec.aliases?.[c] ?? c);
  const unknown = names.filter((c) => c && !spec.columns.includes(c));
  if (unknown.length) {
    throw fileError(
      unknown[0]!,
      `unknown column(s): ${unknown.join(', ')}. Expected: ${spec.columns.join(', ')}.`,
      `未知列：${unknown.join('、')}。应为：${spec.columns.join(', ')}。`,
    );
  }
  const missing = spec.required.filter((c) => !names.includes(c));
  if (missing.length) {
    const hint = spec.missingHint?.(missing);
    throw fileError(
      missing[0]!,
      `missing column(s): ${missing.join(', ')}${hint ? ` ${hint.en}` : ''}.`,
      `缺少列：${missing.join('、')}${hint ? hint.zh : ''}。`,
    );
  }
  const dup = names.find((c, i) => c && names.indexOf(c) !== i);
  if (dup) throw fileError(dup, `column ${dup} appears twice in the header.`, `表头中 ${dup} 列出现了两次。`);
  return names;
}

export async function readTableFile(file: string, spec: TableSpec): Promise<TableFileRow[]> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch {
    throw fileError('file', `cannot read ${file}: no such file.`, `无法读取 ${file}：文件不存在。`);
  }
  if (!stat.isFile() || stat.size === 0)
    throw fileError(
      'file',
      `${path.basename(file)} is empty or not a file.`,
      `${path.basename(file)} 为空或不是文件。`,
    );
  if (stat.size > TABLE_FILE_MAX_BYTES) {
    throw fileError(
      'file',
      `${path.basename(file)} is over ${TABLE_FILE_MAX_BYTES / 1024 ** 2} MiB: not a ${spec.noun.en} file.`,
      `${path.basename(file)} 超过 ${TABLE_FILE_MAX_BYTES / 1024 ** 2} MiB，不像${spec.noun.zh}文件。`,
    );
  }
  const head = Buffer.alloc(Math.min(4096, stat.size));
  const handle = await fs.promises.open(file, 'r');
  await handle.read(head, 0, head.length, 0);
  await handle.close();
  const ext = path.extname(file).toLowerCase();
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return readXlsx(file, spec);
  if (ext === '.xlsx')
    throw fileError(
      'file',
      `${path.basename(file)} is not a valid .xlsx workbook.`,
      `${path.basename(file)} 不是有效的 .xlsx 工作簿。`,
    );
  if (ext === '.xls')
    throw fileError(
      'file',
      'old .xls workbooks are not supported; save it as .xlsx or .csv.',
      '不支持旧版 .xls 工作簿；请另存为 .xlsx 或 .csv。',
    );
  if (head.includes(0))
    throw fileError(
      'file',
      `${path.basename(file)} looks binary; expected CSV or XLSX.`,
      `${path.basename(file)} 看起来是二进制文件；需要 CSV 或 XLSX。`,
    );
  const text = await fs.promises.readFile(file, 'utf8');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter =
    ext === '.tsv' || ext === '.tab' ? '\t' : !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
  const parsed = Papa.parse<string[]>(text, { delimiter, header: false, skipEmptyLines: 'greedy' });
  const quote = parsed.errors.find((e) => e.type === 'Quotes');
  if (quote)
    throw fileError(
      'file',
      `the CSV cannot be read at row ${(quote.row ?? 0) + 1}: ${quote.message}`,
      `第 ${(quote.row ?? 0) + 1} 行的 CSV 无法读取：${quote.message}`,
      (quote.row ?? 0) + 1,
    );
  const [header, ...rows] = parsed.data;
  if (!header) throw fileError('file', 'the file has no header row.', '文件没有表头行。');
  const names = checkHeader(header, spec);
  return rows.map((cells, i) => {
    const row = i + 2; // the header is row 1, as a spreadsheet shows it
    if (cells.length !== names.length) {
      throw fileError(
        'file',
        `row ${row} has ${cells.length} fields; the header has ${names.length}.`,
        `第 ${row} 行有 ${cells.length} 个字段，表头有 ${names.length} 个。`,
        row,
      );
    }
    const raw: RawRow = {};
    names.forEach((n, c) => (raw[n] = unescapeCell(cells[c])));
    return { row, raw };
  });
}

async function readXlsx(file: string, spec: TableSpec): Promise<TableFileRow[]> {
  await boundedXlsx(file, (message) => new FileFormatError({ row: 0, field: 'file', message }));
  const reader = new (await excel()).stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    worksheets: 'emit',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'emit',
  });
  const rows: TableFileRow[] = [];
  for await (const sheet of reader) {
    let names: string[] | undefined;
    for await (const row of sheet) {
      const values = (row.values as ExcelJS.CellValue[]).slice(1).map((v) => cellText(v));
      if (!names) {
        names = checkHeader(values, spec);
        continue;
      }
      if (values.every((v) => v.trim() === '')) continue;
      const raw: RawRow = {};
      names.forEach((n, c) => (raw[n] = unescapeCell(values[c] ?? '')));
      rows.push({ row: row.number, raw });
    }
    if (!names) throw fileError('file', 'the first worksheet has no header row.', '第一个工作表没有表头行。');
    return rows; // the first worksheet holds the table
  }
  throw fileError('file', 'the workbook has no worksheet.', '工作簿中没有工作表。');
}

/**
 * A template to fill in: one worksheet whose first row is the header (bold, frozen), the example rows after it.
 * What `readTableFile` reads back as is.
 */
export async function tableTemplate(
  sheetName: string,
  columns: readonly string[],
  examples: ReadonlyArray<Record<string, string | number>>,
): Promise<Buffer> {
  const book = new (await excel()).Workbook();
  const sheet = book.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c, key: c, width: Math.max(12, c.length + 4) }));
  sheet.getRow(1).font = { bold: true };
  for (const e of examples) sheet.addRow(e);
  return Buffer.from(await book.xlsx.writeBuffer());
}
