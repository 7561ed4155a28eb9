/**
 * Security issue, finding 1: the planner runs in planner threads, never on the event loop. While five maximal plan
 * requests (budget_ms 10,000, one station, hundreds of late orders) search, `/health` answers — before any of
 * them finishes. The same requests planned in-process (what the server did before) hold `/health` until a plan
 * is done: the control that shows the test sees the difference. One computation per caller at a time (another
 * request of the caller waits its turn; the same request again shares the running computation), and a bounded
 * queue: past it, 429 with Retry-After.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { upsertOrders } from '../../src/app/orders';
import { runPlanTask, type PlanRunner } from '../../src/app/plan-compute';
import { PlanPool } from '../../src/app/plan-pool';
import { HOUR_MS } from '../../src/core/time';
import { buildServer } from '../../src/http/server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { waitUntil } from '../support/processes';
import { jsonOrder } from '../support/stock';

const DEADLINE = Date.UTC(2026, 10, 25, 2);
const MAXIMAL = '/plan?stations=1&budget_ms=10000&shift=09:00-18:00';
const sqlite = backends.filter((b) => b.name === 'sqlite');

describe.each(sqlite)('planner off the event loop on $name', { timeout: 180_000 }, (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, manualClock(DEADLINE - 30 * HOUR_MS));
    // 120 orders of several units on one station: far more work than the shifts before their deadlines hold, so
    // many are late and the search uses its whole budget.
    const batch = Array.from({ length: 120 }, (_, i) => ({
      order: jsonOrder(`H${i}`, 'WAIT_SELLER_SEND_GOODS', [{ sku: 'A', quantity: 2 + (i % 5) }], {
        paid_at: '2026-11-20T00:00:00Z',
        risk_passed_at: '2026-11-20T02:00:00Z',
        handling_days: 4 + (i % 3),
      }),
      row: i + 1,
    }));
    await upsertOrders(ctx, 'heavy-shop', batch, 'test');
  });
  afterAll(async () => dispose());

  /** Five callers ask for a maximal plan at once; once `started` plans are computing, /health is asked. */
  async function healthDuringPlans(app: FastifyInstance, counted: { started: number }) {
    const finished: number[] = [];
    const plans = Array.from({ length: 5 }, (_, i) =>
      app.inject({ method: 'GET', url: MAXIMAL, remoteAddress: `10.0.0.${i + 1}` }).then((r) => (finished.push(i), r)),
    );
    await waitUntil(() => expect(counted.started).toBeGreaterThanOrEqual(1));
    const health = await app.inject({ method: 'GET', url: '/health' });
    const finishedBeforeHealth = finished.length;
    const answers = await Promise.all(plans);
    return { health, finishedBeforeHealth, answers };
  }

  it('answers /health while five maximal plans run in planner threads, before any of them finishes', async () => {
    const pool = new PlanPool({ threads: 2, maxBudgetMs: 500 });
    const counted = { started: 0 };
    ctx.planner = (task, options) => (counted.started++, pool.run(task, options));
    const app = await buildServer(ctx, { authentication: false });
    try {
      const { health, finishedBeforeHealth, answers } = await healthDuringPlans(app, counted);
      expect(health.statusCode).toBe(200);
      expect(health.json()).toMatchObject({ ok: true });
      expect(finishedBeforeHealth).toBe(0);
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
      for (const a of answers)
        expect(a.json()).toMatchObject({ jobs: 120, stations: [expect.objectContaining({ station: 'station-1' })] });
      expect(answers[0]!.json().late.length).toBeGreaterThan(0);
    } finally {
      await app.close();
      await pool.close();
      delete ctx.planner;
    }
  });

  it('control: planned in-process, as before, /health waits until a plan has finished', async () => {
    const counted = { started: 0 };
    const inProcess: PlanRunner = async (task) => (
      counted.started++, runPlanTask({ ...task, settings: { ...task.settings, timeBudgetMs: 300 } })
    );
    ctx.planner = inProcess;
    const app = await buildServer(ctx, { authentication: false });
    try {
      const { health, finishedBeforeHealth } = await healthDuringPlans(app, counted);
      expect(health.statusCode).toBe(200);
      expect(finishedBeforeHealth).toBeGreaterThan(0);
    } finally {
      await app.close();
      delete ctx.planner;
    }
  });

  it('one plan per caller at a time (the next waits), a bounded queue, 429 with Retry-After past it; the budget is capped', async () => {
    const pool = new PlanPool({ threads: 1, maxQueued: 1, maxBudgetMs: 500 });
    ctx.planner = pool.run;
    const app = await buildServer(ctx, { authentication: false });
    try {
      // The same request twice from one caller (a screen re-polling): one computation, the same answer to both.
      const twice = await Promise.all(
        [0, 1].map(() => app.inject({ method: 'GET', url: MAXIMAL, remoteAddress: '10.0.1.1' })),
      );
      expect(twice.map((r) => r.statusCode)).toEqual([200, 200]);
      expect(twice[1]!.json()).toEqual(twice[0]!.json());
      // Another plan from the same caller waits for the first instead of being refused (issue 17): each is answered
      // with its own plan.
      const same = await Promise.all(
        [MAXIMAL, `${MAXIMAL}&hourly_cost=5`].map((url) =>
          app.inject({ method: 'GET', url, remoteAddress: '10.0.1.1', headers: { 'accept-language': 'zh-CN' } }),
        ),
      );
      expect(same.map((r) => r.statusCode)).toEqual([200, 200]);
      // Three callers on one thread and a queue of one: the third is told the planner is busy.
      const three = await Promise.all(
        [1, 2, 3].map((i) => app.inject({ method: 'GET', url: MAXIMAL, remoteAddress: `10.0.2.${i}` })),
      );
      expect(three.map((r) => r.statusCode).sort()).toEqual([200, 200, 429]);
      const busy = three.find((r) => r.statusCode === 429)!;
      expect(busy.json().error.code).toBe('planner_busy');
      expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0);
      // When the caller's plan is done, the next one is accepted.
      expect((await app.inject({ method: 'GET', url: MAXIMAL, remoteAddress: '10.0.1.1' })).statusCode).toBe(200);
      // budget_ms 10,000 is capped server-side: the stored plan records what the search took.
      const stored = (
        await app.inject({ method: 'GET', url: '/plan?budget_ms=10000&refresh=full', remoteAddress: '10.0.3.1' })
      ).json();
      expect(stored.stored).toMatchObject({ recomputed: true });
      expect(stored.stored.compute_ms).toBeLessThan(10_000);
    } finally {
      await app.close();
      await pool.close();
      delete ctx.planner;
    }
  });
});
