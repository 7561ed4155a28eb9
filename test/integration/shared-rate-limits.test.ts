/**
 * Request limits shared by every process on the store (SHIPBY_RATE_LIMIT_STORE=database, PostgreSQL's default), on SQLite
 * and PostgreSQL: two servers, each with its own connection to the store (as two processes have), share one budget
 * per caller; a verified API key counts apart from its address; a fresh random session cookie per request is no one,
 * so it counts against the address and meets the limit; behind a trusted proxy each client address has its own
 * budget, and an untrusted X-Forwarded-For is ignored. /health is never limited.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/app/context';
import { buildServer } from '../../src/http/server';
import { openStore, type Store } from '../../src/store/database';
import { buildAccessWorld, keyCaller, type AccessWorld } from '../support/access-world';
import { backends } from '../support/backends';

const LIMIT = 30;

describe.each(backends)('shared rate limits on $name', (backend) => {
  let store: Store;
  let second: Store;
  let dispose: () => Promise<void>;
  let world: AccessWorld;
  let apps: FastifyInstance[];

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    // The second "process": its own pool or file handle on the same store.
    second = openStore(store.url, { poolSize: 2 });
    world = await buildAccessWorld(createContext(store));
    apps = [
      await buildServer(createContext(store), {
        rateLimit: { perMinute: LIMIT, loginPerMinute: 1000, store: 'database' },
        trustProxy: ['127.0.0.1'],
      }),
      await buildServer(createContext(second), {
        rateLimit: { perMinute: LIMIT, loginPerMinute: 1000, store: 'database' },
        trustProxy: ['127.0.0.1'],
      }),
    ];
  }, 120_000);
  afterAll(async () => {
    for (const app of apps ?? []) await app.close();
    await second?.close();
    await dispose?.();
  });

  /** 2 × LIMIT requests alternating between the two servers. */
  async function alternate(request: (i: number) => InjectOptions): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < 2 * LIMIT; i++) statuses.push((await apps[i % 2]!.inject(request(i))).statusCode);
    return statuses;
  }

  it('shares one budget per API key between two servers', { timeout: 120_000 }, async () => {
    const headers = keyCaller('viewer', world.keys.viewer).headers;
    const statuses = await alternate(() => ({ method: 'GET', url: '/orders', headers, remoteAddress: '203.0.113.7' }));
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.slice(LIMIT)).toEqual(Array(LIMIT).fill(429));
    // The key's own budget is spent, not its address's: another caller from the same address still gets in.
    expect(
      (
        await apps[0]!.inject({
          method: 'GET',
          url: '/orders',
          headers: keyCaller('owner', world.keys.owner).headers,
          remoteAddress: '203.0.113.7',
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await apps[1]!.inject({ method: 'GET', url: '/health', headers, remoteAddress: '203.0.113.7' })).statusCode,
    ).toBe(200);
  });

  it('counts a random session cookie per request against the address', { timeout: 120_000 }, async () => {
    const statuses = await alternate(() => ({
      method: 'GET',
      url: '/orders',
      headers: { cookie: `shipby_session=${randomBytes(24).toString('base64url')}` },
      remoteAddress: '198.51.100.9',
    }));
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(401));
    expect(statuses.slice(LIMIT)).toEqual(Array(LIMIT).fill(429));
  });

  it('gives each client behind a trusted proxy its own budget, and ignores the header from anyone else', {
    timeout: 120_000,
  }, async () => {
    // Through the proxy (127.0.0.1): the address it gives is the client's.
    const viaProxy = await alternate((i) => ({
      method: 'GET',
      url: '/orders',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': `192.0.2.${i}` },
    }));
    expect(viaProxy.every((s) => s === 401)).toBe(true);
    // Not through it: the header is the caller's own claim and does not change the bucket.
    const direct = await alternate((i) => ({
      method: 'GET',
      url: '/orders',
      remoteAddress: '198.51.100.77',
      headers: { 'x-forwarded-for': `192.0.2.${i}` },
    }));
    expect(direct.slice(LIMIT)).toEqual(Array(LIMIT).fill(429));
  });
});
