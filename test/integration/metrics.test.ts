/**
 * GET /metrics on SQLite and PostgreSQL: 401 without its token, with another, or with an API key; with it, the
 * Prometheus text format with request latency by route, open orders by situation equal to what situationsOf says
 * (the one situation of core/situation.ts), at-risk counts by shop, the outbox backlog, the tracking lag, job runs
 * and failures, and marketplace call outcomes.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { situationsOf } from '../../src/app/order-situation';
import { jobMetrics, recordMarketplaceEvent } from '../../src/app/telemetry';
import { buildServer } from '../../src/http/server';
import { openStatusCondition } from '../../src/store/open-orders';
import { buildAccessWorld, keyCaller, type AccessWorld } from '../support/access-world';
import { backends, contextFor } from '../support/backends';

const TOKEN = 'metrics-token-0123456789';

/** `name{labels} value` lines of a scrape, by series. */
function series(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe.each(backends)('/metrics on $name', (backend) => {
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let world: AccessWorld;
  let app: FastifyInstance;

  beforeAll(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    ctx = contextFor(opened.store);
    world = await buildAccessWorld(ctx);
    app = await buildServer(ctx, { metricsToken: TOKEN, rateLimit: { perMinute: 100_000, loginPerMinute: 1000 } });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await dispose?.();
  });

  it('refuses a scrape without its own token', async () => {
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer not-the-token' } }))
        .statusCode,
    ).toBe(401);
    // An owner's API key is not the metrics token.
    const withKey = await app.inject({ method: 'GET', url: '/metrics', ...keyCaller('owner', world.keys.owner) });
    expect(withKey.statusCode).toBe(401);
    expect(withKey.json().error.message).toMatch(/own token/);
    // No token configured: nobody reads them.
    const closed = await buildServer(ctx, { metricsToken: '' });
    expect(
      (await closed.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer ' } })).statusCode,
    ).toBe(401);
    await closed.close();
  });

  it('says the latency by route, the orders by situation, the backlogs, the jobs and the marketplace calls', async () => {
    expect(
      (await app.inject({ method: 'GET', url: '/orders?shop=shop-a', ...keyCaller('viewer', world.keys.viewer) }))
        .statusCode,
    ).toBe(200);
    jobMetrics.onRun('order-sync', 'ok', 12);
    jobMetrics.onRun('deadline-warnings', 'failed', 3);
    jobMetrics.onSkipped('tracking-poll');
    recordMarketplaceEvent({
      type: 'success',
      method: 'aliexpress.solution.order.fulfill',
      attempt: 1,
      durationMs: 40,
    });
    recordMarketplaceEvent({
      type: 'failure',
      method: 'aliexpress.solution.order.fulfill',
      attempt: 2,
      kind: 'permanent',
      code: 'X',
      durationMs: 40,
    });

    const scrape = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scrape.statusCode).toBe(200);
    expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const s = series(scrape.body);

    expect(
      s.get('shipby_http_request_duration_seconds_count{method="GET",route="/orders",status="200"}'),
    ).toBeGreaterThanOrEqual(1);
    // The open orders by situation are what situationsOf says of them.
    const open = await ctx.store.db.selectFrom('orders').selectAll().where(openStatusCondition()).execute();
    const expected = new Map<string, number>();
    for (const o of await situationsOf(ctx, open, ctx.now()))
      expected.set(o.situation?.kind ?? 'undetermined', (expected.get(o.situation?.kind ?? 'undetermined') ?? 0) + 1);
    expect(open.length).toBeGreaterThan(0);
    for (const [kind, n] of expected) expect(s.get(`shipby_open_orders{situation="${kind}"}`)).toBe(n);
    expect([...s].filter(([k]) => k.startsWith('shipby_open_orders{')).reduce((sum, [, n]) => sum + n, 0)).toBe(
      open.length,
    );
    const risky = (expected.get('at_risk') ?? 0) + (expected.get('will_miss') ?? 0);
    expect([...s].filter(([k]) => k.startsWith('shipby_orders_at_risk{')).reduce((sum, [, n]) => sum + n, 0)).toBe(
      risky,
    );

    expect(s.get('shipby_tracking_polls_overdue')).toBe(0);
    expect(s.get('shipby_tracking_lag_seconds')).toBe(0);
    expect(s.get('shipby_job_runs_total{job="order-sync",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(s.get('shipby_job_runs_total{job="deadline-warnings",outcome="failed"}')).toBeGreaterThanOrEqual(1);
    expect(s.get('shipby_job_turns_elsewhere_total{job="tracking-poll"}')).toBeGreaterThanOrEqual(1);
    expect(
      s.get(
        'shipby_marketplace_calls_total{platform="aliexpress",method="aliexpress.solution.order.fulfill",outcome="ok"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      s.get(
        'shipby_marketplace_calls_total{platform="aliexpress",method="aliexpress.solution.order.fulfill",outcome="failed_permanent"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(scrape.body).toContain('# TYPE shipby_outbox_pending gauge');
    expect(scrape.body).toContain('# TYPE shipby_outbox_oldest_age_seconds gauge');
    expect(s.has('shipby_process_process_cpu_seconds_total')).toBe(true);
  });
});
