/**
 * Issue 19 (found by the last session): an order reserves stock only in its own account's warehouses. The access
 * world stocks SKU-PLAN in wh-a (account default) only; an order of the rival account's shop must wait for stock in
 * its own warehouse instead of taking the default account's units.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustStock } from '../../src/app/stock';
import { upsertOrders } from '../../src/app/orders';
import type { AppContext } from '../../src/app/context';
import { buildAccessWorld, type AccessWorld } from '../support/access-world';
import { backends, contextFor } from '../support/backends';
import { jsonOrder } from '../support/stock';

describe.each(backends)("stock reserved only in the order's own account on $name", (backend) => {
  let ctx: AppContext;
  let world: AccessWorld;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    ctx = contextFor(opened.store);
    world = await buildAccessWorld(ctx);
  }, 120_000);
  afterAll(async () => dispose?.());

  const reservationsOf = (platformOrderId: string) =>
    ctx.store.db
      .selectFrom('stock_reservations')
      .innerJoin('orders', 'orders.id', 'stock_reservations.order_id')
      .select(['stock_reservations.warehouse_id', 'stock_reservations.quantity'])
      .where('orders.platform_order_id', '=', platformOrderId)
      .execute();
  const statusOf = async (platformOrderId: string) =>
    (
      await ctx.store.db
        .selectFrom('orders')
        .select('status')
        .where('platform_order_id', '=', platformOrderId)
        .executeTakeFirstOrThrow()
    ).status;

  it("a rival order waits rather than take another account's units, and reserves once its own warehouse has them", async () => {
    const level = () =>
      ctx.store.db
        .selectFrom('stock_levels')
        .select(['on_hand', 'reserved'])
        .where('warehouse_id', '=', world.warehouseA)
        .where('sku', '=', 'SKU-PLAN')
        .executeTakeFirstOrThrow();
    const before = await level();
    await upsertOrders(
      ctx,
      world.b.shop,
      [{ order: jsonOrder('RIVAL-WANTS-PLAN', 'WAIT_SELLER_SEND_GOODS', [{ sku: 'SKU-PLAN', quantity: 2 }]), row: 1 }],
      'test',
    );
    expect(await reservationsOf('RIVAL-WANTS-PLAN')).toEqual([]);
    expect(await statusOf('RIVAL-WANTS-PLAN')).toBe('awaiting_stock');
    expect(await level()).toEqual(before);

    // Stock arriving in the default account's warehouse does not serve it either; in its own, it does.
    await adjustStock(ctx, {
      warehouseId: world.warehouseA,
      sku: 'SKU-PLAN',
      reason: 'counted',
      to: 50,
      actor: 'test',
    });
    expect(await reservationsOf('RIVAL-WANTS-PLAN')).toEqual([]);
    await adjustStock(ctx, { warehouseId: world.warehouseB, sku: 'SKU-PLAN', reason: 'counted', to: 5, actor: 'test' });
    expect(await reservationsOf('RIVAL-WANTS-PLAN')).toEqual([{ warehouse_id: world.warehouseB, quantity: 2 }]);
    expect(await statusOf('RIVAL-WANTS-PLAN')).toBe('awaiting_shipment');
  });

  it("an order of the default account still reserves in its own account's warehouse", async () => {
    await upsertOrders(
      ctx,
      world.a.shop,
      [{ order: jsonOrder('A-WANTS-PLAN', 'WAIT_SELLER_SEND_GOODS', [{ sku: 'SKU-PLAN', quantity: 1 }]), row: 1 }],
      'test',
    );
    expect(await reservationsOf('A-WANTS-PLAN')).toEqual([{ warehouse_id: world.warehouseA, quantity: 1 }]);
  });
});
