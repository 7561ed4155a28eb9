/**
 * Bin locations (issue 17), on SQLite AND PostgreSQL: a SKU's bin comes in with the catalogue template's
 * `bin_location` column (normalised; a bad one refused at its row and field with nothing stored; a file without the
 * column leaves the bins as they are), is set or cleared from the Catalogue's form (PUT /catalogue/skus/:sku), and
 * orders the picking list (read back with pdftotext): the bins in natural order, SKUs without one after them.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCatalogueSkus } from '../../src/app/catalogue';
import type { AppContext } from '../../src/app/context';
import { importSkuFile } from '../../src/app/import-catalogue';
import { setStaffing } from '../../src/app/planning';
import { adjustStock, mapPlatformSku } from '../../src/app/stock';
import { buildServer } from '../../src/http/server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock, tempDir } from '../support/backends';
import { pdfPages } from '../support/pdf-render';
import { placeOrder, seedCatalogue } from '../support/stock';

const SHOP = 'shop-bins';
const HEADER = 'sku,name,length_mm,width_mm,height_mm,weight_g,bin_location';

describe.each(backends)('bin locations on $name', { timeout: 180_000 }, (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  const dir = tempDir();
  const csv = (name: string, lines: string[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };
  const binOf = async (sku: string) => (await listCatalogueSkus(ctx)).find((s) => s.sku === sku)?.bin_location;

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, manualClock(Date.UTC(2026, 10, 25, 2)));
    await seedCatalogue(ctx, SHOP); // warehouse SZ (Shenzhen), SKUs A, B, C; AE-A = A, AE-KIT = A + 2 B
    await mapPlatformSku(ctx, SHOP, 'AE-C', [{ sku: 'C', units: 1 }]);
    for (const sku of ['A', 'B', 'C'])
      await adjustStock(ctx, { warehouseId: 'SZ', sku, reason: 'counted', to: 50, actor: 'test' });
    await setStaffing(ctx, 'SZ', { stations: 1 });
    app = await buildServer(ctx, { authentication: false });
  });
  afterAll(async () => {
    await app?.close();
    await dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('offers the column in the template', async () => {
    const template = await app.inject({ method: 'GET', url: '/catalogue/templates/skus' });
    expect(template.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(template.rawPayload as never);
    const header = (book.worksheets[0]!.getRow(1).values as unknown[]).slice(1);
    expect(header.at(-1)).toBe('bin_location');
  });

  it('imports the bins with the SKUs, refuses a bad one at its row with nothing stored, and keeps them when the column is absent', async () => {
    const bad = await importSkuFile(
      ctx,
      csv('bad.csv', [HEADER, 'A,Cup,90,90,100,300,a-10', 'B,Mug,90,90,100,350,B-2 ; DROP', 'C,Pot,90,90,100,400,']),
    );
    expect(bad.committed).toBe(false);
    // Rows as the spreadsheet numbers them (the header is row 1): Mug's bin, only.
    expect(bad.issues).toMatchObject([{ row: 3, field: 'bin_location' }]);
    expect(bad.issues[0]!.message['zh-CN']).toContain('库位');
    expect(await binOf('A')).toBeNull();

    const good = await importSkuFile(
      ctx,
      csv('good.csv', [HEADER, 'A,Cup,90,90,100,300, a-10 ', 'B,Mug,90,90,100,350,A-2', 'C,Pot,90,90,100,400,']),
    );
    expect(good).toMatchObject({ committed: true, issues: [] });
    // Trimmed and upper-cased; a blank cell is no bin.
    expect([await binOf('A'), await binOf('B'), await binOf('C')]).toEqual(['A-10', 'A-2', null]);

    const without = await importSkuFile(
      ctx,
      csv('no-bins.csv', ['sku,name,length_mm,width_mm,height_mm,weight_g', 'A,Cup,90,90,100,310']),
    );
    expect(without.committed).toBe(true);
    expect(await binOf('A')).toBe('A-10');
  });

  it('sets, keeps and clears a bin from the Catalogue form, refusing a bad one at its field', async () => {
    const put = (body: Record<string, unknown>) =>
      app.inject({
        method: 'PUT',
        url: '/catalogue/skus/C',
        payload: { name: 'Pot', dims_mm: [90, 90, 100], weight_g: 400, ...body },
      });
    const refused = await put({ bin_location: 'X'.repeat(40) });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('bin_location');
    expect(await binOf('C')).toBeNull();
    const set = await put({ bin_location: 'c-1' });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ sku: 'C', bin_location: 'C-1' });
    expect((await put({})).json()).toMatchObject({ bin_location: 'C-1' }); // absent: unchanged
    expect((await put({ bin_location: 'Z-9' })).json()).toMatchObject({ bin_location: 'Z-9' });
    expect((await put({ bin_location: null })).json()).toMatchObject({ bin_location: null });
  });

  it('lists the picking list by bin (A-2 before A-10), a SKU without a bin last, whatever the packing order', async () => {
    // Bins now: A → A-10, B → A-2, C → none. The plan packs Q1 (A, then 2 B) first, then Q2 (C), then Q3 (A).
    await placeOrder(ctx, SHOP, 'Q1', [{ sku: 'AE-KIT', quantity: 1 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
      shipBy: '2026-11-26T10:00:00Z',
    });
    await placeOrder(ctx, SHOP, 'Q2', [{ sku: 'AE-C', quantity: 1 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
      shipBy: '2026-11-27T10:00:00Z',
    });
    await placeOrder(ctx, SHOP, 'Q3', [{ sku: 'AE-A', quantity: 3 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
      shipBy: '2026-11-28T10:00:00Z',
    });
    const res = await app.inject({ method: 'GET', url: '/plan/picking-list.pdf?warehouse=SZ&lang=en' });
    expect(res.statusCode).toBe(200);
    const text = pdfPages(res.rawPayload).join('\n');
    expect(text).toContain('Q1 → Q2 → Q3');
    const skuRows = text
      .split('\n')
      .map((l) => l.trim().replace(/\s+/g, ' '))
      .filter((l) => /^[ABC] /.test(l));
    // Each row: the SKU, its bin (the warehouse under it), the quantity and the orders it serves.
    expect(skuRows).toEqual(['B A-2 2 Q1 ×2', 'A A-10 4 Q1 ×1, Q3 ×3', 'C Shenzhen 1 Q2 ×1']);
    expect(text).toContain('Shenzhen');
  });
});
