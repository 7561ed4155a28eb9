/**
 * A full disk is "disk full" in English and Chinese — HTTP 507 with the usual error body, the CLI's message — and
 * nothing half-written. SQLite's `max_page_count` caps a test store so that a real write path hits SQLITE_FULL;
 * PostgreSQL's 53100 disk_full maps the same way. A SQLite file locked by another process for longer than the wait
 * is a 503 "busy" with Retry-After, not a 500.
 */
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DiskFullError, sellerError, StoreBusyError } from '../../src/app/errors';
import { importOrderFile } from '../../src/app/import-orders';
import { reportError } from '../../src/cli/support';
import { buildServer } from '../../src/http/server';
import { migrateToLatest, openStore, type Store } from '../../src/store/database';
import { backends, contextFor, tempDir } from '../support/backends';
import { orderRow, writeCsv } from '../support/files';

const sqlite = backends.find((b) => b.name === 'sqlite')!;

const order = (id: string) => ({
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
});

async function counts(store: Store) {
  const count = async (table: 'orders' | 'order_events' | 'order_lines') =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { orders: await count('orders'), events: await count('order_events'), lines: await count('order_lines') };
}

/** Caps the file at its present size: the next write that needs a new page fails with SQLITE_FULL. */
function capAtPresentSize(store: Store): () => void {
  const pages = Number(store.sqlite!.pragma('page_count', { simple: true }));
  store.sqlite!.pragma(`max_page_count = ${pages}`);
  return () => void store.sqlite!.pragma('max_page_count = 1073741823');
}

describe('a full disk on SQLite', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ store, dispose } = await sqlite.open());
    app = await buildServer(contextFor(store), { authentication: false });
    expect(
      (await app.inject({ method: 'POST', url: '/orders', payload: { shop_id: 'web', orders: [order('W1')] } }))
        .statusCode,
    ).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    await dispose();
  });

  it('answers 507 "disk full" in both languages and writes nothing of the request', async () => {
    const before = await counts(store);
    const uncap = capAtPresentSize(store);
    const many = Array.from({ length: 300 }, (_, i) => order(`F${i}`));
    const full = await app.inject({
      method: 'POST',
      url: '/orders',
      payload: { shop_id: 'web', orders: many },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(full.statusCode).toBe(507);
    const error = full.json().error;
    expect(error.code).toBe('disk_full');
    expect(error.messages.en).toMatch(/disk holding the database is full: nothing was saved/);
    expect(error.message).toBe(error.messages['zh-CN']);
    expect(error.messages['zh-CN']).toMatch(/磁盘已满/);
    expect(await counts(store)).toEqual(before);
    uncap();
    // Space again: the same request goes through, whole.
    expect(
      (await app.inject({ method: 'POST', url: '/orders', payload: { shop_id: 'web', orders: many } })).statusCode,
    ).toBe(200);
    expect((await counts(store)).orders).toBe(before.orders + 300);
  });

  it('an import fails with "disk full" on the command line, not "cannot rollback", and stores nothing', async () => {
    const file = writeCsv(
      tempDir(),
      'orders.csv',
      Array.from({ length: 400 }, (_, i) => orderRow(`9000${i}`, 'SKU-1')),
    );
    const before = await counts(store);
    const uncap = capAtPresentSize(store);
    const failure = await importOrderFile(contextFor(store), { shopId: 'csv', file }).then(
      () => null,
      (e: unknown) => e,
    );
    uncap();
    expect((failure as { code?: string }).code).toBe('SQLITE_FULL');
    expect(await counts(store)).toEqual(before);
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const exitCode = process.exitCode;
    try {
      reportError(failure);
      expect(printed.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringMatching(/^The disk holding the database is full: nothing was saved/),
      ]);
      expect(process.exitCode).toBe(1);
    } finally {
      printed.mockRestore();
      process.exitCode = exitCode;
    }
  });
});

describe('a full disk on PostgreSQL', () => {
  it('maps 53100 disk_full to the same error', () => {
    const pgError = Object.assign(new Error('could not extend file "base/16384/16385": No space left on device'), {
      code: '53100',
    });
    expect(sellerError(pgError)).toBeInstanceOf(DiskFullError);
    expect(sellerError(new Error('other'))).not.toBeInstanceOf(DiskFullError);
  });
});

describe('a SQLite file locked by another process for longer than the wait', () => {
  it('answers 503 "busy" with Retry-After in both languages, and writes once the lock is gone', async () => {
    const file = path.join(tempDir(), 'busy.db');
    const previous = process.env.SHIPBY_SQLITE_BUSY_WAIT_MS;
    process.env.SHIPBY_SQLITE_BUSY_WAIT_MS = '300';
    const store = openStore(`sqlite:${file}`);
    if (previous === undefined) delete process.env.SHIPBY_SQLITE_BUSY_WAIT_MS;
    else process.env.SHIPBY_SQLITE_BUSY_WAIT_MS = previous;
    await migrateToLatest(store);
    const app = await buildServer(contextFor(store), { authentication: false });
    const other = new SqliteDatabase(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const busy = await app.inject({
        method: 'POST',
        url: '/orders',
        payload: { shop_id: 'web', orders: [order('B1')] },
      });
      expect(busy.statusCode).toBe(503);
      expect(busy.headers['retry-after']).toBe('5');
      expect(busy.json().error).toMatchObject({ code: 'busy', retry_after_seconds: 5 });
      expect(busy.json().error.messages.en).toMatch(/database is busy with another process.*nothing was saved/);
      expect(busy.json().error.messages['zh-CN']).toMatch(/数据库正被另一个进程占用/);
      other.exec('ROLLBACK');
      expect(
        (await app.inject({ method: 'POST', url: '/orders', payload: { shop_id: 'web', orders: [order('B1')] } }))
          .statusCode,
      ).toBe(200);
    } finally {
      other.close();
      await app.close();
      await store.close();
    }
    expect(sellerError(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))).toBeInstanceOf(
      StoreBusyError,
    );
  });
});
