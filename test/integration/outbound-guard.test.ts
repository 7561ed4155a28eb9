/**
 * Finding 3 of issue 19: a URL a user configures cannot make the server reach an address inside the network. A
 * listener on a loopback address the allow-list does not name (127.0.0.2; the tests allow 127.0.0.1 and localhost)
 * counts its connections: whatever spelling, route or resolver trick points at it, the count stays 0.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { deliverWebhooks } from '../../src/app/deadlines';
import { setCarrierAccount } from '../../src/app/carrier-accounts';
import { saveProvider } from '../../src/app/tracking';
import { connectShop } from '../../src/app/marketplace';
import { ValidationError } from '../../src/app/errors';
import { httpTransport } from '../../src/integrations/carriers/transport';
import { CarrierUnavailableError } from '../../src/integrations/carriers/types';
import { outboundFetch, OutboundRefusedError } from '../../src/integrations/outbound';
import { buildServer } from '../../src/http/server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';

const HIDDEN = '127.0.0.2';

/** A server on 127.0.0.2 that counts every TCP connection made to it, and one on 127.0.0.1 that redirects there. */
async function hiddenListener() {
  let connections = 0;
  const server = http.createServer((_req, res) => res.end('inside'));
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, HIDDEN, resolve));
  const port = (server.address() as AddressInfo).port;
  const redirector = http.createServer((_req, res) =>
    res.writeHead(302, { location: `http://${HIDDEN}:${port}/` }).end(),
  );
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
  const big = http.createServer((_req, res) => res.end(Buffer.alloc(5 * 1024 * 1024, 97)));
  await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
  return {
    port,
    connections: () => connections,
    redirectUrl: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/`,
    bigUrl: `http://127.0.0.1:${(big.address() as AddressInfo).port}/`,
    close: async () => {
      for (const s of [server, redirector, big]) await new Promise((resolve) => s.close(resolve));
    },
  };
}

/** Spellings of 127.0.0.2 and other internal addresses, all pointing at the hidden listener's port. */
const spellings = (port: number) => [
  `http://${HIDDEN}:${port}/hook`,
  `http://127.2:${port}/`,
  `http://2130706434:${port}/`,
  `http://0x7f000002:${port}/`,
  `http://0177.0.0.2:${port}/`,
  `http://[::ffff:127.0.0.2]:${port}/`,
  `http://[::ffff:7f00:2]:${port}/`,
  `https://${HIDDEN}:${port}/`,
];

