/**
 * Issue 18, the scale plan (docs/architecture.md, "Sharding by account"): once accounts live on different PostgreSQL
 * nodes, each node's workers claim only its accounts' work. This shows, on both backends, that the outbox claim
 * restricted to one account's shops gives each account's workers exactly their own rows (each once, none of another
 * account's), and that the per-shop job turns (`job:order-sync:<shop>`) of one account's workers never hold or block
 * another account's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addShop, createAccount } from '../../src/app/accounts';
import type { AppContext } from '../../src/app/context';
import { upsertOrders } from '../../src/app/orders';
import { claimOutboxRows } from '../../src/app/upload-outbox';
import { shopsOfAccount } from '../../src/store/accounts';
import { liveLeases, takeLease } from '../../src/store/leases';
import { insertOutboxRows, NOTICE_KIND, newOutboxRow } from '../../src/store/outbox';
import { backends, contextFor, manualClock } from '../support/backends';
import { jsonOrder } from '../support/stock';

const ACCOUNTS = { default: ['north-1', 'north-2'], rival: ['south-1'] } as const;
const ORDERS_PER_SHOP = 12;

describe.each(backends)('work per account on $name', (backend) => {
  let ctx: AppContext;
  let dispose: () => Promise<void>;
  const shopOfRow = new Map<number, string>();
  const accountOfShop = new Map<string, string>();

  beforeAll(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    ctx = contextFor(opened.store, manualClock());
    await createAccount(ctx, 'rival', 'Rival Trading');
    for (const [account, shops] of Object.entries(ACCOUNTS)) {
      for (const shop of shops) {
        await addShop(ctx, { id: shop, accountId: account });
        accountOfShop.set(shop, account);
        const batch = Array.from({ length: ORDERS_PER_SHOP }, (_, i) => ({
          order: jsonOrder(`${shop}-${i}`, 'WAIT_SELLER_SEND_GOODS', [{ sku: 'SKU-1', quantity: 1 }]),
          row: i + 1,
        }));
        const { ids } = await upsertOrders(ctx, shop, batch, 'test');
        const rows = [...ids.entries()].map(([platformId, orderId], i) =>
          newOutboxRow(
            {
              kind: NOTICE_KIND,
              shop_id: shop,
              order_id: orderId,
              parcel_id: null,
              dedupe_key: `notice:${platformId}`,
              payload: '{}',
              send_type: null,
              priority_at: ctx.now() + i,
            },
            ctx.now(),
          ),
        );
        for (const [key, id] of await insertOutboxRows(ctx.store.db, rows))
          shopOfRow.set(id, key.slice('notice:'.length).replace(/-\d+$/, ''));
      }
    }
  }, 120_000);
  afterAll(async () => {
    await dispose?.();
  });

  it("gives each account's workers their own outbox rows, each once, none across accounts", async () => {
    // Two workers per account, claiming at once in small batches until their account has nothing left.
    const workers = await Promise.all(
      Object.keys(ACCOUNTS).flatMap((account) =>
        [1, 2].map(async (n) => ({
          name: `${account}-worker-${n}`,
          account,
          shopIds: await shopsOfAccount(ctx.store.db, account),
        })),
      ),
    );
    const claimedBy = new Map<number, string[]>();
    await Promise.all(
      workers.map(async (worker) => {
        for (;;) {
          const rows = await claimOutboxRows(ctx, worker.name, { limit: 3, leaseMs: 600_000, shopIds: worker.shopIds });
          if (rows.length === 0) return;
          for (const row of rows) claimedBy.set(row.id, [...(claimedBy.get(row.id) ?? []), worker.name]);
        }
      }),
    );
    expect(claimedBy.size).toBe(shopOfRow.size);
    for (const [id, names] of claimedBy) {
      expect(names).toHaveLength(1);
      const account = accountOfShop.get(shopOfRow.get(id)!);
      expect(names[0]!.startsWith(`${account}-worker-`)).toBe(true);
    }
    // Each account's rows went only to its own workers, and all of them.
    for (const [account, shops] of Object.entries(ACCOUNTS)) {
      const mine = [...shopOfRow].filter(([, shop]) => (shops as readonly string[]).includes(shop)).map(([id]) => id);
      expect(mine.every((id) => claimedBy.get(id)![0]!.startsWith(`${account}-`))).toBe(true);
      expect(mine).toHaveLength(shops.length * ORDERS_PER_SHOP);
    }
    // A worker of no shop claims nothing.
    expect(await claimOutboxRows(ctx, 'nobody', { limit: 10, leaseMs: 1, shopIds: [] })).toEqual([]);
  });

  it("keeps each account's per-shop job turns to its own workers", async () => {
    const now = Date.now();
    for (const [account, shops] of Object.entries(ACCOUNTS)) {
      for (const shop of shops) {
        // The first worker of the account takes the turn; the second finds it held; the other account's turns are untouched.
        expect(await takeLease(ctx.store.db, `job:order-sync:${shop}`, `${account}-worker-1`, now, 60_000)).toBe(true);
        expect(await takeLease(ctx.store.db, `job:order-sync:${shop}`, `${account}-worker-2`, now, 60_000)).toBe(false);
      }
    }
    const turns = await liveLeases(ctx.store.db, now, 'job:order-sync:');
    expect(turns.map((turn) => [turn.name.slice('job:order-sync:'.length), turn.owner])).toEqual(
      [...accountOfShop].sort(([a], [b]) => a.localeCompare(b)).map(([shop, account]) => [shop, `${account}-worker-1`]),
    );
  });
});
