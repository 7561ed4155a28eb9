/**
 * A refusal for a missing setting links to the dashboard screen that fixes it, and that screen fixes it, in a real
 * browser (Debian's Chromium through playwright-core against the real server on a fresh SQLite file, authentication
 * on, the account's owner packing): at the pack station, an order whose SKU has no size is refused with a link to
 * Settings → SKU sizes and weights, where a negative weight is refused at its field (nothing stored) and a right one
 * saved, and the order then packs; its label is refused for the missing sender address with a link to Settings →
 * Sender address, where the address is saved, and the label is then bought; a packer, who cannot change settings,
 * is told there to ask the owner or a manager. No message names a CLI command or an API path. English and Chinese. Screenshots in test-results/; any console error but an expected refusal fails.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/app/accounts';
import { setCarrierAccount } from '../../src/app/carrier-contracts';
import type { AppContext } from '../../src/app/context';
import { getOrderDetail } from '../../src/app/orders';
import { defineBox, getSender, listSkuDimensions } from '../../src/app/packing-catalog';
import { startSampleCarrierServer } from '../../src/integrations/carriers/sample-server';
import { browserHooks, BrowserWorld } from '../support/browser';
import { addAwaitingOrder } from '../support/pack';

// The real clock: the session cookie's expiry (12 h from the server's now) must lie ahead for the browser to keep it.
const CLOCK_START = Math.floor(Date.now() / 60_000) * 60_000;
const OWNER = { email: 'owner@setup-links.test', password: 'correct horse battery staple' };
const PACKER = { email: 'packer@setup-links.test', password: 'packer-password-1' };
const SKU = 'LAMP-NEW-1';
const ORDER = 'SETUP-1';
/** What a seller or packer must never be told to do: run a CLI command or call an API path. */
const CLI_OR_API = /shipby [a-z]|\/(shops|skus)\/|\b(PUT|POST|GET) \//;

let world: BrowserWorld;
let ctx: AppContext;
let base: string;
let page: Page;
let orderId: number;

const screenshot = (name: string) => world.screenshot(name);
const switchTo = async (locale: 'en' | 'zh-CN') => {
  await page.locator(`button[data-locale="${locale}"]`).click();
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(locale);
};

beforeAll(async () => {
  world = await BrowserWorld.open('dashboard-setup-links', { clockStart: CLOCK_START });
  ctx = world.ctx;
  // Shop demo has a box and a carrier account (the sample carrier, a real local HTTP server), but its SKU has no
  // size and weight and the shop no sender address: the two steps this test does in the dashboard.
  orderId = await addAwaitingOrder(ctx, 'demo', ORDER, { now: CLOCK_START, shipInHours: 30, sku: SKU });
  await defineBox(ctx, 'demo', {
    code: 'M',
    innerMm: [250, 200, 120],
    maxWeightG: 5_000,
    tareG: 100,
    cost: 150,
    currency: 'CNY',
  });
  const carrier = await startSampleCarrierServer({ apiKey: 'e2e-carrier-key' });
  world.onClose(() => carrier.close());
  await setCarrierAccount(ctx, {
    carrier: '*',
    protocol: 'yunexpress',
    baseUrl: carrier.url,
    accountId: carrier.customerCode,
    apiKey: 'e2e-carrier-key',
  });
  await addUser(ctx, { email: OWNER.email, password: OWNER.password, accountOwner: true });
  await addUser(ctx, { ...PACKER, shops: [{ shopId: 'demo', role: 'packer' }] });
  await world.start({ authentication: true });
  ({ base, page } = world);
  await world.signIn(OWNER);
}, 60_000);

browserHooks(() => world);

