import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planOrlibInstances } from '../../src/cli/commands/plan';
import {
  parseOptima,
  parseWeightedTardiness,
  totalWeightedTardiness,
  weightedTardinessPlanInput,
} from '../../src/core/orlib';
import {
  dailyInstants,
  dailyShifts,
  plan,
  PlanInputError,
  whatIf,
  withExtraPickup,
  withExtraStation,
  withLaterDeadlines,
  type Job,
  type PenaltyFunction,
  type Plan,
  type PlanInput,
  type Shift,
} from '../../src/core/schedule';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.UTC(2025, 2, 10, 1, 0);
const at = (minutes: number) => NOW + minutes * MINUTE;
/** Multiplies the property runs, e.g. SCHEDULE_PROPERTY_RUNS=20 for a soak before a change lands. */
const RUNS = Math.max(1, Number(process.env.SCHEDULE_PROPERTY_RUNS ?? 1));

// ---------------------------------------------------------------------------------------------------------------
// An independent reference of the model's rules, written as plainly as possible, to check the planner against.

function referencePenalty(penalty: PenaltyFunction, lateness: number): number {
  if (lateness <= 0) return 0;
  if (typeof penalty === 'function') return penalty(lateness);
  let level = 0;
  for (const step of penalty.steps ?? []) if (lateness > step.overMs) level = Math.max(level, step.amount);
  let rate = 0;
  if (penalty.rate) {
    const { amount, perMs, charge } = penalty.rate;
    rate = charge === 'started' ? amount * Math.ceil(lateness / perMs) : Math.floor((amount * lateness) / perMs);
  }
  return level + rate;
}

function referenceLeaves(input: PlanInput, finish: number): number {
  const next = (input.pickups?.times ?? []).filter((t) => t >= finish).sort((a, b) => a - b)[0];
  return next ?? finish;
}

/** Start of a job on a station whose previous job ends at `free`: released, inside one shift, else after the last. */
function referenceStart(input: PlanInput, stationIndex: number, free: number, job: Job): number {
  const earliest = Math.max(free, job.releaseAt ?? input.now, input.now);
  const shifts = input.stations[stationIndex]!.shifts;
  if (!shifts) return earliest;
  const sorted = [...shifts].sort((a, b) => a.start - b.start);
  for (const shift of sorted) {
    const start = Math.max(earliest, shift.start);
    if (start + job.processingMs <= shift.end) return start;
  }
  return Math.max(earliest, ...sorted.map((s) => s.end));
}

/** Total penalty of queues of job ids (pinned jobs excluded: they come first on their station). */
function referenceCost(input: PlanInput, queues: string[][]): number {
  const byId = new Map(input.jobs.map((j) => [j.id, j]));
  let total = 0;
  input.stations.forEach((station, s) => {
    // Work in progress runs on from when it started; it cannot have finished before now.
    let free = -Infinity;
    const pinned = input.jobs
      .filter((j) => j.inProgress?.stationId === station.id)
      .sort((a, b) => a.inProgress!.startedAt - b.inProgress!.startedAt);
    for (const job of pinned) {
      const start = Math.max(job.inProgress!.startedAt, free);
      const finish = Math.max(start + job.processingMs, input.now);
      total += referencePenalty(job.penalty, referenceLeaves(input, finish) - job.dueAt);
      free = finish;
    }
    free = Math.max(free, input.now);
    for (const id of queues[s] ?? []) {
      const job = byId.get(id)!;
      const finish = referenceStart(input, s, free, job) + job.processingMs;
      total += referencePenalty(job.penalty, referenceLeaves(input, finish) - job.dueAt);
      free = finish;
    }
  });
  return total;
}

/** A station whose shifts have all ended takes no new work. */
function isOpen(input: PlanInput, stationIndex: number): boolean {
  const shifts = input.stations[stationIndex]!.shifts;
  return !shifts || shifts.some((w) => w.end > input.now && w.end > w.start);
}

