/**
 * What /metrics says (Prometheus, prom-client). Two kinds of figures:
 * - this process's counters, kept as things happen: job runs and failures by job (jobs/cluster.ts reports them),
 *   marketplace calls by method and outcome (every AliExpress client made by app/marketplace.ts reports them), and
 *   Node's own (CPU, memory, event-loop lag);
 * - the store's state, read when scraped (at most every SCRAPE_CACHE_MS): open orders by situation — the one
 *   situation of core/situation.ts, read through situationsOf, never recomputed here — at-risk and will-miss counts
 *   by shop, outbox rows waiting and the oldest's age, and the tracking lag (parcels overdue for a poll, and by how
 *   long the most overdue waits).
 * HTTP latency by route is the server's own (http/metrics.ts).
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { SITUATION_KINDS } from '../core/situation';
import type { ClientEvent } from '../integrations/aliexpress/client-types';
import { openOrdersPage, outboxBacklog, pollBacklog } from '../store/backlogs';
import type { AppContext } from './context';
import { situationsOf } from './order-situation';

/** The registry of this process's counters (one per process; merged into each scrape). */
export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: 'shipby_process_' });

const jobRuns = new Counter({
  name: 'shipby_job_runs_total',
  help: 'Runs of each background job in this process, by outcome (ok, failed)',
  labelNames: ['job', 'outcome'],
  registers: [processRegistry],
});
const jobTurnsElsewhere = new Counter({
  name: 'shipby_job_turns_elsewhere_total',
  help: "Turns of each job this process found taken by another process (its run was another's)",
  labelNames: ['job'],
  registers: [processRegistry],
});
const jobSeconds = new Counter({
  name: 'shipby_job_run_seconds_total',
  help: 'Time spent in each background job in this process',
  labelNames: ['job'],
  registers: [processRegistry],
});
const marketplaceCalls = new Counter({
  name: 'shipby_marketplace_calls_total',
  help: 'Marketplace API calls by method and outcome (ok, retried, failed with its error kind)',
  labelNames: ['platform', 'method', 'outcome'],
  registers: [processRegistry],
});

/** The job hooks that count runs (to pass to startAllJobs). */
export const jobMetrics = {
  onRun(job: string, outcome: 'ok' | 'failed', ms: number) {
    jobRuns.inc({ job, outcome });
    jobSeconds.inc({ job }, ms / 1000);
  },
  onSkipped(job: string) {
    jobTurnsElsewhere.inc({ job });
  },
};

/** Counts one AliExpress client event: each attempt's end, as ok, retried or failed (with the error's kind). */
export function recordMarketplaceEvent(event: ClientEvent): void {
  if (event.type === 'success') marketplaceCalls.inc({ platform: 'aliexpress', method: event.method, outcome: 'ok' });
  else if (event.type === 'retry')
    marketplaceCalls.inc({ platform: 'aliexpress', method: event.method, outcome: 'retried' });
  else if (event.type === 'failure')
    marketplaceCalls.inc({ platform: 'aliexpress', method: event.method, outcome: `failed_${event.kind}` });
}

const SCRAPE_CACHE_MS = 10_000;
const PAGE = 1000;

interface StoreFigures {
  bySituation: Map<string, number>;
  atRisk: Map<string, { at_risk: number; will_miss: number }>;
  outbox: Array<{ kind: string; pending: number; oldest: number | null }>;
  polls: { overdue: number; oldestDue: number | null };
}

/** The store's figures now: open orders by situation (from situationsOf), at risk by shop, outbox, tracking lag. */
async function storeFigures(ctx: AppContext): Promise<StoreFigures> {
  const bySituation = new Map<string, number>(SITUATION_KINDS.map((k) => [k, 0]));
  bySituation.set('undetermined', 0);
  const atRisk = new Map<string, { at_risk: number; will_miss: number }>();
  const now = ctx.now();
  for (let after = 0; ; ) {
    const rows = await openOrdersPage(ctx.store.db, after, PAGE);
    if (rows.length === 0) break;
    after = rows.at(-1)!.id;
    for (const s of await situationsOf(ctx, rows, now)) {
      const kind = s.situation?.kind ?? 'undetermined';
      bySituation.set(kind, (bySituation.get(kind) ?? 0) + 1);
      if (kind === 'at_risk' || kind === 'will_miss') {
        const shop = atRisk.get(s.order.shop_id) ?? { at_risk: 0, will_miss: 0 };
        shop[kind] += 1;
        atRisk.set(s.order.shop_id, shop);
      }
    }
    if (rows.length < PAGE) break;
  }
  const [outbox, polls] = await Promise.all([outboxBacklog(ctx.store.db), pollBacklog(ctx.store.db, now)]);
  return { bySituation, atRisk, outbox, polls };
}

/** A registry of the store's gauges for `ctx`, read when scraped (cached SCRAPE_CACHE_MS, one read at a time). */
export function storeRegistry(ctx: AppContext): Registry {
  const registry = new Registry();
  let cached: { at: number; figures: Promise<StoreFigures> } | undefined;
  const figures = () => {
    const now = Date.now();
    if (!cached || now - cached.at > SCRAPE_CACHE_MS) {
      const read = storeFigures(ctx);
      cached = { at: now, figures: read };
      read.catch(() => {
        if (cached?.figures === read) cached = undefined;
      });
    }
    return cached.figures;
  };
  new Gauge({
    name: 'shipby_open_orders',
    help: 'Open orders by situation (core/situation.ts: open, at_risk, will_miss, …; undetermined: no deadline yet or facts that cannot be judged)',
    labelNames: ['situation'],
    registers: [registry],
    async collect() {
      const f = await figures();
      this.reset();
      for (const [situation, n] of f.bySituation) this.set({ situation }, n);
    },
  });
  new Gauge({
    name: 'shipby_orders_at_risk',
    help: 'Open orders at risk or that will miss their deadline, by shop',
    labelNames: ['shop', 'situation'],
    registers: [registry],
    async collect() {
      const f = await figures();
      this.reset();
      for (const [shop, n] of f.atRisk)
        for (const situation of ['at_risk', 'will_miss'] as const) this.set({ shop, situation }, n[situation]);
    },
  });
  new Gauge({
    name: 'shipby_outbox_pending',
    help: 'Outbox rows waiting to be delivered (pending or in flight), by kind',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const f = await figures();
      this.reset();
      for (const row of f.outbox) this.set({ kind: row.kind }, row.pending);
    },
  });
  new Gauge({
    name: 'shipby_outbox_oldest_age_seconds',
    help: 'Age of the oldest outbox row still waiting, by kind',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const f = await figures();
      this.reset();
      for (const row of f.outbox)
        if (row.oldest !== null) this.set({ kind: row.kind }, Math.max(0, (ctx.now() - row.oldest) / 1000));
    },
  });
  new Gauge({
    name: 'shipby_tracking_polls_overdue',
    help: 'Parcels whose tracking poll is due and not done yet',
    registers: [registry],
    async collect() {
      this.set((await figures()).polls.overdue);
    },
  });
  new Gauge({
    name: 'shipby_tracking_lag_seconds',
    help: 'How long the most overdue tracking poll has waited (0 when none is overdue)',
    registers: [registry],
    async collect() {
      const { oldestDue } = (await figures()).polls;
      this.set(oldestDue === null ? 0 : Math.max(0, (ctx.now() - oldestDue) / 1000));
    },
  });
  return registry;
}
