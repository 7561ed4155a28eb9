/**
 * Orders shipped outside shipby (issue 14, one truth per order), on SQLite AND PostgreSQL: an order that arrives
 * already shipped (file import, POST /orders) takes the platform's ship time (`shipped_at`) as its upload time, so
 * its situation reads shipped in time or shipped late, not "closed"; without one, the time shipby first saw it
 * shipped; a bad ship time refuses the whole file (or request), naming the field and the row.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { importOrderFile } from '../../src/app/import-orders';
import { IMPORT_COLUMNS } from '../../src/core/order-input';
import { buildServer } from '../../src/http/server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock, tempDir } from '../support/backends';
import { orderRow, writeCsv } from '../support/files';

const H = 3_600_000;
// support/files.ts orders: risk passed 2026-11-20 10:00 US Pacific (18:00 UTC), 5 handling days → due 2026-11-25 18:00 UTC.
const DUE = Date.UTC(2026, 10, 25, 18);
const SHOP = 'shop-x';
/** A US Pacific wall-clock time as AliExpress writes it (November: -08:00). */
const pacific = (ms: number) => new Date(ms - 8 * H).toISOString().slice(0, 19).replace('T', ' ');

describe.each(backends)('orders shipped outside shipby on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  let dir: string;
  const clock = manualClock(DUE + 72 * H);

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    clock.set(DUE + 72 * H);
    ctx = contextFor(store, clock);
    app = await buildServer(ctx, { authentication: false });
    dir = tempDir();
  });
  afterEach(async () => {
    await app.close();
    await dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const idOf = async (platformOrderId: string) =>
    (
      await store.db
        .selectFrom('orders')
        .select('id')
        .where('platform_order_id', '=', platformOrderId)
        .executeTakeFirstOrThrow()
    ).id;
  const rowOf = async (platformOrderId: string) =>
    store.db
      .selectFrom('orders')
      .selectAll()
      .where('platform_order_id', '=', platformOrderId)
      .executeTakeFirstOrThrow();
  const verdictOf = async (platformOrderId: string) =>
    (await app.inject({ method: 'GET', url: `/orders/${await idOf(platformOrderId)}/verdict` })).json();
  const eventsOf = async (platformOrderId: string) =>
    (
      await store.db
        .selectFrom('order_events')
        .select(['kind', 'data'])
        .where('order_id', '=', await idOf(platformOrderId))
        .orderBy('id')
        .execute()
    ).map((e) => ({
      kind: e.kind,
      data: e.data ? (JSON.parse(e.data) as Record<string, unknown>) : null,
    }));

  /** The JSON order of POST /orders, from the import row's fields. */
  const apiOrder = (platformOrderId: string, extra: Record<string, string> = {}) => {
    const { sku: _s, quantity: _q, unit_price: _u, ...fields } = orderRow(platformOrderId, 'SKU-A', extra);
    return { ...fields, lines: [{ sku: 'SKU-A', quantity: 1, unit_price: '4.99' }] };
  };
  const postOrders = (orders: unknown[], headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/orders', payload: { shop_id: SHOP, orders }, headers });

  it("an imported shipped order reads shipped in time or late by the platform's ship time, first seen when none is given", async () => {
    const file = writeCsv(dir, 'shipped.csv', [
      orderRow('S-IN-TIME', 'SKU-A', { status: 'WAIT_BUYER_ACCEPT_GOODS', shipped_at: pacific(DUE - 2 * H) }),
      orderRow('S-LATE', 'SKU-A', { status: 'WAIT_BUYER_ACCEPT_GOODS', shipped_at: pacific(DUE + 5 * H) }),
      orderRow('S-NONE', 'SKU-A', { status: 'WAIT_BUYER_ACCEPT_GOODS' }),
      orderRow('S-FINISH', 'SKU-A', { status: 'FINISH', shipped_at: pacific(DUE - 30 * H) }),
    ]);
    expect(await importOrderFile(ctx, { shopId: SHOP, file })).toMatchObject({
      committed: true,
      created: 4,
      issueCount: 0,
    });

    const inTime = await verdictOf('S-IN-TIME');
    expect(inTime.situation.kind).toBe('shipped_in_time');
    expect(inTime.fine_now).toEqual({ amount: 0, currency: 'USD' });
    expect(inTime.headline.en).toMatch(/2 h before the deadline/);
    expect(await rowOf('S-IN-TIME')).toMatchObject({
      status: 'shipped',
      tracking_uploaded_at: DUE - 2 * H,
      handed_over_at: DUE - 2 * H,
    });
    expect((await eventsOf('S-IN-TIME')).map((e) => e.kind)).toEqual(['created', 'upload_time_from_platform']);
    expect((await eventsOf('S-IN-TIME'))[1]!.data).toMatchObject({
      platform_status: 'WAIT_BUYER_ACCEPT_GOODS',
      shipped_at: DUE - 2 * H,
      tracking_uploaded_at: DUE - 2 * H,
    });

    const late = await verdictOf('S-LATE');
    expect(late.situation.kind).toBe('shipped_late');
    expect(late.lateness_ms).toBe(5 * H);
    expect(late.fine_now).toEqual({ amount: 100, currency: 'USD' });

    // No ship time: the time shipby first saw it shipped (the import, 3 days after the deadline), and the timeline says so.
    const none = await verdictOf('S-NONE');
    expect(none.situation.kind).toBe('shipped_late');
    expect(none.lateness_ms).toBe(72 * H);
    expect(await rowOf('S-NONE')).toMatchObject({ tracking_uploaded_at: DUE + 72 * H, handed_over_at: DUE + 72 * H });
    expect((await eventsOf('S-NONE')).map((e) => e.kind)).toEqual(['created', 'upload_time_first_seen']);
    expect((await eventsOf('S-NONE'))[1]!.data).toMatchObject({ shipped_at: null, tracking_uploaded_at: DUE + 72 * H });

    // Received already (FINISH): shipped in time all the same, the hand-over set though the state is past it.
    expect((await verdictOf('S-FINISH')).situation.kind).toBe('shipped_in_time');
    expect(await rowOf('S-FINISH')).toMatchObject({
      status: 'completed',
      tracking_uploaded_at: DUE - 30 * H,
      handed_over_at: DUE - 30 * H,
    });

    // The same file again changes nothing and adds no event.
    clock.advance(H);
    expect(await importOrderFile(ctx, { shopId: SHOP, file })).toMatchObject({
      committed: true,
      created: 0,
      updated: 0,
      unchanged: 4,
    });
    expect((await eventsOf('S-NONE')).map((e) => e.kind)).toEqual(['created', 'upload_time_first_seen']);
  });

  it('a bad shipped_at refuses the whole file, naming the field and the row', async () => {
    const file = writeCsv(dir, 'bad.csv', [
      orderRow('B-OK', 'SKU-A', { status: 'WAIT_BUYER_ACCEPT_GOODS', shipped_at: pacific(DUE - 2 * H) }),
      orderRow('B-GARBLED', 'SKU-A', { status: 'WAIT_BUYER_ACCEPT_GOODS', shipped_at: '2026-11-31 10:00:00' }), // row 3 (the header is row 1)
      orderRow('B-BEFORE-PAID', 'SKU-A', { status: 'WAIT_BUYER_ACCEPT_GOODS', shipped_at: '2026-11-20 08:59:59' }), // row 4: paid 09:00:00
    ]);
    const report = await importOrderFile(ctx, { shopId: SHOP, file });
    expect(report.committed).toBe(false);
    expect(report.issues.map((i) => [i.row, i.field])).toEqual([
      [3, 'shipped_at'],
      [4, 'shipped_at'],
    ]);
    expect(report.issues[0]!.message.en).toMatch(/shipped_at "2026-11-31 10:00:00" is not a valid date and time/);
    expect(report.issues[1]!.message.en).toMatch(/shipped_at is earlier than paid_at/);
    for (const issue of report.issues) {
      expect(issue.message['zh-CN']).toMatch(/shipped_at.*[\u4e00-\u9fff]/);
      expect(issue.message.en).not.toMatch(/shipby |--/);
    }
    expect(await store.db.selectFrom('orders').select('id').execute()).toEqual([]);
    expect(await store.db.selectFrom('order_events').select('id').execute()).toEqual([]);
  });

  it('reads shipped_at from XLSX (an Excel date = US Pacific wall clock) and NDJSON, and refuses a bad one there with its row', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('orders');
    sheet.addRow([...IMPORT_COLUMNS]);
    const r = orderRow('X-1', 'SKU-A', { status: 'WAIT_BUYER_ACCEPT_GOODS' });
    // An Excel date has no zone: 2026-11-25 07:00 read as Pacific = DUE - 3 h.
    sheet.addRow(IMPORT_COLUMNS.map((c) => (c === 'shipped_at' ? new Date(Date.UTC(2026, 10, 25, 7)) : (r[c] ?? ''))));
    const xlsx = path.join(dir, 'shipped.xlsx');
    await workbook.xlsx.writeFile(xlsx);
    expect(await importOrderFile(ctx, { shopId: SHOP, file: xlsx })).toMatchObject({ committed: true, created: 1 });
    expect(await rowOf('X-1')).toMatchObject({ tracking_uploaded_at: DUE - 3 * H });
    expect((await verdictOf('X-1')).situation.kind).toBe('shipped_in_time');

    const ndjson = path.join(dir, 'shipped.ndjson');
    fs.writeFileSync(
      ndjson,
      [
        apiOrder('N-1', { status: 'FINISH', shipped_at: pacific(DUE + H) }),
        apiOrder('N-2', { status: 'FINISH', shipped_at: '25/11/2026' }),
      ]
        .map((o) => JSON.stringify(o))
        .join('\n') + '\n',
    );
    const bad = await importOrderFile(ctx, { shopId: SHOP, file: ndjson });
    expect(bad.committed).toBe(false);
    expect(bad.issues.map((i) => [i.row, i.field])).toEqual([[2, 'shipped_at']]);
    fs.writeFileSync(
      ndjson,
      JSON.stringify(apiOrder('N-1', { status: 'FINISH', shipped_at: pacific(DUE + H) })) + '\n',
    );
    expect(await importOrderFile(ctx, { shopId: SHOP, file: ndjson })).toMatchObject({ committed: true, created: 1 });
    expect((await verdictOf('N-1')).situation.kind).toBe('shipped_late');
  });

  it('through the HTTP API: shipped in time, late, no ship time, and a bad one refused with its path', async () => {
    const created = await postOrders([
      apiOrder('A-IN-TIME', { status: 'WAIT_BUYER_ACCEPT_GOODS', shipped_at: new Date(DUE - 2 * H).toISOString() }),
      apiOrder('A-LATE', { status: 'WAIT_BUYER_ACCEPT_GOODS', shipped_at: '2026-11-26T10:00:00+08:00' }), // 8 h late
      apiOrder('A-NONE', { status: 'WAIT_BUYER_ACCEPT_GOODS' }),
    ]);
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ created: 3 });
    const inTime = await verdictOf('A-IN-TIME');
    expect(inTime.situation.kind).toBe('shipped_in_time');
    expect(inTime.fine_now.amount).toBe(0);
    const late = await verdictOf('A-LATE');
    expect(late.situation.kind).toBe('shipped_late');
    expect(late.lateness_ms).toBe(8 * H);
    expect(late.fine_now).toEqual({ amount: 100, currency: 'USD' });
    expect((await verdictOf('A-NONE')).situation.kind).toBe('shipped_late');
    expect((await eventsOf('A-NONE')).map((e) => e.kind)).toEqual(['created', 'upload_time_first_seen']);
    const detail = (await app.inject({ method: 'GET', url: `/orders/${await idOf('A-IN-TIME')}` })).json();
    expect(JSON.stringify(detail)).toContain('upload_time_from_platform');

    const bad = await postOrders(
      [
        apiOrder('A-BAD-1', { status: 'WAIT_BUYER_ACCEPT_GOODS', shipped_at: pacific(DUE) }),
        apiOrder('A-BAD-2', { status: 'WAIT_BUYER_ACCEPT_GOODS', shipped_at: 'tomorrow' }),
      ],
      { 'accept-language': 'zh-CN' },
    );
    expect(bad.statusCode).toBe(400);
    const issues = bad.json().error.issues as Array<{
      path: string;
      row: number;
      message: string;
      messages: { en: string };
    }>;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'orders[1].shipped_at' });
    expect(issues[0]!.message).toMatch(/[\u4e00-\u9fff]/);
    expect(issues[0]!.messages.en).toMatch(/orders\[1\]\.shipped_at "tomorrow" is not a valid date/);
    expect(
      await store.db
        .selectFrom('orders')
        .select('id')
        .where('platform_order_id', 'in', ['A-BAD-1', 'A-BAD-2'])
        .execute(),
    ).toEqual([]);
  });

  it('an order shipby holds that the platform reports shipped takes its ship time; an upload time shipby recorded is never overwritten', async () => {
    clock.set(DUE - 10 * H);
    expect((await postOrders([apiOrder('U-PLATFORM'), apiOrder('U-OWN'), apiOrder('U-FIRST-SEEN')])).statusCode).toBe(
      200,
    );
    // shipby uploaded U-OWN's number itself 5 h before the deadline.
    await store.db
      .updateTable('orders')
      .set({ tracking_uploaded_at: DUE - 5 * H })
      .where('platform_order_id', '=', 'U-OWN')
      .execute();

    clock.set(DUE - H);
    const shipped = { status: 'WAIT_BUYER_ACCEPT_GOODS' };
    const res = await postOrders([
      apiOrder('U-PLATFORM', { ...shipped, shipped_at: pacific(DUE - 3 * H) }),
      apiOrder('U-OWN', { ...shipped, shipped_at: pacific(DUE - 2 * H) }),
      apiOrder('U-FIRST-SEEN', shipped),
    ]);
    expect(res.json()).toMatchObject({ updated: 3 });
    expect(await rowOf('U-PLATFORM')).toMatchObject({
      status: 'shipped',
      tracking_uploaded_at: DUE - 3 * H,
      handed_over_at: DUE - 3 * H,
    });
    expect((await eventsOf('U-PLATFORM')).map((e) => e.kind)).toEqual([
      'created',
      'updated',
      'transition',
      'upload_time_from_platform',
    ]);
    expect(await rowOf('U-OWN')).toMatchObject({ status: 'shipped', tracking_uploaded_at: DUE - 5 * H });
    expect((await eventsOf('U-OWN')).map((e) => e.kind)).not.toContain('upload_time_from_platform');
    expect(await rowOf('U-FIRST-SEEN')).toMatchObject({
      status: 'shipped',
      tracking_uploaded_at: DUE - H,
      handed_over_at: DUE - H,
    });
    expect((await eventsOf('U-FIRST-SEEN')).map((e) => e.kind)).toContain('upload_time_first_seen');
    clock.set(DUE + 72 * H);
    expect((await verdictOf('U-PLATFORM')).situation.kind).toBe('shipped_in_time');
    expect((await verdictOf('U-FIRST-SEEN')).situation.kind).toBe('shipped_in_time');

    // The platform's ship time, given later, replaces the first-seen guess (only that: U-OWN keeps its own upload).
    await postOrders([
      apiOrder('U-FIRST-SEEN', { ...shipped, shipped_at: pacific(DUE - 4 * H) }),
      apiOrder('U-OWN', { ...shipped, shipped_at: pacific(DUE - 4 * H) }),
    ]);
    expect(await rowOf('U-FIRST-SEEN')).toMatchObject({
      tracking_uploaded_at: DUE - 4 * H,
      handed_over_at: DUE - 4 * H,
    });
    expect(
      (await eventsOf('U-FIRST-SEEN'))
        .filter((e) => e.kind.startsWith('upload_time_'))
        .map((e) => [e.kind, e.data!.tracking_uploaded_at]),
    ).toEqual([
      ['upload_time_first_seen', DUE - H],
      ['upload_time_from_platform', DUE - 4 * H],
    ]);
    expect(await rowOf('U-OWN')).toMatchObject({ tracking_uploaded_at: DUE - 5 * H });
  });
});