/** Tries every way to split the free jobs into ordered queues of the open stations: (n + m − 1)! / (m − 1)! of them. */
function bruteForceOptimum(input: PlanInput): number {
  const free = input.jobs.filter((j) => !j.inProgress).map((j) => j.id);
  const queues: string[][] = input.stations.map(() => []);
  let best = Infinity;
  const place = (k: number) => {
    if (k === free.length) {
      best = Math.min(best, referenceCost(input, queues));
      return;
    }
    for (const queue of queues.filter((_, s) => isOpen(input, s))) {
      for (let pos = 0; pos <= queue.length; pos++) {
        queue.splice(pos, 0, free[k]!);
        place(k + 1);
        queue.splice(pos, 1);
      }
    }
  };
  place(0);
  return best;
}

/** Checks every rule a plan must keep, and returns its penalty as recomputed from its own schedule. */
function checkPlan(input: PlanInput, result: Plan): void {
  const byId = new Map(input.jobs.map((j) => [j.id, j]));
  const seen = result.stations.flatMap((s) => s.queue.map((q) => q.jobId)).sort();
  expect(seen).toEqual(input.jobs.map((j) => j.id).sort());
  let recomputed = 0;
  result.stations.forEach((station, s) => {
    const input_station = input.stations[s]!;
    expect(station.stationId).toBe(input_station.id);
    const pinnedHere = input.jobs.filter((j) => j.inProgress?.stationId === station.stationId).length;
    if (!isOpen(input, s)) expect(station.queue.length).toBe(pinnedHere);
    station.queue.forEach((planned, k) => {
      const job = byId.get(planned.jobId)!;
      expect(planned.position).toBe(k);
      // in-progress jobs, and only they, come first
      expect(planned.pinned).toBe(k < pinnedHere);
      expect(Boolean(job.inProgress)).toBe(planned.pinned);
      if (planned.pinned) expect(job.inProgress!.stationId).toBe(station.stationId);
      expect(planned.finish).toBeGreaterThanOrEqual(planned.start + (planned.pinned ? 0 : job.processingMs));
      if (!planned.pinned) {
        expect(planned.finish).toBe(planned.start + job.processingMs);
        expect(planned.start).toBeGreaterThanOrEqual(input.now);
        expect(planned.start).toBeGreaterThanOrEqual(job.releaseAt ?? input.now);
        const shifts: readonly Shift[] | undefined = input_station.shifts;
        if (shifts && !planned.beyondHorizon)
          expect(shifts.some((w) => planned.start >= w.start && planned.finish <= w.end)).toBe(true);
        if (planned.beyondHorizon) {
          // past the last shift, or packed after the last pick-up known
          const afterShifts = shifts !== undefined && planned.start >= Math.max(-Infinity, ...shifts.map((w) => w.end));
          const afterPickups =
            input.pickups !== undefined && planned.finish > Math.max(-Infinity, ...input.pickups.times);
          expect(afterShifts || afterPickups).toBe(true);
        }
      }
      if (k > 0) expect(planned.start).toBeGreaterThanOrEqual(station.queue[k - 1]!.finish);
      expect(planned.leavesAt).toBe(referenceLeaves(input, planned.finish));
      expect(planned.latenessMs).toBe(planned.leavesAt - job.dueAt);
      expect(planned.penalty).toBe(referencePenalty(job.penalty, planned.latenessMs));
      recomputed += planned.penalty;
    });
  });
  expect(result.totalPenalty).toBe(recomputed);
  const queues = result.stations.map((s) => s.queue.filter((q) => !q.pinned).map((q) => q.jobId));
  expect(referenceCost(input, queues)).toBe(result.totalPenalty);
  expect(result.lateJobs.map((j) => j.jobId).sort()).toEqual(
    result.stations
      .flatMap((s) => s.queue)
      .filter((q) => q.latenessMs > 0)
      .map((q) => q.jobId)
      .sort(),
  );
  expect(result.eddPenalty).toBeGreaterThanOrEqual(result.lowerBoundPenalty);
  expect(result.totalPenalty).toBeGreaterThanOrEqual(result.lowerBoundPenalty);
  if (result.proof === 'lower-bound') expect(result.totalPenalty).toBe(result.lowerBoundPenalty);
  // a job late in every plan is late in this one
  const late = new Set(result.lateJobs.map((j) => j.jobId));
  for (const id of result.unavoidablyLate) expect(late.has(id)).toBe(true);
}

