/**
 * npm run bench:screens — how fast every screen of the dashboard is ready, in Chromium, on the demo database.
 *
 * A demo day runs first (the fake AliExpress, the sample carrier and tracking, a few simulated hours at high speed;
 * DEMO_HOURS, default 8), then its clock stands still and its server stays up with the built dashboard (web/dist;
 * the npm script builds it first). Chromium signs in through the demo's one-time link, as the owner, and loads each
 * screen RUNS times (default 5) from a blank page. A sample is the time from the navigation's start to the end of
 * the last response, once no request has been in flight for 500 ms (playwright's "network idle"; the live-update
 * stream, which stays open by design, is left out). Prints the median per screen and the target (under 1 s), one
 * JSON line, and exits 1 when a screen misses it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page, type Request } from 'playwright-core';
import { listOrders } from '../src/app/orders';
import { DEMO_SHOP_ID } from '../src/demo/catalogue';
import { startDemo } from '../src/demo/run';
import { DEFAULT_DASHBOARD_DIR } from '../src/http/server';

const RUNS = Number(process.env.RUNS ?? 5);
const HOURS = Number(process.env.DEMO_HOURS ?? 8);
const TARGET_MS = 1000;
const IDLE_MS = 500;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!fs.existsSync(path.join(DEFAULT_DASHBOARD_DIR, 'index.html'))) {
  console.error('The dashboard is not built: run `npm run build:web` (npm run bench:screens does it first).');
  process.exit(2);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The live-update stream stays open as long as a screen shows: it is not a request a screen waits for. */
const isStream = (request: Request) =>
  request.resourceType() === 'eventsource' || new URL(request.url()).pathname === '/events';

/**
 * Opens `url` from a blank page and waits for network idle (no request but the live stream in flight for
 * IDLE_MS); answers the time from the navigation's start to the end of the last response, in the page's own
 * clock (the Navigation and Resource Timing entries).
 */
interface Sample {
  /** Navigation start to the last response's end. */
  ms: number;
  /** The request that took longest, and its time. */
  slowest: string;
  slowestMs: number;
}

