/**
 * GET /metrics, Prometheus' text format: this server's request latency by route, this process's counters (jobs,
 * marketplace calls, Node), and the store's figures (app/telemetry.ts). Behind its own token, SHIPBY_METRICS_TOKEN,
 * sent as `Authorization: Bearer <token>` (Prometheus' `authorization` setting): 401 without it or with another;
 * with no token configured, 401 always (metrics say how much business a shop does). Never rate limited.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Histogram, Registry } from 'prom-client';
import { AuthenticationError } from '../app/errors';
import type { AppContext } from '../app/context';
import { processRegistry, storeRegistry } from '../app/telemetry';
import { localized } from '../core/i18n';

export function registerMetrics(app: FastifyInstance, ctx: AppContext, options: { token?: string }): void {
  const serverRegistry = new Registry();
  const latency = new Histogram({
    name: 'shipby_http_request_duration_seconds',
    help: 'HTTP request duration by method, route (as declared) and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [serverRegistry],
  });
  app.addHook('onResponse', async (request, reply) => {
    latency.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  const stored = storeRegistry(ctx);
  const expected = options.token ? digest(options.token) : undefined;

  app.get(
    '/metrics',
    {
      config: { rateLimit: false },
      schema: { tags: ['system'], summary: 'Prometheus metrics (Authorization: Bearer <metrics token>)', hide: true },
    },
    async (request, reply) => {
      if (!metricsAuthorized(request.headers.authorization, expected)) {
        throw new AuthenticationError(localized('The metrics need their own token.', '指标需要专用令牌。'));
      }
      const registry = Registry.merge([serverRegistry, processRegistry, stored]);
      reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
      return registry.metrics();
    },
  );
}

/** Whether an Authorization header carries the metrics token (compared as digests, in constant time). */
function metricsAuthorized(authorization: string | undefined, expected: Buffer | undefined): boolean {
  const [scheme, token] = (authorization ?? '').split(' ');
  return !!expected && scheme?.toLowerCase() === 'bearer' && !!token && timingSafeEqual(digest(token), expected);
}

/**
 * A bare metrics listener for a process without the API (`shipby worker --metrics-port`): the same token, this
 * process's counters and the store's figures.
 */
export function serveMetrics(
  ctx: AppContext,
  options: { token?: string; port: number; host: string },
): Promise<http.Server> {
  const expected = options.token ? digest(options.token) : undefined;
  const stored = storeRegistry(ctx);
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') return void response.writeHead(404).end();
    if (!metricsAuthorized(request.headers.authorization, expected))
      return void response.writeHead(401, { 'content-type': 'text/plain' }).end('The metrics need their own token.\n');
    const registry = Registry.merge([processRegistry, stored]);
    registry.metrics().then(
      (text) =>
        response.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(text),
      (error: Error) => response.writeHead(503, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
