/**
 * The order page does what the situation says, in a real browser (Debian's Chromium through playwright-core against
 * the real server on a fresh SQLite file, authentication on, an owner signed in): a self-send order's warehouse
 * receipt recorded from the verdict's form; a tracking number typed in for a parcel sent another way (a mistyped
 * S10 refused at its field, a valid number recorded, an unrecognised one asked for a reason, then recorded); a
 * closed order's page and the pack station saying why it gets no label; the calendar warning of an order due past
 * the holiday data; a packed order's label bought from its page, then its parcel handed over from there. English and Chinese. Screenshots in test-results/; any console error but an expected refusal fails.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/app/accounts';
import type { AppContext } from '../../src/app/context';
import { connectShop } from '../../src/app/marketplace';
import { getOrderDetail } from '../../src/app/orders';
import { recordWeight, scanItem, startPackSession } from '../../src/app/pack-sessions';
import { setSkuDimensions } from '../../src/app/packing-catalog';
import { setShopPolicy } from '../../src/app/policies';
import { browserHooks, BrowserWorld } from '../support/browser';
import { TEST_MASTER_KEY, s10For } from '../support/outbox-fixtures';
import { addAwaitingOrder, setUpSampleShipping } from '../support/pack';

// The real clock: the session cookie's expiry (12 h from the server's now) must lie ahead for the browser to keep it.
const CLOCK_START = Math.floor(Date.now() / 60_000) * 60_000;
const HOUR = 3_600_000;
const OWNER = { email: 'owner@order-shipping.test', password: 'correct horse battery staple' };
const SKU = 'GADGET-1';

let world: BrowserWorld;
let ctx: AppContext;
let base: string;
let page: Page;
const ids: Record<string, number> = {};

const screenshot = (name: string) => world.screenshot(name);
/** The language switch at the top right (remembered by the browser). */
const switchTo = async (locale: 'en' | 'zh-CN') => {
  await page.locator(`button[data-locale="${locale}"]`).click();
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(locale);
};
const verdictOf = async (id: number) =>
  (await page.request.get(`${base}/orders/${id}/verdict`)).json() as Promise<{
    status: string;
    situation: { kind: string };
  }>;

beforeAll(async () => {
  world = await BrowserWorld.open('dashboard-order-shipping', { clockStart: CLOCK_START });
  ctx = world.ctx;
  const db = world.store.db;
  const add = async (shop: string, id: string, shipInHours: number) =>
    (ids[id] = await addAwaitingOrder(ctx, shop, id, { now: CLOCK_START, shipInHours, sku: SKU }));

  // Shop demo (the regular mode: the upload of a valid number counts), connected so a typed-in number can be uploaded.
  await add('demo', 'SHIP-1', 30);
  await add('demo', 'CLOSED-1', -2); // its deadline passed 2 h ago: the platform has closed it
  await add('demo', 'LABEL-1', 30);
  await connectShop(ctx, TEST_MASTER_KEY, {
    shopId: 'demo',
    appKey: 'k',
    appSecret: 's',
    accessToken: 't',
    gatewayUrl: 'http://127.0.0.1:9',
  });
  await setSkuDimensions(ctx, [{ sku: SKU, dimsMm: [100, 80, 50], weightG: 200 }]);
  const carrier = await setUpSampleShipping(ctx, 'demo');
  world.onClose(() => carrier.close());
  // LABEL-1 packed and weighed at the pack station; its label is bought on the order page.
  const { session } = await startPackSession(ctx, { barcode: 'LABEL-1', station: 'station-2' }, 'packer');
  await scanItem(ctx, session.id, SKU, 'packer');
  await recordWeight(ctx, session.id, { grams: session.parcels[0]!.expectedGrossG }, 'packer');
  // The closed order has a packed parcel, so only its situation stands between it and a label.
  await db
    .insertInto('parcels')
    .values({
      order_id: ids['CLOSED-1']!,
      shop_id: 'demo',
      status: 'packed',
      carrier: null,
      service: null,
      weight_g: 300,
      packed_at: CLOCK_START - HOUR,
      created_at: CLOCK_START - HOUR,
      updated_at: CLOCK_START - HOUR,
    })
    .execute();

  // Shop self (semi-managed self-send): handed over 2 h ago, its warehouse receipt not known yet.
  await add('self', 'SELF-1', 30);
  await setShopPolicy(ctx, 'self', { policy_id: 'aliexpress_semi_self_send' }, 'test');
  await db
    .updateTable('orders')
    .set({ handed_over_at: CLOCK_START - 2 * HOUR })
    .where('id', '=', ids['SELF-1']!)
    .execute();

  // Shop far (a policy whose deadlines count holidays): an order due in 2028, past its holiday data (to 2027).
  await add('far', 'FAR-1', Math.ceil((Date.UTC(2028, 1, 10) - CLOCK_START) / HOUR));
  await setShopPolicy(ctx, 'far', { policy_id: 'shopee' }, 'test');

  await addUser(ctx, { email: OWNER.email, password: OWNER.password, accountOwner: true });
  await world.start({ authentication: true });
  ({ base, page } = world);
  await world.signIn(OWNER);
}, 60_000);

