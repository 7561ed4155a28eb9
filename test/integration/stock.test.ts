import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { ConflictError } from '../../src/app/errors';
import { importStockFile } from '../../src/app/import-stock';
import { applyOrderAction, upsertOrders } from '../../src/app/orders';
import {
  adjustStock,
  createPurchaseOrder,
  deliverStockAlerts,
  listShortages,
  listStock,
  mapPlatformSku,
  purchaseOrderAction,
  replenishment,
} from '../../src/app/stock';
import { consumeOrderStock, settleOpenOrders } from '../../src/app/stock-reservations';
import { buildServer } from '../../src/http/server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock, tempDir } from '../support/backends';
import {
  expectStockInvariants,
  jsonOrder,
  level,
  orderState,
  placeOrder,
  resetStock,
  seedCatalogue,
} from '../support/stock';

const SHOP = 'shop-s';

async function setStock(ctx: AppContext, warehouseId: string, sku: string, to: number) {
  await adjustStock(ctx, { warehouseId, sku, reason: 'counted', to, actor: 'test' });
}

async function events(store: Store, orderId: number) {
  return store.db.selectFrom('order_events').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}

describe.each(backends)('stock on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  const clock = manualClock(Date.UTC(2026, 10, 25, 6)); // 14:00 in Shenzhen, 07:00 in Madrid
  const dir = tempDir();
  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, clock);
    await seedCatalogue(ctx, SHOP);
  });
  afterAll(async () => {
    // pg-pool's end() resolves before its sockets close, and dispose() drops the database WITH (FORCE) at once:
    // close first and give the sockets a moment, or the drop kills them mid-close (closing twice is a no-op).
    await store.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    clock.set(Date.UTC(2026, 10, 25, 6));
    await resetStock(store);
  });

  it('reserves on accept, waits with what is missing, releases on cancel and serves the waiting order', async () => {
    await setStock(ctx, 'SZ', 'A', 3);
    const first = await placeOrder(ctx, SHOP, 'O1', [{ sku: 'AE-A', quantity: 2 }]);
    const second = await placeOrder(ctx, SHOP, 'O2', [{ sku: 'AE-A', quantity: 2 }]);
    expect(await level(store, 'SZ', 'A')).toEqual({ on_hand: 3, reserved: 0 }); // new orders hold nothing

    expect((await applyOrderAction(ctx, first, { action: 'accept', actor: 't' })).status).toBe('awaiting_shipment');
    expect(await level(store, 'SZ', 'A')).toEqual({ on_hand: 3, reserved: 2 });
    expect((await events(store, first)).map((e) => [e.kind, e.action])).toEqual([
      ['created', null],
      ['transition', 'accept'],
    ]);

    expect((await applyOrderAction(ctx, second, { action: 'accept', actor: 't' })).status).toBe('awaiting_stock');
    const waitEvent = (await events(store, second)).at(-1)!;
    expect(waitEvent).toMatchObject({
      kind: 'transition',
      action: 'wait_for_stock',
      from_state: 'awaiting_shipment',
      to_state: 'awaiting_stock',
    });
    expect(JSON.parse(waitEvent.data!)).toMatchObject({
      warehouse: 'SZ',
      missing: [{ sku: 'A', needed: 2, available: 1, missing: 1 }],
    });
    expect(await listShortages(ctx)).toMatchObject([
      {
        sku: 'A',
        warehouse_id: 'SZ',
        short_by: 1,
        needed: 2,
        available: 1,
        orders: [{ order_id: second, missing: 1 }],
      },
    ]);
    await expectStockInvariants(ctx, { strict: true });

    await applyOrderAction(ctx, first, { action: 'cancel', reason: 'buyer asked', actor: 't' });
    expect(await orderState(store, second)).toBe('awaiting_shipment');
    expect(await level(store, 'SZ', 'A')).toEqual({ on_hand: 3, reserved: 2 });
    expect((await events(store, second)).at(-1)).toMatchObject({
      action: 'reserve_stock',
      from_state: 'awaiting_stock',
      to_state: 'awaiting_shipment',
    });
    expect(await listShortages(ctx)).toEqual([]);
    const ledger = await store.db
      .selectFrom('stock_movements')
      .select(['kind', 'order_id', 'reserved_delta'])
      .orderBy('id')
      .execute();
    expect(ledger.map((m) => [m.kind, m.order_id, m.reserved_delta])).toEqual([
      ['adjust', null, 0],
      ['reserve', first, 2],
      ['release', first, -2],
      ['reserve', second, 2],
    ]);
    await expectStockInvariants(ctx, { strict: true });
  });

  it('expands bundles, picks the warehouse that makes the deadline, and leaves untracked SKUs alone', async () => {
    await setStock(ctx, 'SZ', 'A', 10);
    await setStock(ctx, 'SZ', 'B', 10);
    await setStock(ctx, 'MAD', 'A', 10);
    await setStock(ctx, 'MAD', 'B', 10);
    // Madrid's cut-off today is 11:00 UTC, Shenzhen's 08:00 UTC: a deadline of 09:00 UTC only Shenzhen makes.
    const tight = await placeOrder(
      ctx,
      SHOP,
      'K1',
      [
        { sku: 'AE-KIT', quantity: 2 },
        { sku: 'GIFT-CARD', quantity: 1 },
      ],
      { status: 'WAIT_SELLER_SEND_GOODS', shipBy: '2026-11-25T09:00:00Z' },
    );
    expect(await orderState(store, tight)).toBe('awaiting_shipment');
    const held = await store.db
      .selectFrom('stock_reservations')
      .select(['warehouse_id', 'sku', 'quantity'])
      .where('order_id', '=', tight)
      .orderBy('sku')
      .execute();
    expect(held).toEqual([
      { warehouse_id: 'SZ', sku: 'A', quantity: 2 },
      { warehouse_id: 'SZ', sku: 'B', quantity: 4 },
    ]);
    // A plain SKU that is also a seller SKU maps to itself.
    const plain = await placeOrder(ctx, SHOP, 'K2', [{ sku: 'B', quantity: 1 }], { status: 'WAIT_SELLER_SEND_GOODS' });
    expect(
      await store.db
        .selectFrom('stock_reservations')
        .select(['sku', 'quantity'])
        .where('order_id', '=', plain)
        .execute(),
    ).toEqual([{ sku: 'B', quantity: 1 }]);
    const untracked = await placeOrder(ctx, SHOP, 'K3', [{ sku: 'GIFT-CARD', quantity: 1 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
    });
    expect(await orderState(store, untracked)).toBe('awaiting_shipment');
    expect((await events(store, untracked)).map((e) => e.kind)).toEqual(['created']);
    await expectStockInvariants(ctx, { strict: true });
  });

  it('adjusts a reservation when the lines change, and consumes it when the order ships', async () => {
    await setStock(ctx, 'SZ', 'A', 5);
    await setStock(ctx, 'SZ', 'B', 5);
    const id = await placeOrder(ctx, SHOP, 'L1', [{ sku: 'AE-A', quantity: 1 }], { status: 'WAIT_SELLER_SEND_GOODS' });
    expect(await level(store, 'SZ', 'A')).toEqual({ on_hand: 5, reserved: 1 });
    // The platform sends the order again with other lines.
    const changed = jsonOrder('L1', 'WAIT_SELLER_SEND_GOODS', [
      { sku: 'AE-A', quantity: 3 },
      { sku: 'B', quantity: 2 },
    ]);
    await upsertOrders(ctx, SHOP, [{ order: changed, row: 1 }], 'test');
    expect(await level(store, 'SZ', 'A')).toEqual({ on_hand: 5, reserved: 3 });
    expect(await level(store, 'SZ', 'B')).toEqual({ on_hand: 5, reserved: 2 });
    await expectStockInvariants(ctx, { strict: true });

    // A parcel with 1 × AE-A leaves (the parcel flow's call), then the rest with ship_all.
    const lines = await store.db
      .selectFrom('order_lines')
      .selectAll()
      .where('order_id', '=', id)
      .orderBy('line_no')
      .execute();
    await applyOrderAction(ctx, id, { action: 'ship_part', actor: 't' });
    await consumeOrderStock(ctx, id, [{ lineId: lines[0]!.id, quantity: 1 }], 'parcel');
    expect(await level(store, 'SZ', 'A')).toEqual({ on_hand: 4, reserved: 2 });
    await applyOrderAction(ctx, id, { action: 'ship_all', actor: 't' });
    expect(await level(store, 'SZ', 'A')).toEqual({ on_hand: 2, reserved: 0 });
    expect(await level(store, 'SZ', 'B')).toEqual({ on_hand: 3, reserved: 0 });
    expect(await store.db.selectFrom('stock_reservations').selectAll().execute()).toEqual([]);
    await expectStockInvariants(ctx, { strict: true });
  });

  it('keeps what a partially shipped order holds when its lines are replaced', async () => {
    await setStock(ctx, 'SZ', 'A', 5);
    await placeOrder(ctx, SHOP, 'PS1', [{ sku: 'AE-A', quantity: 3 }], { status: 'WAIT_SELLER_SEND_GOODS' });
    await upsertOrders(
      ctx,
      SHOP,
      [{ order: jsonOrder('PS1', 'SELLER_PART_SEND_GOODS', [{ sku: 'AE-A', quantity: 3 }]), row: 1 }],
      'test',
    );
    expect(await level(store, 'SZ', 'A')).toEqual({ on_hand: 5, reserved: 3 });
    await upsertOrders(
      ctx,
      SHOP,
      [{ order: jsonOrder('PS1', 'SELLER_PART_SEND_GOODS', [{ sku: 'AE-A', quantity: 2 }]), row: 1 }],
      'test',
    );
    expect(await level(store, 'SZ', 'A')).toEqual({ on_hand: 5, reserved: 2 });
    await expectStockInvariants(ctx);
  });

  it('refuses an adjustment below what is reserved, naming the orders', async () => {
    await setStock(ctx, 'SZ', 'A', 4);
    await placeOrder(ctx, SHOP, 'ADJ1', [{ sku: 'AE-A', quantity: 3 }], { status: 'WAIT_SELLER_SEND_GOODS' });
    const refused = adjustStock(ctx, { warehouseId: 'SZ', sku: 'A', reason: 'damaged', by: -2, actor: 't' });
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({
      rule: 'stock.below_reserved',
      message: expect.stringContaining('ADJ1'),
    });
    expect(await level(store, 'SZ', 'A')).toEqual({ on_hand: 4, reserved: 3 });
    await expect(
      adjustStock(ctx, { warehouseId: 'SZ', sku: 'A', reason: 'found', by: -1, actor: 't' }),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    expect(
      (
        await adjustStock(ctx, {
          warehouseId: 'SZ',
          sku: 'A',
          reason: 'damaged',
          by: -1,
          actor: 't',
          note: 'crushed box',
        })
      ).onHand,
    ).toBe(3);
    const last = (
      await store.db.selectFrom('stock_movements').selectAll().orderBy('id', 'desc').limit(1).execute()
    )[0]!;
    expect(last).toMatchObject({ kind: 'adjust', reason: 'damaged', on_hand_delta: -1, note: 'crushed box' });
    await expectStockInvariants(ctx, { strict: true });
  });

  it('receives a purchase order and serves the waiting orders in deadline order, in the same transaction', async () => {
    await setStock(ctx, 'SZ', 'A', 0);
    const late = await placeOrder(ctx, SHOP, 'W-LATE', [{ sku: 'AE-A', quantity: 2 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
      shipBy: '2026-11-29T00:00:00Z',
    });
    const soon = await placeOrder(ctx, SHOP, 'W-SOON', [{ sku: 'AE-A', quantity: 2 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
      shipBy: '2026-11-27T00:00:00Z',
    });
    const mid = await placeOrder(ctx, SHOP, 'W-MID', [{ sku: 'AE-A', quantity: 3 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
      shipBy: '2026-11-28T00:00:00Z',
    });
    for (const id of [late, soon, mid]) expect(await orderState(store, id)).toBe('awaiting_stock');
    const shortages = await listShortages(ctx);
    expect(shortages).toMatchObject([{ sku: 'A', short_by: 7, earliest_ship_by_at: Date.UTC(2026, 10, 27) }]);
    expect(shortages[0]!.orders.map((o) => o.platform_order_id)).toEqual(['W-SOON', 'W-MID', 'W-LATE']);

    const po = await createPurchaseOrder(ctx, {
      warehouseId: 'SZ',
      supplier: 'Yiwu Cables',
      reference: 'PI-7',
      lines: [{ sku: 'A', quantity: 4 }],
    });
    await expect(purchaseOrderAction(ctx, po, 'receive', { actor: 't' })).rejects.toMatchObject({
      rule: 'purchase_order.receive.from',
    });
    await purchaseOrderAction(ctx, po, 'place', { actor: 't' });
    expect((await listStock(ctx, { sku: 'A', warehouseId: 'SZ' }))[0]).toMatchObject({ incoming: 4, waiting: 7 });
    const received = await purchaseOrderAction(ctx, po, 'receive', { actor: 't' });
    expect(received.status).toBe('received');
    // 4 units: the earliest (2) is served, the next needs 3 of the 2 left and waits, the last (2) is served.
    expect(received.report!.served.sort()).toEqual([soon, late].sort());
    expect(await orderState(store, soon)).toBe('awaiting_shipment');
    expect(await orderState(store, mid)).toBe('awaiting_stock');
    expect(await orderState(store, late)).toBe('awaiting_shipment');
    expect(await level(store, 'SZ', 'A')).toEqual({ on_hand: 4, reserved: 4 });
    const receipt = await store.db.selectFrom('stock_movements').selectAll().where('kind', '=', 'receive').execute();
    expect(receipt).toMatchObject([{ purchase_order_id: po, on_hand_delta: 4, note: 'Yiwu Cables PI-7' }]);
    await expectStockInvariants(ctx, { strict: true });
  });

  it('imports stock from CSV and XLSX, refusing a bad file whole with its rows, or skipping them', async () => {
    const csv = path.join(dir, `stock-${backend.name}.csv`);
    fs.writeFileSync(
      csv,
      'sku,warehouse,on_hand,low_stock_threshold\nA,SZ,10,2\nB,SZ,-1,\nNOPE,SZ,3,\nA,SZ,4,\nC,MAD,7,\n',
    );
    const refused = await importStockFile(ctx, { file: csv });
    expect(refused.committed).toBe(false);
    expect(refused.issues.map((i) => [i.row, i.field])).toEqual([
      [2, 'sku'],
      [3, 'on_hand'],
      [4, 'sku'],
      [5, 'sku'],
    ]);
    expect(refused.issues.find((i) => i.row === 4)!.message.en).toMatch(/not in the catalogue/);
    expect(refused.issues.find((i) => i.row === 5)!.message.en).toMatch(/appears twice \(rows 2 and 5\)/);
    expect(await level(store, 'MAD', 'C')).toBeUndefined();

    const skipped = await importStockFile(ctx, { file: csv, skipInvalid: true });
    expect(skipped).toMatchObject({ committed: true, changed: 1, rejectedRows: 4 });
    expect(await level(store, 'MAD', 'C')).toEqual({ on_hand: 7, reserved: 0 });
    const rejects = fs.readFileSync(skipped.rejectsFile!, 'utf8');
    expect(rejects.split('\n')[0]).toBe('row,field,reason,reason_zh,sku,warehouse,on_hand,low_stock_threshold');
    expect(rejects).toMatch(/negative/);

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('stock');
    sheet.addRow(['sku', 'on_hand']);
    sheet.addRow(['A', 6]);
    sheet.addRow(['B', 2]);
    const xlsx = path.join(dir, `stock-${backend.name}.xlsx`);
    await workbook.xlsx.writeFile(xlsx);
    // An order waits for A; the import serves it.
    const waiting = await placeOrder(ctx, SHOP, 'IMP1', [{ sku: 'AE-A', quantity: 5 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
    });
    expect(await orderState(store, waiting)).toBe('awaiting_stock');
    const imported = await importStockFile(ctx, { file: xlsx, warehouseId: 'SZ' });
    expect(imported).toMatchObject({ committed: true, rows: 2, changed: 2, servedOrders: 1 });
    expect(await level(store, 'SZ', 'A')).toEqual({ on_hand: 6, reserved: 5 });
    expect(await importStockFile(ctx, { file: xlsx, warehouseId: 'SZ' })).toMatchObject({
      committed: true,
      changed: 0,
      unchanged: 2,
    });
    // A count below what is reserved names the order.
    fs.writeFileSync(csv, 'sku,on_hand\nA,4\n');
    const below = await importStockFile(ctx, { file: csv, warehouseId: 'SZ' });
    expect(below.committed).toBe(false);
    expect(below.issues[0]!.message.en).toMatch(/IMP1/);
    await expectStockInvariants(ctx, { strict: true });
  });

  it('raises a low-stock alert once, for the deliverer to claim', async () => {
    await setStock(ctx, 'SZ', 'A', 5);
    const csv = path.join(dir, `threshold-${backend.name}.csv`);
    fs.writeFileSync(csv, 'sku,warehouse,on_hand,low_stock_threshold\nA,SZ,5,2\n');
    await importStockFile(ctx, { file: csv });
    await placeOrder(ctx, SHOP, 'LS1', [{ sku: 'AE-A', quantity: 2 }], { status: 'WAIT_SELLER_SEND_GOODS' }); // 3 free
    await placeOrder(ctx, SHOP, 'LS2', [{ sku: 'AE-A', quantity: 1 }], { status: 'WAIT_SELLER_SEND_GOODS' }); // 2 free: alert
    await placeOrder(ctx, SHOP, 'LS3', [{ sku: 'AE-A', quantity: 1 }], { status: 'WAIT_SELLER_SEND_GOODS' }); // 1 free: no new alert
    const delivered: unknown[] = [];
    expect(await deliverStockAlerts(ctx, async (alerts) => void delivered.push(...alerts))).toBe(1);
    expect(delivered).toMatchObject([{ kind: 'low_stock', sku: 'A', warehouse_id: 'SZ', available: 2, threshold: 2 }]);
    expect(await deliverStockAlerts(ctx, async () => undefined)).toBe(0);
  });

  it('suggests replenishment from sales, stock and what is on order, the deadlines at risk first', async () => {
    clock.set(Date.UTC(2026, 10, 21, 6));
    await setStock(ctx, 'SZ', 'A', 40);
    await setStock(ctx, 'SZ', 'B', 100);
    for (let i = 0; i < 10; i++) {
      clock.advance(86_400_000);
      await placeOrder(ctx, SHOP, `S${i}`, [{ sku: 'AE-A', quantity: 3 }], { status: 'WAIT_SELLER_SEND_GOODS' }); // 30 units of A over the days
    }
    // 30 sold in the 30-day window: 1 a day; lead 7 + safety 3 = 10 > 40 − 30 reserved = 10? No: equal, not short.
    let lines = await replenishment(ctx, { windowDays: 30, all: true });
    expect(lines.find((l) => l.sku === 'A')).toMatchObject({ unitsSold: 30, available: 10, suggest: false });
    const blocked = await placeOrder(ctx, SHOP, 'S-BLOCK', [{ sku: 'AE-A', quantity: 12 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
      shipBy: '2026-12-04T00:00:00Z',
    });
    expect(await orderState(store, blocked)).toBe('awaiting_stock');
    lines = await replenishment(ctx, { windowDays: 30 });
    // Sold 30 + 12 waiting = 42 in 30 days (1.4/day); position 10 − 12 = −2; order (24 × 42 − (−2 × 30)) / 30 = 35.6 → 36.
    expect(lines).toMatchObject([
      {
        sku: 'A',
        warehouseId: 'SZ',
        suggest: true,
        quantity: 36,
        backlog: 12,
        blockedOrders: 1,
        earliestBlockedDeadline: Date.UTC(2026, 11, 4),
      },
    ]);
    const po = await createPurchaseOrder(ctx, {
      warehouseId: 'SZ',
      supplier: 'S',
      lines: [{ sku: 'A', quantity: 36 }],
    });
    await purchaseOrderAction(ctx, po, 'place', { actor: 't' });
    expect(await replenishment(ctx, { windowDays: 30 })).toEqual([]);
  });

  it('reserves for orders accepted before their SKUs were stocked, with the sweep', async () => {
    await mapPlatformSku(ctx, SHOP, 'LATE-MAP', []);
    const id = await placeOrder(ctx, SHOP, 'SW1', [{ sku: 'LATE-MAP', quantity: 2 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
    });
    expect(await store.db.selectFrom('stock_reservations').selectAll().execute()).toEqual([]);
    await setStock(ctx, 'MAD', 'C', 5);
    await mapPlatformSku(ctx, SHOP, 'LATE-MAP', [{ sku: 'C', units: 1 }]);
    const swept = await settleOpenOrders(ctx, 'sweep');
    expect(swept.reserved).toEqual([id]);
    expect(await level(store, 'MAD', 'C')).toEqual({ on_hand: 5, reserved: 2 });
    await expectStockInvariants(ctx, { strict: true });
  });

  it('serves GET /stock/shortages', async () => {
    await setStock(ctx, 'SZ', 'A', 1);
    await placeOrder(ctx, SHOP, 'H1', [{ sku: 'AE-A', quantity: 3 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
      shipBy: '2026-11-27T00:00:00Z',
    });
    const app = await buildServer(ctx, { authentication: false });
    try {
      const response = await app.inject({ method: 'GET', url: '/stock/shortages' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        items: [
          {
            sku: 'A',
            warehouse_id: 'SZ',
            short_by: 2,
            earliest_ship_by_at: '2026-11-27T00:00:00.000Z',
            orders: [{ platform_order_id: 'H1', missing: 2 }],
          },
        ],
      });
      const refusal = await app.inject({
        method: 'POST',
        url: '/stock/adjustments',
        payload: { warehouse: 'SZ', sku: 'A', reason: 'damaged', by: -1 },
      });
      expect(refusal.statusCode).toBe(200);
      const below = await app.inject({
        method: 'POST',
        url: '/stock/adjustments',
        headers: { 'accept-language': 'zh-CN' },
        payload: { warehouse: 'SZ', sku: 'A', reason: 'damaged', by: -1 },
      });
      expect(below.statusCode).toBe(409);
      expect(below.json().error).toMatchObject({
        rule: 'stock.below_reserved',
        message: expect.stringContaining('库存不能小于零'),
      });
    } finally {
      await app.close();
    }
  });

  it('keeps the invariants under random interleavings of accept, cancel, receive, adjust and ship', async () => {
    let run = 0;
    const op = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('order' as const),
          sku: fc.constantFrom('AE-A', 'AE-KIT', 'B', 'C'),
          qty: fc.integer({ min: 1, max: 3 }),
          days: fc.integer({ min: 1, max: 6 }),
          accepted: fc.boolean(),
        }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('accept' as const), pick: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('ship' as const), pick: fc.nat(), all: fc.boolean() }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('receive' as const),
          warehouse: fc.constantFrom('SZ', 'MAD'),
          sku: fc.constantFrom('A', 'B', 'C'),
          qty: fc.integer({ min: 1, max: 6 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('adjust' as const),
          warehouse: fc.constantFrom('SZ', 'MAD'),
          sku: fc.constantFrom('A', 'B', 'C'),
          by: fc.integer({ min: -4, max: 4 }).filter((n) => n !== 0),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('relines' as const),
          pick: fc.nat(),
          qty: fc.integer({ min: 1, max: 4 }),
        }),
      },
    );
    const opening = fc.array(fc.nat(5), { minLength: 6, maxLength: 6 }); // on hand of A, B, C at SZ then MAD
    await fc.assert(
      fc.asyncProperty(
        opening,
        fc.array(op, { minLength: 4, maxLength: backend.name === 'postgres' ? 14 : 20 }),
        async (start, ops) => {
          await resetStock(store);
          run++;
          for (const [i, onHand] of start.entries()) await setStock(ctx, i < 3 ? 'SZ' : 'MAD', 'ABC'[i % 3]!, onHand);
          const placed: Array<{ id: number; platformId: string; sku: string }> = [];
          const pick = (n: number) => placed[n % Math.max(1, placed.length)];
          for (const [i, o] of ops.entries()) {
            clock.advance(60_000);
            try {
              if (o.kind === 'order') {
                const platformId = `R${run}-${i}`;
                const id = await placeOrder(ctx, SHOP, platformId, [{ sku: o.sku, quantity: o.qty }], {
                  status: o.accepted ? 'WAIT_SELLER_SEND_GOODS' : 'RISK_CONTROL',
                  shipBy: new Date(clock.now() + o.days * 86_400_000).toISOString(),
                });
                placed.push({ id, platformId, sku: o.sku });
              } else if (o.kind === 'accept' || o.kind === 'cancel') {
                const p = pick(o.pick);
                if (p) await applyOrderAction(ctx, p.id, { action: o.kind, reason: 'test', actor: 'prop' });
              } else if (o.kind === 'ship') {
                const p = pick(o.pick);
                if (p) await applyOrderAction(ctx, p.id, { action: o.all ? 'ship_all' : 'ship_part', actor: 'prop' });
              } else if (o.kind === 'receive') {
                const po = await createPurchaseOrder(ctx, {
                  warehouseId: o.warehouse,
                  supplier: 'S',
                  lines: [{ sku: o.sku, quantity: o.qty }],
                });
                await purchaseOrderAction(ctx, po, 'place', { actor: 'prop' });
                await purchaseOrderAction(ctx, po, 'receive', { actor: 'prop' });
              } else if (o.kind === 'adjust') {
                await adjustStock(ctx, {
                  warehouseId: o.warehouse,
                  sku: o.sku,
                  reason: o.by > 0 ? 'found' : 'damaged',
                  by: o.by,
                  actor: 'prop',
                });
              } else {
                const p = pick(o.pick);
                if (p) {
                  const status = await orderState(store, p.id);
                  const platform =
                    status === 'new'
                      ? 'RISK_CONTROL'
                      : status === 'partially_shipped'
                        ? 'SELLER_PART_SEND_GOODS'
                        : 'WAIT_SELLER_SEND_GOODS';
                  if (['new', 'awaiting_shipment', 'awaiting_stock', 'partially_shipped'].includes(status)) {
                    await upsertOrders(
                      ctx,
                      SHOP,
                      [{ order: jsonOrder(p.platformId, platform, [{ sku: p.sku, quantity: o.qty }]), row: 1 }],
                      'prop',
                    );
                  }
                }
              }
            } catch (error) {
              // Refusals are fine (an illegal action, an adjustment below what is reserved or below zero); anything else is not.
              if (!(error instanceof ConflictError) && (error as Error).name !== 'ValidationError') throw error;
            }
            await expectStockInvariants(ctx, { strict: true });
          }
        },
      ),
      { numRuns: backend.name === 'postgres' ? 12 : 25 },
    );
  });
});
