/**
 * The CLI in Chinese: each read command rendered with SHIPBY_LANG=zh-CN has no English word left — table headers,
 * states, situations, event kinds and sentences are Chinese. Allowed: codes and names (order ids, SKUs, shop and
 * platform names, carrier codes, the platform's own status codes, currency and country codes, ISO times, actor
 * codes, a command quoted in backticks).
 *
 * The read commands are those of src/cli/commands/index.ts that print a view (not a JSON document): orders and
 * deadlines, metrics and policies, the plan, stock, purchase orders, the outbox, packing, parcels and cases, carrier
 * services and accounts, users and keys, the tracking-number check. Left out: `config` (the settings' descriptions
 * are written for the operator, in English), `policy show` (prints the policy document itself) and the commands that
 * print JSON only (`tracking providers`, `tracking unmatched`, `case rate`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/backends';
import { shipbyInProcess } from '../support/cli-in-process';
import { shipby as shipbyProcess } from '../support/processes';

const dir = tempDir();
const env = { DATABASE_URL: `sqlite:${path.join(dir, 'zh.db')}`, SHIPBY_LANG: 'zh-CN' };

/**
 * A command line's standard output: run in this process (support/cli-in-process.ts, the same command line code
 * without a Node process to start for each of ~40 commands); the durations' check runs `./bin/shipby` itself.
 */
async function shipby(...args: string[]): Promise<string> {
  const ran = await shipbyInProcess(args, env);
  expect(ran.code, ran.stderr).toBe(0);
  return ran.stdout;
}

/** Names and codes the output may carry in Latin letters: the shop, platforms, the product, carrier codes. */
const ALLOWED = new Set([
  'demo',
  'aliexpress',
  'amazon',
  'shopee',
  'temu',
  'tiktok',
  'shipby',
  'cainiao',
  'dhl',
  'epacket',
  'yunexpress',
  'sku',
  'id',
  'min',
]);

/** Lower-case Latin words that are neither a code (has digits, _, -, : or capitals) nor an allowed name. */
function englishWords(text: string): string[] {
  const words = text
    .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, '') // ISO times
    .replace(/`[^`]*`/g, '') // a command quoted in backticks
    .split(/[^A-Za-z0-9_:\-.]+/)
    .filter((w) => /^[a-z]{2,}$/.test(w) && !ALLOWED.has(w));
  return [...new Set(words)];
}

// One command starts a Node process (about 1 s idle, several under load): a generous limit.
describe('the CLI in Chinese', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    await shipby('import', path.resolve('examples/orders.csv'), '--shop', 'demo');
    // A warehouse, a SKU paired with one of the orders' marketplace SKUs, and a stock count: the stock views have rows.
    await shipby(
      ...['stock', 'warehouse', 'add', 'SZ', '--kind', 'domestic', '--zone', 'Asia/Shanghai', '--cutoff', '16:00'],
      ...['--name', 'Shenzhen', '--country', 'CN'],
    );
    await shipby('stock', 'sku', 'add', 'LAMP-01', '--name', 'Lamp', '--lead-days', '7', '--safety-days', '3');
    await shipby('stock', 'map', 'PHONE-CASE-BLK', 'LAMP-01', '--shop', 'demo');
    await shipby('stock', 'adjust', 'LAMP-01', '--warehouse', 'SZ', '--reason', 'counted', '--to', '5');
  }, 300_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds the English words it is meant to find', () => {
    expect(
      englishWords(
        '状态：awaiting shipment · 8190000000000001 WAIT_SELLER_SEND_GOODS 2026-11-27T18:02:40.000Z `shipby carrier`',
      ),
    ).toEqual(['awaiting', 'shipment']);
  });

  it.each([
    ['orders', ['orders']],
    ['order', ['order', '8190000000000001']],
    ['at-risk', ['at-risk', '--at', '2026-11-24T00:00:00Z']],
    ['explain', ['explain', '8190000000000001']],
    ['metrics', ['metrics', '--shop', 'demo']],
    ['policy list', ['policy', 'list']],
    ['plan', ['plan']],
    ['plan staffing', ['plan', 'staffing', '--warehouse', 'SZ']],
    ['plan estimates', ['plan', 'estimates']],
    ['stock', ['stock']],
    ['stock ledger', ['stock', 'ledger']],
    ['stock warehouse list', ['stock', 'warehouse', 'list']],
    ['stock sku list', ['stock', 'sku', 'list']],
    ['stock mappings', ['stock', 'mappings']],
    ['stock check', ['stock', 'check']],
    ['stock alerts', ['stock', 'alerts']],
    ['shortages', ['shortages']],
    ['replenishment', ['replenishment']],
    ['po list', ['po', 'list']],
    ['outbox status', ['outbox', 'status']],
    ['outbox dead', ['outbox', 'dead']],
    ['pack boxes', ['pack', 'boxes', 'demo']],
    ['pack sessions', ['pack', 'sessions']],
    ['parcels', ['parcels']],
    ['case list', ['case', 'list']],
    ['carrier services', ['carrier', 'services']],
    ['carrier account', ['carrier', 'account']],
    ['user list', ['user', 'list']],
    ['key list', ['key', 'list']],
    ['tracking-number check', ['tracking-number', 'check', 'RR123456785CN']],
  ])('%s has no English word in zh-CN', async (_name, args) => {
    const out = await shipby(...args);
    expect(out.trim().length).toBeGreaterThan(0);
    expect(englishWords(out)).toEqual([]);
  });

  it('writes durations in days and hours', async () => {
    const ran = await shipbyProcess(['orders'], env);
    expect(ran.code, ran.stderr).toBe(0);
    const out = ran.stdout;
    expect(out).toMatch(/-?\d+天(\d+小时)?/);
    expect(out).not.toMatch(/\d+ ?min|\d+d\d\dh/);
  });
});
