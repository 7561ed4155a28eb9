/**
 * Issue 17: the pack station asks for the work plan again whenever the seller changes the number of stations, while
 * the plan for the old number may still be computing. The planner threads hold one computation per caller and refuse
 * a second meanwhile; the server used to pass that refusal on (429, an error on the screen). Now, on SQLite AND
 * PostgreSQL, the newer request waits for the running computation and is answered with the plan for its own station
 * count; a request still waiting when an even newer one comes is superseded (never computed), and a batch print
 * waits its turn without superseding the screen's poll. The planner here holds each computation until the test lets
 * it go and refuses a caller's second one meanwhile, as the planner threads do.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context';
import { TooManyAttemptsError } from '../../src/app/errors';
import { upsertOrders } from '../../src/app/orders';
import { runPlanTask, type PlanRunner } from '../../src/app/plan-compute';
import { localized } from '../../src/core/i18n';
import { HOUR_MS } from '../../src/core/time';
import { buildServer } from '../../src/http/server';
import type { Store } from '../../src/store/database';
import { backends, contextFor, manualClock } from '../support/backends';
import { waitUntil } from '../support/processes';
import { jsonOrder } from '../support/stock';

const DEADLINE = Date.UTC(2026, 10, 25, 2);
const plan = (stations: number) => `/plan?stations=${stations}&budget_ms=50`;

describe.each(backends)('changing the stations while a plan computes, on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let ctx: AppContext;
  let app: FastifyInstance;
  /** Computations the planner holds, in the order asked, with the stations each plans for. */
  let held: Array<{ stations: number; release: () => void }>;
  /** Requests that reached a /plan handler. */
  let arrived: string[];

  /** Held until released; a caller's second computation meanwhile is refused, as app/plan-pool.ts does. */
  const holdingPlanner = (): PlanRunner => {
    const callers = new Set<string>();
    return async (task, options = {}) => {
      const caller = options.caller;
      if (caller !== undefined && callers.has(caller))
        throw new TooManyAttemptsError(localized('still computing', '仍在计算'), 1, 'plan_in_progress');
      if (caller !== undefined) callers.add(caller);
      try {
        await new Promise<void>((release) => held.push({ stations: task.problem.input.stations.length, release }));
        return runPlanTask(task);
      } finally {
        if (caller !== undefined) callers.delete(caller);
      }
    };
  };
  const ask = (url: string) => app.inject({ method: 'GET', url, remoteAddress: '10.0.7.1' });
  const stationsOf = (body: { stations: Array<{ station: string }> }) => body.stations.map((s) => s.station);

  beforeEach(async () => {
    ({ store, dispose } = await backend.open());
    ctx = contextFor(store, manualClock(DEADLINE - 30 * HOUR_MS));
    const batch = Array.from({ length: 6 }, (_, i) => ({
      order: jsonOrder(`S${i}`, 'WAIT_SELLER_SEND_GOODS', [{ sku: 'A', quantity: 1 + (i % 3) }], {
        paid_at: '2026-11-20T00:00:00Z',
        risk_passed_at: '2026-11-20T02:00:00Z',
        handling_days: 5,
      }),
      row: i + 1,
    }));
    await upsertOrders(ctx, 'station-shop', batch, 'test');
    held = [];
    arrived = [];
    ctx.planner = holdingPlanner();
    app = await buildServer(ctx, { authentication: false });
    app.addHook('preHandler', async (request) => {
      if (request.url.startsWith('/plan')) arrived.push(request.url);
    });
  });
  afterEach(async () => {
    await app.close();
    await dispose();
  });

  it('answers the newer station count with its own plan once the running one is done, no 429', async () => {
    const two = ask(plan(2));
    await waitUntil(() => expect(held).toHaveLength(1));
    const three = ask(plan(3));
    await waitUntil(() => expect(arrived).toContain(plan(3)));
    // The second waits for the first: the planner is not asked for it meanwhile.
    expect(held.map((h) => h.stations)).toEqual([2]);
    held[0]!.release();
    await waitUntil(() => expect(held).toHaveLength(2));
    held[1]!.release();
    const [first, second] = await Promise.all([two, three]);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(stationsOf(first.json())).toEqual(['station-1', 'station-2']);
    expect(stationsOf(second.json())).toEqual(['station-1', 'station-2', 'station-3']);
    expect(held.map((h) => h.stations)).toEqual([2, 3]);
  });

  it('the newest request wins: one still waiting is superseded and never computed', async () => {
    const two = ask(plan(2));
    await waitUntil(() => expect(held).toHaveLength(1));
    const three = ask(plan(3));
    await waitUntil(() => expect(arrived).toContain(plan(3)));
    const four = ask(plan(4));
    const fourAgain = ask(plan(4));
    await waitUntil(() => expect(arrived.filter((u) => u === plan(4))).toHaveLength(2));
    held[0]!.release();
    await waitUntil(() => expect(held).toHaveLength(2));
    held[1]!.release();
    const answers = await Promise.all([two, three, four, fourAgain]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 409, 200, 200]);
    expect(answers[1]!.json().error.message).toMatch(/newer plan/);
    expect(stationsOf(answers[2]!.json())).toHaveLength(4);
    expect(answers[3]!.json()).toEqual(answers[2]!.json());
    // The superseded plan for 3 stations was never computed; the two asks for 4 shared one computation.
    expect(held.map((h) => h.stations)).toEqual([2, 4]);
  });

  it("a refresh of the stored plans waits for the caller's running plan instead of a 429", async () => {
    // A stored plan to refresh: the caller's plan without a what-if (a what-if is not stored).
    const first = ask('/plan?budget_ms=50');
    await waitUntil(() => expect(held).toHaveLength(1));
    held[0]!.release();
    expect((await first).statusCode).toBe(200);
    const three = ask(plan(3));
    await waitUntil(() => expect(held).toHaveLength(2));
    const refresh = app.inject({
      method: 'POST',
      url: '/plan/refresh',
      payload: { mode: 'full' },
      remoteAddress: '10.0.7.1',
    });
    await waitUntil(() => expect(arrived).toContain('/plan/refresh'));
    expect(held).toHaveLength(2);
    held[1]!.release();
    await waitUntil(() => expect(held).toHaveLength(3));
    held[2]!.release();
    const answers = await Promise.all([three, refresh]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    expect(answers[1]!.json().plans.length).toBeGreaterThan(0);
  });

  it("a batch print waits for the screen's running poll and does not supersede the one waiting after it", async () => {
    const two = ask(plan(2));
    await waitUntil(() => expect(held).toHaveLength(1));
    const three = ask(plan(3));
    await waitUntil(() => expect(arrived).toContain(plan(3)));
    const print = ask('/plan/picking-list.pdf?stations=3');
    await waitUntil(() => expect(arrived).toContain('/plan/picking-list.pdf?stations=3'));
    for (let n = 1; n <= 3; n++) {
      await waitUntil(() => expect(held).toHaveLength(n));
      held[n - 1]!.release();
    }
    const answers = await Promise.all([two, three, print]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(answers[2]!.headers['content-type']).toMatch(/application\/pdf/);
    expect(held.map((h) => h.stations)).toEqual([2, 3, 3]);
  });
});
