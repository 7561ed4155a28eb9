/**
 * Eight real PostgreSQL connections accept (and cancel) orders for the same few scarce SKUs at once. After
 * every round: never oversold, reservations and ledger add up, every order is either reserved in full from
 * one warehouse or waiting with what it lacks recorded; after the sweep, no waiting order could be served.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../src/app/context';
import { ConflictError } from '../../src/app/errors';
import { applyOrderAction, upsertOrders } from '../../src/app/orders';
import { adjustStock } from '../../src/app/stock';
import { settleOpenOrders } from '../../src/app/stock-reservations';
import { openStore, type Store } from '../../src/store/database';
import { backends, manualClock } from '../support/backends';
import { expectStockInvariants, jsonOrder, resetStock, seedCatalogue } from '../support/stock';

const CONNECTIONS = 8;
const SHOP = 'shop-c';
const postgres = backends.find((b) => b.name === 'postgres')!;

describe('stock reservations under 8 concurrent PostgreSQL connections', () => {
  let base: Store;
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  const clock = manualClock(Date.UTC(2026, 10, 25, 6));
  beforeAll(async () => {
    ({ store: base, dispose } = await postgres.open());
    store = openStore(base.url, { poolSize: CONNECTIONS });
    ctx = createContext(store, clock.now);
    await seedCatalogue(ctx, SHOP);
  });
  afterAll(async () => {
    await store.close();
    // pg-pool's end() resolves before its sockets are closed; dropping the database at once would kill them mid-close.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await dispose();
  });

  it('never oversells and leaves every order reserved in full or waiting with its reason', async () => {
    let serial = 0;
    const line = fc.record({
      sku: fc.constantFrom('AE-A', 'AE-KIT', 'B', 'C'),
      quantity: fc.integer({ min: 1, max: 3 }),
    });
    const round = fc.record({
      orders: fc.array(
        fc.record({
          lines: fc.uniqueArray(line, { minLength: 1, maxLength: 2, selector: (l) => l.sku }),
          days: fc.integer({ min: 1, max: 5 }),
        }),
        { minLength: 16, maxLength: 32 },
      ),
      cancels: fc.nat(6),
      restock: fc.array(
        fc.record({
          warehouse: fc.constantFrom('SZ', 'MAD'),
          sku: fc.constantFrom('A', 'B', 'C'),
          by: fc.integer({ min: 1, max: 4 }),
        }),
        { maxLength: 2 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(8), { minLength: 6, maxLength: 6 }),
        fc.array(round, { minLength: 2, maxLength: 3 }),
        async (opening, rounds) => {
          await resetStock(store);
          // Scarce stock: a handful of each SKU in each warehouse.
          for (const [i, onHand] of opening.entries())
            await adjustStock(ctx, {
              warehouseId: i < 3 ? 'SZ' : 'MAD',
              sku: 'ABC'[i % 3]!,
              reason: 'counted',
              to: onHand,
              actor: 'setup',
            });
          const accepted: number[] = [];
          for (const r of rounds) {
            // New orders (in review) first; then 8 workers accept them, cancel earlier ones and restock, all at once.
            const batch = r.orders.map((o) => ({
              order: jsonOrder(`C${++serial}`, 'RISK_CONTROL', o.lines, {
                ship_by: new Date(clock.now() + o.days * 86_400_000).toISOString(),
              }),
              row: 1,
            }));
            const { ids } = await upsertOrders(ctx, SHOP, batch, 'setup');
            const work: Array<() => Promise<unknown>> = [
              ...[...ids.values()].map((id) => () => applyOrderAction(ctx, id, { action: 'accept', actor: 'worker' })),
              ...accepted
                .splice(0, r.cancels)
                .map(
                  (id) => () => applyOrderAction(ctx, id, { action: 'cancel', reason: 'buyer asked', actor: 'worker' }),
                ),
              ...r.restock.map(
                (s) => () =>
                  adjustStock(ctx, {
                    warehouseId: s.warehouse,
                    sku: s.sku,
                    reason: 'found',
                    by: s.by,
                    actor: 'worker',
                  }),
              ),
            ];
            for (let i = work.length - 1; i > 0; i--) {
              const j = (serial * 7919 + i * 104729) % (i + 1); // a fixed shuffle per round, so a failure replays
              [work[i], work[j]] = [work[j]!, work[i]!];
            }
            let next = 0;
            const busy = new Set<number>();
            let peak = 0;
            await Promise.all(
              Array.from({ length: CONNECTIONS }, async (_, worker) => {
                while (next < work.length) {
                  const job = work[next++]!;
                  busy.add(worker);
                  peak = Math.max(peak, busy.size);
                  try {
                    await job();
                  } catch (error) {
                    if (!(error instanceof ConflictError)) throw error; // e.g. cancelling an order that shipped: refused, fine
                  } finally {
                    busy.delete(worker);
                  }
                }
              }),
            );
            expect(peak).toBeGreaterThan(1);
            accepted.push(...ids.values());
            await expectStockInvariants(ctx);
          }
          // Nothing was missed: after the sweep no waiting order could be served from one warehouse.
          await settleOpenOrders(ctx, 'sweep');
          await expectStockInvariants(ctx, { strict: true });
          const states = await store.db
            .selectFrom('orders')
            .select('status')
            .where('shop_id', '=', SHOP)
            .where('platform_order_id', '!=', 'seed')
            .execute();
          expect(states.every((s) => ['awaiting_shipment', 'awaiting_stock', 'cancelled'].includes(s.status))).toBe(
            true,
          );
        },
      ),
      { numRuns: 4 },
    );
  });
});
