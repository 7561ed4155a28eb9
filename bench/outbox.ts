/**
 * npm run bench:outbox — tracking uploads per second through the outbox to the fake marketplace on PostgreSQL, with 1
 * and with 3 worker processes (the real entrypoint, src/jobs/outbox-worker-main.ts), while the fake answers 20 % of
 * the fulfil and order-detail calls with the AliExpress gateway's real error shapes. In the same run, the fake's own
 * limit: fulfil calls per second that 3 load processes get from it without any database, and the ratio of each outbox
 * rate to that limit. Per run it also prints the CPU the workers and the fake used per upload, how busy the whole
 * machine was, and how many rows each record transaction wrote.
 *
 * The errors (ERROR_RATE, default 0.2; 0 for a clean run), drawn by the fake's seeded fault roll: the `/sync`
 * gateway's documented answers in test/fixtures/aliexpress/gateway-errors/ — `ApiCallLimit` and `ServiceUnavailable`
 * (never applied), `isp.*` (applied half of the time: the backend may have acted), one `IllegalAccessToken` per run
 * (the worker refreshes the token once at `/auth/token/refresh` and goes on), a few `isv.*` business refusals (the
 * upload is parked with the platform's reason) — and two unreadable answers: an HTML page instead of JSON (applied
 * half of the time) and the platform's answer cut off after the change was applied.
 *
 * At the end of each run it asserts, per order, from the fake's record of accepted declarations and the outbox:
 *   exactly once — accepted once by the fake, delivered in shipby;
 *   parked       — not accepted, and the outbox row is refused/dead with the platform's reason;
 *   lost         — neither (not accepted and no reason, or delivered in shipby but not accepted by the fake);
 *   doubled      — accepted more than once by the fake;
 *   mismatched   — accepted by the fake but not delivered in shipby.
 * It exits non-zero when any run has lost, doubled or mismatched orders.
 * Per run it prints where the time went (bench/lib/outbox-tail.ts): the time to 50, 95, 99 and 100 % delivered, the
 * uploads by the tries they took, and for the last 5 %, the last 1 % and the last upload, the mean wait per upload
 * queued before its first try, in backoff (the retry policy), due before a worker took it, and in flight.
 *   PARCELS (default 10,000) per run; WORKER_CONCURRENCY (default 24) deliveries in flight per worker;
 *   RUN_TIMEOUT_MS (default 900,000): the workers are stopped then, and what is left counts as lost.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createContext, type AppContext } from '../src/app/context';
import { API } from '../src/integrations/aliexpress/protocol';
import type { FaultConfig } from '../src/integrations/aliexpress/fake-server';
import { startFakeAliExpressServer, type FakeAliExpressServer } from '../src/integrations/aliexpress/fake-server';
import { migrateToLatest, openStore } from '../src/store/database';
import { createScratchDatabase } from '../src/store/pg-admin';
import {
  FAKE_APP_KEY,
  FAKE_APP_SECRET,
  FAKE_TOKEN,
  TEST_MASTER_KEY_TEXT,
  authoriseFakeShop,
  seedOrders,
  shipAll,
} from '../test/support/outbox-fixtures';
import { newCallLog, tailBreakdown, tailLines, type CallLog } from './lib/outbox-tail';

const PARCELS = Number(process.env.PARCELS ?? 10_000);
const CONCURRENCY = Number(process.env.WORKER_CONCURRENCY ?? 24);
const ERROR_RATE = Number(process.env.ERROR_RATE ?? 0.2);
const RUN_TIMEOUT_MS = Number(process.env.RUN_TIMEOUT_MS ?? 900_000);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsx = path.join(root, 'node_modules/tsx/dist/loader.mjs');
// e.g. BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the workers and load processes.
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', tsx, path.join(root, script), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Past the run's budget: SIGTERM, the worker records what is in flight and prints its line.
    signal?.addEventListener('abort', () => child.kill('SIGTERM'), { once: true });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited ${code}: ${err}`))));
  });
}

async function outboxRun(
  ctx: AppContext,
  fake: FakeAliExpressServer,
  url: string,
  workers: number,
  shop: string,
  firstId: number,
  firstSerial: number,
  calls: CallLog,
) {
  await authoriseFakeShop(ctx, fake, shop);
  const seeded = await seedOrders(ctx, fake, { shop, count: PARCELS, parcelsOf: () => 1, firstId });
  await shipAll(ctx, seeded, firstSerial);
  fake.resetStats();
  if (ERROR_RATE > 0) fake.setFaults(realErrorFaults(ERROR_RATE));
  const started = Date.now();
  const machineBefore = machineCpu();
  const benchCpuBefore = process.cpuUsage();
  const budget = AbortSignal.timeout(RUN_TIMEOUT_MS);
  const outputs = await Promise.all(
    Array.from({ length: workers }, (_, i) =>
      run(
        'src/jobs/outbox-worker-main.ts',
        ['--drain'],
        {
          DATABASE_URL: url,
          SHIPBY_MASTER_KEY: TEST_MASTER_KEY_TEXT,
          SHIPBY_WORKER_ID: `${shop}-w${i + 1}`,
          SHIPBY_OUTBOX_CONCURRENCY: String(CONCURRENCY),
          SHIPBY_OUTBOX_IDLE_POLL_MS: '100',
        },
        budget,
      ),
    ),
  );
  const wallMs = Date.now() - started;
  const machine = machineCpu();
  const benchCpu = process.cpuUsage(benchCpuBefore);
  // Each worker's last line: its counts and CPU time (start-up included).
  const workerStats = outputs.map(
    (text) => JSON.parse(text.trim().split('\n').pop()!) as { transactions: number; claimed: number; cpu_ms: number },
  );
  // From the first recorded attempt to the last upload delivered: the workers' start-up (tsx) is not counted.
  const { rows } = await sql<{ first_at: string; last_done: string; last_any: string; delivered: string }>`
    select (select min(e.at) from order_events e join orders o on o.id = e.order_id where o.shop_id = ${shop} and e.kind = 'upload_attempt') as first_at,
           (select max(done_at) from outbox where shop_id = ${shop}) as last_any,
           max(done_at) as last_done, count(*) as delivered
    from outbox where shop_id = ${shop} and kind = 'upload_tracking' and status = 'delivered'`.execute(ctx.store.db);
  const row = rows[0]!;
  const activeMs = Number(row.last_done) - Number(row.first_at);
  const stats = fake.stats();
  const counts = await exactlyOnceCounts(ctx, fake, shop, firstId);
  // With errors injected, the last uploads wait out the retry backoff (2 s, 4 s, 8 s… after consecutive failures):
  // the time to 95 % delivered separates the throughput from that deliberate tail.
  const { rows: p95Rows } = await sql<{ p95: string }>`
    select percentile_disc(0.95) within group (order by done_at) as p95
    from outbox where shop_id = ${shop} and kind = 'upload_tracking' and status = 'delivered'`.execute(ctx.store.db);
  const p95Ms = Number(p95Rows[0]!.p95) - Number(row.first_at);
  const tail = await tailBreakdown(ctx.store.db, shop, Number(row.first_at), calls);
  const injected = fake.stats().outcomes.injectedGatewayError;
  fake.clearFaults();
  const requestsPerSecond = stats.total / ((Number(row.last_any) - Number(row.first_at)) / 1000);
  const delivered = Number(row.delivered);
  const cpu = {
    workerMsPerUpload: workerStats.reduce((sum, w) => sum + w.cpu_ms, 0) / delivered,
    // This process: the fake marketplace answering (and the bench's own idle waiting).
    fakeMsPerUpload: (benchCpu.user + benchCpu.system) / 1000 / delivered,
    // Every process on the machine (PostgreSQL, the workers, the fake, and whatever else runs), over the wall time.
    machineBusy: (machine.busy - machineBefore.busy) / (machine.total - machineBefore.total),
    recordTransactions: workerStats.reduce((sum, w) => sum + w.transactions, 0),
    claimed: workerStats.reduce((sum, w) => sum + w.claimed, 0),
  };
  return {
    workers,
    delivered,
    counts,
    injected,
    // `/rest` calls in the run: the token refreshes after the injected IllegalAccessToken.
    refreshes: stats.byGateway.rest,
    p95Ms,
    tail,
    uploadsPerSecondTo95: (0.95 * delivered) / (p95Ms / 1000),
    activeMs,
    wallMs,
    uploadsPerSecond: delivered / (activeMs / 1000),
    requests: stats.total,
    requestsPerSecond,
    cpu,
  };
}

/**
 * The `/sync` gateway's documented error answers (fixtures) on fulfil and order-detail calls; the shop speaks IOP, so
 * the TOP gateway's shapes (`top-*.json`) are left out: `/sync` never sends them.
 */
