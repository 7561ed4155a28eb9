/**
 * Keeping a shop authorised between consents (issue 15), against the fake marketplace on SQLite AND PostgreSQL:
 * - days before the refresh token ends (a refresh does not extend it), the shop's users see a notice and the alert
 *   webhooks get one alert per authorisation, in both languages, saying to click Connect in Settings → Shops;
 * - an access token the platform refuses in use (revoked through the fake's admin API) is refreshed once and the
 *   sync, or the upload, goes on with the new one; when the refresh is refused too, the shop pauses like a refused
 *   scheduled refresh: one notice, one alert, the uploads waiting (not failed one by one).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AliExpressApp } from '../../src/app/aliexpress-app';
import { aliexpressAppFromEnv, APP_KEY_ENV, APP_SECRET_ENV } from '../../src/app/aliexpress-app';
import { createContext, type AppContext } from '../../src/app/context';
import { addWebhook } from '../../src/app/deadlines';
import { syncShopOrders } from '../../src/app/order-sync';
import {
  authorisationNotices,
  beginAuthorisation,
  completeAuthorisation,
  refreshExpiringTokens,
} from '../../src/app/shop-authorisation';
import { warnEndingAuthorisations } from '../../src/app/shop-authorisation-upkeep';
import { listOutboxEntries } from '../../src/app/upload-outbox';
import { DEFAULT_RETRY_POLICY } from '../../src/core/upload-rules';
import { answerConsent } from '../../src/integrations/aliexpress/fake-consent';
import { startFakeAliExpressServer, type FakeAliExpressServer } from '../../src/integrations/aliexpress/fake-server';
import { allowOutbound } from '../../src/integrations/outbound';
import { runOutboxWorker } from '../../src/jobs/outbox-worker';
import type { Store } from '../../src/store/database';
import { getConnection } from '../../src/store/marketplace';
import { backends } from '../support/backends';
import { FAKE_APP_KEY, FAKE_APP_SECRET, TEST_MASTER_KEY, seedOrders, shipAll } from '../support/outbox-fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CALLBACK = 'http://127.0.0.1:9/marketplace/aliexpress/callback';
// Real time plus a test-chosen offset: the outbox's backoff still passes, and the test can jump days ahead.
let offset = 0;
const now = () => Date.now() + offset;
let fake: FakeAliExpressServer;
let app: AliExpressApp;

beforeAll(async () => {
  fake = await startFakeAliExpressServer({
    appKey: FAKE_APP_KEY,
    appSecret: FAKE_APP_SECRET,
    now,
    accessTokenTtlMs: 10 * DAY,
    refreshTokenTtlMs: 20 * DAY,
    seed: 5,
  });
  allowOutbound(fake.url);
  app = aliexpressAppFromEnv({
    [APP_KEY_ENV]: FAKE_APP_KEY,
    [APP_SECRET_ENV]: FAKE_APP_SECRET,
    SHIPBY_ALIEXPRESS_GATEWAY_URL: fake.url,
  });
});
afterAll(async () => {
  await fake.close();
});

/** The fake's admin API, as a test (or an operator of the fake) calls it. */
async function revoke(body: Record<string, unknown>): Promise<number> {
  const answer = await fetch(new URL('/__fake/auth/revoke', fake.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { revoked: number }).revoked;
}

describe.each(backends)('shop authorisation upkeep on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  const deps = () => ({ app, masterKey: TEST_MASTER_KEY });

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    offset = 0;
    ctx = createContext(store, now);
  });
  afterEach(async () => {
    fake.auth.reset();
    fake.marketplace.reset();
    await dispose();
  });

  /** Connect → the fake's consent page → the callback, as in the dashboard. */
  async function authorise(shopId = 'demo'): Promise<void> {
    const started = await beginAuthorisation(ctx, app, {
      shopId,
      redirectUri: CALLBACK,
      actor: 'owner@test',
      bindToBrowser: true,
    });
    const back = await answerConsent(started.url);
    await completeAuthorisation(ctx, deps(), { state: back.state, code: back.code, binding: started.binding });
  }

  const alerts = (kind: string) =>
    store.db.selectFrom('webhook_deliveries').selectAll().where('kind', '=', kind).execute();

  it('warns days before the authorisation ends, once per authorisation, and the warning ends with a new Connect', async () => {
    await authorise();
    await addWebhook(ctx, { shopId: 'demo', url: 'https://hooks.example/alerts', secret: 'hook-secret-123456' });
    offset += 12 * DAY; // 8 days left of the 20-day refresh token
    expect(await warnEndingAuthorisations(ctx)).toEqual([]);
    expect((await authorisationNotices(ctx, ['demo'])).filter((n) => n.kind === 'shop_authorisation_ending')).toEqual(
      [],
    );
    // The scheduled refresh renews the access token; the refresh token keeps its end, so the warning still comes.
    offset += 1 * DAY + HOUR;
    expect(await refreshExpiringTokens(ctx, deps(), { aheadMs: 2 * DAY })).toMatchObject({ refreshed: ['demo'] });
    expect(await warnEndingAuthorisations(ctx)).toEqual(['demo']);
    offset += HOUR;
    expect(await warnEndingAuthorisations(ctx)).toEqual([]); // not per tick
    const sent = await alerts('shop_authorisation_ending');
    expect(sent).toHaveLength(1);
    const payload = JSON.parse(sent[0]!.payload) as {
      message: { en: string; 'zh-CN': string };
      refresh_expires_at: string;
    };
    expect(payload.message.en).toContain('Settings → Shops');
    expect(payload.message.en).toContain('click Connect');
    expect(payload.message['zh-CN']).toContain('「设置 → 店铺」中点击「连接」');
    const row = (await getConnection(store.db, 'demo'))!;
    expect(payload.refresh_expires_at).toBe(new Date(Number(row.refresh_expires_at)).toISOString());
    const notices = await authorisationNotices(ctx, ['demo']);
    expect(notices).toMatchObject([
      { kind: 'shop_authorisation_ending', level: 'warn', shopId: 'demo', message: payload.message },
    ]);
    expect(await authorisationNotices(ctx, ['other'])).toEqual([]);
    // The owner connects again: a new 20-day authorisation, no warning; its own end will be warned about once more.
    await authorise();
    expect(await authorisationNotices(ctx, ['demo'])).toEqual([]);
    expect(await warnEndingAuthorisations(ctx)).toEqual([]);
    offset += 14 * DAY;
    expect(await warnEndingAuthorisations(ctx)).toEqual(['demo']);
    expect(await alerts('shop_authorisation_ending')).toHaveLength(2);
  });

  it('a sync whose token the platform refuses refreshes it once and goes on with the new one', async () => {
    await authorise();
    offset += HOUR;
    fake.marketplace.addOrder(
      {
        order_id: '8190000000300010',
        status: 'WAIT_SELLER_SEND_GOODS',
        paid_at: now() - 5 * HOUR,
        risk_passed_at: now() - 4 * HOUR,
        modified_at: now() - 3 * HOUR,
        handling_days: 3,
        lines: [{ sku: 'S-1', quantity: 1, unit_price: '4.50' }],
      },
      now(),
    );
    fake.marketplace.invalidate();
    const before = (await getConnection(store.db, 'demo'))!;
    expect(await revoke({ access_token: true })).toBe(1);
    const report = await syncShopOrders(ctx, 'demo', { masterKey: TEST_MASTER_KEY, clientOptions: { now } });
    expect(report.error).toBeUndefined();
    expect(report).toMatchObject({ status: 'ok', created: 1 });
    expect(fake.auth.counts.refresh).toBe(1);
    const after = (await getConnection(store.db, 'demo'))!;
    expect(after.auth_state).toBe('authorised');
    expect(after.access_token_enc).not.toBe(before.access_token_enc);
    expect(Number(after.refresh_expires_at)).toBe(Number(before.refresh_expires_at));
  });

  it('a sync whose token and refresh are both refused pauses the shop, with one notice and one alert', async () => {
    await authorise();
    await addWebhook(ctx, { shopId: 'demo', url: 'https://hooks.example/alerts', secret: 'hook-secret-123456' });
    offset += HOUR;
    await revoke({ access_token: true });
    await revoke({});
    expect(await syncShopOrders(ctx, 'demo', { masterKey: TEST_MASTER_KEY, clientOptions: { now } })).toMatchObject({
      status: 'paused',
      listed: 0,
    });
    expect(await syncShopOrders(ctx, 'demo', { masterKey: TEST_MASTER_KEY, clientOptions: { now } })).toMatchObject({
      status: 'paused',
    });
    expect((await getConnection(store.db, 'demo'))!.auth_state).toBe('paused');
    const sent = await alerts('shop_authorisation_paused');
    expect(sent).toHaveLength(1);
    const payload = JSON.parse(sent[0]!.payload) as { message: { en: string; 'zh-CN': string }; platform_code: string };
    expect(payload.message.en).toContain('IllegalAccessToken, then IllegalRefreshToken');
    expect(payload.message.en).toContain('Settings → Shops');
    expect(await authorisationNotices(ctx, ['demo'])).toMatchObject([
      { kind: 'shop_authorisation_paused', message: payload.message },
    ]);
  });

  const settings = {
    leaseMs: 5_000,
    retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 5, maxDelayMs: 20, urgentMaxDelayMs: 20, maxAttempts: 6 },
  };
  const worker = (extra: { stopWhenDrained?: boolean; signal?: AbortSignal }) =>
    runOutboxWorker(ctx, {
      masterKey: TEST_MASTER_KEY,
      settings,
      concurrency: 2,
      clientOptions: { timeoutMs: 5_000, now },
      idlePollMs: 20,
      workerId: 'upkeep-test',
      ...extra,
    });

  it('uploads whose token the platform refuses: refreshed once, each upload accepted once', async () => {
    await authorise('shop');
    offset += HOUR;
    const orders = await seedOrders(ctx, fake, { shop: 'shop', count: 3, parcelsOf: () => 1, now: now() });
    await shipAll(ctx, orders);
    await revoke({ access_token: true });
    const stats = await worker({ stopWhenDrained: true });
    expect(stats).toMatchObject({ accepted: 3, dead: 0 });
    expect(fake.auth.counts.refresh).toBe(1);
    expect(fake.marketplace.declarations.filter((d) => d.accepted)).toHaveLength(3);
    expect((await getConnection(store.db, 'shop'))!.auth_state).toBe('authorised');
  }, 60_000);

  it('uploads whose token and refresh are refused: the shop pauses once and the uploads wait, none failed', async () => {
    await authorise('shop');
    await addWebhook(ctx, { shopId: 'shop', url: 'https://hooks.example/alerts', secret: 'hook-secret-123456' });
    offset += HOUR;
    const orders = await seedOrders(ctx, fake, { shop: 'shop', count: 3, parcelsOf: () => 1, now: now() });
    await shipAll(ctx, orders);
    await revoke({ access_token: true });
    await revoke({});
    const stop = new AbortController();
    const running = worker({ signal: stop.signal });
    await expect
      .poll(async () => (await getConnection(store.db, 'shop'))!.auth_state, { timeout: 30_000 })
      .toBe('paused');
    await expect
      .poll(
        async () =>
          (await listOutboxEntries(ctx, { shopId: 'shop' })).every(
            (e) => e.lastError !== null && e.lastError !== undefined,
          ),
        { timeout: 30_000 },
      )
      .toBe(true);
    stop.abort();
    expect(await running).toMatchObject({ accepted: 0, dead: 0 });
    expect((await listOutboxEntries(ctx, { shopId: 'shop' })).map((e) => e.status)).toEqual([
      'pending',
      'pending',
      'pending',
    ]);
    expect(fake.marketplace.declarations.filter((d) => d.accepted)).toHaveLength(0);
    expect(await alerts('shop_authorisation_paused')).toHaveLength(1);
    // Connect again: the waiting uploads go out, each once.
    await authorise('shop');
    expect(await worker({ stopWhenDrained: true })).toMatchObject({ accepted: 3, dead: 0 });
    expect(fake.marketplace.declarations.filter((d) => d.accepted)).toHaveLength(3);
  }, 60_000);
});
