/**
 * Bounds an .xlsx workbook before exceljs parses it (issue 19, finding 10): a 400 KB workbook whose shared strings
 * expand to 400 MB would otherwise be inflated into exceljs's shared-string cache and abort the process out of memory.
 * Read from the zip's central directory: the sum of the entries' declared uncompressed sizes; then the shared-string
 * part is inflated as a stream — never held — counting its real bytes and its strings (`<si>`), stopping at the
 * first limit passed (a declared size can lie; the inflated bytes cannot). Worksheets are streamed row by row by the
 * readers, so only their declared size is bounded here.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { localized, type Localized } from '../../core/i18n';
import { setting } from '../../core/config';

export interface XlsxLimits {
  /** The sum of every entry's uncompressed size. */
  maxUncompressedBytes: number;
  /** The uncompressed size of xl/sharedStrings.xml. */
  maxSharedStringBytes: number;
  /** How many shared strings (`<si>` elements). */
  maxSharedStrings: number;
}

function xlsxLimits(): XlsxLimits {
  return {
    maxUncompressedBytes: setting(process.env, 'SHIPBY_XLSX_MAX_UNCOMPRESSED_MB') * 1024 ** 2,
    maxSharedStringBytes: setting(process.env, 'SHIPBY_XLSX_MAX_SHARED_STRINGS_MB') * 1024 ** 2,
    maxSharedStrings: setting(process.env, 'SHIPBY_XLSX_MAX_SHARED_STRINGS'),
  };
}

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** Why a workbook is refused; the caller wraps it in its own file error (field `file`). */
export class XlsxBoundsError extends Error {
  constructor(readonly localizedMessage: Localized) {
    super(localizedMessage.en);
  }
}

const invalid = (name: string) =>
  new XlsxBoundsError(localized(`${name} is not a valid .xlsx workbook.`, `${name} 不是有效的 .xlsx 工作簿。`));
const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;

async function centralDirectory(handle: fs.promises.FileHandle, size: number, name: string): Promise<Entry[]> {
  const tailLength = Math.min(size, 65_535 + 22);
  const tail = Buffer.alloc(tailLength);
  await handle.read(tail, 0, tailLength, size - tailLength);
  let eocd = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw invalid(name);
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset + cdSize > size) throw invalid(name);
  const cd = Buffer.alloc(cdSize);
  await handle.read(cd, 0, cdSize, cdOffset);
  const entries: Entry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cd.length || cd.readUInt32LE(at) !== 0x02014b50) throw invalid(name);
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    entries.push({
      name: cd.toString('utf8', at + 46, at + 46 + nameLength),
      method: cd.readUInt16LE(at + 10),
      compressedSize: cd.readUInt32LE(at + 20),
      uncompressedSize: cd.readUInt32LE(at + 24),
      localHeaderOffset: cd.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Inflates one entry as a stream, counting bytes and `<si` openings; stops at the first limit passed. */
async function measureSharedStrings(
  file: string,
  handle: fs.promises.FileHandle,
  entry: Entry,
  limits: XlsxLimits,
  name: string,
): Promise<void> {
  const local = Buffer.alloc(30);
  await handle.read(local, 0, 30, entry.localHeaderOffset);
  if (local.readUInt32LE(0) !== 0x04034b50) throw invalid(name);
  const start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  if (entry.method !== 0 && entry.method !== 8) throw invalid(name);
  const source = fs.createReadStream(file, { start, end: Math.max(start, start + entry.compressedSize - 1) });
  const inflate = entry.method === 8 ? zlib.createInflateRaw() : undefined;
  const stream = inflate ? source.pipe(inflate) : source;
  let bytes = 0;
  let strings = 0;
  let carry = '';
  const tooMany = () =>
    new XlsxBoundsError(
      localized(
        `${name} has more shared text than an import reads (over ${limits.maxSharedStrings.toLocaleString('en')} strings or ${mib(limits.maxSharedStringBytes)} of text); nothing was imported. Split it into smaller files or save it as .csv.`,
        `${name} 中的共享文本超过导入上限（超过 ${limits.maxSharedStrings} 个字符串或 ${mib(limits.maxSharedStringBytes)} 文本）；未导入任何内容。请拆分为较小的文件或另存为 .csv。`,
      ),
    );
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > limits.maxSharedStringBytes) throw tooMany();
      const text = carry + chunk.toString('latin1');
      strings += text.match(/<si[\s>/]/g)?.length ?? 0;
      carry = text.slice(-3);
      if (strings > limits.maxSharedStrings) throw tooMany();
    }
  } catch (error) {
    if (error instanceof XlsxBoundsError) throw error;
    throw invalid(name);
  } finally {
    source.destroy();
    inflate?.destroy();
  }
}

/** `checkXlsxBounds` with its refusal as the import's file issue (field `file`). */
export async function boundedXlsx(file: string, asIssue: (message: Localized) => Error): Promise<void> {
  try {
    await checkXlsxBounds(file);
  } catch (error) {
    if (error instanceof XlsxBoundsError) throw asIssue(error.localizedMessage);
    throw error;
  }
}

/** Refuses a workbook past the limits, before any parser reads it. */
export async function checkXlsxBounds(file: string, limits: XlsxLimits = xlsxLimits()): Promise<void> {
  const name = path.basename(file);
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const entries = await centralDirectory(handle, size, name);
    const total = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
    if (total > limits.maxUncompressedBytes) {
      throw new XlsxBoundsError(
        localized(
          `${name} unpacks to ${mib(total)}, over the ${mib(limits.maxUncompressedBytes)} an import reads; nothing was imported. Split it into smaller files or save it as .csv.`,
          `${name} 解压后为 ${mib(total)}，超过导入上限 ${mib(limits.maxUncompressedBytes)}；未导入任何内容。请拆分为较小的文件或另存为 .csv。`,
        ),
      );
    }
    const shared = entries.find((e) => e.name.toLowerCase() === 'xl/sharedstrings.xml');
    if (shared) await measureSharedStrings(file, handle, shared, limits, name);
  } finally {
    await handle.close();
  }
}
