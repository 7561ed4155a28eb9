/**
 * The one leased queue (store/leased-queue.ts) on both backends, over a scratch table declared as a queue in both
 * of its shapes (a `leased` status of its own with a due column, like the outbox; the ready status kept under a lease
 * with no due column, like the tracking deliveries): two concurrent claimers never take the same row, an expired
 * lease (or a gone owner's) is claimed again and the old owner's settle is fenced off, a retry backs off, and a row is
 * dead-lettered after its attempts.
 */
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BackoffPolicy, backoffMs } from '../../src/core/backoff';
import type { Store } from '../../src/store/database';
import { defineLeasedQueue, type LeasedQueue, type LeasedQueueSpec } from '../../src/store/leased-queue';
import { inRetriedTransaction } from '../../src/store/transaction-retry';
import { backends } from '../support/backends';

interface JobRow {
  id: number;
  status: string;
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  next_attempt_at: number;
  last_error: string | null;
  done_at: number | null;
  priority: number;
}

const BACKOFF: BackoffPolicy = { firstMs: 1_000, maxMs: 8_000, jitter: 'none' };
const T0 = 1_000_000;

const LIKE_THE_OUTBOX: LeasedQueueSpec = {
  table: 'lq_jobs',
  columns: { due: 'next_attempt_at', error: 'last_error', doneAt: 'done_at' },
  statuses: { ready: 'pending', leased: 'in_flight', done: 'done', dead: 'dead' },
  order: ['priority', 'id'],
  leaseMs: 1_000,
  maxAttempts: 3,
  backoff: BACKOFF,
};

const shapes: Array<{ name: string; spec: LeasedQueueSpec }> = [
  { name: 'a leased status and a due column', spec: LIKE_THE_OUTBOX },
  {
    name: 'the ready status under a lease, no due column',
    spec: {
      ...LIKE_THE_OUTBOX,
      columns: { error: 'last_error', doneAt: 'done_at' },
      statuses: { ...LIKE_THE_OUTBOX.statuses, leased: 'pending' },
      order: ['id'],
    },
  },
];

