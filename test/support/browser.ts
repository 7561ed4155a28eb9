/**
 * The dashboard in a real browser, for the e2e tests: Debian's Chromium driven by playwright-core against the real
 * server (buildServer on a fresh SQLite file in a scratch folder, an ephemeral port), the dashboard built from the
 * current source once per run, by the first file that needs it, into the run's scratch folder (a test never sees a
 * stale build; test/global-setup.ts). The page's console is watched: a test fails on
 * any console error but the refusals it says it expects (Chromium logs each refused request as a console error).
 *
 * In a test file: `BrowserWorld.open` in beforeAll (then seed its `ctx`) and `start`; `browserHooks` does the rest.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeEach, expect, inject, vi } from 'vitest';
import { createContext, type AppContext } from '../../src/app/context';
import { buildServer, type ServerOptions } from '../../src/http/server';
import { migrateToLatest, openStore, type Store } from '../../src/store/database';
import { copyMigratedSqlite } from './backends';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve('test-results');
export const VIEWPORT = { width: 1366, height: 768 };

const run = promisify(execFile);

/**
 * The dashboard built from the current source into the run's scratch folder, once: the first file to ask builds it
 * (`vite build`, seconds of CPU), the others (in other workers) wait for its outcome. Returns the built folder.
 */
async function dashboardBuild(): Promise<string> {
  const root = path.join(inject('runDir'), 'dashboard');
  const dist = path.join(root, 'dist');
  const built = path.join(root, 'built');
  const failed = path.join(root, 'failed');
  try {
    fs.mkdirSync(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another file is building it.
    const outcome = await vi.waitFor(
      () => {
        if (fs.existsSync(built)) return undefined;
        if (fs.existsSync(failed)) return fs.readFileSync(failed, 'utf8');
        throw new Error('the dashboard is still being built');
      },
      { timeout: 120_000, interval: 100 },
    );
    if (outcome !== undefined) throw new Error(`The dashboard build failed in another test file: ${outcome}`);
    return dist;
  }
  try {
    await run(path.resolve('node_modules/.bin/vite'), [
      'build',
      '--config',
      'web/vite.config.ts',
      '--outDir',
      dist,
      '--emptyOutDir',
      '--logLevel',
      'error',
    ]);
  } catch (error) {
    fs.writeFileSync(failed, String((error as Error).message));
    throw error;
  }
  fs.writeFileSync(built, '');
  return dist;
}

/** A request a test expects the API to refuse, by a part of its URL and the status. */
export interface Refusal {
  path: string;
  status: number;
}

/** The page's console errors and uncaught errors, less the refusals the current test expects. */
export class ConsoleErrors {
  errors: string[] = [];
  private refusals: Refusal[] = [];

  watch(page: Page): void {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const url = message.location().url;
      const refused = /Failed to load resource: the server responded with a status of (\d+)/.exec(message.text());
      if (refused && this.refusals.some((r) => url.includes(r.path) && Number(refused[1]) === r.status)) return;
      this.errors.push(`${message.text()} (${url})`);
    });
    page.on('pageerror', (error) => this.errors.push(`page error: ${error.message}`));
  }

  /** Requests the test expects the API to refuse: their console errors are not the test's failure. */
  expectRefusal(...refusals: Refusal[]): void {
    this.refusals.push(...refusals);
  }

  /** Before each test: no errors yet, no refusals expected. */
  reset(): void {
    this.errors = [];
    this.refusals = [];
  }
}

export class BrowserWorld {
  readonly console = new ConsoleErrors();
  app: FastifyInstance | undefined;
  /** The server's address, `http://127.0.0.1:<port>` (after `start`). */
  base = '';
  browser: BrowserContext | undefined;
  page!: Page;
  private readonly closers: Array<() => Promise<unknown>> = [];

  private constructor(
    /** Names the scratch folder (`shipby-<name>-…`) and the screenshots (`test-results/<name>-<shot>.png`). */
    readonly name: string,
    readonly workDir: string,
    readonly dashboardDir: string,
    readonly store: Store,
    readonly ctx: AppContext,
    private readonly fullPageScreenshots: boolean,
  ) {}

  /**
   * The scratch folder, the run's dashboard build, and a migrated SQLite store whose clock starts at `clockStart`
   * and runs on with the real one. Seed `ctx`, then `start`.
   */
  static async open(
    name: string,
    options: { clockStart: number; fullPageScreenshots?: boolean },
  ): Promise<BrowserWorld> {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(
        `No Chromium at ${CHROMIUM}: apt-get install -y chromium (as .ci/run does), or set CHROMIUM_PATH.`,
      );
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `shipby-${name}-`));
    let store: Store | undefined;
    try {
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      const dashboardDir = await dashboardBuild();
      store = openStore(`sqlite:${copyMigratedSqlite(path.join(workDir, 'e2e.db'))}`);
      await migrateToLatest(store);
      const startedAt = Date.now();
      const ctx = createContext(store, () => options.clockStart + (Date.now() - startedAt));
      return new BrowserWorld(name, workDir, dashboardDir, store, ctx, options.fullPageScreenshots ?? false);
    } catch (error) {
      await store?.close();
      fs.rmSync(workDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Something the test started (a sample carrier): closed after the browser and the server, before the store. */
  onClose(close: () => Promise<unknown>): void {
    this.closers.push(close);
  }

  /** Serves the dashboard and the API (authentication on unless said otherwise) and opens Chromium on a blank page. */
  async start(server: Omit<ServerOptions, 'dashboardDir'> = {}): Promise<void> {
    this.app = await buildServer(this.ctx, { ...server, dashboardDir: this.dashboardDir });
    await this.app.listen({ port: 0, host: '127.0.0.1' });
    const address = this.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    this.base = `http://127.0.0.1:${address.port}`;

    this.browser = await chromium.launchPersistentContext(path.join(this.workDir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: VIEWPORT,
      // A seller in China: times in Shanghai, AliExpress deadlines also in the platform's zone (Los Angeles).
      timezoneId: 'Asia/Shanghai',
      locale: 'en-US',
    });
    this.page = this.browser.pages()[0] ?? (await this.browser.newPage());
    this.page.setDefaultTimeout(10_000);
    this.console.watch(this.page);
  }

  /** Signs `user` in through the API (POST /auth/login): the browser context keeps the session cookie. */
  async signIn(user: { email: string; password: string }): Promise<void> {
    const login = await this.page.request.post(`${this.base}/auth/login`, { data: user });
    expect(login.status()).toBe(200);
  }

  async screenshot(shot: string): Promise<void> {
    await this.page.screenshot({
      path: path.join(SCREENSHOTS, `${this.name}-${shot}.png`),
      ...(this.fullPageScreenshots ? { fullPage: true } : {}),
    });
  }

  async close(): Promise<void> {
    await this.browser?.close();
    await this.app?.close();
    for (const close of this.closers) await close();
    await this.store.close();
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}

/**
 * The hooks around a file's browser tests: before each, no console error yet and no refusal expected; after each,
 * the test fails on any console error it did not expect; after all, the world is closed.
 */
export function browserHooks(world: () => BrowserWorld | undefined): void {
  beforeEach(() => {
    world()?.console.reset();
  });
  afterEach(() => {
    expect(world()?.console.errors ?? []).toEqual([]);
  });
  afterAll(async () => {
    await world()?.close();
  });
}
