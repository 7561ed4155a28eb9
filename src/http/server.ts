/**
 * The HTTP API (Fastify): OpenAPI 3 at /docs, JSON errors in English and Chinese, and the dashboard (web/,
 * built by `npm run build:web` into web/dist) at `/`: one process, no separate web server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context';
import { PlanPool, type PlanPoolOptions } from '../app/plan-pool';
import { localized } from '../core/i18n';
import { registerAccess } from './access';
import {
  parseTrustProxy,
  rateLimitKey,
  rateLimitStoreFromEnv,
  rateLimitStoreOptions,
  type RateLimitStore,
  type TrustProxy,
} from './rate-limit';
import { handleError } from './errors';
import { registerInputGuards } from './input-guards';
import { registerMetrics } from './metrics';
import { AccessLogController, loggerOptions, registerRequestIdHeader, REQUEST_ID_HEADER } from './access-log';
import { registerIdempotency } from './idempotency';
import { registerResponseSchemas } from './schemas';
import { sharedSchemaCompilers } from './schema-compilers';
import { TooManyAttemptsError, ValidationError } from '../app/errors';
import { authRoutes } from './routes/auth';
import { deadlineRoutes } from './routes/deadlines';
import { liveRoutes } from './routes/live';
import { marketplaceAuthRoutes, type MarketplaceAuthOptions } from './routes/marketplace-auth';
import { planRoutes } from './routes/plan';
import { orderRoutes } from './routes/orders';
import { systemRoutes } from './routes/system';
import { orderFileRoutes } from './routes/order-files';
import { orderEditRoutes } from './routes/order-edits';
import { labelRoutes } from './routes/labels';
import { packRoutes } from './routes/pack';
import { catalogueRoutes } from './routes/catalogue';
import { catalogueFileRoutes } from './routes/catalogue-files';
import { setupRoutes } from './routes/setup';
import { stockRoutes } from './routes/stock';
import { trackingRoutes } from './routes/tracking';
import { afterSalesRoutes } from './routes/after-sales';
import { orderPageRoutes } from './routes/order-page';
import { setting } from '../core/config';

export interface ServerOptions {
  logger?: boolean;
  /** Where the log goes (default standard output): the benchmark writes it to a file. */
  logStream?: NodeJS.WritableStream;
  /** The built dashboard (default web/dist); without its index.html, `/` says how to build it. */
  dashboardDir?: string;
  /**
   * Sign-in and roles (default on). Off only in code: tests of other capabilities, and the limit that
   * `bench:api` measures authentication against. No command or variable turns it off.
   */
  authentication?: boolean;
  /**
   * Requests per minute per verified caller (API key or session) else client address (SHIPBY_RATE_LIMIT, default
   * 1200), sign-ins per minute per address, and where the counters live (SHIPBY_RATE_LIMIT_STORE, and for `redis`
   * SHIPBY_REDIS_URL; http/rate-limit.ts).
   */
  rateLimit?: { perMinute?: number; loginPerMinute?: number; store?: RateLimitStore; redisUrl?: string };
  /** Proxies trusted to give the client address (SHIPBY_TRUST_PROXY; http/rate-limit.ts parseTrustProxy). */
  trustProxy?: TrustProxy;
  /** How long a caller may take to send a request, and idle connections live (defaults: `serverTimeouts()`). */
  timeouts?: Partial<ServerTimeouts>;
  /** The token GET /metrics asks for (default SHIPBY_METRICS_TOKEN; none: /metrics answers 401). */
  metricsToken?: string;
  /** The planner threads' size and caps (default from SHIPBY_PLAN_* variables; app/plan-pool.ts). */
  planner?: PlanPoolOptions;
  /** What a password change does to the keys its user made: 'revoke' or 'keep' (default SHIPBY_PASSWORD_CHANGE_KEYS, else revoke). */
  passwordChangeKeys?: 'revoke' | 'keep';
  /** Seller authorisation at AliExpress: where its settings come from (default process.env). */
  marketplaceAuth?: MarketplaceAuthOptions;
}

export interface ServerTimeouts {
  /** The whole request (headers and body) must arrive within this, ms (SHIPBY_REQUEST_TIMEOUT_MS, 60 s): a body trickled slowly is cut off (408). */
  requestMs: number;
  /** The headers must arrive within this, ms (SHIPBY_HEADERS_TIMEOUT_MS, 20 s; at most requestMs). */
  headersMs: number;
  /** A socket with no traffic either way is closed after this, ms (SHIPBY_IDLE_TIMEOUT_MS, 120 s; the live stream's heartbeat keeps it open). */
  idleMs: number;
  /** A kept-alive connection waits this long for its next request, ms (SHIPBY_KEEP_ALIVE_TIMEOUT_MS, 10 s). */
  keepAliveMs: number;
  /** How often Node checks the request and headers deadlines, ms (5 s; tests use less). */
  checkEveryMs: number;
}

