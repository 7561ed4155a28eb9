/**
 * `shipby carrier account` end to end: YunExpress and 4PX accounts are accepted (issue 16: "protocol must be
 * sample-http" before), the secret is stored encrypted (not in the database file), the listing masks it; an unknown
 * protocol or a missing master key is refused naming what is wrong, and nothing is stored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/backends';
import { shipbyInProcess } from '../support/cli-in-process';
import { TEST_MASTER_KEY_TEXT } from '../support/outbox-fixtures';
import { shipby } from '../support/processes';

const dir = tempDir();
const db = path.join(dir, 'carriers.db');
const env = { DATABASE_URL: `sqlite:${db}`, SHIPBY_MASTER_KEY: TEST_MASTER_KEY_TEXT };

// The first command runs `./bin/shipby`; the others the same command line code in this process
// (support/cli-in-process.ts), without a Node process to start for each.
describe('shipby carrier account', () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts yunexpress and 4px accounts with their secrets encrypted; refuses an unknown protocol and a missing key', async () => {
    const yun = await shipby(
      [
        'carrier',
        'account',
        'yunexpress',
        '--protocol',
        'yunexpress',
        '--account-id',
        'C0001',
        '--api-key',
        'yun-SECRET-1234',
      ],
      env,
    );
    expect(yun.code).toBe(0);
    expect(yun.stdout).toMatch(/yunexpress\s+yunexpress\s+http:\/\/oms\.api\.yunexpress\.com\s+C0001\s+encrypted/);

    const fpx = await shipbyInProcess(
      [
        'carrier',
        'account',
        '4px',
        '--protocol',
        '4px',
        '--url',
        'https://open-test.4px.com',
        '--account-id',
        'app-key-9',
        '--api-key',
        'fpx-SECRET-5678',
      ],
      env,
    );
    expect(fpx.code).toBe(0);
    expect(fpx.stdout).toMatch(/4px\s+4px\s+https:\/\/open-test\.4px\.com\s+app-key-9\s+encrypted/);
    expect(fpx.stdout).not.toContain('SECRET');

    const unknown = await shipbyInProcess(
      [
        'carrier',
        'account',
        '*',
        '--protocol',
        'sample-http',
        '--url',
        'http://127.0.0.1:4100',
        '--account-id',
        'x',
        '--api-key',
        'y',
      ],
      env,
    );
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('protocol must be yunexpress or 4px');

    const noKey = await shipbyInProcess(
      ['carrier', 'account', 'cainiao', '--protocol', 'yunexpress', '--account-id', 'C2', '--api-key', 'z'],
      { ...env, SHIPBY_MASTER_KEY: '' },
    );
    expect(noKey.code).not.toBe(0);
    expect(noKey.stderr).toMatch(/SHIPBY_MASTER_KEY is not set/);

    const listed = await shipbyInProcess(['carrier', 'account'], env);
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .slice(2)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['4px', 'yunexpress']);
    const files = [db, `${db}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f));
    expect(files.some((bytes) => bytes.includes(Buffer.from('app-key-9')))).toBe(true); // the account id is there, in clear
    for (const secret of ['yun-SECRET-1234', 'fpx-SECRET-5678'])
      for (const bytes of files) expect(bytes.includes(Buffer.from(secret))).toBe(false);
  });
});