async function timeToNetworkIdle(page: Page, url: string): Promise<Sample> {
  await page.goto('about:blank');
  const inFlight = new Set<Request>();
  let lastChange = Date.now();
  const started = (request: Request) => {
    if (isStream(request)) return;
    inFlight.add(request);
    lastChange = Date.now();
  };
  const ended = (request: Request) => {
    if (!inFlight.delete(request)) return;
    lastChange = Date.now();
  };
  page.on('request', started);
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
  try {
    await page.goto(url, { waitUntil: 'load' });
    const deadline = Date.now() + 30_000;
    while (inFlight.size > 0 || Date.now() - lastChange < IDLE_MS) {
      if (Date.now() > deadline) throw new Error(`${url}: still ${inFlight.size} request(s) in flight after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return await page.evaluate(() => {
      // In the page: the Navigation and Resource Timing entries (typed here by what is read of them).
      type Entry = { name: string; responseEnd: number; duration: number };
      const timing = performance as unknown as { getEntriesByType(type: string): Entry[] };
      const navigation = timing.getEntriesByType('navigation')[0];
      const sample = { ms: navigation?.responseEnd ?? 0, slowest: '', slowestMs: 0 };
      for (const entry of timing.getEntriesByType('resource')) {
        const url = new URL(entry.name);
        if (url.pathname === '/events') continue;
        sample.ms = Math.max(sample.ms, entry.responseEnd);
        if (entry.duration > sample.slowestMs) {
          sample.slowest = url.pathname + url.search;
          sample.slowestMs = entry.duration;
        }
      }
      return sample;
    });
  } finally {
    page.off('request', started);
    page.off('requestfinished', ended);
    page.off('requestfailed', ended);
  }
}

/** A sample, taken again when the browser aborted the navigation (a busy machine's blank page not settled yet). */
async function measured(page: Page, url: string): Promise<Sample> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await timeToNetworkIdle(page, url);
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('ERR_ABORTED')) throw error;
    }
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipby-bench-screens-'));
delete process.env.SHIPBY_OUTBOUND_ALLOW; // the demo names its own local servers to the outgoing-request guard
console.log(`a demo day of ${HOURS} simulated hours…`);
const demo = await startDemo({
  speed: 3000,
  hours: HOURS,
  port: 0,
  seed: 7,
  databaseFile: path.join(dir, 'demo.db'),
  dashboardDir: DEFAULT_DASHBOARD_DIR,
});
let failed = false;
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking'],
});
try {
  await demo.dayOver;
  if (!demo.signInUrl) throw new Error('the demo printed no sign-in link');
  const base = demo.dashboardUrl.replace(/\/$/, '');
  const [order] = await listOrders(demo.ctx, { shopIds: [DEMO_SHOP_ID], sort: 'id', limit: 1 });
  if (!order) throw new Error('the demo day made no order');
  const orderCount = (await listOrders(demo.ctx, { shopIds: [DEMO_SHOP_ID], sort: 'id', limit: 100_000 })).length;

  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    timezoneId: 'Asia/Shanghai',
    locale: 'en-US',
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(demo.signInUrl); // the one-time link sets the session cookie and lands on the dashboard
  await page.waitForSelector('nav');

  const screens: Array<{ name: string; hash: string }> = [
    { name: 'orders at risk', hash: '#/' },
    { name: 'order page', hash: `#/orders/${order.id}` },
    { name: 'stock', hash: '#/stock' },
    { name: 'catalogue', hash: '#/catalogue' },
    { name: 'pack station', hash: '#/pack' },
    { name: 'parcels', hash: '#/parcels' },
    { name: 'performance', hash: '#/performance' },
    { name: 'settings', hash: '#/settings' },
    { name: 'setup checklist', hash: '#/setup' },
    { name: 'access', hash: '#/access' },
  ];
  await measured(page, `${base}/#/`); // warm-up: the browser's cache and the server's first queries
  const results = [];
  for (const screen of screens) {
    const runs: Sample[] = [];
    for (let run = 0; run < RUNS; run++) runs.push(await measured(page, `${base}/${screen.hash}`));
    const samples = runs.map((r) => r.ms);
    // The request that took longest in the median run: where the time of a slow screen goes.
    const middle = [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
    results.push({ ...screen, samples, median: median(samples), slowest: middle });
  }

  const load = os.loadavg()[0]!.toFixed(1);
  console.log(
    `dashboard screens to network idle, median of ${RUNS} (demo: ${orderCount} orders; ${os.cpus().length} cores, load ${load})`,
  );
  console.log(
    `${'screen'.padEnd(18)}${'median ms'.padStart(10)}${'min'.padStart(7)}${'max'.padStart(7)}  ${'target'.padEnd(24)}slowest request (ms)`,
  );
  for (const result of results) {
    const met = result.median < TARGET_MS;
    if (!met) failed = true;
    console.log(
      `${result.name.padEnd(18)}${result.median.toFixed(0).padStart(10)}${Math.min(...result.samples)
        .toFixed(0)
        .padStart(7)}${Math.max(...result.samples)
        .toFixed(0)
        .padStart(
          7,
        )}  ${`${met ? 'met' : 'MISSED'} (< ${TARGET_MS} ms)`.padEnd(24)}${result.slowest.slowest.slice(0, 60)} (${result.slowest.slowestMs.toFixed(0)})`,
    );
  }
  console.log(
    JSON.stringify({
      bench: 'screens',
      runs: RUNS,
      orders: orderCount,
      load: Number(load),
      target_ms: TARGET_MS,
      figures: results.map((r) => ({ screen: r.name, median_ms: Math.round(r.median) })),
    }),
  );
  await context.close();
} finally {
  await browser.close();
  await demo.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
