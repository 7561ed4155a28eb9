/**
 * Bin locations in a real browser (issue 17; Debian's Chromium through playwright-core against the real server on a
 * fresh SQLite file, authentication on, an owner signed in): in the catalogue (1440×900) the owner sets a SKU's bin
 * by the SKU form, in English and in Chinese — a bin the server refuses (a character outside letters, digits and
 * - . / _; longer than 32 characters) is named at its field in the screen's language with nothing stored — and sees
 * it, normalised, in the catalogue list; then at the pack station (1024×768) the batch's picking list (the PDF the
 * button opened, read back with pdftotext) lists each SKU at its bin, and the order's items show their bins once the
 * order is scanned. No console error but the refusals expected, no horizontal scroll; screenshots in test-results/.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/app/accounts';
import { listCatalogueSkus } from '../../src/app/catalogue';
import type { AppContext } from '../../src/app/context';
import { setStaffing } from '../../src/app/planning';
import { adjustStock } from '../../src/app/stock';
import { browserHooks, BrowserWorld } from '../support/browser';
import { setUpSampleShipping } from '../support/pack';
import { pdfPages } from '../support/pdf-render';
import { placeOrder, seedCatalogue } from '../support/stock';

// The real clock: the session cookie's expiry (12 h from the server's now) must lie ahead for the browser to keep it.
const CLOCK_START = Math.floor(Date.now() / 60_000) * 60_000;
const SHOP = 'demo';
const OWNER = { email: 'owner@bin-locations.test', password: 'correct horse battery staple' };
const WIDE = { width: 1440, height: 900 };
const STATION = { width: 1024, height: 768 };

let world: BrowserWorld;
let ctx: AppContext;
let base: string;
let page: Page;

const switchTo = async (locale: 'en' | 'zh-CN') => {
  await page.locator(`button[data-locale="${locale}"]`).click();
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(locale);
};
const noHorizontalScroll = async (where: string) => {
  const [scroll, client] = (await page.evaluate(
    '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
  )) as [number, number];
  expect(scroll, where).toBeLessThanOrEqual(client);
};
const stored = async (sku: string) => (await listCatalogueSkus(ctx)).find((s) => s.sku === sku);
const listedBin = (sku: string) =>
  page.locator(`[data-testid="catalogue-skus"] tr[data-sku="${sku}"] [data-testid="sku-bin"]`).textContent();

/**
 * Edits `sku` from its row of the catalogue list: its size and weight, and `bin`; saves. A refused bin is
 * expected (its 400 is no console error).
 */
async function saveSku(sku: string, size: [number, number, number, number], bin: string): Promise<void> {
  await page.locator(`[data-testid="catalogue-skus"] tr[data-sku="${sku}"] button`).click();
  const form = page.getByTestId('catalogue-sku-form');
  await expect.poll(() => form.locator('input[name="sku"]').inputValue()).toBe(sku);
  for (const [i, name] of ['length', 'width', 'height', 'weight_g'].entries())
    await form.locator(`input[name="${name}"]`).fill(String(size[i]));
  await form.locator('input[name="bin_location"]').fill(bin);
  world.console.expectRefusal({ path: `/catalogue/skus/${sku}`, status: 400 });
  await page.getByTestId('save-catalogue-sku').click();
}

/**
 * The text of the picking list the pack station's button opens in a new tab: the PDF behind the tab's blob URL (as
 * the API answered it), read with pdftotext.
 */
async function pickingList(): Promise<string> {
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/plan/picking-list.pdf', {
    timeout: 60_000,
  });
  const opened = world.browser!.waitForEvent('page', { timeout: 60_000 });
  answered.catch(() => undefined);
  opened.catch(() => undefined);
  await page.getByTestId('picking-list').click({ noWaitAfter: true });
  expect((await answered).status()).toBe(200);
  const tab = await opened;
  await expect.poll(() => tab.url()).toMatch(/^blob:/);
  const bytes = await page.evaluate(
    async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())),
    tab.url(),
  );
  await tab.close();
  return pdfPages(Buffer.from(bytes)).join('\n');
}

/** The picking list's rows of SKUs A and B: the SKU, its bin, the quantity and the orders it serves. */
const skuRows = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter((l) => /^[AB] /.test(l));

beforeAll(async () => {
  world = await BrowserWorld.open('dashboard-bin-locations', { clockStart: CLOCK_START });
  ctx = world.ctx;
  // Warehouse SZ (Shenzhen), seller SKUs A, B, C without size or bin; AE-KIT = A + 2 B. Stock counted, one station:
  // the order BIN-1 (one AE-KIT) is reserved in SZ and is the station's whole queue.
  await seedCatalogue(ctx, SHOP);
  for (const sku of ['A', 'B'])
    await adjustStock(ctx, { warehouseId: 'SZ', sku, reason: 'counted', to: 50, actor: 'test' });
  await setStaffing(ctx, 'SZ', { stations: 1 });
  await placeOrder(ctx, SHOP, 'BIN-1', [{ sku: 'AE-KIT', quantity: 1 }], {
    status: 'WAIT_SELLER_SEND_GOODS',
    shipBy: new Date(CLOCK_START + 30 * 3_600_000).toISOString(),
  });
  // Box M and the sender: what the pack station needs to plan the parcel.
  const carrier = await setUpSampleShipping(ctx, SHOP);
  world.onClose(() => carrier.close());
  await addUser(ctx, { email: OWNER.email, password: OWNER.password, accountOwner: true });
  await world.start({ authentication: true });
  ({ base, page } = world);
  await world.signIn(OWNER);
}, 120_000);

