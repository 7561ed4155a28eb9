/**
 * The batch-print buttons, in a real browser (Debian's Chromium through playwright-core against the real server on a
 * fresh SQLite file, authentication on, an owner signed in): at the pack station, the picking list and the batch of
 * packing slips of the plan's next orders; on the orders list, the selected orders' labels. Each click is followed
 * to the PDF the API answered, which is read back with pdftotext: it opens, and it names the expected orders, in
 * the plan's order. Screenshots in test-results/; any console error fails.
 */
import type { Page, Response } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/app/accounts';
import type { AppContext } from '../../src/app/context';
import { setSkuDimensions } from '../../src/app/packing-catalog';
import { setStaffing } from '../../src/app/planning';
import { adjustStock } from '../../src/app/stock';
import { browserHooks, BrowserWorld } from '../support/browser';
import { addAwaitingOrder, packAndLabel, setUpSampleShipping } from '../support/pack';
import { pdfPages } from '../support/pdf-render';
import { placeOrder, seedCatalogue } from '../support/stock';

// The real clock: the session cookie's expiry (12 h from the server's now) must lie ahead for the browser to keep it.
const CLOCK_START = Math.floor(Date.now() / 60_000) * 60_000;
const HOUR = 3_600_000;
const SHOP = 'demo';
const OWNER = { email: 'owner@batch-print.test', password: 'correct horse battery staple' };

let world: BrowserWorld;
let ctx: AppContext;
let base: string;
let page: Page;
const ids: Record<string, number> = {};

/** The language switch at the top right (remembered by the browser). */
async function switchTo(locale: 'en' | 'zh-CN'): Promise<void> {
  await page.locator(`button[data-locale="${locale}"]`).click();
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(locale);
}

const shipBy = (hours: number) => new Date(CLOCK_START + hours * HOUR).toISOString();

/** The bytes behind a blob URL the page made (what the button opened or links to), read in the page. */
async function blobBytes(url: string): Promise<Buffer> {
  const base64 = await page.evaluate(async (blobUrl) => {
    const bytes = new Uint8Array(await (await fetch(blobUrl)).arrayBuffer());
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary);
  }, url);
  return Buffer.from(base64, 'base64');
}

/**
 * Clicks the button: the API's answer (its status and headers) and the PDF the page then has, from the blob URL it
 * opened in a new tab (`opensTab`) or links to (`link`). The PDF must open: pdftotext reads it (`pdfPages`).
 */
async function pdfOf(
  testId: string,
  pathname: string,
  from: { opensTab: true } | { link: string },
): Promise<{ response: Response; pdf: Buffer }> {
  // A PDF of a few pages takes a while on a busy machine: the waits are the server's time, not a margin.
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === pathname, { timeout: 60_000 });
  const opened = 'opensTab' in from ? world.browser!.waitForEvent('page', { timeout: 60_000 }) : undefined;
  // Awaited below; a click that fails first must not leave them rejecting unobserved.
  answered.catch(() => undefined);
  opened?.catch(() => undefined);
  // The click opens a tab: it does not wait for navigations (the new tab's) to finish.
  await page.getByTestId(testId).click({ noWaitAfter: true });
  const response = await answered;
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('application/pdf');
  let url: string;
  if ('link' in from) {
    const link = page.locator(from.link);
    await expect.poll(() => link.getAttribute('href')).toMatch(/^blob:/);
    url = (await link.getAttribute('href'))!;
  } else {
    const tab = (await opened)!;
    await expect.poll(() => tab.url()).toMatch(/^blob:/);
    url = tab.url();
    await tab.close();
  }
  expect(url).toMatch(/^blob:/);
  const pdf = await blobBytes(url);
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  return { response, pdf };
}

