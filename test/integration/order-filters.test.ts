/**
 * GET /orders filtered by warehouse (stock reserved in it, or waited for there) and by carrier (a parcel of that
 * carrier, not voided), on both backends: each order listed once however many reservations, shortfalls or parcels
 * match, in deadline order, and page by page with the cursor under a filter.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineWarehouse } from '../../src/app/stock';
import { buildServer } from '../../src/http/server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';

const order = (id: string, handlingDays: number, lines = 1) => ({
  order_id: id,
  platform: 'aliexpress',
  status: 'WAIT_SELLER_SEND_GOODS',
  paid_at: '2026-11-20 10:00:00',
  risk_passed_at: '2026-11-20 11:00:00',
  buyer_name: 'Li Wei',
  buyer_country: 'US',
  address_line1: '1 Main St',
  city: 'Austin',
  currency: 'USD',
  handling_days: handlingDays,
  lines: Array.from({ length: lines }, (_, i) => ({ sku: `SKU-${i + 1}`, quantity: 1, unit_price: '7.50' })),
});

type Listed = { items: Array<{ platform_order_id: string; deadline?: unknown }>; next_cursor: string | null };

describe.each(backends)('GET /orders filtered by warehouse and carrier on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let app: FastifyInstance;
  const clock = manualClock(Date.UTC(2026, 10, 22, 12));
  const ids = new Map<string, number>();

  const list = async (query: string): Promise<Listed> => {
    const res = await app.inject({ method: 'GET', url: `/orders?${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Listed;
  };
  const names = (page: Listed) => page.items.map((o) => o.platform_order_id);

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    const ctx = contextFor(store, clock);
    app = await buildServer(ctx, { authentication: false });
    // F1..F6 due one day apart (handling days 2..7), F1 first; F2 and F5 have two lines.
    const payload = {
      shop_id: 'flt',
      orders: [order('F1', 2), order('F2', 3, 2), order('F3', 4), order('F4', 5), order('F5', 6, 2), order('F6', 7)],
    };
    const created = await app.inject({ method: 'POST', url: '/orders', payload });
    expect(created.statusCode).toBe(200);
    for (const o of created.json().orders as Array<{ platform_order_id: string; id: number }>)
      ids.set(o.platform_order_id, o.id);

    await defineWarehouse(ctx, {
      id: 'SZ',
      name: 'Shenzhen',
      kind: 'domestic',
      country: 'CN',
      timeZone: 'Asia/Shanghai',
      cutoffTime: '16:00',
    });
    await defineWarehouse(ctx, {
      id: 'MAD',
      name: 'Madrid',
      kind: 'overseas',
      country: 'ES',
      timeZone: 'Europe/Madrid',
      cutoffTime: '12:00',
    });
    const db = store.db;
    const now = clock.now();
    const linesOf = async (id: string) =>
      db
        .selectFrom('order_lines')
        .select(['id', 'sku', 'quantity'])
        .where('order_id', '=', ids.get(id)!)
        .orderBy('id')
        .execute();
    const reserve = async (id: string, warehouse: string) => {
      for (const line of await linesOf(id)) {
        await db
          .insertInto('stock_reservations')
          .values({
            order_id: ids.get(id)!,
            order_line_id: line.id,
            warehouse_id: warehouse,
            sku: line.sku,
            quantity: line.quantity,
            created_at: now,
          })
          .execute();
      }
    };
    const wait = async (id: string, warehouse: string | null) => {
      for (const line of await linesOf(id)) {
        await db
          .insertInto('stock_shortfalls')
          .values({
            order_id: ids.get(id)!,
            sku: line.sku,
            warehouse_id: warehouse,
            needed: line.quantity,
            missing: line.quantity,
            recorded_at: now,
          })
          .execute();
      }
    };
    const parcel = async (id: string, carrier: string, status = 'labelled') => {
      await db
        .insertInto('parcels')
        .values({
          order_id: ids.get(id)!,
          shop_id: 'flt',
          status,
          carrier,
          service: `${carrier}-STD`,
          created_at: now,
          updated_at: now,
        })
        .execute();
    };
    // SZ: F2 (two lines reserved: two rows), F3 (waiting there), F5 (two lines waiting), F6 (reserved). MAD: F4.
    // F1 has nothing reserved (not yet accepted) and so no warehouse.
    await reserve('F2', 'SZ');
    await wait('F3', 'SZ');
    await reserve('F4', 'MAD');
    await wait('F5', 'SZ');
    await reserve('F6', 'SZ');
    // Carriers: F1 two CAINIAO parcels, F3 one CAINIAO and one YANWEN, F4 a voided CAINIAO parcel then a
    // YANWEN one, F6 CAINIAO.
    await parcel('F1', 'CAINIAO');
    await parcel('F1', 'CAINIAO', 'packed');
    await parcel('F3', 'CAINIAO');
    await parcel('F3', 'YANWEN');
    await parcel('F4', 'CAINIAO', 'voided');
    await parcel('F4', 'YANWEN');
    await parcel('F6', 'CAINIAO');
  });
  afterAll(async () => {
    await app.close();
    await dispose();
  });

  it('lists the orders reserved in or waiting on a warehouse, once each, in deadline order', async () => {
    expect(names(await list('shop=flt&warehouse=SZ'))).toEqual(['F2', 'F3', 'F5', 'F6']);
    expect(names(await list('shop=flt&warehouse=MAD'))).toEqual(['F4']);
    expect(names(await list('shop=flt&warehouse=SZ,MAD'))).toEqual(['F2', 'F3', 'F4', 'F5', 'F6']);
    expect(names(await list('warehouse=NOWHERE'))).toEqual([]);
  });

  it('lists the orders with a parcel of a carrier (voided ones do not count), once each', async () => {
    expect(names(await list('shop=flt&carrier=CAINIAO'))).toEqual(['F1', 'F3', 'F6']);
    expect(names(await list('shop=flt&carrier=YANWEN'))).toEqual(['F3', 'F4']);
    expect(names(await list('shop=flt&carrier=CAINIAO,YANWEN'))).toEqual(['F1', 'F3', 'F4', 'F6']);
  });

  it('combines the filters with each other and with the at-risk view', async () => {
    expect(names(await list('shop=flt&warehouse=SZ&carrier=CAINIAO'))).toEqual(['F3', 'F6']);
    // The at-risk view (due within 4 days of 2026-11-22 12:00 UTC) keeps its countdown and fine per order.
    const due = await list('shop=flt&warehouse=SZ&due_within=4d&status=awaiting_shipment');
    expect(names(due)).toEqual(['F2', 'F3']);
    expect(due.items.every((o) => o.deadline !== undefined)).toBe(true);
  });

  it('pages through a filtered list with the cursor, without repeating or skipping an order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Listed = await list(`shop=flt&warehouse=SZ&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...names(page));
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['F2', 'F3', 'F5', 'F6']);
    expect(pages).toBe(4);

    const first = await list('shop=flt&carrier=CAINIAO&limit=2');
    expect(names(first)).toEqual(['F1', 'F3']);
    expect(first.next_cursor).not.toBeNull();
    const second = await list(`shop=flt&carrier=CAINIAO&limit=2&cursor=${first.next_cursor}`);
    expect(second).toMatchObject({ items: [{ platform_order_id: 'F6' }], next_cursor: null });
  });
});
