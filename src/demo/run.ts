/**
 * `shipby demo`: shipby on a fresh SQLite file, the fake AliExpress marketplace, the dashboard and API, the upload
 * outbox worker and the simulated day's driver, all in this one process and all on one simulated clock
 * (`speed` × real time). Nothing leaves the machine: the marketplace is the local fake, labels come from the sample
 * carrier and carrier events from the sample tracking provider, both local HTTP servers (see hooks.ts).
 * The sample carrier is also shipby's carrier account, so the pack station's labels in the dashboard work too.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { createContext, type AppContext } from '../app/context';
import { DEFAULT_OUTBOX_SETTINGS } from '../app/upload-outbox';
import { localized, type Localized } from '../core/i18n';
import { HOUR_MS } from '../core/time';
import { buildServer } from '../http/server';
import { API } from '../integrations/aliexpress/protocol';
import { startFakeAliExpressServer, type FakeAliExpressServer } from '../integrations/aliexpress/fake-server';
import { runOutboxWorker, type OutboxWorkerStats } from '../jobs/outbox-worker';
import { migrateToLatest, openStore } from '../store/database';
import { demoRandom } from './arrivals';
import { DEMO_APP_KEY, DEMO_APP_SECRET, DEMO_SENDER, DEMO_WAREHOUSE } from './catalogue';
import { createSimClock, type SimClock } from './clock';
import { DemoDriver, type DemoSnapshot } from './driver';
import { setCarrierAccount } from '../app/carrier-contracts';
import { createYunExpressCarrier } from '../integrations/carriers/yunexpress/adapter';
import { startSampleCarrierServer } from '../integrations/carriers/sample-server';
import {
  DEMO_OWNER_EMAIL,
  localCainiaoLabels,
  sampleCarrierLabels,
  scheduledFirstScans,
  signInLink,
  type LabelHook,
  type TrackingHook,
} from './hooks';
import { startSampleTracking } from './tracking-sample';
import { allowOutbound } from '../integrations/outbound';
import { durationText, type Bilingual } from '../core/duration';

export interface DemoOptions {
  /** Simulated time per real time: 60 = a simulated minute per real second. */
  speed?: number;
  /** Where the dashboard and API listen (0 = any free port). */
  port?: number;
  host?: string;
  /** Simulated hours to run; then the clock stops and everything stays up until `stop()`. */
  hours?: number;
  ordersPerDay?: number;
  seed?: number;
  /** The SQLite file; default data/demo-<timestamp>.db under the working directory. It must not exist yet. */
  databaseFile?: string;
  /** Where the simulated day starts; default 08:00 today in the warehouse's zone (Shenzhen), when packing begins. */
  startAt?: number;
  /** Occasional marketplace failures on uploads (errors, answers lost after the platform applied them). Default on. */
  faults?: boolean;
  /** Simulated hours from a purchase order to its delivery. Default 3. */
  supplierLeadHours?: number;
  dashboardDir?: string;
  /** Carrier events from the sample tracking provider, polled by shipby's tracking (default); false: a local stand-in. */
  sampleTracking?: boolean;
  /** Labels from the sample carrier, a local HTTP server (default); false: locally made-up Cainiao numbers. */
  sampleCarrier?: boolean;
  /** Where progress lines go. */
  say?: (line: Localized) => void;
}

export interface RunningDemo {
  dashboardUrl: string;
  /** The dashboard's address with a one-time sign-in link for the demo's owner (hooks.ts `signInLink`). */
  signInUrl: string | undefined;
  fakeUrl: string;
  databaseFile: string;
  clock: SimClock;
  ctx: AppContext;
  fake: FakeAliExpressServer;
  driver: DemoDriver;
  /** Resolves when the simulated hours are over (the clock then stands still) or the demo was stopped. */
  dayOver: Promise<void>;
  snapshot(): Promise<DemoSnapshot>;
  /** Stops the day, the worker, the server and the fake, and closes the database. Safe to call twice. */
  stop(): Promise<void>;
}

/** 08:00 today in the warehouse's zone: the packers' shift starts as the demo does. */
function defaultDemoStart(realNow = Date.now()): number {
  return DateTime.fromMillis(realNow, { zone: DEMO_WAREHOUSE.timeZone })
    .set({ hour: 8, minute: 0, second: 0, millisecond: 0 })
    .toMillis();
}

