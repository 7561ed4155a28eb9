/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core, against the real server
 * (buildServer on a fresh SQLite file, an ephemeral port) with the example orders imported. Walks an order
 * from the at-risk list to accepted, live updates and bulk accept, the language switch, a refused setting
 * shown at its field, and each screen at 1366×768 (screenshots in test-results/). Any console error fails.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createContext } from '../../src/app/context';
import { importOrderFile } from '../../src/app/import-orders';
import { buildServer } from '../../src/http/server';
import { migrateToLatest, openStore, type Store } from '../../src/store/database';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = path.resolve('test-results');
const VIEWPORT = { width: 1366, height: 768 };
// The example orders were paid on 2026-11-20…23; the server's clock starts at this instant and runs on, so
// the list holds overdue orders, one due within 24 h and one within 48 h, and the countdowns tick.
const CLOCK_START = Date.parse('2026-11-26T12:00:00Z');

const run = promisify(execFile);
let workDir: string;
let store: Store;
let app: FastifyInstance;
let base: string;
let browser: BrowserContext;
let page: Page;
let consoleErrors: string[];
/** Requests a test expects the API to refuse (Chromium logs each refused request as a console error). */
let expectedRefusals: Array<{ path: string; status: number }>;

async function api<T>(pathname: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`${base}${pathname}`, {
    method: init.method ?? 'GET',
    headers: init.body ? { 'content-type': 'application/json' } : {},
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  return (await response.json()) as T;
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `dashboard-${name}.png`) });
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (as .ci/run does), or set CHROMIUM_PATH.`);
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipby-dashboard-'));
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // Build the dashboard from the current source into a scratch folder: the test never sees a stale build.
  const dashboardDir = path.join(workDir, 'dist');
  await run(path.resolve('node_modules/.bin/vite'), ['build', '--config', 'web/vite.config.ts', '--outDir', dashboardDir, '--emptyOutDir', '--logLevel', 'error']);

  store = openStore(`sqlite:${path.join(workDir, 'e2e.db')}`);
  await migrateToLatest(store);
  const startedAt = Date.now();
  const ctx = createContext(store, () => CLOCK_START + (Date.now() - startedAt));
  const report = await importOrderFile(ctx, { shopId: 'demo', file: path.resolve('examples/orders.csv'), actor: 'cli:import' });
  expect(report.committed).toBe(true);
  app = await buildServer(ctx, { dashboardDir });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${address.port}`;

  browser = await chromium.launchPersistentContext(path.join(workDir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: VIEWPORT,
    // A seller in China: times in Shanghai, AliExpress deadlines also in the platform's zone (Los Angeles).
    timezoneId: 'Asia/Shanghai',
    locale: 'en-US',
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    const refused = /Failed to load resource: the server responded with a status of (\d+)/.exec(message.text());
    if (refused && expectedRefusals.some((r) => url.includes(r.path) && Number(refused[1]) === r.status)) return;
    consoleErrors.push(`${message.text()} (${url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await store?.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

beforeEach(() => {
  consoleErrors = [];
  expectedRefusals = [];
});

afterEach(() => {
  expect(consoleErrors).toEqual([]);
});

describe('the dashboard', () => {
  it('serves the built page with caching headers, beside the API and /docs', async () => {
    const home = await fetch(`${base}/`);
    expect(home.headers.get('cache-control')).toBe('no-cache');
    const html = await home.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    // (Every body is read: an unread one keeps its connection, and the server's close, waiting.)
    const asset = await fetch(`${base}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
    expect((await asset.text()).length).toBeGreaterThan(1000);
    expect(await api('/health')).toMatchObject({ ok: true });
    expect(await api('/docs/json')).toMatchObject({ openapi: expect.stringMatching(/^3\./) });
    expect(await api('/shops')).toMatchObject({ items: [{ id: 'demo', policy: { policy_id: 'aliexpress_pop' } }] });
  });

  it('walks an order from at risk to accepted, with the timeline showing who did it', async () => {
    await page.goto(`${base}/`);
    const rows = page.locator('table.orders tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    // Most urgent first, each coloured by its warning band.
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order')))).toEqual(['8190000000000003', '8190000000000004', '8190000000000002', '8190000000000001']);
    const bands = await page.locator('table.orders tbody tr [data-urgency]').evaluateAll((els) => els.map((e) => e.getAttribute('data-urgency')));
    expect(bands).toEqual(['overdue', 'overdue', 'h24', 'h48']);

    // The exposure at the top is the sum of the fines if missed now, as the API computes them.
    const listed = await api<{ items: Array<{ deadline: { fine_if_missed: { amount: number; currency: string } } }> }>('/orders?due_within=30d&limit=500');
    const cents = listed.items.reduce((sum, o) => sum + o.deadline.fine_if_missed.amount, 0);
    expect(listed.items.every((o) => o.deadline.fine_if_missed.currency === 'USD')).toBe(true);
    await expect.poll(() => page.getByTestId('exposure').innerText()).toContain(`$${(cents / 100).toFixed(2)}`);

    // The countdowns tick without a reload.
    const countdown = page.locator('tr[data-order="8190000000000002"] [data-urgency]');
    const before = await countdown.innerText();
    await expect.poll(() => countdown.innerText(), { timeout: 4000 }).not.toBe(before);

    // Platform time beside the user's: Shanghai time first, Los Angeles (PST) below.
    const shipBy = await page.locator('tr[data-order="8190000000000001"] td').nth(2).innerText();
    expect(shipBy).toMatch(/2026-11-28 02:02/);
    expect(shipBy).toMatch(/platform: .*2026-11-27 10:02 PST/);

    // Filters: one country.
    await page.selectOption('select[name="country"]', 'PL');
    await expect.poll(() => rows.count()).toBe(1);
    await screenshot('at-risk-filtered');
    await page.selectOption('select[name="country"]', '');
    await expect.poll(() => rows.count()).toBe(4);
    await page.waitForTimeout(300);
    await screenshot('at-risk');

    await page.getByRole('link', { name: '8190000000000002' }).click();
    await expect.poll(() => page.locator('h1').innerText()).toContain('Order 8190000000000002');
    await expect.poll(() => page.getByTestId('verdict-headline').innerText()).toMatch(/\S/);
    const timeline = page.getByTestId('timeline').locator('li');
    await expect.poll(() => timeline.count()).toBe(1);
    await page.getByTestId('accept').click();
    const accepted = page.locator('[data-testid="timeline"] li[data-action="accept"]');
    await expect.poll(() => accepted.count()).toBe(1);
    expect(await accepted.innerText()).toMatch(/Accepted: new \(risk review\) → awaiting shipment/);
    expect(await accepted.innerText()).toMatch(/by API \/ dashboard/);
    await expect.poll(() => page.locator('h1 .badge').innerText()).toBe('awaiting shipment');
    expect(await page.getByTestId('accept').isDisabled()).toBe(true);

    // Cancelling without a reason is refused by the order's rule, shown at the reason field.
    expectedRefusals.push({ path: '/actions/cancel', status: 409 });
    await page.getByTestId('cancel').click();
    await expect.poll(() => page.locator('#cancel-error').innerText()).toMatch(/needs a reason.*order\.cancel\.guard/);
    await screenshot('order');
  });

  it('shows new orders without a reload and accepts several at once', async () => {
    await page.goto(`${base}/#/`);
    const rows = page.locator('table.orders tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    const order = (id: string, country: string) => ({
      order_id: id, platform: 'aliexpress', status: 'RISK_CONTROL', paid_at: '2026-11-26T08:00:00Z', buyer_name: `Buyer ${id}`, buyer_country: country,
      address_line1: 'Main St 1', city: 'Berlin', postcode: '10115', currency: 'USD', handling_days: 3, lines: [{ sku: 'SKU-1', quantity: 1, unit_price: '9.99' }],
    });
    const created = await api<{ created: number }>('/orders', { method: 'POST', body: { shop_id: 'demo', orders: [order('8190000000000101', 'DE'), order('8190000000000102', 'DE')] } });
    expect(created.created).toBe(2);
    await expect.poll(() => rows.count(), { timeout: 12_000 }).toBe(6);

    await page.getByRole('checkbox', { name: /Select every order/ }).check();
    await expect.poll(() => page.getByTestId('bulk-accept').innerText()).toBe('Accept selected (2)');
    await page.getByTestId('bulk-accept').click();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Accepted 2 orders.');
    const states = await api<{ items: Array<{ platform_order_id: string; status: string }> }>('/orders?shop=demo&limit=50');
    expect(states.items.filter((o) => o.platform_order_id.endsWith('101') || o.platform_order_id.endsWith('102')).map((o) => o.status)).toEqual(['awaiting_shipment', 'awaiting_shipment']);
  });

  it('switches to Chinese and back, everywhere, and remembers the choice', async () => {
    await page.goto(`${base}/#/`);
    await page.locator('button[data-locale="zh-CN"]').click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('风险订单');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('nav').innerText()).toMatch(/店铺表现[\s\S]*设置/);
    expect(await page.locator('table.orders thead').innerText()).toMatch(/剩余时间/);
    await screenshot('at-risk-zh');
    await page.reload();
    await expect.poll(() => page.locator('h1').innerText()).toBe('风险订单');
    // Texts from the API come in the chosen language too.
    await page.goto(`${base}/#/orders/1`);
    await expect.poll(() => page.getByTestId('verdict-headline').innerText()).toMatch(/[\u4e00-\u9fff]/);
    expect(await page.getByTestId('timeline').innerText()).toMatch(/操作者/);
    await screenshot('order-zh');
    await page.locator('button[data-locale="en"]').click();
    await expect.poll(() => page.locator('h1').innerText()).toMatch(/^Order 8190000000000001/);
    expect(await page.getByTestId('verdict-headline').innerText()).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('refuses a bad setting with the API message at the field, and keeps the running policy', async () => {
    await page.goto(`${base}/#/settings`);
    const overrides = page.locator('#policy-overrides');
    await overrides.waitFor();

    // Not JSON: caught before sending, said at the field.
    await overrides.fill('{"aliexpress_pop": {');
    await page.getByTestId('save-policy').click();
    await expect.poll(() => page.locator('[data-field="overrides"]').innerText()).toMatch(/Not a JSON object/);

    // Valid JSON, invalid policy: the API refuses it, and its message shows under the overrides field.
    expectedRefusals.push({ path: '/shops/demo/policy', status: 400 });
    await overrides.fill('{"aliexpress_pop": {"handling": {"defaultHours": -5}}}');
    await page.getByTestId('save-policy').click();
    await expect.poll(() => page.locator('[data-field="overrides"]').innerText()).toMatch(/more than zero/);
    expect(await overrides.getAttribute('aria-invalid')).toBe('true');
    await screenshot('settings-refused');
    expect(await api('/shops')).toMatchObject({ items: [{ id: 'demo', policy: { overrides: null } }] });

    // A webhook with a short secret: refused at the secret field; a good one is listed.
    expectedRefusals.push({ path: '/webhooks', status: 400 });
    await page.fill('#hook-url', 'https://alerts.example.com/shipby');
    await page.fill('#hook-secret', 'short');
    await page.getByTestId('add-webhook').click();
    await expect.poll(() => page.locator('[data-field="secret"]').innerText()).toMatch(/at least 16 characters/);
    await page.fill('#hook-secret', 'a-secret-of-twenty-chars');
    await page.getByTestId('add-webhook').click();
    await expect.poll(() => page.getByTestId('webhooks').innerText()).toContain('https://alerts.example.com/shipby');

    // A good policy change is saved and recomputes the open deadlines.
    await overrides.fill('{"aliexpress_pop": {"handling": {"defaultHours": 72}}}');
    await page.getByTestId('save-policy').click();
    await expect.poll(() => page.getByTestId('policy-form').getByRole('status').innerText()).toMatch(/Saved: \d+ of \d+ open deadlines changed/);
    expect(await api('/shops')).toMatchObject({ items: [{ policy: { overrides: { aliexpress_pop: { handling: { defaultHours: 72 } } } } }] });
    await screenshot('settings');
  });

  it('charts the seller metrics against their thresholds', async () => {
    await page.goto(`${base}/#/performance`);
    await page.getByTestId('metrics-7').waitFor();
    expect(await page.locator('canvas').count()).toBe(2);
    expect(await page.getByTestId('metrics-7').innerText()).toMatch(/late-shipment rate/);
    await page.waitForTimeout(300);
    await screenshot('performance');
  });

  it('shows stock from its API, and says plainly which screens are still coming', async () => {
    await page.goto(`${base}/#/stock`);
    await expect.poll(() => page.locator('h1').innerText()).toBe('Stock');
    await expect.poll(() => page.locator('main').innerText()).toMatch(/Nothing is short/);
    await screenshot('stock');
    await page.goto(`${base}/#/pack`);
    await expect.poll(() => page.getByTestId('coming-soon').innerText()).toMatch(/Coming soon/);
    await screenshot('pack-station');
  });

  it('fits a 1366×768 laptop without sideways scrolling', async () => {
    for (const hash of ['#/', '#/orders/2', '#/performance', '#/settings']) {
      await page.goto(`${base}/${hash}`);
      await page.locator('h1').waitFor();
      await page.waitForTimeout(200);
      const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
      expect(width, hash).toBeLessThanOrEqual(VIEWPORT.width);
    }
  });
});