/** The timeouts from the environment (core/config.ts: defaults there; a bad value was refused at start), else the overrides. */
export function serverTimeouts(overrides: Partial<ServerTimeouts> = {}): ServerTimeouts {
  const env = process.env;
  const t = {
    requestMs: setting(env, 'SHIPBY_REQUEST_TIMEOUT_MS'),
    headersMs: setting(env, 'SHIPBY_HEADERS_TIMEOUT_MS'),
    idleMs: setting(env, 'SHIPBY_IDLE_TIMEOUT_MS'),
    keepAliveMs: setting(env, 'SHIPBY_KEEP_ALIVE_TIMEOUT_MS'),
    checkEveryMs: 5_000,
    ...overrides,
  };
  return { ...t, headersMs: Math.min(t.headersMs, t.requestMs), checkEveryMs: Math.min(t.checkEveryMs, t.headersMs) };
}

export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * The dashboard's content policy: its own scripts, styles, API and live stream only; images also inline (the icon)
 * and blobs (label PDFs); never framed. /docs (Swagger UI) sends its own, with the hashes of its inline code.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "frame-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every answer, the dashboard's files and the API's alike (security issue, finding 12). */
const SECURITY_HEADERS: Record<string, string> = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/** Hashed asset names change with their content: cache them for a year; index.html never (it names the current ones). */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export async function buildServer(ctx: AppContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = newServer(options);
  usePlannerThreads(app, ctx, options);
  await registerPlugins(app, ctx, options);
  registerGuards(app, ctx, options);
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  registerMetrics(app, ctx, { token: options.metricsToken ?? process.env.SHIPBY_METRICS_TOKEN });

  registerRoutes(app, ctx, options);
  await serveDashboard(app, ctx, options);
  return app;
}

/** Fastify with the server's timeouts, log, error answers and security headers. */
function newServer(options: ServerOptions): FastifyInstance {
  const timeouts = serverTimeouts(options.timeouts);
  const app = Fastify({
    // Behind a reverse proxy, the client's address is the one the trusted proxy gives (X-Forwarded-For).
    trustProxy: options.trustProxy ?? parseTrustProxy(process.env.SHIPBY_TRUST_PROXY),
    // No caller holds a connection by sending slowly or not at all (security issue, finding 6).
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: timeouts.checkEveryMs },
    // One access line per request (http/access-log.ts) instead of Fastify's two; personal data redacted by path.
    logger: options.logger ? loggerOptions(options.logStream) : false,
    logController: new AccessLogController(),
    requestIdHeader: REQUEST_ID_HEADER,
    // Bodies over the limit are refused (413) from their Content-Length, before a byte is parsed.
    bodyLimit: 5 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true, allowUnionTypes: true } },
    // Validators and serializers compiled once per process, not once per server (http/schema-compilers.ts).
    schemaController: { compilersFactory: sharedSchemaCompilers },
  });
  app.setErrorHandler(handleError);
  registerRequestIdHeader(app);
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    return payload;
  });
  return app;
}

/** The planner threads the plans are searched in (unless the context has them already). */
function usePlannerThreads(app: FastifyInstance, ctx: AppContext, options: ServerOptions): void {
  // Plans are searched in planner threads, never on the event loop; the jobs sharing this context use them too.
  if (!ctx.planner) {
    const pool = new PlanPool(options.planner);
    ctx.planner = pool.run;
    // A server that listens loads its planner threads at once, so the first plan does not wait for them.
    app.addHook('onListen', async () => pool.warm());
    app.addHook('onClose', async () => {
      if (ctx.planner === pool.run) delete ctx.planner;
      await pool.close();
    });
  }
}

