/**
 * The planner pool's own guards, without a database: a task that cannot be sent to a thread fails alone and frees
 * its caller; a problem past the size cap is refused naming the field, in both languages.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/app/errors';
import type { PlanTask } from '../../src/app/plan-compute';
import { DEFAULT_PLAN_SETTINGS } from '../../src/app/plan';
import { PlanPool } from '../../src/app/plan-pool';

const task = (jobs: number, extra: Record<string, unknown> = {}): PlanTask => ({
  problem: {
    input: {
      now: 0,
      currency: 'USD',
      jobs: Array.from({ length: jobs }, (_, i) => ({ id: String(i), processingMs: 60_000, dueAt: 3_600_000 })),
      stations: [{ id: 'station-1' }],
    },
    orders: new Map(),
    mixedCurrencies: false,
    waitingForStock: 0,
    unassigned: 0,
    estimates: new Map(),
    fines: new Map(),
    fingerprint: 'x',
    ...extra,
  },
  settings: DEFAULT_PLAN_SETTINGS,
});

describe('plan pool guards', () => {
  const pool = new PlanPool({ threads: 1, maxJobs: 5 });
  afterAll(() => pool.close());

  it('refuses a plan past the size cap, naming the field, in both languages', () => {
    let error: unknown;
    try {
      void pool.run(task(6), { caller: 'c' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const issue = (error as ValidationError).issues[0]!;
    expect(issue.field).toBe('warehouse');
    expect(issue.message.en).toMatch(/6 open orders/);
    expect(issue.message['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
  });

  it('a task that cannot be sent fails alone, and its caller may ask again', async () => {
    await expect(pool.run(task(1, { fingerprint: () => 'not cloneable' }), { caller: 'c' })).rejects.toThrow(
      /could not be cloned/,
    );
    await expect(pool.run(task(1, { fingerprint: () => 'again' }), { caller: 'c' })).rejects.toThrow(
      /could not be cloned/,
    );
  });
});
