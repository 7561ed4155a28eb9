/** SHIPBY_TRUST_PROXY and SHIPBY_RATE_LIMIT_STORE (http/rate-limit.ts): each accepted form, and a bad value named. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/config';
import { parseTrustProxy, rateLimitStoreFromEnv } from '../../src/http/rate-limit';

describe('SHIPBY_TRUST_PROXY', () => {
  it('reads off, all, a hop count, and lists of addresses and ranges', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy(' false ')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8,::1,loopback')).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
      'loopback',
    ]);
    const hops = parseTrustProxy('2') as (address: string, hop: number) => boolean;
    expect([0, 1, 2].map((hop) => hops('10.0.0.1', hop))).toEqual([true, true, false]);
  });
  it('refuses anything else, naming the variable', () => {
    expect(() => parseTrustProxy('yes please')).toThrow(/SHIPBY_TRUST_PROXY="yes please"/);
    expect(() => parseTrustProxy('127.0.0.1,proxy.example')).toThrow(/proxy\.example is none of these/);
  });
});

describe('SHIPBY_RATE_LIMIT_STORE', () => {
  it('defaults to the database on PostgreSQL, to the process on SQLite, and refuses unknown stores', () => {
    expect(rateLimitStoreFromEnv({}, 'postgres')).toBe('database');
    expect(rateLimitStoreFromEnv({}, 'sqlite')).toBe('memory');
    expect(rateLimitStoreFromEnv({ SHIPBY_RATE_LIMIT_STORE: 'database' }, 'sqlite')).toBe('database');
    expect(rateLimitStoreFromEnv({ SHIPBY_RATE_LIMIT_STORE: 'memory' })).toBe('memory');
    // Read through core/config.ts like every variable: the same message as the start's check.
    expect(() => rateLimitStoreFromEnv({ SHIPBY_RATE_LIMIT_STORE: 'disk' })).toThrow(
      /SHIPBY_RATE_LIMIT_STORE is "disk": expected one of: database, redis, memory/,
    );
    expect(() => rateLimitStoreFromEnv({ SHIPBY_RATE_LIMIT_STORE: 'Memory' })).toThrow(ConfigError);
  });

  it('redis needs SHIPBY_REDIS_URL, a redis:// or rediss:// address', () => {
    expect(
      rateLimitStoreFromEnv({ SHIPBY_RATE_LIMIT_STORE: 'redis', SHIPBY_REDIS_URL: 'redis://127.0.0.1:6379' }),
    ).toBe('redis');
    expect(() => rateLimitStoreFromEnv({ SHIPBY_RATE_LIMIT_STORE: 'redis' })).toThrow(/SHIPBY_REDIS_URL is not set/);
    for (const bad of ['http://127.0.0.1:6379', '127.0.0.1:6379', 'redis://', 'redis://host:6379/db0']) {
      expect(() => rateLimitStoreFromEnv({ SHIPBY_RATE_LIMIT_STORE: 'redis', SHIPBY_REDIS_URL: bad })).toThrow(
        /SHIPBY_REDIS_URL is ".*": expected redis:\/\/HOST:PORT/,
      );
    }
  });
});
