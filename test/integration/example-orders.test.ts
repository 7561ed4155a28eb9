/**
 * Issue 17: the sample orders are written relative to now, so they import open whatever the day: every order in
 * an open state, every deadline ahead, the semi-managed ones with their order type; the same file again changes
 * nothing (idempotent import). Both backends.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { importOrderFile } from '../../src/app/import-orders';
import { exampleOrdersCsv } from '../../src/core/example-orders';
import { OPEN_ORDER_STATES } from '../../src/core/order';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock, tempDir } from '../support/backends';

// Any day: a date far from the dated examples/orders.csv.
const NOW = Date.UTC(2027, 4, 14, 7, 30);

describe.each(backends)('sample orders relative to now on $name', { timeout: 120_000 }, (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let file: string;
  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, manualClock(NOW));
    file = path.join(tempDir(), 'sample-orders.csv');
    fs.writeFileSync(file, exampleOrdersCsv(NOW));
  });
  afterAll(async () => dispose());

  it('import open: open states, deadlines ahead, semi-managed order types kept', async () => {
    const report = await importOrderFile(ctx, { shopId: 'demo', file, actor: 'test' });
    expect(report.committed).toBe(true);
    expect(report.created).toBe(6);
    const orders = await store.db
      .selectFrom('orders')
      .select(['platform_order_id', 'status', 'ship_by_at', 'order_type'])
      .orderBy('platform_order_id')
      .execute();
    expect(orders).toHaveLength(6);
    for (const o of orders) expect(OPEN_ORDER_STATES as readonly string[]).toContain(o.status);
    const due = orders.filter((o) => o.ship_by_at !== null).map((o) => Number(o.ship_by_at));
    expect(due.length).toBeGreaterThanOrEqual(4);
    for (const t of due) expect(t).toBeGreaterThan(NOW);
    // One is due within the day: the at-risk screens have something to show.
    expect(Math.min(...due) - NOW).toBeLessThan(24 * 3_600_000);
    expect(
      orders
        .map((o) => o.order_type)
        .filter(Boolean)
        .sort(),
    ).toEqual(['jit', 'self_send']);
    const again = await importOrderFile(ctx, { shopId: 'demo', file, actor: 'test' });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 6 });
  });
});
