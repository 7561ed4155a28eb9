/**
 * Issue 19, finding 9: the live stream announces only the caller's shops' changes; installation-wide webhooks,
 * tracking events no parcel claims and the providers' settings are the installation owners' only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWebhook } from '../../src/app/deadlines';
import { orderChangeWatcher } from '../../src/app/live';
import { upsertOrders } from '../../src/app/orders';
import { openAccessServer, signIn, type AccessServer, type Caller } from '../support/access-world';
import { backends } from '../support/backends';
import { jsonOrder } from '../support/stock';

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe.each(backends)('what belongs to no shop, and the live stream, per account on $name', (backend) => {
  let server: AccessServer;
  let rival: Caller;
  let shopOwner: Caller;

  beforeAll(async () => {
    server = await openAccessServer(backend);
    rival = await signIn(server.app, 'owner@rival.example');
    shopOwner = await signIn(server.app, server.world.emails.owner);
    await addWebhook(server.ctx, {
      url: 'https://ops.example/hook?token=installation-secret-token',
      secret: 'installation-secret-0123',
    });
    const now = server.ctx.now();
    await server.ctx.store.db
      .insertInto('tracking_events')
      .values({
        tracking_number: 'LX999999999CN',
        carrier: 'sample',
        event_key: 'k1',
        provider: 'sample',
        parcel_id: null,
        occurred_at: now,
        status: 'in_transit',
        raw_status: 'InTransit',
        raw_substatus: null,
        description: 'kept aside',
        location: null,
        destination_country: null,
        received_at: now,
      })
      .execute();
    await server.ctx.store.db
      .insertInto('tracking_providers')
      .values({
        name: 'ops-17track',
        kind: 'seventeen',
        base_url: 'https://internal-proxy.example/17track',
        api_key: null,
        webhook_secret: 'provider-secret-0123456',
        polls: 1,
        cadence: null,
        api_version: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }, 120_000);
  afterAll(async () => server?.close());

  const get = async (caller: Caller, url: string) => {
    const response = await server.app.inject({ method: 'GET', url, headers: caller.headers });
    expect(response.statusCode, response.body).toBe(200);
    return response;
  };

  it("lists installation-wide webhooks to the installation's owners only", async () => {
    for (const caller of [rival, shopOwner])
      expect((await get(caller, '/webhooks')).body, caller.name).not.toContain('installation-secret-token');
    expect((await get(rival, '/webhooks')).body).toContain('rival.example');
    expect((await get(server.boss, '/webhooks')).body).toContain('installation-secret-token');
  });

  it("shows tracking events no parcel claims, and the providers' addresses, to the installation's owners only", async () => {
    for (const caller of [rival, shopOwner]) {
      expect((await get(caller, '/tracking/unmatched')).json().items, caller.name).toEqual([]);
      const providers = await get(caller, '/tracking/providers');
      expect(
        providers.json().items.map((p: { name: string }) => p.name),
        caller.name,
      ).toEqual(['ops-17track']);
      expect(providers.body, caller.name).not.toContain('internal-proxy');
    }
    expect((await get(server.boss, '/tracking/unmatched')).body).toContain('LX999999999CN');
    expect((await get(server.boss, '/tracking/providers')).body).toContain('internal-proxy');
  });

  it("announces to a listener only the changes of its own shops' orders", async () => {
    const watcher = orderChangeWatcher(server.ctx, { intervalMs: 10 });
    const heard = { a: 0, rival: 0, all: 0 };
    const stops = [
      watcher.subscribe(() => heard.a++, ['shop-a', 'shop-c']),
      watcher.subscribe(() => heard.rival++, ['rival-b']),
      watcher.subscribe(() => heard.all++),
    ];
    try {
      await until(() => watcher.version !== undefined, 'the first read');
      await upsertOrders(
        server.ctx,
        'rival-b',
        [{ order: jsonOrder('RIVAL-LIVE-1', 'WAIT_SELLER_SEND_GOODS', [{ sku: 'SKU-1', quantity: 1 }]), row: 1 }],
        'test',
      );
      await until(() => heard.rival === 1 && heard.all === 1, "the rival's change");
      await upsertOrders(
        server.ctx,
        'shop-a',
        [{ order: jsonOrder('A-LIVE-1', 'WAIT_SELLER_SEND_GOODS', [{ sku: 'SKU-1', quantity: 1 }]), row: 1 }],
        'test',
      );
      await until(() => heard.a === 1 && heard.all === 2, "shop A's change");
      expect(heard).toEqual({ a: 1, rival: 1, all: 2 });
    } finally {
      for (const stop of stops) stop();
      watcher.close();
    }
  });
});
