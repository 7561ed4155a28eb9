/**
 * The request limits' settings: where counters live (SHIPBY_RATE_LIMIT_STORE: `database` — every process on the
 * store sees them, the default on PostgreSQL; `redis` — SHIPBY_REDIS_URL; `memory` — this process only, the default
 * on SQLite, where one machine usually runs one server and a write per request would queue behind every import for
 * the file's one write lock — set `database` there to share them between several servers), whom a request counts
 * against (a verified caller — a valid session or API key — else the client address; an unknown cookie or key is
 * no one), and which proxies are trusted to say the client address (SHIPBY_TRUST_PROXY).
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { AppContext } from '../app/context';
import { databaseCounter, type RateCounter } from '../app/rate-limits';
import { callerKey } from './access';

/** Fastify's `trustProxy`: off, all, a list of addresses and ranges, or the first `n` hops (a function). */
export type TrustProxy = boolean | string[] | ((address: string, hop: number) => boolean);

const RATE_LIMIT_STORES = ['database', 'redis', 'memory'] as const;
export type RateLimitStore = (typeof RATE_LIMIT_STORES)[number];

/** SHIPBY_RATE_LIMIT_STORE: `database`, `redis` or `memory` (default: `database` on PostgreSQL, `memory` on SQLite); anything else stops the start. */
export function rateLimitStoreFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  dialect: 'sqlite' | 'postgres' = 'postgres',
): RateLimitStore {
  const value =
    (env.SHIPBY_RATE_LIMIT_STORE ?? '').trim().toLowerCase() || (dialect === 'postgres' ? 'database' : 'memory');
  if (!(RATE_LIMIT_STORES as readonly string[]).includes(value)) {
    throw new Error(
      `SHIPBY_RATE_LIMIT_STORE="${env.SHIPBY_RATE_LIMIT_STORE}": use one of ${RATE_LIMIT_STORES.join(', ')}`,
    );
  }
  if (value === 'redis' && !env.SHIPBY_REDIS_URL)
    throw new Error('SHIPBY_RATE_LIMIT_STORE=redis needs SHIPBY_REDIS_URL (redis://host:port)');
  return value as RateLimitStore;
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
export function sharedStore(counter: RateCounter): FastifyRateLimitStoreCtor {
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

/** The counter for `store`, or undefined for `memory` (the plugin's own per-process store). */
export function rateCounterFor(ctx: AppContext, store: RateLimitStore): RateCounter | undefined {
  if (store === 'memory') return undefined;
  if (store === 'database') return databaseCounter(ctx);
  throw new Error('redis: not built yet');
}
