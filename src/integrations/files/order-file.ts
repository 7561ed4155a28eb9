/**
 * Reads an order file (CSV, TSV, XLSX, JSON array or NDJSON) as a stream of rows, so a file of any
 * length is read in constant memory. A huge, binary or malformed file fails fast with a clear message.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import Papa from 'papaparse';
import type ExcelJS from 'exceljs';
import { boundedXlsx } from './xlsx-bounds';
import { unescapeCell } from '../../core/spreadsheet-cell';
import { localized } from '../../core/i18n';
import { IMPORT_COLUMNS, REQUIRED_COLUMNS, type ImportIssue, type RawRow } from '../../core/order-input';
import { cellText } from './cell-text';
import { setting } from '../../core/config';
import { excel } from './excel';

export type FileRecord =
  | { kind: 'row'; row: number; raw: RawRow }
  /** A JSON order with nested lines (JSON and NDJSON files). */
  | { kind: 'json'; row: number; value: unknown; path: string };

export class FileFormatError extends Error {
  constructor(readonly issue: ImportIssue) {
    super(`${issue.field}: ${issue.message.en}`);
    this.name = 'FileFormatError';
  }
}

const IMPORT_LIMITS = {
  /** Bigger files are refused before reading: a mistake (wrong file) or an abuse, either way not an import. */
  maxFileBytes: setting(process.env, 'SHIPBY_IMPORT_MAX_BYTES'),
  maxXlsxBytes: 256 * 1024 ** 2,
  maxJsonArrayBytes: 128 * 1024 ** 2,
  maxRecordBytes: 64 * 1024,
};

function fileError(field: string, en: string, zh: string): FileFormatError {
  return new FileFormatError({ row: 0, field, message: localized(en, zh) });
}

export type FileKind = 'csv' | 'tsv' | 'xlsx' | 'json' | 'ndjson';

function detectKind(file: string, head: Buffer): FileKind {
  const ext = path.extname(file).toLowerCase();
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    if (ext === '.xlsx' || ext === '') return 'xlsx';
    throw fileError(
      'file',
      `${path.basename(file)} is a zip archive, not a ${ext} file; save it as .xlsx or .csv.`,
      `${path.basename(file)} 是压缩包而不是 ${ext} 文件；请另存为 .xlsx 或 .csv。`,
    );
  }
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
  const nul = head.indexOf(0);
  if (nul !== -1) {
    throw fileError(
      'file',
      `${path.basename(file)} looks binary (a NUL byte at offset ${nul}); expected CSV, XLSX or JSON text.`,
      `${path.basename(file)} 看起来是二进制文件（偏移 ${nul} 处有 NUL 字节）；需要 CSV、XLSX 或 JSON 文本。`,
    );
  }
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (ext === '.json') return 'json';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  return 'csv';
}

function checkHeader(columns: string[]): string[] {
  const names = columns.map((c) => c.trim().toLowerCase());
  const unknown = names.filter((c) => c && !(IMPORT_COLUMNS as readonly string[]).includes(c));
  if (unknown.length) {
    throw fileError(
      unknown[0]!,
      `unknown column(s): ${unknown.join(', ')}. Expected: ${IMPORT_COLUMNS.join(', ')}.`,
      `未知列：${unknown.join('、')}。应为：${IMPORT_COLUMNS.join(', ')}。`,
    );
  }
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length) {
    throw fileError(missing[0]!, `missing column(s): ${missing.join(', ')}.`, `缺少列：${missing.join('、')}。`);
  }
  const dup = names.find((c, i) => c && names.indexOf(c) !== i);
  if (dup) throw fileError(dup, `column ${dup} appears twice in the header.`, `表头中 ${dup} 列出现了两次。`);
  return names;
}

