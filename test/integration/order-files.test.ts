/**
 * Order files through the API (issue 17), on both backends: an uploaded CSV or XLSX is imported whole or not at all
 * with the CLI's report (row and field of each problem); the order list leaves as XLSX with formula cells escaped.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server';
import { IMPORT_COLUMNS } from '../../src/core/order-input';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock, tempDir } from '../support/backends';
import { orderRow, writeCsv, type Row } from '../support/files';

async function xlsxOf(rows: Row[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('orders');
  sheet.addRow([...IMPORT_COLUMNS]);
  for (const r of rows) sheet.addRow(IMPORT_COLUMNS.map((c) => r[c] ?? ''));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function sheetRows(bytes: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const rows: string[][] = [];
  workbook.worksheets[0]!.eachRow((row) =>
    rows.push((row.values as ExcelJS.CellValue[]).slice(1).map((v) => String(v ?? ''))),
  );
  return rows;
}

describe.each(backends)('order files over HTTP on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let app: FastifyInstance;
  const dir = tempDir();
  const clock = manualClock(Date.UTC(2026, 10, 21, 12));
  const upload = (name: string, bytes: Buffer | string, shop = 'files', lang = 'en') =>
    app.inject({
      method: 'POST',
      url: `/orders/import?shop=${shop}&filename=${encodeURIComponent(name)}`,
      payload: bytes,
      headers: { 'content-type': 'application/octet-stream', 'accept-language': lang },
    });
  const count = async (shop = 'files') =>
    Number(
      (
        await store.db
          .selectFrom('orders')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('shop_id', '=', shop)
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    app = await buildServer(contextFor(store, clock), { authentication: false });
  });
  afterAll(async () => {
    await app.close();
    await dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a file with a bad row whole: 422 naming the row and field, in the reader’s language, nothing imported', async () => {
    const csv = fs.readFileSync(
      writeCsv(dir, 'bad.csv', [orderRow('B1', 'SKU-1'), orderRow('B2', 'SKU-1', { quantity: '0' })]),
    );
    const res = await upload('bad.csv', csv, 'files', 'zh-CN');
    expect(res.statusCode).toBe(422);
    const error = res.json().error;
    expect(error.code).toBe('import_refused');
    expect(error.issues).toEqual([expect.objectContaining({ row: 3, path: 'quantity' })]);
    expect(error.issues[0].message).toMatch(/[\u4e00-\u9fff]/);
    expect(error.report).toMatchObject({ committed: false, created: 0, rows: 2, file: 'bad.csv' });
    expect(await count()).toBe(0);
  });

  it('answers 400 for a file that is not an order file, and 422 for a spreadsheet with a changed header', async () => {
    const pdf = await upload('orders.pdf', '%PDF-1.4');
    expect(pdf.statusCode).toBe(400);
    expect(pdf.json().error.issues[0]).toMatchObject({ path: 'file' });
    const header = await upload('orders.csv', 'order_no,sku\nX,Y\n');
    expect(header.statusCode).toBe(422);
    expect(header.json().error.issues[0]).toMatchObject({ row: 0, path: 'order_no' });
    const empty = await upload('orders.csv', Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    expect(await count()).toBe(0);
  });

  it('imports a good CSV and a good XLSX, and a second upload changes nothing', async () => {
    const csv = fs.readFileSync(writeCsv(dir, 'good.csv', [orderRow('G1', 'SKU-1'), orderRow('G2', 'SKU-2')]));
    const first = await upload('good.csv', csv);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ committed: true, created: 2, issueCount: 0, file: 'good.csv' });
    const again = await upload('good.csv', csv);
    expect(again.json()).toMatchObject({ committed: true, created: 0, unchanged: 2 });
    const xlsx = await upload(
      'more.xlsx',
      await xlsxOf([orderRow('X1', 'SKU-1', { buyer_name: '=HYPERLINK("http://x")' })]),
    );
    expect(xlsx.statusCode, xlsx.body).toBe(200);
    expect(xlsx.json()).toMatchObject({ committed: true, created: 1 });
    expect(await count()).toBe(3);
  });

  it('exports the filtered list as XLSX, by deadline, with formula-like text escaped', async () => {
    const res = await app.inject({ method: 'GET', url: '/orders/export.xlsx?shop=files' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['x-order-count']).toBe('3');
    const rows = await sheetRows(res.rawPayload);
    expect(rows[0]!.slice(0, 3)).toEqual(['shop', 'order_id', 'status']);
    expect(
      rows
        .slice(1)
        .map((r) => r[1])
        .sort(),
    ).toEqual(['G1', 'G2', 'X1']);
    const x1 = rows.find((r) => r[1] === 'X1')!;
    expect(x1[6]).toBe(`'=HYPERLINK("http://x")`);
    expect(x1[11]).toBe('4.99');

    const none = await app.inject({ method: 'GET', url: '/orders/export.xlsx?shop=files&status=cancelled' });
    expect((await sheetRows(none.rawPayload)).length).toBe(1);
    const bad = await app.inject({ method: 'GET', url: '/orders/export.xlsx?status=lost' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0]).toMatchObject({ path: 'status' });
  });
});
