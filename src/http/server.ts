/**
 * The HTTP API (Fastify): OpenAPI 3 at /docs, JSON errors in English and Chinese, and a plain page at /
 * until the dashboard exists.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context';
import { countOrdersByStatus, listShops } from '../store/orders';
import { handleError } from './errors';
import { orderRoutes } from './routes/orders';

export interface ServerOptions {
  logger?: boolean;
}

export async function buildServer(ctx: AppContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: process.env.LOG_LEVEL ?? 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] } : false,
    bodyLimit: 5 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  });
  app.setErrorHandler(handleError);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'shipby API', version: '0.1.0', description: 'Ship every order before its deadline. Errors carry English and Chinese (zh-CN) messages.' },
      tags: [{ name: 'orders' }, { name: 'system' }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/health', { schema: { tags: ['system'], summary: 'Liveness and the database in use' } }, async () => {
    await ctx.store.db.selectFrom('shops').select('id').limit(1).execute();
    return { ok: true, database: ctx.store.dialect };
  });

  orderRoutes(app, ctx);

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    const [shops, counts] = await Promise.all([listShops(ctx.store.db), countOrdersByStatus(ctx.store.db)]);
    const rows = counts.map((c) => `<tr><td>${c.status}</td><td>${c.count}</td></tr>`).join('');
    reply.type('text/html; charset=utf-8');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>shipby</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}td,th{padding:.2rem 1rem .2rem 0;text-align:left}</style></head>
<body><h1>shipby is running</h1>
<p>Order fulfilment that ships every order before its deadline. 订单履约系统：确保每个订单在截止时间前发货。</p>
<p>Database: ${ctx.store.dialect}. Shops: ${shops.length}. API: <a href="/docs">OpenAPI documentation (/docs)</a>, <a href="/orders">/orders</a>.</p>
<table><thead><tr><th>Order state 订单状态</th><th>Orders 订单数</th></tr></thead><tbody>${rows || '<tr><td colspan="2">No orders yet — import some with <code>./bin/shipby import FILE --shop SHOP</code>.</td></tr>'}</tbody></table>
<p>The dashboard comes here next. 仪表板即将上线。</p></body></html>`;
  });
  return app;
}
