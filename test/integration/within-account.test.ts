/**
 * Issue 19, finding 5: inside one account, a shop owner manages only their shops' users, keys and audit lines; an
 * account owner the whole account; a key minted by an owner-role key ends when that key is revoked.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import {
  keyCaller,
  openAccessServer,
  signIn,
  type AccessServer,
  type AccessWorld,
  type Caller,
} from '../support/access-world';
import { backends } from '../support/backends';

describe.each(backends)('within one account on $name', (backend) => {
  let server: AccessServer;
  let ctx: AppContext;
  let app: FastifyInstance;
  let world: AccessWorld;
  let shopOwner: Caller;
  let boss: Caller;

  beforeAll(async () => {
    server = await openAccessServer(backend);
    ({ ctx, app, world, boss } = server);
    await signIn(app, 'packer@c.example'); // a sign-in line of shop C's packer in the account's log
    shopOwner = await signIn(app, world.emails.owner);
  }, 120_000);
  afterAll(async () => server?.close());

  const get = async (caller: Caller, url: string) => {
    const response = await app.inject({ method: 'GET', url, headers: caller.headers });
    expect(response.statusCode, `${url} ${response.body.slice(0, 200)}`).toBe(200);
    return response;
  };
  const leaksOfC = (body: string) => world.markersOfC.filter((m) => body.includes(m));

  it("a shop owner lists only their shop's users and keys; the account owner all of them", async () => {
    for (const caller of [shopOwner, keyCaller('owner', world.keys.owner)]) {
      const users = await get(caller, '/users');
      expect(leaksOfC(users.body), caller.name).toEqual([]);
      const emails = users
        .json()
        .items.map((u: { email: string }) => u.email)
        .sort();
      expect(emails, caller.name).toEqual(
        [world.emails.manager, world.emails.owner, world.emails.packer, world.emails.viewer].sort(),
      );
      expect(users.body, caller.name).not.toContain(world.emails.boss);
      const keys = await get(caller, '/keys');
      expect(leaksOfC(keys.body), caller.name).toEqual([]);
      expect(
        keys.json().items.every((k: { shops: string[] }) => k.shops.every((s) => s === 'shop-a')),
        caller.name,
      ).toBe(true);
    }
    const all = await get(boss, '/users');
    expect(all.body).toContain('packer@c.example');
    expect(all.body).toContain(world.emails.boss);
    expect((await get(boss, '/keys')).body).toContain('sibling-c-erp');
  });

  it("a shop owner cannot revoke a sibling shop's key; the account owner can", async () => {
    for (const caller of [shopOwner, keyCaller('owner', world.keys.owner)]) {
      expect(
        (await app.inject({ method: 'DELETE', url: `/keys/${world.keyIdC}`, headers: caller.headers })).statusCode,
        caller.name,
      ).toBe(404);
    }
    const live = await ctx.store.db
      .selectFrom('api_keys')
      .select('revoked_at')
      .where('id', '=', world.keyIdC)
      .executeTakeFirstOrThrow();
    expect(live.revoked_at).toBeNull();
  });

  it("a shop owner reads their shop's audit lines and their own sign-ins, not the sibling shop's or other users'", async () => {
    // A line of shop C: its packer's note on its order... made by the account owner here.
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: `/orders/${world.c.orderId}/note`,
          headers: boss.headers,
          payload: { note: 'c only' },
        })
      ).statusCode,
    ).toBe(200);
    for (const caller of [shopOwner, keyCaller('owner', world.keys.owner)]) {
      const audit = await get(caller, '/audit?limit=1000');
      const items = audit.json().items as Array<{ shop_id: string | null; actor_name: string; action: string }>;
      expect(
        items.filter((i) => i.shop_id !== null && i.shop_id !== 'shop-a'),
        caller.name,
      ).toEqual([]);
      expect(
        items.filter((i) => i.actor_name === world.emails.boss || i.actor_name === 'packer@c.example'),
        caller.name,
      ).toEqual([]);
      expect(leaksOfC(audit.body), caller.name).toEqual([]);
      expect(
        (await app.inject({ method: 'GET', url: '/audit?shop=shop-c', headers: caller.headers })).statusCode,
        caller.name,
      ).toBe(404);
    }
    const own = (await get(shopOwner, '/audit?limit=1000')).json().items as Array<{
      actor_name: string;
      action: string;
    }>;
    expect(own.some((i) => i.action === 'login' && i.actor_name === world.emails.owner)).toBe(true);
    const everything = (await get(boss, '/audit?limit=1000')).json().items as Array<{
      shop_id: string | null;
      actor_name: string;
    }>;
    expect(everything.some((i) => i.shop_id === 'shop-c')).toBe(true);
    expect(everything.some((i) => i.actor_name === 'packer@c.example')).toBe(true);
  });

  it('a key minted by an owner key ends when that key is revoked, and a revoked key mints nothing', async () => {
    const parent = await app.inject({
      method: 'POST',
      url: '/keys',
      headers: shopOwner.headers,
      payload: { name: 'parent-owner', role: 'owner', shops: ['shop-a'] },
    });
    const parentKey = { authorization: `Bearer ${parent.json().key as string}` };
    const child = await app.inject({
      method: 'POST',
      url: '/keys',
      headers: parentKey,
      payload: { name: 'child-owner', role: 'owner', shops: ['shop-a'] },
    });
    expect(child.statusCode, child.body).toBe(201);
    const childKey = { authorization: `Bearer ${child.json().key as string}` };
    const grandchild = await app.inject({
      method: 'POST',
      url: '/keys',
      headers: childKey,
      payload: { name: 'grandchild-viewer', role: 'viewer', shops: ['shop-a'] },
    });
    const grandchildKey = { authorization: `Bearer ${grandchild.json().key as string}` };
    expect((await app.inject({ method: 'GET', url: '/orders', headers: grandchildKey })).statusCode).toBe(200);

    const revoked = await app.inject({
      method: 'DELETE',
      url: `/keys/${parent.json().id as number}`,
      headers: shopOwner.headers,
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().keys).toEqual([parent.json().id, child.json().id, grandchild.json().id]);
    for (const key of [parentKey, childKey, grandchildKey])
      expect((await app.inject({ method: 'GET', url: '/orders', headers: key })).statusCode).toBe(401);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/keys',
          headers: childKey,
          payload: { name: 'late', role: 'owner', shops: ['shop-a'] },
        })
      ).statusCode,
    ).toBe(401);
  });
});
