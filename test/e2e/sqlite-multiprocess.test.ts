/**
 * Several processes on one SQLite file: two `serve` processes taking writes at once while a third process imports a
 * file (which holds the write lock for its whole transaction) → every request answered 200, the import committed,
 * and no "database is locked" anywhere; exactly one of the servers runs the background jobs, and the other takes
 * them over when that one is killed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/backends';
import { orderRow, writeCsv } from '../support/files';
import {
  CHILD_PROCESS_TIMEOUT,
  COMPILED,
  freePort,
  shipby,
  startChild,
  stop,
  waitUntil,
  type Child,
} from '../support/processes';

const dir = tempDir();
const env = {
  DATABASE_URL: `sqlite:${path.join(dir, 'shared.db')}`,
  SHIPBY_LANG: 'en',
  LOG_LEVEL: 'info',
  SHIPBY_JOB_LEASE_MS: '3000',
};

const order = (id: string) => ({
  order_id: id,
  platform: 'aliexpress',
  status: 'WAIT_SELLER_SEND_GOODS',
  paid_at: '2026-11-20 10:00:00',
  risk_passed_at: '2026-11-20 11:00:00',
  buyer_name: 'Li Wei',
  buyer_country: 'US',
  address_line1: '1 Main St',
  city: 'Austin',
  currency: 'USD',
  handling_days: 3,
  lines: [{ sku: 'SKU-1', quantity: 2, unit_price: '7.50' }],
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('two servers and an import on one SQLite file', () => {
  it(
    'answers every write, commits the import, and never says "database is locked"',
    async () => {
      expect((await shipby(['import', path.resolve('examples/orders.csv'), '--shop', 'demo'], env)).code).toBe(0);
      const created = await shipby(['key', 'create', 'load', '--role', 'manager', '--shop', 'demo'], env);
      expect(created.code).toBe(0);
      const key = created.stdout.trim().split('\n').at(-1)!;
      const big = writeCsv(
        dir,
        'big.csv',
        Array.from({ length: 60_000 }, (_, i) => orderRow(`77${String(i).padStart(8, '0')}`, 'SKU-1')),
      );

      const ports = [await freePort(), await freePort()];
      const servers: Child[] = ports.map((port) =>
        startChild(COMPILED.cli, ['serve', '--port', String(port), '--host', '127.0.0.1'], env),
      );
      try {
        for (const port of ports) {
          await waitUntil(async () => expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200));
        }
        // Each server has decided whether it runs the jobs.
        await waitUntil(() =>
          expect(servers.every((s) => s.lines.some((l) => l.includes('background jobs: run by')))).toBe(true),
        );
        expect(
          servers.filter((s) => s.lines.some((l) => l.includes('background jobs: run by this process'))),
        ).toHaveLength(1);

        const importing = shipby(['import', big, '--shop', 'demo', '--json'], env);
        const statuses: number[] = [];
        const bodies: string[] = [];
        const client = async (port: number, name: string) => {
          for (let i = 0; i < 40; i++) {
            const response = await fetch(`http://127.0.0.1:${port}/orders`, {
              method: 'POST',
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
              body: JSON.stringify({ shop_id: 'demo', orders: [order(`${name}-${i}`), order(`${name}-${i}-b`)] }),
            });
            statuses.push(response.status);
            if (response.status !== 200) {
              bodies.push(await response.text());
              continue;
            }
            // An action reads the order, then writes: the case a deferred BEGIN could not upgrade to a write.
            const id = ((await response.json()) as { orders: Array<{ id: number }> }).orders[0]!.id;
            const cancelled = await fetch(`http://127.0.0.1:${port}/orders/${id}/actions/cancel`, {
              method: 'POST',
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
              body: JSON.stringify({ reason: 'buyer asked' }),
            });
            statuses.push(cancelled.status);
            if (cancelled.status !== 200) bodies.push(await cancelled.text());
          }
        };
        const [imported] = await Promise.all([
          importing,
          client(ports[0]!, 'p0a'),
          client(ports[0]!, 'p0b'),
          client(ports[1]!, 'p1a'),
          client(ports[1]!, 'p1b'),
        ]);
        expect(bodies).toEqual([]);
        expect(statuses).toHaveLength(320);
        expect(imported.stderr).toBe('');
        expect(JSON.parse(imported.stdout)).toMatchObject({ committed: true, orders: 60_000, created: 60_000 });

        const listed = await fetch(`http://127.0.0.1:${ports[1]}/orders?shop=demo&limit=1`, {
          headers: { authorization: `Bearer ${key}` },
        });
        expect(listed.status).toBe(200);

        // The job runner is killed (no chance to give its lease back): the other server takes the jobs over once the
        // lease expires.
        // (The lease is short here, so it may already have moved during the import: whoever holds it now is killed.)
        const holds = (s: Child) =>
          s.lines
            .filter((l) => /background jobs: (run by this process|.* took them over)/.test(l))
            .at(-1)
            ?.includes('run by this process') === true;
        await waitUntil(() => expect(servers.filter(holds)).toHaveLength(1));
        const owner = servers.find(holds)!;
        const other = servers.find((s) => s !== owner)!;
        await stop(owner, 'SIGKILL');
        await waitUntil(() => expect(holds(other)).toBe(true));
      } finally {
        for (const s of servers) await stop(s);
      }
      const logs = servers.flatMap((s) => s.lines);
      expect(logs.filter((l) => /database is locked|SQLITE_BUSY/i.test(l))).toEqual([]);
      expect(logs.filter((l) => /"statusCode":5\d\d/.test(l))).toEqual([]);
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
