/**
 * The CLI's write commands in Chinese: each command that changes something, run with SHIPBY_LANG=zh-CN on a scratch
 * SQLite store, once as it should succeed and once refused on bad input, leaves no English word in what it prints
 * (standard output and error). Allowed, as in cli-zh.test.ts (the read commands): codes and names (order ids, SKUs,
 * shop and platform names, carrier codes, currency and country codes, ISO times, a command quoted in backticks), and
 * here also file paths and web addresses the command was given.
 *
 * The steps run in order on one store: each builds on what the ones before it wrote. A step's refusal must change
 * nothing the next step relies on. Left out: the long-running commands (serve, worker, outbox work, demo,
 * sample-tracking, sample-carrier, fake-aliexpress), those that need a marketplace or carrier reachable (sync, label,
 * shop authorize, outbox retry of a real dead letter), and the success output of the commands that print a JSON
 * document (pack box, tracking provider, receipt promised-days and extend), whose refusals are checked. Also left
 * out, as its Chinese still carries English from outside the CLI (a follow-up for src/app): the warning lines
 * `sweep` logs (English only; in Chinese it prints its counts). The refusals of a rate sheet, of shipping rules and
 * of a backup file are also read for what they name: the row and the column, the rule's field, the file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleOrdersCsv } from '../../src/core/example-orders';
import { tempDir } from '../support/backends';
import { shipbyInProcess } from '../support/cli-in-process';
import { shipby as shipbyProcess } from '../support/processes';

const dir = tempDir();
const file = (name: string) => path.join(dir, name);
const env = {
  DATABASE_URL: `sqlite:${file('zh.db')}`,
  SHIPBY_LANG: 'zh-CN',
  SHIPBY_DATA_DIR: file('data'),
  SHIPBY_MASTER_KEY: crypto.randomBytes(32).toString('base64'),
};

/**
 * The steps run as `./bin/shipby` in a process of their own: the first command on the store, a refusal commander
 * makes itself (it ends the process), and the last step (it changes the master key). The others run in this process
 * (support/cli-in-process.ts: the same command line code, without a Node process to start for each of ~100 commands).
 */
const IN_A_PROCESS = new Set(['migrate', 'plan estimates set', 'secrets rotate']);

async function shipby(args: readonly string[], inAProcess = false): Promise<{ code: number; out: string }> {
  const ran = inAProcess ? await shipbyProcess([...args], env) : await shipbyInProcess(args, env);
  return { code: ran.code, out: ran.stdout + ran.stderr };
}

/** Names and codes the output may carry in Latin letters: the shop, platforms, the product, carrier codes. */
const ALLOWED = new Set(['demo', 'aliexpress', 'shipby', 'cainiao', 'yunexpress', 'sku', 'id', 'min']);

/**
 * Codes that refusals from outside the CLI (src/app, src/core) print in their Chinese text, as values to type: the
 * state machine names the states and the action it refused (「received」, 不能执行「receive」), the role and case kind
 * lists name the values an option takes. Each is a follow-up for the owner of that message, not for the CLI.
 */
const CODES_FROM_APP = new Set([
  ...['new', 'accept', 'draft', 'ordered', 'received', 'receive', 'cancel', 'responded', 'respond'],
  ...['owner', 'manager', 'packer', 'viewer', 'refund', 'label', 'early'],
  'quantity', // the order file's column, named in its refusal
  'countries', // the rate sheet's column, named in its refusal
  'webhook', // "webhook secret 至少需要 16 个字符" (tracking providers)
]);

