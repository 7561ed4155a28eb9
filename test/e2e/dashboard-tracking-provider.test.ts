/**
 * Settings → Tracking provider in a real browser (Debian's Chromium through playwright-core against the real server
 * on a fresh SQLite file, authentication on, 1440×900): the installation's owner opens it from the setup checklist's
 * optional step, adds a 17TRACK provider in English (a short webhook secret refused at its field, then a generated
 * one) and an AfterShip one in Chinese (polling without an API key refused at its field), copies each webhook URL
 * (the dashboard's origin and the provider's webhook route) told where to paste it, and changes one without typing its
 * secrets again. The list never shows a secret; the stored API keys are ciphertexts that open to the keys typed. A
 * shop's manager finds no menu entry for it. No console error but the expected refusals; no horizontal scroll.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { addShop, addUser } from '../../src/app/accounts';
import { decryptSecret, isSealed, masterKeyOf, SECRET_CONTEXTS } from '../../src/app/secrets';
import { browserHooks, BrowserWorld } from '../support/browser';
import { englishWords, SCREEN_TEXT } from '../support/english-words';

const CLOCK_START = Math.floor(Date.now() / 60_000) * 60_000;
const WIDE = { width: 1440, height: 900 };
const OWNER = { email: 'owner@tracking-provider.test', password: 'correct horse battery staple' };
const MANAGER = { email: 'manager@tracking-provider.test', password: 'correct horse battery staple' };
const SEVENTEEN_KEY = 'plain-17token-0123456789';
const AFTERSHIP_KEY = 'asat_plain-aftership-key-987';
const AFTERSHIP_SECRET = 'aftership-webhook-secret-0001';

let world: BrowserWorld;
let page: Page;
let base: string;

beforeAll(async () => {
  world = await BrowserWorld.open('dashboard-tracking-provider', { clockStart: CLOCK_START });
  await addUser(world.ctx, { email: OWNER.email, password: OWNER.password, accountOwner: true });
  await addShop(world.ctx, { id: 'shop-a', accountId: 'default' });
  await addUser(world.ctx, { ...MANAGER, shops: [{ shopId: 'shop-a', role: 'manager' }] });
  await world.start({ authentication: true });
  ({ base, page } = world);
  await page.setViewportSize(WIDE);
  await world.browser!.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await world.signIn(OWNER);
}, 120_000);

browserHooks(() => world);

const switchTo = async (locale: 'en' | 'zh-CN') => {
  await page.locator(`button[data-locale="${locale}"]`).click();
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(locale);
};
const noHorizontalScroll = async (where: string) => {
  const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
  expect(width, where).toBeLessThanOrEqual(WIDE.width);
};
const storedRow = (name: string) =>
  world.ctx.store.db.selectFrom('tracking_providers').selectAll().where('name', '=', name).executeTakeFirst();
/** The stored API key opened with the installation's key: a ciphertext that is the key typed, never that key itself. */
const openedApiKey = async (name: string) => {
  const row = await storedRow(name);
  expect(row?.api_key).toBeTruthy();
  expect(isSealed(row!.api_key!)).toBe(true);
  return decryptSecret(masterKeyOf(world.ctx), row!.api_key!, SECRET_CONTEXTS.trackingProvider(name, 'api_key'));
};
/** Everything the page shows and holds in its fields. */
const pageText = async () =>
  String(
    await page.evaluate(
      `document.body.innerText + [...document.querySelectorAll('input')].map((i) => i.value).join(' ')`,
    ),
  );