function realErrorFaults(rate: number): FaultConfig {
  const dir = path.join(root, 'test/fixtures/aliexpress/gateway-errors');
  const body = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
  return {
    seed: 20,
    gatewayError: {
      probability: rate,
      methods: [API.fulfill, API.orderDetail],
      bodies: [
        { body: body('sync-api-call-limit.json'), commit: 'before' },
        { body: body('sync-system-service-unavailable.json'), commit: 'before' },
        { body: body('sync-isp-failure.json'), commit: 'random' },
        { unreadable: 'not_json', commit: 'random' },
        { unreadable: 'cut_off', commit: 'after' },
        // A token refused in use: refreshed once, then the uploads go on with the new token.
        { body: body('sync-illegal-access-token.json'), commit: 'before', count: 1 },
        // A business refusal: the upload is parked with the platform's message (a handful, so the figure stays one
        // of uploads).
        { body: body('sync-isv-business-refusal.json'), commit: 'before', count: 5 },
      ],
    },
  };
}

interface ExactlyOnceCounts {
  orders: number;
  exactlyOnce: number;
  parked: number;
  /** Parked rows by status and the code their reason starts with. */
  parkedReasons: Record<string, number>;
  lost: number;
  doubled: number;
  mismatched: number;
}

/** Per order of the run: the fake's accepted fulfil declarations against the outbox's upload row. */
async function exactlyOnceCounts(
  ctx: AppContext,
  fake: FakeAliExpressServer,
  shop: string,
  firstId: number,
): Promise<ExactlyOnceCounts> {
  const acceptedPerOrder = new Map<string, number>();
  for (const d of fake.marketplace.declarations) {
    if (d.api !== 'fulfill' || !d.accepted) continue;
    if (d.orderId < String(firstId) || d.orderId >= String(firstId + PARCELS * 10)) continue;
    acceptedPerOrder.set(d.orderId, (acceptedPerOrder.get(d.orderId) ?? 0) + 1);
  }
  const rows = await ctx.store.db
    .selectFrom('outbox')
    .innerJoin('orders', 'orders.id', 'outbox.order_id')
    .select(['orders.platform_order_id', 'outbox.status', 'outbox.last_error'])
    .where('outbox.shop_id', '=', shop)
    .where('outbox.kind', '=', 'upload_tracking')
    .execute();
  const counts: ExactlyOnceCounts = {
    orders: rows.length,
    exactlyOnce: 0,
    parked: 0,
    parkedReasons: {},
    lost: 0,
    doubled: 0,
    mismatched: 0,
  };
  for (const row of rows) {
    const accepted = acceptedPerOrder.get(row.platform_order_id) ?? 0;
    const delivered = row.status === 'delivered';
    if (accepted > 1) counts.doubled++;
    else if (accepted === 1 && delivered) counts.exactlyOnce++;
    else if (accepted === 1) counts.mismatched++;
    else if (!delivered && (row.status === 'refused' || row.status === 'dead') && row.last_error) {
      counts.parked++;
      const key = `${row.status}: ${row.last_error.split(/[\s:]/)[0]}`;
      counts.parkedReasons[key] = (counts.parkedReasons[key] ?? 0) + 1;
    } else counts.lost++;
  }
  return counts;
}