// ---------------------------------------------------------------------------------------------------------------
// Random small planning problems: releases, shifts, pick-ups, fine steps, rates, any non-decreasing function, pins.

const penaltyArb: fc.Arbitrary<PenaltyFunction> = fc.oneof(
  fc.record({
    rate: fc.record({
      amount: fc.integer({ min: 1, max: 20 }),
      perMs: fc.constantFrom(MINUTE, 15 * MINUTE, HOUR),
      charge: fc.constantFrom('prorated' as const, 'started' as const),
    }),
  }),
  fc.uniqueArray(fc.integer({ min: 0, max: 240 }), { minLength: 1, maxLength: 3 }).chain((overs) =>
    fc.array(fc.integer({ min: 1, max: 500 }), { minLength: overs.length, maxLength: overs.length }).map((amounts) => {
      const sortedAmounts = [...amounts].sort((a, b) => a - b);
      return {
        steps: [...overs].sort((a, b) => a - b).map((o, i) => ({ overMs: o * MINUTE, amount: sortedAmounts[i]! })),
      };
    }),
  ),
  fc.record({
    steps: fc.constant([{ overMs: 0, amount: 100 }]),
    rate: fc.record({ amount: fc.integer({ min: 1, max: 5 }), perMs: fc.constant(HOUR) }),
  }),
  fc
    .integer({ min: 1, max: 50 })
    .map((k) => (lateness: number) => (lateness <= 0 ? 0 : k * Math.floor(Math.sqrt(lateness / MINUTE)))),
);

const jobArb = fc.record({
  p: fc.integer({ min: 1, max: 90 }),
  due: fc.integer({ min: -30, max: 360 }),
  release: fc.option(fc.integer({ min: 0, max: 180 }), { nil: undefined }),
  penalty: penaltyArb,
});

const shiftsArb = fc.option(
  fc
    .array(fc.record({ gap: fc.integer({ min: 0, max: 120 }), length: fc.integer({ min: 30, max: 300 }) }), {
      minLength: 1,
      maxLength: 4,
    })
    .map((parts) => {
      const shifts: Shift[] = [];
      let t = -60;
      for (const { gap, length } of parts) {
        const start = t + gap + 1;
        shifts.push({ start: at(start), end: at(start + length) });
        t = start + length;
      }
      return shifts;
    }),
  { nil: undefined },
);

const inputArb: fc.Arbitrary<PlanInput> = fc
  .record({
    jobs: fc.array(jobArb, { minLength: 1, maxLength: 7 }),
    stationShifts: fc.array(shiftsArb, { minLength: 1, maxLength: 2 }),
    pickups: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 4 }), {
      nil: undefined,
    }),
    pinFirst: fc.boolean(),
  })
  .map(({ jobs, stationShifts, pickups, pinFirst }) => ({
    now: NOW,
    currency: 'USD',
    stations: stationShifts.map((shifts, s) => ({ id: `S${s + 1}`, ...(shifts ? { shifts } : {}) })),
    ...(pickups ? { pickups: { times: pickups.map(at) } } : {}),
    jobs: jobs.map(
      (j, k): Job => ({
        id: `J${k + 1}`,
        processingMs: j.p * MINUTE,
        dueAt: at(j.due),
        ...(j.release !== undefined ? { releaseAt: at(j.release) } : {}),
        penalty: j.penalty,
        ...(pinFirst && k === 0 ? { inProgress: { stationId: 'S1', startedAt: at(-10) } } : {}),
      }),
    ),
  }));

