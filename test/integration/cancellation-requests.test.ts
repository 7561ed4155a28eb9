/**
 * A buyer's cancellation request through HTTP, on SQLite AND PostgreSQL (issue 14, marketplace-rules §1.5): recorded
 * by hand, the order's situation shows it with its answer time (48 h, the policy's), the at-risk view lists it when
 * the answer time is near even though its deadline is not; accepting cancels it through the order machine (by the
 * buyer: no fine, its stock released, out of every queue); refusing keeps it open; bad input changes nothing.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { adjustStock } from '../../src/app/stock';
import { buildServer } from '../../src/http/server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { level, placeOrder, seedCatalogue } from '../support/stock';

const H = 3_600_000;
// Orders of support/stock.ts are paid 2026-11-20 10:00 UTC with 5 handling days: due 2026-11-25 10:00 UTC.
const PAID = Date.UTC(2026, 10, 20, 10);
const SHOP = 'shop-c';

describe.each(backends)('buyer cancellation requests over HTTP on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  const clock = manualClock(PAID + 2 * H);

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    clock.set(PAID + 2 * H);
    ctx = contextFor(store, clock);
    await seedCatalogue(ctx, SHOP);
    await adjustStock(ctx, { warehouseId: 'SZ', sku: 'A', reason: 'counted', to: 10, actor: 'test' });
    app = await buildServer(ctx, { authentication: false });
  });
  afterEach(async () => {
    await app.close();
    await dispose();
  });

  const post = (url: string, payload?: unknown) =>
    app.inject({ method: 'POST', url, ...(payload === undefined ? {} : { payload: payload as object }) });
  const verdictOf = async (id: number) => (await app.inject({ method: 'GET', url: `/orders/${id}/verdict` })).json();
  const atRisk = async (within: string) =>
    (await app.inject({ method: 'GET', url: `/orders?shop=${SHOP}&due_within=${within}` })).json().items as Array<{
      id: number;
      deadline: { situation: string; why: { en: string }; cancellation_answer_by: string | null };
    }>;
  const planned = async () =>
    JSON.stringify((await app.inject({ method: 'GET', url: `/plan?shop=${SHOP}&stations=1` })).json());
  const row = (id: number) => store.db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('record → the situation and the at-risk view show it → accept: cancelled by the buyer, stock released, out of every queue', async () => {
    const id = await placeOrder(ctx, SHOP, 'CANCEL-1', [{ sku: 'AE-A', quantity: 2 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
    });
    expect(await level(store, 'SZ', 'A')).toEqual({ on_hand: 10, reserved: 2 });
    const requestedAt = PAID + 3 * H;
    clock.set(requestedAt);

    const recorded = await post(`/orders/${id}/cancellation-request`, { at: new Date(requestedAt).toISOString() });
    expect(recorded.statusCode).toBe(201);
    expect(recorded.json().cancellation_request).toEqual({
      requested_at: new Date(requestedAt).toISOString(),
      answer: null,
      answered_at: null,
    });
    // Recording it again changes nothing.
    expect(
      (await post(`/orders/${id}/cancellation-request`, { at: new Date(requestedAt).toISOString() })).json().version,
    ).toBe(recorded.json().version);

    const answerBy = new Date(requestedAt + 48 * H).toISOString();
    const fresh = await verdictOf(id);
    expect(fresh.situation.cancellation_request).toEqual({
      state: 'open',
      requested_at: new Date(requestedAt).toISOString(),
      answer_by: answerBy,
      answered_at: null,
    });
    expect(fresh.situation.reasons[0].en).toMatch(
      /The buyer asked to cancel .* Unanswered, the platform cancels the order/,
    );
    expect(fresh.situation.reasons[0]['zh-CN']).toMatch(/买家.*申请取消/);
    expect(fresh.situation.assumptions.map((a: { en: string }) => a.en).join(' ')).toMatch(
      /48 h cancels the order automatically/,
    );
    // The deadline is five days away: two days before the answer time the 24 h view does not list it yet …
    expect((await atRisk('24h')).map((i) => i.id)).not.toContain(id);

    // … 30 h on, 18 h are left to answer: the order is at risk and the view lists it first, saying why.
    clock.set(requestedAt + 30 * H);
    const view = await atRisk('24h');
    expect(view[0]).toMatchObject({ id, deadline: { situation: 'at_risk', cancellation_answer_by: answerBy } });
    expect(view[0]!.deadline.why.en).toMatch(/asked to cancel/);
    expect(await planned()).toContain('CANCEL-1');

    const accepted = await post(`/orders/${id}/cancellation-request/answer`, {
      answer: 'accept',
      reason: 'out of stock colour',
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({
      status: 'cancelled',
      cancelled_by: 'buyer',
      cancellation_request: { answer: 'accepted' },
    });
    const after = await verdictOf(id);
    expect(after.situation).toMatchObject({ kind: 'cancelled', in_queues: false, actionable: false });
    expect(after.fine_now.amount).toBe(0);
    expect(after.headline.en).toMatch(/Cancelled by the buyer/);
    expect((await atRisk('24h')).map((i) => i.id)).not.toContain(id);
    expect((await atRisk('30d')).map((i) => i.id)).not.toContain(id);
    expect(await planned()).not.toContain('CANCEL-1');
    expect(await level(store, 'SZ', 'A')).toEqual({ on_hand: 10, reserved: 0 });
    const timeline = await store.db
      .selectFrom('order_events')
      .select(['kind', 'action', 'to_state', 'reason'])
      .where('order_id', '=', id)
      .orderBy('id')
      .execute();
    expect(timeline.map((e) => e.kind)).toContain('cancel_requested');
    expect(timeline.find((e) => e.action === 'cancel')).toMatchObject({
      to_state: 'cancelled',
      reason: "accepted the buyer's cancellation request: out of stock colour",
    });
    // Answered once: a second answer is refused, naming the rule, and changes nothing.
    const again = await post(`/orders/${id}/cancellation-request/answer`, { answer: 'refuse' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.rule).toBe('cancel_request.none');
  });

  it('refuse → the order stays open and in its queues, the request no longer a reason', async () => {
    const id = await placeOrder(ctx, SHOP, 'CANCEL-2', [{ sku: 'AE-A', quantity: 1 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
    });
    await post(`/orders/${id}/cancellation-request`, {});
    clock.set(PAID + 40 * H);
    expect((await atRisk('24h')).map((i) => i.id)).toEqual([id]);
    const refused = await post(`/orders/${id}/cancellation-request/answer`, { answer: 'refuse' });
    expect(refused.statusCode).toBe(200);
    expect(refused.json()).toMatchObject({ status: 'awaiting_shipment', cancellation_request: { answer: 'refused' } });
    const v = await verdictOf(id);
    expect(v.situation).toMatchObject({ kind: 'open', in_queues: true, cancellation_request: { state: 'refused' } });
    expect(v.situation.reasons).toEqual([]);
    expect((await atRisk('24h')).map((i) => i.id)).toEqual([]);
    expect((await atRisk('4d')).map((i) => i.id)).toEqual([id]);
    expect(await planned()).toContain('CANCEL-2');
    expect(await level(store, 'SZ', 'A')).toEqual({ on_hand: 10, reserved: 1 });
  });

  it('unanswered past 48 h: the platform has cancelled it — out of every queue, and a late answer is refused', async () => {
    const id = await placeOrder(ctx, SHOP, 'CANCEL-3', [{ sku: 'AE-A', quantity: 1 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
    });
    await post(`/orders/${id}/cancellation-request`, {});
    clock.set(PAID + 2 * H + 48 * H + 1);
    const v = await verdictOf(id);
    expect(v.situation).toMatchObject({
      kind: 'cancelled',
      in_queues: false,
      cancellation_request: { state: 'lapsed' },
    });
    expect(v.headline.en).toMatch(/went unanswered for 48 h/);
    expect((await atRisk('30d')).map((i) => i.id)).not.toContain(id);
    expect(await planned()).not.toContain('CANCEL-3');
    const late = await post(`/orders/${id}/cancellation-request/answer`, { answer: 'refuse' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.rule).toBe('cancel_request.lapsed');
  });

  it("from the API's order body (cancel_requested_at): the request is on the order, a replay changes nothing, a later one after a refusal starts afresh", async () => {
    const body = (at: string) => ({
      shop_id: SHOP,
      orders: [
        {
          order_id: 'CANCEL-API',
          platform: 'aliexpress',
          status: 'WAIT_SELLER_SEND_GOODS',
          paid_at: '2026-11-20T10:00:00Z',
          buyer_name: 'B',
          buyer_country: 'FR',
          address_line1: 'a',
          city: 'Paris',
          currency: 'EUR',
          handling_days: 5,
          cancel_requested_at: at,
          lines: [{ sku: 'AE-A', quantity: 1, unit_price: '5.00' }],
        },
      ],
    });
    const first = await post('/orders', body('2026-11-20T11:00:00Z'));
    expect(first.statusCode).toBe(200);
    const id = first.json().orders[0].id as number;
    expect((await verdictOf(id)).situation.cancellation_request).toMatchObject({
      state: 'open',
      answer_by: '2026-11-22T11:00:00.000Z',
    });
    expect((await post('/orders', body('2026-11-20T11:00:00Z'))).json()).toMatchObject({ unchanged: 1 });
    await post(`/orders/${id}/cancellation-request/answer`, { answer: 'refuse' });
    expect((await verdictOf(id)).situation.cancellation_request.state).toBe('refused');
    clock.set(PAID + 10 * H);
    expect((await post('/orders', body('2026-11-20T19:00:00Z'))).json()).toMatchObject({ updated: 1 });
    expect((await verdictOf(id)).situation.cancellation_request).toMatchObject({
      state: 'open',
      answer_by: '2026-11-22T19:00:00.000Z',
    });
    const bad = await post('/orders', body('2026-11-19T00:00:00Z'));
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().error)).toContain('orders[0].cancel_requested_at');
  });

  it('bad input names the field and changes nothing; an unknown order is a 404', async () => {
    const id = await placeOrder(ctx, SHOP, 'CANCEL-4', [{ sku: 'AE-A', quantity: 1 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
    });
    const before = await row(id);
    const cases: Array<[unknown, string]> = [
      [{ at: 'yesterday' }, 'at'],
      [{ at: new Date(PAID - H).toISOString() }, 'at'],
      [{ at: new Date(PAID + 5 * H).toISOString() }, 'at'],
    ];
    for (const [payload, field] of cases) {
      const response = await post(`/orders/${id}/cancellation-request`, payload);
      expect(response.statusCode).toBe(400);
      expect(JSON.stringify(response.json().error)).toContain(field);
      expect(response.json().error.messages['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    }
    const badAnswer = await post(`/orders/${id}/cancellation-request/answer`, { answer: 'maybe' });
    expect(badAnswer.statusCode).toBe(400);
    expect(JSON.stringify(badAnswer.json().error)).toContain('answer');
    const none = await post(`/orders/${id}/cancellation-request/answer`, { answer: 'accept' });
    expect(none.statusCode).toBe(409);
    expect(none.json().error.rule).toBe('cancel_request.none');
    expect(await row(id)).toEqual(before);
    expect((await post('/orders/999999/cancellation-request', {})).statusCode).toBe(404);
  });
});
