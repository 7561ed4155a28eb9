/**
 * GET /events: server-sent events that say "the orders changed" (an order event was written), so the dashboard
 * refetches what it shows instead of polling. The message carries no order data — only the orders' version (the
 * count of changes this stream announced) — and only of the caller's shops (issue 19, finding 9: another account's
 * activity is not announced); the screens' reads decide what each caller may see. One watcher (app/live.ts) reads
 * the version once a second while any stream is open.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context';
import { orderChangeWatcher } from '../../app/live';

/** A comment line now and then keeps proxies and idle timers from closing a quiet stream. */
const HEARTBEAT_MS = 25_000;

export function liveRoutes(app: FastifyInstance, ctx: AppContext, options: { intervalMs?: number } = {}): void {
  const watcher = orderChangeWatcher(ctx, {
    intervalMs: options.intervalMs ?? 1000,
    onError: (error) => app.log.warn({ err: error }, 'live updates: reading the orders version failed'),
  });
  const streams = new Set<() => void>();

  // Open streams never end by themselves: end them before the server waits for its connections to close.
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
    watcher.close();
  });

  app.get('/events', {
    schema: {
      tags: ['system'],
      summary:
        "Live updates (text/event-stream): `changed` with {version} whenever orders of the caller's shops change (version counts this stream's changes); `hello` with version 0 on connect",
    },
    handler: async (request, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = (event: string, data: unknown) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      raw.write('retry: 3000\n\n');
      // The stream's own count, not the installation's event ids: their gaps would tell how busy other accounts are.
      let version = 0;
      send('hello', { version });
      const unsubscribe = watcher.subscribe(() => send('changed', { version: ++version }), request.access.shops);
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
      heartbeat.unref?.();
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(end);
        if (!raw.writableEnded) raw.end();
      };
      streams.add(end);
      request.raw.on('close', end);
      raw.on('error', end);
    },
  });
}
