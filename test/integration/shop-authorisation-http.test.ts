/**
 * The authorisation routes over HTTP (SQLite and PostgreSQL): Connect redirects to the platform's consent page and
 * sets the browser's binding cookie; the callback with the right state and cookie stores the shop and returns to
 * Settings → Shops; a wrong or replayed callback answers a bilingual page with 400 / 409 and changes nothing; a
 * missing app key names its variable (409, not 500); a paused shop is a notice for its users.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContext } from '../../src/app/context';
import { refreshExpiringTokens } from '../../src/app/shop-authorisation';
import { buildServer } from '../../src/http/server';
import { AUTHORISE_COOKIE } from '../../src/http/routes/marketplace-auth';
import { startFakeAliExpressServer, type FakeAliExpressServer } from '../../src/integrations/aliexpress/fake-server';
import { allowOutbound } from '../../src/integrations/outbound';
import type { Store } from '../../src/store/database';
import { getConnection } from '../../src/store/marketplace';
import { backends, manualClock } from '../support/backends';
import { FAKE_APP_KEY, FAKE_APP_SECRET, TEST_MASTER_KEY } from '../support/outbox-fixtures';

const DAY = 86_400_000;
const clock = manualClock(Date.UTC(2026, 11, 1, 8));
let fake: FakeAliExpressServer;
beforeAll(async () => {
  fake = await startFakeAliExpressServer({
    appKey: FAKE_APP_KEY,
    appSecret: FAKE_APP_SECRET,
    now: clock.now,
    accessTokenTtlMs: 10 * DAY,
  });
  allowOutbound(fake.url);
});
afterAll(async () => {
  await fake.close();
});

const env = () => ({
  SHIPBY_ALIEXPRESS_APP_KEY: FAKE_APP_KEY,
  SHIPBY_ALIEXPRESS_APP_SECRET: FAKE_APP_SECRET,
  SHIPBY_ALIEXPRESS_GATEWAY_URL: fake.url,
  SHIPBY_PUBLIC_URL: 'http://shipby.test',
});

describe.each(backends)('authorisation routes on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let app: FastifyInstance;
  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    clock.set(Date.UTC(2026, 11, 1, 8));
    const ctx = createContext(store, clock.now);
    ctx.masterKey = TEST_MASTER_KEY;
    app = await buildServer(ctx, { authentication: false, marketplaceAuth: { env: env() } });
  });
  afterEach(async () => {
    await app.close();
    fake.auth.reset();
    await dispose();
  });

  /** Connect, then the seller's Authorise on the fake's page: the callback's query and the cookie. */
  async function connect(shop: string): Promise<{ query: string; cookie: string }> {
    const started = await app.inject({ method: 'GET', url: `/shops/${shop}/marketplace/authorise` });
    expect(started.statusCode).toBe(302);
    const consent = new URL(started.headers.location as string);
    expect(consent.origin + consent.pathname).toBe(`${fake.url}/oauth/authorize`);
    expect(consent.searchParams.get('redirect_uri')).toBe('http://shipby.test/marketplace/aliexpress/callback');
    const cookie = started.cookies.find((c) => c.name === AUTHORISE_COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/marketplace/aliexpress/callback' });
    consent.pathname = '/oauth/authorize/approve';
    consent.searchParams.set('decision', 'allow');
    const back = new URL((await fetch(consent, { redirect: 'manual' })).headers.get('location')!);
    return { query: back.search, cookie: `${AUTHORISE_COOKIE}=${cookie.value}` };
  }

  it('Connect → consent → callback: the shop is stored and the browser returns to Settings → Shops; a replay is refused (409)', async () => {
    const { query, cookie } = await connect('demo');
    const done = await app.inject({
      method: 'GET',
      url: `/marketplace/aliexpress/callback${query}`,
      headers: { cookie },
    });
    expect(done.statusCode).toBe(302);
    expect(done.headers.location).toBe('/#/settings/shops?for=demo');
    const row = await getConnection(store.db, 'demo');
    expect(row).toMatchObject({ auth_state: 'authorised', seller_account: fake.marketplace.sellerLoginId });
    const replay = await app.inject({
      method: 'GET',
      url: `/marketplace/aliexpress/callback${query}`,
      headers: { cookie },
    });
    expect(replay.statusCode).toBe(409);
    expect(replay.body).toContain('already used');
    expect(replay.body).toContain('已使用过');
    expect(replay.body).toContain('href="/#/settings/shops"');
    const list = await app.inject({ method: 'GET', url: '/marketplace/authorisations' });
    expect(list.json().items).toEqual([
      expect.objectContaining({
        shop_id: 'demo',
        connected: true,
        state: 'authorised',
        source: 'platform',
        access_expires_at: new Date(clock.now() + 10 * DAY).toISOString(),
      }),
    ]);
  });

  it('a forged state, or the right one without the browser’s cookie, is refused (400) in both languages; nothing stored', async () => {
    const { query } = await connect('demo');
    const forged = await app.inject({
      method: 'GET',
      url: `/marketplace/aliexpress/callback?code=x&state=forged`,
      headers: { accept: 'application/json' },
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().error).toMatchObject({
      code: 'state_unknown',
      messages: { en: expect.stringContaining('Settings → Shops'), 'zh-CN': expect.stringContaining('设置 → 店铺') },
    });
    const stranger = await app.inject({ method: 'GET', url: `/marketplace/aliexpress/callback${query}` });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.body).toContain('another browser');
    expect(await getConnection(store.db, 'demo')).toBeUndefined();
  });

  it('without the app key, Connect names SHIPBY_ALIEXPRESS_APP_KEY (409, not 500)', async () => {
    await app.close();
    const ctx = createContext(store, clock.now);
    ctx.masterKey = TEST_MASTER_KEY;
    app = await buildServer(ctx, {
      authentication: false,
      marketplaceAuth: { env: { ...env(), SHIPBY_ALIEXPRESS_APP_KEY: '' } },
    });
    const answer = await app.inject({ method: 'GET', url: '/shops/demo/marketplace/authorise' });
    expect(answer.statusCode).toBe(409);
    expect(answer.json().error.message).toContain('SHIPBY_ALIEXPRESS_APP_KEY');
  });

  it('a shop whose refresh was refused is a notice on every screen, saying to reconnect in the dashboard', async () => {
    const { query, cookie } = await connect('demo');
    await app.inject({ method: 'GET', url: `/marketplace/aliexpress/callback${query}`, headers: { cookie } });
    fake.auth.revokeRefreshToken();
    clock.advance(9 * DAY);
    await refreshExpiringTokens(createContext(store, clock.now), { masterKey: TEST_MASTER_KEY }, { aheadMs: 2 * DAY });
    const notices = await app.inject({ method: 'GET', url: '/notices', headers: { 'accept-language': 'zh-CN' } });
    expect(notices.json().items).toEqual([
      expect.objectContaining({
        kind: 'shop_authorisation_paused',
        shop_id: 'demo',
        message: expect.stringContaining('重新授权'),
      }),
    ]);
  });
});
