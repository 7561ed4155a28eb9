/**
 * npm run bench:api — what authentication costs the API (issue 10). autocannon with 50 connections on loopback
 * against `GET /orders?shop=…&limit=50` (a page of 50 of SEED orders) and the upsert `POST /orders`, each against
 * the same server with authentication on (every request carries `Authorization: Bearer <API key>`, an owner key
 * of the shop) and off (the limit), in the same run, on the same SQLite database file. The server runs in a
 * child process (bench/lib/api-server.ts) so autocannon's CPU does not share its event loop. The servers are
 * started on, off, off, on, … (ROUNDS pairs, ABBA against drift); each endpoint gets WARMUP s of warm-up, then
 * SECONDS s measured; the median of the rounds is reported, with the server's own CPU per request (µs, read
 * from the child) beside each rate. Rate limiting stays on in both (perMinute 1e9): with a key, its bucket is
 * keyed by the verified key's id, without one by the IP; the real access log is on (bench/lib/api-server.ts). The API key lookup alone is measured in the server too (on the
 * first server with authentication on): `GET /health`, a public route, with the key and without it, PARTS_SECONDS s
 * each. Then, in this process, the parts of authentication are timed one by one: hashing the token, the API key
 * lookup, one audit log write.
 *
 *   SEED (orders in the shop, 20000), CONNECTIONS (50), SECONDS (8), WARMUP (2), ROUNDS (2), PARTS_SECONDS (4),
 *   POST_MODE ("new": every POST creates a new order, its id from a counter in autocannon's setupRequest;
 *   "replay": every POST replays one seeded order, an upsert that changes nothing), ORDERS_PER_POST (1).
 * POSTs write to a second shop (the key holds both), so the shop that GET pages through stays at SEED orders.
 *
 * Idempotency keys (the reliability issue): on each server with authentication on, `POST /orders` is measured a
 * second time with a new `Idempotency-Key` on every request (its answer stored for 24 h), and its rate is set
 * against the plain POST of the same server: what storing the keys costs.
 *
 * The last line printed is one JSON object with every figure.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createApiKey, principalOfApiKey, recordAudit } from '../src/app/accounts';
import { createContext } from '../src/app/context';
import { upsertOrders, type IncomingOrder } from '../src/app/orders';
import { type ImportIssue } from '../src/core/order-input';
import { parseJsonOrder } from '../src/core/order-input-json';
import { migrateToLatest, openStore } from '../src/store/database';
import { seededRandom } from './lib/random';

const SEED = Number(process.env.SEED ?? 20_000);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const SECONDS = Number(process.env.SECONDS ?? 8);
const WARMUP = Number(process.env.WARMUP ?? 2);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const POST_MODE = process.env.POST_MODE === 'replay' ? 'replay' : 'new';
const ORDERS_PER_POST = Number(process.env.ORDERS_PER_POST ?? 1);
const PARTS_SECONDS = Number(process.env.PARTS_SECONDS ?? 4);
const SHOP = 'bench';
/** POSTs write to a shop of their own, so the shop that GET pages through keeps its SEED orders all run long. */
const POST_SHOP = 'bench-post';
const TARGET_COST = 0.1;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverScript = path.join(repoRoot, 'bench/lib/api-server.ts');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipby-bench-api-'));
const url = `sqlite:${path.join(dir, 'bench.db')}`;

// ------------------------------------------------------------------------------------------------ workload
const NOW = Date.now();
const random = seededRandom(10);