async function* batched(records: AsyncIterable<FileRecord>, size = 1000): AsyncGenerator<FileRecord[]> {
  let batch: FileRecord[] = [];
  for await (const record of records) {
    batch.push(record);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** Yields the file's records in batches (one await per batch, not per row: this is the import's hot loop). */
export async function* readOrderFile(file: string): AsyncGenerator<FileRecord[]> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch {
    throw fileError('file', `cannot read ${file}: no such file.`, `无法读取 ${file}：文件不存在。`);
  }
  if (!stat.isFile()) throw fileError('file', `${file} is not a file.`, `${file} 不是文件。`);
  if (stat.size === 0) throw fileError('file', `${file} is empty.`, `${file} 是空文件。`);
  if (stat.size > IMPORT_LIMITS.maxFileBytes) {
    throw fileError(
      'file',
      `${file} is ${(stat.size / 1024 ** 3).toFixed(1)} GiB, over the ${(IMPORT_LIMITS.maxFileBytes / 1024 ** 3).toFixed(1)} GiB limit; split it.`,
      `${file} 大小为 ${(stat.size / 1024 ** 3).toFixed(1)} GiB，超过 ${(IMPORT_LIMITS.maxFileBytes / 1024 ** 3).toFixed(1)} GiB 的上限，请拆分文件。`,
    );
  }
  const handle = await fs.promises.open(file, 'r');
  const head = Buffer.alloc(Math.min(65536, stat.size));
  await handle.read(head, 0, head.length, 0);
  await handle.close();
  const kind = detectKind(file, head);
  if (kind === 'xlsx') {
    if (stat.size > IMPORT_LIMITS.maxXlsxBytes)
      throw fileError(
        'file',
        `the workbook is over ${IMPORT_LIMITS.maxXlsxBytes / 1024 ** 2} MiB; export it as CSV.`,
        `工作簿超过 ${IMPORT_LIMITS.maxXlsxBytes / 1024 ** 2} MiB，请导出为 CSV。`,
      );
    yield* batched(readXlsx(file));
  } else if (kind === 'json') {
    if (stat.size > IMPORT_LIMITS.maxJsonArrayBytes)
      throw fileError(
        'file',
        `a JSON array file is limited to ${IMPORT_LIMITS.maxJsonArrayBytes / 1024 ** 2} MiB; use NDJSON (.ndjson, one order per line) for more.`,
        `JSON 数组文件上限为 ${IMPORT_LIMITS.maxJsonArrayBytes / 1024 ** 2} MiB；更大的文件请使用 NDJSON（.ndjson，每行一个订单）。`,
      );
    yield* batched(readJsonArray(file));
  } else if (kind === 'ndjson') {
    yield* batched(readNdjson(file));
  } else {
    const firstLine = head.toString('utf8').split(/\r?\n/, 1)[0] ?? '';
    const delimiter = kind === 'tsv' ? '\t' : !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
    yield* readCsv(file, delimiter);
  }
}

/**
 * Decodes UTF-8 and refuses a line longer than `maxBytes` (a file with no line breaks, most likely not
 * CSV at all), so no single record can grow without bound in memory.
 */
function guardedText(file: string, maxBytes: number): Readable {
  const decoder = new StringDecoder('utf8');
  let sinceNewline = 0;
  const guard = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, done) {
      let from = 0;
      for (let at = chunk.indexOf(10); at !== -1 && sinceNewline <= maxBytes; at = chunk.indexOf(10, at + 1)) {
        sinceNewline += at - from;
        if (sinceNewline <= maxBytes) sinceNewline = 0;
        from = at + 1;
      }
      if (sinceNewline <= maxBytes) sinceNewline += chunk.length - from;
      if (sinceNewline > maxBytes) {
        done(
          new FileFormatError({
            row: 0,
            field: 'file',
            message: localized(
              `${path.basename(file)} has a line longer than ${Math.round(maxBytes / 1024)} KiB: it is not an order CSV.`,
              `${path.basename(file)} 中有一行超过 ${Math.round(maxBytes / 1024)} KiB：这不是订单 CSV 文件。`,
            ),
          }),
        );
        return;
      }
      done(null, decoder.write(chunk));
    },
    flush(done) {
      const rest = decoder.end();
      done(null, rest || undefined);
    },
  });
  return fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(guard);
}

/**
 * CSV through papaparse in chunk mode, pausing the parser while the importer writes, so memory stays
 * flat. (csv-parse was 4x slower on the ingest benchmark: see docs/architecture.md.)
 */
