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
import { listWebhooks } from '../app/deadlines';
import { PlanPool, type PlanPoolOptions } from '../app/plan-pool';
import { tokenHash } from '../app/passwords';
import { listShopsWithPolicy } from '../app/policies';
import { localized, pickLocale } from '../core/i18n';
import { marketplaceNotices } from '../app/marketplace-outage';
import { maskPersonalData } from '../core/personal-data';
import { toIso } from '../core/time';
import { registerAccess, SESSION_COOKIE } from './access';
import { DATABASE_RETRY_AFTER_SECONDS, errorBody, handleError } from './errors';
import { registerInputGuards } from './input-guards';
import { registerIdempotency } from './idempotency';
import { databaseHealth } from '../app/health';
import { TooManyAttemptsError, ValidationError } from '../app/errors';
import { authRoutes } from './routes/auth';
import { deadlineRoutes } from './routes/deadlines';
import { liveRoutes } from './routes/live';
import { planRoutes } from './routes/plan';
import { orderRoutes } from './routes/orders';
import { orderFileRoutes } from './routes/order-files';
import { orderEditRoutes } from './routes/order-edits';
import { packRoutes } from './routes/pack';
import { setupRoutes } from './routes/setup';
import { stockRoutes } from './routes/stock';
import { trackingRoutes } from './routes/tracking';

