/**
 * One truth per order, on SQLite AND PostgreSQL: the verdict, the at-risk view and the guards on shipping read the
 * same situation (app/order-situation.ts → core/situation.ts). An order the platform closed at its closing point is
 * in no queue and takes no label, shipment or hand-over; an order waiting for stock says when it comes and whether
 * that is in time.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { addWebhook, runWarningSweep } from '../../src/app/deadlines';
import { ConflictError } from '../../src/app/errors';
import { connectShop } from '../../src/app/marketplace';
import { situationOfOrder } from '../../src/app/order-situation';
import { markParcelShipped } from '../../src/app/shipments';
import { createPurchaseOrder, purchaseOrderAction } from '../../src/app/stock';
import { buildServer } from '../../src/http/server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { TEST_MASTER_KEY } from '../support/outbox-fixtures';
import { placeOrder, seedCatalogue } from '../support/stock';

const H = 3_600_000;
// Orders of support/stock.ts are paid 2026-11-20 10:00 UTC with 5 handling days: due 2026-11-25 10:00 UTC.
const DUE = Date.UTC(2026, 10, 25, 10);
const SHOP = 'shop-s';

describe.each(backends)('the situation of an order on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  const clock = manualClock(DUE - 48 * H);

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    clock.set(DUE - 48 * H);
    ctx = contextFor(store, clock);
    await seedCatalogue(ctx, SHOP);
    await connectShop(ctx, TEST_MASTER_KEY, {
      shopId: SHOP,
      appKey: 'k',
      appSecret: 's',
      accessToken: 't',
      gatewayUrl: 'http://127.0.0.1:9',
    });
    app = await buildServer(ctx, { authentication: false });
  });
  afterEach(async () => {
    await app.close();
    await dispose();
  });

  const verdictOf = async (id: number) => (await app.inject({ method: 'GET', url: `/orders/${id}/verdict` })).json();
  const atRiskView = async () =>
    (
      await app.inject({
        method: 'GET',
        url: `/orders?shop=${SHOP}&due_within=72h&status=new,awaiting_shipment,awaiting_stock,partially_shipped`,
      })
    ).json().items as Array<{ id: number; deadline: { situation: string; fine_if_missed: unknown; status: string } }>;

  it('a regular order past its deadline is closed for every reader: out of the at-risk view, refused for shipping, with the rule in both languages', async () => {
    const late = await placeOrder(ctx, SHOP, 'CLOSED-1', [{ sku: 'UNTRACKED', quantity: 1 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
    });
    const fine = await placeOrder(ctx, SHOP, 'OPEN-1', [{ sku: 'UNTRACKED', quantity: 1 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
      shipBy: new Date(DUE + 30 * H).toISOString(),
    });
    clock.set(DUE + 2 * H);

    const closed = await verdictOf(late);
    expect(closed.situation).toMatchObject({ kind: 'closed', actionable: false, in_queues: false, exposure: null });
    expect(closed.status).toBe('closed');
    const open = await verdictOf(fine);
    expect(open.situation).toMatchObject({ kind: 'open', actionable: true });

    // The at-risk view shows the same situation and exposure the verdict gives, and leaves the closed order out.
    const view = await atRiskView();
    expect(view.map((i) => i.id)).toEqual([fine]);
    expect(view[0]!.deadline).toMatchObject({
      situation: open.situation.kind,
      fine_if_missed: open.situation.exposure,
      status: open.status,
    });

    // Shipping it would pay postage on a refunded order: refused, nothing queued, the row untouched.
    const refusal = await markParcelShipped(
      ctx,
      { orderId: late, trackingNumber: 'RR123456785CN', serviceName: 'CPAM', lastParcel: true },
      'test',
    ).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ConflictError);
    expect((refusal as ConflictError).rule).toBe('order.closed');
    expect((refusal as ConflictError).localizedMessage['zh-CN']).toMatch(/已关闭/);
    expect(await store.db.selectFrom('outbox').select('id').where('order_id', '=', late).execute()).toEqual([]);
    const handover = await app.inject({
      method: 'POST',
      url: `/orders/${late}/handover`,
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(handover.statusCode).toBe(409);
    expect(handover.json().error).toMatchObject({ rule: 'order.closed' });
    expect(handover.json().error.message).toMatch(/已关闭/);
    const labels = await app.inject({ method: 'POST', url: `/orders/${late}/labels`, payload: {} });
    expect(labels.statusCode).toBe(409);
    expect(labels.json().error.rule).toBe('order.closed');
    // The work queue plans the open order only (a what-if plan of the shop).
    const plan = (await app.inject({ method: 'GET', url: `/plan?shop=${SHOP}&stations=1` })).json();
    const planned = JSON.stringify(plan);
    expect(planned).toContain('OPEN-1');
    expect(planned).not.toContain('CLOSED-1');
  });

  it('the metrics count what the rules count: an unshipped regular order past its deadline is non-fulfilment, not a late shipment', async () => {
    await placeOrder(ctx, SHOP, 'MISSED-1', [{ sku: 'UNTRACKED', quantity: 1 }], { status: 'WAIT_SELLER_SEND_GOODS' });
    clock.set(DUE + 3 * 24 * H);
    const metrics = (await app.inject({ method: 'GET', url: `/metrics/seller?shop=${SHOP}` })).json();
    // Paid 2026-11-20 (before the 7-day window): the 30-day window holds it.
    const month = metrics.windows.find((w: { days: number }) => w.days === 30);
    const metric = (key: string) =>
      month.metrics.find((m: { key?: string; metric?: string }) => (m.key ?? m.metric) === key);
    // The catalogue's seed order (completed) is the other order of the window.
    expect(metric('non_fulfilment_rate')).toMatchObject({ numerator: 1, denominator: 2 });
    expect(metric('late_shipment_rate').numerator).toBe(0);
  });

  it('a self-send order handed over in time waits for its warehouse receipt without drifting late, and reads shipped in time once it is recorded', async () => {
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: `/shops/${SHOP}/policy`,
          payload: { policy_id: 'aliexpress_semi_self_send' },
        })
      ).statusCode,
    ).toBe(200);
    const id = await placeOrder(ctx, SHOP, 'SELF-1', [{ sku: 'UNTRACKED', quantity: 1 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
    });
    const deadline = (await verdictOf(id)).ship_by_at as string;
    const handedOver = Date.parse(deadline) - 30 * H;
    const notYet = await app.inject({ method: 'POST', url: `/orders/${id}/warehouse-receipt`, payload: {} });
    expect(notYet.statusCode).toBe(409);
    expect(notYet.json().error.rule).toBe('receipt.not_handed_over');
    await store.db.updateTable('orders').set({ handed_over_at: handedOver }).where('id', '=', id).execute();

    // Days later, nothing recorded: still waiting for the count (no drift to late, no "closed"), said as not known yet.
    clock.set(Date.parse(deadline) + 10 * 24 * H);
    const waiting = await verdictOf(id);
    expect(waiting).toMatchObject({
      status: 'awaiting_count',
      counted_event: 'warehouse_received',
      fine_now: { amount: 0 },
    });
    expect(waiting.situation.kind).toBe('awaiting_count');
    expect(waiting.headline.en).toMatch(/warehouse receipt is not known yet .*Record it on the order page/);
    expect(waiting.situation.assumptions.map((a: { en: string }) => a.en).join(' ')).toMatch(
      /24 h after the hand-over/,
    );

    // A receipt before the hand-over is refused at its field, and nothing changes.
    const early = await app.inject({
      method: 'POST',
      url: `/orders/${id}/warehouse-receipt`,
      payload: { at: new Date(handedOver - H).toISOString() },
    });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.issues[0].path).toBe('at');
    expect(
      (
        await store.db
          .selectFrom('orders')
          .select('warehouse_received_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).warehouse_received_at,
    ).toBeNull();

    const recorded = await app.inject({
      method: 'POST',
      url: `/orders/${id}/warehouse-receipt`,
      payload: { at: new Date(handedOver + 20 * H).toISOString() },
    });
    expect(recorded.statusCode).toBe(200);
    const shipped = await verdictOf(id);
    expect(shipped.status).toBe('shipped_on_time');
    expect(shipped.situation.kind).toBe('shipped_in_time');
  });

  it("a self-send order's receipt at the platform's warehouse is read from its tracking's delivery there, until one is recorded by hand", async () => {
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: `/shops/${SHOP}/policy`,
          payload: { policy_id: 'aliexpress_semi_self_send' },
        })
      ).statusCode,
    ).toBe(200);
    const id = await placeOrder(ctx, SHOP, 'SELF-TRACKED', [{ sku: 'UNTRACKED', quantity: 1 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
    });
    const deadline = Date.parse((await verdictOf(id)).ship_by_at as string);
    // Handed over 10 h before the deadline; the courier delivered it to the platform's warehouse 70 h after the deadline.
    await store.db
      .updateTable('orders')
      .set({ handed_over_at: deadline - 10 * H, delivered_at: deadline + 70 * H })
      .where('id', '=', id)
      .execute();
    clock.set(deadline + 100 * H);
    const late = await verdictOf(id);
    expect(late.situation.kind).toBe('shipped_late');
    expect(late.counted_event).toBe('warehouse_received');
    // The seller records the receipt the platform's warehouse reports (before the deadline, not as the tracking said): it wins.
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/orders/${id}/warehouse-receipt`,
          payload: { at: new Date(deadline - 5 * H).toISOString() },
        })
      ).statusCode,
    ).toBe(200);
    expect((await verdictOf(id)).situation.kind).toBe('shipped_in_time');
  });

  it("one shop mixes order types: an order of type self_send follows the shop's policy for that type, the others the default", async () => {
    const set = await app.inject({
      method: 'PUT',
      url: `/shops/${SHOP}/policy`,
      payload: { policy_id: 'aliexpress_semi_jit', by_order_type: { self_send: 'aliexpress_semi_self_send' } },
    });
    expect(set.statusCode).toBe(200);
    const json = (id: string, extra: Record<string, unknown>) => ({
      order_id: id,
      platform: 'aliexpress',
      status: 'WAIT_SELLER_SEND_GOODS',
      paid_at: '2026-11-20T10:00:00Z',
      buyer_name: 'B',
      buyer_country: 'FR',
      address_line1: 'a',
      city: 'Paris',
      currency: 'EUR',
      handling_days: 5,
      lines: [{ sku: 'UNTRACKED', quantity: 1, unit_price: '5.00' }],
      ...extra,
    });
    const posted = await app.inject({
      method: 'POST',
      url: '/orders',
      payload: { shop_id: SHOP, orders: [json('TYPE-SELF', { order_type: 'self_send' }), json('TYPE-JIT', {})] },
    });
    expect(posted.statusCode).toBe(200);
    const idOf = async (ref: string) =>
      await store.db
        .selectFrom('orders')
        .select(['id', 'order_type'])
        .where('platform_order_id', '=', ref)
        .executeTakeFirstOrThrow();
    const self = await idOf('TYPE-SELF');
    expect(self.order_type).toBe('self_send');
    expect((await verdictOf(self.id)).policy).toBe('aliexpress_semi_self_send@1');
    expect((await verdictOf((await idOf('TYPE-JIT')).id)).policy).toBe('aliexpress_semi_jit@1');
    const bad = await app.inject({
      method: 'POST',
      url: '/orders',
      payload: { shop_id: SHOP, orders: [json('TYPE-BAD', { order_type: 'Self Send' })] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].path).toBe('orders[0].order_type');
  });

  it('an order waiting for stock: will miss with none on order, at risk once a purchase order is due in time, will miss when it is due too late', async () => {
    const id = await placeOrder(ctx, SHOP, 'STOCK-1', [{ sku: 'AE-A', quantity: 2 }], {
      status: 'WAIT_SELLER_SEND_GOODS',
    });
    expect(
      (await store.db.selectFrom('orders').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status,
    ).toBe('awaiting_stock');

    const none = await verdictOf(id);
    expect(none.status).toBe('waiting_for_stock');
    expect(none.situation.kind).toBe('will_miss');
    expect(none.headline.en).toMatch(/none is expected: this order will miss/);
    expect(none.options.map((o: { course: string }) => o.course)).toEqual(['wait_for_stock', 'cancel']);

    const inTime = await createPurchaseOrder(ctx, {
      warehouseId: 'SZ',
      supplier: 'Yiwu',
      expectedAt: DUE - 24 * H,
      lines: [{ sku: 'A', quantity: 5 }],
    });
    await purchaseOrderAction(ctx, inTime, 'place', { actor: 'test' });
    const coming = await verdictOf(id);
    expect(coming.situation.kind).toBe('at_risk');
    expect(coming.headline.en).toMatch(/expected .*in time if it is handed over by/);

    await purchaseOrderAction(ctx, inTime, 'cancel', { actor: 'test' });
    const tooLate = await createPurchaseOrder(ctx, {
      warehouseId: 'SZ',
      supplier: 'Yiwu',
      expectedAt: DUE + 24 * H,
      lines: [{ sku: 'A', quantity: 5 }],
    });
    await purchaseOrderAction(ctx, tooLate, 'place', { actor: 'test' });
    // The deadline warning says it will miss, and why (the alert's payload carries the situation).
    await addWebhook(ctx, { url: 'http://127.0.0.1:9/alerts', secret: 'alert-secret-0000001' });
    expect((await runWarningSweep(ctx)).warned).toBe(1);
    const warning = await store.db
      .selectFrom('order_events')
      .select(['reason'])
      .where('order_id', '=', id)
      .where('kind', '=', 'deadline_warning')
      .executeTakeFirstOrThrow();
    expect(warning.reason).toMatch(/must ship within .* Waiting for stock of A, expected .*This order will miss/);
    const alert = await store.db
      .selectFrom('webhook_deliveries')
      .select(['payload'])
      .where('kind', '=', 'deadline_warning')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(alert.payload)).toMatchObject({ situation: 'will_miss', platform_order_id: 'STOCK-1' });
    const late = await situationOfOrder(ctx, id, ctx.now());
    expect(late.situation!.kind).toBe('will_miss');
    expect(late.facts.stock).toEqual({ skus: ['A'], expectedAt: DUE + 24 * H });
    // The at-risk view reads the same situation.
    const view = await atRiskView();
    expect(view.find((i) => i.id === id)!.deadline.situation).toBe('will_miss');
  });
});
