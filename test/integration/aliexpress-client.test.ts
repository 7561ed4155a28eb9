/**
 * The AliExpress client against the fake marketplace over real HTTP on 127.0.0.1 (ephemeral ports), both gateways.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AliExpressClient,
  createAliExpressClient,
  type AliExpressClientConfig,
  type ClientEvent,
} from '../../src/integrations/aliexpress/client';
import {
  AmbiguousOutcomeError,
  PermanentMarketplaceError,
  RetryableMarketplaceError,
} from '../../src/integrations/aliexpress/errors';
import { startFakeAliExpressServer, type FakeAliExpressServer } from '../../src/integrations/aliexpress/fake-server';
import { mapDeclaredShipments, mapOrderDetail } from '../../src/integrations/aliexpress/mapping';
import { API, formatPlatformTime } from '../../src/integrations/aliexpress/protocol';
import { signIop } from '../../src/integrations/aliexpress/signing';

const APP_KEY = '34567890';
const APP_SECRET = 'sEcReT-0123456789abcdef';
const ACCESS_TOKEN = '50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg';
const HOUR = 3600_000;
const DAY = 24 * HOUR;

let fake: FakeAliExpressServer;

beforeAll(async () => {
  fake = await startFakeAliExpressServer({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    accessTokens: [ACCESS_TOKEN],
    seed: 7,
  });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.marketplace.reset();
  fake.clearFaults();
  fake.resetStats();
  fake.setClockOffset(0);
});

interface TestClient {
  client: AliExpressClient;
  sleeps: number[];
  events: ClientEvent[];
}

function makeClient(protocol: 'iop' | 'top', overrides: Partial<AliExpressClientConfig> = {}): TestClient {
  const sleeps: number[] = [];
  const events: ClientEvent[] = [];
  const client = createAliExpressClient({
    credentials: { appKey: APP_KEY, appSecret: APP_SECRET, accessToken: ACCESS_TOKEN },
    gateway:
      protocol === 'iop'
        ? { protocol: 'iop', baseUrl: fake.url }
        : { protocol: 'top', baseUrl: fake.url, signMethod: 'hmac-sha256' },
    timeoutMs: 2_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  return { client, sleeps, events };
}

function seedShippableOrder(orderId: string, extra: Record<string, unknown> = {}) {
  const now = fake.now();
  return fake.marketplace.addOrder(
    {
      order_id: orderId,
      status: 'WAIT_SELLER_SEND_GOODS',
      paid_at: now - 3 * HOUR,
      risk_passed_at: now - 2 * HOUR,
      handling_days: 5,
      buyer: { login_id: 'es0000000000abcde', country: 'ES' },
      lines: [
        { sku: 'SKU-RED-M', quantity: 2, unit_price: '4.99' },
        { sku: 'SKU-CASE-X', quantity: 1, unit_price: '7.30' },
      ],
      ...extra,
    },
    now,
  );
}

function expectNoCredentials(error: unknown): void {
  const text = `${(error as Error).message} ${JSON.stringify(error)} ${String(error)}`;
  expect(text).not.toContain(APP_SECRET);
  expect(text).not.toContain(ACCESS_TOKEN);
}

describe.each(['iop', 'top'] as const)('AliExpress client over the %s gateway', (protocol) => {
  it('lists orders modified in a window, page by page (page_size ≤ 50, Pacific query times)', async () => {
    const base = Math.floor((fake.now() - DAY) / 1000) * 1000;
    for (let i = 0; i < 7; i++)
      seedShippableOrder(String(8190000000100000 + i * 100), { modified_at: base + i * 60_000 });
    seedShippableOrder('8190000000200000', { modified_at: base - 1000 }); // just before the window
    seedShippableOrder('8190000000300000', { modified_at: base + 10 * 60_000 }); // after it
    const { client } = makeClient(protocol);

    const window = {
      from: base,
      to: base + 6 * 60_000,
      created: { from: fake.now() - 30 * DAY, to: fake.now() },
      pageSize: 3,
    };
    const first = await client.listOrdersModified({ ...window, page: 1 });
    expect(first).toMatchObject({ page: 1, pageSize: 3, totalCount: 7, totalPages: 3 });
    expect(first.orders).toHaveLength(3);
    expect(first.orders[0]).toMatchObject({ status: 'WAIT_SELLER_SEND_GOODS' });
    expect(first.orders[0]!.modifiedAt).toBeGreaterThanOrEqual(base);
    // The countdown is relative to the request timestamp; it ends at risk passed + 5 × 24 h.
    expect(Math.abs(first.orders[0]!.countdownEndsAt! - (fake.now() - 2 * HOUR + 5 * DAY))).toBeLessThan(5_000);
    const third = await client.listOrdersModified({ ...window, page: 3 });
    expect(third.orders).toHaveLength(1);

    const all: string[] = [];
    for await (const summary of client.listAllOrdersModified(window)) all.push(summary.orderId);
    expect(all.sort()).toEqual(Array.from({ length: 7 }, (_, i) => String(8190000000100000 + i * 100)));

    const byStatus = await client.listOrdersModified({ ...window, statuses: ['SELLER_PART_SEND_GOODS'] });
    expect(byStatus.totalCount).toBe(0);

    await expect(client.listOrdersModified({ ...window, pageSize: 51 })).rejects.toThrow(RangeError);
    // The platform limit is enforced by the fake too.
    const oversized = client.call(
      API.orderList,
      {
        param_aeop_order_query: JSON.stringify({
          modified_date_start: formatPlatformTime(base),
          current_page: 1,
          page_size: 80,
        }),
      },
      'read',
    );
    await expect(oversized).rejects.toMatchObject({ kind: 'permanent', reason: 'invalid_request' });
  });

  it('lists within a creation-date window of at most 180 days, which the fake enforces with the platform error', async () => {
    const now = fake.now();
    seedShippableOrder('8190000000400000', { modified_at: now - HOUR });
    const { client } = makeClient(protocol);
    const modified = { from: now - 2 * HOUR, to: now };
    // Created (paid) 3 hours ago: inside a window ending now, outside one that ended a day ago.
    expect(
      (await client.listOrdersModified({ ...modified, created: { from: now - 180 * DAY + 3 * HOUR, to: now } }))
        .totalCount,
    ).toBe(1);
    expect(
      (await client.listOrdersModified({ ...modified, created: { from: now - 10 * DAY, to: now - DAY } })).totalCount,
    ).toBe(0);
    await expect(
      client.listOrdersModified({ ...modified, created: { from: now - 181 * DAY, to: now } }),
    ).rejects.toThrow(/180 days/);
    const tooLong = client.call(
      API.orderList,
      {
        param_aeop_order_query: JSON.stringify({
          create_date_start: formatPlatformTime(now - 181 * DAY),
          create_date_end: formatPlatformTime(now),
          current_page: 1,
          page_size: 10,
        }),
      },
      'read',
    );
    await expect(tooLong).rejects.toMatchObject({
      kind: 'permanent',
      reason: 'invalid_request',
      platformMessage: expect.stringMatching(/cannot exceed 180 days/),
    });
    const noWindow = client.call(
      API.orderList,
      { param_aeop_order_query: JSON.stringify({ current_page: 1, page_size: 10 }) },
      'read',
    );
    await expect(noWindow).rejects.toMatchObject({
      kind: 'permanent',
      platformMessage: expect.stringMatching(/create_date_start/),
    });
  });

  it('reads an order detail and maps it to the order input', async () => {
    const order = seedShippableOrder('8190000000123400');
    const { client } = makeClient(protocol);
    const detail = await client.getOrder('8190000000123400');
    const input = mapOrderDetail(detail);
    expect(input).toMatchObject({
      order_id: '8190000000123400',
      status: 'WAIT_SELLER_SEND_GOODS',
      currency: 'USD',
      handling_days: 5,
      lines: [
        { sku: 'SKU-RED-M', quantity: 2, unit_price: '4.99' },
        { sku: 'SKU-CASE-X', quantity: 1, unit_price: '7.30' },
      ],
    });
    // ship_by = risk passed + 5 × 24 h, to the second, with the Pacific offset of that instant.
    expect(Date.parse(input.ship_by!)).toBe(Math.floor((order.riskPassedAt + 5 * DAY) / 1000) * 1000);
    expect(input.ship_by).toMatch(/-0[78]:00$/);

    await expect(client.getOrder('8190000000999900')).rejects.toMatchObject({ kind: 'permanent', reason: 'not_found' });
  });

  it('declares part, then all: the order moves to SELLER_PART_SEND_GOODS, then WAIT_BUYER_ACCEPT_GOODS', async () => {
    seedShippableOrder('8190000000123400');
    const { client } = makeClient(protocol);

    await client.declareShipment({
      orderId: '8190000000123400',
      serviceName: 'CAINIAO_STANDARD',
      logisticsNo: 'LP00143017183663',
      sendType: 'part',
    });
    expect((await client.getOrder('8190000000123400')).order_status).toBe('SELLER_PART_SEND_GOODS');

    await client.declareShipment({
      orderId: '8190000000123400',
      serviceName: 'CAINIAO_STANDARD',
      logisticsNo: 'LP00143017183664',
      sendType: 'all',
    });
    const shipped = await client.getOrder('8190000000123400');
    expect(shipped.order_status).toBe('WAIT_BUYER_ACCEPT_GOODS');
    expect(mapDeclaredShipments(shipped).map((s) => s.logistics_no)).toEqual(['LP00143017183663', 'LP00143017183664']);
    expect(mapOrderDetail(shipped).ship_by).toBeUndefined();

    // Nothing more can be declared on a fully shipped order.
    const again = client.declareShipment({
      orderId: '8190000000123400',
      serviceName: 'CAINIAO_STANDARD',
      logisticsNo: 'LP00143017183665',
      sendType: 'all',
    });
    await expect(again).rejects.toMatchObject({
      kind: 'permanent',
      reason: 'business_rule',
      code: 'ORDER_STATUS_NOT_ALLOW_SHIPMENT',
    });
    expect(fake.marketplace.declarations.map((d) => [d.logisticsNo, d.sendType, d.accepted])).toEqual([
      ['LP00143017183663', 'part', true],
      ['LP00143017183664', 'all', true],
      ['LP00143017183665', 'all', false],
    ]);
  });

  it('corrects a declared shipment and lists the logistics services', async () => {
    seedShippableOrder('8190000000123400');
    const { client } = makeClient(protocol);
    const services = await client.listLogisticsServices();
    expect(services.map((s) => s.serviceName)).toContain('CAINIAO_STANDARD');

    await client.declareShipment({
      orderId: '8190000000123400',
      serviceName: 'CAINIAO_STANDARD',
      logisticsNo: 'LP00000000000001',
      sendType: 'all',
    });
    await client.modifyShipment({
      orderId: '8190000000123400',
      oldServiceName: 'CAINIAO_STANDARD',
      oldLogisticsNo: 'LP00000000000001',
      newServiceName: 'CAINIAO_PREMIUM',
      newLogisticsNo: 'LP00000000000002',
      sendType: 'all',
    });
    const declared = mapDeclaredShipments(await client.getOrder('8190000000123400'));
    expect(declared).toMatchObject([{ logistics_no: 'LP00000000000002', service_name: 'CAINIAO_PREMIUM' }]);

    const unknown = client.modifyShipment({
      orderId: '8190000000123400',
      oldServiceName: 'CAINIAO_STANDARD',
      oldLogisticsNo: 'NOPE',
      newServiceName: 'CAINIAO_STANDARD',
      newLogisticsNo: 'LP00000000000003',
      sendType: 'all',
    });
    await expect(unknown).rejects.toMatchObject({ kind: 'permanent', code: 'SHIPMENT_NOT_FOUND' });
  });

  it('sends a buyer message on an order', async () => {
    seedShippableOrder('8190000000123400');
    const { client } = makeClient(protocol);
    await client.sendBuyerMessage({
      orderId: '8190000000123400',
      buyerLoginId: 'es0000000000abcde',
      sellerLoginId: fake.marketplace.sellerLoginId,
      content: 'Your parcel leaves today. 您的包裹今天发出。',
    });
    expect(fake.marketplace.messages).toMatchObject([
      { orderId: '8190000000123400', content: 'Your parcel leaves today. 您的包裹今天发出。' },
    ]);
    const wrongBuyer = client.sendBuyerMessage({
      orderId: '8190000000123400',
      buyerLoginId: 'someone-else',
      sellerLoginId: 'x',
      content: 'hi',
    });
    await expect(wrongBuyer).rejects.toMatchObject({ kind: 'permanent', reason: 'business_rule' });
  });

  it('a signature mismatch is a permanent error, not retried, and leaks no credential', async () => {
    const { client, sleeps } = makeClient(protocol, {
      credentials: { appKey: APP_KEY, appSecret: 'wrong-secret-9876543210', accessToken: ACCESS_TOKEN },
    });
    const error = await client.listLogisticsServices().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentMarketplaceError);
    expect(error).toMatchObject({
      reason: 'signature',
      code: protocol === 'iop' ? 'IncompleteSignature' : '25',
      attempts: 1,
    });
    expect(sleeps).toEqual([]);
    expect(fake.stats().total).toBe(1);
    expectNoCredentials(error);
    expect(JSON.stringify(error)).not.toContain('wrong-secret-9876543210');
    expect((error as PermanentMarketplaceError).userMessage['zh-CN']).toContain('签名');
  });

  it('a request timestamp outside the allowed skew is refused', async () => {
    const skew = protocol === 'iop' ? 3 * HOUR : 11 * 60_000;
    const { client } = makeClient(protocol, { now: () => Date.now() - skew });
    const error = await client.listLogisticsServices().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentMarketplaceError);
    expect(error).toMatchObject({ reason: 'timestamp', code: protocol === 'iop' ? 'IllegalTimestamp' : '31' });
    expectNoCredentials(error);
    // A skew inside the limit is fine (IOP allows 7200 s, TOP 10 min).
    const { client: slightlyOff } = makeClient(protocol, {
      now: () => Date.now() - (protocol === 'iop' ? HOUR : 5 * 60_000),
    });
    await expect(slightlyOff.listLogisticsServices()).resolves.not.toHaveLength(0);
  });

  it('an invalid or expired access token asks for a new authorisation, at once, without retrying', async () => {
    const { client } = makeClient(protocol, {
      credentials: { appKey: APP_KEY, appSecret: APP_SECRET, accessToken: 'expired-token-000000' },
    });
    const error = await client.getOrder('8190000000123400').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'reauthorise', attempts: 1 });
    expect(JSON.stringify(error)).not.toContain('expired-token-000000');
  });

  it('429 is retried after the Retry-After it carries', async () => {
    fake.setFaults({ rateLimit: { probability: 1, count: 1, retryAfterSeconds: 2 } });
    const { client, sleeps } = makeClient(protocol);
    await expect(client.listLogisticsServices()).resolves.not.toHaveLength(0);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(2_000);
    expect(fake.stats().outcomes.injectedRateLimit).toBe(1);
    expect(fake.stats().total).toBe(2);
  });

  it("the platform's flow-control answer is retried after the ban it announces", async () => {
    fake.setFaults({ rateLimit: { probability: 1, count: 2, retryAfterSeconds: 3, style: 'platform' } });
    seedShippableOrder('8190000000123400');
    const { client, sleeps } = makeClient(protocol);
    // Flow control means "not processed": even a write is retried.
    await client.declareShipment({
      orderId: '8190000000123400',
      serviceName: 'CAINIAO_STANDARD',
      logisticsNo: 'LP00000000000009',
      sendType: 'all',
    });
    expect(sleeps).toHaveLength(2);
    expect(sleeps.every((ms) => ms >= 3_000)).toBe(true);
    expect(fake.marketplace.declarations.filter((d) => d.accepted)).toHaveLength(1);
  });

  it('a wait longer than the client accepts is handed back as retryAfterMs', async () => {
    fake.setFaults({ rateLimit: { probability: 1, retryAfterSeconds: 600 } });
    const { client, sleeps } = makeClient(protocol, { retry: { maxRetryAfterMs: 60_000 } });
    const error = await client.listLogisticsServices().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableMarketplaceError);
    expect(error).toMatchObject({ reason: 'rate_limited', retryAfterMs: 600_000, attempts: 1 });
    expect(sleeps).toEqual([]);
  });

  it('a 5xx on a read is retried with growing backoff; when it persists the error is retryable', async () => {
    fake.setFaults({ serverError: { probability: 1, count: 2, status: 502 } });
    const { client, sleeps } = makeClient(protocol);
    await expect(client.listLogisticsServices()).resolves.not.toHaveLength(0);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]!);

    fake.setFaults({ serverError: { probability: 1, status: 500 } });
    fake.resetStats();
    const { client: persistent } = makeClient(protocol, { retry: { maxAttempts: 3 } });
    const error = await persistent.listLogisticsServices().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableMarketplaceError);
    expect(error).toMatchObject({ reason: 'server_error', httpStatus: 500, attempts: 3 });
    expect(fake.stats().total).toBe(3);
  });

  it('a 503 on a write is retried (not processed); a 502 on a write is ambiguous', async () => {
    seedShippableOrder('8190000000123400');
    fake.setFaults({ serverError: { probability: 1, count: 1, status: 503 } });
    const { client } = makeClient(protocol);
    await client.declareShipment({
      orderId: '8190000000123400',
      serviceName: 'CAINIAO_STANDARD',
      logisticsNo: 'LP00000000000010',
      sendType: 'part',
    });
    expect(fake.marketplace.declarations).toHaveLength(1);

    fake.setFaults({ serverError: { probability: 1, count: 1, status: 502 } });
    const error = await client
      .declareShipment({
        orderId: '8190000000123400',
        serviceName: 'CAINIAO_STANDARD',
        logisticsNo: 'LP00000000000011',
        sendType: 'all',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect(error).toMatchObject({ reason: 'server_error', attempts: 1 });
    // Reading back shows the caller that this one was not applied.
    expect(mapDeclaredShipments(await client.getOrder('8190000000123400')).map((s) => s.logistics_no)).toEqual([
      'LP00000000000010',
    ]);
  });

  it('a reply dropped after the commit surfaces as AmbiguousOutcomeError, and the write is not repeated', async () => {
    seedShippableOrder('8190000000123400');
    fake.setFaults({ dropAfterCommit: { probability: 1, count: 1, methods: [API.fulfill] } });
    const { client, sleeps } = makeClient(protocol);
    const error = await client
      .declareShipment({
        orderId: '8190000000123400',
        serviceName: 'CAINIAO_STANDARD',
        logisticsNo: 'LP00000000000020',
        sendType: 'all',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect(error).toMatchObject({ reason: 'connection_lost', attempts: 1 });
    expect(sleeps).toEqual([]);
    expectNoCredentials(error);
    expect(fake.stats().byMethod[API.fulfill]).toBe(1);
    expect(fake.stats().outcomes.droppedAfterCommit).toBe(1);
    // The platform did apply it, exactly once: reading back is how the caller learns that.
    expect(fake.marketplace.declarations.filter((d) => d.accepted)).toHaveLength(1);
    const readBack = await client.getOrder('8190000000123400');
    expect(readBack.order_status).toBe('WAIT_BUYER_ACCEPT_GOODS');
    expect(mapDeclaredShipments(readBack).map((s) => s.logistics_no)).toEqual(['LP00000000000020']);
  });

  it('a dropped reply on a read is simply retried', async () => {
    seedShippableOrder('8190000000123400');
    fake.setFaults({ dropAfterCommit: { probability: 1, count: 1 } });
    const { client, sleeps } = makeClient(protocol);
    await expect(client.getOrder('8190000000123400')).resolves.toMatchObject({
      order_status: 'WAIT_SELLER_SEND_GOODS',
    });
    expect(sleeps).toHaveLength(1);
  });

  it('a held request times out: a read is retried, a write is ambiguous', async () => {
    seedShippableOrder('8190000000123400');
    fake.setFaults({ timeout: { probability: 1, count: 1, holdMs: 5_000 } });
    const { client } = makeClient(protocol, { timeoutMs: 200 });
    await expect(client.listLogisticsServices()).resolves.not.toHaveLength(0);

    fake.setFaults({ timeout: { probability: 1, count: 1, holdMs: 5_000 } });
    const error = await client
      .declareShipment({
        orderId: '8190000000123400',
        serviceName: 'CAINIAO_STANDARD',
        logisticsNo: 'LP00000000000030',
        sendType: 'all',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect(error).toMatchObject({ reason: 'timeout', code: 'TIMEOUT' });
    expect(fake.marketplace.declarations).toHaveLength(0);
  });
});

describe('AliExpress client, other cases', () => {
  it('signs with every TOP method the fake verifies', async () => {
    for (const signMethod of ['md5', 'hmac', 'hmac-sha256'] as const) {
      const client = createAliExpressClient({
        credentials: { appKey: APP_KEY, appSecret: APP_SECRET, accessToken: ACCESS_TOKEN },
        gateway: { protocol: 'top', baseUrl: fake.url, signMethod },
      });
      await expect(client.listLogisticsServices()).resolves.not.toHaveLength(0);
    }
  });

  it('refuses to declare on an order the platform closed at its deadline', async () => {
    seedShippableOrder('8190000000123400');
    fake.setClockOffset(6 * DAY); // past risk passed + 5 days
    const { client } = makeClient('iop', { now: () => fake.now() });
    const error = await client
      .declareShipment({
        orderId: '8190000000123400',
        serviceName: 'CAINIAO_STANDARD',
        logisticsNo: 'LP00000000000040',
        sendType: 'all',
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'permanent',
      reason: 'business_rule',
      code: 'ORDER_STATUS_NOT_ALLOW_SHIPMENT',
    });
    expect((await client.getOrder('8190000000123400')).order_status).toBe('FINISH');
  });

  it('an order in risk review cannot be shipped until the review passes; then its ship-by clock starts', async () => {
    const now = fake.now();
    fake.marketplace.addOrder(
      {
        order_id: '8190000000555500',
        status: 'RISK_CONTROL',
        paid_at: now - HOUR,
        risk_passed_at: now + HOUR,
        handling_days: 3,
      },
      now,
    );
    const { client } = makeClient('iop', { now: () => fake.now() });
    const declare = () =>
      client.declareShipment({
        orderId: '8190000000555500',
        serviceName: 'CAINIAO_STANDARD',
        logisticsNo: 'LP00000000000050',
        sendType: 'all',
      });
    await expect(declare()).rejects.toMatchObject({ kind: 'permanent', code: 'ORDER_STATUS_NOT_ALLOW_SHIPMENT' });
    expect(mapOrderDetail(await client.getOrder('8190000000555500')).ship_by).toBeUndefined();

    fake.setClockOffset(2 * HOUR);
    const input = mapOrderDetail(await client.getOrder('8190000000555500'));
    expect(input.status).toBe('WAIT_SELLER_SEND_GOODS');
    expect(Date.parse(input.ship_by!)).toBe(Math.floor((now + HOUR + 3 * DAY) / 1000) * 1000);
    await expect(declare()).resolves.toBeUndefined();
  });

  it('the fake accepts a signed GET and a multipart body, like the official SDKs send', async () => {
    const params: Record<string, string> = {
      method: API.listLogisticsServices,
      app_key: APP_KEY,
      session: ACCESS_TOKEN,
      timestamp: String(Date.now()),
      sign_method: 'sha256',
    };
    params.sign = signIop(APP_SECRET, API.listLogisticsServices, params);
    const viaGet = await fetch(`${fake.url}/sync?${new URLSearchParams(params)}`);
    expect(await viaGet.json()).toHaveProperty(
      'aliexpress_logistics_redefining_listlogisticsservice_response.result_success',
      true,
    );

    // A path-style system API is signed with its path in front; the fake checks that, then answers it (an unknown
    // code is refused in the /rest shape) or refuses an API it does not serve.
    const system: Record<string, string> = {
      app_key: APP_KEY,
      timestamp: String(Date.now()),
      sign_method: 'sha256',
      code: 'x',
    };
    system.sign = signIop(APP_SECRET, '/auth/token/create', system);
    const viaRest = await fetch(`${fake.url}/rest/auth/token/create`, {
      method: 'POST',
      body: new URLSearchParams(system),
    });
    expect(await viaRest.json()).toMatchObject({ type: 'ISV', code: 'InvalidCode' });
    const other: Record<string, string> = { app_key: APP_KEY, timestamp: String(Date.now()), sign_method: 'sha256' };
    other.sign = signIop(APP_SECRET, '/auth/token/security/create', other);
    const unserved = await fetch(`${fake.url}/rest/auth/token/security/create`, {
      method: 'POST',
      body: new URLSearchParams(other),
    });
    expect(await unserved.json()).toMatchObject({ code: 'InvalidApi' });
    system.sign = signIop(APP_SECRET, 'auth.token.create', system);
    const badRest = await fetch(`${fake.url}/rest/auth/token/create`, {
      method: 'POST',
      body: new URLSearchParams(system),
    });
    expect(await badRest.json()).toMatchObject({ code: 'IncompleteSignature' });

    const form = new FormData();
    for (const [name, value] of Object.entries(params)) form.append(name, value);
    const viaMultipart = await fetch(`${fake.url}/sync`, { method: 'POST', body: form });
    expect(await viaMultipart.json()).toHaveProperty(
      'aliexpress_logistics_redefining_listlogisticsservice_response.result_success',
      true,
    );
  });

  it('the admin API seeds orders, sets faults and reports request counts', async () => {
    const seeded = (await (
      await fetch(`${fake.url}/__fake/orders`, { method: 'POST', body: JSON.stringify({ count: 5 }) })
    ).json()) as {
      order_ids: string[];
    };
    expect(seeded.order_ids).toHaveLength(5);
    await fetch(`${fake.url}/__fake/faults`, {
      method: 'POST',
      body: JSON.stringify({ seed: 3, serverError: { probability: 1, count: 1, status: 503 } }),
    });
    const { client } = makeClient('iop');
    const firstId = seeded.order_ids[0]!;
    const detail = await client.getOrder(firstId);
    expect(String(detail.id)).toBe(firstId);
    const stats = await (await fetch(`${fake.url}/__fake/stats`)).json();
    expect(stats).toMatchObject({ total: 2, outcomes: { injectedServerError: 1, ok: 1 } });
    const order = (await (await fetch(`${fake.url}/__fake/orders/${firstId}`)).json()) as { platform: { id: number } };
    expect(order.platform.id).toBe(Number(firstId));
  });

  it('credentials never appear in errors or events, even when the platform echoes them', async () => {
    // A hostile gateway that echoes everything it received in its error message.
    const echo: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const params = new URLSearchParams(body);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            type: 'ISV',
            code: 'InvalidParameter',
            message: `bad request: session=${params.get('session')} secret=${APP_SECRET} raw=${body}`,
            request_id: 'x',
          }),
        );
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const events: ClientEvent[] = [];
      const client = createAliExpressClient({
        credentials: { appKey: APP_KEY, appSecret: APP_SECRET, accessToken: ACCESS_TOKEN },
        gateway: { protocol: 'iop', baseUrl: `http://127.0.0.1:${(echo.address() as AddressInfo).port}` },
        onEvent: (event) => events.push(event),
      });
      const error = await client.getOrder('8190000000123400').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentMarketplaceError);
      expect((error as Error).message).toContain('[redacted]');
      expectNoCredentials(error);
      expect(JSON.stringify(events)).not.toContain(ACCESS_TOKEN);
      expect(JSON.stringify(client)).not.toContain(APP_SECRET);
    } finally {
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
  });

  it('a connection that cannot be made is retried, even for a write, then reported as retryable', async () => {
    const closed = await startFakeAliExpressServer({ appKey: APP_KEY, appSecret: APP_SECRET });
    const url = closed.url;
    await closed.close();
    const client = createAliExpressClient({
      credentials: { appKey: APP_KEY, appSecret: APP_SECRET, accessToken: ACCESS_TOKEN },
      gateway: { protocol: 'iop', baseUrl: url },
      retry: { maxAttempts: 2 },
      sleep: async () => {},
    });
    const error = await client
      .declareShipment({
        orderId: '8190000000123400',
        serviceName: 'CAINIAO_STANDARD',
        logisticsNo: 'LP1',
        sendType: 'all',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableMarketplaceError);
    expect(error).toMatchObject({ reason: 'network', code: 'ECONNREFUSED', attempts: 2 });
  });

  it("the fake's flow control (requests per second) is waited out by the client", async () => {
    let offset = 0;
    const start = Math.floor(Date.now() / 1000) * 1000 + 100;
    const limited = await startFakeAliExpressServer({
      appKey: APP_KEY,
      appSecret: APP_SECRET,
      maxRequestsPerSecond: 2,
      now: () => start + offset,
    });
    try {
      const sleeps: number[] = [];
      const client = createAliExpressClient({
        credentials: { appKey: APP_KEY, appSecret: APP_SECRET, accessToken: ACCESS_TOKEN },
        gateway: { protocol: 'top', baseUrl: limited.url },
        now: () => start + offset,
        random: () => 0,
        // Sleeping moves the fake's clock: no real waiting.
        sleep: async (ms) => {
          sleeps.push(ms);
          offset += ms;
        },
      });
      for (let i = 0; i < 5; i++) await client.listLogisticsServices();
      expect(limited.stats().outcomes).toMatchObject({ ok: 5, flowControlled: 2 });
      expect(sleeps).toEqual([1000, 1000]);
      expect(limited.stats().peakPerSecond).toBe(3);
    } finally {
      await limited.close();
    }
  });

  it.each([
    [
      'TOP isp timeout',
      {
        error_response: {
          code: 15,
          msg: 'Remote service error',
          sub_code: 'isp.top-remote-connection-timeout',
          request_id: 'r',
        },
      },
      200,
      'ambiguous',
      'retried',
    ],
    [
      'TOP isp error',
      { error_response: { code: 15, msg: 'Remote service error', sub_code: 'isp.unknown-error', request_id: 'r' } },
      200,
      'ambiguous',
      'retried',
    ],
    [
      'TOP service unavailable',
      { error_response: { code: 10, msg: 'Service Currently Unavailable', request_id: 'r' } },
      200,
      'retried',
      'retried',
    ],
    [
      'TOP isv refusal',
      {
        error_response: {
          code: 15,
          msg: 'Remote service error',
          sub_code: 'isv.invalid-parameter',
          sub_msg: 'logistics_no is invalid',
          request_id: 'r',
        },
      },
      200,
      'permanent',
      'permanent',
    ],
    [
      'IOP ISP error',
      { type: 'ISP', code: 'InternalError', message: 'oops', request_id: 'r' },
      200,
      'ambiguous',
      'retried',
    ],
    ['unreadable 200', '<html>ok</html>', 200, 'ambiguous', 'retried'],
    ['HTTP 504', '<html>504</html>', 504, 'ambiguous', 'retried'],
    ['HTTP 404 page', 'not here', 404, 'permanent', 'permanent'],
  ] as const)('classifies %s: write → %s, read → %s', async (_label, body, status, writeOutcome, readOutcome) => {
    const okBody = {
      aliexpress_logistics_redefining_listlogisticsservice_response: { result_success: true, result_list: {} },
    };
    const outcomeOf = async (kind: 'read' | 'write') => {
      let calls = 0;
      const client = createAliExpressClient({
        credentials: { appKey: APP_KEY, appSecret: APP_SECRET, accessToken: ACCESS_TOKEN },
        gateway: { protocol: 'top', baseUrl: 'http://gateway.invalid' },
        sleep: async () => {},
        fetch: async () => {
          calls++;
          if (calls > 1) return new Response(JSON.stringify(okBody), { status: 200 });
          return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
        },
      });
      try {
        await client.call(API.listLogisticsServices, {}, kind);
        return calls === 2 ? 'retried' : 'unexpected';
      } catch (error) {
        return (error as { kind?: string }).kind ?? 'unknown';
      }
    };
    expect(await outcomeOf('write')).toBe(writeOutcome);
    expect(await outcomeOf('read')).toBe(readOutcome);
  });

  it("the caller's signal cuts a call short", async () => {
    fake.setFaults({ timeout: { probability: 1, holdMs: 5_000 } });
    const { client } = makeClient('iop');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await client.listLogisticsServices({ signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'retryable', code: 'ABORTED', attempts: 1 });
  });
});
