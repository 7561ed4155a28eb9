/**
 * The stock screen's replenishment and purchase orders, and the owners' access screen, in a real browser: Debian's
 * Chromium driven by playwright-core against the real server (buildServer on a fresh SQLite file, authentication
 * ON, an account owner and a manager of shop demo). One unit of WIDGET-1 is in stock at SZ and two orders want one
 * each: the second waits. The stock screen suggests reordering it; a bad purchase order is refused at its field
 * (quantity 0, then an unknown warehouse); one drafted from the suggestion is placed and received, which serves
 * the waiting order (on screen: the served order, no shortage left, the order's state). The access screen lists
 * the users with their roles and the audit lines of what was just done (by the owner's e-mail), pages to older
 * lines, narrows to a shop and links an order's line to the order. A manager has no access menu. Screenshots in
 * test-results/; any console error fails.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUser, DEFAULT_ACCOUNT_ID, recordAudit } from '../../src/app/accounts';
import { adjustStock, defineSku, defineWarehouse } from '../../src/app/stock';
import type { Store } from '../../src/store/database';
import { browserHooks, BrowserWorld } from '../support/browser';
import { addAwaitingOrder } from '../support/pack';
import { orderState } from '../support/stock';

// The real clock: the session cookie's expiry (12 h from the server's now) must lie ahead for the browser to keep it.
const CLOCK_START = Math.floor(Date.now() / 60_000) * 60_000;
const OWNER = { email: 'owner@stock.test', password: 'correct horse battery staple' };
const MANAGER = { email: 'manager@stock.test', password: 'another horse battery staple' };
/** Old audit lines, so the newest page (50) does not hold everything and "older" has something to read. */
const FILLER_LINES = 55;

let world: BrowserWorld;
let store: Store;
let base: string;
let page: Page;
let waitingOrderId: number;

const screenshot = (name: string) => world.screenshot(name);

beforeAll(async () => {
  world = await BrowserWorld.open('dashboard-stock-access', { clockStart: CLOCK_START, fullPageScreenshots: true });
  const { ctx } = world;
  store = world.store;
  await defineWarehouse(ctx, {
    id: 'SZ',
    name: 'Shenzhen',
    kind: 'domestic',
    country: 'CN',
    timeZone: 'Asia/Shanghai',
    cutoffTime: '16:00',
  });
  await defineSku(ctx, { sku: 'WIDGET-1', name: 'Widget', productId: 'P1', leadDays: 7, safetyDays: 3, cycleDays: 14 });
  await adjustStock(ctx, { warehouseId: 'SZ', sku: 'WIDGET-1', reason: 'found', by: 1, actor: 'test' });
  await addAwaitingOrder(ctx, 'demo', 'STOCK-1', { now: CLOCK_START, shipInHours: 40, sku: 'WIDGET-1' }); // takes the one unit
  waitingOrderId = await addAwaitingOrder(ctx, 'demo', 'STOCK-2', {
    now: CLOCK_START,
    shipInHours: 20,
    sku: 'WIDGET-1',
  });
  expect(await orderState(store, waitingOrderId)).toBe('awaiting_stock');
  await addUser(ctx, { email: OWNER.email, password: OWNER.password, accountOwner: true });
  await addUser(ctx, {
    email: MANAGER.email,
    password: MANAGER.password,
    shops: [{ shopId: 'demo', role: 'manager' }],
  });
  await recordAudit(
    ctx,
    ...Array.from({ length: FILLER_LINES }, (_, i) => ({
      accountId: DEFAULT_ACCOUNT_ID,
      actorKind: 'cli' as const,
      actorName: 'seed',
      action: 'test.filler',
      target: `filler-${i}`,
      outcome: 'ok' as const,
    })),
  );

  await world.start({ authentication: true });
  ({ base, page } = world);
}, 60_000);

browserHooks(() => world);