browserHooks(() => world);

describe('the order page does what the situation says', () => {
  it("records a self-send order's warehouse receipt from the verdict, and the situation changes", async () => {
    expect((await verdictOf(ids['SELF-1']!)).situation.kind).toBe('awaiting_count');
    await page.goto(`${base}/#/orders/${ids['SELF-1']}`);
    const situation = page.getByTestId('situation');
    await expect.poll(() => situation.getAttribute('data-situation')).toBe('awaiting_count');
    const form = page.getByTestId('warehouse-receipt');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => situation.getAttribute('data-situation')).toBe('shipped_in_time');
    await form.waitFor({ state: 'detached' });
    expect((await verdictOf(ids['SELF-1']!)).situation.kind).toBe('shipped_in_time');
    await screenshot('warehouse-receipt');
  });

  it('takes a tracking number typed in: a mistyped S10 is refused at its field, a valid one is recorded, an unrecognised one asks for a reason', async () => {
    const id = ids['SHIP-1']!;
    await page.goto(`${base}/#/orders/${id}`);
    const form = page.getByTestId('tracking-form');
    await form.waitFor();
    const numberError = form.locator('.field-error[data-field="tracking_number"]');

    // No service: refused at the service's field, named.
    world.console.expectRefusal({ path: `/orders/${id}/shipments`, status: 400 });
    await page.fill('#ship-number', 'RA20001400TR');
    await form.locator('button[type="submit"]').click();
    await expect
      .poll(() => form.locator('.field-error[data-field="service"]').textContent())
      .toMatch(/^Logistics service: /);
    expect(await page.locator('#ship-service').getAttribute('aria-invalid')).toBe('true');

    // An S10 with a digit missing: invalid (not "unrecognised"), at the number's field, nothing recorded.
    await page.fill('#ship-service', 'CPAM');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => numberError.textContent()).toMatch(/^Tracking number: .*S10 needs 8 digits/);
    expect(await form.locator('.field-error[data-field="service"]').count()).toBe(0);
    expect(await page.locator('#ship-number').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#ship-reason').count()).toBe(0);
    expect((await getOrderDetail(ctx, id)).parcels).toEqual([]);

    // A valid one, not the last parcel: recorded, its upload queued, and the parcel listed on the page.
    const valid = s10For(41);
    await page.fill('#ship-number', valid);
    await page.locator('input[name="last"]').uncheck();
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => page.getByTestId('tracking-recorded').textContent()).toContain(valid);
    expect(await numberError.count()).toBe(0);
    await expect.poll(() => page.locator('td', { hasText: valid }).count()).toBe(1);
    expect((await getOrderDetail(ctx, id)).parcels.map((p) => p.tracking_number)).toEqual([valid]);

    // A number in no known format with no carrier: the API asks for the seller's reason, the form offers the field.
    await page.fill('#ship-service', 'LOCAL_COURIER');
    await page.fill('#ship-number', 'ZX9988776655');
    await page.locator('input[name="last"]').check();
    await form.locator('button[type="submit"]').click();
    const reason = page.locator('#ship-reason');
    await reason.waitFor();
    expect(await form.locator('.field-error[data-field="confirm_unrecognised.reason"]').textContent()).toMatch(
      /^Reason: .*Format not recognised/,
    );
    expect((await getOrderDetail(ctx, id)).parcels).toHaveLength(1);
    // The form with every field open still fits the window: no sideways scrolling.
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(
      Number(await page.evaluate('document.documentElement.clientWidth')),
    );
    await screenshot('tracking-reason-asked');
    await reason.fill('Local courier Speedy, checked on its site');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => page.getByTestId('tracking-recorded').textContent()).toContain('ZX9988776655');
    const detail = await getOrderDetail(ctx, id);
    expect(detail.parcels.map((p) => p.tracking_number).sort()).toEqual(['ZX9988776655', valid].sort());
    // Both uploads queued (the order reads shipped once the marketplace accepts them), the reason on the timeline.
    const queued = detail.timeline.filter((e) => e.kind === 'upload_queued');
    expect(queued).toHaveLength(2);
    expect(JSON.stringify(queued)).toContain('Local courier Speedy, checked on its site');
    await expect.poll(() => page.locator('[data-kind="upload_queued"]').count()).toBe(2);
  });

  it('buys the label of a packed order from its page', async () => {
    const id = ids['LABEL-1']!;
    await page.goto(`${base}/#/orders/${id}`);
    const buy = page.getByTestId('buy-label');
    await expect.poll(() => buy.isEnabled()).toBe(true);
    await buy.click();
    const bought = page.getByTestId('label-bought');
    await bought.waitFor();
    const parcels = (await getOrderDetail(ctx, id)).parcels;
    expect(parcels.map((p) => p.status)).toEqual(['labelled']);
    expect(await bought.textContent()).toContain(parcels[0]!.tracking_number!);
    expect(await bought.locator('a').getAttribute('href')).toMatch(/^blob:/);
    // Labelled: nothing is packed any more, so the button waits for the next packed parcel.
    await expect.poll(() => buy.isDisabled()).toBe(true);
  });

  it('hands the labelled parcel over to the carrier from its page, and says so', async () => {
    const id = ids['LABEL-1']!;
    await page.goto(`${base}/#/orders/${id}`);
    const [parcel] = (await getOrderDetail(ctx, id)).parcels;
    expect(parcel).toMatchObject({ status: 'labelled', handed_over_at: null });
    const card = page.locator('.card.handover');
    await expect.poll(() => card.textContent()).toContain(parcel!.tracking_number!);
    await page.getByTestId('hand-over').click();
    const done = page.getByTestId('handed-over');
    await expect.poll(() => done.textContent()).toMatch(/^order LABEL-1: 1 parcel\(s\) handed over to the carrier/);
    const after = (await getOrderDetail(ctx, id)).parcels;
    expect(after.map((p) => p.status)).toEqual(['handed_over']);
    expect(after[0]!.handed_over_at).not.toBeNull();
    // Nothing is left to hand over: the button is gone, the result stays, and the timeline has the hand-over.
    await expect.poll(() => page.getByTestId('hand-over').count()).toBe(0);
    expect(await done.count()).toBe(1);
    await screenshot('handed-over');
  });

  it('says in Chinese why a closed order cannot be labelled, on its page and at the pack station, with no usable label button', async () => {
    const id = ids['CLOSED-1']!;
    expect((await verdictOf(id)).situation.kind).toBe('closed');
    await page.goto(`${base}/#/orders/${id}`);
    await switchTo('zh-CN');
    const blocked = page.getByTestId('ship-blocked');
    await expect.poll(() => blocked.textContent()).toMatch(/不能再打印面单或发货：平台已关闭该订单/);
    expect(await blocked.getAttribute('data-kind')).toBe('closed');
    const label = page.getByTestId('buy-label');
    expect(await label.isDisabled()).toBe(true);
    expect(await label.getAttribute('aria-describedby')).toBe('ship-blocked');
    expect(await page.getByTestId('tracking-form').count()).toBe(0);
    await screenshot('closed-order-zh');

    // At the pack station the order can still be scanned (its row is open), but it says why no label follows.
    await page.goto(`${base}/#/pack`);
    await page.getByTestId('scan-input').fill('CLOSED-1');
    await page.getByTestId('scan-input').press('Enter');
    const packBlocked = page.getByTestId('pack-blocked');
    await expect.poll(() => packBlocked.textContent()).toMatch(/平台已关闭该订单.*按两次 Esc/);
    await screenshot('closed-order-pack-zh');
    await page.getByTestId('scan-input').press('Escape');
    await page.getByTestId('scan-input').press('Escape');
    await expect.poll(() => page.locator('.screen.pack-station').getAttribute('data-phase')).toBe('order');
    // Nothing was labelled or queued for it.
    const numbers = (
      await ctx.store.db.selectFrom('parcels').select('tracking_number').where('order_id', '=', id).execute()
    ).map((p) => p.tracking_number);
    expect(numbers.filter((n) => n !== null)).toEqual([]);
    expect(await ctx.store.db.selectFrom('outbox').select('id').where('order_id', '=', id).execute()).toEqual([]);
  });

  it('warns on an order whose deadline falls past the end of the holiday data, in English', async () => {
    await page.goto(`${base}/#/orders/${ids['FAR-1']}`);
    await switchTo('en');
    const warnings = page.getByTestId('order-warnings');
    await expect
      .poll(() => warnings.textContent())
      .toMatch(/falls after the end of the holiday and festival data of policy shopee \(2027-12-31\)/);
    expect(await warnings.textContent()).toMatch(/in the dashboard/);
    // An order within the data carries no warning.
    await page.goto(`${base}/#/orders/${ids['SHIP-1']}`);
    await page.getByTestId('timeline').waitFor();
    expect(await page.getByTestId('order-warnings').count()).toBe(0);
    await page.goto(`${base}/#/orders/${ids['FAR-1']}`);
    await warnings.waitFor();
    await screenshot('calendar-warning');
  });
});
