/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core, against the real server
 * (buildServer on a fresh SQLite file, an ephemeral port) with the example orders imported and the sample carrier
 * (a real local HTTP server) as the carrier account. Walks an order from the at-risk list to accepted, live updates
 * (server-sent events) and bulk accept, a new order from arrival to receipt through the pack station (a wrong scan,
 * a weight out of tolerance, the label bought and printed) and the parcels screen (a problem, then the tracking
 * history), the language switch, a refused setting shown at its field, and each screen at 1366×768 (screenshots in
 * test-results/). Authentication is on, as in production: the browser signs in through the sign-in screen (a wrong
 * password first), the test's own API calls use an owner's API key, a packer sees the pack station and parcels only,
 * a viewer no write buttons, guessing gets locked out, and signing out returns to the sign-in screen.
 * Any console error fails.
 */
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUser, createApiKey, DEFAULT_ACCOUNT_ID } from '../../src/app/accounts';
import type { AppContext } from '../../src/app/context';
import { importOrderFile } from '../../src/app/import-orders';
import { setSkuDimensions } from '../../src/app/packing-catalog';
import { ingestTrackingEvents } from '../../src/app/tracking';
import type { TrackingStatus } from '../../src/core/tracking-status';
import { browserHooks, BrowserWorld, VIEWPORT } from '../support/browser';
import { setUpSampleShipping } from '../support/pack';

// The example orders were paid on 2026-11-20…23; the server's clock starts at this instant and runs on, so
// the list holds overdue orders, one due within 24 h and one within 48 h, and the countdowns tick.
const CLOCK_START = Date.parse('2026-11-26T12:00:00Z');

let world: BrowserWorld;
let ctx: AppContext;
let base: string;
let browser: BrowserContext;
let page: Page;
/** The test's own calls to the API (what the marketplace or an ERP would send) go with an owner's API key. */
let apiKey: string;
const OWNER = { email: 'owner@e2e.shipby.test', password: 'owner-password-1' };
const PACKER = { email: 'packer@e2e.shipby.test', password: 'packer-password-1' };
const VIEWER = { email: 'viewer@e2e.shipby.test', password: 'viewer-password-1' };
const GUESSED = { email: 'guessed@e2e.shipby.test', password: 'guessed-password-1' };