describe('Settings → Tracking provider', () => {
  it('opens from the checklist’s optional step; adds 17TRACK in English after refusing a short secret at its field', async () => {
    await page.goto(`${base}/#/setup`);
    await switchTo('en');
    const step = page.locator('.checklist li[data-step="tracking"]');
    await step.waitFor();
    expect(await step.getAttribute('data-done')).toBe('false');
    expect(await step.locator('.step-state').innerText()).toBe('Optional');
    expect(await step.locator('h3').innerText()).toBe('Tracking provider (optional)');
    await step.getByTestId('open-tracking').click();
    await page.getByTestId('no-provider').waitFor();
    expect(page.url()).toBe(`${base}/#/settings/tracking`);

    const form = page.getByTestId('provider-form');
    await form.locator('input[name="name"]').fill('17track');
    expect(await form.locator('select[name="kind"]').inputValue()).toBe('seventeen');
    // The versions 17TRACK speaks, its current one first.
    expect(await form.locator('select[name="api_version"] option').allInnerTexts()).toEqual(['v2.4', 'v2.2']);
    await form.locator('input[name="api_key"]').fill(SEVENTEEN_KEY);
    await form.locator('input[name="webhook_secret"]').fill('too-short');
    world.console.expectRefusal({ path: '/tracking/providers/17track', status: 400 });
    await page.getByTestId('save-provider').click();
    await expect.poll(() => form.locator('input[name="webhook_secret"]').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-error[data-field="webhook_secret"]').innerText()).toBe(
      'the webhook secret must be at least 16 characters.',
    );
    expect(await storedRow('17track')).toBeUndefined();
    await noHorizontalScroll('refused');
    await world.screenshot('refused-en');

    await page.getByTestId('generate-secret').click();
    const generated = await form.locator('input[name="webhook_secret"]').inputValue();
    expect(generated).toMatch(/^[0-9a-f]{48}$/);
    // Shown, so it can be pasted into the provider.
    expect(await form.locator('input[name="webhook_secret"]').getAttribute('type')).toBe('text');
    await page.getByTestId('save-provider').click();
    await page.getByTestId('provider-saved').waitFor();

    const url = `${base}/tracking/webhooks/17track`;
    const webhook = page.getByTestId('webhook-url');
    expect(await webhook.locator('input').inputValue()).toBe(url);
    expect(await webhook.getByTestId('webhook-where').innerText()).toBe(
      "In 17TRACK's console, open Settings → Webhook, paste this URL and save.",
    );
    // No public address is set: the URL is this page's own, and the screen says so and what to do.
    expect(await webhook.getByTestId('webhook-origin').innerText()).toContain(
      `the address this page was opened at (${base})`,
    );
    await webhook.getByTestId('copy').click();
    await expect.poll(() => webhook.getByTestId('copy').innerText()).toBe('Copied');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(url);

    const row = page.getByTestId('tracking-providers').locator('tr[data-provider="17track"]');
    await row.waitFor();
    expect((await row.locator('td').allInnerTexts()).slice(0, 5)).toEqual([
      '17track',
      '17TRACK',
      'v2.4',
      'Off (webhooks only)',
      'Stored (encrypted)',
    ]);
    expect(await row.locator('input').inputValue()).toBe(url);
    const shown = await pageText();
    expect(shown).not.toContain(SEVENTEEN_KEY);
    expect(shown).not.toContain(generated);
    expect(await openedApiKey('17track')).toBe(SEVENTEEN_KEY);
    expect((await storedRow('17track'))!.webhook_secret).not.toContain(generated);
    await noHorizontalScroll('saved');
    await world.screenshot('saved-en');
  });

  it('adds AfterShip in Chinese after refusing polling without an API key at its field; lists both without secrets', async () => {
    await switchTo('zh-CN');
    const form = page.getByTestId('provider-form');
    await form.locator('input[name="name"]').fill('aftership');
    await form.locator('select[name="kind"]').selectOption('aftership');
    expect(await form.locator('select[name="api_version"] option').allInnerTexts()).toEqual([
      '2025-01',
      '2024-10',
      '2024-07',
    ]);
    await form.locator('select[name="api_version"]').selectOption('2024-10');
    await form.locator('input[name="webhook_secret"]').fill(AFTERSHIP_SECRET);
    await form.locator('input[name="polls"]').check();
    // Before saving, the address it will have, and where it goes in AfterShip.
    const webhook = page.getByTestId('webhook-url');
    expect(await webhook.locator('input').inputValue()).toBe(`${base}/tracking/webhooks/aftership`);
    expect(await webhook.getByTestId('webhook-where').innerText()).toBe(
      '在 AfterShip 中打开「通知 → Webhook」设置页，添加此地址并保存。',
    );
    world.console.expectRefusal({ path: '/tracking/providers/aftership', status: 400 });
    await page.getByTestId('save-provider').click();
    await expect.poll(() => form.locator('input[name="polls"]').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-error[data-field="polls"]').innerText()).toBe(
      '轮询需要服务商的 API 密钥：请填写 api_key（或 base_url）。',
    );
    expect(await storedRow('aftership')).toBeUndefined();
    await world.screenshot('refused-zh');

    await form.locator('input[name="api_key"]').fill(AFTERSHIP_KEY);
    await page.getByTestId('save-provider').click();
    await page.getByTestId('provider-saved').waitFor();
    expect(await page.getByTestId('provider-saved').innerText()).toContain('aftership 已保存');

    const table = page.getByTestId('tracking-providers');
    const row = table.locator('tr[data-provider="aftership"]');
    await row.waitFor();
    expect((await row.locator('td').allInnerTexts()).slice(0, 5)).toEqual([
      'aftership',
      'AfterShip',
      '2024-10',
      '首次扫描前每 6 小时，之后每 12 小时；20 天后每天一次；签收 30 天后停止',
      '已保存（加密）',
    ]);
    expect(await table.locator('tr[data-provider]').count()).toBe(2);
    const shown = await pageText();
    for (const secret of [AFTERSHIP_KEY, AFTERSHIP_SECRET, SEVENTEEN_KEY]) expect(shown).not.toContain(secret);
    expect(await openedApiKey('aftership')).toBe(AFTERSHIP_KEY);
    // No English left on the Chinese screen but the names typed, codes and brands.
    expect(englishWords(String(await page.evaluate(SCREEN_TEXT)), ['aftership'])).toEqual([]);
    await noHorizontalScroll('both-zh');
    await world.screenshot('both-zh');
  });

  it('changes a provider without its secrets typed again: the stored ones stay', async () => {
    await switchTo('en');
    const before = await storedRow('17track');
    await page
      .getByTestId('tracking-providers')
      .locator('tr[data-provider="17track"]')
      .getByTestId('edit-provider')
      .click();
    const form = page.getByTestId('provider-form');
    await expect.poll(() => form.locator('input[name="name"]').getAttribute('readonly')).not.toBeNull();
    expect(await form.innerText()).toContain('An API key is stored: leave this empty to keep it.');
    expect(await form.locator('input[name="api_key"]').inputValue()).toBe('');
    await form.locator('select[name="api_version"]').selectOption('v2.2');
    await form.locator('input[name="polls"]').check();
    await page.getByTestId('save-provider').click();
    await page.getByTestId('provider-saved').waitFor();
    const after = await storedRow('17track');
    expect(after).toMatchObject({ api_version: 'v2.2', polls: 1 });
    expect({ api_key: after!.api_key, webhook_secret: after!.webhook_secret }).toEqual({
      api_key: before!.api_key,
      webhook_secret: before!.webhook_secret,
    });
    const row = page.getByTestId('tracking-providers').locator('tr[data-provider="17track"]');
    await expect.poll(() => row.locator('td').nth(2).innerText()).toBe('v2.2');

    // The checklist's optional step is done now.
    await page.goto(`${base}/#/setup`);
    await expect.poll(() => page.locator('.checklist li[data-step="tracking"]').getAttribute('data-done')).toBe('true');
    await page.goto(`${base}/#/settings`);
    await page.getByTestId('open-tracking-provider').click();
    await page.getByTestId('tracking-providers').waitFor();
  });

  it("gives the server's public address as the webhook URLs' base once it is set, not the page's own", async () => {
    const saved = process.env.SHIPBY_PUBLIC_URL;
    process.env.SHIPBY_PUBLIC_URL = 'https://ship.example.com/';
    onTestFinished(() => {
      if (saved === undefined) delete process.env.SHIPBY_PUBLIC_URL;
      else process.env.SHIPBY_PUBLIC_URL = saved;
    });
    await page.reload();
    const row = page.getByTestId('tracking-providers').locator('tr[data-provider="17track"]');
    await expect
      .poll(() => row.locator('input').inputValue())
      .toBe('https://ship.example.com/tracking/webhooks/17track');
    await page.getByTestId('provider-form').locator('input[name="name"]').fill('backup');
    const webhook = page.getByTestId('webhook-url');
    expect(await webhook.locator('input').inputValue()).toBe('https://ship.example.com/tracking/webhooks/backup');
    expect(await webhook.getByTestId('webhook-origin').count()).toBe(0);
  });

  it("shows a shop's manager no menu entry and no form: only the installation's owner sets it up", async () => {
    await world.signIn(MANAGER);
    // A new document: the page reads the session again (the manager's).
    await page.goto('about:blank');
    await page.goto(`${base}/#/settings`);
    await page.getByTestId('settings-menu').waitFor();
    expect(await page.getByTestId('open-setup').count()).toBe(1);
    expect(await page.getByTestId('open-tracking-provider').count()).toBe(0);
    await page.goto(`${base}/#/settings/tracking`);
    await page.getByTestId('provider-owner-only').waitFor();
    await page.getByTestId('tracking-providers').locator('tr[data-provider="aftership"]').waitFor();
    expect(await page.getByTestId('provider-form').count()).toBe(0);
    expect(await page.getByTestId('tracking-providers').locator('input').count()).toBe(0);
    await page.goto(`${base}/#/setup`);
    await page.locator('.checklist li[data-step]').first().waitFor();
    expect(await page.locator('.checklist li[data-step="tracking"]').count()).toBe(0);
  });
});
