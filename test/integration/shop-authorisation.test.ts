/**
 * Seller authorisation against the fake marketplace, on SQLite AND PostgreSQL: the consent page hands a code back,
 * the callback exchanges it and stores the tokens encrypted with their expiry, and the shop syncs with them; bad
 * state (unknown, reused, expired, another browser) and bad codes (used, expired, denied) and unreadable answers
 * store nothing; the refresh job renews a token before it ends, once with two workers (PostgreSQL: two stores on
 * one database); a refused refresh pauses the shop's sync and uploads, raises a notice and one alert.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AliExpressApp } from '../../src/app/aliexpress-app';
import { aliexpressAppFromEnv, APP_KEY_ENV, APP_SECRET_ENV } from '../../src/app/aliexpress-app';
import { createContext, type AppContext } from '../../src/app/context';
import { addWebhook } from '../../src/app/deadlines';
import { openShopClient } from '../../src/app/marketplace';
import { syncShopOrders } from '../../src/app/order-sync';
import { decryptSecret, SECRET_CONTEXTS } from '../../src/app/secrets';
import {
  authorisationNotices,
  authorisationViews,
  AuthorisationError,
  beginAuthorisation,
  completeAuthorisation,
  refreshExpiringTokens,
} from '../../src/app/shop-authorisation';
import { allowOutbound } from '../../src/integrations/outbound';
import { ReauthorisationRequiredError } from '../../src/integrations/aliexpress/errors';
import { startFakeAliExpressServer, type FakeAliExpressServer } from '../../src/integrations/aliexpress/fake-server';
import { openStore, type Store } from '../../src/store/database';
import { getConnection } from '../../src/store/marketplace';
import { backends, manualClock } from '../support/backends';
import { FAKE_APP_KEY, FAKE_APP_SECRET, TEST_MASTER_KEY } from '../support/outbox-fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CALLBACK = 'http://127.0.0.1:9/marketplace/aliexpress/callback';
const clock = manualClock(Date.UTC(2026, 11, 1, 8));
let fake: FakeAliExpressServer;
let app: AliExpressApp;

beforeAll(async () => {
  // The fake's clock is the test's: tokens expire as the test moves time.
  fake = await startFakeAliExpressServer({
    appKey: FAKE_APP_KEY,
    appSecret: FAKE_APP_SECRET,
    now: clock.now,
    accessTokenTtlMs: 10 * DAY,
    refreshTokenTtlMs: 20 * DAY,
    codeTtlMs: 5 * 60_000,
    seed: 3,
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

/** What the seller's browser does on the consent page: Authorise (or Deny), then follow the redirect. */
async function consent(
  url: string,
  decision: 'allow' | 'deny' = 'allow',
): Promise<{ code?: string; state?: string; error?: string }> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('data-testid="consent-allow"');
  const approve = new URL('/oauth/authorize/approve', fake.url);
  for (const [k, v] of new URL(url).searchParams) approve.searchParams.set(k, v);
  approve.searchParams.set('decision', decision);
  const answer = await fetch(approve, { redirect: 'manual' });
  expect(answer.status).toBe(302);
  const back = new URL(answer.headers.get('location')!);
  expect(back.origin + back.pathname).toBe(CALLBACK);
  return Object.fromEntries(back.searchParams);
}

