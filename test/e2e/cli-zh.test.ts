/**
 * The CLI in Chinese: each read command rendered with SHIPBY_LANG=zh-CN has no English word left — table headers,
 * states, situations, event kinds and sentences are Chinese. Allowed: codes and names (order ids, SKUs, shop and
 * platform names, the platform's own status codes, currency and country codes, ISO times, actor codes).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/backends';

const run = promisify(execFile);
const bin = path.resolve('bin/shipby');
const dir = tempDir();
const env = { ...process.env, DATABASE_URL: `sqlite:${path.join(dir, 'zh.db')}`, SHIPBY_LANG: 'zh-CN' };

async function shipby(...args: string[]): Promise<string> {
  const { stdout } = await run(bin, args, { env, cwd: dir });
  return stdout;
}

/** Names and codes the output may carry in Latin letters. */
const ALLOWED = new Set(['demo', 'aliexpress', 'sku', 'id', 'min']);

/** Lower-case Latin words that are neither a code (has digits, _, -, : or capitals) nor an allowed name. */
function englishWords(text: string): string[] {
  const words = text
    .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, '') // ISO times
    .split(/[^A-Za-z0-9_:\-.]+/)
    .filter((w) => /^[a-z]{2,}$/.test(w) && !ALLOWED.has(w));
  return [...new Set(words)];
}

// Each command starts a Node process (about 1 s idle, several under load): a generous limit.
describe('the CLI in Chinese', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    await shipby('import', path.resolve('examples/orders.csv'), '--shop', 'demo');
  }, 300_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds the English words it is meant to find', () => {
    expect(
      englishWords('状态：awaiting shipment · 8190000000000001 WAIT_SELLER_SEND_GOODS 2026-11-27T18:02:40.000Z'),
    ).toEqual(['awaiting', 'shipment']);
  });

  it.each([
    ['orders', ['orders']],
    ['order', ['order', '8190000000000001']],
    ['at-risk', ['at-risk', '--at', '2026-11-24T00:00:00Z']],
  ])('%s has no English word in zh-CN', async (_name, args) => {
    const out = await shipby(...args);
    expect(out.trim().length).toBeGreaterThan(0);
    expect(englishWords(out)).toEqual([]);
  });

  it('writes durations in days and hours', async () => {
    const out = await shipby('orders');
    expect(out).toMatch(/-?\d+天(\d+小时)?/);
    expect(out).not.toMatch(/\d+ ?min|\d+d\d\dh/);
  });
});
