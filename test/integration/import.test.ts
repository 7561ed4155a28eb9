import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { importOrderFile } from '../../src/app/import-orders';
import { IMPORT_COLUMNS } from '../../src/core/order-input';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock, tempDir } from '../support/backends';
import { orderRow, writeCsv } from '../support/files';

async function snapshot(store: Store) {
  const db = store.db;
  const [orders, lines, events] = await Promise.all([
    db.selectFrom('orders').selectAll().orderBy('id').execute(),
    db.selectFrom('order_lines').selectAll().orderBy('id').execute(),
    db.selectFrom('order_events').selectAll().orderBy('id').execute(),
  ]);
  return { orders, lines, events };
}

describe.each(backends)('order import on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  const clock = manualClock();
  const dir = tempDir();
  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, clock);
  });
  afterAll(async () => {
    await dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports a file, and importing it again changes nothing', async () => {
    const file = writeCsv(dir, 'first.csv', [
      orderRow('1001', 'SKU-A', { quantity: '2' }),
      orderRow('1001', 'SKU-B'),
      orderRow('1002', 'SKU-A', { status: 'RISK_CONTROL', risk_passed_at: '' }),
      orderRow('1003', 'SKU-C', { ship_by: '2026-11-24 10:00:00' }),
    ]);
    const first = await importOrderFile(ctx, { shopId: 'shop-a', file });
    expect(first).toMatchObject({
      committed: true,
      rows: 4,
      orders: 3,
      created: 3,
      updated: 0,
      unchanged: 0,
      issueCount: 0,
    });
    const before = await snapshot(store);
    expect(before.orders.map((o) => [o.platform_order_id, o.status, o.total_amount])).toEqual([
      ['1001', 'awaiting_shipment', 2 * 499 + 499],
      ['1002', 'new', 499],
      ['1003', 'awaiting_shipment', 499],
    ]);
    // ship_by from the platform wins; otherwise risk passed + 5 × 24 h (US Pacific input, stored as UTC).
    expect(before.orders[2]).toMatchObject({ ship_by_source: 'platform', ship_by_at: Date.UTC(2026, 10, 24, 18) });
    expect(before.orders[0]).toMatchObject({ ship_by_source: 'computed', ship_by_at: Date.UTC(2026, 10, 25, 18) });
    expect(before.lines).toHaveLength(4);
    expect(before.events.map((e) => [e.kind, e.to_state])).toEqual([
      ['created', 'awaiting_shipment'],
      ['created', 'new'],
      ['created', 'awaiting_shipment'],
    ]);

    clock.advance(60_000);
    const again = await importOrderFile(ctx, { shopId: 'shop-a', file });
    expect(again).toMatchObject({ committed: true, created: 0, updated: 0, unchanged: 3 });
    expect(await snapshot(store)).toEqual(before);
  });

  it('updates an order that changed, records what changed, and moves its state through the machine', async () => {
    const file = writeCsv(dir, 'changed.csv', [
      orderRow('1001', 'SKU-A', { quantity: '3', address_line1: 'Calle Nueva 7' }),
      orderRow('1001', 'SKU-B', { address_line1: 'Calle Nueva 7' }),
      orderRow('1002', 'SKU-A', { status: 'WAIT_SELLER_SEND_GOODS' }),
      orderRow('1003', 'SKU-C', { ship_by: '2026-11-24 10:00:00' }),
    ]);
    clock.advance(60_000);
    const report = await importOrderFile(ctx, { shopId: 'shop-a', file });
    expect(report).toMatchObject({ committed: true, created: 0, updated: 2, unchanged: 1 });
    const { orders, events } = await snapshot(store);
    const o1 = orders.find((o) => o.platform_order_id === '1001')!;
    expect(o1).toMatchObject({ address_line1: 'Calle Nueva 7', total_amount: 4 * 499, version: 2 });
    const updated = events.filter((e) => e.order_id === o1.id && e.kind === 'updated');
    expect(updated).toHaveLength(1);
    expect(JSON.parse(updated[0]!.data!).changes).toMatchObject({
      address_line1: ['Calle Mayor 12', 'Calle Nueva 7'],
      lines: ['SKU-A×2@499, SKU-B×1@499', 'SKU-A×3@499, SKU-B×1@499'],
    });
    const o2 = orders.find((o) => o.platform_order_id === '1002')!;
    expect(o2.status).toBe('awaiting_shipment');
    expect(o2.accepted_at).toBe(clock.now());
    expect(
      events
        .filter((e) => e.order_id === o2.id && e.kind === 'transition')
        .map((e) => [e.action, e.from_state, e.to_state, e.actor]),
    ).toEqual([['accept', 'new', 'awaiting_shipment', 'import']]);
  });

  it('rejects a file with bad rows whole, naming each row and field, and stores nothing', async () => {
    const before = await snapshot(store);
    const file = writeCsv(dir, 'bad.csv', [
      orderRow('2001', 'SKU-A'),
      orderRow('', 'SKU-A'), // row 3: missing order id
      orderRow('2002', 'SKU-A', { quantity: '0' }), // row 4
      orderRow('2003', 'SKU-A', { currency: 'ABC' }), // row 5
      orderRow('2004', 'SKU-A', { paid_at: 'last tuesday' }), // row 6
      orderRow('2005', 'SKU-A'),
      orderRow('2005', 'SKU-A'), // row 8: duplicate line
      orderRow('2006', 'SKU-A'),
      orderRow('2006', 'SKU-B', { buyer_name: 'Somebody Else' }), // row 10: a second buyer
    ]);
    const report = await importOrderFile(ctx, { shopId: 'shop-a', file });
    expect(report.committed).toBe(false);
    expect(report.issues.map((i) => [i.row, i.field])).toEqual([
      [3, 'order_id'],
      [4, 'quantity'],
      [5, 'currency'],
      [6, 'paid_at'],
      [8, 'sku'],
      [10, 'buyer_name'],
    ]);
    expect(report.issues[5]!.message.en).toMatch(/two different buyers/);
    expect(report.issues[4]!.message.en).toMatch(/duplicate line/);
    expect(await snapshot(store)).toEqual(before);
  });

  it('with skip-invalid, imports the good orders and writes the refused rows with reasons', async () => {
    const file = writeCsv(dir, 'mixed.csv', [
      orderRow('3001', 'SKU-A'),
      orderRow('3002', 'SKU-A', { quantity: '-1' }),
      orderRow('3002', 'SKU-B'),
      orderRow('3003', 'SKU-A'),
    ]);
    const rejects = path.join(dir, 'mixed.rejects.csv');
    const report = await importOrderFile(ctx, { shopId: 'shop-b', file, skipInvalid: true, rejectsFile: rejects });
    expect(report).toMatchObject({ committed: true, created: 2, rejectedOrders: 1, rejectedRows: 2 });
    const ids = (
      await store.db
        .selectFrom('orders')
        .select('platform_order_id')
        .where('shop_id', '=', 'shop-b')
        .orderBy('platform_order_id')
        .execute()
    ).map((r) => r.platform_order_id);
    expect(ids).toEqual(['3001', '3003']);
    const text = fs.readFileSync(rejects, 'utf8').trim().split('\n');
    expect(text).toHaveLength(3);
    expect(text[1]).toMatch(/^3,quantity,"?quantity ""-1"" must be a whole number/);
    expect(text[2]).toMatch(/^4,/);
  });

  it('refuses rows of one order split apart in the file', async () => {
    const file = writeCsv(dir, 'split.csv', [
      orderRow('4001', 'SKU-A'),
      orderRow('4002', 'SKU-A'),
      orderRow('4001', 'SKU-B'),
    ]);
    const report = await importOrderFile(ctx, { shopId: 'shop-a', file });
    expect(report.committed).toBe(false);
    expect(report.issues[0]).toMatchObject({ row: 4, field: 'order_id' });
    expect(report.issues[0]!.message.en).toMatch(/must stand together/);
  });

  it('imports XLSX, JSON and NDJSON through the same rules', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('orders');
    sheet.addRow([...IMPORT_COLUMNS]);
    const r = orderRow('5001', 'SKU-X', { quantity: '4' });
    sheet.addRow(
      IMPORT_COLUMNS.map((c) =>
        c === 'quantity' ? 4 : c === 'paid_at' ? new Date(Date.UTC(2026, 10, 20, 9)) : (r[c] ?? ''),
      ),
    );
    const xlsx = path.join(dir, 'orders.xlsx');
    await workbook.xlsx.writeFile(xlsx);
    const fromSheet = await importOrderFile(ctx, { shopId: 'shop-c', file: xlsx });
    expect(fromSheet.issues).toEqual([]);
    expect(fromSheet).toMatchObject({ committed: true, created: 1 });
    const fromXlsx = await store.db
      .selectFrom('orders')
      .selectAll()
      .where('platform_order_id', '=', '5001')
      .executeTakeFirstOrThrow();
    // An Excel date has no zone: it is read as the platform's wall clock (US Pacific).
    expect(fromXlsx.paid_at).toBe(Date.UTC(2026, 10, 20, 17));

    const { sku, quantity, unit_price, ...order } = orderRow('5002', 'x');
    void sku;
    void quantity;
    void unit_price;
    const json = path.join(dir, 'orders.json');
    fs.writeFileSync(
      json,
      JSON.stringify([
        {
          ...order,
          lines: [
            { sku: 'J-1', quantity: 1, unit_price: '9.90' },
            { sku: 'J-2', quantity: 2, unit_price: 1 },
          ],
        },
      ]),
    );
    expect(await importOrderFile(ctx, { shopId: 'shop-c', file: json })).toMatchObject({
      committed: true,
      created: 1,
      rows: 1,
    });
    const ndjson = path.join(dir, 'orders.ndjson');
    fs.writeFileSync(
      ndjson,
      JSON.stringify({ ...order, order_id: '5003', lines: [{ sku: 'N', quantity: 1, unit_price: 1 }] }) +
        '\n' +
        JSON.stringify({ ...order, order_id: '5004', lines: [{ sku: 'N', quantity: 0, unit_price: 1 }] }) +
        '\n',
    );
    const bad = await importOrderFile(ctx, { shopId: 'shop-c', file: ndjson });
    expect(bad.committed).toBe(false);
    expect(bad.issues.map((i) => [i.row, i.field])).toEqual([[2, 'lines[0].quantity']]);
    const lines = await store.db
      .selectFrom('order_lines')
      .innerJoin('orders', 'orders.id', 'order_lines.order_id')
      .select(['sku', 'unit_price'])
      .where('platform_order_id', '=', '5002')
      .orderBy('line_no')
      .execute();
    expect(lines).toEqual([
      { sku: 'J-1', unit_price: 990 },
      { sku: 'J-2', unit_price: 100 },
    ]);
  });

  it('fails fast on a binary file or a broken header, storing nothing', async () => {
    const before = await snapshot(store);
    const binary = path.join(dir, 'photo.csv');
    fs.writeFileSync(binary, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]));
    const r1 = await importOrderFile(ctx, { shopId: 'shop-a', file: binary });
    expect(r1.committed).toBe(false);
    expect(r1.issues[0]!.message.en).toMatch(/looks binary/);
    const noLines = path.join(dir, 'oneline.csv');
    fs.writeFileSync(noLines, IMPORT_COLUMNS.join(',') + '\n' + 'x'.repeat(2 * 1024 * 1024));
    const r2 = await importOrderFile(ctx, { shopId: 'shop-a', file: noLines });
    expect(r2.issues[0]!.message.en).toMatch(/longer than/);
    const header = path.join(dir, 'header.csv');
    fs.writeFileSync(header, 'order_id,platfrom\n1,aliexpress\n');
    const r3 = await importOrderFile(ctx, { shopId: 'shop-a', file: header });
    expect(r3.issues[0]!.message.en).toMatch(/unknown column\(s\): platfrom/);
    expect(await snapshot(store)).toEqual(before);
  });
});
