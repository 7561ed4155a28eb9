/**
 * writeOrdersAtVersions (store/orders.ts), the write under the one order transition, on SQLite (one cached prepared
 * statement per shape of change, run per order) and PostgreSQL (one statement per group): each order is written only
 * at the version read, gets its own values, keeps a milestone it already has, and the count says how many were
 * written. A property checks any mix of writes against a model of the rows.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/database';
import { writeOrdersAtVersions, type OrderWrite } from '../../src/store/orders';
import { backends } from '../support/backends';

const ORDERS = 6;
const T = Date.UTC(2026, 10, 25);

interface Row {
  id: number;
  status: string;
  version: number;
  updated_at: number;
  first_scan_at: number | null;
  delivered_at: number | null;
}

async function seedOrders(store: Store): Promise<void> {
  await sql`DELETE FROM orders`.execute(store.db);
  await sql`INSERT INTO shops (id, name, platform, created_at) VALUES ('s', 's', 'aliexpress', ${T}) ON CONFLICT DO NOTHING`.execute(
    store.db,
  );
  for (let id = 1; id <= ORDERS; id++) {
    // Order 1 already has its first scan (a milestone keeps its first time).
    await sql`INSERT INTO orders (id, shop_id, platform, platform_order_id, status, currency, total_amount, buyer_name, buyer_country, address_line1, city,
        paid_at, first_scan_at, content_hash, version, created_at, updated_at)
      VALUES (${id}, 's', 'aliexpress', ${`P${id}`}, 'shipped', 'EUR', 1000, 'B', 'ES', 'Calle 1', 'Madrid', ${T}, ${id === 1 ? T + 1 : null}, 'h', 1, ${T}, ${T})`.execute(
      store.db,
    );
  }
}

async function readOrders(store: Store): Promise<Row[]> {
  const rows = await store.db
    .selectFrom('orders')
    .select(['id', 'status', 'version', 'updated_at', 'first_scan_at', 'delivered_at'])
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    status: r.status,
    version: Number(r.version),
    updated_at: Number(r.updated_at),
    first_scan_at: r.first_scan_at === null ? null : Number(r.first_scan_at),
    delivered_at: r.delivered_at === null ? null : Number(r.delivered_at),
  }));
}

describe.each(backends)('writing orders at their versions on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    await seedOrders(store);
  });
  afterEach(async () => {
    await dispose();
  });

  const write = (writes: OrderWrite[]) =>
    store.db.transaction().execute((trx) => writeOrdersAtVersions(trx, writes, store));

  it('writes each order its own values at the version read, keeps a first milestone, and counts a stale one out', async () => {
    const written = await write([
      {
        id: 1,
        version: 1,
        set: { status: 'delivered', updated_at: T + 10 },
        setIfNull: { first_scan_at: T + 5, delivered_at: T + 7 },
      },
      {
        id: 2,
        version: 1,
        set: { status: 'delivered', updated_at: T + 10 },
        setIfNull: { first_scan_at: T + 6, delivered_at: T + 8 },
      },
      { id: 3, version: 1, set: { status: 'in_transit', updated_at: T + 10 }, setIfNull: {} },
      { id: 4, version: 1, set: { status: 'in_transit', updated_at: T + 10 }, setIfNull: {} },
      // Stale: order 5 is at version 1.
      { id: 5, version: 2, set: { status: 'in_transit', updated_at: T + 10 }, setIfNull: {} },
    ]);
    expect(written).toBe(4);
    expect(await readOrders(store)).toEqual([
      { id: 1, status: 'delivered', version: 2, updated_at: T + 10, first_scan_at: T + 1, delivered_at: T + 7 },
      { id: 2, status: 'delivered', version: 2, updated_at: T + 10, first_scan_at: T + 6, delivered_at: T + 8 },
      { id: 3, status: 'in_transit', version: 2, updated_at: T + 10, first_scan_at: null, delivered_at: null },
      { id: 4, status: 'in_transit', version: 2, updated_at: T + 10, first_scan_at: null, delivered_at: null },
      { id: 5, status: 'shipped', version: 1, updated_at: T, first_scan_at: null, delivered_at: null },
      { id: 6, status: 'shipped', version: 1, updated_at: T, first_scan_at: null, delivered_at: null },
    ]);
  });

  it('writes any mix of orders, shapes and stale versions as a model of the rows says', async () => {
    const change = fc.record({
      id: fc.integer({ min: 1, max: ORDERS }),
      stale: fc.boolean(),
      status: fc.constantFrom('in_transit', 'delivered'),
      at: fc.integer({ min: 0, max: 3 }),
      firstScan: fc.option(fc.integer({ min: 10, max: 12 }), { nil: undefined }),
      delivered: fc.option(fc.integer({ min: 20, max: 22 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(change, { selector: (c) => c.id, maxLength: ORDERS }), async (changes) => {
        await seedOrders(store);
        const before = await readOrders(store);
        const writes: OrderWrite[] = changes.map((c) => ({
          id: c.id,
          version: c.stale ? 7 : 1,
          set: { status: c.status, updated_at: T + c.at },
          setIfNull: {
            ...(c.firstScan === undefined ? {} : { first_scan_at: T + c.firstScan }),
            ...(c.delivered === undefined ? {} : { delivered_at: T + c.delivered }),
          },
        }));
        const written = await write(writes);
        const expected = before.map((row) => {
          const c = changes.find((x) => x.id === row.id);
          if (!c || c.stale) return row;
          return {
            ...row,
            status: c.status,
            version: row.version + 1,
            updated_at: T + c.at,
            first_scan_at: row.first_scan_at ?? (c.firstScan === undefined ? null : T + c.firstScan),
            delivered_at: row.delivered_at ?? (c.delivered === undefined ? null : T + c.delivered),
          };
        });
        expect(written).toBe(changes.filter((c) => !c.stale).length);
        expect(await readOrders(store)).toEqual(expected);
      }),
      { numRuns: backend.name === 'postgres' ? 15 : 30 },
    );
  });
});
