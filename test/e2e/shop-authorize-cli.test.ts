/**
 * `shipby shop authorize` (the dashboard's Connect, for a terminal): without the app key it names the variable;
 * with it, it prints the platform's consent URL for a state bound to no browser; the seller authorises on the
 * fake's page and the server's callback (SHIPBY_PUBLIC_URL) stores the shop's tokens, once.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/app/context';
import { buildServer } from '../../src/http/server';
import { startFakeAliExpressServer, type FakeAliExpressServer } from '../../src/integrations/aliexpress/fake-server';
import { allowOutbound } from '../../src/integrations/outbound';
import { openStore } from '../../src/store/database';
import { getConnection } from '../../src/store/marketplace';
import { tempDir } from '../support/backends';
import { FAKE_APP_KEY, FAKE_APP_SECRET, TEST_MASTER_KEY, TEST_MASTER_KEY_TEXT } from '../support/outbox-fixtures';

const run = promisify(execFile);
const bin = path.resolve('bin/shipby');
const dir = tempDir();
const PUBLIC = 'http://shipby.test';
const env = {
  ...process.env,
  DATABASE_URL: `sqlite:${path.join(dir, 'cli.db')}`,
  SHIPBY_LANG: 'en',
  SHIPBY_MASTER_KEY: TEST_MASTER_KEY_TEXT,
};
let fake: FakeAliExpressServer;

async function shipby(
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(bin, args, { env: { ...env, ...extraEnv }, cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  fake = await startFakeAliExpressServer({ appKey: FAKE_APP_KEY, appSecret: FAKE_APP_SECRET });
  allowOutbound(fake.url);
});
afterAll(async () => {
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('shop authorize', () => {
  it('names a missing app key; prints the consent URL; the callback stores the shop once', {
    timeout: 120_000,
  }, async () => {
    const missing = await shipby(['shop', 'authorize', '--shop', 'demo'], {
      SHIPBY_ALIEXPRESS_APP_KEY: '',
      SHIPBY_ALIEXPRESS_APP_SECRET: FAKE_APP_SECRET,
    });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr + missing.stdout).toContain('SHIPBY_ALIEXPRESS_APP_KEY');

    const appEnv = {
      SHIPBY_ALIEXPRESS_APP_KEY: FAKE_APP_KEY,
      SHIPBY_ALIEXPRESS_APP_SECRET: FAKE_APP_SECRET,
      SHIPBY_ALIEXPRESS_GATEWAY_URL: fake.url,
      SHIPBY_PUBLIC_URL: PUBLIC,
    };
    const printed = await shipby(['shop', 'authorize', '--shop', 'demo', '--json'], appEnv);
    expect(printed.code).toBe(0);
    const { url } = JSON.parse(printed.stdout) as { url: string };
    const consent = new URL(url);
    expect(consent.origin + consent.pathname).toBe(`${fake.url}/oauth/authorize`);
    expect(consent.searchParams.get('redirect_uri')).toBe(`${PUBLIC}/marketplace/aliexpress/callback`);

    // The seller opens it and authorises; the platform sends the browser to the server's callback.
    consent.pathname = '/oauth/authorize/approve';
    consent.searchParams.set('decision', 'allow');
    const back = new URL((await fetch(consent, { redirect: 'manual' })).headers.get('location')!);
    expect(back.origin).toBe(PUBLIC);
    const store = openStore(env.DATABASE_URL);
    const ctx = createContext(store);
    ctx.masterKey = TEST_MASTER_KEY;
    const app = await buildServer(ctx, { authentication: true, marketplaceAuth: { env: appEnv } });
    try {
      const done = await app.inject({ method: 'GET', url: `${back.pathname}${back.search}` });
      expect(done.statusCode).toBe(302);
      expect(await getConnection(store.db, 'demo')).toMatchObject({ auth_state: 'authorised', app_key: FAKE_APP_KEY });
      const again = await app.inject({ method: 'GET', url: `${back.pathname}${back.search}` });
      expect(again.statusCode).toBe(409);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