describe.each(backends)('outgoing-request guard on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  let hidden: Awaited<ReturnType<typeof hiddenListener>>;
  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, manualClock());
    app = await buildServer(ctx, { authentication: false });
    hidden = await hiddenListener();
  });
  afterAll(async () => {
    await hidden.close();
    await app.close();
    await dispose();
  });
  beforeEach(() => expect(process.env.SHIPBY_OUTBOUND_ALLOW).toBe('127.0.0.1,localhost'));

  it('refuses an alert webhook at an internal address in any spelling with a bilingual 400 naming url, and nothing reaches it', async () => {
    const urls = [
      ...spellings(hidden.port),
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://192.168.1.1/',
      'http://[::1]:80/',
      'http://[fc00::1]/',
      'file:///etc/passwd',
      'gopher://127.0.0.1/',
    ];
    for (const url of urls) {
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks',
        headers: { 'accept-language': 'zh-CN' },
        payload: { url, secret: 'a-secret-of-16-chars' },
      });
      expect([url, res.statusCode]).toEqual([url, 400]);
      const issue = res.json().error.issues[0];
      expect(issue.path).toBe('url');
      expect(issue.messages.en).toMatch(/url/);
      expect(issue.messages['zh-CN']).toMatch(/url：/);
      expect(issue.messages.en).not.toMatch(/\bshipby (webhooks?|carrier|tracking|deadlines)\b|\/webhooks/); // says what to do, names no command or path
    }
    expect(await store.db.selectFrom('alert_webhooks').select('id').execute()).toEqual([]);
    expect(hidden.connections()).toBe(0);
  });

  it('answers an added webhook as GET /webhooks lists it (created_at in ISO 8601, no secret)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/webhooks',
      payload: { url: 'http://127.0.0.1:9/hook', secret: 'a-secret-of-16-chars' },
    });
    expect(res.statusCode).toBe(201);
    const added = res.json();
    expect(added.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(JSON.stringify(added)).not.toContain('a-secret-of-16-chars');
    const listed = (await app.inject({ method: 'GET', url: '/webhooks' })).json().items;
    expect(listed.find((h: { id: number }) => h.id === added.id)).toEqual(added);
    await store.db.deleteFrom('alert_webhooks').execute();
  });

  it('refuses carrier accounts, tracking providers and marketplace gateways at internal addresses, naming their field', async () => {
    for (const url of spellings(hidden.port)) {
      const carrier = await setCarrierAccount(ctx, {
        carrier: 'cainiao',
        protocol: 'yunexpress',
        baseUrl: url,
        accountId: 'C1',
        apiKey: 'k',
      }).catch((e: unknown) => e);
      expect(carrier).toBeInstanceOf(ValidationError);
      expect((carrier as ValidationError).issues.map((i) => i.field)).toEqual(['url']);
      const provider = await saveProvider(ctx, {
        name: 'p1',
        kind: 'seventeen',
        baseUrl: url,
        apiKey: 'k',
        webhookSecret: 'a-secret-of-16-chars',
      }).catch((e: unknown) => e);
      expect(provider).toBeInstanceOf(ValidationError);
      expect((provider as ValidationError).issues.map((i) => i.field)).toEqual(['base_url']);
      const shop = await connectShop(ctx, Buffer.alloc(32, 7), {
        shopId: 'ae',
        appKey: 'k',
        appSecret: 's',
        accessToken: 't',
        gatewayUrl: url,
      }).catch((e: unknown) => e);
      expect(shop).toBeInstanceOf(ValidationError);
      expect((shop as ValidationError).issues.map((i) => i.field)).toEqual(['gateway_url']);
    }
    expect(hidden.connections()).toBe(0);
  });

  it('a stored webhook pointing inside (set before the guard, or a name that moved) is never delivered there', async () => {
    const { id } = await store.db
      .insertInto('alert_webhooks')
      .values({ shop_id: null, url: `http://127.2:${hidden.port}/`, secret: 'a-secret-of-16-chars', created_at: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.db
      .insertInto('webhook_deliveries')
      .values({
        webhook_id: id,
        dedupe_key: 'k1',
        kind: 'test',
        payload: '{}',
        status: 'pending',
        attempts: 0,
        next_attempt_at: 0,
        lease_until: null,
        last_error: null,
        created_at: 0,
        delivered_at: null,
      })
      .execute();
    const result = await deliverWebhooks(ctx);
    expect(result).toEqual({ delivered: 0, failed: 1, dead: 0 });
    const row = await store.db
      .selectFrom('webhook_deliveries')
      .select(['status', 'last_error'])
      .where('webhook_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.last_error).toMatch(/loopback/);
    await store.db.deleteFrom('webhook_deliveries').execute();
    await store.db.deleteFrom('alert_webhooks').execute();
    expect(hidden.connections()).toBe(0);
  });

  it('the carrier transport refuses the address at connect time, follows no redirect inside, and caps the answer', async () => {
    const send = httpTransport(`http://2130706434:${hidden.port}`, { carrierName: 'YunExpress' });
    await expect(
      send({ method: 'POST', path: '/api/WayBill/CreateOrder', headers: {}, body: '{}' }),
    ).rejects.toBeInstanceOf(CarrierUnavailableError);
    const redirected = await outboundFetch(hidden.redirectUrl);
    expect(redirected.status).toBe(302); // handed back as it is: never followed
    await expect(outboundFetch(hidden.bigUrl, {}, { maxBytes: 1024 * 1024 })).rejects.toThrow(/larger than/);
    expect(hidden.connections()).toBe(0);
  });

  it('DNS rebinding: a name that resolves to a public address when saved and to 127.0.0.2 when connecting is refused at connect time', async () => {
    let asked = 0;
    const rebinding = (
      _host: string,
      callback: (e: Error | null, a: Array<{ address: string; family: number }>) => void,
    ) => {
      asked++;
      callback(null, [{ address: asked === 1 ? '93.184.216.34' : HIDDEN, family: 4 }]);
    };
    rebinding('rebind.example', () => undefined); // the "check" the attacker passes
    const error = await outboundFetch(
      `http://rebind.example:${hidden.port}/`,
      {},
      { field: 'url', resolve: rebinding },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundRefusedError);
    expect((error as OutboundRefusedError).field).toBe('url');
    expect((error as OutboundRefusedError).localizedMessage['zh-CN']).toMatch(/回环/);
    expect(asked).toBe(2);
    expect(hidden.connections()).toBe(0);
  });

  it('an address the allow-list names is reached (the check is not a blanket refusal)', async () => {
    const saved = process.env.SHIPBY_OUTBOUND_ALLOW;
    process.env.SHIPBY_OUTBOUND_ALLOW = `${saved},${HIDDEN}:${hidden.port}`;
    try {
      const res = await outboundFetch(`http://2130706434:${hidden.port}/`);
      expect(await res.text()).toBe('inside');
      expect(hidden.connections()).toBe(1);
    } finally {
      process.env.SHIPBY_OUTBOUND_ALLOW = saved;
    }
  });
});