async function* readCsv(file: string, delimiter: string): AsyncGenerator<FileRecord[]> {
  const input = guardedText(file, IMPORT_LIMITS.maxRecordBytes * 16);
  const queue: string[][][] = [];
  let finished = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let parser: Papa.Parser | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  input.on('error', (error) => {
    failure = error;
    notify();
  });
  Papa.parse<string[]>(input, {
    delimiter,
    header: false,
    skipEmptyLines: true,
    chunk(results, p) {
      parser = p;
      queue.push(results.data);
      const quoteError = results.errors.find((e) => e.type === 'Quotes');
      if (quoteError && failure === undefined) failure = quoteError;
      // Pause the byte stream, not the parser: a paused papaparse handle keeps queueing input in memory.
      input.pause();
      notify();
    },
    complete() {
      finished = true;
      notify();
    },
    error(error) {
      failure = error;
      notify();
    },
  });

  let header: string[] | undefined;
  let row = 1; // the header is row 1, as a spreadsheet shows it
  for (;;) {
    const rows = queue.shift();
    if (!rows) {
      if (failure !== undefined) break;
      if (finished) break;
      const next = new Promise<void>((resolve) => (wake = resolve));
      input.resume();
      await next;
      continue;
    }
    const records: FileRecord[] = [];
    for (const cells of rows) {
      if (!header) {
        if (cells[0]) cells[0] = cells[0].replace(/^\uFEFF/, '');
        header = checkHeader(cells);
        continue;
      }
      row++;
      if (cells.length !== header.length) {
        parser?.abort();
        throw new FileFormatError({
          row,
          field: 'file',
          message: localized(
            `row ${row} has ${cells.length} fields; the header has ${header.length}.`,
            `第 ${row} 行有 ${cells.length} 个字段，表头有 ${header.length} 个。`,
          ),
        });
      }
      const raw: RawRow = {};
      for (let i = 0; i < header.length; i++) raw[header[i]!] = unescapeCell(cells[i]);
      records.push({ kind: 'row', row, raw });
    }
    if (records.length) yield records;
  }
  if (failure !== undefined) {
    parser?.abort();
    if (failure instanceof FileFormatError) throw failure;
    const message =
      failure instanceof Error ? failure.message : ((failure as { message?: string }).message ?? String(failure));
    throw new FileFormatError({
      row: row + 1,
      field: 'file',
      message: localized(
        `the CSV cannot be read after row ${row}: ${message}`,
        `第 ${row} 行之后的 CSV 无法读取：${message}`,
      ),
    });
  }
  if (!header) throw fileError('file', 'the file has no header row.', '文件没有表头行。');
}

/** Excel stores wall-clock times without a zone; exceljs hands them over as UTC fields: read them as typed. */
const wallClock = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

async function* readXlsx(file: string): AsyncGenerator<FileRecord> {
  await boundedXlsx(file, (message) => new FileFormatError({ row: 0, field: 'file', message }));
  const reader = new (await excel()).stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    worksheets: 'emit',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'emit',
  });
  for await (const sheet of reader) {
    let columns: string[] | undefined;
    for await (const row of sheet) {
      const values = (row.values as ExcelJS.CellValue[]).slice(1).map((v) => cellText(v, wallClock));
      if (!columns) {
        columns = checkHeader(values);
        continue;
      }
      if (values.every((v) => v.trim() === '')) continue;
      const raw: RawRow = {};
      columns.forEach((c, i) => (raw[c] = unescapeCell(values[i] ?? '')));
      yield { kind: 'row', row: row.number, raw };
    }
    return; // the first worksheet holds the orders
  }
}

async function* readJsonArray(file: string): AsyncGenerator<FileRecord> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.promises.readFile(file, 'utf8'));
  } catch (error) {
    throw fileError(
      'file',
      `the JSON cannot be parsed: ${(error as Error).message}`,
      `JSON 无法解析：${(error as Error).message}`,
    );
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { orders?: unknown })?.orders;
  if (!Array.isArray(list))
    throw fileError(
      'orders',
      'a JSON file must hold an array of orders, or { "orders": [...] }.',
      'JSON 文件必须是订单数组，或 { "orders": [...] }。',
    );
  const prefix = Array.isArray(parsed) ? '' : 'orders';
  for (let i = 0; i < list.length; i++) yield { kind: 'json', row: i + 1, value: list[i], path: `${prefix}[${i}]` };
}

async function* readNdjson(file: string): AsyncGenerator<FileRecord> {
  const { createInterface } = await import('node:readline');
  const lines = createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let row = 0;
  for await (const line of lines) {
    row++;
    if (!line.trim()) continue;
    if (line.length > IMPORT_LIMITS.maxRecordBytes * 16)
      throw new FileFormatError({
        row,
        field: 'line',
        message: localized(`line ${row} is too long for one order.`, `第 ${row} 行过长，不像一个订单。`),
      });
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new FileFormatError({
        row,
        field: 'line',
        message: localized(
          `line ${row} is not valid JSON: ${(error as Error).message}`,
          `第 ${row} 行不是有效的 JSON：${(error as Error).message}`,
        ),
      });
    }
    yield { kind: 'json', row, value, path: '' };
  }
}
