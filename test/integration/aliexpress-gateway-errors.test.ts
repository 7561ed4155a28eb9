/**
 * Every documented gateway error shape (test/fixtures/aliexpress/gateway-errors/, sources in its README) replayed
 * by the fake marketplace over real HTTP: the class the client gives it, and what the upload outbox does with it
 * (retry after a wait, pause for a new authorisation, read back before sending again, dead-letter), on SQLite and
 * PostgreSQL. Nothing is ever declared twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { markParcelShipped } from '../../src/app/shipments';
import { DEFAULT_RETRY_POLICY } from '../../src/core/upload-rules';
import { createAliExpressClient } from '../../src/integrations/aliexpress/client';
import {
  REAUTHORISE_WAIT_MS,
  isMarketplaceError,
  type MarketplaceError,
} from '../../src/integrations/aliexpress/errors';
import { API } from '../../src/integrations/aliexpress/protocol';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { useFakeAliExpress } from '../support/fake-aliexpress';
import {
  FAKE_APP_KEY,
  FAKE_APP_SECRET,
  FAKE_TOKEN,
  connectFakeShop,
  outboxAttempt,
  s10For,
  seedOrders,
  type SeededOrder,
} from '../support/outbox-fixtures';

const FIXTURES = path.join(__dirname, '../fixtures/aliexpress/gateway-errors');
const fixture = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;

type Expected =
  | { kind: 'retryable'; reason: string; retryAfterMs?: number }
  | { kind: 'reauthorise' }
  | { kind: 'ambiguous'; reason: string }
  | { kind: 'permanent'; reason: string };

interface Case {
  file: string;
  protocol: 'iop' | 'top';
  /** The platform's words the error must keep. */
  msg: string;
  /** On a read (`findorderbyid`; absent for an answer only a write gets) and on the write (`fulfill`). */
  read?: Expected;
  write: Expected;
  /** What the outbox does with the write's failure. */
  outbox: 'retry' | 'pause' | 'read_back' | 'dead';
}

const CASES: Case[] = [
  {
    file: 'sync-api-call-limit.json',
    protocol: 'iop',
    msg: 'Api access frequency exceeds the limit. this ban will last 1 seconds',
    read: { kind: 'retryable', reason: 'rate_limited', retryAfterMs: 1000 },
    write: { kind: 'retryable', reason: 'rate_limited', retryAfterMs: 1000 },
    outbox: 'retry',
  },
  {
    file: 'top-app-call-limited.json',
    protocol: 'top',
    msg: 'This ban will last for 1 more seconds',
    read: { kind: 'retryable', reason: 'rate_limited', retryAfterMs: 1000 },
    write: { kind: 'retryable', reason: 'rate_limited', retryAfterMs: 1000 },
    outbox: 'retry',
  },
  {
    file: 'sync-system-service-unavailable.json',
    protocol: 'iop',
    msg: 'The service is temporarily unavailable',
    read: { kind: 'retryable', reason: 'server_error' },
    write: { kind: 'retryable', reason: 'server_error' },
    outbox: 'retry',
  },
  {
    file: 'top-service-unavailable.json',
    protocol: 'top',
    msg: 'Service currently unavailable',
    read: { kind: 'retryable', reason: 'server_error' },
    write: { kind: 'retryable', reason: 'server_error' },
    outbox: 'retry',
  },
  {
    file: 'sync-illegal-access-token.json',
    protocol: 'iop',
    msg: 'The specified access token is invalid or expired',
    read: { kind: 'reauthorise' },
    write: { kind: 'reauthorise' },
    outbox: 'pause',
  },
  {
    file: 'top-invalid-session.json',
    protocol: 'top',
    msg: 'Invalid session',
    read: { kind: 'reauthorise' },
    write: { kind: 'reauthorise' },
    outbox: 'pause',
  },
  {
    file: 'sync-isp-failure.json',
    protocol: 'iop',
    msg: 'Remote service error',
    read: { kind: 'retryable', reason: 'server_error' },
    write: { kind: 'ambiguous', reason: 'server_error' },
    outbox: 'read_back',
  },
  {
    file: 'top-isp-remote-timeout.json',
    protocol: 'top',
    msg: 'Remote service timed out',
    read: { kind: 'retryable', reason: 'server_error' },
    write: { kind: 'ambiguous', reason: 'upstream_timeout' },
    outbox: 'read_back',
  },
  {
    file: 'sync-incomplete-signature.json',
    protocol: 'iop',
    msg: 'The request signature does not conform to platform standards',
    read: { kind: 'permanent', reason: 'signature' },
    write: { kind: 'permanent', reason: 'signature' },
    outbox: 'dead',
  },
  {
    file: 'sync-isv-business-refusal.json',
    protocol: 'iop',
    msg: 'The order status does not allow this operation',
    read: { kind: 'permanent', reason: 'business_rule' },
    write: { kind: 'permanent', reason: 'business_rule' },
    outbox: 'dead',
  },
  {
    file: 'top-isv-invalid-parameter.json',
    protocol: 'top',
    msg: 'logistics_no is invalid',
    read: { kind: 'permanent', reason: 'business_rule' },
    write: { kind: 'permanent', reason: 'business_rule' },
    outbox: 'dead',
  },
  {
    file: 'fulfill-refused.json',
    protocol: 'iop',
    msg: 'The order has been closed and cannot be shipped',
    write: { kind: 'permanent', reason: 'business_rule' },
    outbox: 'dead',
  },
];

