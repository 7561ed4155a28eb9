/**
 * The marketplace commands end to end against the fake marketplace: connect (secrets never printed), sync, ship,
 * run a worker until the queue is drained, and the dead-letter list.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAliExpressServer, type FakeAliExpressServer } from '../../src/integrations/aliexpress/fake-server';
import { tempDir } from '../support/backends';
import { FAKE_APP_KEY, FAKE_APP_SECRET, FAKE_TOKEN, TEST_MASTER_KEY_TEXT } from '../support/outbox-fixtures';

const run = promisify(execFile);
const bin = path.resolve('bin/shipby');
const dir = tempDir();
const env = {
  ...process.env,
  DATABASE_URL: `sqlite:${path.join(dir, 'cli.db')}`,
  SHIPBY_LANG: 'en',
  SHIPBY_MASTER_KEY: TEST_MASTER_KEY_TEXT,
  SHIPBY_OUTBOX_IDLE_POLL_MS: '50',
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
  fake = await startFakeAliExpressServer({
    appKey: FAKE_APP_KEY,
    appSecret: FAKE_APP_SECRET,
    accessTokens: [FAKE_TOKEN],
  });
  fake.marketplace.addOrder(
    { order_id: '8190000000777000', lines: [{ sku: 'A-1', quantity: 1, unit_price: '3.00' }] },
    fake.now(),
  );
});
afterAll(async () => {
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('marketplace commands', () => {
  it('connects, syncs, ships and uploads exactly once', { timeout: 150_000 }, async () => {
    const connect = [
      'shop',
      'connect',
      '--shop',
      'ae',
      '--app-key',
      FAKE_APP_KEY,
      '--app-secret',
      FAKE_APP_SECRET,
      '--access-token',
      FAKE_TOKEN,
      '--gateway-url',
      fake.url,
    ];
    const noKey = await shipby(connect, { SHIPBY_MASTER_KEY: '' });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/SHIPBY_MASTER_KEY is not set/);

    const connected = await shipby(connect);
    expect(connected.code).toBe(0);
    expect(connected.stdout).toMatch(/shop ae connected/);
    expect(connected.stdout + connected.stderr).not.toContain(FAKE_APP_SECRET);
    expect(connected.stdout + connected.stderr).not.toContain(FAKE_TOKEN);

    const synced = await shipby(['sync', '--json']);
    expect(JSON.parse(synced.stdout)[0]).toMatchObject({ shopId: 'ae', status: 'ok', created: 1 });

    const shipped = await shipby([
      'ship',
      '8190000000777000',
      '--tracking',
      'RR473124829CN',
      '--service',
      'CPAM',
      '--last',
    ]);
    expect(shipped.stdout).toMatch(/queued \(send_type=all, due now\)/);
    const worked = await shipby(['outbox', 'work', '--drain']);
    expect(JSON.parse(worked.stdout.trim().split('\n').pop()!)).toMatchObject({ accepted: 1, notices: 0, dead: 0 }); // no buyer notice on AliExpress
    expect(fake.marketplace.declarations.map((d) => [d.logisticsNo, d.sendType, d.accepted])).toEqual([
      ['RR473124829CN', 'all', true],
    ]);
    expect((await shipby(['outbox', 'dead'])).stdout).toMatch(/no dead-lettered entries/);
  });
});
