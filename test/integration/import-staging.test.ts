/**
 * Issue 20: an import commits its staging in short chunks (other writers get the write lock between them) while the
 * file's orders stay invisible until the one merge, which keeps the whole-file refusal and "nothing half-written".
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { importOrderFile } from '../../src/app/import-orders';
import { validatedOrders } from '../../src/app/order-stream';
import { upsertOrders } from '../../src/app/orders';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock, tempDir } from '../support/backends';
import { orderRow, writeCsv } from '../support/files';

const STAGING_TABLES = [
  'import_runs',
  'import_staged_orders',
  'import_staged_lines',
  'import_staged_events',
  'import_staged_changes',
] as const;

async function stagingRows(store: Store): Promise<number> {
  let total = 0;
  for (const table of STAGING_TABLES) {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    total += Number(row.n);
  }
  return total;
}

const orderCount = async (store: Store, shopId: string) =>
  Number(
    (
      await store.db
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('shop_id', '=', shopId)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe.each(backends)('an import stages in chunks on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  const clock = manualClock();
  const dir = tempDir();
  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, clock);
  });
  afterAll(async () => {
    await dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const rows = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => orderRow(`${prefix}${i + 1}`, 'SKU-A'));

  it('merges every staged order with its lines and events at once, and leaves no staging rows', async () => {
    const file = writeCsv(dir, 'many.csv', [
      ...rows('M', 23),
      orderRow('M24', 'SKU-A'),
      orderRow('M24', 'SKU-B', { quantity: '3' }),
    ]);
    const report = await importOrderFile(ctx, { shopId: 'shop-m', file, batchSize: 4 });
    expect(report).toMatchObject({ committed: true, orders: 24, created: 24, updated: 0, issueCount: 0 });
    const merged = await store.db
      .selectFrom('orders')
      .select(['id', 'platform_order_id', 'total_amount'])
      .where('shop_id', '=', 'shop-m')
      .orderBy('id')
      .execute();
    // File order is kept, and each order has its own lines and its "created" event.
    expect(merged.map((o) => o.platform_order_id)).toEqual(Array.from({ length: 24 }, (_, i) => `M${i + 1}`));
    const m24 = merged[23]!;
    expect(m24.total_amount).toBe(499 + 3 * 499);
    const lines = await store.db
      .selectFrom('order_lines')
      .select(['sku', 'quantity'])
      .where('order_id', '=', m24.id)
      .orderBy('line_no')
      .execute();
    expect(lines).toEqual([
      { sku: 'SKU-A', quantity: 1 },
      { sku: 'SKU-B', quantity: 3 },
    ]);
    const events = await store.db
      .selectFrom('order_events')
      .select(['order_id', 'kind'])
      .where(
        'order_id',
        'in',
        merged.map((o) => o.id),
      )
      .execute();
    expect(events.filter((e) => e.kind === 'created')).toHaveLength(24);
    expect(await stagingRows(store)).toBe(0);
  });

  it('writes exactly what the one-by-one upsert writes: the same rows, lines and events (shipped, cancel requested)', async () => {
    const file = writeCsv(dir, 'same.csv', [
      orderRow('S1', 'SKU-A', { quantity: '2' }),
      orderRow('S2', 'SKU-B', { status: 'WAIT_BUYER_ACCEPT_GOODS', shipped_at: '2026-11-21 08:00:00' }),
      orderRow('S3', 'SKU-C', { cancel_requested_at: '2026-11-22 09:30:00' }),
      orderRow('S4', 'SKU-A', { status: 'RISK_CONTROL', risk_passed_at: '', order_type: 'jit' }),
    ]);
    expect(await importOrderFile(ctx, { shopId: 'shop-staged', file })).toMatchObject({ committed: true, created: 4 });
    const incoming = [];
    for await (const batch of validatedOrders(file, { keepRaws: false })) incoming.push(...batch.valid);
    await upsertOrders(ctx, 'shop-direct', incoming, 'import');
    const written = async (shopId: string) => {
      const rows = await store.db
        .selectFrom('orders')
        .selectAll()
        .where('shop_id', '=', shopId)
        .orderBy('platform_order_id')
        .execute();
      const out = [];
      for (const { id, shop_id: _shop, ...row } of rows) {
        const lines = await store.db
          .selectFrom('order_lines')
          .select(['line_no', 'sku', 'quantity', 'unit_price'])
          .where('order_id', '=', id)
          .orderBy('line_no')
          .execute();
        const events = await store.db
          .selectFrom('order_events')
          .select(['kind', 'to_state', 'reason', 'data', 'actor'])
          .where('order_id', '=', id)
          .orderBy('id')
          .execute();
        // The file's name is the only difference: the import records it as the source, the API has none.
        const withoutSource = events.map((e) => {
          const { source: _source, ...data } = e.data ? (JSON.parse(e.data) as Record<string, unknown>) : {};
          return { ...e, data: Object.keys(data).length ? data : null };
        });
        out.push({ row, lines, events: withoutSource });
      }
      return out;
    };
    const staged = await written('shop-staged');
    expect(staged.map((o) => o.events.map((e) => e.kind))).toEqual([
      ['created'],
      ['created', 'upload_time_from_platform'],
      ['created', 'cancel_requested'],
      ['created'],
    ]);
    expect(staged).toEqual(await written('shop-direct'));
  });

  it('a file refused for one bad row merges nothing and leaves no staging rows', async () => {
    const file = writeCsv(dir, 'bad.csv', [...rows('B', 10), orderRow('B11', 'SKU-A', { quantity: 'two' })]);
    const report = await importOrderFile(ctx, { shopId: 'shop-b', file, batchSize: 3 });
    expect(report.committed).toBe(false);
    expect(report.issues[0]).toMatchObject({ field: 'quantity' });
    expect(await orderCount(store, 'shop-b')).toBe(0);
    expect(await stagingRows(store)).toBe(0);
  });

  it('a change the database refuses at the merge rolls back the whole file, staged new orders included', async () => {
    const first = writeCsv(dir, 'shipped.csv', [orderRow('C1', 'SKU-A', { status: 'WAIT_BUYER_ACCEPT_GOODS' })]);
    expect(await importOrderFile(ctx, { shopId: 'shop-c', file: first })).toMatchObject({
      committed: true,
      created: 1,
    });
    // C1 is shipped in shipby: a file cannot make it cancelled.
    const second = writeCsv(dir, 'cancel.csv', [...rows('N', 6), orderRow('C1', 'SKU-A', { status: 'cancelled' })]);
    const report = await importOrderFile(ctx, { shopId: 'shop-c', file: second, batchSize: 2 });
    expect(report.committed).toBe(false);
    expect(report.issues[0]).toMatchObject({ field: 'status' });
    expect(await orderCount(store, 'shop-c')).toBe(1);
    expect(await stagingRows(store)).toBe(0);
  });

  it('drops what an import killed mid-file left in staging, before the next one', async () => {
    // A run owned by a process of this host that no longer exists (pid 2^22 + 1 is above Linux's pid_max default).
    const dead = `${(await import('node:os')).hostname()}:4194305:dead00:1`;
    await store.db
      .insertInto('import_runs')
      .values({ id: 'imp-killed', shop_id: 'shop-k', file: 'x.csv', owner: dead, started_at: clock.now() })
      .execute();
    await store.db
      .insertInto('import_staged_changes')
      .values({ import_id: 'imp-killed', seq: 1, payload: '{}' })
      .execute();
    await store.db
      .insertInto('import_staged_lines')
      .values({
        import_id: 'imp-killed',
        seq: 1,
        platform_order_id: 'K1',
        line_no: 1,
        sku: 'S',
        quantity: 1,
        unit_price: 1,
      })
      .execute();
    const file = writeCsv(dir, 'after-kill.csv', rows('K', 2));
    expect(await importOrderFile(ctx, { shopId: 'shop-k', file })).toMatchObject({ committed: true, created: 2 });
    expect(await stagingRows(store)).toBe(0);
  });

  it.runIf(backend.name === 'sqlite')(
    'other writers get the write lock between chunks, and see none of the file until the merge',
    async () => {
      // Big enough (about 1.6 MiB) for the reader to hand over the file in two chunks of 1 MiB: the first call of
      // onProgress comes mid-file, after the first chunk's staging committed and before the rest is read.
      const file = writeCsv(dir, 'chunks.csv', rows('W', 8000));
      const other = new Database(store.sqlite!.name);
      other.pragma('busy_timeout = 0'); // a held lock would fail at once
      const seen: Array<{ visible: number; wrote: boolean }> = [];
      try {
        const report = await importOrderFile(ctx, {
          shopId: 'shop-w',
          file,
          batchSize: 100,
          onProgress: () => {
            let wrote = false;
            try {
              other.exec('BEGIN IMMEDIATE');
              other
                .prepare(
                  "INSERT INTO store_leases (name, owner, until, updated_at) VALUES (?, 'probe', 0, 0) ON CONFLICT (name) DO UPDATE SET updated_at = updated_at + 1",
                )
                .run('probe');
              other.exec('COMMIT');
              wrote = true;
            } catch {
              if (other.inTransaction) other.exec('ROLLBACK');
            }
            const visible = (
              other.prepare("SELECT count(*) AS n FROM orders WHERE shop_id = 'shop-w'").get() as { n: number }
            ).n;
            seen.push({ visible, wrote });
          },
        });
        expect(report).toMatchObject({ committed: true, created: 8000 });
      } finally {
        other.close();
      }
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(seen.every((s) => s.wrote)).toBe(true);
      expect(seen.every((s) => s.visible === 0)).toBe(true);
      expect(await orderCount(store, 'shop-w')).toBe(8000);
    },
  );

  it.runIf(backend.name === 'sqlite')(
    'an order another writer creates while the file is staged becomes a change of it, not a failure',
    async () => {
      const file = writeCsv(dir, 'race.csv', rows('R', 6));
      const other = new Database(store.sqlite!.name);
      other.pragma('busy_timeout = 5000');
      let inserted = false;
      try {
        const report = await importOrderFile(ctx, {
          shopId: 'shop-r',
          file,
          batchSize: 2,
          onProgress: () => {
            if (inserted) return;
            inserted = true;
            // R6 is staged by now; the "sync" creates it before the merge, with other content.
            other
              .prepare(
                "INSERT INTO shops (id, name, platform, created_at) VALUES ('shop-r', 'shop-r', 'aliexpress', 0)",
              )
              .run();
            other
              .prepare(`INSERT INTO orders (shop_id, platform, platform_order_id, status, platform_status, currency, total_amount, buyer_name,
            buyer_country, address_line1, city, paid_at, content_hash, version, created_at, updated_at)
            VALUES ('shop-r', 'aliexpress', 'R6', 'awaiting_shipment', 'WAIT_SELLER_SEND_GOODS', 'USD', 100, 'Someone', 'ES', 'Calle 1', 'Madrid', ?, 'other', 1, ?, ?)`)
              .run(clock.now(), clock.now(), clock.now());
          },
        });
        expect(report).toMatchObject({ committed: true, created: 5, updated: 1, issueCount: 0 });
      } finally {
        other.close();
      }
      const r6 = await store.db
        .selectFrom('orders')
        .select(['total_amount', 'buyer_name'])
        .where('shop_id', '=', 'shop-r')
        .where('platform_order_id', '=', 'R6')
        .execute();
      expect(r6).toEqual([{ total_amount: 499, buyer_name: 'Buyer R6' }]);
      expect(await stagingRows(store)).toBe(0);
    },
  );
});
