/**
 * Pack and ship without dead ends (issue 17), over HTTP on both backends: when no service is chosen automatically
 * the packer picks one of the quoted candidates; a label over the shop's share of the order's value (default 30 %)
 * waits for the packer's confirmation; an order whose label failed is scanned again and goes on at the label step.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { setSkuDimensions } from '../../src/app/packing-catalog';
import type { CarrierService } from '../../src/core/carrier/types';
import { cainiaoSuperEconomy, expressCourier } from '../../src/core/data/carriers/index';
import { buildServer } from '../../src/http/server';
import type { SampleCarrierServer } from '../../src/integrations/carriers/sample-server';
import type { Store } from '../../src/store/database';
import * as packing from '../../src/store/packing';
import { backends, contextFor, manualClock } from '../support/backends';
import { addAwaitingOrder, packAndWeighAll, setUpSampleShipping } from '../support/pack';

const START = Date.UTC(2026, 10, 25, 2);

describe.each(backends)('label choices on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  let carrier: SampleCarrierServer;
  const catalogue = (services: CarrierService[]) =>
    packing.replaceCarrierServices(
      store.db,
      services.map((s) => ({
        code: s.code,
        carrier: s.carrier,
        definition: JSON.stringify(s),
        marketplace_service: s.code.toUpperCase(),
        source: 'test',
        imported_at: START,
      })),
      true,
    );
  /** An order of one 19.99 USD item to Madrid, scan-packed and weighed: its label is next. */
  const packed = async (id: string, logisticsService?: string) => {
    const orderId = await addAwaitingOrder(ctx, 'choices', id, {
      now: START,
      shipInHours: 48,
      sku: 'SKU-C',
      ...(logisticsService ? { logisticsService } : {}),
    });
    await packAndWeighAll(ctx, id);
    return orderId;
  };
  const label = (orderId: number, body: Record<string, unknown> = {}) =>
    app.inject({
      method: 'POST',
      url: `/orders/${orderId}/labels`,
      payload: body,
      headers: { 'accept-language': 'zh-CN' },
    });

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, manualClock(START));
    await setSkuDimensions(ctx, [{ sku: 'SKU-C', dimsMm: [100, 80, 50], weightG: 200, barcode: '6901234567892' }]);
    await addAwaitingOrder(ctx, 'choices', 'FIRST', { now: START, shipInHours: 48, sku: 'SKU-C' });
    carrier = await setUpSampleShipping(ctx, 'choices');
    app = await buildServer(ctx, { authentication: false });
  });
  afterAll(async () => {
    await app?.close();
    await carrier?.close();
    await dispose();
  });

  it('no automatic choice: 409 naming what to do, the candidates with cost and arrival, and the packer’s pick is bought', async () => {
    await catalogue([cainiaoSuperEconomy]); // its 35 CNY value limit is under the order's 19.99 USD
    const orderId = await packed('NC-1', 'CAINIAO_ECONOMY'); // the buyer chose economy shipping
    const refused = await label(orderId);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.rule).toBe('label.no_service');
    expect(refused.json().error.messages.en).toMatch(/Choose one of the services listed/);
    expect(refused.json().error.message).toMatch(/请从列出的服务/);
    const quotes = (await app.inject({ method: 'GET', url: `/orders/${orderId}/quotes` })).json();
    const candidate = quotes.parcels[0].candidates[0];
    expect(quotes.parcels[0].chosen).toBeNull();
    expect(candidate).toMatchObject({ service: 'cainiao-super-economy', cost: { currency: 'CNY' } });
    expect(candidate.cost.amount).toBeGreaterThan(0);
    expect(candidate.arrival_p90_at).toMatch(/^2026-/);
    expect(candidate.dropped_because.map((r: { code: string }) => r.code)).toContain('value-too-high');

    // The label step failed: a rescan goes on at the label step instead of "already packed".
    const rescan = await app.inject({ method: 'POST', url: '/pack/sessions', payload: { order_barcode: 'NC-1' } });
    expect(rescan.statusCode, rescan.body).toBe(200);
    expect(rescan.json()).toMatchObject({ resumed: true, session: { status: 'done', order_id: orderId } });
    expect(rescan.json().message.en).toMatch(/label is still to buy/);

    const picked = await label(orderId, { service: 'cainiao-super-economy' });
    expect(picked.statusCode, picked.body).toBe(201);
    expect(picked.json().items[0]).toMatchObject({ service: 'cainiao-super-economy' });
  });

  it('an expensive label waits for the confirmation; confirmed, it is bought; the shop’s share is its own', async () => {
    await catalogue([expressCourier]); // about 245 CNY for this parcel: far over 30 % of 19.99 USD
    const orderId = await packed('EX-1');
    const asked = await label(orderId);
    expect(asked.statusCode).toBe(409);
    expect(asked.json().error.rule).toBe('label.cost_confirm');
    expect(asked.json().error.messages.en).toMatch(
      /CNY ≈ [\d.]+ USD, \d+ % of the order's 19\.99 USD \(the shop asks above 30 %\)/,
    );
    expect(asked.json().error.message).toMatch(/确认/);
    expect(await store.db.selectFrom('parcel_labels').select('id').where('order_id', '=', orderId).execute()).toEqual(
      [],
    );

    const bought = await label(orderId, { confirm_cost: true });
    expect(bought.statusCode, bought.body).toBe(201);
    expect(bought.json().items[0]).toMatchObject({ service: 'dhl-express' });

    // A shop that allows more than the label's share is not asked; a share out of range is refused at its field.
    expect((await app.inject({ method: 'GET', url: '/shops/choices/label-cost-share' })).json()).toEqual({
      percent: 30,
      default: true,
    });
    const wrong = await app.inject({ method: 'PUT', url: '/shops/choices/label-cost-share', payload: { percent: 0 } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.issues[0]).toMatchObject({ path: 'percent' });
    const set = await app.inject({ method: 'PUT', url: '/shops/choices/label-cost-share', payload: { percent: 1000 } });
    expect(set.json()).toEqual({ percent: 1000, default: false });
    const other = await packed('EX-2');
    expect((await label(other)).statusCode).toBe(201);
  });
});