beforeAll(async () => {
  world = await BrowserWorld.open('dashboard-batch-print', { clockStart: CLOCK_START });
  ctx = world.ctx;
  // The plan's orders: stock-tracked SKUs in the Shenzhen warehouse, one packing station, deadlines in another order
  // than the orders are placed (the plan packs the earliest first: B2, B1, B3).
  await seedCatalogue(ctx, SHOP);
  await adjustStock(ctx, { warehouseId: 'SZ', sku: 'A', reason: 'counted', to: 50, actor: 'test' });
  await adjustStock(ctx, { warehouseId: 'SZ', sku: 'B', reason: 'counted', to: 50, actor: 'test' });
  await setStaffing(ctx, 'SZ', { stations: 1 });
  const place = (id: string, lines: Array<{ sku: string; quantity: number }>, hours: number) =>
    placeOrder(ctx, SHOP, id, lines, { status: 'WAIT_SELLER_SEND_GOODS', shipBy: shipBy(hours) }).then((orderId) => {
      ids[id] = orderId;
    });
  await place('B1', [{ sku: 'AE-KIT', quantity: 1 }], 30);
  await place('B2', [{ sku: 'AE-A', quantity: 2 }], 20);
  await place('B3', [{ sku: 'AE-KIT', quantity: 1 }], 40);

  // Two orders packed and labelled from the sample carrier (a real local HTTP server), for the labels button.
  await setSkuDimensions(ctx, [{ sku: 'GADGET-1', dimsMm: [100, 80, 50], weightG: 200 }]);
  const carrier = await setUpSampleShipping(ctx, SHOP);
  world.onClose(() => carrier.close());
  for (const [id, hours] of [
    ['LBL-1', 25],
    ['LBL-2', 15],
  ] as const) {
    ids[id] = await addAwaitingOrder(ctx, SHOP, id, { now: CLOCK_START, shipInHours: hours, sku: 'GADGET-1' });
    await packAndLabel(ctx, id, ids[id]!);
  }

  await addUser(ctx, { email: OWNER.email, password: OWNER.password, accountOwner: true });
  await world.start({ authentication: true });
  ({ base, page } = world);
  await world.signIn(OWNER);
}, 120_000);

browserHooks(() => world);

describe('the batch-print buttons give PDFs that open and name their orders', () => {
  it("prints the pack station's picking list of the plan's next orders, in the plan's order", async () => {
    // One station, as staffed: its queue is the whole plan. Set before the screen opens (the browser remembers the
    // packer's choice): changing it on the screen while its first plan computes asks for a second plan, which the
    // planner refuses to the same caller meanwhile (one computation per caller).
    await page.goto(`${base}/#/settings`);
    await page.evaluate("window.localStorage.setItem('shipby.pack.stations', '1')");
    await page.goto(`${base}/#/pack`);
    await page.getByTestId('batch-print').waitFor();
    await expect.poll(() => page.getByTestId('pack-station-no').locator('option').count()).toBe(1);
    const { response, pdf } = await pdfOf('picking-list', '/plan/picking-list.pdf', { opensTab: true });
    const query = new URL(response.url()).searchParams;
    expect(query.get('stations')).toBe('1');
    expect(query.get('station')).toBe('station-1');
    expect(query.get('lang')).toBe('en');
    expect(response.headers()['x-shipby-orders']).toBe([ids.B2, ids.B1, ids.B3].join(','));
    const text = pdfPages(pdf).join('\n');
    expect(text).toContain('Picking list');
    expect(text).toContain('B2 → B1 → B3');
    await world.screenshot('picking-list');
  });

  it("prints the batch's packing slips in the plan's order as one PDF", async () => {
    const { response, pdf } = await pdfOf('batch-print-pdf', '/plan/batch.pdf', { opensTab: true });
    expect(response.headers()['x-shipby-slip-count']).toBe('3');
    const pages = pdfPages(pdf);
    expect(pages.map((p) => /Order (B\d)/.exec(p)?.[1]).filter(Boolean)).toEqual(['B2', 'B1', 'B3']);
  });

  it('prints the picking list in Chinese when the dashboard is in Chinese', async () => {
    await switchTo('zh-CN');
    const { response, pdf } = await pdfOf('picking-list', '/plan/picking-list.pdf', { opensTab: true });
    expect(new URL(response.url()).searchParams.get('lang')).toBe('zh-CN');
    const text = pdfPages(pdf).join('\n');
    expect(text).toContain('B2 → B1 → B3');
    expect(text).not.toContain('Picking list');
  });

  it("prints the selected orders' labels from the orders list, by deadline, each label naming its order", async () => {
    await page.goto(`${base}/`);
    await switchTo('en');
    const row = (id: string) => page.locator(`table.orders tbody tr[data-order="${id}"]`);
    for (const id of ['LBL-1', 'LBL-2']) {
      const box = row(id).locator('input[type="checkbox"]');
      await box.check();
      await expect.poll(() => box.isChecked()).toBe(true);
    }
    await expect.poll(() => page.getByTestId('bulk-print').textContent()).toBe('Print labels (2)');
    const { response, pdf } = await pdfOf('bulk-print', '/labels.pdf', {
      link: '[data-testid="bulk-outcome"] [data-testid="labels-pdf"]',
    });
    expect(response.headers()['x-shipby-label-count']).toBe('2');
    // Each label names its order (a CN22 page may follow it: Spain is outside China's customs union); by deadline,
    // LBL-2 (due in 15 h) before LBL-1 (25 h).
    const named = pdfPages(pdf)
      .map((p) => /LBL-\d/.exec(p)?.[0])
      .filter((id, i, all) => id !== undefined && id !== all[i - 1]);
    expect(named).toEqual(['LBL-2', 'LBL-1']);
    await world.screenshot('labels');
  });
});
