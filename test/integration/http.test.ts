import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';

const order = (id: string, extra: Record<string, unknown> = {}) => ({
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
  handling_days: 3,
  lines: [{ sku: 'SKU-1', quantity: 2, unit_price: '7.50' }],
  ...extra,
});

describe.each(backends)('HTTP API on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let app: FastifyInstance;
  const clock = manualClock(Date.UTC(2026, 10, 22, 12));
  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    app = await buildServer(contextFor(store, clock), { authentication: false });
  });
  afterAll(async () => {
    await app.close();
    await dispose();
  });

  it('upserts orders idempotently', async () => {
    const body = {
      shop_id: 'web',
      orders: [order('W1'), order('W2', { handling_days: 7 }), order('W3', { handling_days: 1 })],
    };
    const first = await app.inject({ method: 'POST', url: '/orders', payload: body });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
    const again = await app.inject({ method: 'POST', url: '/orders', payload: body });
    expect(again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
  });

  it('answers 400 with the field path, in the reader’s language, and stores nothing', async () => {
    const bad = {
      shop_id: 'web',
      orders: [order('W9'), order('W10', { lines: [{ sku: 'A', quantity: 0, unit_price: '1' }] })],
    };
    const res = await app.inject({
      method: 'POST',
      url: '/orders',
      payload: bad,
      headers: { 'accept-language': 'zh-CN,zh;q=0.9' },
    });
    expect(res.statusCode).toBe(400);
    const error = res.json().error;
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ path: 'orders[1].lines[0].quantity' });
    expect(error.issues[0].message).toMatch(/[\u4e00-\u9fff]/);
    expect(error.issues[0].messages.en).toMatch(/quantity "0"/);
    const list = await app.inject({ method: 'GET', url: '/orders?shop=web&limit=50' });
    expect(list.json().items.map((o: { platform_order_id: string }) => o.platform_order_id)).not.toContain('W9');

    const envelope = await app.inject({
      method: 'POST',
      url: '/orders',
      payload: { shop_id: 'web', orders: [], extra: 1 },
    });
    expect(envelope.statusCode).toBe(400);
    expect(envelope.json().error.issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['body.extra']),
    );
  });

  it('lists by deadline with filters and cursor pagination', async () => {
    const page1 = await app.inject({ method: 'GET', url: '/orders?shop=web&limit=2' });
    expect(page1.statusCode).toBe(200);
    const p1 = page1.json();
    expect(p1.items.map((o: { platform_order_id: string }) => o.platform_order_id)).toEqual(['W3', 'W1']);
    const page2 = await app.inject({ method: 'GET', url: `/orders?shop=web&limit=2&cursor=${p1.next_cursor}` });
    expect(page2.json()).toMatchObject({ items: [{ platform_order_id: 'W2' }], next_cursor: null });
    // W3 is due 2026-11-21 19:00 UTC (overdue at the test clock: the platform closed it at its deadline, so it is in
    // no queue), W1 on 2026-11-23 19:00 UTC, W2 a week later.
    const due = await app.inject({ method: 'GET', url: '/orders?shop=web&due_within=36h' });
    expect(due.json().items.map((o: { platform_order_id: string }) => o.platform_order_id)).toEqual(['W1']);
    const badFilter = await app.inject({ method: 'GET', url: '/orders?status=lost&due_within=soon' });
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.json().error.issues.map((i: { path: string }) => i.path)).toEqual(['status', 'due_within']);
  });

  it('gets an order with its timeline, and applies actions or answers 409 with the rule', async () => {
    const list = (await app.inject({ method: 'GET', url: '/orders?shop=web' })).json();
    const id = list.items.find((o: { platform_order_id: string }) => o.platform_order_id === 'W1').id;
    const refused = await app.inject({ method: 'POST', url: `/orders/${id}/actions/cancel`, payload: {} });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ rule: 'order.cancel.guard', state: 'awaiting_shipment' });
    const done = await app.inject({
      method: 'POST',
      url: `/orders/${id}/actions/cancel`,
      payload: { reason: 'buyer asked' },
    });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'cancelled' });
    const again = await app.inject({ method: 'POST', url: `/orders/${id}/actions/accept` });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.rule).toBe('order.accept.from');
    const detail = (await app.inject({ method: 'GET', url: `/orders/${id}` })).json();
    expect(detail.lines).toEqual([
      { line_no: 1, sku: 'SKU-1', quantity: 2, unit_price: { amount: 750, currency: 'USD' } },
    ]);
    expect(
      detail.timeline.map((e: { kind: string; action: string | null; reason: string | null }) => [
        e.kind,
        e.action,
        e.reason,
      ]),
    ).toEqual([
      ['created', null, null],
      ['transition', 'cancel', 'buyer asked'],
    ]);
    expect((await app.inject({ method: 'GET', url: '/orders/999999' })).statusCode).toBe(404);
  });

  it('describes itself with OpenAPI 3 at /docs', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/orders', '/orders/{id}', '/orders/{id}/actions/{action}']),
    );
    const home = await app.inject({ method: 'GET', url: '/' });
    expect(home.body).toMatch(/shipby is running/);
  });
});