function defaultDemoDatabaseFile(realNow = Date.now()): string {
  return path.resolve('data', `demo-${new Date(realNow).toISOString().replace(/[:.]/g, '-')}.db`);
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const speed = options.speed ?? 60;
  const hours = options.hours ?? 24;
  const seed = options.seed ?? 7;
  const say = options.say ?? (() => undefined);
  if (!(hours > 0)) throw new Error(`hours must be positive, got ${hours}`);
  const databaseFile = path.resolve(options.databaseFile ?? defaultDemoDatabaseFile());

  if (fs.existsSync(databaseFile))
    throw new Error(`${databaseFile} exists: the demo starts on a fresh database, so name a new file`);
  const store = openStore(`sqlite:${databaseFile}`);
  const cleanups: Array<() => Promise<unknown>> = [() => store.close()];
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    await migrateToLatest(store);

    const clock = createSimClock({ startAt: options.startAt ?? defaultDemoStart(), speed });
    // The credentials are encrypted at rest as always; this run's key lives only in this process.
    const masterKey = randomBytes(32);
    const ctx = createContext(store, clock.now, { masterKey });
    const random = demoRandom(seed);

    const fake = await startDemoFake(options, clock, seed);
    cleanups.push(() => fake.close());
    allowOutbound(fake.url); // the marketplace gateway of the demo is local too

    const driverHooks = await startHooks(options, ctx, clock, seed, cleanups);
    const driver = new DemoDriver({
      ctx,
      clock,
      fake,
      masterKey,
      ordersPerDay: options.ordersPerDay ?? 300,
      random,
      supplierLeadMs: (options.supplierLeadHours ?? 3) * HOUR_MS,
      ...driverHooks,
      say,
    });
    await driver.setUp();

    const app = await buildServer(ctx, options.dashboardDir ? { dashboardDir: options.dashboardDir } : {});
    cleanups.push(() => app.close());
    await app.listen({ port: options.port ?? 3000, host: options.host ?? '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (options.port ?? 3000);
    const dashboardUrl = `http://localhost:${port}/`;

    const stopping = new AbortController();
    const worker = startWorker(ctx, masterKey, clock, speed, stopping.signal, say);

    // Sign-in is on, as in production: the dashboard's address carries a one-time link for the demo's owner.
    const signInUrl = await signInLink(ctx, dashboardUrl, (hours + 24) * HOUR_MS);
    sayWhereItRuns(say, { speed, signInUrl, dashboardUrl, fakeUrl: fake.url, databaseFile, hooks: driverHooks });

    const endAt = clock.startAt + hours * HOUR_MS;
    const dayOver = driver.run(endAt, stopping.signal).then(async () => {
      if (stopping.signal.aborted) return;
      await driver.report();
      say(
        localized(
          `The simulated ${hours} h are over: the clock stands still, the dashboard stays up. Ctrl-C stops the demo.`,
          `模拟的 ${hours} 小时已结束：时钟已停止，仪表板仍可访问。按 Ctrl-C 结束演示。`,
        ),
      );
    });

    let stopped: Promise<void> | undefined;
    const stop = () =>
      (stopped ??= (async () => {
        stopping.abort();
        await dayOver.catch(() => undefined);
        await worker;
        await closeAll();
      })());

    return {
      dashboardUrl,
      signInUrl,
      fakeUrl: fake.url,
      databaseFile,
      clock,
      ctx,
      fake,
      driver,
      dayOver,
      snapshot: () => driver.snapshot(),
      stop,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The fake marketplace, with occasional failures on uploads unless `faults` is false. */
function startDemoFake(options: DemoOptions, clock: SimClock, seed: number): Promise<FakeAliExpressServer> {
  return startFakeAliExpressServer({
    appKey: DEMO_APP_KEY,
    appSecret: DEMO_APP_SECRET,
    now: clock.now,
    seed,
    ...(options.faults === false
      ? {}
      : {
          faults: {
            seed,
            serverError: { probability: 0.03, methods: [API.fulfill] },
            dropAfterCommit: { probability: 0.03, methods: [API.fulfill] },
          },
        }),
  });
}

/**
 * Where the driver's carrier events and labels come from: the sample tracking provider and the sample carrier (also
 * shipby's carrier account), each a local HTTP server closed with the demo; or local stand-ins.
 */
async function startHooks(
  options: DemoOptions,
  ctx: AppContext,
  clock: SimClock,
  seed: number,
  cleanups: Array<() => Promise<unknown>>,
): Promise<{ labels: LabelHook; tracking: TrackingHook }> {
  let tracking: TrackingHook = scheduledFirstScans(demoRandom(seed + 1));
  if (options.sampleTracking !== false) {
    const sample = await startSampleTracking(ctx, { now: clock.now });
    cleanups.push(() => sample.close());
    tracking = sample;
  }
  let labels: LabelHook = localCainiaoLabels(seed);
  if (options.sampleCarrier !== false) {
    const apiKey = randomBytes(16).toString('hex');
    const carrier = await startSampleCarrierServer({ apiKey, now: clock.now });
    cleanups.push(() => carrier.close());
    allowOutbound(carrier.url); // the guard on outgoing requests refuses loopback addresses it is not told about
    await setCarrierAccount(ctx, {
      carrier: '*',
      protocol: 'yunexpress',
      baseUrl: carrier.url,
      accountId: carrier.customerCode,
      apiKey,
    });
    labels = sampleCarrierLabels(
      createYunExpressCarrier({ baseUrl: carrier.url, customerCode: carrier.customerCode, apiSecret: apiKey }),
      DEMO_SENDER,
    );
  }
  return { labels, tracking };
}

/**
 * The upload outbox worker, until `signal`. It reads the simulated clock for claims and backoff; a lease covers ~20
 * real seconds at any speed, so a slow request is never taken over by the same worker while it is still travelling.
 */
function startWorker(
  ctx: AppContext,
  masterKey: Buffer,
  clock: SimClock,
  speed: number,
  signal: AbortSignal,
  say: (line: Localized) => void,
): Promise<OutboxWorkerStats | undefined> {
  return runOutboxWorker(ctx, {
    masterKey,
    workerId: 'demo-outbox',
    concurrency: 4,
    idlePollMs: Math.max(20, Math.min(1000, Math.round(60_000 / speed))),
    settings: {
      ...DEFAULT_OUTBOX_SETTINGS,
      leaseMs: Math.max(DEFAULT_OUTBOX_SETTINGS.leaseMs, Math.round(20_000 * speed)),
    },
    clientOptions: { now: clock.now, timeoutMs: 10_000 },
    signal,
    log: (line) => say(localized(`outbox: ${line}`, `上传队列：${line}`)),
  }).catch((error: unknown) => {
    say(localized(`the outbox worker stopped: ${String(error)}`, `上传队列进程已停止：${String(error)}`));
    return undefined;
  });
}

/** The demo's addresses and sources, said once it runs. */
function sayWhereItRuns(
  say: (line: Localized) => void,
  where: {
    speed: number;
    signInUrl: string | undefined;
    dashboardUrl: string;
    fakeUrl: string;
    databaseFile: string;
    hooks: { labels: LabelHook; tracking: TrackingHook };
  },
): void {
  const { speed, signInUrl, dashboardUrl, databaseFile } = where;
  say(
    localized(
      `shipby demo: a simulated day at ${speed}× (one real second is ${simulatedSecond(speed).en} simulated)`,
      `shipby 演示：以 ${speed} 倍速模拟一天（现实 1 秒 = 模拟 ${simulatedSecond(speed).zh}）`,
    ),
  );
  say(localized(`  dashboard        ${signInUrl ?? dashboardUrl}`, `  仪表板           ${signInUrl ?? dashboardUrl}`));
  if (signInUrl) {
    say(
      localized(
        `                   (a one-time sign-in link for ${DEMO_OWNER_EMAIL}: opening it signs the browser in; then ${dashboardUrl}, and Settings sets a password)`,
        `                   （${DEMO_OWNER_EMAIL} 的一次性登录链接：打开即登录；之后访问 ${dashboardUrl}，可在“设置”中设置密码）`,
      ),
    );
  }
  say(localized(`  API docs         ${dashboardUrl}docs`, `  API 文档         ${dashboardUrl}docs`));
  say(
    localized(
      `  fake AliExpress  ${where.fakeUrl}/__fake/orders (declared shipments: /__fake/shipments)`,
      `  模拟速卖通       ${where.fakeUrl}/__fake/orders（已申报发货：/__fake/shipments）`,
    ),
  );
  say(localized(`  database         ${databaseFile}`, `  数据库           ${databaseFile}`));
  say(
    localized(
      `  labels           ${where.hooks.labels.name.en}`,
      `  面单             ${where.hooks.labels.name['zh-CN']}`,
    ),
  );
  say(
    localized(
      `  carrier events   ${where.hooks.tracking.name.en}`,
      `  物流轨迹         ${where.hooks.tracking.name['zh-CN']}`,
    ),
  );
}

/** What one real second stands for: seconds under a minute, else the house duration ("1 h", "2 d 4 h"). */
function simulatedSecond(seconds: number): Bilingual {
  return seconds < 60 ? { en: `${seconds} s`, zh: `${seconds}秒` } : durationText(seconds * 1000);
}