export interface ServerOptions {
  logger?: boolean;
  /** The built dashboard (default web/dist); without its index.html, `/` says how to build it. */
  dashboardDir?: string;
  /**
   * Sign-in and roles (default on). Off only in code: tests of other capabilities, and the limit that
   * `bench:api` measures authentication against. No command or variable turns it off.
   */
  authentication?: boolean;
  /** Requests per minute per API key, session or IP (SHIPBY_RATE_LIMIT, default 1200), and sign-ins per minute per IP. */
  rateLimit?: { perMinute?: number; loginPerMinute?: number };
  /** How long a caller may take to send a request, and idle connections live (defaults: `serverTimeouts()`). */
  timeouts?: Partial<ServerTimeouts>;
  /** The planner threads' size and caps (default from SHIPBY_PLAN_* variables; app/plan-pool.ts). */
  planner?: PlanPoolOptions;
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

/** The timeouts from the environment, else the defaults; a value that is not a positive number is ignored. */
export function serverTimeouts(overrides: Partial<ServerTimeouts> = {}): ServerTimeouts {
  const env = (name: string, fallback: number) => {
    const value = Number(process.env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  const t = {
    requestMs: env('SHIPBY_REQUEST_TIMEOUT_MS', 60_000), headersMs: env('SHIPBY_HEADERS_TIMEOUT_MS', 20_000), idleMs: env('SHIPBY_IDLE_TIMEOUT_MS', 120_000),
    keepAliveMs: env('SHIPBY_KEEP_ALIVE_TIMEOUT_MS', 10_000), checkEveryMs: 5_000, ...overrides,
  };
  return { ...t, headersMs: Math.min(t.headersMs, t.requestMs), checkEveryMs: Math.min(t.checkEveryMs, t.headersMs) };
}

export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * The dashboard's content policy: its own scripts, styles, API and live stream only; images also inline (the icon)
 * and blobs (label PDFs); never framed. /docs (Swagger UI) sends its own, with the hashes of its inline code.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "connect-src 'self' blob:", "font-src 'self'",
  "object-src 'none'", "frame-src 'self' blob:", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
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
  const timeouts = serverTimeouts(options.timeouts);
  const app = Fastify({
    // No caller holds a connection by sending slowly or not at all (security issue, finding 6).
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: timeouts.checkEveryMs },
    logger: options.logger
      ? {
          level: process.env.LOG_LEVEL ?? 'info',
          redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
          // Buyers' phones and addresses never reach a log line, whatever a caller logs (core/personal-data.ts).
          hooks: {
            logMethod(args, method) {
              method.apply(this, args.map((arg) => maskPersonalData(arg)) as Parameters<typeof method>);
            },
          },
        }
      : false,
    // Bodies over the limit are refused (413) from their Content-Length, before a byte is parsed.
    bodyLimit: 5 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true, allowUnionTypes: true } },
  });
  app.setErrorHandler(handleError);
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    return payload;
  });
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
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'shipby API', version: '0.1.0', description: 'Ship every order before its deadline. Errors carry English and Chinese (zh-CN) messages.' },
      tags: [{ name: 'orders' }, { name: 'deadlines' }, { name: 'stock' }, { name: 'tracking' }, { name: 'system' }],
    },
  });
  await app.register(fastifyCookie);
  const perMinute = options.rateLimit?.perMinute ?? Number(process.env.SHIPBY_RATE_LIMIT ?? 1200);
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    // Per caller: an API key or a session by its token (hashed, so the limiter never holds one), else the IP.
    keyGenerator: (request) => {
      const authorization = request.headers.authorization;
      const session = request.cookies?.[SESSION_COOKIE];
      const token = authorization ?? session;
      return token ? `t:${tokenHash(token).slice(0, 22)}` : `ip:${request.ip}`;
    },
    // Thrown by the plugin and answered by handleError: 429, Retry-After, the message in both languages.
    errorResponseBuilder: (_request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new TooManyAttemptsError(localized(`Too many requests: at most ${context.max} a minute. Try again in ${seconds} s.`, `请求过于频繁：每分钟最多 ${context.max} 次。请 ${seconds} 秒后重试。`), seconds, 'rate_limited');
    },
  });
  registerInputGuards(app); // before access: its scoping reads the same fields (a NUL would reach the database)
  registerAccess(app, ctx, { required: options.authentication !== false });
  registerIdempotency(app, ctx);
  // Query strings need type coercion ("5" → 5), which would also turn a body of `false` or `[{}]` into null or an
  // object: a body whose schema is an object must arrive as one.
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema?.body as { type?: string | string[] } | undefined;
    if (!schema || request.body === undefined || request.body === null) return;
    const types = [schema.type].flat();
    if (types.includes('object') && !types.includes('array') && (typeof request.body !== 'object' || Array.isArray(request.body))) {
      throw new ValidationError([{ row: 0, field: 'body', message: localized('The body must be a JSON object.', '请求体必须是 JSON 对象。') }]);
    }
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  // Which dependency is down, if any: 200 when the database answers, 503 (with Retry-After) when it does not.
  app.get('/health', { schema: { tags: ['system'], summary: 'Liveness, the database in use, and whether each dependency is up (503 when one is down)' } }, async (request, reply) => {
    const database = await databaseHealth(ctx);
    if (database.up) return { ok: true, database: ctx.store.dialect, dependencies: { database: 'up' } };
    request.log.warn(`health: database down (${database.error})`);
    return reply
      .status(503)
      .header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
      .send({ ok: false, database: ctx.store.dialect, dependencies: { database: 'down' }, ...errorBody(request, 'database_unavailable', localized('The database is unavailable; shipby reconnects by itself when it is back.', '数据库不可用；恢复后 shipby 会自动重新连接。')) });
  });

  orderRoutes(app, ctx);
  orderFileRoutes(app, ctx);
  orderEditRoutes(app, ctx);
  deadlineRoutes(app, ctx);
  planRoutes(app, ctx);
  stockRoutes(app, ctx);
  trackingRoutes(app, ctx);
  packRoutes(app, ctx);
  setupRoutes(app, ctx);
  liveRoutes(app, ctx);

  authRoutes(app, ctx, { loginPerMinute: options.rateLimit?.loginPerMinute ?? 20 });

  // What the dashboard needs besides the resource routes: the caller's shops with their policy choice, and
  // the alert webhooks (never their secrets).
  app.get('/shops', { schema: { tags: ['system'], summary: 'Your shops, each with its policy choice (default policy, per order type, overrides)' } }, async (request) => {
    const shops = await listShopsWithPolicy(ctx, request.access.shops);
    return {
      items: shops.map(({ shop, choice }) => ({ id: shop.id, name: shop.name, platform: shop.platform, created_at: toIso(shop.created_at), policy: { policy_id: choice.defaultPolicyId, by_order_type: choice.byOrderType ?? null, overrides: choice.overrides ?? null } })),
    };
  });
  // What the dashboard shows above every screen: an outage of a marketplace while it lasts, with what to do.
  app.get('/notices', { schema: { tags: ['system'], summary: 'Notices for every screen: each marketplace outage in progress (since when, what to do), in English and Chinese' } }, async (request) => {
    const locale = pickLocale(request.headers['accept-language']);
    const notices = await marketplaceNotices(ctx);
    return { items: notices.map((n) => ({ kind: n.kind, level: n.level, platform: n.platform, since: toIso(n.since), failures: n.failures, message: n.message[locale], messages: n.message })) };
  });
  app.get('/webhooks', { schema: { tags: ['deadlines'], summary: 'The alert webhooks of your shops (URL and scope; the secret is never returned)' } }, async (request) => {
    const rows = await listWebhooks(ctx, request.access.shops);
    return { items: rows.map((r) => ({ ...r, created_at: toIso(r.created_at) })) };
  });

  const dashboardDir = options.dashboardDir ?? DEFAULT_DASHBOARD_DIR;
  if (fs.existsSync(path.join(dashboardDir, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: dashboardDir,
      prefix: '/',
      // web/scripts/postbuild.mjs writes a .gz beside each file: sent to browsers that accept gzip.
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, file) => {
        reply.header('cache-control', path.basename(file).startsWith('index.html') ? 'no-cache' : file.includes(`${path.sep}assets${path.sep}`) ? IMMUTABLE : 'public, max-age=3600');
      },
    });
  } else {
    // Public: says the server runs and how to build the dashboard, nothing about any shop.
    app.get('/', { schema: { hide: true } }, async (_request, reply) => {
      // This page's own small style block is the one inline style the policy allows.
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"));
      return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>shipby</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}</style></head>
<body><h1>shipby is running</h1>
<p>Order fulfilment that ships every order before its deadline. 订单履约系统：确保每个订单在截止时间前发货。</p>
<p>Database: ${ctx.store.dialect}. API: <a href="/docs">OpenAPI documentation (/docs)</a>.</p>
<p>The dashboard is not built: run <code>npm run build:web</code> (npm start does it first). 仪表板尚未构建：请运行 <code>npm run build:web</code>。</p></body></html>`;
    });
  }
  return app;
}