describe.each(backends)('the leased queue on $name', (backend) => {
  let store: Store;
  let dispose: () => Promise<void>;
  const db = () => store.db as unknown as Kysely<any>;

  beforeAll(async () => {
    ({ store, dispose } = await backend.open());
    const pg = store.dialect === 'postgres';
    await db()
      .schema.createTable('lq_jobs')
      .addColumn('id', pg ? 'bigserial' : 'integer', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('done_at', 'bigint')
      .addColumn('priority', 'integer', (c) => c.notNull())
      .execute();
  });
  afterAll(async () => dispose());
  beforeEach(async () => {
    await db().deleteFrom('lq_jobs').execute();
  });

  async function addJobs(priorities: number[]): Promise<number[]> {
    if (priorities.length === 0) return [];
    const rows = await db()
      .insertInto('lq_jobs')
      .values(
        priorities.map((priority) => ({
          status: 'pending',
          attempts: 0,
          lease_owner: null,
          lease_until: null,
          next_attempt_at: T0,
          last_error: null,
          done_at: null,
          priority,
        })),
      )
      .returning('id')
      .execute();
    return rows.map((r) => Number(r.id));
  }

  const job = async (id: number): Promise<JobRow> =>
    (await db().selectFrom('lq_jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow()) as JobRow;

  function claimer(queue: LeasedQueue<JobRow>) {
    return (owner: string, now: number, limit: number, goneOwners?: string[]) =>
      inRetriedTransaction(store.db, (trx) =>
        queue.claim(trx, { dialect: store.dialect, owner, now, limit, ...(goneOwners ? { goneOwners } : {}) }),
      );
  }

  describe.each(shapes)('declared with $name', ({ spec }) => {
    const queue = defineLeasedQueue<JobRow>(spec);
    const claim = claimer(queue);

    it('never gives two concurrent claimers the same row, and loses none', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 30 }),
          fc.integer({ min: 1, max: 20 }),
          fc.integer({ min: 1, max: 20 }),
          async (priorities, limitA, limitB) => {
            await db().deleteFrom('lq_jobs').execute();
            const ids = await addJobs(priorities);
            const [a, b] = await Promise.all([claim('A', T0, limitA), claim('B', T0, limitB)]);
            const idsA = a.map((r) => r.id);
            const idsB = b.map((r) => r.id);
            expect(idsA.filter((id) => idsB.includes(id))).toEqual([]);
            expect(idsA.length).toBeLessThanOrEqual(limitA);
            expect(idsB.length).toBeLessThanOrEqual(limitB);
            // Each claim is most urgent first, and the rows are leased to their claimer with the attempt counted.
            for (const claimed of [a, b]) {
              const order = claimed.map((r) => spec.order.map((c) => (r as any)[c] as number));
              expect(order).toEqual([...order].sort((x, y) => x[0]! - y[0]! || (x[1] ?? 0) - (y[1] ?? 0)));
            }
            for (const row of [...a.map((r) => ['A', r] as const), ...b.map((r) => ['B', r] as const)]) {
              expect(await job(row[1].id)).toMatchObject({
                status: spec.statuses.leased,
                lease_owner: row[0],
                attempts: 1,
              });
            }
            // Nothing lost: a later claim gets exactly the rest.
            const rest = await claim('C', T0, 100);
            expect([...idsA, ...idsB, ...rest.map((r) => r.id)].sort((x, y) => x - y)).toEqual(ids);
          },
        ),
        { numRuns: 12 },
      );
    });

    it('claims an expired lease, or a gone owner’s, again; the old owner’s settle is fenced off', async () => {
      const [id] = await addJobs([1]);
      expect((await claim('A', T0, 10)).map((r) => r.id)).toEqual([id]);
      expect(await claim('B', T0 + 999, 10)).toEqual([]);
      const taken = await claim('B', T0 + 1_001, 10);
      expect(taken).toMatchObject([{ id, claimed_from: spec.statuses.leased, previous_owner: 'A', attempts: 2 }]);
      expect([...(await queue.done(store.db, 'A', T0 + 1_002, [{ id: id! }]))]).toEqual([]);
      expect(await job(id!)).toMatchObject({ status: spec.statuses.leased, lease_owner: 'B' });
      // B's process is gone: C takes the row at once, before the lease runs out.
      expect(await claim('C', T0 + 1_003, 10)).toEqual([]);
      expect(await queue.holders(store.db, T0 + 1_003)).toEqual(['B']);
      expect((await claim('C', T0 + 1_003, 10, ['B'])).map((r) => r.previous_owner)).toEqual(['B']);
      expect([...(await queue.done(store.db, 'C', T0 + 1_004, [{ id: id! }]))]).toEqual([id]);
      expect(await job(id!)).toMatchObject({ status: 'done', done_at: T0 + 1_004, lease_owner: null, attempts: 3 });
      expect(await claim('D', T0 + 10_000, 10)).toEqual([]);
    });

    it('backs a failed row off, doubling, and dead-letters it after its attempts', async () => {
      const [id] = await addJobs([1]);
      let now = T0;
      for (let attempt = 1; attempt <= spec.maxAttempts; attempt++) {
        const [row] = await claim('A', now, 10);
        expect(row).toMatchObject({ id, attempts: attempt });
        const { retried, dead } = await queue.retry(store.db, 'A', now, [
          { id: id!, attempts: row!.attempts, error: `failure ${attempt}` },
        ]);
        const after = await job(id!);
        expect(after.last_error).toBe(`failure ${attempt}`);
        expect(after.lease_owner).toBeNull();
        if (attempt < spec.maxAttempts) {
          expect([...retried]).toEqual([id]);
          const wait = backoffMs(BACKOFF, attempt);
          expect(wait).toBe(1_000 * 2 ** (attempt - 1));
          expect(after.status).toBe('pending');
          expect(await claim('A', now + wait - 1, 10)).toEqual([]);
          now += wait;
        } else {
          expect([...dead]).toEqual([id]);
          expect(after).toMatchObject({ status: 'dead', attempts: spec.maxAttempts });
        }
      }
      expect(await claim('A', now + 1_000_000, 10)).toEqual([]);
    });

    it('dead-letters at once when told, and only rows the owner holds', async () => {
      const [first, second] = await addJobs([1, 2]);
      await claim('A', T0, 1);
      expect([
        ...(await queue.deadLetter(store.db, 'A', T0, [
          { id: first!, error: 'refused' },
          { id: second!, error: 'x' },
        ])),
      ]).toEqual([first]);
      expect(await job(first!)).toMatchObject({ status: 'dead', last_error: 'refused' });
      expect(await job(second!)).toMatchObject({ status: 'pending', attempts: 0 });
    });
  });
});