async function api<T>(pathname: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`${base}${pathname}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${apiKey}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  return (await response.json()) as T;
}

/** Opens the dashboard signed out (its GET /auth/session is answered 401, as expected) and signs in on the sign-in screen. */
async function signIn(user: { email: string; password: string }): Promise<void> {
  world.console.expectRefusal({ path: '/auth/session', status: 401 });
  await page.goto(`${base}/`);
  await page.getByTestId('sign-in').waitFor();
  await page.fill('#sign-in-email', user.email);
  await page.fill('#sign-in-password', user.password);
  await page.getByTestId('sign-in-submit').click();
  await expect.poll(() => page.getByTestId('signed-in-as').innerText()).toBe(user.email);
}

async function signOut(): Promise<void> {
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in').waitFor();
}

/** An order as the marketplace (or POST /orders) brings it. */
function newOrder(
  id: string,
  country: string,
  extra: { status?: string; lines?: Array<{ sku: string; quantity: number; unit_price: string }> } = {},
) {
  return {
    order_id: id,
    platform: 'aliexpress',
    status: extra.status ?? 'RISK_CONTROL',
    paid_at: '2026-11-26T08:00:00Z',
    buyer_name: `Buyer ${id}`,
    buyer_country: country,
    address_line1: 'Main St 1',
    city: country === 'ES' ? 'Madrid' : 'Berlin',
    postcode: country === 'ES' ? '28013' : '10115',
    currency: 'USD',
    handling_days: 3,
    logistics_service: 'CAINIAO_STANDARD',
    lines: extra.lines ?? [{ sku: 'SKU-1', quantity: 1, unit_price: '9.99' }],
  };
}

const screenshot = (name: string) => world.screenshot(name);

beforeAll(async () => {
  world = await BrowserWorld.open('dashboard', { clockStart: CLOCK_START });
  ctx = world.ctx;
  const report = await importOrderFile(ctx, {
    shopId: 'demo',
    file: path.resolve('examples/orders.csv'),
    actor: 'cli:import',
  });
  expect(report.committed).toBe(true);
  // What the pack station needs: item sizes and barcodes, a box, the sender on the label, and a carrier to buy from.
  await setSkuDimensions(ctx, [
    { sku: 'GADGET-1', dimsMm: [100, 80, 50], weightG: 200, barcode: '4006381333931' },
    { sku: 'PHONE-CASE-BLK', dimsMm: [160, 90, 15], weightG: 40 },
    { sku: 'USB-C-CABLE-1M', dimsMm: [120, 80, 20], weightG: 30 },
    { sku: 'SCREEN-PROTECTOR', dimsMm: [170, 90, 5], weightG: 20 },
    { sku: 'LED-STRIP-5M', dimsMm: [150, 150, 40], weightG: 250 },
    { sku: 'SMART-WATCH-S1', dimsMm: [110, 90, 70], weightG: 180 },
  ]);
  const carrier = await setUpSampleShipping(ctx, 'demo');
  world.onClose(() => carrier.close());
  // Authentication on: an owner of the default account (so of shop demo) signs in through the sign-in screen; a
  // packer and a viewer of shop demo, and a user whose password gets guessed; the test's own calls use a key.
  await addUser(ctx, { ...OWNER, accountOwner: true });
  await addUser(ctx, { ...PACKER, shops: [{ shopId: 'demo', role: 'packer' }] });
  await addUser(ctx, { ...VIEWER, shops: [{ shopId: 'demo', role: 'viewer' }] });
  await addUser(ctx, { ...GUESSED, shops: [{ shopId: 'demo', role: 'viewer' }] });
  apiKey = (
    await createApiKey(ctx, {
      accountId: DEFAULT_ACCOUNT_ID,
      name: 'e2e marketplace',
      role: 'owner',
      shopIds: ['demo'],
      createdBy: 'e2e',
    })
  ).token;
  await world.start();
  ({ base, page } = world);
  browser = world.browser!;
}, 60_000);

browserHooks(() => world);

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
    // Without a session or a key the API answers 401, in both languages.
    const anonymous = await fetch(`${base}/orders`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({
      error: { code: 'unauthenticated', messages: { en: expect.any(String), 'zh-CN': expect.any(String) } },
    });
  });

  it('shows the sign-in screen first: a wrong password is refused in the form, the right one opens the dashboard', async () => {
    world.console.expectRefusal({ path: '/auth/session', status: 401 });
    await page.goto(`${base}/`);
    await page.getByTestId('sign-in').waitFor();
    expect(await page.locator('h1').innerText()).toBe('Sign in to shipby');
    expect(await page.locator('nav').count()).toBe(0);
    await screenshot('sign-in');

    world.console.expectRefusal({ path: '/auth/login', status: 401 });
    await page.fill('#sign-in-email', OWNER.email);
    await page.fill('#sign-in-password', 'not-the-password');
    await page.getByTestId('sign-in-submit').click();
    await expect.poll(() => page.getByTestId('sign-in-error').innerText()).toBe('The e-mail or the password is wrong.');
    await screenshot('sign-in-refused');

    await page.fill('#sign-in-password', OWNER.password);
    await page.getByTestId('sign-in-submit').click();
    await expect.poll(() => page.getByTestId('signed-in-as').innerText()).toBe(OWNER.email);
    await expect.poll(() => page.locator('h1').innerText()).toBe('Orders at risk');
    expect(await page.locator('nav').innerText()).toMatch(
      /At risk[\s\S]*Stock[\s\S]*Pack station[\s\S]*Parcels[\s\S]*Performance[\s\S]*Settings/,
    );
    // The session survives a reload (the HttpOnly cookie; the CSRF token is read again from GET /auth/session).
    await page.reload();
    await expect.poll(() => page.getByTestId('signed-in-as').innerText()).toBe(OWNER.email);
    const cookies = await browser.cookies(base);
    expect(cookies.find((c) => c.name === 'shipby_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('walks an order from at risk to accepted, with the timeline showing who did it', async () => {
    await page.goto(`${base}/`);
    const rows = page.locator('table.orders tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    // Most urgent first, each coloured by its warning band. Orders 3 and 4 are past their deadline: under the
    // regular mode the platform closed them then, so they are in no queue and no total (their verdict says so).
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order')))).toEqual([
      '8190000000000002',
      '8190000000000001',
    ]);
    const bands = await page
      .locator('table.orders tbody tr [data-urgency]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-urgency')));
    expect(bands).toEqual(['h24', 'h48']);
    // Each row carries its situation, as the verdict decides it.
    const situations = await page
      .locator('table.orders tbody tr [data-situation]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-situation')));
    expect(situations).toHaveLength(2);
    expect(situations.every((s) => s === 'open' || s === 'at_risk')).toBe(true);
    const closed = await api<{ items: Array<{ id: number; platform_order_id: string }> }>('/orders?shop=demo&limit=50');
    const third = closed.items.find((o) => o.platform_order_id === '8190000000000003')!;
    expect(await api(`/orders/${third.id}/verdict`)).toMatchObject({
      status: 'closed',
      situation: { kind: 'closed', in_queues: false },
    });

    // The exposure at the top is the sum of the fines if missed now, as the API computes them.
    const listed = await api<{ items: Array<{ deadline: { fine_if_missed: { amount: number; currency: string } } }> }>(
      '/orders?due_within=30d&limit=500',
    );
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
    await expect.poll(() => rows.count()).toBe(2);
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
    expect(await accepted.innerText()).toContain(`by ${OWNER.email}`);
    await expect.poll(() => page.locator('h1 .badge').innerText()).toBe('awaiting shipment');
    expect(await page.getByTestId('accept').isDisabled()).toBe(true);

    // Cancelling without a reason is refused by the order's rule, shown at the reason field.
    world.console.expectRefusal({ path: '/actions/cancel', status: 409 });
    await page.getByTestId('cancel').click();
    await expect.poll(() => page.locator('#cancel-error').innerText()).toMatch(/needs a reason.*order\.cancel\.guard/);
    await screenshot('order');
  });

  it('says "changed" on GET /events when orders change (server-sent events)', async () => {
    const abort = new AbortController();
    const response = await fetch(`${base}/events`, {
      signal: abort.signal,
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let received = '';
    const until = async (pattern: RegExp) => {
      const deadline = Date.now() + 8000;
      while (!pattern.test(received)) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} in ${received}`);
        const { value } = await reader.read();
        received += new TextDecoder().decode(value);
      }
    };
    await until(/event: hello/);
    // Give the watcher its first read, then an order arrives (already finished on the platform: no screen lists it).
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const created = await api<{ created: number }>('/orders', {
      method: 'POST',
      body: { shop_id: 'demo', orders: [newOrder('8190000000000099', 'DE', { status: 'FINISH' })] },
    });
    expect(created.created).toBe(1);
    await until(/event: changed\ndata: \{"version":\d+\}/);
    abort.abort();
    await reader.cancel().catch(() => undefined);
  });

  it('shows new orders without a reload and accepts several at once', async () => {
    await page.goto(`${base}/#/`);
    const rows = page.locator('table.orders tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    // The live stream is open before the orders arrive: they show within a second or two, not at the next poll.
    await page.waitForTimeout(1500);
    const created = await api<{ created: number }>('/orders', {
      method: 'POST',
      body: { shop_id: 'demo', orders: [newOrder('8190000000000101', 'DE'), newOrder('8190000000000102', 'DE')] },
    });
    expect(created.created).toBe(2);
    await expect.poll(() => rows.count(), { timeout: 4000 }).toBe(4);

    await page.getByRole('checkbox', { name: /Select every order/ }).check();
    await expect.poll(() => page.getByTestId('bulk-accept').innerText()).toBe('Accept selected (2)');
    await page.getByTestId('bulk-accept').click();
    await expect.poll(() => page.getByRole('status').innerText()).toContain('Accepted 2 orders.');
    const states = await api<{ items: Array<{ platform_order_id: string; status: string }> }>(
      '/orders?shop=demo&limit=50',
    );
    expect(
      states.items
        .filter((o) => o.platform_order_id.endsWith('101') || o.platform_order_id.endsWith('102'))
        .map((o) => o.status),
    ).toEqual(['awaiting_shipment', 'awaiting_shipment']);
  });

  it('takes a new order from arrival to receipt: accepted, scan-packed (a wrong scan is loud), weighed, labelled, tracked, confirmed', async () => {
    const ORDER = '8190000000000201';
    await page.goto(`${base}/#/`);
    const rows = page.locator('table.orders tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    // Arrival: the marketplace brings the order; the at-risk list shows it without a reload.
    const lines = [
      { sku: 'GADGET-1', quantity: 2, unit_price: '15.00' },
      { sku: 'PHONE-CASE-BLK', quantity: 1, unit_price: '3.99' },
    ];
    await api('/orders', { method: 'POST', body: { shop_id: 'demo', orders: [newOrder(ORDER, 'ES', { lines })] } });
    await page.locator(`tr[data-order="${ORDER}"]`).waitFor({ timeout: 6000 });
    await page.getByRole('link', { name: ORDER }).click();
    await page.getByTestId('accept').click();
    await expect.poll(() => page.locator('h1 .badge').innerText()).toBe('awaiting shipment');

    // The pack station: everything by keyboard, as a scanner types (the code, then Enter).
    await page.goto(`${base}/#/pack`);
    const input = page.getByTestId('scan-input');
    const alert = page.getByTestId('pack-alert');
    const station = page.locator('.pack-station');
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('scan-input');
    await expect.poll(() => page.getByTestId('pack-next').count()).toBe(1);
    await screenshot('pack-station');
    const scan = async (code: string) => {
      await expect.poll(() => station.getAttribute('data-busy'), { timeout: 5000 }).toBe('false');
      await page.keyboard.type(code);
      await page.keyboard.press('Enter');
    };
    await scan(ORDER);
    await expect.poll(() => station.getAttribute('data-phase')).toBe('items');
    expect(await alert.getAttribute('data-tone')).toBe('ok');
    expect(await page.getByTestId('pack-items').innerText()).toMatch(/GADGET-1[\s\S]*PHONE-CASE-BLK/);

    // A wrong item: refused by the API (409), loud on the screen — red, a sound, the API's message.
    world.console.expectRefusal({ path: '/scans', status: 409 });
    // The red flash lasts 1.5 s: every class the station takes is recorded, so a busy machine reading it late still
    // sees that it flashed.
    await station.evaluate((el) => {
      const seen: string[] = [];
      (globalThis as unknown as { stationClasses: string[] }).stationClasses = seen;
      const { MutationObserver } = globalThis as unknown as {
        MutationObserver: new (seen: () => void) => { observe(target: unknown, options: object): void };
      };
      new MutationObserver(() => seen.push(el.className)).observe(el, { attributes: true, attributeFilter: ['class'] });
    });
    await scan('USB-C-CABLE-1M');
    await expect.poll(() => alert.getAttribute('data-tone')).toBe('error');
    expect(await alert.innerText()).toMatch(
      /Wrong item: USB-C-CABLE-1M is not in this parcel[\s\S]*Expected: GADGET-1 ×2, PHONE-CASE-BLK ×1/,
    );
    expect(await alert.getAttribute('role')).toBe('alert');
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as { stationClasses: string[] }).stationClasses.join(' ')))
      .toMatch(/flash-error/);
    expect(await station.getAttribute('data-sound')).toBe('error');
    await screenshot('pack-station-wrong-scan');
    // The message line is said in the language of the moment: switching to Chinese re-says it, and back.
    await page.locator('button[data-locale="zh-CN"]').click();
    await expect.poll(() => alert.innerText()).toMatch(/USB-C-CABLE-1M[\s\S]*[\u4e00-\u9fff]/);
    expect(await alert.innerText()).not.toMatch(/Wrong item/);
    await page.locator('button[data-locale="en"]').click();
    await expect.poll(() => alert.innerText()).toMatch(/Wrong item: USB-C-CABLE-1M is not in this parcel/);
    await input.focus();
    // The flash passes; the message stays red until the next good scan.
    await expect.poll(() => station.getAttribute('class'), { timeout: 4000 }).not.toMatch(/flash-error/);
    const background = (el: unknown) =>
      (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el)
        .backgroundColor;
    expect(await alert.evaluate(background)).toBe('rgb(201, 42, 42)');

    // The right items (one by its own barcode): accepted, and the last one packs the parcel.
    await scan('4006381333931');
    await expect.poll(() => alert.getAttribute('data-tone')).toBe('ok');
    expect(await station.getAttribute('data-sound')).toBe('ok');
    await scan('GADGET-1');
    await scan('PHONE-CASE-BLK');
    await expect.poll(() => station.getAttribute('data-phase')).toBe('weight');
    const sessions = await api<{
      items: Array<{ platform_order_id: string; current_parcel: { expected_gross_g: number } }>;
    }>('/pack/sessions?open=true');
    const expected = sessions.items.find((x) => x.platform_order_id === ORDER)!.current_parcel.expected_gross_g;

    // Weighed far off: held, with the API's message; weighed right: done.
    world.console.expectRefusal({ path: '/weight', status: 409 });
    await scan(String(expected * 3));
    await expect.poll(() => alert.getAttribute('data-tone')).toBe('error');
    expect(await alert.innerText()).toMatch(/stopped for a check/);
    await expect.poll(() => page.getByTestId('pack-status').innerText()).toBe('held: weight check');
    await scan(String(expected + 5));
    await expect.poll(() => station.getAttribute('data-phase')).toBe('label');
    await expect.poll(() => page.getByTestId('pack-quotes').innerText()).toMatch(/\S/);

    // Enter: the label is bought from the sample carrier and printed with the packing slip.
    await page.keyboard.press('Enter');
    await expect.poll(() => station.getAttribute('data-phase'), { timeout: 15_000 }).toBe('printed');
    const listed = await api<{ items: Array<{ id: number; platform_order_id: string }> }>(
      '/orders?shop=demo&limit=500',
    );
    const orderId = listed.items.find((o) => o.platform_order_id === ORDER)!.id;
    const detail = await api<{
      id: number;
      parcels: Array<{ id: number; tracking_number: string | null; carrier: string | null }>;
    }>(`/orders/${orderId}`);
    const number = detail.parcels[0]!.tracking_number!;
    expect(number).toMatch(/^[A-Z0-9]{10,}$/);
    expect(await alert.innerText()).toContain(`Label printed: ${number}`);
    expect(await page.getByTestId('pack-printed').innerText()).toContain(number);
    for (const pdf of ['label-pdf', 'slip-pdf']) {
      const href = (await page.getByTestId(pdf).getAttribute('href'))!;
      expect(href).toMatch(/^blob:/);
      const blob = await page.evaluate(async (url) => {
        const b = await (await fetch(url)).blob();
        return { type: b.type, size: b.size, head: await b.slice(0, 5).text() };
      }, href);
      expect(blob).toMatchObject({ type: 'application/pdf', head: '%PDF-' });
      expect(blob.size).toBeGreaterThan(1000);
    }
    // The next order comes from the work queue's plan: the first of this station's queue nobody is packing.
    const plan = await api<{ stations: Array<{ station: string; queue: Array<{ platform_order_id: string }> }> }>(
      '/plan?stations=2&budget_ms=200',
    );
    const queue = plan.stations
      .find((q) => q.station === 'station-1')!
      .queue.map((j) => j.platform_order_id)
      .filter((id) => id !== ORDER);
    await expect.poll(() => page.getByTestId('pack-next').getAttribute('data-order')).toBe(queue[0]);
    await screenshot('pack-station-printed');

    // The carrier's events and the platform's word: shipped, then a failed delivery attempt (a problem, listed
    // first on the parcels screen), then delivered, and the buyer confirms receipt on the platform.
    const at = Date.parse('2026-11-26T14:00:00Z');
    const event = (status: TrackingStatus, hours: number, description: string, location: string) => ({
      trackingNumber: number,
      carrier: detail.parcels[0]!.carrier ?? 'cainiao',
      event: {
        key: `${status}-${hours}`,
        occurredAt: at + hours * 3_600_000,
        status,
        rawStatus: null,
        rawSubstatus: null,
        description,
        location,
        destinationCountry: 'ES',
      },
    });
    await api('/orders', {
      method: 'POST',
      body: { shop_id: 'demo', orders: [newOrder(ORDER, 'ES', { lines, status: 'WAIT_BUYER_ACCEPT_GOODS' })] },
    });
    await ingestTrackingEvents(
      ctx,
      [
        event('accepted', 0, 'Picked up by the courier', 'Shenzhen, CN'),
        event('in_transit', 20, 'Departed from the sorting centre', 'Guangzhou, CN'),
        event('delivery_failed', 200, 'Delivery attempt failed: nobody at home', 'Madrid, ES'),
      ],
      { provider: 'sample' },
    );
    await page.goto(`${base}/#/parcels`);
    const problems = page.getByTestId('problems');
    await expect.poll(() => problems.innerText()).toMatch(/delivery failed/);
    expect(await problems.innerText()).toContain(ORDER);
    await page.getByTestId('all-parcels').getByRole('link', { name: number }).click();
    await expect.poll(() => page.getByTestId('tracking-status').innerText()).toBe('delivery failed');
    await screenshot('parcels-problem');

    await ingestTrackingEvents(ctx, [event('delivered', 220, 'Delivered to the buyer', 'Madrid, ES')], {
      provider: 'sample',
    });
    await api('/orders', {
      method: 'POST',
      body: { shop_id: 'demo', orders: [newOrder(ORDER, 'ES', { lines, status: 'FINISH' })] },
    });
    await expect.poll(() => page.getByTestId('tracking-status').innerText(), { timeout: 20_000 }).toMatch(/delivered/);
    const history = page.getByTestId('tracking-events').locator('li');
    expect(await history.count()).toBe(4);
    expect(await history.first().innerText()).toMatch(/delivered[\s\S]*Madrid, ES/);
    await screenshot('parcels');

    // Receipt: the order page says completed, its timeline every step.
    await page.goto(`${base}/#/orders/${detail.id}`);
    await expect.poll(() => page.locator('h1 .badge').innerText()).toBe('completed');
    const timeline = await page.getByTestId('timeline').innerText();
    for (const step of [/Accepted/, /Receipt confirmed/]) expect(timeline).toMatch(step);
    await screenshot('order-completed');
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
    await page.goto(`${base}/#/pack`);
    await expect.poll(() => page.locator('h1').innerText()).toBe('打包台');
    expect(await page.getByTestId('scan-prompt').innerText()).toMatch(/扫描订单条码/);
    await screenshot('pack-station-zh');
    await page.goto(`${base}/#/parcels`);
    await expect.poll(() => page.locator('h1').innerText()).toBe('包裹');
    await expect.poll(() => page.locator('main').innerText()).toMatch(/全部包裹/);
    await screenshot('parcels-zh');
    await page.goto(`${base}/#/orders/1`);
    await expect.poll(() => page.getByTestId('verdict-headline').innerText()).toMatch(/[\u4e00-\u9fff]/);
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
    world.console.expectRefusal({ path: '/shops/demo/policy', status: 400 });
    await overrides.fill('{"aliexpress_pop": {"handling": {"defaultHours": -5}}}');
    await page.getByTestId('save-policy').click();
    await expect
      .poll(() => page.locator('[data-field="overrides"]').innerText())
      .toMatch(/handling\.defaultHours.*more than 0\b/);
    expect(await overrides.getAttribute('aria-invalid')).toBe('true');
    await screenshot('settings-refused');
    expect(await api('/shops')).toMatchObject({ items: [{ id: 'demo', policy: { overrides: null } }] });

    // A webhook with a short secret: refused at the secret field; a good one is listed.
    world.console.expectRefusal({ path: '/webhooks', status: 400 });
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
    await expect
      .poll(() => page.getByTestId('policy-form').getByRole('status').innerText())
      .toMatch(/Saved: \d+ of \d+ open deadlines changed/);
    expect(await api('/shops')).toMatchObject({
      items: [{ policy: { overrides: { aliexpress_pop: { handling: { defaultHours: 72 } } } } }],
    });
    await screenshot('settings');
  });

  it('changes the password in Settings: a wrong current password is refused at its field', async () => {
    await page.goto(`${base}/#/settings`);
    const form = page.getByTestId('password-form');
    await form.waitFor();
    world.console.expectRefusal({ path: '/auth/password', status: 400 });
    await page.fill('#current-password', 'not-the-password');
    await page.fill('#new-password', 'a-new-password-2');
    await page.getByTestId('change-password').click();
    await expect
      .poll(() => page.locator('[data-field="current_password"]').innerText())
      .toBe('The current password is wrong.');
    await page.fill('#current-password', OWNER.password);
    await page.fill('#new-password', 'short');
    await page.getByTestId('change-password').click();
    await expect.poll(() => page.locator('[data-field="new_password"]').innerText()).toMatch(/at least 10 characters/);
    await page.fill('#new-password', 'owner-password-2');
    await page.getByTestId('change-password').click();
    await expect.poll(() => form.getByRole('status').innerText()).toBe('The password is changed.');
    OWNER.password = 'owner-password-2';
    await screenshot('settings-password');
  });

  it('lists, creates (shown once) and revokes API keys in Settings for an owner', async () => {
    await page.goto(`${base}/#/settings`);
    const keys = page.getByTestId('api-keys');
    // The test's own key is listed by its prefix, role, shops and last use; never the key itself.
    await expect.poll(() => keys.innerText()).toMatch(/e2e marketplace\s+sbk_\S{6}…\s+owner\s+demo/);
    expect(await keys.innerText()).not.toContain(apiKey);
    await page.fill('#key-name', 'ERP sync');
    await page.selectOption('#key-role', 'viewer');
    await page.getByTestId('create-key').click();
    const shown = page.getByTestId('new-key');
    await expect.poll(() => shown.innerText()).toMatch(/Copy the key now: it is not shown again\./);
    const key = await shown.locator('input').inputValue();
    expect(key).toMatch(/^sbk_/);
    // The new key works, as a viewer of shop demo.
    const asKey = await fetch(`${base}/orders?shop=demo`, { headers: { authorization: `Bearer ${key}` } });
    expect(asKey.status).toBe(200);
    await asKey.text();
    const row = keys.locator(`tr[data-key="${key.slice(0, 10)}"]`);
    await expect.poll(() => row.innerText()).toMatch(/ERP sync[\s\S]*viewer[\s\S]*demo/);
    await screenshot('settings-api-keys');
    await row.getByTestId('revoke-key').click();
    await expect.poll(() => row.innerText()).toMatch(/revoked/);
    // The next page (or a reload) no longer has the key; a revoked key is refused.
    await page.reload();
    await page.getByTestId('key-form').waitFor();
    expect(await page.getByTestId('new-key').count()).toBe(0);
    const revoked = await fetch(`${base}/orders?shop=demo`, { headers: { authorization: `Bearer ${key}` } });
    expect(revoked.status).toBe(401);
    await revoked.text();
  });

  it('charts the seller metrics against their thresholds', async () => {
    await page.goto(`${base}/#/performance`);
    await page.getByTestId('metrics-7').waitFor();
    // The 7- and 30-day bars against the thresholds, the rates day by day, and the fines day by day.
    await expect.poll(() => page.locator('canvas').count()).toBe(4);
    await page.getByTestId('fines-chart').waitFor();
    expect(await page.getByTestId('metrics-7').innerText()).toMatch(/late-shipment rate/);
    await page.waitForTimeout(300);
    await screenshot('performance');
  });

  it('shows stock from its API; no screen is left "coming soon"', async () => {
    await page.goto(`${base}/#/stock`);
    await expect.poll(() => page.locator('h1').innerText()).toBe('Stock');
    await expect.poll(() => page.locator('main').innerText()).toMatch(/Nothing is short/);
    await screenshot('stock');
    for (const [hash, title] of [
      ['#/pack', 'Pack station'],
      ['#/parcels', 'Parcels'],
    ]) {
      await page.goto(`${base}/${hash}`);
      await expect.poll(() => page.locator('h1').innerText()).toBe(title);
      expect(await page.getByTestId('coming-soon').count()).toBe(0);
    }
  });

  it('fits a 1366×768 laptop without sideways scrolling', async () => {
    for (const hash of [
      '#/',
      '#/orders/2',
      '#/performance',
      '#/settings',
      '#/stock',
      '#/pack',
      '#/parcels',
      '#/parcels/1',
    ]) {
      await page.goto(`${base}/${hash}`);
      await page.locator('h1').waitFor();
      await page.waitForTimeout(200);
      const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
      expect(width, hash).toBeLessThanOrEqual(VIEWPORT.width);
    }
  });

  it('signs out back to the sign-in screen; the old session no longer reaches the API', async () => {
    await page.goto(`${base}/#/`);
    await expect.poll(() => page.getByTestId('signed-in-as').innerText()).toBe(OWNER.email);
    await signOut();
    expect(await page.locator('nav').count()).toBe(0);
    expect((await browser.cookies(base)).some((c) => c.name === 'shipby_session')).toBe(false);
    // A reload stays on the sign-in screen.
    world.console.expectRefusal({ path: '/auth/session', status: 401 });
    await page.reload();
    await page.getByTestId('sign-in').waitFor();
  });

  it('shows a packer the pack station and the parcels only, and a viewer no write buttons', async () => {
    await signIn(PACKER);
    // At #/ a packer gets the pack station: the seller's screens are not there at all.
    await expect.poll(() => page.locator('h1').innerText()).toBe('Pack station');
    expect(await page.locator('nav a').allInnerTexts()).toEqual(['Pack station', 'Parcels']);
    await page.getByTestId('scan-input').waitFor();
    await screenshot('packer');
    await page.goto(`${base}/#/parcels`);
    await expect.poll(() => page.locator('h1').innerText()).toBe('Parcels');
    await expect.poll(() => page.locator('main').innerText()).toMatch(/All parcels/);
    for (const hash of ['#/performance', '#/stock', '#/orders/1']) {
      await page.goto(`${base}/${hash}`);
      await expect.poll(() => page.locator('h1').innerText(), { message: hash }).toBe('Pack station');
    }
    // Settings (through the name in the header) has only the packer's own password.
    await page.getByTestId('signed-in-as').click();
    await page.getByTestId('password-form').waitFor();
    expect(await page.locator('#policy-overrides').count()).toBe(0);
    expect(await page.getByTestId('key-form').count()).toBe(0);
    await signOut();

    await signIn(VIEWER);
    await expect.poll(() => page.locator('table.orders tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('nav a').allInnerTexts()).toEqual([
      'At risk',
      'Stock',
      'Catalogue',
      'Parcels',
      'Performance',
      'Settings',
    ]);
    expect(await page.getByTestId('bulk-accept').count()).toBe(0);
    expect(await page.locator('table.orders tbody input[type="checkbox"]').count()).toBe(0);
    await page.goto(`${base}/#/orders/1`);
    await expect.poll(() => page.getByTestId('verdict-headline').innerText()).toMatch(/\S/);
    expect(await page.getByTestId('accept').count()).toBe(0);
    expect(await page.getByTestId('cancel').count()).toBe(0);
    await page.goto(`${base}/#/settings`);
    await page.locator('#policy-overrides').waitFor();
    expect(await page.getByTestId('save-policy').isDisabled()).toBe(true);
    expect(await page.getByTestId('webhook-form').count()).toBe(0);
    expect(await page.getByTestId('key-form').count()).toBe(0);
    await screenshot('viewer-settings');
    await signOut();
  });

  it('locks out a password-guessing loop, and says so on the sign-in screen', async () => {
    world.console.expectRefusal(
      { path: '/auth/session', status: 401 },
      { path: '/auth/login', status: 401 },
      { path: '/auth/login', status: 429 },
    );
    await page.goto(`${base}/`);
    await page.getByTestId('sign-in').waitFor();
    await page.fill('#sign-in-email', GUESSED.email);
    const error = page.getByTestId('sign-in-error');
    for (let guess = 1; guess <= 5; guess++) {
      await page.fill('#sign-in-password', `guess-number-${guess}`);
      await page.getByTestId('sign-in-submit').click();
      await expect
        .poll(() => error.innerText())
        .toMatch(
          guess < 5
            ? /The e-mail or the password is wrong/
            : /Too many wrong passwords: signing in is locked for \d+ s/,
        );
      await expect.poll(() => page.getByTestId('sign-in-submit').isDisabled()).toBe(false);
    }
    expect(await error.getAttribute('data-locked')).toBe('true');
    // Locked, even the right password is refused.
    await page.fill('#sign-in-password', GUESSED.password);
    await page.getByTestId('sign-in-submit').click();
    await expect.poll(() => error.innerText()).toMatch(/locked for \d+ s/);
    await screenshot('sign-in-locked');
  });
});
