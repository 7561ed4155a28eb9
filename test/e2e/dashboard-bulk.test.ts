/**
 * The dashboard's shipping bulk actions and the box / carrier settings, in a real browser: Debian's Chromium driven
 * by playwright-core against the real server (buildServer on a fresh SQLite file, authentication ON, an owner who
 * signs in through the sign-in form). Two orders are packed and labelled (from the sample carrier, a real local
 * HTTP server) and a third is not: print labels fetches one PDF for the two and names the third with why; mark
 * shipped hands the two over (their state changes, they leave the open list) and lists the third as refused with
 * the API's message and rule. Then a box is added in Settings with a bad value (the 400 at its field), then a good
 * one (it appears in the list). Screenshots in test-results/; any console error fails.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/app/accounts';
import type { AppContext } from '../../src/app/context';
import { setSkuDimensions } from '../../src/app/packing-catalog';
import { browserHooks, BrowserWorld } from '../support/browser';
import { addAwaitingOrder, packAndLabel, setUpSampleShipping } from '../support/pack';

// The server's clock is the real one: the session cookie's expiry (12 h from the server's now) must lie ahead for
// the browser to keep it.
const CLOCK_START = Math.floor(Date.now() / 60_000) * 60_000;
const OWNER = { email: 'owner@bulk.test', password: 'correct horse battery staple' };

let world: BrowserWorld;
let ctx: AppContext;
let base: string;
let page: Page;

const screenshot = (name: string) => world.screenshot(name);

const addOrder = (id: string, shipInHours: number) =>
  addAwaitingOrder(ctx, 'demo', id, {
    now: CLOCK_START,
    shipInHours,
    sku: 'GADGET-1',
    logisticsService: 'CAINIAO_STANDARD',
  });

beforeAll(async () => {
  world = await BrowserWorld.open('dashboard-bulk', { clockStart: CLOCK_START });
  ctx = world.ctx;
  await setSkuDimensions(ctx, [{ sku: 'GADGET-1', dimsMm: [100, 80, 50], weightG: 200, barcode: '4006381333931' }]);
  const first = await addOrder('BULK-1', 20);
  const second = await addOrder('BULK-2', 30);
  await addOrder('BULK-3', 40); // not packed: no label
  const carrier = await setUpSampleShipping(ctx, 'demo');
  world.onClose(() => carrier.close());
  await packAndLabel(ctx, 'BULK-1', first);
  await packAndLabel(ctx, 'BULK-2', second);
  await addUser(ctx, { email: OWNER.email, password: OWNER.password, accountOwner: true });

  await world.start({ authentication: true });
  ({ base, page } = world);
}, 60_000);

browserHooks(() => world);

describe('the dashboard: bulk shipping and the pack settings', () => {
  it("signs in, prints the selected orders' labels and marks them shipped, each order with its outcome", async () => {
    // Sign in as the owner: the browser context holds the session cookie (the page reads its CSRF token from
    // GET /auth/session on load).
    await world.signIn(OWNER);
    await page.goto(`${base}/`);

    const rows = page.locator('table.orders tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    const row = (id: string) => page.locator(`table.orders tbody tr[data-order="${id}"]`);
    for (const id of ['BULK-1', 'BULK-2', 'BULK-3']) await row(id).locator('input[type="checkbox"]').check();
    expect(await page.locator('[data-testid="bulk-print"]').textContent()).toBe('Print labels (3)');

    // Print labels: one PDF for the two labelled orders, through the API (the session cookie), and the third named.
    const pdfResponse = page.waitForResponse((r) => r.url().includes('/labels.pdf'));
    await page.locator('[data-testid="bulk-print"]').click();
    const response = await pdfResponse;
    expect(response.status()).toBe(200);
    expect(new URL(response.url()).searchParams.get('order_by')).toBe('deadline');
    expect(new URL(response.url()).searchParams.get('order')!.split(',')).toHaveLength(2);
    expect(response.headers()['x-shipby-label-count']).toBe('2');
    const outcome = page.locator('[data-testid="bulk-outcome"]');
    await expect.poll(() => outcome.getAttribute('data-action')).toBe('print');
    expect(await outcome.locator('tr[data-order="BULK-1"]').getAttribute('data-ok')).toBe('true');
    expect(await outcome.locator('tr[data-order="BULK-2"]').getAttribute('data-ok')).toBe('true');
    expect(await outcome.locator('tr[data-order="BULK-3"]').getAttribute('data-ok')).toBe('false');
    expect(await outcome.locator('tr[data-order="BULK-3"]').textContent()).toContain(
      'no label: not packed yet (no parcel)',
    );
    const link = outcome.locator('[data-testid="labels-pdf"]');
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/^blob:/);
    // What the link opens is the PDF the API answered.
    const head = await page.evaluate(
      async (url) => new TextDecoder().decode(new Uint8Array(await (await fetch(url)).arrayBuffer()).slice(0, 5)),
      href,
    );
    expect(head).toBe('%PDF-');
    expect(await link.textContent()).toBe('Open the labels (PDF, 2 orders)');
    await screenshot('print-labels');

    // Mark shipped: the two labelled orders are handed over (the shop has no marketplace connection, so they
    // ship); the third is refused with the API's message and rule.
    world.console.expectRefusal({ path: '/handover', status: 409 });
    await page.locator('[data-testid="bulk-ship"]').click();
    await expect.poll(() => outcome.getAttribute('data-action')).toBe('ship');
    for (const id of ['BULK-1', 'BULK-2']) {
      const done = outcome.locator(`tr[data-order="${id}"]`);
      expect(await done.getAttribute('data-ok')).toBe('true');
      expect(await done.locator('.badge.state-shipped').textContent()).toBe('shipped');
    }
    const refused = outcome.locator('tr[data-order="BULK-3"]');
    expect(await refused.getAttribute('data-ok')).toBe('false');
    expect(await refused.textContent()).toContain('order BULK-3 has no parcel yet: pack it and buy its label first.');
    expect(await refused.textContent()).toContain('[handover.no_label]');
    // Shipped, they leave the open orders; the refused one stays.
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-order')).toBe('BULK-3');
    expect(await row('BULK-3').locator('.badge').first().textContent()).toBeTruthy();
    await screenshot('mark-shipped');

    // The API agrees: both handed over and shipped (settled, so no longer in the at-risk view).
    const detail = await page.evaluate(async () => (await fetch('/orders?status=shipped')).json());
    expect(
      (detail as { items: Array<{ platform_order_id: string }> }).items.map((o) => o.platform_order_id).sort(),
    ).toEqual(['BULK-1', 'BULK-2']);
    const atRisk = await page.evaluate(async () => (await fetch('/orders?due_within=30d')).json());
    expect((atRisk as { items: Array<{ platform_order_id: string }> }).items.map((o) => o.platform_order_id)).toEqual([
      'BULK-3',
    ]);
  });

  it('adds a box in settings: a bad value is refused at its field, a good one appears in the list; carriers are listed', async () => {
    await page.goto(`${base}/#/settings`);
    const form = page.locator('[data-testid="box-form"]');
    await form.waitFor();
    await expect.poll(() => page.locator('[data-testid="boxes"] tr[data-box="M"]').count()).toBe(1);

    await form.locator('#box-code').fill('E2E-BOX');
    await form.locator('input[name="inner_length"]').fill('300');
    await form.locator('input[name="inner_width"]').fill('200');
    await form.locator('input[name="inner_height"]').fill('100');
    await form.locator('#box-max-weight').fill('1000');
    await form.locator('#box-tare').fill('1500'); // heavier than the box may weigh in all
    await form.locator('#box-cost').fill('2.50');
    world.console.expectRefusal({ path: '/shops/demo/boxes/E2E-BOX', status: 400 });
    await form.locator('[data-testid="save-box"]').click();
    const tareError = form.locator('.field-error[data-field="tare_g"]');
    await tareError.waitFor();
    expect(await tareError.textContent()).toBe('the tare must be below the maximum gross weight.');
    expect(await page.locator('[data-testid="boxes"] tr[data-box="E2E-BOX"]').count()).toBe(0);
    await screenshot('box-refused');

    await form.locator('#box-tare').fill('120');
    await form.locator('[data-testid="save-box"]').click();
    const added = page.locator('[data-testid="boxes"] tr[data-box="E2E-BOX"]');
    await added.waitFor();
    expect(await added.textContent()).toContain('300 × 200 × 100 mm');
    expect(await added.textContent()).toContain('CN¥2.50');
    expect(await form.locator('.field-error').count()).toBe(0);

    // The carrier services (read-only) and the rules (none yet) are shown.
    await expect.poll(() => page.locator('[data-testid="carrier-services"] tbody tr').count()).toBeGreaterThan(0);
    await page.locator('[data-testid="edit-rules"]').waitFor();
    await screenshot('settings-boxes');
  });
});
