/**
 * Security issue, finding 12: every answer — the dashboard's files, the API's JSON, its errors, the not-built page,
 * /docs — carries a content security policy that forbids framing, X-Frame-Options DENY, nosniff and a referrer
 * policy. The built dashboard still works under the policy: test/e2e/dashboard.test.ts fails on any console error.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server';
import { backends, contextFor, tempDir } from '../support/backends';

const sqlite = backends.filter((b) => b.name === 'sqlite');

function expectSecurityHeaders(headers: Record<string, unknown>, what: string) {
  const csp = String(headers['content-security-policy'] ?? '');
  expect(csp, what).toMatch(/default-src 'self'/);
  expect(csp, what).toMatch(/frame-ancestors '(none|self)'/);
  expect(csp, what).toMatch(/object-src 'none'/);
  expect(headers['x-frame-options'], what).toBe('DENY');
  expect(headers['x-content-type-options'], what).toBe('nosniff');
  expect(headers['referrer-policy'], what).toBe('no-referrer');
}

describe.each(sqlite)('security headers on $name', (backend) => {
  let dispose: () => Promise<void>;
  let built: FastifyInstance;
  let bare: FastifyInstance;
  beforeAll(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    const dashboard = tempDir();
    fs.mkdirSync(path.join(dashboard, 'assets'));
    fs.writeFileSync(
      path.join(dashboard, 'index.html'),
      '<!doctype html><script type="module" src="/assets/app-1.js"></script>',
    );
    fs.writeFileSync(path.join(dashboard, 'assets', 'app-1.js'), 'console.log(1)');
    const ctx = contextFor(opened.store);
    built = await buildServer(ctx, { dashboardDir: dashboard });
    bare = await buildServer(ctx, { dashboardDir: path.join(dashboard, 'missing') });
  });
  afterAll(async () => {
    await built.close();
    await bare.close();
    await dispose();
  });

  it('on the dashboard, its assets, the API, its errors and the docs', async () => {
    const cases: Array<[FastifyInstance, string, number]> = [
      [built, '/', 200],
      [built, '/assets/app-1.js', 200],
      [built, '/health', 200],
      [built, '/orders', 401],
      [built, '/nowhere', 404],
      [bare, '/', 200],
    ];
    for (const [app, url, status] of cases) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(status);
      expectSecurityHeaders(response.headers, url);
    }
    // The dashboard runs only its own scripts: no inline script, no eval.
    const page = await built.inject({ method: 'GET', url: '/' });
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    const docs = await built.inject({ method: 'GET', url: '/docs' });
    expect(docs.statusCode).toBeLessThan(400);
    expectSecurityHeaders(docs.headers, '/docs');
  });
});
