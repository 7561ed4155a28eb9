/**
 * Issue 19, findings 4 and 7: a password change or reset ends the user's other sessions and (as configured) the
 * keys made under them; wrong current passwords count toward the lockout; the lockout answers alike for known and
 * unknown e-mails; a stranger's wrong tries do not keep the owner out of a browser that signed in before, nor out of
 * a one-time link.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignInLink, resetPassword } from '../../src/app/accounts';
import type { AppContext } from '../../src/app/context';
import { buildServer } from '../../src/http/server';
import {
  openAccessServer,
  PASSWORD,
  signIn,
  type AccessServer,
  type AccessWorld,
  type Caller,
} from '../support/access-world';
import { backends, manualClock } from '../support/backends';

const NEW_PASSWORD = 'a brand new passphrase';

describe.each(backends)('sign-in guards on $name', (backend) => {
  let server: AccessServer;
  let ctx: AppContext;
  let app: FastifyInstance;
  let world: AccessWorld;
  const clock = manualClock();

  beforeAll(async () => {
    server = await openAccessServer(backend, { clock });
    ({ ctx, app, world } = server);
  }, 120_000);
  afterAll(async () => server?.close());

  const login = (email: string, password: string, device?: string) =>
    app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email, password },
      ...(device ? { headers: { cookie: `shipby_device=${device}` } } : {}),
    });
  const ordersStatus = async (caller: Caller | Record<string, string>) =>
    (
      await app.inject({
        method: 'GET',
        url: '/orders',
        headers: 'headers' in caller ? (caller.headers as Record<string, string>) : caller,
      })
    ).statusCode;
  const makeKey = async (caller: Caller, name: string) => {
    const created = await app.inject({
      method: 'POST',
      url: '/keys',
      headers: caller.headers,
      payload: { name, role: 'viewer', shops: ['shop-a'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    return { authorization: `Bearer ${created.json().key as string}` };
  };

  it('a password change ends every other session and the keys made under them, and keeps the one that changed it', async () => {
    const email = world.emails.owner;
    const laptop = await signIn(app, email);
    const phone = await signIn(app, email);
    const key = await makeKey(phone, 'made-on-the-phone');
    const grandchild = await makeKey({ name: 'key', headers: key } as Caller, 'made-by-that-key').catch(
      () => undefined,
    );
    expect(grandchild).toBeUndefined(); // a viewer key may not make keys (it needs the owner role)
    expect(await ordersStatus(key)).toBe(200);

    const changed = await app.inject({
      method: 'PUT',
      url: '/auth/password',
      headers: laptop.headers,
      payload: { current_password: PASSWORD, new_password: NEW_PASSWORD },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ changed: true, other_sessions_ended: 1 });
    expect(changed.json().keys_revoked).toHaveLength(1);
    expect(await ordersStatus(laptop)).toBe(200);
    expect(await ordersStatus(phone)).toBe(401);
    expect(await ordersStatus(key)).toBe(401);
    expect((await login(email, PASSWORD)).statusCode).toBe(401);
    expect((await login(email, NEW_PASSWORD)).statusCode).toBe(200);
    await resetPassword(ctx, email, PASSWORD);
  });

  it('keeps the keys when so configured, and a reset ends every session and the keys', async () => {
    const keeping = await buildServer(ctx, {
      rateLimit: { perMinute: 1_000_000, loginPerMinute: 1_000_000 },
      passwordChangeKeys: 'keep',
    });
    try {
      const email = world.emails.owner;
      const first = await signIn(keeping, email);
      const second = await signIn(keeping, email);
      const created = await keeping.inject({
        method: 'POST',
        url: '/keys',
        headers: second.headers,
        payload: { name: 'erp-kept', role: 'viewer', shops: ['shop-a'] },
      });
      const key = { authorization: `Bearer ${created.json().key as string}` };
      const changed = await keeping.inject({
        method: 'PUT',
        url: '/auth/password',
        headers: first.headers,
        payload: { current_password: PASSWORD, new_password: NEW_PASSWORD },
      });
      expect(changed.json()).toMatchObject({ other_sessions_ended: 1, keys_revoked: [] });
      expect((await keeping.inject({ method: 'GET', url: '/orders', headers: second.headers })).statusCode).toBe(401);
      expect((await keeping.inject({ method: 'GET', url: '/orders', headers: key })).statusCode).toBe(200);

      // A reset (by the owner, from the command line) ends every session, the one that changed the password too.
      await resetPassword(ctx, email, PASSWORD, 'revoke');
      expect((await keeping.inject({ method: 'GET', url: '/orders', headers: first.headers })).statusCode).toBe(401);
      expect((await keeping.inject({ method: 'GET', url: '/orders', headers: key })).statusCode).toBe(401);
    } finally {
      await keeping.close();
    }
  });

  it('counts wrong current passwords toward the lockout', async () => {
    const email = world.emails.manager;
    const session = await signIn(app, email);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (
          await app.inject({
            method: 'PUT',
            url: '/auth/password',
            headers: session.headers,
            payload: { current_password: `guess-${i}-xxxxxx`, new_password: NEW_PASSWORD },
          })
        ).statusCode,
      );
    }
    expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
    // Locked: the right current password does not help, and a new browser cannot sign in either.
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/auth/password',
          headers: session.headers,
          payload: { current_password: PASSWORD, new_password: NEW_PASSWORD },
        })
      ).statusCode,
    ).toBe(429);
    expect((await login(email, PASSWORD)).statusCode).toBe(429);
    await resetPassword(ctx, email, PASSWORD);
  });

  it('answers an unknown e-mail exactly as a known one, through the lockout', async () => {
    const answers = async (email: string) => {
      const seen: string[] = [];
      for (let i = 0; i < 7; i++) {
        const r = await login(email, `wrong-guess-${i}`);
        seen.push(`${r.statusCode} ${r.headers['retry-after'] ?? '-'} ${r.body}`);
      }
      return seen;
    };
    const known = await answers(world.emails.viewer);
    const unknown = await answers('nobody-here@a.example');
    expect(unknown).toEqual(known);
    expect(known.map((a) => a.split(' ')[0])).toEqual(['401', '401', '401', '401', '429', '429', '429']);
    await resetPassword(ctx, world.emails.viewer, PASSWORD);
  });

  it("a stranger's wrong tries keep the owner out of nothing: a browser that signed in before, and a one-time link, still sign in", async () => {
    const email = world.emails.packer;
    const proven = await login(email, PASSWORD);
    const device = proven.cookies.find((c) => c.name === 'shipby_device')!;
    expect(device.httpOnly).toBe(true);
    expect(device.sameSite).toBe('Strict');
    // The stranger: one wrong try whenever the lock lapses, for a week.
    for (let i = 0; i < 5; i++) await login(email, `stranger-${i}`);
    for (let day = 0; day < 7; day++) {
      const lapse = Number((await login(email, 'stranger-again')).headers['retry-after'] ?? 0);
      clock.advance(Math.min(lapse, 12 * 3600) * 1000 + 1);
    }
    expect((await login(email, 'stranger-once-more')).statusCode).toBe(429);
    expect((await login(email, PASSWORD)).statusCode).toBe(429);
    expect((await login(email, PASSWORD, 'a-made-up-device-token-000000000')).statusCode).toBe(429);
    // The owner's browser signs in, and its session works.
    const back = await login(email, PASSWORD, device.value);
    expect(back.statusCode, back.body).toBe(200);
    // A link signs in too, and proves the browser that used it.
    const link = await app.inject({ method: 'GET', url: `/auth/link?token=${await createSignInLink(ctx, email)}` });
    expect(link.statusCode).toBe(303);
    const linkDevice = link.cookies.find((c) => c.name === 'shipby_device')!.value;
    expect((await login(email, PASSWORD, linkDevice)).statusCode).toBe(200);
    // A device is not a way around the lockout for a guesser: its own wrong tries forget it at the fifth.
    const tries: number[] = [];
    for (let i = 0; i < 5; i++) tries.push((await login(email, `device-guess-${i}`, device.value)).statusCode);
    expect(tries).toEqual([401, 401, 401, 401, 401]);
    expect((await login(email, PASSWORD, device.value)).statusCode).toBe(429);
    await resetPassword(ctx, email, PASSWORD);
  });
});
