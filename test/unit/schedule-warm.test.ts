import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dailyInstants, dailyShifts, plan, type Job, type PlanInput } from '../../src/core/schedule';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.UTC(2025, 2, 10, 1, 0);

function day(count: number, seed: number, stations = 3): PlanInput {
  let s = seed >>> 0;
  const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const zone = 'Asia/Shanghai';
  const shifts = dailyShifts({
    zone,
    from: NOW,
    days: 4,
    windows: [
      { start: '09:00', end: '12:00' },
      { start: '13:00', end: '18:00' },
    ],
  });
  const jobs: Job[] = Array.from({ length: count }, (_, k) => ({
    id: `o${k}`,
    processingMs: Math.round((1 + r() * 4) * MINUTE),
    dueAt: NOW + Math.floor((r() * 2 - 0.1) * 24 * HOUR),
    ...(r() < 0.1 ? { releaseAt: NOW + Math.floor(r() * 10) * HOUR } : {}),
    penalty: { steps: [{ overMs: 0, amount: 100 + Math.floor(r() * 400) }], rate: { amount: 5, perMs: HOUR } },
  }));
  return {
    now: NOW,
    currency: 'USD',
    jobs,
    stations: Array.from({ length: stations }, (_, i) => ({ id: `station-${i + 1}`, shifts })),
    pickups: { times: dailyInstants({ zone, from: NOW, days: 4, times: ['11:00', '17:00'] }) },
  };
}

const queuesOf = (p: ReturnType<typeof plan>) =>
  p.stations.map((s) => ({ stationId: s.stationId, jobIds: s.queue.filter((j) => !j.pinned).map((j) => j.jobId) }));

describe('plan: warm start from a previous plan', () => {
  it('keeps the previous order of the orders still open and inserts the new ones', () => {
    const before = day(300, 3);
    const previous = plan(before, { seed: 1, maxIterations: 30 });
    const gone = new Set(['o5', 'o17', 'o200']);
    const extra = day(320, 3)
      .jobs.slice(300)
      .map((j, k) => ({ ...j, id: `new-${k}` }));
    const after: PlanInput = { ...before, jobs: [...before.jobs.filter((j) => !gone.has(j.id)), ...extra] };
    const start = plan(after, { seed: 1, warmStart: queuesOf(previous), constructionOnly: true });
    expect(start.method).toBe('warm-start');
    expect(start.warmStart).toEqual({ used: true, kept: 297, inserted: 20, startPenalty: start.totalPenalty });
    for (const [i, station] of start.stations.entries()) {
      const kept = station.queue.map((j) => j.jobId).filter((id) => !id.startsWith('new-'));
      expect(kept).toEqual(queuesOf(previous)[i]!.jobIds.filter((id) => !gone.has(id)));
    }
    expect(start.stations.flatMap((s) => s.queue).length).toBe(after.jobs.length);
  });

  it('is never worse than its starting sequences, and deterministic for a seed (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 20, max: 120 }),
        fc.integer({ min: 1, max: 15 }),
        (seed, count, added) => {
          const before = day(count, seed, 2);
          const previous = plan(before, { seed, maxIterations: 10 });
          const extra = day(count + added, seed + 1, 2)
            .jobs.slice(count)
            .map((j, k) => ({ ...j, id: `new-${k}` }));
          const after: PlanInput = { ...before, jobs: [...before.jobs.slice(1), ...extra] };
          const warm = { seed, warmStart: queuesOf(previous), maxIterations: 20, exactMaxJobs: 0 };
          const result = plan(after, warm);
          expect(result.warmStart!.used).toBe(true);
          expect(result.totalPenalty).toBeLessThanOrEqual(result.warmStart!.startPenalty);
          expect(result.totalPenalty).toBe(
            result.stations.flatMap((s) => s.queue).reduce((sum, j) => sum + j.penalty, 0),
          );
          expect(plan(after, warm)).toEqual(result);
        },
      ),
      { numRuns: 12, seed: 11 },
    );
  });

  it('never reorders an order in progress, and drops previous queues of stations no longer there', () => {
    const input = day(60, 5);
    const previous = plan(input, { seed: 1, maxIterations: 10 });
    const first = previous.stations[1]!.queue[3]!.jobId;
    const jobs = input.jobs.map((j) =>
      j.id === first ? { ...j, inProgress: { stationId: 'station-1', startedAt: NOW } } : j,
    );
    const twoStations: PlanInput = { ...input, jobs, stations: input.stations.slice(0, 2) };
    const result = plan(twoStations, { seed: 1, warmStart: queuesOf(previous), maxIterations: 10 });
    expect(result.stations[0]!.queue[0]).toMatchObject({ jobId: first, pinned: true });
    expect(result.warmStart).toMatchObject({ used: true, kept: 60 - 1 - previous.stations[2]!.queue.length });
  });

  it('constructs afresh when most orders are new', () => {
    const input = day(2_500, 9);
    const result = plan(input, {
      seed: 1,
      warmStart: [{ stationId: 'station-1', jobIds: ['o1', 'o2'] }],
      constructionOnly: true,
    });
    expect(result.method).toBe('construction');
    expect(result.warmStart).toMatchObject({ used: false });
  });
});

describe('plan: warm start with a new station', () => {
  it('constructs afresh, since a new station would stay empty', () => {
    const input = day(100, 4, 2);
    const previous = plan(input, { seed: 1, maxIterations: 5 });
    const three = day(100, 4, 3);
    const result = plan(three, { seed: 1, warmStart: queuesOf(previous), constructionOnly: true });
    expect(result.warmStart).toMatchObject({ used: false });
    expect(result.stations[2]!.queue.length).toBeGreaterThan(0);
  });
});
