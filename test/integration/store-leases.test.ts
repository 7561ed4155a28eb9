/**
 * Leases on the store, on SQLite AND PostgreSQL: one holder at a time, renewed by its holder, taken over once
 * expired, given back on stop; and the background jobs of `serve` run in exactly one process per SQLite store.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createContext, type AppContext } from '../../src/app/context';
import {
  announceServer,
  holdJobsLease,
  jobsOwner,
  releaseProcessLeases,
  runningServers,
} from '../../src/app/store-leases';
import { runJobsWhileOwner } from '../../src/jobs/job-owner';
import { backends, contextFor, manualClock } from '../support/backends';

const TTL = 30_000;

describe.each(backends)('store leases on $name', (backend) => {
  let ctx: AppContext;
  let dispose: () => Promise<void>;
  const clock = manualClock();

  beforeEach(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    ctx = contextFor(opened.store, clock);
  });
  afterEach(async () => {
    await dispose();
  });

  it('has one holder at a time, renewed by it, taken over once expired, freed on release', async () => {
    expect(await holdJobsLease(ctx, 'a', TTL)).toBe(true);
    expect(await holdJobsLease(ctx, 'b', TTL)).toBe(false);
    clock.advance(TTL - 1);
    expect(await holdJobsLease(ctx, 'a', TTL)).toBe(true); // renewed
    clock.advance(TTL - 1);
    expect(await holdJobsLease(ctx, 'b', TTL)).toBe(false);
    expect(await jobsOwner(ctx)).toBe('a');
    clock.advance(2); // a did not renew: expired
    expect(await holdJobsLease(ctx, 'b', TTL)).toBe(true);
    expect(await holdJobsLease(ctx, 'a', TTL)).toBe(false);
    await releaseProcessLeases(ctx, 'a'); // not a's any more: nothing happens
    expect(await jobsOwner(ctx)).toBe('b');
    await releaseProcessLeases(ctx, 'b');
    expect(await jobsOwner(ctx)).toBe(null);
    expect(await holdJobsLease(ctx, 'a', TTL)).toBe(true);
  });

  it('lists the servers whose lease is live', async () => {
    await announceServer(ctx, 'a', TTL);
    clock.advance(TTL / 2);
    await announceServer(ctx, 'b', TTL);
    expect((await runningServers(ctx)).map((s) => s.owner)).toEqual(['a', 'b']);
    clock.advance(TTL / 2 + 1);
    expect((await runningServers(ctx)).map((s) => s.owner)).toEqual(['b']);
    await releaseProcessLeases(ctx, 'b');
    expect(await runningServers(ctx)).toEqual([]);
  });
});

describe('background jobs on one SQLite store', () => {
  it('run in exactly one of two servers, and move to the other when it stops', async () => {
    const sqlite = backends.find((b) => b.name === 'sqlite')!;
    const { store, dispose } = await sqlite.open();
    const ctx = createContext(store);
    const quiet = { info: () => {}, error: () => {} };
    const started: string[] = [];
    const jobsOf = (name: string) => () => {
      started.push(name);
      return [{ stop: async () => {} }];
    };
    const a = runJobsWhileOwner(ctx, 'a', jobsOf('a'), quiet, { ttlMs: 3000, exclusive: true });
    const b = runJobsWhileOwner(ctx, 'b', jobsOf('b'), quiet, { ttlMs: 3000, exclusive: true });
    try {
      await vi.waitFor(() => expect(a.running() || b.running()).toBe(true), { timeout: 20_000, interval: 50 });
      const [first, second] = a.running() ? [a, b] : [b, a];
      expect(second.running()).toBe(false);
      expect(started).toHaveLength(1);
      await first.stop();
      await vi.waitFor(() => expect(second.running()).toBe(true), { timeout: 20_000, interval: 50 });
      expect(started).toEqual(first === a ? ['a', 'b'] : ['b', 'a']);
    } finally {
      await a.stop();
      await b.stop();
      await dispose();
    }
  });
});