/** Jiffies of all CPUs since boot: busy (everything but idle and iowait) and total. */
function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  return { busy: total - fields[3]! - (fields[4] ?? 0), total };
}

function cpuLine(run: Awaited<ReturnType<typeof outboxRun>>): string {
  const c = run.cpu;
  return `   CPU: workers ${c.workerMsPerUpload.toFixed(2)} ms/upload (start-up included), fake ${c.fakeMsPerUpload.toFixed(2)} ms/upload, machine ${(c.machineBusy * 100).toFixed(0)} % busy; ${c.recordTransactions} record transactions (${(c.claimed / Math.max(1, c.recordTransactions)).toFixed(1)} rows each)`;
}

async function main(): Promise<void> {
  const calls = newCallLog();
  const fake = await startFakeAliExpressServer({
    appKey: FAKE_APP_KEY,
    appSecret: FAKE_APP_SECRET,
    accessTokens: [FAKE_TOKEN],
    seed: 1,
    onCall: (call) => calls.onCall(call),
  });
  const scratch = await createScratchDatabase('shipby_bench');
  const store = openStore(scratch.url, { poolSize: 4 });
  try {
    await migrateToLatest(store);
    const ctx = createContext(store);
    console.log(
      `outbox benchmark: ${PARCELS} parcels per run, PostgreSQL, fake marketplace in this process, ${CONCURRENCY} in flight per worker${ERROR_RATE > 0 ? `, real gateway errors injected on ${(ERROR_RATE * 100).toFixed(0)} % of fulfil and detail calls` : ''}`,
    );

    const one = await outboxRun(ctx, fake, scratch.url, 1, 'bench1', 8100000000000000, 0, calls);
    console.log(
      `1 worker : ${one.delivered} uploads in ${(one.activeMs / 1000).toFixed(1)} s = ${one.uploadsPerSecond.toFixed(0)} uploads/s (${one.requests} requests incl. retries and read-backs; wall ${(one.wallMs / 1000).toFixed(1)} s)`,
    );
    console.log(cpuLine(one));
    const three = await outboxRun(ctx, fake, scratch.url, 3, 'bench3', 8200000000000000, 1_000_000, calls);
    console.log(
      `3 workers: ${three.delivered} uploads in ${(three.activeMs / 1000).toFixed(1)} s = ${three.uploadsPerSecond.toFixed(0)} uploads/s (${three.requests} requests incl. retries and read-backs; wall ${(three.wallMs / 1000).toFixed(1)} s)`,
    );
    console.log(cpuLine(three));
    for (const r of [one, three]) {
      const c = r.counts;
      console.log(
        `   ${r.workers} worker(s): ${r.injected} errors injected, ${r.refreshes} token refresh(es); of ${c.orders} orders ${c.exactlyOnce} uploaded exactly once, ${c.parked} parked with a reason${
          c.parked
            ? ` (${Object.entries(c.parkedReasons)
                .map(([k, v]) => `${v} ${k}`)
                .join(', ')})`
            : ''
        }; lost ${c.lost}, doubled ${c.doubled}, mismatched ${c.mismatched}; 95 % delivered in ${(r.p95Ms / 1000).toFixed(1)} s = ${r.uploadsPerSecondTo95.toFixed(0)} uploads/s`,
      );
      for (const line of tailLines(r.workers, r.tail)) console.log(line);
    }

    // The fake's own limit: the same fulfil call from 3 load processes, no database, no outbox.
    const loadFirst = 8300000000000000;
    for (let i = 0; i < PARCELS; i++) {
      fake.marketplace.addOrder(
        {
          order_id: String(loadFirst + i * 10),
          status: 'WAIT_SELLER_SEND_GOODS',
          lines: [{ sku: 'S', quantity: 1, unit_price: '1.00' }],
        },
        fake.now(),
      );
    }
    fake.marketplace.invalidate();
    fake.resetStats();
    const per = Math.floor(PARCELS / 3);
    const loads = await Promise.all(
      [0, 1, 2].map((i) =>
        run('bench/lib/fake-load.ts', [
          fake.url,
          String(loadFirst + i * per * 10),
          String(per),
          String(CONCURRENCY),
          String(2_000_000 + i * per),
        ]),
      ),
    );
    const results = loads.map(
      (text) =>
        JSON.parse(text.trim().split('\n').pop()!) as {
          requests: number;
          failures: number;
          startedAt: number;
          endedAt: number;
        },
    );
    const limitMs = Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt));
    const limitRequests = results.reduce((sum, r) => sum + r.requests - r.failures, 0);
    const fakeLimit = limitRequests / (limitMs / 1000);
    console.log(
      `fake limit: ${limitRequests} fulfil calls in ${(limitMs / 1000).toFixed(1)} s = ${fakeLimit.toFixed(0)} requests/s (3 load processes, ${CONCURRENCY} in flight each)`,
    );
    const ratio1 = one.uploadsPerSecond / fakeLimit;
    const ratio3 = three.uploadsPerSecond / fakeLimit;
    console.log(
      `ratio to the fake's limit: 1 worker ${ratio1.toFixed(2)}, 3 workers ${ratio3.toFixed(2)} (AliExpress gets no buyer notices: the requests are uploads, their retries and read-backs)`,
    );
    console.log(
      `requests/s through the outbox (uploads, retries, read-backs): 1 worker ${one.requestsPerSecond.toFixed(0)}, 3 workers ${three.requestsPerSecond.toFixed(0)} = ${(one.requestsPerSecond / fakeLimit).toFixed(2)} and ${(three.requestsPerSecond / fakeLimit).toFixed(2)} of the limit`,
    );
    console.log(
      JSON.stringify({
        parcels: PARCELS,
        concurrency_per_worker: CONCURRENCY,
        uploads_per_s_1_worker: Math.round(one.uploadsPerSecond),
        uploads_per_s_3_workers: Math.round(three.uploadsPerSecond),
        fake_limit_requests_per_s: Math.round(fakeLimit),
        ratio_1_worker: Number(ratio1.toFixed(3)),
        ratio_3_workers: Number(ratio3.toFixed(3)),
        requests_per_s_1_worker: Math.round(one.requestsPerSecond),
        requests_per_s_3_workers: Math.round(three.requestsPerSecond),
        request_ratio_1_worker: Number((one.requestsPerSecond / fakeLimit).toFixed(3)),
        request_ratio_3_workers: Number((three.requestsPerSecond / fakeLimit).toFixed(3)),
        requests_per_upload_1_worker: Number((one.requests / one.delivered).toFixed(2)),
        requests_per_upload_3_workers: Number((three.requests / three.delivered).toFixed(2)),
        worker_cpu_ms_per_upload_1_worker: Number(one.cpu.workerMsPerUpload.toFixed(2)),
        worker_cpu_ms_per_upload_3_workers: Number(three.cpu.workerMsPerUpload.toFixed(2)),
        machine_busy_1_worker: Number(one.cpu.machineBusy.toFixed(2)),
        machine_busy_3_workers: Number(three.cpu.machineBusy.toFixed(2)),
        error_rate: ERROR_RATE,
        uploads_per_s_to_95pct_1_worker: Math.round(one.uploadsPerSecondTo95),
        uploads_per_s_to_95pct_3_workers: Math.round(three.uploadsPerSecondTo95),
        seconds_to_50_95_99_100pct_1_worker: Object.values(one.tail.toPercent).map((ms) =>
          Number((ms / 1000).toFixed(1)),
        ),
        seconds_to_50_95_99_100pct_3_workers: Object.values(three.tail.toPercent).map((ms) =>
          Number((ms / 1000).toFixed(1)),
        ),
        errors_injected_1_worker: one.injected,
        errors_injected_3_workers: three.injected,
        exactly_once: one.counts.exactlyOnce + three.counts.exactlyOnce,
        parked: one.counts.parked + three.counts.parked,
        lost: one.counts.lost + three.counts.lost,
        doubled: one.counts.doubled + three.counts.doubled,
        mismatched: one.counts.mismatched + three.counts.mismatched,
      }),
    );
    const wrong = [one, three].reduce((sum, r) => sum + r.counts.lost + r.counts.doubled + r.counts.mismatched, 0);
    if (wrong > 0) {
      console.error(`FAILED: ${wrong} orders lost, doubled or mismatched`);
      process.exitCode = 1;
    }
  } finally {
    await store.close();
    await scratch.drop();
    await fake.close();
  }
}

await main();