/** An AliExpress order awaiting shipment, as the API takes it: paid in the last 4 days, one or two lines. */
function orderJson(id: string): Record<string, unknown> {
  const paid = NOW - Math.floor(random() * 4 * 86_400_000);
  const lines = [
    { sku: `SKU-${1 + Math.floor(random() * 500)}`, quantity: 1 + Math.floor(random() * 2), unit_price: '15.00' },
  ];
  if (random() < 0.2) lines.push({ sku: `SKU-${501 + Math.floor(random() * 500)}`, quantity: 1, unit_price: '4.50' });
  return {
    order_id: id,
    platform: 'aliexpress',
    status: 'WAIT_SELLER_SEND_GOODS',
    paid_at: new Date(paid).toISOString(),
    risk_passed_at: new Date(paid + 3_600_000).toISOString(),
    buyer_name: 'Ana Souza',
    buyer_country: random() < 0.5 ? 'BR' : 'ES',
    address_line1: 'Av. Paulista 1',
    city: 'São Paulo',
    currency: 'USD',
    handling_days: 5 + Math.floor(random() * 3),
    lines,
  };
}

function incoming(json: Record<string, unknown>, row: number): IncomingOrder {
  const issues: ImportIssue[] = [];
  const order = parseJsonOrder(json, '', row, issues);
  if (!order) throw new Error(JSON.stringify(issues));
  return { order, row };
}

/** SEED orders in one shop (of the default account), the order a replay sends in another, an owner API key of both. */
async function seed(): Promise<{ token: string; replayOrder: Record<string, unknown> }> {
  const store = openStore(url);
  try {
    await migrateToLatest(store);
    const ctx = createContext(store);
    const replayOrder = orderJson('REPLAY-1');
    await upsertOrders(ctx, POST_SHOP, [incoming(replayOrder, 1)], 'bench');
    for (let start = 0; start < SEED; start += 500) {
      const batch = Array.from({ length: Math.min(500, SEED - start) }, (_, j) =>
        incoming(orderJson(`S${start + j}`), j + 1),
      );
      await upsertOrders(ctx, SHOP, batch, 'bench');
    }
    const { token } = await createApiKey(ctx, {
      accountId: 'default',
      name: 'bench',
      role: 'owner',
      shopIds: [SHOP, POST_SHOP],
      createdBy: 'bench',
    });
    return { token, replayOrder };
  } finally {
    await store.close();
  }
}

// ------------------------------------------------------------------------------------------------ the server
interface Server {
  port: number;
  /** The child's user + system CPU so far, µs. */
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

async function startServer(mode: 'on' | 'off'): Promise<Server> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', serverScript, url, mode], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  const waiting: Array<(value: Record<string, number>) => void> = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    let message: Record<string, number>;
    try {
      message = JSON.parse(line) as Record<string, number>;
    } catch {
      return; // not ours
    }
    waiting.shift()?.(message);
  });
  const next = () => new Promise<Record<string, number>>((resolve) => waiting.push(resolve));
  const started = await Promise.race([next(), exited.then((code) => ({ exited: code ?? -1 }))]);
  if (!('port' in started))
    throw new Error(`the server (authentication ${mode}) exited with ${started.exited} before listening:\n${stderr}`);
  return {
    port: started.port!,
    async cpu() {
      const answer = next();
      child.stdin.write('cpu\n');
      return (await answer).cpuMicros!;
    },
    async stop() {
      child.stdin.end('exit\n');
      await exited;
    },
  };
}

// ------------------------------------------------------------------------------------------------ measuring
type Endpoint = 'get' | 'post';
type Mode = 'on' | 'off';

interface Figures {
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  /** The server process's CPU per answered request, µs. */
  serverCpuMicros: number;
}

let nextOrder = 0;

function requestsFor(
  endpoint: Endpoint,
  mode: Mode,
  token: string,
  replayOrder: Record<string, unknown>,
): autocannon.Request[] {
  const headers: Record<string, string> = mode === 'on' ? { authorization: `Bearer ${token}` } : {};
  if (endpoint === 'get') return [{ method: 'GET', path: `/orders?shop=${SHOP}&limit=50`, headers }];
  const post = { method: 'POST', path: '/orders', headers: { ...headers, 'content-type': 'application/json' } };
  if (POST_MODE === 'replay') {
    return [{ ...post, body: JSON.stringify({ shop_id: POST_SHOP, orders: [replayOrder] }) }];
  }
  return [
    {
      ...post,
      setupRequest: (request) => ({
        ...request,
        body: JSON.stringify({
          shop_id: POST_SHOP,
          orders: Array.from({ length: ORDERS_PER_POST }, () => orderJson(`P${nextOrder++}`)),
        }),
      }),
    },
  ];
}

