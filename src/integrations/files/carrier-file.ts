/**
 * Reads a carrier contract rate sheet (CSV, TSV or XLSX) as rows keyed by column name, numbered as a spreadsheet
 * shows them (header = row 1). Rate sheets are small (one row per service, zone and weight bracket): read whole
 * under a size cap. Parsing the rows into services is core/carrier-contract.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type ExcelJS from 'exceljs';
import { checkXlsxBounds, XlsxBoundsError } from './xlsx-bounds';
import { cellText } from './cell-text';
import Papa from 'papaparse';
import type { ContractRow } from '../../core/carrier-contract-cells';
import { checkContractHeader } from '../../core/carrier-contract-columns';
import { localized } from '../../core/i18n';
import type { ImportIssue } from '../../core/order-input';
import { excel } from './excel';

const CARRIER_FILE_MAX_BYTES = 16 * 1024 ** 2;

/** The readable rows, and the problems of the file or of rows that could not be read (those rows are left out). */
export interface CarrierFileRead {
  rows: ContractRow[];
  issues: ImportIssue[];
}

function refused(field: string, en: string, zh: string, row = 0): CarrierFileRead {
  return { rows: [], issues: [{ row, field, message: localized(en, zh) }] };
}

function toRows(header: string[], data: string[][], firstRow: number): CarrierFileRead {
  const names = header.map((c) =>
    c
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase(),
  );
  const headerIssues = checkContractHeader(names);
  if (headerIssues.length) return { rows: [], issues: headerIssues };
  const rows: ContractRow[] = [];
  const issues: ImportIssue[] = [];
  data.forEach((cells, i) => {
    if (cells.every((c) => !c || !String(c).trim())) return;
    // A stray comma (a decimal comma, "62,00") shifts every later cell: refuse the row rather than misread it.
    const used = cells.length - [...cells].reverse().findIndex((c) => c !== undefined && String(c).trim() !== '');
    if (used > names.length) {
      issues.push({
        row: firstRow + i,
        field: 'file',
        message: localized(
          `row ${firstRow + i} has ${used} fields; the header has ${names.length} (a decimal comma? write 62.00).`,
          `第 ${firstRow + i} 行有 ${used} 个字段，表头有 ${names.length} 个（是否用了逗号作小数点？请写作 62.00）。`,
        ),
      });
      return;
    }
    const cellsByName: Record<string, string> = {};
    names.forEach((n, c) => (cellsByName[n] = cells[c] ?? ''));
    rows.push({ row: firstRow + i, cells: cellsByName });
  });
  return { rows, issues };
}

export async function readCarrierFile(file: string): Promise<CarrierFileRead> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch {
    return refused('file', `cannot read ${file}: no such file.`, `无法读取 ${file}：文件不存在。`);
  }
  if (!stat.isFile() || stat.size === 0)
    return refused('file', `${file} is empty or not a file.`, `${file} 为空或不是文件。`);
  if (stat.size > CARRIER_FILE_MAX_BYTES)
    return refused('file', `${file} is over 16 MiB: not a rate sheet.`, `${file} 超过 16 MiB，不像运价表。`);
  const bytes = await fs.promises.readFile(file);
  const ext = path.extname(file).toLowerCase();
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    try {
      await checkXlsxBounds(file);
    } catch (error) {
      if (error instanceof XlsxBoundsError)
        return { rows: [], issues: [{ row: 0, field: 'file', message: error.localizedMessage }] };
      throw error;
    }
    const workbook = new (await excel()).Workbook();
    try {
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    } catch {
      return refused(
        'file',
        `${path.basename(file)} is not a valid .xlsx workbook.`,
        `${path.basename(file)} 不是有效的 .xlsx 工作簿。`,
      );
    }
    const sheet = workbook.worksheets[0];
    if (!sheet) return refused('file', 'the workbook has no worksheet.', '工作簿中没有工作表。');
    const values: string[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row, number) => {
      values[number - 1] = (row.values as ExcelJS.CellValue[]).slice(1).map((v) => cellText(v));
    });
    const [header, ...data] = Array.from(values, (v) => v ?? []);
    if (!header?.length)
      return refused('file', 'the first worksheet has no header row.', '第一个工作表没有表头行。', 1);
    return toRows(header, data, 2);
  }
  if (ext === '.xlsx')
    return refused(
      'file',
      `${path.basename(file)} is not a valid .xlsx workbook.`,
      `${path.basename(file)} 不是有效的 .xlsx 工作簿。`,
    );
  if (bytes.includes(0))
    return refused(
      'file',
      `${path.basename(file)} looks binary; expected CSV or XLSX.`,
      `${path.basename(file)} 看起来是二进制文件；需要 CSV 或 XLSX。`,
    );
  const text = bytes.toString('utf8');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = ext === '.tsv' ? '\t' : !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
  const parsed = Papa.parse<string[]>(text, { delimiter, header: false, skipEmptyLines: 'greedy' });
  const quote = parsed.errors.find((e) => e.type === 'Quotes');
  if (quote)
    return refused(
      'file',
      `the CSV cannot be read at row ${(quote.row ?? 0) + 1}: ${quote.message}`,
      `第 ${(quote.row ?? 0) + 1} 行的 CSV 无法读取：${quote.message}`,
      (quote.row ?? 0) + 1,
    );
  const [header, ...data] = parsed.data;
  if (!header) return refused('file', 'the file has no header row.', '文件没有表头行。');
  return toRows(header, data, 2);
}
