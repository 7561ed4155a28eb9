/**
 * Exact solver for short queues: dynamic programming over the set of jobs already placed, keeping for each set the
 * Pareto front of (station free times, cost so far). Every plan the decoder can produce is reachable by appending jobs
 * one at a time to station queues, and a partial plan that is no earlier on any station and no cheaper than another
 * cannot lead anywhere better, so the front is exact for any non-decreasing penalty, release dates, shifts and
 * pick-ups. Stations with identical shifts are interchangeable, so their free times are kept sorted.
 * Partial plans that cannot beat a known plan (cost so far + each remaining job at its earliest finish) are cut.
 */
import { costAt, startOn, type Model } from './model';
import type { Sequences } from './construct';

// Bound once: some loaders (tsx, vitest) turn imported functions into property getters, too slow for inner loops.
const costAtFn = costAt;
const startOnFn = startOn;

interface Entry {
  times: Float64Array;
  cost: number;
  parent: Entry | null;
  job: number;
  slot: number;
}

export type ExactResult =
  | { status: 'solved'; sequences: Sequences; cost: number }
  /** Nothing costs less than the upper bound given: the plan that produced it is optimal. */
  | { status: 'bound-is-optimal' }
  | { status: 'gave-up' };

/** `clock`/`stopAt` bound the wall time (checked every few thousand partial plans); `stateBudget` bounds memory. */
export function solveExactly(
  model: Model,
  upperBound: number,
  stateBudget: number,
  clock?: () => number,
  stopAt: number = Infinity,
): ExactResult {
  const jobs = Array.from(model.movable);
  const n = jobs.length;
  const m = model.stationCount;
  if (n > 24) return { status: 'gave-up' };
  const groupMembers: number[][] = [];
  const groupOf = new Int32Array(m);
  const rankInGroup = new Int32Array(m);
  for (let s = 0; s < m; s++) {
    const g = model.calendarGroup[s]!;
    while (groupMembers.length <= g) groupMembers.push([]);
    groupOf[s] = g;
    rankInGroup[s] = groupMembers[g]!.length;
    groupMembers[g]!.push(s);
  }
  const symmetric = groupMembers.some((members) => members.length > 1);
  const canonical = (times: Float64Array): void => {
    if (!symmetric) return;
    for (const members of groupMembers) {
      if (members.length < 2) continue;
      const sorted = members.map((s) => times[s]!).sort((a, b) => a - b);
      members.forEach((s, r) => (times[s] = sorted[r]!));
    }
  };

  const full = n === 32 ? 0xffffffff : (1 << n) - 1;
  let layer = new Map<number, Entry[]>();
  const rootTimes = Float64Array.from(model.ready);
  canonical(rootTimes);
  layer.set(0, [{ times: rootTimes, cost: 0, parent: null, job: -1, slot: -1 }]);
  let stored = 1;
  let created = 0;

  for (let placed = 0; placed < n; placed++) {
    const next = new Map<number, Entry[]>();
    for (const [mask, front] of layer) {
      for (const entry of front) {
        for (let b = 0; b < n; b++) {
          if (mask & (1 << b)) continue;
          const j = jobs[b]!;
          for (let s = 0; s < m; s++) {
            // Two interchangeable stations free at the same time lead to the same partial plans.
            if (symmetric && rankInGroup[s]! > 0) {
              const prev = groupMembers[groupOf[s]!]![rankInGroup[s]! - 1]!;
              if (entry.times[prev] === entry.times[s]) continue;
            }
            const finish = startOnFn(model, s, entry.times[s]!, j) + model.proc[j]!;
            const cost = entry.cost + costAtFn(model, j, finish);
            if (cost >= upperBound) continue;
            const times = Float64Array.from(entry.times);
            times[s] = finish;
            const newMask = mask | (1 << b);
            if (lowerBound(model, jobs, newMask, times, cost) >= upperBound) continue;
            canonical(times);
            const candidate: Entry = { times, cost, parent: entry, job: j, slot: s };
            const list = next.get(newMask);
            if (!list) {
              next.set(newMask, [candidate]);
              stored++;
            } else stored += insertNonDominated(list, candidate);
            if (stored > stateBudget) return { status: 'gave-up' };
            if ((++created & 4095) === 0 && clock && clock() >= stopAt) return { status: 'gave-up' };
          }
        }
      }
    }
    layer = next;
    if (layer.size === 0) return { status: 'bound-is-optimal' };
  }
  const finals = layer.get(full);
  if (!finals || finals.length === 0) return { status: 'bound-is-optimal' };
  let best = finals[0]!;
  for (const e of finals) if (e.cost < best.cost) best = e;
  return { status: 'solved', sequences: replay(model, best, groupMembers, groupOf, rankInGroup), cost: best.cost };
}

/** Cost so far plus each remaining job alone at its earliest possible finish: no completion can cost less. */
function lowerBound(model: Model, jobs: number[], mask: number, times: Float64Array, cost: number): number {
  let bound = cost;
  for (let b = 0; b < jobs.length; b++) {
    if (mask & (1 << b)) continue;
    const j = jobs[b]!;
    let earliest = Infinity;
    for (let s = 0; s < model.stationCount; s++) {
      const finish = startOnFn(model, s, times[s]!, j) + model.proc[j]!;
      if (finish < earliest) earliest = finish;
    }
    bound += costAtFn(model, j, earliest);
  }
  return bound;
}

/** Adds the entry unless another dominates it, dropping those it dominates; returns the change in stored entries. */
function insertNonDominated(list: Entry[], candidate: Entry): number {
  for (const e of list) if (e.cost <= candidate.cost && dominatesTimes(e.times, candidate.times)) return 0;
  let removed = 0;
  for (let i = list.length - 1; i >= 0; i--) {
    const e = list[i]!;
    if (candidate.cost <= e.cost && dominatesTimes(candidate.times, e.times)) {
      list.splice(i, 1);
      removed++;
    }
  }
  list.push(candidate);
  return 1 - removed;
}

function dominatesTimes(a: Float64Array, b: Float64Array): boolean {
  for (let s = 0; s < a.length; s++) if (a[s]! > b[s]!) return false;
  return true;
}

/** Rebuilds real station queues from the chain of (job, canonical slot) choices. */
function replay(
  model: Model,
  last: Entry,
  groupMembers: number[][],
  groupOf: Int32Array,
  rankInGroup: Int32Array,
): Sequences {
  const steps: Entry[] = [];
  for (let e: Entry | null = last; e && e.parent; e = e.parent) steps.push(e);
  steps.reverse();
  const m = model.stationCount;
  const actual = Float64Array.from(model.ready);
  const sequences: Sequences = Array.from({ length: m }, () => []);
  for (const step of steps) {
    const members = groupMembers[groupOf[step.slot]!]!;
    const byTime = [...members].sort((a, b) => actual[a]! - actual[b]! || a - b);
    const station = byTime[rankInGroup[step.slot]!]!;
    sequences[station]!.push(step.job);
    actual[station] = startOnFn(model, station, actual[station]!, step.job) + model.proc[step.job]!;
  }
  return sequences;
}
