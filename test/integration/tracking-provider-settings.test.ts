/**
 * The tracking provider's settings as the dashboard's screen uses them (issue 17): only the installation's owner
 * changes them and is told so by the session; a change may leave out the secrets it cannot read back (the stored
 * ones are kept, still encrypted); the list says whether an API key is stored, never the key, and which API versions
 * each kind speaks; the setup checklist has an optional step for it, the installation's owner's only.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openAccessServer, signIn, type AccessServer, type Caller } from '../support/access-world';
import { backends } from '../support/backends';

const SECRET = 'provider-settings-secret-01';

describe.each(backends)('the tracking provider settings over HTTP on $name', (backend) => {
  let server: AccessServer;
  let rival: Caller;
  let shopOwner: Caller;

  beforeAll(async () => {
    server = await openAccessServer(backend);
    rival = await signIn(server.app, 'owner@rival.example');
    shopOwner = await signIn(server.app, server.world.emails.owner);
  }, 120_000);
  afterAll(async () => server?.close());

  const call = (caller: Caller, method: 'GET' | 'PUT', url: string, payload?: Record<string, unknown>) =>
    server.app.inject({ method, url, headers: caller.headers, ...(payload ? { payload } : {}) });
  const storedRow = (name: string) =>
    server.ctx.store.db
      .selectFrom('tracking_providers')
      .select(['api_key', 'webhook_secret', 'api_version', 'polls'])
      .where('name', '=', name)
      .executeTakeFirstOrThrow();

  it("tells the session whether it owns the installation: the default account's owner only", async () => {
    const owns = async (caller: Caller) => (await call(caller, 'GET', '/auth/session')).json().installation_owner;
    expect(await owns(server.boss)).toBe(true);
    expect(await owns(rival)).toBe(false);
    expect(await owns(shopOwner)).toBe(false);
  });

  it('keeps the stored secrets when a change leaves them out, removes the API key when it is empty', async () => {
    const added = await call(server.boss, 'PUT', '/tracking/providers/edited', {
      kind: 'seventeen',
      webhook_secret: SECRET,
      api_key: 'plain-17token-value',
    });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json()).toMatchObject({ name: 'edited', api_key_stored: true, api_version: 'v2.4' });
    const first = await storedRow('edited');
    expect(first.api_key).not.toContain('plain-17token-value');
    expect(first.webhook_secret).not.toContain(SECRET);

    // The dashboard's edit: a new version and polling, the secrets left out.
    const changed = await call(server.boss, 'PUT', '/tracking/providers/edited', {
      kind: 'seventeen',
      api_version: 'v2.2',
      polls: true,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ api_version: 'v2.2', polls: true, api_key_stored: true });
    expect(await storedRow('edited')).toEqual({
      api_key: first.api_key,
      webhook_secret: first.webhook_secret,
      api_version: 'v2.2',
      polls: 1,
    });

    const removed = await call(server.boss, 'PUT', '/tracking/providers/edited', { kind: 'seventeen', api_key: '' });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toMatchObject({ api_key_stored: false });
    expect((await storedRow('edited')).api_key).toBeNull();
  });

  it('refuses a new provider without a webhook secret, at that field, in both languages; saves nothing', async () => {
    const refused = await call(server.boss, 'PUT', '/tracking/providers/brand-new', { kind: 'aftership' });
    expect(refused.statusCode).toBe(400);
    const issues = refused.json().error.issues as Array<{ path: string; messages: { en: string; 'zh-CN': string } }>;
    expect(issues.map((i) => i.path)).toEqual(['webhook_secret']);
    expect(issues[0]!.messages['zh-CN']).toContain('至少需要 16 个字符');
    expect(
      await server.ctx.store.db
        .selectFrom('tracking_providers')
        .select('name')
        .where('name', '=', 'brand-new')
        .execute(),
    ).toEqual([]);
  });

  it('lists whether an API key is stored (never the key) and the API versions of each kind; tenants see neither', async () => {
    const list = await call(server.boss, 'GET', '/tracking/providers');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('plain-17token-value');
    expect(list.json().kinds).toEqual([
      { kind: 'seventeen', api_versions: ['v2.4', 'v2.2'] },
      { kind: 'aftership', api_versions: ['2025-01', '2024-10', '2024-07'] },
    ]);
    expect(list.json().items).toEqual([
      expect.objectContaining({ name: 'edited', api_key_stored: false, webhook_path: '/tracking/webhooks/edited' }),
    ]);
    // The webhook addresses' base: the configured public address, else null (the dashboard uses its own origin).
    expect(list.json().webhook_base).toBeNull();
    const saved = process.env.SHIPBY_PUBLIC_URL;
    process.env.SHIPBY_PUBLIC_URL = 'https://ship.example.com/';
    onTestFinished(() => {
      if (saved === undefined) delete process.env.SHIPBY_PUBLIC_URL;
      else process.env.SHIPBY_PUBLIC_URL = saved;
    });
    expect((await call(server.boss, 'GET', '/tracking/providers')).json().webhook_base).toBe(
      'https://ship.example.com',
    );
    const tenant = (await call(rival, 'GET', '/tracking/providers')).json();
    expect(tenant).not.toHaveProperty('webhook_base');
    // The last change left out the version and polling: a change sets them whole (the defaults).
    expect(tenant.items).toEqual([{ name: 'edited', kind: 'seventeen', api_version: 'v2.4', polls: false }]);
    expect((await call(rival, 'PUT', '/tracking/providers/edited', { kind: 'seventeen' })).statusCode).toBe(403);
  });

  it("gives the setup checklist an optional tracking step, done once a provider exists, the installation's owner's only", async () => {
    const steps = async (caller: Caller) =>
      (await call(caller, 'GET', '/setup')).json().steps as Array<{ step: string; done: boolean; optional: boolean }>;
    expect((await steps(server.boss)).find((s) => s.step === 'tracking')).toEqual(
      expect.objectContaining({ done: true, optional: true, screen: 'settings/tracking', blocks: [] }),
    );
    for (const caller of [rival, shopOwner]) {
      const theirs = await steps(caller);
      expect(
        theirs.map((s) => s.step),
        caller.name,
      ).not.toContain('tracking');
      expect(theirs.every((s) => !s.optional)).toBe(true);
    }
  });
});