describe('the dashboard: replenishment, purchase orders and the access screen', () => {
  it('suggests a reorder for the short SKU; a bad purchase order is refused at its field; one drafted from the suggestion is placed and received and serves the waiting order', async () => {
    await world.signIn(OWNER);
    await page.goto(`${base}/#/stock`);
    await expect.poll(() => page.locator('h1').innerText()).toBe('Stock');

    // Short: WIDGET-1 at SZ blocks STOCK-2.
    const shortage = page.locator('[data-testid="shortages"] tr[data-sku="WIDGET-1"]');
    await shortage.waitFor();
    expect(await shortage.innerText()).toContain('STOCK-2');

    // The suggestion: what to order, why (the waiting order), the deadline at risk.
    const suggestion = page.locator('[data-testid="replenishment"] tr[data-sku="WIDGET-1"][data-warehouse="SZ"]');
    await suggestion.waitFor();
    const suggested = Number(await suggestion.getByTestId('replenish-quantity').innerText());
    expect(suggested).toBeGreaterThan(0);
    expect(await suggestion.getByTestId('replenish-why').innerText()).toContain('1 order(s) wait for 1 unit(s).');
    expect(await suggestion.locator('time').count()).toBe(1);
    await screenshot('replenishment');

    // A bad purchase order: quantity 0 is refused at the line's quantity, with the API's message.
    const form = page.getByTestId('po-form');
    await form.locator('#po-warehouse').fill('SZ');
    await form.locator('#po-supplier').fill('Yiwu Widgets');
    await form.locator('#po-sku-0').fill('WIDGET-1');
    await form.locator('input[name="lines.0.quantity"]').fill('0');
    world.console.expectRefusal({ path: '/purchase-orders', status: 400 });
    await page.getByTestId('create-po').click();
    const quantityError = form.locator('.field-error[data-field="lines.0.quantity"]');
    await quantityError.waitFor();
    expect(await quantityError.innerText()).toBe('body.lines.0.quantity must be >= 1.');
    expect(await form.locator('input[name="lines.0.quantity"]').getAttribute('aria-invalid')).toBe('true');

    // An unknown warehouse: the API's answer at the warehouse field.
    await form.locator('input[name="lines.0.quantity"]').fill('2');
    await form.locator('#po-warehouse').fill('NOWHERE');
    world.console.expectRefusal({ path: '/purchase-orders', status: 404 });
    await page.getByTestId('create-po').click();
    const warehouseError = form.locator('.field-error[data-field="warehouse"]');
    await warehouseError.waitFor();
    expect(await warehouseError.innerText()).toBe('Not found, or not one of your shops.');
    expect(await form.locator('.field-error[data-field="lines.0.quantity"]').count()).toBe(0);
    await screenshot('purchase-order-refused');
    expect(await page.locator('[data-testid="purchase-orders"] tbody tr').count()).toBe(0);

    // Draft from the suggestion: the form takes its warehouse, SKU and quantity; the supplier is ours.
    await suggestion.getByTestId('draft-po').click();
    // The form fills on the next render: wait for it (a busy machine renders late).
    await expect.poll(() => form.locator('#po-warehouse').inputValue()).toBe('SZ');
    await expect.poll(() => form.locator('#po-sku-0').inputValue()).toBe('WIDGET-1');
    await expect
      .poll(async () => Number(await form.locator('input[name="lines.0.quantity"]').inputValue()))
      .toBe(suggested);
    await expect.poll(() => form.locator('.field-error').count()).toBe(0);
    await form.locator('#po-reference').fill('PO-E2E-1');
    await page.getByTestId('create-po').click();
    await expect.poll(() => form.locator('[role="status"]').innerText()).toMatch(/^Draft purchase order #1 created/);
    const po = page.locator('[data-testid="purchase-orders"] tr[data-po="1"]');
    await expect.poll(() => po.getAttribute('data-status')).toBe('draft');
    expect(await po.innerText()).toContain('Yiwu Widgets');
    expect(await po.innerText()).toContain(`WIDGET-1 × ${suggested}`);

    // Place it: ordered, and its units are incoming.
    await po.getByTestId('po-place').click();
    await expect.poll(() => po.getAttribute('data-status')).toBe('ordered');
    await expect.poll(() => shortage.locator('td').nth(5).innerText()).toBe(String(suggested));

    // Receive it: the waiting order gets its stock, the shortage is gone.
    await po.getByTestId('po-receive').click();
    await expect.poll(() => po.getAttribute('data-status')).toBe('received');
    const served = po.getByTestId('po-served');
    expect(await served.innerText()).toContain('1 waiting order(s) now have their stock: STOCK-2');
    await expect.poll(() => page.locator('main').innerText()).toMatch(/Nothing is short\./);
    expect(await po.innerText()).toContain(`WIDGET-1: ${suggested} of ${suggested} received`);
    await screenshot('purchase-order-received');

    // The served order is ready to ship, on its screen.
    await served.getByRole('link', { name: 'STOCK-2' }).click();
    await expect.poll(() => page.locator('h1 .badge').getAttribute('class')).toContain('state-awaiting_shipment');
    expect(await orderState(store, waitingOrderId)).toBe('awaiting_shipment');
  });

  it('shows the owner the users with their roles and the audit log of what was just done, a page at a time', async () => {
    // One order action too, so a line links to its order.
    const session = (await (await page.request.get(`${base}/auth/session`)).json()) as { csrf_token: string };
    const note = await page.request.put(`${base}/orders/${waitingOrderId}/note`, {
      headers: { 'x-csrf-token': session.csrf_token },
      data: { note: 'fragile' },
    });
    expect(note.status()).toBe(200);

    await page.goto(`${base}/#/stock`);
    await page.locator('nav a[href="#/access"]').click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('Access');
    expect(await page.getByTestId('keys-link').getAttribute('href')).toBe('#/settings');

    const users = page.getByTestId('users');
    await users.waitFor();
    expect(await users.locator(`tr[data-user="${OWNER.email}"]`).getByTestId('user-roles').innerText()).toBe(
      'owner of the whole account (every shop)',
    );
    expect(await users.locator(`tr[data-user="${MANAGER.email}"]`).getByTestId('user-roles').innerText()).toBe(
      'demo: manager',
    );

    // The audit log, newest first: the purchase order's actions by the owner, the refusals with their outcome.
    const audit = page.getByTestId('audit');
    await audit.waitFor();
    const rows = audit.locator('tbody tr');
    const lineFor = (target: string) =>
      rows.filter({ has: page.locator('[data-testid="audit-target"]', { hasText: target }) });
    for (const action of ['place', 'receive']) {
      const line = lineFor(`/purchase-orders/1/actions/${action}`);
      expect(await line.count(), action).toBe(1);
      expect(await line.getByTestId('audit-who').innerText()).toBe(OWNER.email);
      expect(await line.getByTestId('audit-action').innerText()).toBe('POST /purchase-orders/:id/actions/:action');
      expect(await line.getAttribute('data-outcome')).toBe('ok');
      expect(await line.locator('time').count()).toBe(1);
    }
    const creates = rows.filter({
      has: page.locator('[data-testid="audit-action"]', { hasText: /^POST \/purchase-orders$/ }),
    });
    expect(await creates.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-outcome')))).toEqual([
      'ok',
      'denied',
      'failed',
    ]);
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-audit'))));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(ids).toHaveLength(50);
    await screenshot('access');

    // Older lines: the next page, down to the first filler line.
    await page.getByTestId('audit-older').click();
    await expect.poll(() => rows.count()).toBeGreaterThan(50);
    expect(await lineFor('filler-0').count()).toBe(1);
    expect(await page.getByTestId('audit-older').count()).toBe(0);

    // Narrowed to shop demo: the shop's lines and the account-wide ones (sign-ins), never another shop's.
    await page.locator('#audit-shop').selectOption('demo');
    await expect.poll(() => rows.count()).toBe(50);
    expect(await lineFor('/purchase-orders/1/actions/receive').count()).toBe(1);

    // The order's line links to the order.
    const noteLine = lineFor(`/orders/${waitingOrderId}/note`);
    expect(await noteLine.count()).toBe(1);
    await noteLine.getByRole('link', { name: `order ${waitingOrderId}` }).click();
    await expect.poll(() => page.locator('h1').innerText()).toMatch(/STOCK-2/);
  });

  it('does not show a manager the access screen', async () => {
    await world.signIn(MANAGER);
    // A fresh page load, so the app reads the manager's session (a hash change alone keeps the owner's in memory).
    await page.goto('about:blank');
    await page.goto(`${base}/#/access`);
    // The address falls back to the first screen the role opens; the menu has no Access.
    await expect.poll(() => page.locator('h1').innerText()).toBe('Orders at risk');
    expect(await page.locator('nav a').allInnerTexts()).toEqual([
      'At risk',
      'Stock',
      'Catalogue',
      'Pack station',
      'Parcels',
      'Performance',
      'Settings',
    ]);
    // Stock is the account's: a manager writes it (the purchase order buttons are there).
    await page.goto(`${base}/#/stock`);
    await page.getByTestId('po-form').waitFor();
    await screenshot('manager');
  });
});
