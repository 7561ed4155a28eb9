/**
 * Security issue, finding 6: a caller cannot hold a connection by sending slowly. A body trickled a byte at a time,
 * headers trickled a line at a time, and a connection that sends nothing are each cut off (the socket closes; the
 * first two are told 408). The limits are the server's options here, small so the test is quick; it waits for the
 * socket to close, with a generous upper bound.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, serverTimeouts } from '../../src/http/server';
import { backends, contextFor } from '../support/backends';

const sqlite = backends.filter((b) => b.name === 'sqlite');
const UPPER_BOUND_MS = 30_000;

/** Opens a socket, sends `first`, then `next()` every 50 ms until the server closes it; what the server sent. */
function trickle(
  port: number,
  first: string,
  next: () => string | undefined,
): Promise<{ closed: boolean; received: string; sent: number }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const bound = setTimeout(() => finish(false), UPPER_BOUND_MS);
    const finish = (closed: boolean) => {
      clearInterval(timer);
      clearTimeout(bound);
      socket.destroy();
      resolve({ closed, received, sent });
    };
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      if (first) socket.write(first);
      timer = setInterval(() => {
        const piece = next();
        if (piece !== undefined && !socket.destroyed) socket.write(piece), sent++;
      }, 50);
    });
  });
}

describe.each(sqlite)('request timeouts on $name', (backend) => {
  let app: FastifyInstance;
  let port: number;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    app = await buildServer(contextFor(opened.store), {
      authentication: false,
      timeouts: { requestMs: 1500, headersMs: 1000, idleMs: 2000, keepAliveMs: 500, checkEveryMs: 100 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    await dispose();
  });

  it('cuts off a body trickled a byte at a time (408), long before it is complete', async () => {
    const head =
      'POST /plan/refresh HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{';
    const result = await trickle(port, head, () => ' ');
    expect(result.closed).toBe(true);
    expect(result.received).toMatch(/^HTTP\/1\.1 408/);
    expect(result.sent).toBeLessThan(100_000);
  });

  it('cuts off headers trickled a line at a time', async () => {
    let n = 0;
    const result = await trickle(port, 'GET /health HTTP/1.1\r\nHost: localhost\r\n', () => `X-Slow-${n++}: 1\r\n`);
    expect(result.closed).toBe(true);
    expect(result.received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a connection that sends nothing', async () => {
    const result = await trickle(port, '', () => undefined);
    expect(result.closed).toBe(true);
  });

  it('a kept-alive connection is closed when idle; an ordinary request is answered', async () => {
    const result = await trickle(port, 'GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n', () => undefined);
    expect(result.closed).toBe(true);
    expect(result.received).toMatch(/^HTTP\/1\.1 200/);
  });

  it('takes its limits from the environment, the headers limit never past the request limit; a bad one is refused by name', () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, {
        SHIPBY_REQUEST_TIMEOUT_MS: '8000',
        SHIPBY_HEADERS_TIMEOUT_MS: '9000',
        SHIPBY_KEEP_ALIVE_TIMEOUT_MS: '3000',
      });
      expect(serverTimeouts()).toMatchObject({ requestMs: 8000, headersMs: 8000, idleMs: 120_000, keepAliveMs: 3000 });
      // core/config.ts: a start stops on it before the server is built; read here, it throws naming the variable.
      process.env.SHIPBY_IDLE_TIMEOUT_MS = 'soon';
      expect(() => serverTimeouts()).toThrow(/SHIPBY_IDLE_TIMEOUT_MS is "soon": expected a number greater than 0/);
    } finally {
      for (const key of [
        'SHIPBY_REQUEST_TIMEOUT_MS',
        'SHIPBY_HEADERS_TIMEOUT_MS',
        'SHIPBY_IDLE_TIMEOUT_MS',
        'SHIPBY_KEEP_ALIVE_TIMEOUT_MS',
      ]) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });
});