/** The same POSTs, each with a new Idempotency-Key. */
function keyedRequests(token: string, replayOrder: Record<string, unknown>): autocannon.Request[] {
  return requestsFor('post', 'on', token, replayOrder).map((request) => ({
    ...request,
    setupRequest: (req: autocannon.Request, context: Record<string, unknown>) => {
      const built = (request.setupRequest ? request.setupRequest(req, context) : req) ?? req;
      return {
        ...built,
        headers: { ...(built.headers ?? {}), 'idempotency-key': `bench-${process.pid}-${nextOrder++}` },
      };
    },
  }));
}

async function measure(
  server: Server,
  label: string,
  requests: autocannon.Request[],
  warmup = WARMUP,
  seconds = SECONDS,
): Promise<Figures> {
  const options = { url: `http://127.0.0.1:${server.port}`, connections: CONNECTIONS, requests };
  if (warmup > 0) await autocannon({ ...options, duration: warmup });
  const cpuBefore = await server.cpu();
  const result = await autocannon({ ...options, duration: seconds });
  const cpuUsed = (await server.cpu()) - cpuBefore;
  const ok = result['2xx'];
  if (result.non2xx || result.errors || result.timeouts || ok === 0) {
    throw new Error(
      `${label}: ${ok} 2xx, ${result.non2xx} other answers (${JSON.stringify(result.statusCodeStats)}), ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return {
    requestsPerSecond: ok / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    serverCpuMicros: cpuUsed / ok,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function medianFigures(runs: Figures[]): Figures {
  const keys = Object.keys(runs[0]!) as Array<keyof Figures>;
  return Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))])) as unknown as Figures;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const rounded = (f: Figures) => ({
  requestsPerSecond: Math.round(f.requestsPerSecond),
  p50: f.p50,
  p90: f.p90,
  p99: f.p99,
  serverCpuMicros: Math.round(f.serverCpuMicros),
});
const describe = (f: Figures) =>
  `${Math.round(f.requestsPerSecond).toLocaleString('en-US').padStart(6)}/s, latency p50 ${f.p50} ms, p90 ${f.p90} ms, p99 ${f.p99} ms, server CPU ${Math.round(f.serverCpuMicros)} µs/request`;

// ------------------------------------------------------------------------------------------------ the parts
/** The parts of authentication, timed one by one in this process against the same database (µs per call). */
async function timeParts(token: string) {
  const store = openStore(url);
  try {
    const ctx = createContext(store);
    const time = async (n: number, fn: (i: number) => unknown) => {
      for (let i = 0; i < Math.min(n, 200); i++) await fn(i); // warm
      const start = performance.now();
      for (let i = 0; i < n; i++) await fn(i);
      return ((performance.now() - start) * 1000) / n;
    };
    const sha256 = await time(20_000, () => createHash('sha256').update(`Bearer ${token}`).digest('base64url'));
    const apiKeyLookup = await time(5000, async () => {
      if (!(await principalOfApiKey(ctx, token, { ip: '127.0.0.1' }))) throw new Error('the bench key is not found');
    });
    const auditWrite = await time(5000, (i) =>
      recordAudit(ctx, {
        accountId: 'default',
        shopId: SHOP,
        actorKind: 'key',
        actorId: '1',
        actorName: 'bench',
        action: 'POST /orders',
        target: '/orders',
        outcome: 'ok',
        ip: '127.0.0.1',
        detail: { status: 200, i },
      }),
    );
    return {
      sha256Micros: round1(sha256),
      apiKeyLookupMicros: round1(apiKeyLookup),
      auditWriteMicros: round1(auditWrite),
    };
  } finally {
    await store.close();
  }
}

// ------------------------------------------------------------------------------------------------ the run
const began = performance.now();
try {
  const seedStart = performance.now();
  const { token, replayOrder } = await seed();
  console.log(
    `seeded ${SEED.toLocaleString('en-US')} orders in shop "${SHOP}" (SQLite, ${url.slice('sqlite:'.length)}) and an owner API key in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  );
  console.log(
    `autocannon: ${CONNECTIONS} connections on loopback, ${WARMUP} s warm-up + ${SECONDS} s measured per endpoint; ${ROUNDS} round${ROUNDS > 1 ? 's' : ''} of each mode, servers started ` +
      `${Array.from({ length: ROUNDS }, (_, r) => (r % 2 ? 'off, on' : 'on, off')).join(', ')}; the median is reported`,
  );
  console.log(
    POST_MODE === 'new'
      ? `POST /orders: every request creates ${ORDERS_PER_POST} new order${ORDERS_PER_POST > 1 ? 's' : ''} in shop "${POST_SHOP}" (ids from a counter in autocannon's setupRequest)`
      : `POST /orders: every request replays the same seeded order of shop "${POST_SHOP}" (an idempotent upsert that changes nothing)`,
  );

  const runs: Record<Endpoint, Record<Mode, Figures[]>> = { get: { on: [], off: [] }, post: { on: [], off: [] } };
  const order: Mode[] = [];
  for (let r = 0; r < ROUNDS; r++) order.push(...((r % 2 ? ['off', 'on'] : ['on', 'off']) as Mode[]));
  let lookupInServer: { withoutKey: Figures; withKey: Figures } | undefined;
  const keyed: Figures[] = [];
  for (const [i, mode] of order.entries()) {
    const server = await startServer(mode);
    try {
      if (mode === 'on' && !lookupInServer && PARTS_SECONDS > 0) {
        const health = (headers: Record<string, string>) => [{ method: 'GET', path: '/health', headers }];
        const partsWarmup = Math.min(WARMUP, 1);
        const withoutKey = await measure(server, 'GET /health without a key', health({}), partsWarmup, PARTS_SECONDS);
        const withKey = await measure(
          server,
          'GET /health with the key',
          health({ authorization: `Bearer ${token}` }),
          partsWarmup,
          PARTS_SECONDS,
        );
        lookupInServer = { withoutKey, withKey };
        console.log(`  API key lookup in the server: GET /health (public) without a key ${describe(withoutKey)}`);
        console.log(`  API key lookup in the server: GET /health (public) with the key ${describe(withKey)}`);
      }
      for (const endpoint of ['get', 'post'] as const) {
        const figures = await measure(
          server,
          `${endpoint} with authentication ${mode}`,
          requestsFor(endpoint, mode, token, replayOrder),
        );
        runs[endpoint][mode].push(figures);
        console.log(
          `  round ${Math.floor(i / 2) + 1}, authentication ${mode.padEnd(3)} ${endpoint === 'get' ? 'GET ' : 'POST'}: ${describe(figures)}`,
        );
      }
      if (mode === 'on') {
        const figures = await measure(server, 'post with an Idempotency-Key', keyedRequests(token, replayOrder));
        keyed.push(figures);
        console.log(
          `  round ${Math.floor(i / 2) + 1}, authentication on  POST with an Idempotency-Key: ${describe(figures)}`,
        );
      }
    } finally {
      await server.stop();
    }
  }

  const results: Record<string, unknown> = {};
  let meetsTarget = true;
  for (const endpoint of ['get', 'post'] as const) {
    const on = medianFigures(runs[endpoint].on);
    const off = medianFigures(runs[endpoint].off);
    const ratio = on.requestsPerSecond / off.requestsPerSecond;
    const cost = 1 - ratio;
    meetsTarget &&= cost < TARGET_COST;
    const label =
      endpoint === 'get'
        ? `GET /orders?shop=${SHOP}&limit=50`
        : `POST /orders (${POST_MODE === 'new' ? `${ORDERS_PER_POST} new order` : 'replay'})`;
    console.log(`${label}`);
    console.log(`  authentication on : ${describe(on)}`);
    console.log(`  authentication off: ${describe(off)}`);
    console.log(
      `  on/off ${ratio.toFixed(3)}: authentication costs ${(cost * 100).toFixed(1)} % of the rate (target < ${TARGET_COST * 100} %), ` +
        `${Math.round(on.serverCpuMicros - off.serverCpuMicros)} µs of server CPU per request`,
    );
    results[endpoint] = {
      on: rounded(on),
      off: rounded(off),
      ratio: Number(ratio.toFixed(3)),
      costPct: round1(cost * 100),
      authCpuMicrosPerRequest: Math.round(on.serverCpuMicros - off.serverCpuMicros),
      rounds: { on: runs[endpoint].on.map(rounded), off: runs[endpoint].off.map(rounded) },
    };
  }

  const keyedMedian = medianFigures(keyed);
  const plainPost = medianFigures(runs.post.on);
  const keyedRatio = keyedMedian.requestsPerSecond / plainPost.requestsPerSecond;
  console.log('POST /orders with a new Idempotency-Key on every request (authentication on)');
  console.log(`  with the key   : ${describe(keyedMedian)}`);
  console.log(`  without a key  : ${describe(plainPost)}`);
  console.log(
    `  with/without ${keyedRatio.toFixed(3)}: storing the keys costs ${((1 - keyedRatio) * 100).toFixed(1)} % of the rate, ${Math.round(keyedMedian.serverCpuMicros - plainPost.serverCpuMicros)} µs of server CPU per request`,
  );
  results.idempotencyKey = {
    with: rounded(keyedMedian),
    without: rounded(plainPost),
    ratio: Number(keyedRatio.toFixed(3)),
    rounds: keyed.map(rounded),
  };

  const lookupCpu = lookupInServer
    ? lookupInServer.withKey.serverCpuMicros - lookupInServer.withoutKey.serverCpuMicros
    : undefined;
  if (lookupCpu !== undefined) {
    const postCost = (results.post as { authCpuMicrosPerRequest: number }).authCpuMicrosPerRequest;
    console.log(
      `API key lookup in the server: ${Math.round(lookupCpu)} µs of server CPU per request (GET /health with the key vs without); ` +
        `the rest of the POST's ${postCost} µs (audit write in onSend, access checks) ≈ ${Math.round(postCost - lookupCpu)} µs`,
    );
  }
  const parts = {
    ...(await timeParts(token)),
    ...(lookupInServer
      ? {
          serverLookupCpuMicros: Math.round(lookupCpu!),
          healthWithoutKey: rounded(lookupInServer.withoutKey),
          healthWithKey: rounded(lookupInServer.withKey),
        }
      : {}),
  };
  console.log(
    `parts, one at a time in this process (µs per call): SHA-256 of the token ${parts.sha256Micros} (once a request: the key lookup; the rate limiter keys on the verified key's id), ` +
      `API key lookup (hash + key + its shops; last use written at most once a minute) ${parts.apiKeyLookupMicros}, audit log write (unsafe requests only) ${parts.auditWriteMicros}`,
  );
  const seconds = (performance.now() - began) / 1000;
  console.log(
    `total ${seconds.toFixed(0)} s; ${meetsTarget ? 'meets' : 'misses'} the target (authentication costs under ${TARGET_COST * 100} % on both endpoints)`,
  );
  console.log(
    JSON.stringify({
      seeded: SEED,
      connections: CONNECTIONS,
      seconds: SECONDS,
      warmup: WARMUP,
      rounds: ROUNDS,
      postMode: POST_MODE,
      ordersPerPost: ORDERS_PER_POST,
      ...results,
      parts,
      meetsTarget,
      totalSeconds: Math.round(seconds),
    }),
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
