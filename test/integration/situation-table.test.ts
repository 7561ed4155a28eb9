/**
 * One table of situations, built and read through the `shipby` command (its command functions run in this process,
 * one program per call, DATABASE_URL pointing at the backend) and through HTTP, on SQLite AND PostgreSQL: each case's
 * situation kind, fine and next step from `explain --at … --json` and from `GET /orders/:id/verdict?at=…`, which
 * must agree with each other and with the table. Then the bad inputs: an `--at` / `at=` that does not parse, a
 * warehouse receipt before the hand-over, a currency with no exchange rate for the date — each a clear error naming
 * the field, nothing changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/app/context';
import { buildServer } from '../../src/http/server';
import { openStore, type Store } from '../../src/store/database';
import { copyMigratedSqlite, pgTemplateCopy, tempDir } from '../support/backends';
import { shipbyInProcess } from '../support/cli-in-process';
import { orderRow, writeCsv } from '../support/files';

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The backends by their DATABASE_URL, as the command takes it. */
const databases: Array<{ name: string; open: () => Promise<{ url: string; drop: () => Promise<void> }> }> = [
  {
    name: 'sqlite',
    open: async () => {
      const dir = tempDir();
      return {
        url: `sqlite:${copyMigratedSqlite(path.join(dir, 'table.db'))}`,
        drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const scratch = await pgTemplateCopy();
      return { url: scratch.url, drop: () => scratch.drop() };
    },
  },
];

/** Runs one `shipby …` command line in this process on the backend: its output, its error output and its exit code. */
const shipby = (url: string, ...args: string[]) => shipbyInProcess(args, { DATABASE_URL: url });

/**
 * The table. Each order is an import row of support/files.ts (paid 2026-11-20 09:00, risk passed 10:00 US Pacific,
 * USD 4.99, 5 handling days) in a shop of the given mode; times are hours from the order's own deadline D.
 */
interface Case {
  name: string;
  shop: 'pop' | 'jit' | 'self';
  ref: string;
  sku?: string;
  /** Imported already shipped, at D + this (the platform's ship time). */
  shippedAt?: number;
  atHours: number;
  kind: string;
  status: string;
  /** fine_now, minor units of USD. */
  fine: number;
  recommended: string;
}

const CASES: Case[] = [
  {
    name: 'open: days to go',
    shop: 'pop',
    ref: 'T-OPEN',
    atHours: -72,
    kind: 'open',
    status: 'on_track',
    fine: 0,
    recommended: 'ship_now',
  },
  {
    name: 'at risk: less than 24 h to the latest hand-over',
    shop: 'pop',
    ref: 'T-RISK',
    atHours: -10,
    kind: 'at_risk',
    status: 'on_track',
    fine: 0,
    recommended: 'ship_now',
  },
  {
    name: 'will miss: past the deadline (semi-managed JIT, half the goods value late)',
    shop: 'jit',
    ref: 'T-LATE',
    atHours: 10,
    kind: 'will_miss',
    status: 'late',
    fine: 250,
    recommended: 'ship_now',
  },
  {
    name: 'will miss: the latest hand-over has passed (self-send: the warehouse receipt would come too late)',
    shop: 'self',
    ref: 'T-WINDOW',
    atHours: -10,
    kind: 'will_miss',
    status: 'hand_over_window_missed',
    fine: 0,
    recommended: 'ship_now',
  },
  {
    name: 'will miss: waiting for stock nothing brings',
    shop: 'pop',
    ref: 'T-NOSTOCK',
    sku: 'AE-B',
    atHours: -72,
    kind: 'will_miss',
    status: 'waiting_for_stock',
    fine: 100,
    recommended: 'cancel',
  },
  {
    name: 'will miss: its stock is expected after the deadline',
    shop: 'pop',
    ref: 'T-STOCKLATE',
    sku: 'AE-C',
    atHours: -72,
    kind: 'will_miss',
    status: 'waiting_for_stock',
    fine: 100,
    recommended: 'cancel',
  },
  {
    name: 'at risk: its stock is expected in time',
    shop: 'pop',
    ref: 'T-STOCKOK',
    sku: 'AE-A',
    atHours: -72,
    kind: 'at_risk',
    status: 'waiting_for_stock',
    fine: 0,
    recommended: 'wait_for_stock',
  },
  {
    name: 'awaiting the count: handed over, the warehouse receipt not known yet',
    shop: 'self',
    ref: 'T-AWAIT',
    shippedAt: -40,
    atHours: 24,
    kind: 'awaiting_count',
    status: 'awaiting_count',
    fine: 0,
    recommended: 'none',
  },
  {
    name: 'shipped in time: the number uploaded before the deadline (shipped outside shipby)',
    shop: 'pop',
    ref: 'T-INTIME',
    shippedAt: -5,
    atHours: 24,
    kind: 'shipped_in_time',
    status: 'shipped_on_time',
    fine: 0,
    recommended: 'none',
  },
  {
    name: 'shipped late: picked up after the deadline (semi-managed JIT)',
    shop: 'jit',
    ref: 'T-SHIPLATE',
    shippedAt: 5,
    atHours: 24,
    kind: 'shipped_late',
    status: 'shipped_late',
    fine: 250,
    recommended: 'none',
  },
  {
    name: 'closed by the platform at the deadline (regular mode), unshipped',
    shop: 'pop',
    ref: 'T-CLOSED',
    atHours: 2,
    kind: 'closed',
    status: 'closed',
    fine: 100,
    recommended: 'void_label',
  },
  {
    name: 'cancelled by the seller',
    shop: 'pop',
    ref: 'T-CANCEL',
    atHours: -72,
    kind: 'cancelled',
    status: 'cancelled',
    fine: 100,
    recommended: 'none',
  },
];

describe.each(databases)('the situations table on $name, through the command and HTTP', (database) => {
  let url: string;
  let drop: () => Promise<void>;
  let store: Store;
  let app: FastifyInstance;
  let dir: string;
  /** Each shop's deadline for the table's orders (they share payment, review and handling time). */
  const deadline = new Map<string, number>();

  const cli = (...args: string[]) => shipby(url, ...args);
  const json = async (...args: string[]) => {
    const r = await cli(...args, '--json');
    expect(r.stderr, args.join(' ')).toBe('');
    expect(r.code, args.join(' ')).toBe(0);
    return JSON.parse(r.stdout);
  };
  const idOf = async (ref: string) =>
    (await store.db.selectFrom('orders').select('id').where('platform_order_id', '=', ref).executeTakeFirstOrThrow())
      .id;
  const rowOf = async (ref: string) =>
    store.db.selectFrom('orders').selectAll().where('platform_order_id', '=', ref).executeTakeFirstOrThrow();

  beforeAll(async () => {
    ({ url, drop } = await database.open());
    dir = tempDir();
    // The catalogue and the shops' modes, through the command.
    expect(
      (
        await cli(
          'stock',
          'warehouse',
          'add',
          'SZ',
          '--kind',
          'domestic',
          '--zone',
          'Asia/Shanghai',
          '--cutoff',
          '16:00',
        )
      ).code,
    ).toBe(0);
    for (const sku of ['A', 'B', 'C']) expect((await cli('stock', 'sku', 'add', sku)).code).toBe(0);
    const shops = { pop: 'aliexpress_pop', jit: 'aliexpress_semi_jit', self: 'aliexpress_semi_self_send' } as const;
    // The orders not shipped yet first: their deadline places the shipped ones' ship times.
    const first = CASES.filter((c) => c.shippedAt === undefined);
    for (const shop of Object.keys(shops) as Array<keyof typeof shops>) {
      const rows = first.filter((c) => c.shop === shop).map((c) => orderRow(c.ref, c.sku ?? 'UNTRACKED'));
      rows.push(orderRow(`T-${shop}-PROBE`, 'UNTRACKED'));
      expect((await cli('import', writeCsv(dir, `${shop}.csv`, rows), '--shop', shop)).code).toBe(0);
      expect((await cli('policy', 'set', '--shop', shop, '--policy', shops[shop])).code).toBe(0);
      if (shop === 'pop')
        for (const sku of ['A', 'B', 'C'])
          expect((await cli('stock', 'map', `AE-${sku}`, sku, '--shop', shop)).code).toBe(0);
      deadline.set(shop, Date.parse((await json('explain', `T-${shop}-PROBE`, '--shop', shop)).ship_by_at));
    }
    // The waiting orders were accepted before their SKUs were mapped: settling puts them on the stock they wait for.
    expect((await cli('stock', 'settle')).code).toBe(0);
    const d = deadline.get('pop')!;
    for (const [sku, expected] of [
      ['A', d - 48 * H],
      ['C', d + 24 * H],
    ] as const) {
      const created = await cli(
        'po',
        'create',
        `${sku}=5`,
        '--warehouse',
        'SZ',
        '--supplier',
        'Yiwu',
        '--expected',
        iso(expected),
      );
      expect(created.code, created.stderr).toBe(0);
      const id = /purchase order (\d+)/.exec(created.stdout)![1]!;
      expect((await cli('po', 'place', id)).code).toBe(0);
    }
    for (const c of CASES.filter((x) => x.shippedAt !== undefined)) {
      const shippedAt = deadline.get(c.shop)! + c.shippedAt! * H;
      const file = writeCsv(dir, `${c.ref}.csv`, [
        orderRow(c.ref, 'UNTRACKED', { status: 'WAIT_BUYER_ACCEPT_GOODS', shipped_at: iso(shippedAt) }),
      ]);
      expect((await cli('import', file, '--shop', c.shop)).code).toBe(0);
    }
    expect((await cli('cancel', 'T-CANCEL', '--shop', 'pop', '--reason', 'out of stock at the supplier')).code).toBe(0);
    store = openStore(url);
    app = await buildServer(createContext(store), { authentication: false });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES)('$name', async (c) => {
    const at = iso(deadline.get(c.shop)! + c.atHours * H);
    const viaCli = await json('explain', c.ref, '--shop', c.shop, '--at', at);
    const viaHttp = (
      await app.inject({ method: 'GET', url: `/orders/${await idOf(c.ref)}/verdict?at=${encodeURIComponent(at)}` })
    ).json();
    for (const answer of [viaCli, viaHttp]) {
      expect({
        kind: answer.situation.kind,
        status: answer.status,
        fine: answer.fine_now.amount,
        currency: answer.fine_now.currency,
        recommended: answer.recommended,
      }).toEqual({
        kind: c.kind,
        status: c.status,
        fine: c.fine,
        currency: 'USD',
        recommended: c.recommended,
      });
      expect(answer.headline.en.length).toBeGreaterThan(0);
      expect(answer.headline['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    }
    // The two readers tell the same story, word for word.
    expect(viaCli.situation).toEqual(viaHttp.situation);
    expect(viaCli.sentences).toEqual(viaHttp.sentences);
    // The order page (`order --at`, GET /orders/:id?at=) reads the same situation, with a countdown only while queued.
    const page = await json('order', c.ref, '--shop', c.shop, '--at', at);
    const pageHttp = (
      await app.inject({ method: 'GET', url: `/orders/${await idOf(c.ref)}?at=${encodeURIComponent(at)}` })
    ).json();
    for (const shown of [page, pageHttp]) {
      expect({ situation: shown.situation, time_left_ms: shown.time_left_ms }).toEqual({
        situation: c.kind,
        time_left_ms: viaCli.situation.in_queues ? viaCli.time_left_ms : null,
      });
    }
  });

  it('a receipt at the platform warehouse, recorded through the command, turns the awaiting order shipped in time', async () => {
    const d = deadline.get('self')!;
    const recorded = await cli('warehouse-received', 'T-AWAIT', '--shop', 'self', '--at', iso(d - 20 * H));
    expect(recorded.code, recorded.stderr).toBe(0);
    const after = await json('explain', 'T-AWAIT', '--shop', 'self', '--at', iso(d + 24 * H));
    expect(after).toMatchObject({
      status: 'shipped_on_time',
      situation: { kind: 'shipped_in_time' },
      fine_now: { amount: 0 },
    });
  });

  it('an --at / at= that does not parse: an error naming it, nothing changed', async () => {
    const before = await rowOf('T-OPEN');
    for (const command of [['explain', 'T-OPEN'], ['order', 'T-OPEN'], ['at-risk'], ['receipt', 'show', 'T-OPEN']]) {
      const bad = await cli(...command, '--shop', 'pop', '--at', 'next tuesday');
      expect(bad.code, command.join(' ')).toBe(2);
      expect(bad.stderr).toMatch(/--at "next tuesday" is not a time/);
      expect(bad.stdout).toBe('');
    }
    const http = await app.inject({ method: 'GET', url: `/orders/${before.id}/verdict?at=next%20tuesday` });
    expect(http.statusCode).toBe(400);
    expect(http.json().error.issues[0].path).toBe('at');
    expect(http.json().error.issues[0].message).toMatch(/^at "next tuesday" is not a time/);
    expect(http.json().error.issues[0].messages['zh-CN']).toMatch(/不是有效时间/);
    expect(await rowOf('T-OPEN')).toEqual(before);
  });

  it('a warehouse receipt before the hand-over: an error naming the field, nothing changed', async () => {
    const d = deadline.get('self')!;
    const file = writeCsv(dir, 'T-EARLY.csv', [
      orderRow('T-EARLY', 'UNTRACKED', { status: 'WAIT_BUYER_ACCEPT_GOODS', shipped_at: iso(d - 30 * H) }),
    ]);
    expect((await cli('import', file, '--shop', 'self')).code).toBe(0);
    const before = await rowOf('T-EARLY');
    const viaCli = await cli('warehouse-received', 'T-EARLY', '--shop', 'self', '--at', iso(d - 31 * H));
    expect(viaCli.code).toBe(1);
    expect(viaCli.stderr).toMatch(
      /^row 0, at: the warehouse cannot have received order T-EARLY before it was handed over/,
    );
    const viaHttp = await app.inject({
      method: 'POST',
      url: `/orders/${before.id}/warehouse-receipt`,
      payload: { at: iso(d - 31 * H) },
    });
    expect(viaHttp.statusCode).toBe(400);
    expect(viaHttp.json().error.issues[0].path).toBe('at');
    expect(await rowOf('T-EARLY')).toEqual(before);
  });

  it('a currency with no exchange rate for the date: the verdict says so, naming the currency and the date, and nothing changed', async () => {
    // The regular mode's fine tiers are in USD; the EUR rates kept start in 2025, and this order was paid in 2024.
    const file = writeCsv(dir, 'T-EUR.csv', [
      orderRow('T-EUR', 'UNTRACKED', {
        currency: 'EUR',
        paid_at: '2024-11-20 09:00:00',
        risk_passed_at: '2024-11-20 10:00:00',
      }),
    ]);
    expect((await cli('import', file, '--shop', 'pop')).code).toBe(0);
    const before = await rowOf('T-EUR');
    const at = '2024-11-21T00:00:00Z';
    const viaCli = await cli('explain', 'T-EUR', '--shop', 'pop', '--at', at, '--json');
    expect(viaCli.code).toBe(1);
    expect(viaCli.stdout).toBe('');
    expect(viaCli.stderr).toMatch(
      /no exchange rate for EUR on 2024-11-20 \(rates for EUR cover 2025-01-01 to 2026-12-31\).*check the order's currency in the dashboard.*\[verdict\.cannot_judge\]/,
    );
    const viaHttp = await app.inject({
      method: 'GET',
      url: `/orders/${before.id}/verdict?at=${encodeURIComponent(at)}`,
    });
    expect(viaHttp.statusCode).toBe(409);
    expect(viaHttp.json().error).toMatchObject({ rule: 'verdict.cannot_judge' });
    expect(viaHttp.json().error.message).toMatch(/EUR/);
    expect(await rowOf('T-EUR')).toEqual(before);
    // The at-risk list still answers for the other orders, and says why it cannot judge this one.
    const listed = await json('at-risk', '--shop', 'pop', '--at', at);
    expect(listed.find((i: { platform_order_id: string }) => i.platform_order_id === 'T-EUR').why.en).toMatch(
      /no exchange rate for EUR/,
    );
    expect(listed.some((i: { platform_order_id: string }) => i.platform_order_id === 'T-OPEN')).toBe(true);
  });
});
