/**
 * False shipment priced and the semi-managed weight mismatch through HTTP, on SQLite AND PostgreSQL (issue 14,
 * marketplace-rules §1.7–§1.9): the order's verdict carries each violation with its fine and points, the seller
 * metrics sum them, and the weight bands the seller sets in the shop's policy price the mismatch.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { buildServer } from '../../src/http/server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { placeOrder, seedCatalogue } from '../support/stock';

const H = 3_600_000;
const PAID = Date.UTC(2026, 10, 20, 10);

describe.each(backends)('priced violations over HTTP on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  const clock = manualClock(PAID + 30 * H);

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    clock.set(PAID + 30 * H);
    ctx = contextFor(store, clock);
    app = await buildServer(ctx, { authentication: false });
  });
  afterEach(async () => {
    await app.close();
    await dispose();
  });

  /** A parcel of the order as packing leaves it: handed over with its declared weight. */
  async function parcel(orderId: number, shopId: string, weight: number): Promise<number> {
    const row = await store.db
      .insertInto('parcels')
      .values({
        order_id: orderId,
        shop_id: shopId,
        status: 'handed_over',
        carrier: 'cainiao',
        service: 'CAINIAO_STANDARD',
        tracking_number: `LP00${orderId}1234CN`,
        weight_g: weight,
        warehouse_weight_g: null,
        packed_at: PAID + H,
        labelled_at: PAID + H,
        handed_over_at: PAID + 2 * H,
        tracking_uploaded_at: PAID + 2 * H,
        first_scan_at: null,
        delivered_at: null,
        created_at: PAID + H,
        updated_at: PAID + 2 * H,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /** A false-shipment sign as the tracking sweep raises it. */
  async function sign(orderId: number, parcelId: number, shopId: string, kind: string): Promise<void> {
    const text = JSON.stringify({ en: kind, 'zh-CN': kind });
    await store.db
      .insertInto('tracking_problems')
      .values({
        order_id: orderId,
        parcel_id: parcelId,
        shop_id: shopId,
        problem_key: `${kind}:${parcelId}`,
        kind,
        level: 'alarm',
        detected_at: PAID + 20 * H,
        resolved_at: null,
        message: text,
        action: text,
        data: null,
      })
      .execute();
  }

  it('false shipment: 2 points and the fine by the order total converted from EUR, in the verdict and summed in the metrics', async () => {
    await seedCatalogue(ctx, 'pop');
    // EUR 5.00 a unit at 1.16: one unit ≈ USD 5.80 (USD 1), four ≈ USD 23.20 (USD 2).
    const small = await placeOrder(ctx, 'pop', 'FS-1', [{ sku: 'UNTRACKED', quantity: 1 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
    });
    const large = await placeOrder(ctx, 'pop', 'FS-2', [{ sku: 'UNTRACKED', quantity: 4 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
    });
    await sign(small, await parcel(small, 'pop', 300), 'pop', 'invalid_number');
    const p = await parcel(large, 'pop', 300);
    await sign(large, p, 'pop', 'scan_before_payment');
    await sign(large, p, 'pop', 'wrong_destination');

    const verdict = (await app.inject({ method: 'GET', url: `/orders/${large}/verdict` })).json();
    expect(verdict.situation.violations).toEqual([
      expect.objectContaining({
        kind: 'false_shipment',
        fine: { amount: 200, currency: 'USD' },
        points: 2,
        priced: true,
      }),
    ]);
    expect(verdict.situation.violations[0].explanation.en).toMatch(/20\.00 EUR ≈ 23\.20 USD at 1\.16/);
    expect(verdict.situation.violations[0].explanation['zh-CN']).toMatch(/虚假发货/);
    expect(verdict.sentences.map((s: { en: string }) => s.en).join(' ')).toMatch(/False shipment risk/);

    const metrics = (await app.inject({ method: 'GET', url: '/metrics/seller?shop=pop' })).json();
    expect(metrics.violations).toEqual([
      { kind: 'false_shipment', orders: 2, points: 4, fines: [{ amount: 300, currency: 'USD' }], unpriced: 0 },
      { kind: 'weight_mismatch', orders: 0, points: 0, fines: [], unpriced: 0 },
    ]);

    // The sign resolved (the number corrected): no longer at stake.
    await store.db
      .updateTable('tracking_problems')
      .set({ resolved_at: PAID + 25 * H })
      .where('order_id', '=', small)
      .execute();
    expect((await app.inject({ method: 'GET', url: `/orders/${small}/verdict` })).json().situation.violations).toEqual(
      [],
    );
    expect((await app.inject({ method: 'GET', url: '/metrics/seller?shop=pop' })).json().violations[0]).toMatchObject({
      orders: 1,
      points: 2,
      fines: [{ amount: 200, currency: 'USD' }],
    });
  });

  it('weight mismatch: unpriced until the seller sets bands in the shop policy, then the fine of the band', async () => {
    await seedCatalogue(ctx, 'semi');
    const set = await app.inject({
      method: 'PUT',
      url: '/shops/semi/policy',
      payload: { policy_id: 'aliexpress_semi_jit' },
    });
    expect(set.statusCode).toBe(200);
    const id = await placeOrder(ctx, 'semi', 'W-1', [{ sku: 'UNTRACKED', quantity: 1 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
    });
    const p = await parcel(id, 'semi', 500);
    const weighed = await app.inject({
      method: 'POST',
      url: `/orders/${id}/warehouse-weight`,
      payload: { parcel_id: p, grams: 640 },
    });
    expect(weighed.statusCode).toBe(200);
    expect(weighed.json()).toMatchObject({ id: p, weight_g: 500, warehouse_weight_g: 640 });

    let v = (await app.inject({ method: 'GET', url: `/orders/${id}/verdict` })).json();
    expect(v.situation.violations).toEqual([
      expect.objectContaining({ kind: 'weight_mismatch', fine: { amount: 0, currency: 'CNY' }, priced: false }),
    ]);
    expect(v.situation.violations[0].explanation.en).toMatch(/no bands yet\. Set your bands in Settings/);

    // Bands that go backwards are refused, naming the band, and the running policy stays.
    const bad = await app.inject({
      method: 'PUT',
      url: '/shops/semi/policy',
      payload: {
        overrides: {
          aliexpress_semi_jit: {
            weightMismatch: {
              bands: [
                { overGrams: 100, amount: 900 },
                { overGrams: 50, amount: 1000 },
              ],
            },
          },
        },
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().error)).toContain('weightMismatch.bands.1.overGrams');
    const bands = [
      { overGrams: 20, amount: 500 },
      { overGrams: 100, amount: 1500 },
    ];
    const good = await app.inject({
      method: 'PUT',
      url: '/shops/semi/policy',
      payload: { overrides: { aliexpress_semi_jit: { weightMismatch: { bands } } } },
    });
    expect(good.statusCode).toBe(200);
    v = (await app.inject({ method: 'GET', url: `/orders/${id}/verdict` })).json();
    expect(v.situation.violations).toEqual([
      expect.objectContaining({
        kind: 'weight_mismatch',
        fine: { amount: 1500, currency: 'CNY' },
        points: 0,
        priced: true,
      }),
    ]);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics/seller?shop=semi' })).json();
    expect(metrics.violations[1]).toEqual({
      kind: 'weight_mismatch',
      orders: 1,
      points: 0,
      fines: [{ amount: 1500, currency: 'CNY' }],
      unpriced: 0,
    });

    // Bad input names the field and changes nothing.
    for (const [payload, field] of [
      [{ parcel_id: p, grams: 0 }, 'grams'],
      [{ parcel_id: 999999, grams: 600 }, 'parcel_id'],
    ] as const) {
      const refused = await app.inject({ method: 'POST', url: `/orders/${id}/warehouse-weight`, payload });
      expect(refused.statusCode).toBe(400);
      expect(JSON.stringify(refused.json().error)).toContain(field);
    }
    expect(
      (await store.db.selectFrom('parcels').select('warehouse_weight_g').where('id', '=', p).executeTakeFirstOrThrow())
        .warehouse_weight_g,
    ).toBe(640);
  });
});
