/**
 * Issue 19, beyond the list: attacks tried against a listening server (real sockets, so the request target reaches
 * the server byte for byte): path traversal out of the dashboard's folder, an off-site redirect through a
 * protocol-relative path, JSON nested a hundred thousand deep and `__proto__` keys, and query-parameter pollution
 * to reach another account's shop. Found: free-form JSON values (policy overrides, shipping rules) nested deep gave
 * a 500; every request's values are now refused past MAX_NESTING levels (http/input-guards.ts). Each answer is a
 * refusal (4xx), never a 5xx, nothing leaks, and the server goes on answering.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NESTING, nestingPath } from '../../src/http/input-guards';
import { buildServer } from '../../src/http/server';
import { buildAccessWorld, keyCaller, signIn, type AccessWorld, type Caller } from '../support/access-world';
import { backends, contextFor, tempDir } from '../support/backends';

const SECRET = 'SECRET-BESIDE-THE-DASHBOARD-7f3a';

/** One raw request: the target is sent as written (no normalisation by a client library). */
function raw(
  port: number,
  target: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: target,
        headers: { ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

describe('nesting guard', () => {
  const nest = (levels: number): unknown => {
    let value: unknown = 'leaf';
    for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { k: value };
    return value;
  };
  it('passes any value up to MAX_NESTING levels and names the path of anything deeper', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_NESTING }), (levels) => nestingPath(nest(levels), '') === undefined),
    );
    fc.assert(
      fc.property(fc.integer({ min: MAX_NESTING + 1, max: 5_000 }), (levels) => {
        const found = nestingPath({ field: nest(levels) }, '');
        return found !== undefined && found.startsWith('field.') && found.split('.').length === MAX_NESTING;
      }),
      { numRuns: 30 },
    );
  });
});

describe.each(backends)('security probe beyond the list on $name', (backend) => {
  let app: FastifyInstance;
  let port: number;
  let world: AccessWorld;
  let boss: Caller;
  let dispose: () => Promise<void>;
  let root: string;

  beforeAll(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    const ctx = contextFor(opened.store);
    world = await buildAccessWorld(ctx);
    root = tempDir();
    const dashboard = path.join(root, 'dist');
    fs.mkdirSync(path.join(dashboard, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(dashboard, 'index.html'), '<!doctype html><title>shipby</title>');
    fs.writeFileSync(path.join(dashboard, 'assets', 'app-1.js'), 'console.log(1)');
    fs.writeFileSync(path.join(root, 'secret.txt'), SECRET);
    fs.writeFileSync(path.join(root, 'dist-secret.txt'), SECRET);
    app = await buildServer(ctx, {
      dashboardDir: dashboard,
      rateLimit: { perMinute: 1_000_000, loginPerMinute: 1_000_000 },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
    boss = await signIn(app, world.emails.boss);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await dispose?.();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  async function stillAnswers() {
    expect((await raw(port, '/health')).status).toBe(200);
  }

  it('keeps the dashboard files inside their folder, whatever the spelling of ..', async () => {
    const targets = [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/assets/../../secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/%252e%252e/secret.txt',
      '/..%00/secret.txt',
      '/.%2e/secret.txt',
      '/../dist-secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fdist-secret.txt',
      '/index.html%00.js',
    ];
    for (const target of targets) {
      const response = await raw(port, target);
      expect(response.body, target).not.toContain(SECRET);
      expect(response.status, target).toBeLessThan(500);
    }
    await stillAnswers();
  });

  it('never redirects off the site through a protocol-relative or backslashed path', async () => {
    for (const target of [
      '//evil.example/',
      '//evil.example/%2e%2e',
      '/\\evil.example/',
      '//evil.example/assets',
      '/assets//evil.example/..',
      '/%2F%2Fevil.example/',
    ]) {
      const response = await raw(port, target);
      expect(response.status, target).toBeLessThan(500);
      const location = String(response.headers.location ?? '');
      expect(location, target).not.toMatch(/^(https?:)?[\\/]{2}|evil\.example/);
    }
  });

  it('answers 400 to JSON nested a hundred thousand deep, naming the field, and goes on answering', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const deepObject = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const rulesBefore = (await raw(port, '/carrier/rules', { headers: boss.headers })).body;
    const shopsBefore = (await raw(port, '/shops', { headers: boss.headers })).body;
    for (const [method, target, body, field] of [
      ['POST', '/orders', `{"shop":"shop-a","orders":${deep}}`, 'orders'],
      ['POST', '/orders', deepObject, 'a'],
      ['POST', '/auth/login', `{"email":${deep},"password":"x"}`, 'email'],
      // Free-form values (policy overrides, shipping rules) were walked by the code behind them: a 500 before the guard.
      ['PUT', `/shops/${world.a.shop}/policy`, `{"overrides":{"handling":${deepObject}}}`, 'overrides.handling'],
      [
        'PUT',
        `/shops/${world.a.shop}/policy`,
        `{"overrides":{"handling":{"days":${deep}}}}`,
        'overrides.handling.days',
      ],
      ['PUT', '/carrier/rules', `[{"id":"r1","when":${deepObject}}]`, '0.when'],
    ] as const) {
      const response = await raw(port, target, { method, headers: { ...boss.headers }, body });
      expect(response.status, `${method} ${target} ${body.slice(0, 30)}`).toBe(400);
      const issue = JSON.parse(response.body).error.issues[0];
      expect(issue.path.startsWith(field), `${target}: ${issue.path}`).toBe(true);
    }
    // Nothing changed.
    expect((await raw(port, '/carrier/rules', { headers: boss.headers })).body).toBe(rulesBefore);
    expect((await raw(port, '/shops', { headers: boss.headers })).body).toBe(shopsBefore);
    await stillAnswers();
  });

  it('refuses __proto__ and constructor.prototype keys in a body, polluting nothing', async () => {
    for (const body of [
      '{"email":"a@b.example","password":"x","__proto__":{"role":"owner","admin":true}}',
      '{"email":"a@b.example","password":"x","constructor":{"prototype":{"admin":true}}}',
    ]) {
      const response = await raw(port, '/auth/login', { method: 'POST', body });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });

  it("does not reach another account's shop by repeating or bracketing the shop parameter", async () => {
    const key = keyCaller('owner', world.keys.owner); // scoped to shop A
    for (const query of [
      'shop=shop-a&shop=rival-b',
      'shop=rival-b&shop=shop-a',
      'shop[]=rival-b',
      'shop=shop-a,rival-b',
      'shop=rival-b%00',
      'shop=RIVAL-B',
      'shop=%20rival-b',
    ]) {
      const response = await raw(port, `/orders?${query}`, { headers: key.headers });
      expect(response.status, query).toBeLessThan(500);
      for (const marker of world.markersOfB) expect(response.body, `${query}: ${marker}`).not.toContain(marker);
    }
  });
});
