/**
 * Authorising a shop at AliExpress from the dashboard, in a real browser (Debian's Chromium through playwright-core
 * against the real server, authentication on, the account's owner): Settings → Shops → Connect → the fake
 * platform's consent page (the platform's own protocol: /oauth/authorize with the app key, the callback and a
 * state) → Authorise → back on Settings → Shops, connected as the fake's seller account, and synced (the first sync
 * runs in the background). Connecting again replaces the tokens; a callback with a state shipby did not start lands on a page that says, in both languages, to start again from
 * Settings → Shops. Screenshots in test-results/; any console error but an expected refusal fails.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/app/accounts';
import type { AppContext } from '../../src/app/context';
import { startFakeAliExpressServer, type FakeAliExpressServer } from '../../src/integrations/aliexpress/fake-server';
import { allowOutbound } from '../../src/integrations/outbound';
import { getConnection } from '../../src/store/marketplace';
import { ensureShop } from '../../src/store/orders';
import { browserHooks, BrowserWorld } from '../support/browser';
import { FAKE_APP_KEY, FAKE_APP_SECRET, TEST_MASTER_KEY } from '../support/outbox-fixtures';

const CLOCK_START = Math.floor(Date.now() / 60_000) * 60_000;
const OWNER = { email: 'owner@shop-auth.test', password: 'correct horse battery staple' };
const HOUR = 3_600_000;

let world: BrowserWorld;
let ctx: AppContext;
let base: string;
let page: Page;
let fake: FakeAliExpressServer;

beforeAll(async () => {
  world = await BrowserWorld.open('dashboard-shop-authorisation', { clockStart: CLOCK_START });
  ctx = world.ctx;
  ctx.masterKey = TEST_MASTER_KEY;
  fake = await startFakeAliExpressServer({ appKey: FAKE_APP_KEY, appSecret: FAKE_APP_SECRET, seed: 7 });
  world.onClose(() => fake.close());
  allowOutbound(fake.url);
  const now = Date.now();
  fake.marketplace.addOrder(
    {
      order_id: '8190000000300010',
      status: 'WAIT_SELLER_SEND_GOODS',
      paid_at: now - 5 * HOUR,
      risk_passed_at: now - 4 * HOUR,
      modified_at: now - 3 * HOUR,
      handling_days: 3,
      freight_commit_days: 45,
      lines: [{ sku: 'LAMP-1', quantity: 1, unit_price: '4.50' }],
    },
    now,
  );
  fake.marketplace.invalidate();
  await ensureShop(ctx.store.db, { id: 'demo', platform: 'aliexpress' }, CLOCK_START);
  await addUser(ctx, { email: OWNER.email, password: OWNER.password, accountOwner: true });
  await world.start({
    authentication: true,
    marketplaceAuth: {
      env: {
        SHIPBY_ALIEXPRESS_APP_KEY: FAKE_APP_KEY,
        SHIPBY_ALIEXPRESS_APP_SECRET: FAKE_APP_SECRET,
        SHIPBY_ALIEXPRESS_GATEWAY_URL: fake.url,
      },
    },
  });
  ({ base, page } = world);
  await world.signIn(OWNER);
}, 120_000);

browserHooks(() => world);

describe('Connect a shop to AliExpress from the dashboard', () => {
  it('Connect → the platform’s consent page → Authorise → back, connected and synced', async () => {
    await page.goto(`${base}/#/settings/shops`);
    const card = page.locator('#settings-shops');
    await expect.poll(() => card.getByTestId('shop-connection').getAttribute('data-state')).toBe('not_connected');
    await world.screenshot('not-connected');
    await card.getByTestId('connect-shop').click();
    // The fake platform's page, reached the platform's way.
    await page.getByTestId('consent-allow').waitFor();
    const consent = new URL(page.url());
    expect(consent.origin).toBe(fake.url);
    expect(consent.pathname).toBe('/oauth/authorize');
    expect(Object.fromEntries(consent.searchParams)).toMatchObject({
      response_type: 'code',
      force_auth: 'true',
      client_id: FAKE_APP_KEY,
      redirect_uri: `${base}/marketplace/aliexpress/callback`,
    });
    expect(consent.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await page.getByTestId('consent-account').innerText()).toBe(fake.marketplace.sellerLoginId);
    await world.screenshot('consent');
    await page.getByTestId('consent-allow').click();
    // Back on Settings → Shops: connected, then synced.
    await page.waitForURL(`${base}/#/settings/shops?for=demo`);
    await page.getByTestId('shop-just-connected').waitFor();
    expect(await page.locator('#settings-shops').getByTestId('shop-connection').getAttribute('data-state')).toBe(
      'authorised',
    );
    expect(await page.getByTestId('shop-connected').innerText()).toContain(fake.marketplace.sellerLoginId);
    await expect
      .poll(() => page.getByTestId('shop-last-sync').getAttribute('data-synced'), { timeout: 30_000 })
      .toBe('yes');
    await world.screenshot('connected');
    const row = await getConnection(ctx.store.db, 'demo');
    expect(row).toMatchObject({ auth_state: 'authorised', app_key: FAKE_APP_KEY });
    expect(fake.auth.counts.create).toBe(1);
    const synced = await ctx.store.db
      .selectFrom('orders')
      .select('platform_order_id')
      .where('shop_id', '=', 'demo')
      .execute();
    expect(synced.map((o) => o.platform_order_id)).toContain('8190000000300010');
  }, 90_000);

  it('connecting again replaces the tokens; a forged callback: a page in both languages says to start again from Settings → Shops; nothing changes', async () => {
    const before = await getConnection(ctx.store.db, 'demo');
    await page.goto(`${base}/#/settings/shops`);
    await page.getByTestId('connect-shop').click();
    await page.getByTestId('consent-allow').click();
    await page.waitForURL(`${base}/#/settings/shops?for=demo`);
    const connected = await getConnection(ctx.store.db, 'demo');
    expect(connected!.access_token_enc).not.toBe(before!.access_token_enc);
    // A callback with a state shipby did not start (a forged link, or one from before a restore).
    world.console.expectRefusal({ path: '/marketplace/aliexpress/callback', status: 400 });
    const replay = await page.goto(`${base}/marketplace/aliexpress/callback?code=3_replayed&state=spent-or-forged`);
    expect(replay!.status()).toBe(400);
    const message = page.getByTestId('authorisation-error');
    expect(await message.innerText()).toContain('Settings → Shops');
    expect(await page.locator('p[lang="zh-CN"]').innerText()).toContain('设置 → 店铺');
    await world.screenshot('refused');
    await page.getByRole('link', { name: /Back to Settings → Shops/ }).click();
    await page.locator('#settings-shops').waitFor();
    expect(await getConnection(ctx.store.db, 'demo')).toEqual(connected);
  }, 90_000);
});