/** Lower-case Latin words that are neither a code, a path, an address nor an allowed name. */
function englishWords(text: string, typed: readonly string[] = []): string[] {
  // What the command was given is a name it may echo ("台灯", "tomorrow" in "--at tomorrow is not a time").
  const echoed = new Set(typed.flatMap((arg) => arg.split(/[^A-Za-z]+/)));
  const words = text
    .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, '') // ISO times
    .replace(/`[^`]*`/g, '') // a command quoted in backticks
    .replace(/https?:\/\/\S+/g, '') // web addresses
    .replace(/\S*\/\S*/g, '') // file paths
    .split(/[^A-Za-z0-9_:\-.]+/)
    .filter((w) => /^[a-z]{2,}$/.test(w) && !ALLOWED.has(w) && !CODES_FROM_APP.has(w) && !echoed.has(w));
  return [...new Set(words)];
}

/** Sample orders dated from now (so the first is open, due in days): the one packed, shipped and disputed here. */
const FRESH = exampleOrdersCsv(Date.now());
const ORDER = FRESH.split('\n')[1]!.split(',')[0]!;
/** An order of examples/orders.csv, dated 2026-11: closed by now, so refused what an open order is not. */
const OLD = '8190000000000001';
const NO_ORDER = '8190000000009999';

type Args = readonly string[] | null;
/** Steps whose success prints a JSON document (its keys are English by design), checked for their refusal only. */
const PRINTS_JSON = new Set(['pack box']);
/** [name, the command as it should succeed (null: only refused here), the same command refused on bad input]. */
const STEPS: ReadonlyArray<readonly [string, Args, Args]> = [
  ['migrate', ['migrate'], null],
  [
    'import',
    ['import', path.resolve('examples/orders.csv'), '--shop', 'demo'],
    ['import', file('bad.csv'), '--shop', 'demo'],
  ],
  ['import (orders due in days)', ['import', file('fresh.csv'), '--shop', 'demo'], null],
  ['example-orders', ['example-orders', '--out', file('examples.csv')], ['example-orders', '--at', 'tomorrow']],
  [
    'stock warehouse add',
    ['stock', 'warehouse', 'add', 'SZ', '--kind', 'domestic', '--zone', 'Asia/Shanghai', '--cutoff', '16:00'],
    ['stock', 'warehouse', 'add', 'XX', '--kind', 'domestic', '--zone', 'Asia/Shanghai', '--cutoff', '25:99'],
  ],
  [
    'stock sku add',
    ['stock', 'sku', 'add', 'LAMP-01', '--name', '台灯', '--lead-days', '7', '--safety-days', '3'],
    ['stock', 'sku', 'add', 'LAMP-02', '--lead-days', 'seven'],
  ],
  [
    'stock map',
    ['stock', 'map', 'PHONE-CASE-BLK', 'LAMP-01', '--shop', 'demo'],
    ['stock', 'map', 'USB-C-CABLE-1M', 'NOPE-99', '--shop', 'demo'],
  ],
  [
    'stock adjust',
    ['stock', 'adjust', 'LAMP-01', '--warehouse', 'SZ', '--reason', 'counted', '--to', '5'],
    ['stock', 'adjust', 'LAMP-01', '--warehouse', 'SZ', '--reason', 'counted', '--to', 'five'],
  ],
  ['stock import', ['stock', 'import', file('stock.csv')], ['stock', 'import', file('bad-stock.csv')]],
  ['stock settle', ['stock', 'settle'], null],
  [
    'po create',
    ['po', 'create', 'LAMP-01=10', '--warehouse', 'SZ', '--supplier', '深圳工厂'],
    ['po', 'create', 'LAMP-01=10', '--warehouse', 'NOWHERE', '--supplier', '深圳工厂'],
  ],
  ['po place', ['po', 'place', '1'], ['po', 'place', 'first']],
  ['po receive', ['po', 'receive', '1'], ['po', 'receive', '1']],
  ['po cancel', null, ['po', 'cancel', '1']],
  ['accept', null, ['accept', OLD]],
  ['cancel', null, ['cancel', OLD]],
  [
    'extend',
    ['extend', ORDER, '--hours', '24', '--agreed-by', '买家'],
    ['extend', ORDER, '--until', 'soon', '--agreed-by', '买家'],
  ],
  ['warehouse-received', null, ['warehouse-received', OLD, '--at', 'yesterday']],
  [
    'policy set',
    ['policy', 'set', '--shop', 'demo', '--policy', 'aliexpress_pop'],
    ['policy', 'set', '--shop', 'demo', '--overrides', '{'],
  ],
  ['sweep', ['sweep'], null],
  [
    'webhook',
    ['webhook', '--url', 'http://127.0.0.1:9/hook', '--secret', '0123456789abcdef0123'],
    ['webhook', '--url', 'http://127.0.0.1:9/hook', '--secret', 'short'],
  ],
  [
    'plan staffing',
    ['plan', 'staffing', '--warehouse', 'SZ', '--stations', '2', '--shift', '09:00-18:00'],
    ['plan', 'staffing', '--warehouse', 'SZ', '--hourly-cost', 'lots'],
  ],
  [
    'plan estimates set',
    ['plan', 'estimates', 'set', '--shop', 'demo', '--per-order', '2', '--per-line', '1', '--per-unit', '0.5'],
    ['plan', 'estimates', 'set', '--per-order', '2', '--per-line', '1', '--per-unit', '0.5'],
  ],
  ['plan refresh', ['plan', 'refresh'], null],
  [
    'pack box',
    [
      ...['pack', 'box', 'demo', 'BOX-M', '--inner', '250x200x100', '--max-weight', '2000', '--tare', '50'],
      ...['--cost', '1.5', '--currency', 'CNY'],
    ],
    [
      ...['pack', 'box', 'demo', 'BOX-S', '--inner', '200x150', '--max-weight', '2000', '--tare', '50'],
      ...['--cost', '1.5', '--currency', 'CNY'],
    ],
  ],
  [
    'pack sku-dims',
    ['pack', 'sku-dims', 'USB-C-CABLE-1M', '--dims', '120x80x20', '--weight', '35'],
    ['pack', 'sku-dims', 'USB-C-CABLE-1M', '--dims', '120x80x20', '--weight', 'light'],
  ],
  ['pack sku-dims (a seller SKU)', ['pack', 'sku-dims', 'LAMP-01', '--dims', '170x90x15', '--weight', '45'], null],
  [
    'pack sender',
    [
      'pack',
      'sender',
      'demo',
      '--name',
      '深圳小店',
      '--line1',
      '南山区科技园 1 号',
      '--city',
      '深圳',
      '--country',
      'CN',
    ],
    [
      'pack',
      'sender',
      'demo',
      '--name',
      '深圳小店',
      '--line1',
      '南山区科技园 1 号',
      '--city',
      '深圳',
      '--country',
      'China',
    ],
  ],
  ['pack', ['pack', ORDER], ['pack', NO_ORDER]],
  ['pack note', ['pack', 'note', ORDER, '易碎，请小心'], ['pack', 'note', NO_ORDER, '易碎']],
  [
    'pack slip',
    ['pack', 'slip', ORDER, '-o', file('slip.pdf')],
    ['pack', 'slip', ORDER, '--size', 'A5', '-o', file('slip.pdf')],
  ],
  [
    'carrier import',
    ['carrier', 'import', path.resolve('examples/carrier-contract.csv')],
    ['carrier', 'import', file('bad-contract.csv')],
  ],
  ['carrier rules', ['carrier', 'rules', file('rules.json')], ['carrier', 'rules', file('bad-rules.json')]],
  [
    'carrier account',
    ['carrier', 'account', 'cainiao', '--protocol', 'yunexpress', '--account-id', 'C1', '--api-key', 'k'],
    ['carrier', 'account', 'cainiao', '--protocol', 'yunexpress'],
  ],
  ['labels', ['labels', '-o', file('labels.pdf')], ['labels', '--order-by', 'colour', '-o', file('labels.pdf')]],
  [
    'shop connect',
    [
      ...['shop', 'connect', '--shop', 'demo', '--app-key', 'k1', '--app-secret', 's1', '--access-token', 't1'],
      ...['--gateway-url', 'http://127.0.0.1:9'],
    ],
    [
      ...['shop', 'connect', '--shop', 'demo', '--app-key', 'k1', '--app-secret', 's1', '--access-token', 't1'],
      ...['--protocol', 'soap'],
    ],
  ],
  [
    'shop upload-timing',
    ['shop', 'upload-timing', '--shop', 'demo', 'first_scan'],
    ['shop', 'upload-timing', '--shop', 'demo', 'whenever'],
  ],
  [
    'ship',
    ['ship', ORDER, '--tracking', 'RR123456785CN', '--service', 'CAINIAO_STANDARD', '--last'],
    ['ship', OLD, '--tracking', 'RR123456785CN', '--service', 'CAINIAO_STANDARD', '--last'],
  ],
  ['first-scan', ['first-scan', '1'], ['first-scan', '1', '--at', 'noon']],
  ['account add', ['account', 'add', 'acme', '顶点贸易'], null],
  [
    'account shop',
    ['account', 'shop', 'acme-ae', '--account', 'acme'],
    ['account', 'shop', 'other-ae', '--account', 'nobody'],
  ],
  [
    'account warehouse',
    ['account', 'warehouse', 'SZ', '--account', 'acme'],
    ['account', 'warehouse', 'SZ', '--account', 'nobody'],
  ],
  [
    'user add',
    ['user', 'add', 'li@example.com', '--shop', 'demo:manager'],
    ['user', 'add', 'wang@example.com', '--shop', 'demo:boss'],
  ],
  [
    'user grant',
    ['user', 'grant', 'li@example.com', 'demo:packer'],
    ['user', 'grant', 'zhao@example.com', 'demo:packer'],
  ],
  ['user reset-password', ['user', 'reset-password', 'li@example.com'], ['user', 'reset-password', 'zhao@example.com']],
  ['user link', ['user', 'link', 'li@example.com'], ['user', 'link', 'zhao@example.com']],
  [
    'key create',
    ['key', 'create', 'bot', '--role', 'viewer', '--shop', 'demo'],
    ['key', 'create', 'bot', '--role', 'robot'],
  ],
  ['key revoke', ['key', 'revoke', '1'], ['key', 'revoke', '999']],
  ['tracking provider', null, ['tracking', 'provider', 'p17', '--kind', 'seventeen', '--secret', 'short']],
  ['tracking ingest', null, ['tracking', 'ingest', file('rules.json'), '--provider', 'nobody']],
  ['receipt promised-days', null, ['receipt', 'promised-days', NO_ORDER, '20']],
  [
    'case open',
    ['case', 'open', ORDER, '--kind', 'not_received', '--reason', '买家说没收到'],
    ['case', 'open', ORDER, '--kind', 'lost', '--reason', '买家说没收到'],
  ],
  ['case respond', ['case', 'respond', '1', '--note', '已查询物流'], ['case', 'respond', '1']],
  ['case evidence', ['case', 'evidence', '1', file('photo.png')], ['case', 'evidence', '1', file('notes.txt')]],
  [
    'case resolve',
    ['case', 'resolve', '1', '--outcome', 'partial_refund', '--refunded', '1.00', '--note', '部分退款'],
    ['case', 'resolve', '1', '--outcome', 'partial_refund', '--refunded', 'some'],
  ],
  [
    'tracking-number make',
    ['tracking-number', 'make', '123', '--indicator', 'RR', '--country', 'CN'],
    ['tracking-number', 'make', 'abc', '--indicator', 'RR', '--country', 'CN'],
  ],
  ['backup', ['backup', file('backup.db')], ['backup', dir]],
  ['restore', ['restore', file('backup.db')], ['restore', file('notes.txt')]],
  [
    'secrets rotate',
    ['secrets', 'rotate', '--new-key-file', file('new.key')],
    ['secrets', 'rotate', '--new-key-file', file('notes.txt')],
  ],
];

// A few steps start a Node process (about 1 s idle, several under load): a generous limit.
describe('the CLI write commands in Chinese', { timeout: 300_000 }, () => {
  beforeAll(() => {
    fs.writeFileSync(file('fresh.csv'), FRESH);
    // The first line of the sample orders with a negative quantity.
    const [header, first] = FRESH.split('\n');
    fs.writeFileSync(file('bad.csv'), `${header}\n${first!.replace(',PHONE-CASE-BLK,2,', ',PHONE-CASE-BLK,-2,')}\n`);
    fs.writeFileSync(file('stock.csv'), 'sku,warehouse,on_hand\nLAMP-01,SZ,8\n');
    fs.writeFileSync(file('bad-stock.csv'), 'sku,warehouse,on_hand\nLAMP-01,SZ,-3\n');
    fs.writeFileSync(
      file('rules.json'),
      JSON.stringify([{ id: 'es', service: 'example-registered', when: { countries: ['ES'] } }]),
    );
    // The sample rate sheet with a three-letter country (row 3) and a p90 shorter than the p50 (row 7).
    const sheet = fs.readFileSync(path.resolve('examples/carrier-contract.csv'), 'utf8').split('\n');
    sheet[2] = sheet[2]!.replace(',US CA,', ',USA CA,');
    sheet[6] = sheet[6]!.replace(/,9,16$/, ',9,5');
    fs.writeFileSync(file('bad-contract.csv'), sheet.join('\n'));
    fs.writeFileSync(
      file('bad-rules.json'),
      JSON.stringify([{ id: 'es', service: 'example-registered', when: { countries: ['ESP'], maxWeightG: '500' } }]),
    );
    fs.writeFileSync(file('notes.txt'), 'not a key, a backup or a photo\n');
    fs.writeFileSync(file('new.key'), `${crypto.randomBytes(32).toString('base64')}\n`);
    // A 1×1 PNG.
    fs.writeFileSync(
      file('photo.png'),
      Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
        'base64',
      ),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds the English words it is meant to find', () => {
    expect(
      englishWords(
        '已保存 warehouse SZ saved · 8190000000000001 2026-11-27T18:02:40.000Z `shipby po list` /tmp/x/notes.txt http://127.0.0.1:9/hook',
      ),
    ).toEqual(['warehouse', 'saved']);
  });

  it.each(STEPS)('%s: succeeds and is refused in Chinese', async (_name, success, refusal) => {
    if (success) {
      const ran = await shipby(success, IN_A_PROCESS.has(_name));
      expect(ran.code, ran.out).toBe(0);
      expect(ran.out.trim().length).toBeGreaterThan(0);
      if (!PRINTS_JSON.has(_name)) expect(englishWords(ran.out, success), ran.out).toEqual([]);
    }
    if (refusal) {
      const ran = await shipby(refusal, IN_A_PROCESS.has(_name));
      expect(ran.code, ran.out).not.toBe(0);
      expect(englishWords(ran.out, refusal), ran.out).toEqual([]);
    }
  });

  it('names the row and column of a rate sheet, the field of a rule, and the file of a backup', async () => {
    const sheet = await shipby(['carrier', 'import', file('bad-contract.csv')]);
    expect(sheet.out).toContain('第 3 行 `countries`：服务 example-registered：countries 须为两个大写字母的国家代码');
    expect(sheet.out).toContain('而不是「USA」');
    expect(sheet.out).toContain(
      '第 7 行 `transit_p90_days`：服务 example-line：transit_p90_days：p90 天数不能少于 p50 天数。',
    );
    const rules = await shipby(['carrier', 'rules', file('bad-rules.json')]);
    expect(rules.out).toContain('第 1 条规则：when.countries.0 须为两个大写字母的国家代码（例如 US），而不是「ESP」。');
    expect(rules.out).toContain('第 1 条规则：when.maxWeightG 须为数字，而不是「500」。');
    const restore = await shipby(['restore', file('notes.txt')]);
    expect(restore.code).toBe(1);
    expect(restore.out.trim()).toBe(
      `${file('notes.txt')} 不是完好的 shipby 备份（不是数据库文件）；未恢复任何内容。请改用另一份备份文件。`,
    );
    const backup = await shipby(['backup', dir]);
    expect(backup.out.trim()).toBe(`${dir} 是文件夹：请给出文件的路径。未写入备份。`);
    const missing = await shipby(['carrier', 'rules', file('none.json')]);
    expect(missing.out.trim()).toBe(`${file('none.json')}：文件或文件夹不存在。请检查路径后重试。`);
    for (const ran of [sheet, rules, restore, backup, missing]) expect(englishWords(ran.out), ran.out).toEqual([]);
  });
});
