/**
 * Settings → carrier accounts in a real browser (Debian's Chromium through playwright-core against the real server
 * on a fresh SQLite file, authentication on, the installation's owner): choosing AliExpress online logistics leaves
 * only the sender address id to give (no address, no secret); words instead of the id are refused at that field, in
 * Chinese, with nothing stored; the id is then saved and listed, its secret "not needed". Any console error but the
 * expected refusal fails.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/app/accounts';
import { listCarrierAccounts } from '../../src/app/carrier-contracts';
import { browserHooks, BrowserWorld } from '../support/browser';

const CLOCK_START = Math.floor(Date.now() / 60_000) * 60_000;
const OWNER = { email: 'owner@online-account.test', password: 'correct horse battery staple' };

let world: BrowserWorld;
let page: Page;
let base: string;

beforeAll(async () => {
  world = await BrowserWorld.open('dashboard-online-logistics-account', { clockStart: CLOCK_START });
  await addUser(world.ctx, { email: OWNER.email, password: OWNER.password, accountOwner: true });
  await world.start({ authentication: true });
  ({ base, page } = world);
  await world.signIn(OWNER);
}, 60_000);

browserHooks(() => world);

describe('Settings → carrier accounts', () => {
  it('sets the platform’s online logistics with only the sender address id (Chinese), refusing words at that field', async () => {
    await page.goto(`${base}/#/settings`);
    await page.locator('button[data-locale="zh-CN"]').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    const form = page.getByTestId('carrier-account-form');
    await form.waitFor();
    await form.locator('select[name="protocol"]').selectOption('aliexpress-online');
    expect(await form.locator('input[name="url"]').count()).toBe(0);
    expect(await form.locator('input[name="api_key"]').count()).toBe(0);
    expect(await form.locator('label[for="account-id"]').innerText()).toBe('发货地址 ID');
    await form.locator('input[name="carrier"]').fill('cainiao');
    await form.locator('input[name="account_id"]').fill('main warehouse');
    world.console.expectRefusal({ path: '/carrier/accounts/cainiao', status: 400 });
    await page.getByTestId('save-carrier-account').click();
    await expect.poll(() => form.locator('input[name="account_id"]').getAttribute('aria-invalid')).toBe('true');
    expect(await form.innerText()).toContain('发货地址的地址 ID');
    expect(await listCarrierAccounts(world.ctx)).toEqual([]);
    await world.screenshot('online-account-refused-zh');
    await form.locator('input[name="account_id"]').fill('1001');
    await page.getByTestId('save-carrier-account').click();
    const row = page.getByTestId('carrier-accounts').locator('tr[data-carrier="cainiao"]');
    await row.waitFor();
    expect(await row.innerText()).toContain('1001');
    expect(await row.innerText()).toContain('无需（使用店铺连接）');
    expect(await listCarrierAccounts(world.ctx)).toEqual([
      { carrier: 'cainiao', protocol: 'aliexpress-online', base_url: '', account_id: '1001', secret: 'not needed' },
    ]);
    await world.screenshot('online-account-saved-zh');
  });
});
