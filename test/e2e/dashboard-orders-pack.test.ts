/**
 * Orders in the browser and a pack station without dead ends (issue 17), in Chromium against the real server (an
 * owner signed in): an order file with a bad row shows the whole-file report and imports nothing, a good one is
 * imported; at the pack station (1024×768) an order whose label failed is scanned again and goes on at the label
 * step, the packer picks a service from the candidates when none is chosen automatically, and an expensive label is
 * bought only with the confirmation button (Enter does not). No horizontal scrolling, no console error but the
 * refusals expected. Screenshots in test-results/.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/app/accounts';
import type { AppContext } from '../../src/app/context';
import { labelParcels } from '../../src/app/labels';
import { setSkuDimensions } from '../../src/app/packing-catalog';
import type { CarrierService } from '../../src/core/carrier/types';
import { cainiaoSuperEconomy, expressCourier } from '../../src/core/data/carriers/index';
import { IMPORT_COLUMNS } from '../../src/core/order-input';
import * as packing from '../../src/store/packing';
import { browserHooks, BrowserWorld } from '../support/browser';
import { orderRow, type Row } from '../support/files';
import { addAwaitingOrder, packAndWeighAll, setUpSampleShipping } from '../support/pack';

const CLOCK_START = Math.floor(Date.now() / 60_000) * 60_000;
const OWNER = { email: 'owner@orders-pack.test', password: 'correct horse battery staple' };
const SKU = 'GADGET-2';

let world: BrowserWorld;
let ctx: AppContext;
let base: string;
let page: Page;
const ids: Record<string, number> = {};

const csv = (rows: Row[]) =>
  Buffer.from(
    [IMPORT_COLUMNS.join(','), ...rows.map((r) => IMPORT_COLUMNS.map((c) => r[c] ?? '').join(','))].join('\n') + '\n',
  );
const iso = (ms: number) => new Date(ms).toISOString();
const catalogue = (services: CarrierService[]) =>
  packing.replaceCarrierServices(
    ctx.store.db,
    services.map((s) => ({
      code: s.code,
      carrier: s.carrier,
      definition: JSON.stringify(s),
      marketplace_service: s.code.toUpperCase(),
      source: 'test',
      imported_at: CLOCK_START,
    })),
    true,
  );
const packed = async (id: string, logisticsService?: string) => {
  ids[id] = await addAwaitingOrder(ctx, 'demo', id, {
    now: CLOCK_START,
    shipInHours: 40,
    sku: SKU,
    ...(logisticsService ? { logisticsService } : {}),
  });
  await packAndWeighAll(ctx, id);
};
const noHorizontalScroll = async () => {
  expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(
    Number(await page.evaluate('document.documentElement.clientWidth')),
  );
};
const labelsOf = async (id: string) =>
  (await ctx.store.db.selectFrom('parcel_labels').select('id').where('order_id', '=', ids[id]!).execute()).length;

beforeAll(async () => {
  world = await BrowserWorld.open('dashboard-orders-pack', { clockStart: CLOCK_START });
  ctx = world.ctx;
  await addAwaitingOrder(ctx, 'demo', 'FIRST', { now: CLOCK_START, shipInHours: 60, sku: SKU });
  await setSkuDimensions(ctx, [{ sku: SKU, dimsMm: [100, 80, 50], weightG: 200 }]);
  const carrier = await setUpSampleShipping(ctx, 'demo');
  world.onClose(() => carrier.close());
  // NC-1: the buyer chose economy; the only service's 35 CNY value limit is under its 19.99 USD: no automatic choice,
  // so its label failed after packing.
  await catalogue([cainiaoSuperEconomy]);
  await packed('NC-1', 'CAINIAO_ECONOMY');
  await expect(labelParcels(ctx, { orderId: ids['NC-1']! }, 'packer')).rejects.toMatchObject({
    rule: 'label.no_service',
  });
  await addUser(ctx, { email: OWNER.email, password: OWNER.password, accountOwner: true });
  await world.start({ authentication: true });
  ({ base, page } = world);
  await world.signIn(OWNER);
}, 120_000);

browserHooks(() => world);

describe('orders in the browser', () => {
  it('shows the whole-file report for a bad order file and imports nothing, then imports a good one', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${base}/#/`);
    const paid =
      iso(CLOCK_START - 3_600_000)
        .replace('T', ' ')
        .slice(0, 19) + 'Z';
    const good = [
      orderRow('UP-1', SKU, { paid_at: paid, risk_passed_at: paid }),
      orderRow('UP-2', SKU, { paid_at: paid, risk_passed_at: paid }),
    ];
    world.console.expectRefusal({ path: '/orders/import', status: 422 });
    // The file input opens once the screen knows the shop to import into (the shops load after the page).
    await expect.poll(() => page.getByTestId('order-file-input').isEnabled()).toBe(true);
    await page.getByTestId('order-file-input').setInputFiles({
      name: 'orders.csv',
      mimeType: 'text/csv',
      buffer: csv([good[0]!, { ...good[1]!, quantity: '0' }]),
    });
    const report = page.getByTestId('import-report');
    await expect.poll(() => report.getAttribute('data-refused')).toBe('true');
    expect(await report.locator('tr[data-row="3"]').textContent()).toMatch(/quantity/);
    await noHorizontalScroll();
    await world.screenshot('import-refused');
    const imported = async () =>
      (
        await ctx.store.db
          .selectFrom('orders')
          .select('platform_order_id')
          .where('platform_order_id', 'in', ['UP-1', 'UP-2'])
          .execute()
      ).length;
    expect(await imported()).toBe(0);

    await page
      .getByTestId('order-file-input')
      .setInputFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: csv(good) });
    await expect.poll(() => report.textContent()).toMatch(/2 new/);
    expect(await imported()).toBe(2);
    await world.screenshot('import-done');
  });
});

describe('the pack station without dead ends (1024×768)', () => {
  it('goes on at the label step after a failed label, and the packer picks a service from the candidates', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(`${base}/#/pack`);
    const input = page.getByTestId('scan-input');
    const phase = () => page.locator('.screen.pack-station').getAttribute('data-phase');
    await input.fill('NC-1');
    await input.press('Enter');
    await expect.poll(phase, { timeout: 15_000 }).toBe('label');
    world.console.expectRefusal({ path: `/orders/${ids['NC-1']}/labels`, status: 409 });
    await input.press('Enter');
    const choice = page.getByTestId('label-choice');
    await choice.waitFor({ timeout: 15_000 });
    expect(await choice.locator('tr[data-service="cainiao-super-economy"]').textContent()).toMatch(/CNY/);
    await noHorizontalScroll();
    await world.screenshot('pack-candidates');
    await choice.locator('tr[data-service="cainiao-super-economy"] [data-testid="pick-service"]').click();
    await input.press('Enter');
    await expect.poll(phase, { timeout: 30_000 }).toBe('printed'); // the label and the two PDFs
    expect(await labelsOf('NC-1')).toBe(1);
  });

  it('asks before an expensive label: Enter does not buy it, the confirmation button does', async () => {
    await catalogue([expressCourier]); // about 245 CNY for a 19.99 USD order
    await packed('EX-1');
    await page.goto(`${base}/#/pack`);
    const input = page.getByTestId('scan-input');
    const phase = () => page.locator('.screen.pack-station').getAttribute('data-phase');
    await input.fill('EX-1');
    await input.press('Enter');
    await expect.poll(phase, { timeout: 15_000 }).toBe('label');
    world.console.expectRefusal({ path: `/orders/${ids['EX-1']}/labels`, status: 409 });
    await input.press('Enter');
    const confirm = page.getByTestId('cost-confirm');
    await confirm.waitFor({ timeout: 15_000 });
    expect(await confirm.textContent()).toMatch(/of the order's 19\.99 USD/);
    await input.press('Enter'); // a second Enter (or a scanner's) buys nothing
    await expect.poll(() => page.getByTestId('pack-alert').textContent()).toMatch(/Enter does not buy this label/);
    expect(await labelsOf('EX-1')).toBe(0);
    await noHorizontalScroll();
    await world.screenshot('pack-cost-confirm');
    await page.getByTestId('confirm-cost').click();
    await expect.poll(phase, { timeout: 30_000 }).toBe('printed'); // the label and the two PDFs
    expect(await labelsOf('EX-1')).toBe(1);
  });
});
