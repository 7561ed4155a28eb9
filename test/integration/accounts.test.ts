/**
 * Accounts and access through the HTTP API: sign-in with cookie and CSRF, lockout, one-time links, roles per
 * shop, API keys (shown once, hashed, scoped, revocable, last use), rate limits, the audit log joined to the
 * order's timeline, buyers' data export and erasure, unknown fields and oversized bodies refused.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignInLink, ensureFirstOwner } from '../../src/app/accounts';
import type { AppContext } from '../../src/app/context';
import { registerAccess } from '../../src/http/access';
import { buildServer } from '../../src/http/server';
import { buildAccessWorld, keyCaller, PASSWORD, signIn, snapshot, type AccessWorld } from '../support/access-world';
import { backends, contextFor, manualClock } from '../support/backends';

describe.each(backends)('accounts and access on $name', (backend) => {
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  let world: AccessWorld;
  const clock = manualClock();

  beforeAll(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    ctx = contextFor(opened.store, clock);
    world = await buildAccessWorld(ctx);
    app = await buildServer(ctx, { rateLimit: { perMinute: 100_000, loginPerMinute: 1000 } });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await dispose?.();
  });

  it('signs in with an HttpOnly SameSite cookie, asks for the CSRF token on writes, and signs out', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: world.emails.manager, password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/shipby_session=/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(login.json().shops).toEqual([expect.objectContaining({ id: 'shop-a', role: 'manager' })]);
    const cookie = `shipby_session=${login.cookies[0]!.value}`;
    const csrf = login.json().csrf_token as string;

    const session = await app.inject({ method: 'GET', url: '/auth/session', headers: { cookie } });
    expect(session.json()).toMatchObject({ name: world.emails.manager, csrf_token: csrf });

    const noToken = await app.inject({
      method: 'PUT',
      url: `/orders/${world.a.orderId}/note`,
      headers: { cookie },
      payload: { note: 'fragile' },
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.message).toMatch(/CSRF/);
    const withToken = await app.inject({
      method: 'PUT',
      url: `/orders/${world.a.orderId}/note`,
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { note: 'fragile' },
    });
    expect(withToken.statusCode).toBe(200);

    const logout = await app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie, 'x-csrf-token': csrf } });
    expect(logout.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/orders', headers: { cookie } })).statusCode).toBe(401);
  });

  it('answers a wrong password and an unknown e-mail alike, and locks a guessing loop out', async () => {
    const unknown = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'nobody@a.example', password: 'whatever-123' },
    });
    const wrong = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: world.emails.viewer, password: 'wrong-password-1' },
    });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);

    const statuses: number[] = [wrong.statusCode];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (
          await app.inject({
            method: 'POST',
            url: '/auth/login',
            payload: { email: world.emails.viewer, password: `guess-${i}-xxxxx` },
          })
        ).statusCode,
      );
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4)).toEqual([429, 429, 429]);
    // Locked: even the right password is refused, with the time to wait.
    const locked = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: world.emails.viewer, password: PASSWORD },
    });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    clock.advance(Number(locked.headers['retry-after']) * 1000 + 1);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/auth/login',
          payload: { email: world.emails.viewer, password: PASSWORD },
        })
      ).statusCode,
    ).toBe(200);

    const boss = await signIn(app, world.emails.boss);
    const audit = (await app.inject({ method: 'GET', url: '/audit?limit=1000', headers: boss.headers })).json()
      .items as Array<{ action: string; outcome: string; actor_name: string }>;
    expect(
      audit.filter((a) => a.action === 'login' && a.actor_name === world.emails.viewer && a.outcome === 'failed')
        .length,
    ).toBeGreaterThanOrEqual(5);
    expect(
      audit.some((a) => a.action === 'login' && a.actor_name === world.emails.viewer && a.outcome === 'denied'),
    ).toBe(true);
  });

  it('gives each role what it may do in its shop, and each account only its shops', async () => {
    const roleCall = async (role: 'manager' | 'packer' | 'viewer', method: 'GET' | 'POST', url: string) =>
      app.inject({
        method,
        url,
        headers: keyCaller(role, world.keys[role]).headers,
        ...(method === 'POST' ? { payload: {} } : {}),
      });
    expect((await roleCall('viewer', 'GET', `/orders/${world.a.orderId}`)).statusCode).toBe(200);
    expect((await roleCall('viewer', 'POST', `/orders/${world.a.orderId}/cases`)).statusCode).toBe(403);
    expect((await roleCall('packer', 'GET', '/stock')).statusCode).toBe(403);
    expect((await roleCall('packer', 'GET', `/orders/${world.a.orderId}/packing`)).statusCode).not.toBe(403);
    expect((await roleCall('viewer', 'GET', `/orders/${world.c.orderId}`)).statusCode).toBe(404);

    // The shops whose orders the caller sees (the world has more than one order in some shops).
    const shopsOf = async (headers: Record<string, string>) =>
      [
        ...new Set(
          (
            (await app.inject({ method: 'GET', url: '/orders', headers })).json().items as Array<{ shop_id: string }>
          ).map((o) => o.shop_id),
        ),
      ].sort();
    expect(await shopsOf(keyCaller('viewer', world.keys.viewer).headers)).toEqual(['shop-a']);
    expect(await shopsOf((await signIn(app, world.emails.boss)).headers)).toEqual(['shop-a', 'shop-c']);
    expect(await shopsOf((await signIn(app, 'owner@rival.example')).headers)).toEqual(['rival-b']);

    const manager = await signIn(app, world.emails.manager);
    const cancel = await app.inject({
      method: 'POST',
      url: `/orders/${world.a.orderId}/actions/cancel`,
      headers: manager.headers,
      payload: { reason: 'buyer asked' },
    });
    expect(cancel.statusCode).toBe(200);
    // Who did it, from where: in the audit log and on the order's own timeline.
    const detail = (
      await app.inject({ method: 'GET', url: `/orders/${world.a.orderId}`, headers: manager.headers })
    ).json();
    const auditLine = detail.timeline.find(
      (e: { kind: string; action: string }) => e.kind === 'audit' && e.action === 'POST /orders/:id/actions/:action',
    );
    expect(auditLine).toMatchObject({
      actor: world.emails.manager,
      reason: 'ok',
      data: { ip: '127.0.0.1', status: 200 },
    });
    expect(
      detail.timeline.some(
        (e: { kind: string; actor: string }) => e.kind !== 'audit' && e.actor === world.emails.manager,
      ),
    ).toBe(true);
  });

  it('shows an API key once, keeps only its hash, records its last use, and refuses it once revoked', async () => {
    const owner = await signIn(app, world.emails.owner);
    const created = await app.inject({
      method: 'POST',
      url: '/keys',
      headers: owner.headers,
      payload: { name: 'erp', role: 'viewer', shops: ['shop-a'] },
    });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json() as { id: number; key: string };
    expect(key).toMatch(/^sbk_/);
    const stored = await ctx.store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(stored.last_used_at).toBeNull();

    expect(
      (await app.inject({ method: 'GET', url: '/orders', headers: { authorization: `Bearer ${key}` } })).statusCode,
    ).toBe(200);
    const listed = (await app.inject({ method: 'GET', url: '/keys', headers: owner.headers }))
      .json()
      .items.find((k: { id: number }) => k.id === id);
    expect(listed.last_used_at).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(key);
    // Scoped: a viewer key cannot write, nor reach another shop.
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/orders/${world.a.orderId}/cases`,
          headers: { authorization: `Bearer ${key}` },
          payload: { kind: 'refund', reason: 'x' },
        })
      ).statusCode,
    ).toBe(403);
    // A packer cannot make keys; an owner cannot make one for a shop it does not own.
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/keys',
          headers: (await signIn(app, world.emails.packer)).headers,
          payload: { name: 'x', role: 'owner', shops: ['shop-a'] },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/keys',
          headers: owner.headers,
          payload: { name: 'x', role: 'owner', shops: ['shop-c'] },
        })
      ).statusCode,
    ).toBe(404);

    expect((await app.inject({ method: 'DELETE', url: `/keys/${id}`, headers: owner.headers })).statusCode).toBe(200);
    const refused = await app.inject({ method: 'GET', url: '/orders', headers: { authorization: `Bearer ${key}` } });
    expect(refused.statusCode).toBe(401);
  });

  it('opens a session once from a sign-in link', async () => {
    const token = await createSignInLink(ctx, world.emails.viewer);
    const first = await app.inject({ method: 'GET', url: `/auth/link?token=${token}` });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/');
    expect(first.cookies.find((c) => c.name === 'shipby_session')).toBeDefined();
    expect((await app.inject({ method: 'GET', url: `/auth/link?token=${token}` })).statusCode).toBe(401);
    // The installation already has users: no first owner is made.
    expect(await ensureFirstOwner(ctx)).toBeUndefined();
  });

  it("exports a buyer's data and erases it, keeping what the metrics need", async () => {
    const owner = await signIn(app, world.emails.owner);
    const exported = await app.inject({
      method: 'GET',
      url: `/shops/shop-a/buyers/export?buyer=${encodeURIComponent(world.a.buyer)}`,
      headers: owner.headers,
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.json().orders[0].buyer).toMatchObject({
      name: world.a.buyer,
      phone: '+33 6 12 34 56 78',
      country: 'FR',
    });
    // A manager may not read buyers' data wholesale, nor erase it.
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/shops/shop-a/buyers/erase',
          headers: (await signIn(app, world.emails.manager)).headers,
          payload: { buyer: world.a.buyer },
        })
      ).statusCode,
    ).toBe(403);

    const erased = await app.inject({
      method: 'POST',
      url: '/shops/shop-a/buyers/erase',
      headers: owner.headers,
      payload: { buyer: world.a.buyer },
    });
    expect(erased.json()).toEqual({ orders: 1 });
    const order = await ctx.store.db
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', world.a.orderId)
      .executeTakeFirstOrThrow();
    expect(order).toMatchObject({
      buyer_name: '[erased]',
      address_line1: '[erased]',
      phone: null,
      postcode: null,
      buyer_country: 'FR',
    });
    expect(
      (
        await app.inject({
          method: 'GET',
          url: `/shops/shop-a/buyers/export?buyer=${encodeURIComponent(world.a.buyer)}`,
          headers: owner.headers,
        })
      ).statusCode,
    ).toBe(404);
  });

  it('refuses unknown fields and oversized bodies before storing anything', async () => {
    const manager = await signIn(app, world.emails.manager);
    const before = await snapshot(ctx);
    const unknown = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: manager.headers,
      payload: { shop_id: 'shop-a', orders: [{ order_id: 'X1' }], is_admin: true },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.issues[0].path).toContain('is_admin');
    const huge = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: { ...manager.headers, 'content-type': 'application/json' },
      payload: `{"shop_id":"shop-a","orders":[${'{"order_id":"X"},'.repeat(400_000)}{}]}`,
    });
    expect(huge.statusCode).toBe(413);
    expect(await snapshot(ctx)).toBe(before);
  });

  it('fails to start with a route that declares no permission', async () => {
    const bare = Fastify();
    registerAccess(bare, ctx, { required: true });
    expect(() => bare.get('/undeclared', async () => 'x')).toThrow(/no declared permission/);
    await bare.close();
  });
});

describe.each(backends.slice(0, 1))('rate limits on $name', (backend) => {
  it('answers 429 with Retry-After past the limit of a key, and of sign-ins per IP', async () => {
    const { store, dispose } = await backend.open();
    try {
      const ctx = contextFor(store);
      const world = await buildAccessWorld(ctx);
      const app = await buildServer(ctx, { rateLimit: { perMinute: 5, loginPerMinute: 3 } });
      const headers = keyCaller('viewer', world.keys.viewer).headers;
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++)
        statuses.push((await app.inject({ method: 'GET', url: '/orders', headers })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const limited = await app.inject({ method: 'GET', url: '/orders', headers });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.json().error.code).toBe('rate_limited');
      // Another key has its own budget.
      expect(
        (await app.inject({ method: 'GET', url: '/orders', headers: keyCaller('owner', world.keys.owner).headers }))
          .statusCode,
      ).toBe(200);
      const logins: number[] = [];
      for (let i = 0; i < 4; i++)
        logins.push(
          (
            await app.inject({
              method: 'POST',
              url: '/auth/login',
              payload: { email: 'x@y.z', password: 'nope-nope-1' },
            })
          ).statusCode,
        );
      expect(logins).toEqual([401, 401, 401, 429]);
      await app.close();

      // Made-up keys, a new one each time, meet a limit per IP (the per-key limit would never see them twice).
      const guarded = await buildServer(ctx, { rateLimit: { perMinute: 1000, loginPerMinute: 1000 } });
      const guesses: number[] = [];
      for (let i = 0; i < 32; i++)
        guesses.push(
          (await guarded.inject({ method: 'GET', url: '/orders', headers: { authorization: `Bearer sbk_madeup${i}` } }))
            .statusCode,
        );
      expect(guesses.slice(0, 30).every((s) => s === 401)).toBe(true);
      expect(guesses.slice(30)).toEqual([429, 429]);
      // An ended session's cookie is told to go, and the caller is no one.
      const dead = await guarded.inject({ method: 'GET', url: '/orders', headers: { cookie: 'shipby_session=ended' } });
      expect(dead.statusCode).toBe(401);
      expect(String(dead.headers['set-cookie'])).toMatch(/shipby_session=;/);
      await guarded.close();
    } finally {
      await dispose();
    }
  }, 60_000);
});