const fake = useFakeAliExpress({ seed: 11 });
afterEach(() => {
  fake.marketplace.reset();
  fake.clearFaults();
});

function inject(c: Case, methods: string | string[], commit: 'before' | 'after' = 'before') {
  const list = typeof methods === 'string' ? [methods] : methods;
  fake.setFaults({
    gatewayError: { probability: 1, count: list.length, methods: list, bodies: [fixture(c.file)], commit },
  });
}

function expectClass(error: unknown, expected: Expected, c: Case) {
  expect(isMarketplaceError(error)).toBe(true);
  const e = error as MarketplaceError & { reason?: string; retryAfterMs?: number };
  expect(e.kind).toBe(expected.kind);
  if ('reason' in expected) expect(e.reason).toBe(expected.reason);
  if (expected.kind === 'retryable' && expected.retryAfterMs !== undefined)
    expect(e.retryAfterMs).toBe(expected.retryAfterMs);
  expect(e.platformMessage).toBe(c.msg);
  expect(e.attempts).toBe(1);
}

describe('each documented gateway error, through the client', () => {
  const orderId = '8190000000777700';
  const seed = () =>
    fake.marketplace.addOrder(
      {
        order_id: orderId,
        status: 'WAIT_SELLER_SEND_GOODS',
        paid_at: fake.now() - 3_600_000,
        risk_passed_at: fake.now() - 1_800_000,
        handling_days: 5,
        lines: [{ sku: 'SKU-1', quantity: 1, unit_price: '4.99' }],
      },
      fake.now(),
    );
  const client = (protocol: 'iop' | 'top', maxAttempts = 1) =>
    createAliExpressClient({
      credentials: { appKey: FAKE_APP_KEY, appSecret: FAKE_APP_SECRET, accessToken: FAKE_TOKEN },
      gateway:
        protocol === 'iop'
          ? { protocol, baseUrl: fake.url }
          : { protocol, baseUrl: fake.url, signMethod: 'hmac-sha256' },
      retry: { maxAttempts, baseDelayMs: 1 },
      sleep: async () => {},
    });

  it.each(CASES.filter((c) => c.read))('$file: a read gets its class and keeps the platform message', async (c) => {
    seed();
    inject(c, API.orderDetail);
    const error = await client(c.protocol)
      .getOrder(orderId)
      .catch((e: unknown) => e);
    expectClass(error, c.read!, c);
  });

  it.each(CASES)('$file: the fulfil write gets its class; only a retryable one is sent again', async (c) => {
    seed();
    inject(c, API.fulfill);
    const error = await client(c.protocol)
      .declareShipment({ orderId, serviceName: 'CPAM', logisticsNo: s10For(1), sendType: 'all' })
      .catch((e: unknown) => e);
    expectClass(error, c.write, c);
    expect(fake.marketplace.declarations.filter((d) => d.accepted)).toHaveLength(0);

    // With retries allowed, the client repeats exactly the retryable ones (the fault fired once).
    fake.marketplace.reset();
    seed();
    inject(c, API.fulfill);
    fake.resetStats();
    const again = await client(c.protocol, 3)
      .declareShipment({ orderId, serviceName: 'CPAM', logisticsNo: s10For(1), sendType: 'all' })
      .then(
        () => 'declared',
        (e: unknown) => e,
      );
    const sent = fake.stats().byMethod[API.fulfill];
    if (c.write.kind === 'retryable') {
      expect(again).toBe('declared');
      expect(sent).toBe(2);
    } else {
      expect(isMarketplaceError(again)).toBe(true);
      expect(sent).toBe(1);
    }
  });
});

