/**
 * The scheduler's turns (jobs/scheduler.ts): schedulers sharing one claim (as processes share the store's leases)
 * run each claimed job once per turn between them; a `per-row` job runs in each; a failing run is reported as such.
 */
import { describe, expect, it } from 'vitest';
import { startScheduler, type ClaimTurn } from '../../src/jobs/scheduler';
import { waitUntil } from '../support/processes';

/** One lease table for every "process": a turn is held until its ttl passes. */
function sharedClaims() {
  const held = new Map<string, { owner: number; until: number }>();
  return (owner: number): ClaimTurn =>
    async (lease, ttlMs) => {
      const now = Date.now();
      const current = held.get(lease);
      if (current && current.owner !== owner && current.until > now) return false;
      held.set(lease, { owner, until: now + ttlMs });
      return true;
    };
}

describe('scheduler turns', () => {
  it('runs a claimed job once between several schedulers, and a per-row job in each', async () => {
    const claimFor = sharedClaims();
    const runs: string[] = [];
    const skipped: string[] = [];
    const outcomes: string[] = [];
    const schedulers = [1, 2, 3].map((n) =>
      startScheduler(
        [
          { name: 'sweep', intervalMs: 600_000, run: async () => void runs.push(`sweep@${n}`) },
          { name: 'outbox', intervalMs: 600_000, claimed: 'per-row', run: async () => void runs.push(`outbox@${n}`) },
          {
            name: 'broken',
            intervalMs: 600_000,
            run: async () => {
              throw new Error('no');
            },
          },
        ],
        {
          onError: () => undefined,
          onSkipped: (job) => skipped.push(job),
          onRun: (job, outcome) => outcomes.push(`${job}:${outcome}`),
        },
        { claim: claimFor(n) },
      ),
    );
    try {
      await waitUntil(() =>
        expect(runs.filter((r) => r.startsWith('outbox')).length + skipped.filter((s) => s === 'sweep').length).toBe(5),
      );
      await waitUntil(() => expect(skipped.filter((s) => s === 'broken')).toHaveLength(2));
      expect(runs.filter((r) => r.startsWith('sweep'))).toHaveLength(1);
      expect(runs.filter((r) => r.startsWith('outbox')).sort()).toEqual(['outbox@1', 'outbox@2', 'outbox@3']);
      expect(outcomes.filter((o) => o.startsWith('broken'))).toEqual(['broken:failed']);
    } finally {
      await Promise.all(schedulers.map((s) => s.stop()));
    }
  });
});
