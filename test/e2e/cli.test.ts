import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/backends';
import { shipbyInProcess } from '../support/cli-in-process';
import { orderRow, writeCsv } from '../support/files';

const run = promisify(execFile);
const bin = path.resolve('bin/shipby');
const dir = tempDir();
const env = { ...process.env, DATABASE_URL: `sqlite:${path.join(dir, 'cli.db')}`, SHIPBY_LANG: 'en' };

async function shipby(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(bin, args, { env, cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * The same command line run in this process (support/cli-in-process.ts: the same code without a Node process to
 * start), for the tests about what the commands read and print; the others run `./bin/shipby`.
 */
const inProcess = (...args: string[]) => shipbyInProcess(args, { DATABASE_URL: env.DATABASE_URL });

// Two tests start the command many times (about 1 s each on an idle machine, 6 s under heavy load): a generous limit.
describe('the shipby command', { timeout: 300_000 }, () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('imports the example file, lists, shows and acts on orders', async () => {
    const example = path.resolve('examples/orders.csv');
    const imported = await shipby('import', example, '--shop', 'demo');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/4 orders — 4 new, 0 updated, 0 unchanged/);
    expect((await shipby('import', example, '--shop', 'demo', '--json')).stdout).toMatch(/"unchanged": 4/);
    const workerRun = await run(bin, ['import', example, '--shop', 'demo', '--json'], {
      env: { ...env, SHIPBY_IMPORT_WORKER: '1' },
      cwd: dir,
    });
    expect(JSON.parse(workerRun.stdout)).toMatchObject({ committed: true, rows: 7, orders: 4, unchanged: 4 });

    const listed = JSON.parse(
      (await shipby('orders', '--shop', 'demo', '--status', 'awaiting_shipment', '--json')).stdout,
    );
    expect(listed.map((o: { platform_order_id: string }) => o.platform_order_id)).toEqual([
      '8190000000000003',
      '8190000000000004',
      '8190000000000001',
    ]);

    const accepted = await shipby('accept', '8190000000000002');
    expect(accepted.stdout).toMatch(/new → awaiting_shipment/);
    const refused = await shipby('cancel', '8190000000000002');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/needs a reason\. \[order\.cancel\.guard\]/);

    const shown = JSON.parse((await shipby('order', '8190000000000002', '--json')).stdout);
    expect(shown.timeline.map((e: { kind: string; action: string | null }) => [e.kind, e.action])).toEqual([
      ['created', null],
      ['transition', 'accept'],
    ]);
    const table = await shipby('order', '8190000000000001');
    expect(table.stdout).toMatch(/USB-C-CABLE-1M/);
  });

  it('reads explain, order, at-risk and receipt show as of --at; a bad --at is exit 2 naming --at, nothing changed', async () => {
    // 8190000000000003: EUR 29.00, risk passed 2026-11-22 03:00 Z, 3 handling days → ship by 2026-11-25 03:00 Z.
    const explained = JSON.parse(
      (await inProcess('explain', '8190000000000003', '--at', '2026-11-26T00:00:00Z', '--json')).stdout,
    );
    expect(explained).toMatchObject({ status: 'closed', fine_now: { amount: 200, currency: 'USD' } });
    expect(JSON.stringify(explained)).toContain('29.00 EUR ≈ 33.64 USD at 1.16 (rate of 2026-11-01)');
    const shown = JSON.parse(
      (await inProcess('order', '8190000000000003', '--at', '2026-11-24T03:00:00+00:00', '--json')).stdout,
    );
    expect(shown).toMatchObject({ as_of: '2026-11-24T03:00:00.000Z', time_left_ms: 86_400_000 });
    const atRisk = JSON.parse(
      (await inProcess('at-risk', '--shop', 'demo', '--within', '1h', '--at', '2026-11-25T02:30:00Z', '--json')).stdout,
    );
    expect(atRisk.map((i: { platform_order_id: string }) => i.platform_order_id)).toContain('8190000000000003');
    const receipt = JSON.parse(
      (await inProcess('receipt', 'show', '8190000000000003', '--at', '2026-11-24T00:00:00Z', '--json')).stdout,
    );
    expect(receipt).toMatchObject({ as_of: '2026-11-24T00:00:00.000Z', auto_confirm_at: null, time_left_ms: null });
    const before = (await inProcess('order', '8190000000000003', '--json')).stdout;
    for (const command of [
      ['explain', '8190000000000003'],
      ['order', '8190000000000003'],
      ['at-risk'],
      ['receipt', 'show', '8190000000000003'],
    ]) {
      const bad = await inProcess(...command, '--at', 'tomorrow');
      expect(bad.code, command.join(' ')).toBe(2);
      expect(bad.stderr).toMatch(/--at "tomorrow" is not a time/);
      expect(bad.stdout).toBe('');
    }
    expect(JSON.parse((await inProcess('order', '8190000000000003', '--json')).stdout).timeline).toEqual(
      JSON.parse(before).timeline,
    );
  });

  it('warns on an order, and in policy show, when a deadline falls past the end of the holiday data', async () => {
    // Shopee counts Chinese working days over the holiday data (to 2027-12-31); 7 of them from 2027-12-30 run past it.
    const file = writeCsv(dir, 'far.csv', [
      orderRow('9900', 'A', {
        paid_at: '2027-12-30T02:00:00Z',
        risk_passed_at: '2027-12-30T03:00:00Z',
        handling_days: '7',
      }),
    ]);
    expect((await inProcess('import', file, '--shop', 'far')).code).toBe(0);
    expect((await inProcess('policy', 'set', '--shop', 'far', '--policy', 'shopee')).code).toBe(0);
    const shown = JSON.parse((await inProcess('order', '9900', '--json')).stdout);
    expect(shown.warnings[0].en).toContain(
      'falls after the end of the holiday and festival data of policy shopee (2027-12-31)',
    );
    expect((await inProcess('order', '9900')).stdout).toMatch(/^! The deadline \(2028-01-10\) falls after/m);
    const policy = await inProcess('policy', 'show', 'shopee');
    expect(JSON.parse(policy.stdout)).toMatchObject({ id: 'shopee' });
    expect(policy.stderr).toMatch(/holiday and festival data: until 2027-12-31/);
    expect(policy.stderr).toMatch(
      /1 open order\(s\) under policy shopee have a deadline after the end of its holiday and festival data \(2027-12-31\), e\.g\. 9900/,
    );
    expect((await inProcess('policy', 'show', 'aliexpress_pop')).stderr).toMatch(
      /until 2027-12-31 \(statistics pauses only/,
    );
  });

  it('refuses a bad file whole with row and field, and with --skip-invalid writes the rejects', async () => {
    const file = writeCsv(dir, 'bad.csv', [orderRow('9001', 'A'), orderRow('9002', 'A', { quantity: '0' })]);
    const refused = await shipby('import', file, '--shop', 'demo');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/nothing was imported/);
    expect(refused.stderr).toMatch(/row 3, quantity/);
    const zh = await run(bin, ['import', file, '--shop', 'demo'], {
      env: { ...env, SHIPBY_LANG: 'zh-CN' },
      cwd: dir,
    }).catch((e) => e);
    expect(zh.stderr).toMatch(/未导入任何内容/);
    // The same file through the worker-thread parser (used for big files) gives the same answer.
    const viaWorker = await run(bin, ['import', file, '--shop', 'demo', '--json'], {
      env: { ...env, SHIPBY_IMPORT_WORKER: '1' },
      cwd: dir,
    }).catch((e) => e);
    expect(JSON.parse(viaWorker.stdout)).toMatchObject({
      committed: false,
      issueCount: 1,
      issues: [{ row: 3, field: 'quantity' }],
    });
    const skipped = await shipby('import', file, '--shop', 'demo', '--skip-invalid');
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toMatch(/1 new/);
    expect(fs.readFileSync(`${file}.rejects.csv`, 'utf8')).toMatch(/^3,quantity,/m);
  });
});
