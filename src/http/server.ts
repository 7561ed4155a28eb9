/**
 * The HTTP API (Fastify): OpenAPI 3 at /docs, JSON errors in English and Chinese, and the dashboard (web/,
 * built by `npm run build:web` into web/dist) at `/`: one process, no separate web server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context';
import { shopPolicyChoice } from '../app/policies';
import { toIso } from '../core/time';
import { countOrdersByStatus, listShops } from '../store/orders';
import { handleError } from './errors';
import { deadlineRoutes } from './routes/deadlines';
import { planRoutes } from './routes/plan';
import { orderRoutes } from './routes/orders';
import { packRoutes } from './routes/pack';
import { stockRoutes } from './routes/stock';
import { trackingRoutes } from './routes/tracking';

export interface ServerOptions {
  logger?: boolean;
  /** The built dashboard (default web/dist); without its index.html, `/` says how to build it. */
  dashboardDir?: string;
}

export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Hashed asset names change with their content: cache them for a year; index.html never (it names the current ones). */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export async function buildServer(ctx: AppContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: process.env.LOG_LEVEL ?? 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] } : false,
    bodyLimit: 5 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true, allowUnionTypes: true } },
  });
  app.setErrorHandler(handleError);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'shipby API', version: '0.1.0', description: 'Ship every order before its deadline. Errors carry English and Chinese (zh-CN) messages.' },
      tags: [{ name: 'orders' }, { name: 'deadlines' }, { name: 'stock' }, { name: 'tracking' }, { name: 'system' }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/health', { schema: { tags: ['system'], summary: 'Liveness and the database in use' } }, async () => {
    await ctx.store.db.selectFrom('shops').select('id').limit(1).execute();
    return { ok: true, database: ctx.store.dialect };
  });

  orderRoutes(app, ctx);
  deadlineRoutes(app, ctx);
  planRoutes(app, ctx);
  stockRoutes(app, ctx);
  trackingRoutes(app, ctx);
  packRoutes(app, ctx);

  // What the dashboard needs besides the resource routes: the shops with their policy choice, and the
  // alert webhooks (never their secrets).
  app.get('/shops', { schema: { tags: ['system'], summary: 'The shops, each with its policy choice (default policy, per order type, overrides)' } }, async () => {
    const shops = await listShops(ctx.store.db);
    return {
      items: shops.map((shop) => {
        const choice = shopPolicyChoice(shop);
        return { id: shop.id, name: shop.name, platform: shop.platform, created_at: toIso(shop.created_at), policy: { policy_id: choice.defaultPolicyId, by_order_type: choice.byOrderType ?? null, overrides: choice.overrides ?? null } };
      }),
    };
  });
  app.get('/webhooks', { schema: { tags: ['deadlines'], summary: 'The alert webhooks (URL and scope; the secret is never returned)' } }, async () => {
    const rows = await ctx.store.db.selectFrom('alert_webhooks').select(['id', 'shop_id', 'url', 'created_at']).orderBy('id').execute();
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
    app.get('/', { schema: { hide: true } }, async (_request, reply) => {
      const [shops, counts] = await Promise.all([listShops(ctx.store.db), countOrdersByStatus(ctx.store.db)]);
      const rows = counts.map((c) => `<tr><td>${c.status}</td><td>${c.count}</td></tr>`).join('');
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache');
      return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>shipby</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}td,th{padding:.2rem 1rem .2rem 0;text-align:left}</style></head>
<body><h1>shipby is running</h1>
<p>Order fulfilment that ships every order before its deadline. 订单履约系统：确保每个订单在截止时间前发货。</p>
<p>Database: ${ctx.store.dialect}. Shops: ${shops.length}. API: <a href="/docs">OpenAPI documentation (/docs)</a>, <a href="/orders">/orders</a>.</p>
<table><thead><tr><th>Order state 订单状态</th><th>Orders 订单数</th></tr></thead><tbody>${rows || '<tr><td colspan="2">No orders yet — import some with <code>./bin/shipby import FILE --shop SHOP</code>.</td></tr>'}</tbody></table>
<p>The dashboard is not built: run <code>npm run build:web</code> (npm start does it first). 仪表板尚未构建：请运行 <code>npm run build:web</code>。</p></body></html>`;
    });
  }
  return app;
}
