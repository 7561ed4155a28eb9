/**
 * The request limits' settings: where counters live (SHIPBY_RATE_LIMIT_STORE, read through core/config.ts:
 * `database` — every process on the store sees them, the default on PostgreSQL; `redis` — every process using the
 * Redis at SHIPBY_REDIS_URL sees them, without a write to the store per request; `memory` — this process only, the
 * default on SQLite, where one machine usually runs one server and a write per request would queue behind every
 * import for the file's one write lock — set `database` or `redis` there to share them between several servers),
 * whom a request counts against (a verified caller — a valid session or API key — else the client address; an
 * unknown cookie or key is no one), and which proxies are trusted to say the client address (SHIPBY_TRUST_PROXY).
 *
 * The Redis store is @fastify/rate-limit's own (an atomic INCR and PEXPIRE per hit, in Lua) over an ioredis client,
 * loaded only when chosen. A start whose Redis does not answer stops with a ConfigError naming SHIPBY_REDIS_URL;
 * once started, a Redis that goes away skips the limit (`skipOnError`) and is logged, and the client reconnects.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor, RateLimitPluginOptions } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { AppContext } from '../app/context';
import { databaseCounter, type RateCounter } from '../app/rate-limits';
import { ConfigError, neededSetting, setting } from '../core/config';
import { localized } from '../core/i18n';
import { callerKey } from './access';

/** Fastify's `trustProxy`: off, all, a list of addresses and ranges, or the first `n` hops (a function). */
export type TrustProxy = boolean | string[] | ((address: string, hop: number) => boolean);

export type RateLimitStore = 'database' | 'redis' | 'memory';

/**
 * SHIPBY_RATE_LIMIT_STORE: `database`, `redis` or `memory` (default: `database` on PostgreSQL, `memory` on SQLite);
 * `redis` needs SHIPBY_REDIS_URL. A bad or missing value throws ConfigError naming the variable.
 */
export function rateLimitStoreFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  dialect: 'sqlite' | 'postgres' = 'postgres',
): RateLimitStore {
  const store = setting(env, 'SHIPBY_RATE_LIMIT_STORE') ?? (dialect === 'postgres' ? 'database' : 'memory');
  if (store === 'redis') neededSetting(env, 'SHIPBY_REDIS_URL');
  return store;
}

/**
 * SHIPBY_TRUST_PROXY, Fastify's `trustProxy`: unset or `false` — the socket's address is the client's; `true` —
 * every proxy is trusted (only when nothing but the proxy can reach shipby); a number — that many proxies in front;
 * else a comma-separated list of proxy addresses or CIDR ranges (`127.0.0.1,10.0.0.0/8`) whose X-Forwarded-For is
 * believed.
 */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  const value = (text ?? '').trim();
  if (value === '' || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address: string, hop: number) => hop < hops;
  }
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const address = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)(\/\d{1,3})?$/i;
  const bad = entries.find((e) => !address.test(e) && !['loopback', 'linklocal', 'uniquelocal'].includes(e));
  if (bad !== undefined || entries.length === 0) {
    throw new Error(
      `SHIPBY_TRUST_PROXY="${text}": use true, false, a number of proxies, or addresses and CIDR ranges separated by commas (${bad ?? ''} is none of these)`,
    );
  }
  return entries;
}

/** Whom a request counts against: the verified caller (set by the access hook), else the client address. */
export function rateLimitKey(request: FastifyRequest): string {
  return callerKey(request);
}

type StoreParams = { routeInfo?: { url?: string; method?: string | string[] } };

/** A store for @fastify/rate-limit over a shared counter; a route's own limit counts apart (its method and path). */
function sharedStore(counter: RateCounter): FastifyRateLimitStoreCtor {
  return class SharedRateLimitStore implements FastifyRateLimitStore {
    private readonly prefix: string;
    constructor(params: StoreParams = {}) {
      const route = params.routeInfo;
      this.prefix = route?.url ? `${[route.method].flat().join(',')} ${route.url}|` : '';
    }
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      counter.hit(this.prefix + key, timeWindow).then(
        (r) => callback(null, { current: r.hits, ttl: r.ttlMs }),
        (error: Error) => callback(error),
      );
    }
    child(params: object) {
      return new SharedRateLimitStore(params as StoreParams);
    }
  };
}

/** The key a caller's counter has in Redis: hashed, as in the store, so Redis holds no address nor user id. */
function hashedKey(request: FastifyRequest): string {
  return createHash('sha256').update(rateLimitKey(request)).digest('base64url').slice(0, 27);
}

/** Redis answers, or this throws the ConfigError naming SHIPBY_REDIS_URL; `onError` hears of later outages. */
async function connectRedis(url: string, onError: (error: Error) => void): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    // While Redis is away a hit fails at once (and the limit is skipped) instead of waiting in a queue.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
  let lastError: Error | undefined;
  const collect = (error: Error) => {
    lastError = error;
  };
  redis.on('error', collect);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const reason = (lastError ?? (error as Error)).message;
    const shown = url.replace(/\/\/([^:@/]*):([^@/]+)@/, '//$1:***@');
    throw new ConfigError([
      {
        name: 'SHIPBY_REDIS_URL',
        value: shown,
        message: localized(
          `SHIPBY_REDIS_URL is "${shown}": Redis did not answer there (${reason}).`,
          `SHIPBY_REDIS_URL 的值为 "${shown}"：该地址的 Redis 没有响应（${reason}）。`,
        ),
      },
    ]);
  }
  redis.off('error', collect);
  redis.on('error', onError);
  return redis;
}

/**
 * The rate-limit plugin's options for `store`: none for `memory` (the plugin's own), a shared store over the
 * database, or Redis (`redisUrl`, default SHIPBY_REDIS_URL), connected now and closed with the server.
 */
export async function rateLimitStoreOptions(
  app: FastifyInstance,
  ctx: AppContext,
  store: RateLimitStore,
  redisUrl?: string,
): Promise<Partial<RateLimitPluginOptions>> {
  if (store === 'memory') return {};
  if (store === 'database') return { store: sharedStore(databaseCounter(ctx)) };
  const redis = await connectRedis(redisUrl ?? neededSetting(process.env, 'SHIPBY_REDIS_URL'), (error) =>
    app.log.warn({ err: error }, 'rate limits: Redis is not answering; requests are not limited meanwhile'),
  );
  app.addHook('onClose', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  // Counters per installation (its store): processes on one store share them, another store sharing the Redis does not.
  const installation = createHash('sha256').update(ctx.store.url).digest('base64url').slice(0, 16);
  return { redis, nameSpace: `shipby:rate-limit:${installation}:`, keyGenerator: hashedKey };
}