async function expectRefusal(promise: Promise<unknown>, status: number, reason: string): Promise<AuthorisationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthorisationError);
  expect(error).toMatchObject({ status, reason });
  const message = (error as AuthorisationError).localizedMessage;
  expect(message.en.length).toBeGreaterThan(20);
  expect(message['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
  return error as AuthorisationError;
}

describe.each(backends)('shop authorisation on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  const deps = () => ({ app, masterKey: TEST_MASTER_KEY });

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    clock.set(Date.UTC(2026, 11, 1, 8));
    fake.setClockOffset(0);
    ctx = createContext(store, clock.now);
  });
  afterEach(async () => {
    fake.auth.reset();
    fake.marketplace.reset();
    await dispose();
  });

  async function authorise(shopId = 'demo'): Promise<void> {
    const started = await beginAuthorisation(ctx, app, {
      shopId,
      redirectUri: CALLBACK,
      actor: 'owner@test',
      bindToBrowser: true,
    });
    const back = await consent(started.url);
    await completeAuthorisation(ctx, deps(), { state: back.state, code: back.code, binding: started.binding });
  }

  it('Connect → consent → callback stores both tokens encrypted with their expiry, and the shop syncs with them', async () => {
    const started = await beginAuthorisation(ctx, app, {
      shopId: 'demo',
      redirectUri: CALLBACK,
      actor: 'owner@test',
      bindToBrowser: true,
    });
    expect(new URL(started.url).pathname).toBe('/oauth/authorize');
    const back = await consent(started.url);
    expect(back.code).toBeTruthy();
    const done = await completeAuthorisation(ctx, deps(), {
      state: back.state,
      code: back.code,
      binding: started.binding,
    });
    expect(done).toMatchObject({
      shopId: 'demo',
      account: fake.marketplace.sellerLoginId,
      accessExpiresAt: clock.now() + 10 * DAY,
    });
    const row = (await getConnection(store.db, 'demo'))!;
    expect(row).toMatchObject({ app_key: FAKE_APP_KEY, auth_state: 'authorised', gateway_url: fake.url });
    expect(Number(row.refresh_expires_at)).toBe(clock.now() + 20 * DAY);
    const access = decryptSecret(
      TEST_MASTER_KEY,
      row.access_token_enc,
      SECRET_CONTEXTS.marketplace('demo', 'access_token'),
    );
    expect(row.access_token_enc).not.toContain(access);
    expect(fake.auth.accessTokenValid(access, clock.now())).toBe(true);
    fake.marketplace.addOrder(
      {
        order_id: '8190000000200010',
        status: 'WAIT_SELLER_SEND_GOODS',
        paid_at: clock.now() - 5 * HOUR,
        risk_passed_at: clock.now() - 4 * HOUR,
        modified_at: clock.now() - 3 * HOUR,
        handling_days: 3,
        freight_commit_days: 45,
        lines: [{ sku: 'S-1', quantity: 1, unit_price: '4.50' }],
      },
      clock.now(),
    );
    fake.marketplace.invalidate();
    const report = await syncShopOrders(ctx, 'demo', { masterKey: TEST_MASTER_KEY, clientOptions: { now: clock.now } });
    expect(report.error).toBeUndefined();
    expect(report).toMatchObject({ status: 'ok', created: 1 });
    expect((await authorisationViews(ctx, ['demo']))[0]).toMatchObject({
      connected: true,
      state: 'authorised',
      source: 'platform',
      account: fake.marketplace.sellerLoginId,
    });
  });

  it('a wrong, reused, expired or other-browser state is refused and stores nothing', async () => {
    const started = await beginAuthorisation(ctx, app, {
      shopId: 'demo',
      redirectUri: CALLBACK,
      actor: 'owner@test',
      bindToBrowser: true,
    });
    const back = await consent(started.url);
    await expectRefusal(
      completeAuthorisation(ctx, deps(), { state: 'forged', code: back.code, binding: started.binding }),
      400,
      'state_unknown',
    );
    await expectRefusal(
      completeAuthorisation(ctx, deps(), { state: undefined, code: back.code, binding: started.binding }),
      400,
      'state_unknown',
    );
    await expectRefusal(
      completeAuthorisation(ctx, deps(), { state: back.state, code: back.code, binding: 'another-browser' }),
      400,
      'state_other_browser',
    );
    expect(await getConnection(store.db, 'demo')).toBeUndefined();
    await completeAuthorisation(ctx, deps(), { state: back.state, code: back.code, binding: started.binding });
    const before = (await getConnection(store.db, 'demo'))!;
    await expectRefusal(
      completeAuthorisation(ctx, deps(), { state: back.state, code: back.code, binding: started.binding }),
      409,
      'state_used',
    );
    const late = await beginAuthorisation(ctx, app, {
      shopId: 'demo',
      redirectUri: CALLBACK,
      actor: 'owner@test',
      bindToBrowser: true,
    });
    const lateBack = await consent(late.url);
    clock.advance(11 * 60_000);
    await expectRefusal(
      completeAuthorisation(ctx, deps(), { state: lateBack.state, code: lateBack.code, binding: late.binding }),
      400,
      'state_expired',
    );
    expect(await getConnection(store.db, 'demo')).toEqual(before);
  });

  it('a used, expired or denied code, and an unreadable answer, are refused; the stored tokens stay as they were', async () => {
    await authorise();
    const before = (await getConnection(store.db, 'demo'))!;
    // a code used once already, replayed under a new state
    const first = await beginAuthorisation(ctx, app, {
      shopId: 'demo',
      redirectUri: CALLBACK,
      actor: 'owner@test',
      bindToBrowser: true,
    });
    const firstBack = await consent(first.url);
    await completeAuthorisation(ctx, deps(), { state: firstBack.state, code: firstBack.code, binding: first.binding });
    const afterGood = (await getConnection(store.db, 'demo'))!;
    expect(afterGood.access_token_enc).not.toBe(before.access_token_enc);
    const used = await beginAuthorisation(ctx, app, {
      shopId: 'demo',
      redirectUri: CALLBACK,
      actor: 'owner@test',
      bindToBrowser: true,
    });
    const usedError = await expectRefusal(
      completeAuthorisation(ctx, deps(), {
        state: new URL(used.url).searchParams.get('state')!,
        code: firstBack.code,
        binding: used.binding,
      }),
      422,
      'code_refused',
    );
    expect(usedError.localizedMessage.en).toContain('InvalidCode');
    // an expired code (the fake's codes live 5 minutes)
    const slow = await beginAuthorisation(ctx, app, {
      shopId: 'demo',
      redirectUri: CALLBACK,
      actor: 'owner@test',
      bindToBrowser: true,
    });
    const slowBack = await consent(slow.url);
    clock.advance(6 * 60_000);
    await expectRefusal(
      completeAuthorisation(ctx, deps(), { state: slowBack.state, code: slowBack.code, binding: slow.binding }),
      422,
      'code_refused',
    );
    // the seller said no
    const denied = await beginAuthorisation(ctx, app, {
      shopId: 'demo',
      redirectUri: CALLBACK,
      actor: 'owner@test',
      bindToBrowser: true,
    });
    const deniedBack = await consent(denied.url, 'deny');
    expect(deniedBack.error).toBe('access_denied');
    await expectRefusal(
      completeAuthorisation(ctx, deps(), {
        state: deniedBack.state,
        code: deniedBack.code,
        error: deniedBack.error,
        binding: denied.binding,
      }),
      400,
      'code_missing',
    );
    // not JSON, then cut off
    for (const fault of ['not_json', 'truncated'] as const) {
      const broken = await beginAuthorisation(ctx, app, {
        shopId: 'demo',
        redirectUri: CALLBACK,
        actor: 'owner@test',
        bindToBrowser: true,
      });
      const brokenBack = await consent(broken.url);
      fake.auth.answerFault = fault;
      await expectRefusal(
        completeAuthorisation(ctx, deps(), { state: brokenBack.state, code: brokenBack.code, binding: broken.binding }),
        502,
        'answer_unreadable',
      );
    }
    expect(await getConnection(store.db, 'demo')).toEqual(afterGood);
  });

  it('the refresh job renews the token before it ends, keeps the refresh token’s end, and the new token works', async () => {
    await authorise();
    const before = (await getConnection(store.db, 'demo'))!;
    expect(await refreshExpiringTokens(ctx, deps(), { aheadMs: 2 * DAY })).toMatchObject({ ran: true, refreshed: [] });
    clock.advance(8 * DAY + HOUR);
    const report = await refreshExpiringTokens(ctx, deps(), { aheadMs: 2 * DAY });
    expect(report).toMatchObject({ ran: true, refreshed: ['demo'], paused: [], failed: [] });
    const after = (await getConnection(store.db, 'demo'))!;
    expect(Number(after.access_expires_at)).toBe(clock.now() + 10 * DAY);
    expect(Number(after.refresh_expires_at)).toBe(Number(before.refresh_expires_at));
    clock.advance(3 * DAY); // past the first token's end
    const oldToken = decryptSecret(
      TEST_MASTER_KEY,
      before.access_token_enc,
      SECRET_CONTEXTS.marketplace('demo', 'access_token'),
    );
    const newToken = decryptSecret(
      TEST_MASTER_KEY,
      after.access_token_enc,
      SECRET_CONTEXTS.marketplace('demo', 'access_token'),
    );
    expect(fake.auth.accessTokenValid(oldToken, clock.now())).toBe(false);
    expect(fake.auth.accessTokenValid(newToken, clock.now())).toBe(true);
    expect(fake.auth.counts.refresh).toBe(1);
  });

  it('a refresh answered unreadably changes nothing and is tried again on the next tick', async () => {
    await authorise();
    const before = (await getConnection(store.db, 'demo'))!;
    clock.advance(9 * DAY);
    fake.auth.answerFault = 'truncated';
    const report = await refreshExpiringTokens(ctx, deps(), { aheadMs: 2 * DAY });
    expect(report.failed).toEqual([{ shopId: 'demo', detail: expect.stringContaining('not JSON') }]);
    expect(await getConnection(store.db, 'demo')).toEqual(before);
    // the fake applied it and lost the answer: its refresh token is used; the platform now refuses it, and the shop pauses
    const next = await refreshExpiringTokens(ctx, deps(), { aheadMs: 2 * DAY });
    expect(next.paused).toEqual(['demo']);
  });

  it('a refused refresh pauses the shop’s sync and uploads, with a notice and one alert, however many ticks see it', async () => {
    await authorise();
    await addWebhook(ctx, { shopId: 'demo', url: 'https://hooks.example/alerts', secret: 'hook-secret-123456' });
    expect(fake.auth.revokeRefreshToken()).toBe(1);
    clock.advance(8 * DAY + HOUR);
    expect(await refreshExpiringTokens(ctx, deps(), { aheadMs: 2 * DAY })).toMatchObject({
      refreshed: [],
      paused: ['demo'],
    });
    expect(await refreshExpiringTokens(ctx, deps(), { aheadMs: 2 * DAY })).toMatchObject({ refreshed: [], paused: [] });
    const alerts = await store.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('kind', '=', 'shop_authorisation_paused')
      .execute();
    expect(alerts).toHaveLength(1);
    const payload = JSON.parse(alerts[0]!.payload) as {
      message: { en: string; 'zh-CN': string };
      platform_code: string;
    };
    expect(payload.platform_code).toBe('IllegalRefreshToken');
    expect(payload.message.en).toContain('Settings → Shops');
    expect(payload.message['zh-CN']).toContain('重新授权');
    const notices = await authorisationNotices(ctx, ['demo']);
    expect(notices).toMatchObject([{ kind: 'shop_authorisation_paused', shopId: 'demo', message: payload.message }]);
    expect(await authorisationNotices(ctx, ['other'])).toEqual([]);
    // sync and uploads wait instead of failing one by one
    expect(await syncShopOrders(ctx, 'demo', { masterKey: TEST_MASTER_KEY })).toMatchObject({
      status: 'paused',
      listed: 0,
    });
    await expect(openShopClient(ctx, TEST_MASTER_KEY, 'demo')).rejects.toBeInstanceOf(ReauthorisationRequiredError);
    // authorising again ends the pause
    await authorise();
    expect(await authorisationNotices(ctx, ['demo'])).toEqual([]);
    expect((await getConnection(store.db, 'demo'))!.auth_state).toBe('authorised');
  });

  it('a missing app key or secret is named', () => {
    expect(() => aliexpressAppFromEnv({ [APP_SECRET_ENV]: 'x' })).toThrow(APP_KEY_ENV);
    expect(() => aliexpressAppFromEnv({ [APP_KEY_ENV]: 'x' })).toThrow(APP_SECRET_ENV);
  });

  if (backend.name === 'postgres') {
    it('two workers on one database refresh a token once', async () => {
      await authorise();
      const second = openStore(store.url, { poolSize: 2 });
      const other = createContext(second, clock.now);
      try {
        clock.advance(9 * DAY);
        const reports = await Promise.all([
          refreshExpiringTokens(ctx, deps(), { aheadMs: 2 * DAY }),
          refreshExpiringTokens(other, deps(), { aheadMs: 2 * DAY }),
          refreshExpiringTokens(ctx, deps(), { aheadMs: 2 * DAY }),
        ]);
        expect(reports.flatMap((r) => r.refreshed)).toEqual(['demo']);
        expect(reports.flatMap((r) => r.paused)).toEqual([]);
        expect(fake.auth.counts.refresh).toBe(1);
        const afterAll = await refreshExpiringTokens(other, deps(), { aheadMs: 2 * DAY });
        expect(afterAll).toMatchObject({ ran: true, refreshed: [] });
      } finally {
        await second.close();
      }
    });
  }
});