browserHooks(() => world);

describe('bin locations, from the catalogue to the pack station', () => {
  it('sets a bin in the catalogue in English, refusing a bad one at its field with nothing stored', async () => {
    await page.setViewportSize(WIDE);
    await page.goto(`${base}/#/catalogue/skus`);
    await switchTo('en');
    await expect.poll(() => listedBin('A')).toBe('—');

    await saveSku('A', [90, 90, 100, 300], 'A-03#2');
    const form = page.getByTestId('catalogue-sku-form');
    const binError = form.locator('.field-error[data-field="bin_location"]');
    await expect.poll(() => binError.textContent()).toMatch(/bin location "A-03#2" may hold only letters, digits/);
    expect(await form.locator('input[name="bin_location"]').getAttribute('aria-invalid')).toBe('true');
    // Nothing stored: neither the bin nor the size that came with it.
    expect(await stored('A')).toMatchObject({ bin_location: null, dims_mm: null, weight_g: null });
    await noHorizontalScroll('catalogue, bin refused');
    await world.screenshot('bin-refused-en');

    // Typed loosely: stored trimmed and upper-case, and listed so.
    await form.locator('input[name="bin_location"]').fill(' a-03-2 ');
    await page.getByTestId('save-catalogue-sku').click();
    await expect.poll(() => page.getByTestId('catalogue-sku-saved').textContent()).toContain('A');
    await expect.poll(() => listedBin('A')).toBe('A-03-2');
    expect(await stored('A')).toMatchObject({ bin_location: 'A-03-2', dims_mm: [90, 90, 100], weight_g: 300 });
    await noHorizontalScroll('catalogue');
    await world.screenshot('catalogue-bin-en');
  });

  it('sets a bin in the catalogue in Chinese, refusing one too long at its field in Chinese', async () => {
    await switchTo('zh-CN');
    const tooLong = 'B'.repeat(33);
    await saveSku('B', [60, 60, 60, 150], tooLong);
    const form = page.getByTestId('catalogue-sku-form');
    await expect
      .poll(() => form.locator('.field-error[data-field="bin_location"]').textContent())
      .toContain(`库位「${tooLong}」超过 32 个字符`);
    expect(await stored('B')).toMatchObject({ bin_location: null, dims_mm: null });
    await world.screenshot('bin-refused-zh');

    await form.locator('input[name="bin_location"]').fill('b-10');
    await page.getByTestId('save-catalogue-sku').click();
    await page.getByTestId('catalogue-sku-saved').waitFor();
    await expect.poll(() => listedBin('B')).toBe('B-10');
    expect(await listedBin('A')).toBe('A-03-2');
    expect(await stored('B')).toMatchObject({ bin_location: 'B-10', dims_mm: [60, 60, 60], weight_g: 150 });
    expect(await page.locator('[data-testid="catalogue-skus"] thead').textContent()).toContain('库位');
    await noHorizontalScroll('catalogue-zh');
    await world.screenshot('catalogue-bin-zh');
  });

  it("prints the batch's picking list with each SKU at its bin, in English and in Chinese", async () => {
    await page.setViewportSize(STATION);
    // One station, as staffed, set before the screen opens (the browser remembers the packer's choice).
    await page.evaluate("window.localStorage.setItem('shipby.pack.stations', '1')");
    await page.goto(`${base}/#/pack`);
    await switchTo('en');
    await page.getByTestId('batch-print').waitFor();
    await expect.poll(() => page.getByTestId('pack-station-no').locator('option').count()).toBe(1);
    const english = await pickingList();
    expect(english).toContain('Picking list');
    // By bin (A-03-2 before B-10), the warehouse under each bin.
    expect(skuRows(english)).toEqual(['A A-03-2 1 BIN-1 ×1', 'B B-10 2 BIN-1 ×2']);
    expect(english).toContain('Shenzhen');

    await switchTo('zh-CN');
    const chinese = await pickingList();
    expect(chinese).not.toContain('Picking list');
    expect(skuRows(chinese)).toEqual(['A A-03-2 1 BIN-1 ×1', 'B B-10 2 BIN-1 ×2']);
  });

  it("shows each item's bin at the pack station once the order is scanned", async () => {
    await switchTo('en');
    const input = page.getByTestId('scan-input');
    await input.fill('BIN-1');
    await input.press('Enter');
    await expect.poll(() => page.locator('.screen.pack-station').getAttribute('data-phase')).toBe('items');
    const items = page.getByTestId('pack-items');
    const binAt = (sku: string) => items.locator(`tr[data-sku="${sku}"] [data-testid="pack-bin"]`).textContent();
    await expect.poll(() => binAt('A')).toBe('A-03-2');
    expect(await binAt('B')).toBe('B-10');
    expect(await items.locator('thead').textContent()).toContain('Bin');
    await noHorizontalScroll('pack station');
    await world.screenshot('pack-bins-en');

    await switchTo('zh-CN');
    await expect.poll(() => items.locator('thead').textContent()).toContain('库位');
    expect(await binAt('A')).toBe('A-03-2');
    await noHorizontalScroll('pack station zh');
    await world.screenshot('pack-bins-zh');
  });
});
