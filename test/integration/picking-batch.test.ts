/**
 * Issue 17: the picking list and the batch print of the plan's next orders, through the API on both backends,
 * read back with pdftotext: the SKUs with their location, quantity and orders in the plan's order, in English and
 * in Chinese; the packing slips in the plan's order in one PDF; a station the plan does not have refused.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { setStaffing } from '../../src/app/planning';
import { adjustStock } from '../../src/app/stock';
import { canWriteChinese } from '../../src/documents/pdf';
import { buildServer } from '../../src/http/server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { pdfPages } from '../support/pdf-render';
import { placeOrder, seedCatalogue } from '../support/stock';

const SHOP = 'shop-pick';

describe.each(backends)('picking list and batch printing on $name', { timeout: 180_000 }, (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, manualClock(Date.UTC(2026, 10, 25, 2)));
    await seedCatalogue(ctx, SHOP);
    await adjustStock(ctx, { warehouseId: 'SZ', sku: 'A', reason: 'counted', to: 50, actor: 'test' });
    await adjustStock(ctx, { warehouseId: 'SZ', sku: 'B', reason: 'counted', to: 50, actor: 'test' });
    await setStaffing(ctx, 'SZ', { stations: 1 });
    // Deadlines in another order than the orders are placed: the plan (one station) packs the earliest first.
    ids.P1 = await placeOrder(ctx, SHOP, 'P1', [{ sku: 'AE-KIT', quantity: 1 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
      shipBy: '2026-11-27T10:00:00Z',
    });
    ids.P2 = await placeOrder(ctx, SHOP, 'P2', [{ sku: 'AE-A', quantity: 2 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
      shipBy: '2026-11-26T10:00:00Z',
    });
    ids.P3 = await placeOrder(
      ctx,
      SHOP,
      'P3',
      [
        { sku: 'AE-KIT', quantity: 1 },
        { sku: 'AE-A', quantity: 1 },
      ],
      { status: 'WAIT_SELLER_SEND_GOODS', shipBy: '2026-11-28T10:00:00Z' },
    );
    app = await buildServer(ctx, { authentication: false });
  });
  afterAll(async () => {
    await app?.close();
    await dispose();
  });

  /** The plan's order as GET /plan shows it: the station's queue. */
  async function planned(): Promise<string[]> {
    const plan = (await app.inject({ method: 'GET', url: '/plan?warehouse=SZ' })).json();
    return plan.stations[0].queue.map((j: { platform_order_id: string }) => j.platform_order_id);
  }

  it("prints the picking list per SKU and location, in the plan's order, with the orders each serves", async () => {
    expect(await planned()).toEqual(['P2', 'P1', 'P3']);
    const res = await app.inject({ method: 'GET', url: '/plan/picking-list.pdf?warehouse=SZ&lang=en' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['x-shipby-orders']).toBe([ids.P2, ids.P1, ids.P3].join(','));
    const text = pdfPages(res.rawPayload).join('\n');
    expect(text).toContain('Picking list');
    expect(text).toMatch(/Warehouse: Shenzhen\s+Orders: 3\s+Units: 9/);
    expect(text).toContain('P2 → P1 → P3');
    const rows = text
      .split('\n')
      .filter((l) => /^\s*[AB]\s+Shenzhen/.test(l))
      .map((l) => l.trim().replace(/\s+/g, ' '));
    // A is first needed by P2, B by P1: the rows follow the packing order, and so do the orders of each row.
    expect(rows).toEqual(['A Shenzhen 5 P2 ×2, P1 ×1, P3 ×2', 'B Shenzhen 4 P1 ×2, P3 ×2']);
  });

  it.skipIf(!canWriteChinese())('prints it in Chinese for a Chinese caller', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/plan/picking-list.pdf?warehouse=SZ',
      headers: { 'accept-language': 'zh-CN,zh;q=0.9' },
    });
    expect(res.statusCode).toBe(200);
    const text = pdfPages(res.rawPayload).join('\n');
    expect(text).toContain('拣货单');
    expect(text).toContain('库位');
    expect(text).not.toContain('Picking list');
  });

  it("prints the batch's packing slips in the plan's order as one PDF, and a limit takes the plan's first orders", async () => {
    const res = await app.inject({ method: 'GET', url: '/plan/batch.pdf?warehouse=SZ' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-shipby-slip-count']).toBe('3');
    expect(res.headers['x-shipby-label-count']).toBe('0');
    const pages = pdfPages(res.rawPayload);
    const orderOfPages = pages.map((p) => /Order (P\d)/.exec(p)?.[1]).filter(Boolean);
    expect(orderOfPages).toEqual(['P2', 'P1', 'P3']);
    const first = await app.inject({ method: 'GET', url: '/plan/batch.pdf?warehouse=SZ&limit=2&station=station-1' });
    expect(
      pdfPages(first.rawPayload)
        .map((p) => /Order (P\d)/.exec(p)?.[1])
        .filter(Boolean),
    ).toEqual(['P2', 'P1']);
  });

  it('refuses a station the plan does not have, naming the field, and an unknown language', async () => {
    const res = await app.inject({ method: 'GET', url: '/plan/picking-list.pdf?warehouse=SZ&station=station-9' });
    expect([400, 422]).toContain(res.statusCode);
    expect(res.body).toContain('station');
    expect(res.body).toContain('station-1');
    const lang = await app.inject({ method: 'GET', url: '/plan/batch.pdf?warehouse=SZ&lang=fr' });
    expect(lang.statusCode).toBe(400);
  });
});