describe.each(backends)('what the upload outbox does with each documented error, on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let clock: ReturnType<typeof manualClock>;
  let orders: SeededOrder[];
  const settings = {
    leaseMs: 5_000,
    retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 5, maxDelayMs: 20, urgentMaxDelayMs: 20, maxAttempts: 4 },
  };

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    clock = manualClock(Date.now());
    ctx = contextFor(store, clock);
    await connectFakeShop(ctx, fake, 'shop');
  });
  afterAll(async () => {
    await dispose();
  });
  beforeEach(async () => {
    orders = await seedOrders(ctx, fake, {
      shop: 'shop',
      count: 1,
      parcelsOf: () => 1,
      firstId: 8190000100000000 + Math.floor(Math.random() * 1e6) * 10,
      now: clock.now(),
    });
  });

  const step = () => outboxAttempt(ctx, settings);
  const rowOf = (id: number) =>
    store.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it.each(CASES.filter((c) => c.protocol === 'iop' || c.outbox !== 'dead'))('$file → $outbox', async (c) => {
    if (c.protocol === 'top')
      await store.db
        .updateTable('marketplace_connections')
        .set({ gateway_protocol: 'top' })
        .where('shop_id', '=', 'shop')
        .execute();
    else
      await store.db
        .updateTable('marketplace_connections')
        .set({ gateway_protocol: 'iop' })
        .where('shop_id', '=', 'shop')
        .execute();
    const order = orders[0]!;
    const number = s10For(order.orderId);
    const shipped = await markParcelShipped(
      ctx,
      { orderId: order.orderId, trackingNumber: number, serviceName: 'CPAM', lastParcel: true },
      't',
    );
    // A platform-side failure of a write may come after the change was applied: the worst case for doubling. The
    // order read back at once after it fails too here (outbox-unclear-answer.test.ts has the read-back that answers).
    if (c.outbox === 'read_back') inject(c, [API.fulfill, API.orderDetail], 'after');
    else inject(c, API.fulfill);
    const before = clock.now();
    await step();
    const row = await rowOf(shipped.outboxId!);
    const accepted = () =>
      fake.marketplace.declarations
        .filter((d) => d.orderId === order.platformOrderId && d.accepted)
        .map((d) => d.logisticsNo);
    switch (c.outbox) {
      case 'retry':
        expect(row).toMatchObject({ status: 'pending', needs_readback: 0, attempts: 1 });
        if (c.write.kind === 'retryable' && c.write.retryAfterMs)
          expect(row.next_attempt_at).toBeGreaterThanOrEqual(before + c.write.retryAfterMs);
        expect(accepted()).toEqual([]);
        break;
      case 'pause':
        expect(row).toMatchObject({ status: 'pending', needs_readback: 0, attempts: 1 });
        expect(row.next_attempt_at).toBeGreaterThanOrEqual(before + REAUTHORISE_WAIT_MS);
        expect(accepted()).toEqual([]);
        break;
      case 'read_back':
        expect(row).toMatchObject({ status: 'pending', needs_readback: 1, attempts: 1 });
        expect(accepted()).toEqual([number]); // the platform did apply it
        break;
      case 'dead':
        expect(row).toMatchObject({ status: 'dead', attempts: 1 });
        expect(row.last_error).toContain(c.msg);
        expect(accepted()).toEqual([]);
        return;
    }
    // Once the platform answers normally again, the upload lands exactly once.
    fake.clearFaults();
    clock.set(Math.max(clock.now(), row.next_attempt_at) + 1);
    await step();
    expect(await rowOf(shipped.outboxId!)).toMatchObject({ status: 'delivered' });
    expect(accepted()).toEqual([number]);
  });
});