const anyOpen = (input: PlanInput) => input.stations.some((_, s) => isOpen(input, s));

describe('plan: rules every plan keeps', () => {
  it('never starts before release, never overlaps, stays in shifts, reports the penalty of its own schedule', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 1, max: 1000 }), (input, seed) => {
        fc.pre(anyOpen(input));
        checkPlan(input, plan(input, { seed, maxIterations: 50 }));
        checkPlan(input, plan(input, { seed, maxIterations: 50, exactMaxJobs: 0 }));
      }),
      { numRuns: 150 * RUNS },
    );
  });

  it('equals the brute-force optimum on small queues and says it proved it', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        fc.pre(anyOpen(input));
        const best = bruteForceOptimum(input);
        const result = plan(input, { seed: 7, maxIterations: 100 });
        expect(result.totalPenalty).toBe(best);
        expect(result.lowerBoundPenalty).toBeLessThanOrEqual(best);
        expect(result.optimal).toBe(true);
        expect(result.proof).toBeDefined();
      }),
      { numRuns: 60 * RUNS },
    );
  });

  it('finds the same optimum by local search alone on small queues', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        fc.pre(anyOpen(input));
        const result = plan(input, { seed: 3, maxIterations: 200, exactMaxJobs: 0 });
        expect(result.totalPenalty).toBe(bruteForceOptimum(input));
        // without the exact solver only reaching the lower bound proves optimality
        expect(result.optimal).toBe(result.totalPenalty === result.lowerBoundPenalty);
      }),
      { numRuns: 40 * RUNS },
    );
  });

  it('is no worse than EDD', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        fc.pre(anyOpen(input));
        const result = plan(input, { seed: 1, maxIterations: 20, exactMaxJobs: 0 });
        expect(result.totalPenalty).toBeLessThanOrEqual(result.eddPenalty);
      }),
      { numRuns: 60 * RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------

function mediumInput(count: number): PlanInput {
  let state = 12345;
  const random = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  const shifts = dailyShifts({
    zone: 'Asia/Shanghai',
    from: NOW,
    days: 3,
    windows: [
      { start: '09:00', end: '12:00' },
      { start: '13:00', end: '18:00' },
    ],
  });
  const jobs: Job[] = Array.from({ length: count }, (_, k) => {
    const price = 300 + Math.floor(random() * 3000);
    const kind = k % 3;
    const penalty: PenaltyFunction =
      kind === 0
        ? { steps: [{ overMs: 0, amount: price < 2000 ? 100 : 200 }], rate: { amount: 2, perMs: HOUR } }
        : kind === 1
          ? {
              steps: [
                { overMs: 0, amount: price / 2 },
                { overMs: 48 * HOUR, amount: price },
              ].map((s) => ({ ...s, amount: Math.round(s.amount) })),
            }
          : {
              steps: [
                { overMs: 48 * HOUR, amount: Math.round(price / 2) },
                { overMs: 96 * HOUR, amount: price },
              ],
            };
    return {
      id: `O${k + 1}`,
      processingMs: (2 + Math.floor(random() * 20)) * MINUTE,
      dueAt: NOW + Math.floor(random() * 10 * HOUR),
      ...(random() < 0.1 ? { releaseAt: NOW + Math.floor(random() * 8) * HOUR } : {}),
      penalty,
      ...(k < 2 ? { inProgress: { stationId: `S${k + 1}`, startedAt: NOW - 5 * MINUTE } } : {}),
    };
  });
  return {
    now: NOW,
    currency: 'USD',
    stations: ['S1', 'S2', 'S3'].map((id) => ({ id, shifts })),
    pickups: { times: dailyInstants({ zone: 'Asia/Shanghai', from: NOW, days: 4, times: ['11:00', '17:30'] }) },
    jobs,
  };
}

describe('plan: behaviour', () => {
  it('is deterministic for a seed', () => {
    const input = mediumInput(80);
    const a = plan(input, { seed: 42, maxIterations: 150 });
    const b = plan(input, { seed: 42, maxIterations: 150 });
    expect(b).toEqual(a);
    checkPlan(input, a);
    expect(a.totalPenalty).toBeLessThan(a.eddPenalty);
  });

  it('keeps in-progress jobs first on their station', () => {
    const input = mediumInput(40);
    const result = plan(input, { seed: 1, maxIterations: 50 });
    expect(result.stations[0]!.queue[0]!.jobId).toBe('O1');
    expect(result.stations[1]!.queue[0]!.jobId).toBe('O2');
    expect(result.stations[0]!.queue[0]!.start).toBe(NOW - 5 * MINUTE);
    expect(result.stations.slice(0, 2).every((s) => s.queue.filter((q) => q.pinned).length === 1)).toBe(true);
  });

  it('counts a parcel that misses the last pick-up before its deadline as late', () => {
    const input: PlanInput = {
      now: NOW,
      currency: 'USD',
      stations: [{ id: 'S1' }],
      pickups: { times: [at(60), at(180)] },
      jobs: [
        { id: 'A', processingMs: 50 * MINUTE, dueAt: at(120), penalty: { steps: [{ overMs: 0, amount: 100 }] } },
        { id: 'B', processingMs: 20 * MINUTE, dueAt: at(120), penalty: { steps: [{ overMs: 0, amount: 200 }] } },
      ],
    };
    const result = plan(input, { seed: 1 });
    // Only one job can catch the 60-minute pick-up; packed before its 120-minute deadline, the other still waits for 180.
    expect(result.totalPenalty).toBe(100);
    expect(result.optimal).toBe(true);
    const late = result.lateJobs.map((j) => [j.jobId, j.leavesAt, j.latenessMs]);
    expect(late).toEqual([['A', at(180), 60 * MINUTE]]);
    expect(result.stations[0]!.queue.map((q) => q.jobId)).toEqual(['B', 'A']);
    // EDD takes A first (same deadline, A listed first) and so pays for B
    expect(result.eddPenalty).toBe(200);
  });

  it('does not split a job across shifts and does not start before goods arrive', () => {
    const input: PlanInput = {
      now: NOW,
      currency: 'USD',
      stations: [
        {
          id: 'S1',
          shifts: [
            { start: at(0), end: at(30) },
            { start: at(60), end: at(200) },
          ],
        },
      ],
      jobs: [
        { id: 'long', processingMs: 40 * MINUTE, dueAt: at(0), penalty: { rate: { amount: 1, perMs: MINUTE } } },
        {
          id: 'waits',
          processingMs: 10 * MINUTE,
          dueAt: at(0),
          releaseAt: at(5),
          penalty: { rate: { amount: 1, perMs: MINUTE } },
        },
      ],
    };
    const result = plan(input, { seed: 1 });
    const byId = new Map(result.stations[0]!.queue.map((q) => [q.jobId, q]));
    expect(byId.get('waits')!.start).toBe(at(5));
    expect(byId.get('long')!.start).toBe(at(60));
    expect(result.totalPenalty).toBe(15 + 100);
    expect(result.optimal).toBe(true);
  });

  it('flags work past the last shift as beyond the horizon', () => {
    const input: PlanInput = {
      now: NOW,
      currency: 'USD',
      stations: [{ id: 'S1', shifts: [{ start: at(0), end: at(60) }] }],
      jobs: [
        { id: 'a', processingMs: 40 * MINUTE, dueAt: at(50), penalty: { rate: { amount: 1, perMs: MINUTE } } },
        { id: 'b', processingMs: 40 * MINUTE, dueAt: at(50), penalty: { rate: { amount: 2, perMs: MINUTE } } },
      ],
    };
    const result = plan(input, { seed: 1 });
    expect(result.totalPenalty).toBe(50);
    expect(result.beyondHorizon).toEqual(['a']);
    expect(result.stations[0]!.queue.map((q) => [q.jobId, q.start])).toEqual([
      ['b', at(0)],
      ['a', at(60)],
    ]);
    expect(result.notes.some((n) => n.en.includes('estimates') && n['zh-CN'].includes('估计'))).toBe(true);
  });

  it('gives no new work to a station whose shifts are over, but keeps its work in progress', () => {
    const input: PlanInput = {
      now: NOW,
      currency: 'USD',
      stations: [{ id: 'closed', shifts: [{ start: at(-120), end: at(-10) }] }, { id: 'open' }],
      jobs: [
        {
          id: 'busy',
          processingMs: 30 * MINUTE,
          dueAt: at(60),
          penalty: {},
          inProgress: { stationId: 'closed', startedAt: at(-15) },
        },
        ...Array.from(
          { length: 5 },
          (_, k): Job => ({
            id: `j${k}`,
            processingMs: 30 * MINUTE,
            dueAt: at(60),
            penalty: { rate: { amount: 1, perMs: MINUTE } },
          }),
        ),
      ],
    };
    const result = plan(input, { seed: 1 });
    expect(result.stations.map((s) => s.stationId)).toEqual(['closed', 'open']);
    expect(result.stations[0]!.queue.map((q) => [q.jobId, q.finish])).toEqual([['busy', at(15)]]);
    expect(result.stations[1]!.queue).toHaveLength(5);
    expect(result.totalPenalty).toBe(30 + 60 + 90);
    expect(() => plan({ ...input, stations: [input.stations[0]!] })).toThrow(PlanInputError);
  });

  it('rejects invalid input with a message in English and Chinese', () => {
    const base: PlanInput = { now: NOW, currency: 'USD', stations: [{ id: 'S1' }], jobs: [] };
    const job: Job = { id: 'x', processingMs: MINUTE, dueAt: at(10), penalty: {} };
    const cases: PlanInput[] = [
      { ...base, jobs: [job, job] },
      { ...base, stations: [] },
      { ...base, jobs: [{ ...job, inProgress: { stationId: 'nowhere', startedAt: NOW } }] },
      {
        ...base,
        jobs: [
          {
            ...job,
            penalty: {
              steps: [
                { overMs: 10, amount: 5 },
                { overMs: 20, amount: 4 },
              ],
            },
          },
        ],
      },
      { ...base, jobs: [{ ...job, processingMs: -1 }] },
    ];
    for (const input of cases) {
      try {
        plan(input);
        expect.unreachable('should have thrown');
      } catch (error) {
        expect(error).toBeInstanceOf(PlanInputError);
        expect((error as PlanInputError).localizedMessage['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });

  it('names the orders late in every plan and proves a plan that reaches the lower bound', () => {
    const input: PlanInput = {
      now: NOW,
      currency: 'USD',
      stations: [{ id: 'S1' }, { id: 'S2' }],
      jobs: [
        { id: 'overdue', processingMs: 10 * MINUTE, dueAt: at(-60), penalty: { steps: [{ overMs: 0, amount: 100 }] } },
        ...Array.from(
          { length: 20 },
          (_, k): Job => ({
            id: `ok${k}`,
            processingMs: 10 * MINUTE,
            dueAt: at(600),
            penalty: { rate: { amount: 1, perMs: MINUTE } },
          }),
        ),
      ],
    };
    const result = plan(input, { seed: 1, exactMaxJobs: 0 });
    expect(result.unavoidablyLate).toEqual(['overdue']);
    expect(result.lowerBoundPenalty).toBe(100);
    expect(result.totalPenalty).toBe(100);
    expect(result.optimal).toBe(true);
    expect(result.proof).toBe('lower-bound');
    expect(result.notes.some((n) => n.en.startsWith('Proven optimal') && n['zh-CN'].startsWith('已证明最优'))).toBe(
      true,
    );
  });

  it('expands local shifts and pick-ups across a daylight-saving change', () => {
    const from = Date.UTC(2025, 2, 29, 0, 0); // Saturday; Berlin moves to summer time on Sunday 30 March
    const shifts = dailyShifts({ zone: 'Europe/Berlin', from, days: 3, windows: [{ start: '09:00', end: '17:00' }] });
    expect(shifts.map((w) => new Date(w.start).toISOString())).toEqual([
      '2025-03-29T08:00:00.000Z',
      '2025-03-30T07:00:00.000Z',
      '2025-03-31T07:00:00.000Z',
    ]);
    expect(shifts.every((w) => w.end - w.start === 8 * HOUR)).toBe(true);
    const weekdaysOnly = dailyShifts({
      zone: 'Europe/Berlin',
      from,
      days: 3,
      windows: [{ start: '09:00', end: '17:00' }],
      weekdays: [1, 2, 3, 4, 5],
    });
    expect(weekdaysOnly).toHaveLength(1);
    const night = dailyShifts({ zone: 'Asia/Shanghai', from, days: 1, windows: [{ start: '22:00', end: '06:00' }] });
    expect(night[0]!.end - night[0]!.start).toBe(8 * HOUR);
    const pickups = dailyInstants({
      zone: 'Asia/Shanghai',
      from: Date.UTC(2025, 2, 10, 5, 0),
      days: 2,
      times: ['11:30', '17:30'],
    });
    // 13:00 in Shanghai: the 11:30 pick-up of the first day has gone
    expect(pickups.map((t) => new Date(t).toISOString())).toEqual([
      '2025-03-10T09:30:00.000Z',
      '2025-03-11T03:30:00.000Z',
      '2025-03-11T09:30:00.000Z',
    ]);
  });

  it('an empty queue costs nothing and is optimal', () => {
    const result = plan({ now: NOW, currency: 'USD', stations: [{ id: 'S1' }], jobs: [] });
    expect(result.totalPenalty).toBe(0);
    expect(result.optimal).toBe(true);
    expect(result.stations[0]!.queue).toEqual([]);
  });
});

describe('what-if runs', () => {
  const base: PlanInput = {
    now: NOW,
    currency: 'USD',
    stations: [{ id: 'S1', shifts: [{ start: at(0), end: at(480) }] }],
    pickups: { times: [at(120), at(480)] },
    jobs: Array.from({ length: 6 }, (_, k) => ({
      id: `J${k + 1}`,
      processingMs: 30 * MINUTE,
      dueAt: at(120),
      penalty: { steps: [{ overMs: 0, amount: 100 * (k + 1) }] },
    })),
  };

  it('re-plans each scenario and reports savings, net of the fix cost, best first', () => {
    const report = whatIf(
      base,
      [
        {
          name: 'extra station 2h',
          input: withExtraStation(base, { id: 'TEMP', shifts: [{ start: at(0), end: at(120) }] }),
          fixCost: 300,
        },
        { name: 'pick-up at 3h', input: withExtraPickup(base, at(180)), fixCost: 50 },
        { name: 'faster service for J1,J2', input: withLaterDeadlines(base, ['J1', 'J2'], 6 * HOUR), fixCost: 10 },
      ],
      { seed: 1 },
    );
    // Base: 4 of the 6 (the dearest) make the 120-minute pick-up; J1 and J2 are late.
    expect(report.base.totalPenalty).toBe(100 + 200);
    expect(report.base.optimal).toBe(true);
    const byName = new Map(report.outcomes.map((o) => [o.name, o]));
    expect(byName.get('extra station 2h')!.penaltyDelta).toBe(-300);
    expect(byName.get('extra station 2h')!.netSaving).toBe(0);
    expect(byName.get('extra station 2h')!.rescuedJobs.sort()).toEqual(['J1', 'J2']);
    expect(byName.get('pick-up at 3h')!.penaltyDelta).toBe(0);
    expect(byName.get('faster service for J1,J2')!.penaltyDelta).toBe(-300);
    expect(byName.get('faster service for J1,J2')!.netSaving).toBe(290);
    expect(report.outcomes[0]!.name).toBe('faster service for J1,J2');
    for (const outcome of report.outcomes) expect(outcome.newlyLateJobs).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Two instances of OR-Library wt40 (the file's 2nd and 3rd), with their optimal values from wtopt40.

const WT40_SAMPLE = `
26 24 79 46 32 35 73 74 14 67 86 46 78 40 29 94 64 27 90 55 35 52 36 69 85 95 14 78 37 86 44 28 39 12 30 68 70 9 49 50
1 10 9 10 10 4 3 2 10 3 7 3 1 3 10 4 7 7 4 7 5 3 5 4 9 5 2 8 10 4 7 4 9 5 7 7 5 10 1 3
1588 1620 1731 1773 1694 1487 1566 1844 1727 1636 1599 1539 1855 1645 1709 1660 1582 1836 1484 1559 1772 1510 1512 1795
1522 1509 1598 1658 1826 1628 1650 1833 1627 1528 1541 1497 1481 1446 1579 1814
56 25 76 35 28 52 21 32 64 67 48 100 94 87 39 18 78 80 56 72 4 70 36 46 85 31 96 30 66 92 33 18 19 34 18 4 42 94 4 89
1 9 9 9 5 1 4 3 2 8 2 3 7 5 3 5 2 2 2 4 9 9 6 8 9 7 5 2 1 6 4 6 1 2 10 10 6 5 4 3
1687 1738 1663 1480 1504 1826 1722 1660 1594 1445 1704 1660 1715 1701 1679 1516 1658 1611 1502 1685 1614 1647 1689 1615
1524 1800 1654 1752 1456 1452 1801 1713 1761 1513 1759 1484 1821 1448 1666 1611
`;
const WT40_SAMPLE_OPTIMA = '913\r\n1225\r\n';

describe('OR-Library weighted tardiness', () => {
  it('parses instances of any size and refuses a wrong job count', () => {
    const instances = parseWeightedTardiness(WT40_SAMPLE, 40);
    expect(instances).toHaveLength(2);
    expect(instances[0]!.processing.slice(0, 3)).toEqual([26, 24, 79]);
    expect(instances[1]!.weights.slice(-2)).toEqual([4, 3]);
    expect(instances[1]!.dueDates[39]).toBe(1611);
    expect(parseWeightedTardiness('1 2 3 4 5 6', 2)).toEqual([
      { processing: [1, 2], weights: [3, 4], dueDates: [5, 6] },
    ]);
    expect(() => parseWeightedTardiness(WT40_SAMPLE, 50)).toThrow(/multiple of 3/);
    expect(() => parseWeightedTardiness('1 2 x', 1)).toThrow(/not an integer/);
    expect(parseOptima(WT40_SAMPLE_OPTIMA)).toEqual([913, 1225]);
  });

  it('computes weighted tardiness directly', () => {
    const instance = { processing: [3, 2], weights: [1, 5], dueDates: [2, 2] };
    expect(totalWeightedTardiness(instance, [0, 1])).toBe(1 * 1 + 5 * 3);
    expect(totalWeightedTardiness(instance, [1, 0])).toBe(0 + 1 * 3);
  });

  it('reaches the known optimum of two wt40 instances', () => {
    const optima = parseOptima(WT40_SAMPLE_OPTIMA);
    parseWeightedTardiness(WT40_SAMPLE, 40).forEach((instance, i) => {
      const result = plan(weightedTardinessPlanInput(instance), { seed: 1, maxIterations: 400 });
      const sequence = result.stations[0]!.queue.map((q) => Number(q.jobId) - 1);
      expect(totalWeightedTardiness(instance, sequence)).toBe(optima[i]);
      expect(result.totalPenalty).toBe(optima[i]);
      expect(result.totalPenalty).toBeLessThan(result.eddPenalty);
    });
  });

  it('the CLI helper prints one total per instance', () => {
    expect(planOrlibInstances(WT40_SAMPLE, 40, { seed: 1, timeBudgetMs: 200 })).toEqual(
      parseOptima(WT40_SAMPLE_OPTIMA),
    );
  });
});