/** OpenAPI, the named response schemas, cookies, and the rate limit. */
async function registerPlugins(app: FastifyInstance, ctx: AppContext, options: ServerOptions): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'shipby API',
        version: '0.1.0',
        description: 'Ship every order before its deadline. Errors carry English and Chinese (zh-CN) messages.',
      },
      tags: [{ name: 'orders' }, { name: 'deadlines' }, { name: 'stock' }, { name: 'tracking' }, { name: 'system' }],
    },
    // The named response schemas (http/schemas) keep their names in components.schemas: the dashboard's types do.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string | undefined) ?? `def-${i}`,
    },
  });
  registerResponseSchemas(app);
  await app.register(fastifyCookie);
  const perMinute = options.rateLimit?.perMinute ?? setting(process.env, 'SHIPBY_RATE_LIMIT');
  // Counters every process sees (the store, or Redis); `memory` keeps the plugin's own, for one process.
  const storeOptions = await rateLimitStoreOptions(
    app,
    ctx,
    options.rateLimit?.store ?? rateLimitStoreFromEnv(process.env, ctx.store.dialect),
    options.rateLimit?.redisUrl,
  );
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    // Counted once the caller is verified (the access hook runs on onRequest): per API key or signed-in user, else
    // per client address. An unknown cookie is no one, so a fresh random cookie per request is still one address.
    hook: 'preParsing',
    keyGenerator: rateLimitKey,
    ...storeOptions,
    // The counters' store being down is not the caller's fault: the request goes on (and answers 503 if it needs it).
    skipOnError: true,
    // Thrown by the plugin and answered by handleError: 429, Retry-After, the message in both languages.
    errorResponseBuilder: (_request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new TooManyAttemptsError(
        localized(
          `Too many requests: at most ${context.max} a minute. Try again in ${seconds} s.`,
          `请求过于频繁：每分钟最多 ${context.max} 次。请 ${seconds} 秒后重试。`,
        ),
        seconds,
        'rate_limited',
      );
    },
  });
}

/** What every request passes before its handler: input guards, access, idempotency, object bodies. */
function registerGuards(app: FastifyInstance, ctx: AppContext, options: ServerOptions): void {
  registerInputGuards(app); // before access: its scoping reads the same fields (a NUL would reach the database)
  registerAccess(app, ctx, { required: options.authentication !== false });
  registerIdempotency(app, ctx);
  // Query strings need type coercion ("5" → 5), which would also turn a body of `false` or `[{}]` into null or an
  // object: a body whose schema is an object must arrive as one.
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema?.body as { type?: string | string[] } | undefined;
    if (!schema || request.body === undefined || request.body === null) return;
    const types = [schema.type].flat();
    if (
      types.includes('object') &&
      !types.includes('array') &&
      (typeof request.body !== 'object' || Array.isArray(request.body))
    ) {
      throw new ValidationError([
        { row: 0, field: 'body', message: localized('The body must be a JSON object.', '请求体必须是 JSON 对象。') },
      ]);
    }
  });
}

/** The API's routes, in their order. */
function registerRoutes(app: FastifyInstance, ctx: AppContext, options: ServerOptions): void {
  systemRoutes(app, ctx);
  orderRoutes(app, ctx);
  orderPageRoutes(app, ctx);
  orderFileRoutes(app, ctx);
  orderEditRoutes(app, ctx);
  deadlineRoutes(app, ctx);
  planRoutes(app, ctx);
  stockRoutes(app, ctx);
  trackingRoutes(app, ctx);
  afterSalesRoutes(app, ctx);
  packRoutes(app, ctx);
  labelRoutes(app, ctx);
  setupRoutes(app, ctx);
  catalogueRoutes(app, ctx);
  catalogueFileRoutes(app, ctx);
  liveRoutes(app, ctx);
  marketplaceAuthRoutes(app, ctx, options.marketplaceAuth);

  authRoutes(app, ctx, {
    loginPerMinute: options.rateLimit?.loginPerMinute ?? 20,
    ...(options.passwordChangeKeys ? { keysOnPasswordChange: options.passwordChangeKeys } : {}),
  });
}

/** The built dashboard at `/`; without it, a page that says how to build it. */
async function serveDashboard(app: FastifyInstance, ctx: AppContext, options: ServerOptions): Promise<void> {
  const dashboardDir = options.dashboardDir ?? DEFAULT_DASHBOARD_DIR;
  if (fs.existsSync(path.join(dashboardDir, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: dashboardDir,
      prefix: '/',
      // web/scripts/postbuild.mjs writes a .gz beside each file: sent to browsers that accept gzip.
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, file) => {
        reply.header(
          'cache-control',
          path.basename(file).startsWith('index.html')
            ? 'no-cache'
            : file.includes(`${path.sep}assets${path.sep}`)
              ? IMMUTABLE
              : 'public, max-age=3600',
        );
      },
    });
  } else {
    // Public: says the server runs and how to build the dashboard, nothing about any shop.
    app.get('/', { schema: { hide: true } }, async (_request, reply) => {
      // This page's own small style block is the one inline style the policy allows.
      reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header(
          'content-security-policy',
          CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
        );
      return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>shipby</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}</style></head>
<body><h1>shipby is running</h1>
<p>Order fulfilment that ships every order before its deadline. 订单履约系统：确保每个订单在截止时间前发货。</p>
<p>Database: ${ctx.store.dialect}. API: <a href="/docs">OpenAPI documentation (/docs)</a>.</p>
<p>The dashboard is not built: run <code>npm run build:web</code> (npm start does it first). 仪表板尚未构建：请运行 <code>npm run build:web</code>。</p></body></html>`;
    });
  }
}
