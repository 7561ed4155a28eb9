/**
 * What the first label needs, over HTTP on SQLite AND PostgreSQL: each missing setting is refused (400) with the
 * dashboard screen that sets it, named in both languages and pointed at by `fix.screen`, and no CLI command or API
 * path; the sender address and carrier accounts the dashboard's forms read and write; bad input named at its field
 * with nothing stored.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setCarrierAccount } from '../../src/app/carrier-contracts';
import type { AppContext } from '../../src/app/context';
import { defineBox, setSender, setSkuDimensions } from '../../src/app/packing-catalog';
import { recordWeight, scanItem, startPackSession } from '../../src/app/pack-sessions';
import { FIX_SCREENS } from '../../src/core/fix';
import { buildServer } from '../../src/http/server';
import { backends, contextFor } from '../support/backends';
import { addAwaitingOrder } from '../support/pack';

const SKU = 'LAMP-1';
const CLI_OR_API = /shipby [a-z]|\/(shops|skus)\/|\b(PUT|POST|GET) \//;

interface Issue {
  path: string;
  messages: { en: string; 'zh-CN': string };
  fix?: { screen: string };
}

describe.each(backends)('setup refusals and forms on $name', (backend) => {
  let ctx: AppContext;
  let app: FastifyInstance;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    const opened = await backend.open();
    ctx = contextFor(opened.store);
    app = await buildServer(ctx, { authentication: false });
    dispose = async () => {
      await app.close();
      await opened.dispose();
    };
  });
  afterEach(async () => {
    await dispose();
  });

  const issuesOf = (body: { error: { issues: Issue[] } }) => body.error.issues;
  const expectPointsAt = (issue: Issue, screen: keyof typeof FIX_SCREENS, subjects?: string[]) => {
    expect(issue.fix).toEqual(subjects ? { screen, for: subjects } : { screen });
    expect(issue.messages.en).toContain(FIX_SCREENS[screen].en);
    expect(issue.messages['zh-CN']).toContain(FIX_SCREENS[screen]['zh-CN']);
    expect(issue.messages.en).not.toMatch(CLI_OR_API);
    expect(issue.messages['zh-CN']).not.toMatch(CLI_OR_API);
  };

  it('refuses a plan without SKU sizes or boxes, then a label without a sender or a carrier account, each pointing at its screen', async () => {
    const now = ctx.now();
    const orderId = await addAwaitingOrder(ctx, 'demo', 'FIX-1', { now, shipInHours: 30, sku: SKU });

    const unplanned = await app.inject({ method: 'POST', url: `/orders/${orderId}/pack`, payload: {} });
    expect(unplanned.statusCode).toBe(400);
    const planIssues = issuesOf(unplanned.json());
    expect(planIssues.map((i) => i.path).sort()).toEqual(['boxes', 'sku']);
    expectPointsAt(planIssues.find((i) => i.path === 'sku')!, 'settings/skus', [SKU]);
    expectPointsAt(planIssues.find((i) => i.path === 'boxes')!, 'settings/boxes');
    expect(planIssues.find((i) => i.path === 'sku')!.messages.en).toContain(SKU);

    await setSkuDimensions(ctx, [{ sku: SKU, dimsMm: [100, 80, 50], weightG: 200 }]);
    await defineBox(ctx, 'demo', {
      code: 'M',
      innerMm: [250, 200, 120],
      maxWeightG: 5_000,
      tareG: 100,
      cost: 150,
      currency: 'CNY',
    });
    const { session } = await startPackSession(ctx, { barcode: 'FIX-1', station: 'station-1' }, 'packer');
    await scanItem(ctx, session.id, SKU, 'packer');
    await recordWeight(ctx, session.id, { grams: session.parcels[0]!.expectedGrossG }, 'packer');

    const noSender = await app.inject({ method: 'POST', url: `/orders/${orderId}/labels`, payload: {} });
    expect(noSender.statusCode).toBe(400);
    const [senderIssue] = issuesOf(noSender.json());
    expect(senderIssue!.path).toBe('sender');
    expectPointsAt(senderIssue!, 'settings/sender');

    await setSender(ctx, 'demo', { name: 'Demo Shop', addressLine1: '1 Keji Road', city: 'Shenzhen', country: 'CN' });
    const noAccount = await app.inject({ method: 'POST', url: `/orders/${orderId}/labels`, payload: {} });
    expect(noAccount.statusCode).toBe(400);
    const [accountIssue] = issuesOf(noAccount.json());
    expect(accountIssue!.path).toBe('carrier');
    expectPointsAt(accountIssue!, 'settings/carrier-accounts');
  });

  it('reads and writes the sender address for the form, refusing a bad country at its field with nothing stored', async () => {
    await addAwaitingOrder(ctx, 'demo', 'FIX-2', { now: ctx.now(), shipInHours: 30, sku: SKU }); // the shop exists
    expect((await app.inject({ method: 'GET', url: '/shops/demo/sender' })).json()).toEqual({ sender: null });
    expect((await app.inject({ method: 'GET', url: '/shops/nowhere/sender' })).statusCode).toBe(404);

    const bad = await app.inject({
      method: 'PUT',
      url: '/shops/demo/sender',
      payload: { name: 'Demo Shop', address_line1: '1 Keji Road', city: 'Shenzhen', country: 'China' },
    });
    expect(bad.statusCode).toBe(400);
    expect(issuesOf(bad.json()).map((i) => i.path)).toEqual(['country']);
    expect((await app.inject({ method: 'GET', url: '/shops/demo/sender' })).json()).toEqual({ sender: null });

    const good = {
      name: 'Demo Shop',
      address_line1: '1 Keji Road',
      address_line2: 'Building 3',
      city: 'Shenzhen',
      postcode: '518000',
      country: 'cn',
      phone: null,
    };
    expect((await app.inject({ method: 'PUT', url: '/shops/demo/sender', payload: good })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/shops/demo/sender' })).json()).toEqual({
      sender: { ...good, shop_id: 'demo', country: 'CN' },
    });
  });

  it('adds a carrier account (its secret stored encrypted, never shown), refusing a bad address at its field with nothing stored', async () => {
    const bad = await app.inject({
      method: 'PUT',
      url: '/carrier/accounts/china-post',
      payload: { url: 'not a url', account_id: 'C0001', api_key: ' ' },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      issuesOf(bad.json())
        .map((i) => i.path)
        .sort(),
    ).toEqual(['api_key', 'url']);
    const noProtocol = await app.inject({
      method: 'PUT',
      url: '/carrier/accounts/china-post',
      payload: { protocol: 'sample-http', url: 'http://127.0.0.1:9/', account_id: 'C0001', api_key: 'k' },
    });
    expect(issuesOf(noProtocol.json()).map((i) => i.path)).toEqual(['protocol']);
    expect((await app.inject({ method: 'GET', url: '/carrier/accounts' })).json()).toEqual({ items: [] });

    const put = await app.inject({
      method: 'PUT',
      url: '/carrier/accounts/china-post',
      payload: { url: 'http://127.0.0.1:9/labels', account_id: 'C0001', api_key: 'secret-key-42' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({
      carrier: 'china-post',
      protocol: 'yunexpress',
      base_url: 'http://127.0.0.1:9/labels',
      account_id: 'C0001',
      secret: 'encrypted',
    });
    expect(JSON.stringify((await app.inject({ method: 'GET', url: '/carrier/accounts' })).json())).not.toContain(
      'secret-key-42',
    );
    await setCarrierAccount(ctx, {
      carrier: '*',
      protocol: '4px',
      baseUrl: 'http://127.0.0.1:9/any',
      accountId: 'app-key',
      apiKey: 'other-key',
    });
    expect(
      (await app.inject({ method: 'GET', url: '/carrier/accounts' }))
        .json()
        .items.map((a: { carrier: string }) => a.carrier)
        .sort(),
    ).toEqual(['*', 'china-post']);
  });

  it("sets the platform's online logistics as a carrier account with only its sender address id; a bad id is named, nothing stored", async () => {
    const words = await app.inject({
      method: 'PUT',
      url: '/carrier/accounts/cainiao',
      payload: { protocol: 'aliexpress-online', account_id: 'main warehouse' },
    });
    expect(words.statusCode).toBe(400);
    const [issue] = issuesOf(words.json());
    expect(issue!.path).toBe('account_id');
    expect(issue!.messages.en).toContain('sender address id');
    expect(issue!.messages['zh-CN']).toContain('发货地址');
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/carrier/accounts/cainiao',
          payload: { protocol: 'aliexpress-online' },
        })
      ).statusCode,
    ).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/carrier/accounts' })).json()).toEqual({ items: [] });
    // A carrier's own API still needs its address and secret, each named when missing.
    const bare = await app.inject({
      method: 'PUT',
      url: '/carrier/accounts/yun',
      payload: { protocol: 'yunexpress', account_id: 'C0001' },
    });
    expect(bare.statusCode).toBe(400);
    expect(
      issuesOf(bare.json())
        .map((i) => i.path)
        .sort(),
    ).toEqual(['api_key', 'url']);
    const put = await app.inject({
      method: 'PUT',
      url: '/carrier/accounts/cainiao',
      payload: { protocol: 'aliexpress-online', account_id: ' 1001 ' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({
      carrier: 'cainiao',
      protocol: 'aliexpress-online',
      base_url: '',
      account_id: '1001',
      secret: 'not needed',
    });
    expect((await app.inject({ method: 'GET', url: '/carrier/accounts' })).json()).toEqual({ items: [put.json()] });
  });
});
