/**
 * Request limits in Redis (SHIPBY_RATE_LIMIT_STORE=redis, SHIPBY_REDIS_URL), on SQLite: two servers, each with its own
 * handle on the store and its own Redis connection (as two API processes have), share one budget per caller with no
 * write to the store per request; a verified API key counts apart from its address; /health is never limited; Redis
 * holds neither the address nor the caller's id. A Redis that does not answer stops the start, naming the variable.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/app/context';
import { ConfigError } from '../../src/core/config';
import { buildServer } from '../../src/http/server';
import { openStore, type Store } from '../../src/store/database';
import { buildAccessWorld, keyCaller, type AccessWorld } from '../support/access-world';
import { backends } from '../support/backends';

const LIMIT = 30;
const REDIS_URL = process.env.SHIPBY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const sqlite = backends.find((backend) => backend.name === 'sqlite')!;

describe('rate limits in Redis, shared by two servers on one SQLite store', () => {
  let store: Store;
  let second: Store;
  let dispose: () => Promise<void>;
  let world: AccessWorld;
  let apps: FastifyInstance[];
  let redis: Redis;
  let prefix: string;

  beforeAll(async () => {
    ({ store, dispose } = await sqlite.open());
    second = openStore(store.url);
    world = await buildAccessWorld(createContext(store));
    const options = {
      rateLimit: { perMinute: LIMIT, loginPerMinute: 1000, store: 'redis' as const, redisUrl: REDIS_URL },
    };
    apps = [await buildServer(createContext(store), options), await buildServer(createContext(second), options)];
    redis = new Redis(REDIS_URL);
    // This installation's counters (the store's own namespace: a parallel run on another store never meets them).
    prefix = `shipby:rate-limit:${createHash('sha256').update(store.url).digest('base64url').slice(0, 16)}:`;
  }, 120_000);
  afterAll(async () => {
    for (const app of apps ?? []) await app.close();
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
    await second?.close();
    await dispose?.();
  });

  /** 2 × LIMIT requests alternating between the two servers. */
  async function alternate(request: (i: number) => InjectOptions): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < 2 * LIMIT; i++) statuses.push((await apps[i % 2]!.inject(request(i))).statusCode);
    return statuses;
  }

  it('shares one budget per API key between the two servers', { timeout: 120_000 }, async () => {
    const headers = keyCaller('viewer', world.keys.viewer).headers;
    const statuses = await alternate(() => ({ method: 'GET', url: '/orders', headers, remoteAddress: '203.0.113.7' }));
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(200));
    expect(statuses.slice(LIMIT)).toEqual(Array(LIMIT).fill(429));
    // The key's budget is spent, not its address's: another caller from the same address still gets in, on either.
    const owner = keyCaller('owner', world.keys.owner).headers;
    for (const app of apps) {
      expect(
        (await app.inject({ method: 'GET', url: '/orders', headers: owner, remoteAddress: '203.0.113.7' })).statusCode,
      ).toBe(200);
    }
    expect(
      (await apps[1]!.inject({ method: 'GET', url: '/health', headers, remoteAddress: '203.0.113.7' })).statusCode,
    ).toBe(200);
  });

  it('counts an unknown caller against its address, across both servers', { timeout: 120_000 }, async () => {
    const statuses = await alternate(() => ({ method: 'GET', url: '/orders', remoteAddress: '198.51.100.9' }));
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(401));
    expect(statuses.slice(LIMIT)).toEqual(Array(LIMIT).fill(429));
  });

  it('keeps the counters in Redis under hashed keys: no address, no caller id', async () => {
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).not.toMatch(/203\.0\.113\.7|198\.51\.100\.9|key:|user:|ip:/);
      expect(await redis.pttl(key)).toBeGreaterThan(0);
    }
  });

  it('stops the start when Redis does not answer, naming SHIPBY_REDIS_URL', { timeout: 60_000 }, async () => {
    const start = buildServer(createContext(store), {
      rateLimit: { perMinute: LIMIT, store: 'redis', redisUrl: 'redis://127.0.0.1:1' },
    });
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(/SHIPBY_REDIS_URL is "redis:\/\/127\.0\.0\.1:1": Redis did not answer there/);
  });
});