describe('a missing setting links to the screen that sets it', () => {
  it('at the pack station, an unsized SKU links to Settings → SKU sizes and weights, which refuses a negative weight at its field and saves a right one (Chinese)', async () => {
    await page.goto(`${base}/#/pack`);
    await switchTo('zh-CN');
    const station = page.locator('.pack-station');
    const alert = page.getByTestId('pack-alert');
    await page.getByTestId('scan-input').waitFor();
    world.console.expectRefusal({ path: '/pack/sessions', status: 400 });
    await page.getByTestId('scan-input').fill(ORDER);
    await page.getByTestId('scan-input').press('Enter');
    await expect.poll(() => alert.getAttribute('data-tone')).toBe('error');
    const text = await alert.innerText();
    expect(text).toContain(`缺少 ${SKU} 的尺寸和重量`);
    expect(text).toContain('设置 → SKU 尺寸和重量');
    expect(text).not.toMatch(CLI_OR_API);
    const link = alert.getByTestId('fix-link');
    expect(await link.getAttribute('href')).toBe(`#/settings/skus?for=${SKU}`);
    expect(await link.innerText()).toBe('打开「设置 → SKU 尺寸和重量」');
    await screenshot('pack-unsized-zh');

    await link.click();
    const card = page.locator('#settings-skus');
    await expect.poll(() => card.getAttribute('class')).toMatch(/fix-target/);
    expect(page.url()).toMatch(/#\/settings\/skus\?for=/);
    const form = page.getByTestId('sku-form');
    // The link came for this SKU: the form starts on it, the cursor in its size.
    expect(await form.locator('input[name="sku"]').inputValue()).toBe(SKU);
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('sku-length');
    await form.locator('input[name="length"]').fill('120');
    await form.locator('input[name="width"]').fill('80');
    await form.locator('input[name="height"]').fill('60');
    await form.locator('input[name="weight_g"]').fill('-5');
    world.console.expectRefusal({ path: '/skus/dimensions', status: 400 });
    await page.getByTestId('save-sku').click();
    const weightError = form.locator('.field-error[data-field="weight_g"]');
    await expect.poll(() => weightError.innerText()).toMatch(/weight_g 须为 1–\d+ 的整数克/);
    expect(await form.locator('input[name="weight_g"]').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-error').count()).toBe(1);
    expect(await listSkuDimensions(ctx, [SKU])).toEqual([]);
    await screenshot('sku-negative-weight-zh');

    await form.locator('input[name="weight_g"]').fill('350');
    await form.locator('input[name="barcode"]').fill('6901234567892');
    await page.getByTestId('save-sku').click();
    await expect.poll(() => page.getByTestId('sku-saved').innerText()).toContain(SKU);
    await expect.poll(() => form.locator('.field-error').count()).toBe(0);
    await expect
      .poll(() => page.locator(`[data-testid="sku-sizes"] tr[data-sku="${SKU}"]`).innerText())
      .toMatch(/120 × 80 × 60[\s\S]*350[\s\S]*6901234567892/);
    const [stored] = await listSkuDimensions(ctx, [SKU]);
    expect(stored).toMatchObject({
      sku: SKU,
      length_mm: 120,
      width_mm: 80,
      height_mm: 60,
      weight_g: 350,
      barcode: '6901234567892',
    });

    // Back at the station, the same order now packs: its item, then its weight.
    await page.goto(`${base}/#/pack`);
    await page.getByTestId('scan-input').fill(ORDER);
    await page.getByTestId('scan-input').press('Enter');
    await expect.poll(() => station.getAttribute('data-phase')).toBe('items');
    await expect.poll(() => station.getAttribute('data-busy')).toBe('false');
    await page.getByTestId('scan-input').fill('6901234567892');
    await page.getByTestId('scan-input').press('Enter');
    await expect.poll(() => station.getAttribute('data-phase')).toBe('weight');
  });

  it('a label refused for the missing sender address links to Settings → Sender address; once saved there, the label is bought (English)', async () => {
    await switchTo('en');
    const station = page.locator('.pack-station');
    const alert = page.getByTestId('pack-alert');
    const sessions = (await (await page.request.get(`${base}/pack/sessions?open=true`)).json()) as {
      items: Array<{ platform_order_id: string; current_parcel: { expected_gross_g: number } | null }>;
    };
    const expected = sessions.items.find((s) => s.platform_order_id === ORDER)!.current_parcel!.expected_gross_g;
    await expect.poll(() => station.getAttribute('data-busy')).toBe('false');
    await page.getByTestId('scan-input').fill(String(expected));
    await page.getByTestId('scan-input').press('Enter');
    await expect.poll(() => station.getAttribute('data-phase')).toBe('label');
    await expect.poll(() => station.getAttribute('data-busy')).toBe('false');

    world.console.expectRefusal({ path: '/labels', status: 400 });
    await page.getByTestId('scan-input').press('Enter');
    await expect.poll(() => alert.getAttribute('data-tone')).toBe('error');
    const text = await alert.innerText();
    expect(text).toContain('Shop demo has no sender address to print on its labels');
    expect(text).toContain('Settings → Sender address');
    expect(text).not.toMatch(CLI_OR_API);
    const link = alert.getByTestId('fix-link');
    expect(await link.getAttribute('href')).toBe('#/settings/sender');
    expect(await link.innerText()).toBe('Open Settings → Sender address');
    expect((await getOrderDetail(ctx, orderId)).parcels.map((p) => p.status)).toEqual(['packed']);
    await screenshot('pack-no-sender');

    await link.click();
    const card = page.locator('#settings-sender');
    await expect.poll(() => card.getAttribute('class')).toMatch(/fix-target/);
    await page.getByTestId('sender-missing').waitFor();
    // The form's first field has the focus, so the packer types straight away.
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('sender-name');
    const form = page.getByTestId('sender-form');
    // A country that is no ISO code is refused at its field; nothing is stored.
    await form.locator('input[name="name"]').fill('Demo Shop');
    await form.locator('input[name="address_line1"]').fill('1 Keji Road');
    await form.locator('input[name="address_line2"]').fill('Building 3, Floor 2');
    await form.locator('input[name="city"]').fill('Shenzhen');
    await form.locator('input[name="postcode"]').fill('518000');
    await form.locator('input[name="country"]').fill('C1');
    await form.locator('input[name="phone"]').fill('+86 755 0000 0000');
    world.console.expectRefusal({ path: '/sender', status: 400 });
    await page.getByTestId('save-sender').click();
    await expect.poll(() => form.locator('.field-error[data-field="country"]').innerText()).toMatch(/ISO 3166-1/);
    expect(await getSender(ctx, 'demo')).toBeUndefined();
    await form.locator('input[name="country"]').fill('cn');
    await page.getByTestId('save-sender').click();
    await page.getByTestId('sender-saved').waitFor();
    await expect.poll(() => page.getByTestId('sender-missing').count()).toBe(0);
    expect(await getSender(ctx, 'demo')).toMatchObject({
      name: 'Demo Shop',
      address_line1: '1 Keji Road',
      address_line2: 'Building 3, Floor 2',
      city: 'Shenzhen',
      postcode: '518000',
      country: 'CN',
    });
    await screenshot('sender-saved');

    // The label now goes through, from the order's page.
    await page.goto(`${base}/#/orders/${orderId}`);
    const buy = page.getByTestId('buy-label');
    await expect.poll(() => buy.isEnabled()).toBe(true);
    // A 19.99 USD order whose cheapest label (350 g) costs over the shop's 30 % of it: the page asks first (issue 17).
    world.console.expectRefusal({ path: `/orders/${orderId}/labels`, status: 409 });
    await buy.click();
    await page.getByTestId('confirm-cost').click({ timeout: 15_000 });
    const bought = page.getByTestId('label-bought');
    await bought.waitFor({ timeout: 15_000 });
    const parcels = (await getOrderDetail(ctx, orderId)).parcels;
    expect(parcels.map((p) => p.status)).toEqual(['labelled']);
    expect(await bought.innerText()).toContain(parcels[0]!.tracking_number!);
  });

  it('a packer, who cannot change settings, follows the link and is told to ask the owner or a manager', async () => {
    await addAwaitingOrder(ctx, 'demo', 'SETUP-2', { now: ctx.now(), shipInHours: 30, sku: 'LAMP-NEW-2' });
    await world.signIn(PACKER);
    await page.goto(`${base}/#/pack`);
    await page.reload();
    const alert = page.getByTestId('pack-alert');
    await page.getByTestId('scan-input').waitFor();
    world.console.expectRefusal({ path: '/pack/sessions', status: 400 });
    await page.getByTestId('scan-input').fill('SETUP-2');
    await page.getByTestId('scan-input').press('Enter');
    await expect.poll(() => alert.getAttribute('data-tone')).toBe('error');
    expect(await alert.innerText()).not.toMatch(CLI_OR_API);
    await alert.getByTestId('fix-link').click();
    await expect
      .poll(() => page.getByTestId('fix-ask-owner').innerText())
      .toBe("Your role cannot change this setting: ask the shop's owner or manager to set it.");
    expect(await page.getByTestId('sku-form').count()).toBe(0);
    await screenshot('packer-ask-owner');
  });
});
