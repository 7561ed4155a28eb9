/**
 * The first run and the catalogue over HTTP, on SQLite AND PostgreSQL, authentication on, as the installation's first
 * owner after the one-time link: the owner's first screen answers (GET /shops 200, not 403, with no shop yet); the
 * checklist says what is missing, decided from the data; a shop for order files, a warehouse, SKUs with customs,
 * a bundle pairing and a stock count each turn their step done; the XLSX templates download and upload, and a
 * bad upload (not a spreadsheet, a changed header, a negative weight) is refused whole at its row and field in both
 * languages with nothing stored.
 */
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureFirstOwner } from '../../src/app/accounts';
import { listCatalogueSkus } from '../../src/app/catalogue';
import type { AppContext } from '../../src/app/context';
import { listStock } from '../../src/app/stock';
import { buildServer } from '../../src/http/server';
import { backends, contextFor } from '../support/backends';

interface Step {
  step: string;
  done: boolean;
  screen: string;
  optional: boolean;
  missing: { en: string; 'zh-CN': string } | null;
}
interface Issue {
  path: string;
  row: number;
  messages: { en: string; 'zh-CN': string };
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A template's bytes with its example rows replaced by `rows` (and its header, when given). */
async function filled(template: Buffer, rows: Array<Array<string | number>>, header?: string[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(template as never);
  const sheet = book.worksheets[0]!;
  const head = header ?? (sheet.getRow(1).values as string[]).slice(1);
  const out = new ExcelJS.Workbook();
  const copy = out.addWorksheet(sheet.name);
  copy.addRow(head);
  for (const r of rows) copy.addRow(r);
  return Buffer.from(await out.xlsx.writeBuffer());
}

describe.each(backends)('first run and catalogue on $name', (backend) => {
  let ctx: AppContext;
  let app: FastifyInstance;
  let dispose: () => Promise<void>;
  let headers: Record<string, string>;

  beforeEach(async () => {
    const opened = await backend.open();
    ctx = contextFor(opened.store);
    app = await buildServer(ctx, { authentication: true });
    dispose = async () => {
      await app.close();
      await opened.dispose();
    };
    // The installation's first start: its owner signs in through the one-time link.
    const first = (await ensureFirstOwner(ctx))!;
    const link = await app.inject({ method: 'GET', url: `/auth/link?token=${first.token}` });
    expect(link.statusCode).toBe(303);
    const cookie = link.cookies.find((c) => c.name === 'shipby_session')!;
    const session = await app.inject({
      method: 'GET',
      url: '/auth/session',
      headers: { cookie: `shipby_session=${cookie.value}` },
    });
    expect(session.json()).toMatchObject({ account_owner: true, shops: [] });
    headers = { cookie: `shipby_session=${cookie.value}`, 'x-csrf-token': session.json().csrf_token };
  }, 60_000);
  afterEach(async () => {
    await dispose();
  });

  const steps = async (): Promise<Record<string, Step>> => {
    const response = await app.inject({ method: 'GET', url: '/setup', headers });
    expect(response.statusCode).toBe(200);
    return Object.fromEntries((response.json().steps as Step[]).map((s) => [s.step, s]));
  };
  const issues = (response: { statusCode: number; json: () => { error: { issues: Issue[] } } }) => {
    expect(response.statusCode).toBe(400);
    return response.json().error.issues;
  };
  const upload = (url: string, body: Buffer, name: string) =>
    app.inject({
      method: 'POST',
      url: `${url}?name=${encodeURIComponent(name)}`,
      headers: { ...headers, 'content-type': XLSX },
      payload: body,
    });

  it("answers the owner's first screen, then each step turns done as its data arrives", async () => {
    const shops = await app.inject({ method: 'GET', url: '/shops', headers });
    expect(shops.statusCode).toBe(200);
    expect(shops.json().items).toEqual([]);
    // The screens behind the first one answer empty lists too, not 403.
    for (const url of ['/orders?status=new,awaiting_shipment&limit=500', '/plan', '/stock', '/parcels']) {
      const list = await app.inject({ method: 'GET', url, headers });
      expect(list.statusCode, url).toBe(200);
    }
    let checklist = await steps();
    expect(Object.keys(checklist)).toEqual([
      'shop',
      'policy',
      'warehouses',
      'skus',
      'stock',
      'sender',
      'boxes',
      'carriers',
      'tracking',
    ]);
    expect(Object.values(checklist).every((s) => !s.done && s.missing !== null)).toBe(true);
    expect(checklist.warehouses!.screen).toBe('catalogue/warehouses');
    // The installation's owner may add a tracking provider: optional, it blocks nothing.
    expect(checklist.tracking).toMatchObject({ screen: 'settings/tracking', optional: true, blocks: [] });
    expect(Object.values(checklist).filter((s) => s.optional)).toHaveLength(1);

    // "No API, I import files": a shop of the account.
    expect((await app.inject({ method: 'POST', url: '/shops', headers, payload: { id: 'my shop!' } })).statusCode).toBe(
      400,
    );
    expect(
      (await app.inject({ method: 'POST', url: '/shops', headers, payload: { id: 'my-shop', name: 'My shop' } }))
        .statusCode,
    ).toBe(201);
    expect(
      (await app.inject({ method: 'GET', url: '/shops', headers })).json().items.map((s: { id: string }) => s.id),
    ).toEqual(['my-shop']);

    // A warehouse: a bad cut-off is named, nothing stored; then a right one.
    const badCutoff = issues(
      await app.inject({
        method: 'PUT',
        url: '/warehouses/SZ',
        headers,
        payload: { kind: 'domestic', country: 'CN', time_zone: 'Asia/Shanghai', cutoff: '25:00' },
      }),
    );
    expect(badCutoff.map((i) => i.path)).toEqual(['cutoff']);
    expect((await app.inject({ method: 'GET', url: '/warehouses', headers })).json().items).toEqual([]);
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/warehouses/SZ',
          headers,
          payload: { name: 'Shenzhen', kind: 'domestic', country: 'cn', time_zone: 'Asia/Shanghai', cutoff: '16:00' },
        })
      ).statusCode,
    ).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/warehouses', headers })).json().items).toMatchObject([
      { id: 'SZ', name: 'Shenzhen', country: 'CN', cutoff: '16:00' },
    ]);

    // A SKU: a negative weight and a bad HS code are named at their fields, nothing stored; then a right one.
    const bad = issues(
      await app.inject({
        method: 'PUT',
        url: '/catalogue/skus/LAMP-01',
        headers,
        payload: {
          dims_mm: [300, 120, 80],
          weight_g: -5,
          hs_code: '94A',
          customs_value: 1250,
          customs_currency: 'USD',
        },
      }),
    );
    expect(bad.map((i) => i.path)).toEqual(['hs_code']);
    const negative = issues(
      await app.inject({
        method: 'PUT',
        url: '/catalogue/skus/LAMP-01',
        headers,
        payload: { dims_mm: [300, 120, 80], weight_g: -5 },
      }),
    );
    expect(negative.map((i) => i.path)).toEqual(['weight_g']);
    expect(negative[0]!.messages['zh-CN']).toMatch(/weight_g/);
    expect(await listCatalogueSkus(ctx)).toEqual([]);
    const saved = await app.inject({
      method: 'PUT',
      url: '/catalogue/skus/LAMP-01',
      headers,
      payload: {
        name: 'LED desk lamp',
        dims_mm: [300, 120, 80],
        weight_g: 450,
        barcode: '6901234567892',
        hs_code: '9405.11',
        customs_description: 'LED desk lamp',
        customs_value: 1250,
        customs_currency: 'usd',
      },
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toEqual({
      sku: 'LAMP-01',
      name: 'LED desk lamp',
      dims_mm: [300, 120, 80],
      weight_g: 450,
      barcode: '6901234567892',
      hs_code: '940511',
      customs_description: 'LED desk lamp',
      customs_value: { amount: 1250, currency: 'USD' },
      bin_location: null,
    });

    // A bundle: a marketplace SKU of two seller SKUs (an unknown one refused first).
    const unknown = issues(
      await app.inject({
        method: 'PUT',
        url: '/shops/my-shop/sku-mappings/AE-LAMP-SET',
        headers,
        payload: {
          components: [
            { sku: 'LAMP-01', units: 1 },
            { sku: 'BULB-01', units: 2 },
          ],
        },
      }),
    );
    expect(unknown[0]!.messages.en).toContain('Catalogue → SKUs');
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/catalogue/skus/BULB-01',
          headers,
          payload: { dims_mm: [60, 60, 110], weight_g: 40 },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/shops/my-shop/sku-mappings/AE-LAMP-SET',
          headers,
          payload: {
            components: [
              { sku: 'LAMP-01', units: 1 },
              { sku: 'BULB-01', units: 2 },
            ],
          },
        })
      ).statusCode,
    ).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/shops/my-shop/sku-mappings', headers })).json().items).toEqual([
      {
        platform_sku: 'AE-LAMP-SET',
        components: expect.arrayContaining([
          { sku: 'LAMP-01', units: 1 },
          { sku: 'BULB-01', units: 2 },
        ]),
      },
    ]);

    // A count, with its reason.
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/stock/adjustments',
          headers,
          payload: { warehouse: 'SZ', sku: 'LAMP-01', reason: 'counted', to: 40 },
        })
      ).statusCode,
    ).toBe(200);
    checklist = await steps();
    expect(Object.fromEntries(Object.values(checklist).map((s) => [s.step, s.done]))).toEqual({
      shop: true,
      policy: false,
      warehouses: true,
      skus: true,
      stock: true,
      sender: false,
      boxes: false,
      carriers: false,
      tracking: false,
    });
  });

  it('hands out the XLSX templates and takes them back filled; a bad upload is refused whole at its row and field, nothing stored', async () => {
    await app.inject({
      method: 'PUT',
      url: '/warehouses/SZ',
      headers,
      payload: { kind: 'domestic', time_zone: 'Asia/Shanghai', cutoff: '16:00' },
    });
    const skuTemplate = await app.inject({ method: 'GET', url: '/catalogue/templates/skus', headers });
    expect(skuTemplate.statusCode).toBe(200);
    expect(skuTemplate.headers['content-type']).toBe(XLSX);
    const template = skuTemplate.rawPayload;

    // Not a spreadsheet, a changed header, a negative weight: refused, nothing stored.
    const notSheet = issues(
      await upload('/catalogue/skus/imports', Buffer.from('\x89PNG\r\n\x1a\n\0\0\0'), 'photo.xlsx'),
    );
    expect(notSheet).toMatchObject([{ path: 'file', row: 0 }]);
    expect(notSheet[0]!.messages.en).toMatch(/not a valid \.xlsx/);
    const renamed = issues(
      await upload(
        '/catalogue/skus/imports',
        await filled(
          template,
          [['A-1', 'x', 1, 1, 1, 1]],
          ['sku', 'title', 'length_mm', 'width_mm', 'height_mm', 'weight_g'],
        ),
        'skus.xlsx',
      ),
    );
    expect(renamed).toMatchObject([{ path: 'title', row: 0 }]);
    expect(renamed[0]!.messages['zh-CN']).toContain('未知列');
    const negative = issues(
      await upload(
        '/catalogue/skus/imports',
        await filled(template, [
          ['A-1', 'Cup', 90, 90, 100, 300],
          ['A-2', 'Mug', 90, 90, 100, -300],
        ]),
        'skus.xlsx',
      ),
    );
    expect(negative).toMatchObject([{ path: 'weight_g', row: 3 }]);
    expect(negative[0]!.messages['zh-CN']).toContain('负数');
    expect(await listCatalogueSkus(ctx)).toEqual([]);

    const good = await upload(
      '/catalogue/skus/imports',
      await filled(template, [
        ['A-1', 'Cup', 90, 90, 100, 300, '', '6912.00', 'Ceramic cup', '3.20', 'USD'],
        ['A-2', 'Mug', 90, 90, 100, 350],
      ]),
      'skus.xlsx',
    );
    expect(good.statusCode).toBe(200);
    expect(good.json()).toEqual({ rows: 2 });
    expect(await listCatalogueSkus(ctx)).toMatchObject([
      {
        sku: 'A-1',
        name: 'Cup',
        weight_g: 300,
        hs_code: '691200',
        customs_description: 'Ceramic cup',
        customs_value: { amount: 320, currency: 'USD' },
      },
      { sku: 'A-2', name: 'Mug', weight_g: 350, hs_code: null, customs_value: null },
    ]);

    // Stock counts the same way; a warehouse that is not there is named at its row.
    const stockTemplate = (await app.inject({ method: 'GET', url: '/catalogue/templates/stock', headers })).rawPayload;
    const unknownWarehouse = issues(
      await upload(
        '/stock/imports',
        await filled(stockTemplate, [
          ['A-1', 'SZ', 10, ''],
          ['A-2', 'NOPE', 5, ''],
        ]),
        'stock.xlsx',
      ),
    );
    expect(unknownWarehouse).toMatchObject([{ path: 'warehouse', row: 3 }]);
    expect(await listStock(ctx)).toEqual([]);
    const counted = await upload(
      '/stock/imports',
      await filled(stockTemplate, [
        ['A-1', 'SZ', 10, 2],
        ['A-2', 'SZ', 5, ''],
      ]),
      'stock.xlsx',
    );
    expect(counted.statusCode).toBe(200);
    expect(counted.json()).toMatchObject({ rows: 2, changed: 2 });
    expect((await listStock(ctx)).map((l) => [l.sku, l.warehouse_id, l.on_hand])).toEqual([
      ['A-1', 'SZ', 10],
      ['A-2', 'SZ', 5],
    ]);
  });
});
