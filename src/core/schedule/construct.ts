/**
 * Constructive plans: earliest deadline first (what sellers do today) and apparent tardiness cost (ATC) dispatching.
 * Both are dispatchers: the station that can start soonest takes the best job released by then.
 */
import { costAt, penaltyOf, startOn, type Model } from './model';

// Bound once: some loaders (tsx, vitest) turn imported functions into property getters, too slow for inner loops.
const costAtFn = costAt;
const penaltyOfFn = penaltyOf;
const startOnFn = startOn;

/** Per-station sequences of movable job indices. */
export type Sequences = number[][];

/**
 * EDD as a seller runs it: whenever a station is free, it takes the available order (released by then) with the
 * earliest deadline; input order breaks ties. Without release dates this is plain deadline order.
 */
export function eddSequences(model: Model): Sequences {
  const movable = model.movable;
  const n = movable.length;
  const m = model.stationCount;
  const sequences: Sequences = Array.from({ length: m }, () => []);
  const urgency = new Float64Array(model.jobCount);
  for (let i = 0; i < n; i++) urgency[movable[i]!] = -model.due[movable[i]!]!;
  const available = new JobHeap(urgency);
  const byRelease = Array.from(movable).sort((a, b) => model.release[a]! - model.release[b]! || a - b);
  const free = Float64Array.from(model.ready);
  let nextRelease = 0;
  for (let dispatched = 0; dispatched < n; dispatched++) {
    let stationTime = soonestOpen(model, free);
    if (available.size === 0) stationTime = Math.max(stationTime, model.release[byRelease[nextRelease]!]!);
    while (nextRelease < n && model.release[byRelease[nextRelease]!]! <= stationTime)
      available.push(byRelease[nextRelease++]!);
    const job = available.pop();
    placeOnBestStation(model, free, sequences, job);
  }
  return sequences;
}

/**
 * Puts the dispatched job on the station that finishes it first (the one that freed up first may not be it: the job
 * may not fit in what is left of its shift). Lowest index on ties.
 */
function placeOnBestStation(model: Model, free: Float64Array, sequences: Sequences, job: number): void {
  let station = 0;
  let finish = Infinity;
  for (let s = 0; s < model.stationCount; s++) {
    const f = startOnFn(model, s, free[s]!, job) + model.proc[job]!;
    if (f < finish) {
      finish = f;
      station = s;
    }
  }
  sequences[station]!.push(job);
  free[station] = finish;
}

/** A max-heap of job indices by key (lower index first on equal keys, so results never depend on heap internals). */
class JobHeap {
  private items: number[] = [];
  constructor(private readonly key: Float64Array) {}
  get size(): number {
    return this.items.length;
  }
  top(): number {
    return this.items[0]!;
  }
  private above(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka > kb || (ka === kb && a < b);
  }
  push(j: number): void {
    const items = this.items;
    let i = items.length;
    items.push(j);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(j, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = j;
  }
  pop(): number {
    const items = this.items;
    const topItem = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      const n = items.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && this.above(items[r]!, items[l]!) ? r : l;
        if (!this.above(items[c]!, last)) break;
        items[i] = items[c]!;
        i = c;
      }
      items[i] = last;
    }
    return topItem;
  }
}

/** When the first station can start its next job. */
function soonestOpen(model: Model, free: Float64Array): number {
  let soonest = Infinity;
  for (let s = 0; s < model.stationCount; s++) soonest = Math.min(soonest, nextOpen(model, s, free[s]!));
  return soonest;
}

/** The first instant at or after t when station s is open (past its last shift: t or the horizon end). */
function nextOpen(model: Model, s: number, t: number): number {
  const ws = model.windowStart[s];
  if (!ws) return t;
  const we = model.windowEnd[s]!;
  for (let w = 0; w < ws.length; w++) if (we[w]! > t) return Math.max(t, ws[w]!);
  return Math.max(t, model.horizonEnd[s]!);
}

/**
 * A lateness weight per job for the ATC index: penalty(L) / L at a reference lateness L. For linear penalties this
 * is the exact weight; for fine steps it spreads the fine over the lateness scale that matters for this queue.
 */
function latenessWeights(model: Model, referenceLateness: number): Float64Array {
  const weights = new Float64Array(model.jobCount);
  const l = Math.max(1, referenceLateness);
  for (let j = 0; j < model.jobCount; j++) weights[j] = penaltyOfFn(model, j, l) / l;
  return weights;
}

/**
 * ATC dispatching (Vepsalainen & Morton): when a station frees up, take the released job with the largest
 * (w/p)·exp(−max(0, d − p − t)/(k·p̄)). Jobs that still have slack are ordered by a time-independent key, so the
 * whole dispatch runs in O(n log n) with two heaps even for tens of thousands of jobs.
 */
function atcSequences(model: Model, k: number, weights: Float64Array): Sequences {
  const movable = model.movable;
  const n = movable.length;
  const m = model.stationCount;
  const sequences: Sequences = Array.from({ length: m }, () => []);
  if (n === 0) return sequences;
  let totalProc = 0;
  for (let i = 0; i < n; i++) totalProc += model.proc[movable[i]!]!;
  const scale = Math.max(1e-9, k * (totalProc / n || 1));

  const logRatio = new Float64Array(model.jobCount);
  const slackKey = new Float64Array(model.jobCount);
  const latestStart = new Float64Array(model.jobCount);
  const tinyWeight = 1e-12;
  for (let i = 0; i < n; i++) {
    const j = movable[i]!;
    const w = Math.max(weights[j]!, tinyWeight);
    logRatio[j] = Math.log(w / Math.max(model.proc[j]!, 1e-6));
    latestStart[j] = model.effectiveDue[j]! - model.proc[j]!;
    slackKey[j] = logRatio[j]! - latestStart[j]! / scale;
  }
  const byRelease = Array.from(movable).sort((a, b) => model.release[a]! - model.release[b]! || a - b);
  const byLatestStart = Array.from(movable).sort((a, b) => latestStart[a]! - latestStart[b]! || a - b);
  const withSlack = new JobHeap(slackKey);
  const critical = new JobHeap(logRatio);
  // 0 = not released, 1 = released with slack, 2 = released and critical, 3 = dispatched
  const state = new Uint8Array(model.jobCount);
  let nextRelease = 0;
  let nextCritical = 0;
  let poolTime = -Infinity;
  let pending = 0;
  const free = Float64Array.from(model.ready);

  const advance = (t: number) => {
    poolTime = Math.max(poolTime, t);
    while (nextRelease < n && model.release[byRelease[nextRelease]!]! <= poolTime) {
      const j = byRelease[nextRelease++]!;
      if (latestStart[j]! <= poolTime) {
        state[j] = 2;
        critical.push(j);
      } else {
        state[j] = 1;
        withSlack.push(j);
      }
      pending++;
    }
    while (nextCritical < n && latestStart[byLatestStart[nextCritical]!]! <= poolTime) {
      const j = byLatestStart[nextCritical++]!;
      if (state[j] === 1) {
        state[j] = 2;
        critical.push(j);
      }
    }
  };

  for (let dispatched = 0; dispatched < n; dispatched++) {
    const stationTime = soonestOpen(model, free);
    advance(stationTime);
    if (pending === 0) advance(model.release[byRelease[nextRelease]!]!);
    while (withSlack.size && state[withSlack.top()] !== 1) withSlack.pop();
    while (critical.size && state[critical.top()] !== 2) critical.pop();
    let job: number;
    if (!withSlack.size) job = critical.pop();
    else if (!critical.size) job = withSlack.pop();
    else {
      const a = withSlack.top();
      const b = critical.top();
      const keyA = slackKey[a]! + poolTime / scale;
      const keyB = logRatio[b]!;
      job = keyA > keyB || (keyA === keyB && a < b) ? withSlack.pop() : critical.pop();
    }
    state[job] = 3;
    pending--;
    placeOnBestStation(model, free, sequences, job);
  }
  return sequences;
}

/** Cost of sequences without pinned work, for comparing constructions. */
export function movableCost(model: Model, sequences: Sequences): number {
  let total = 0;
  for (let s = 0; s < sequences.length; s++) {
    let t = model.ready[s]!;
    for (const j of sequences[s]!) {
      t = startOnFn(model, s, t, j) + model.proc[j]!;
      total += costAtFn(model, j, t);
    }
  }
  return total;
}

/**
 * The best of EDD and ATC with several look-ahead parameters k (and, for fine steps, several lateness scales).
 * Returns the sequences and their cost (pinned work excluded).
 */
export function bestConstruction(model: Model): { sequences: Sequences; cost: number; method: string } {
  let best = { sequences: eddSequences(model), cost: 0, method: 'edd' };
  best.cost = movableCost(model, best.sequences);
  const n = model.movable.length;
  if (n === 0) return best;
  let totalProc = 0;
  let linearOnly = true;
  for (let i = 0; i < n; i++) {
    const j = model.movable[i]!;
    totalProc += model.proc[j]!;
    if (model.penKind[j] !== 1 && model.penKind[j] !== 0) linearOnly = false;
  }
  const meanProc = totalProc / n || 1;
  const stationLoad = totalProc / model.stationCount;
  // Fine steps have no slope: weigh them over a few lateness scales (a couple of jobs, a share of a station's load).
  const references = linearOnly
    ? [meanProc]
    : n > 2000
      ? [2 * meanProc, stationLoad / 2]
      : [2 * meanProc, stationLoad / 4, stationLoad];
  const lookAheads = n > 2000 ? [1, 4, 8] : [0.5, 1, 2, 4, 8];
  for (const reference of references) {
    const weights = latenessWeights(model, reference);
    for (const k of lookAheads) {
      const sequences = atcSequences(model, k, weights);
      const cost = movableCost(model, sequences);
      if (cost < best.cost) best = { sequences, cost, method: `atc(k=${k})` };
    }
  }
  return best;
}

/**
 * A previous plan's queues mapped onto this model: each movable job it names stays in its order on its station
 * (when that station still takes work); `fresh` lists the movable jobs it does not place, latest start first
 * inserted last (ascending effective due − work, input index on ties).
 */
export function keptSequences(
  model: Model,
  previous: ReadonlyArray<{ stationId: string; jobIds: readonly string[] }>,
): { sequences: Sequences; kept: number; fresh: number[] } {
  const sequences: Sequences = Array.from({ length: model.stationCount }, () => []);
  const stationOf = new Map<string, number>();
  for (let s = 0; s < model.stationCount; s++) stationOf.set(model.stationIds[s]!, s);
  const indexOf = new Map<string, number>();
  for (let i = 0; i < model.movable.length; i++) indexOf.set(model.jobIds[model.movable[i]!]!, model.movable[i]!);
  const placed = new Uint8Array(model.jobCount);
  let kept = 0;
  for (const queue of previous) {
    const s = stationOf.get(queue.stationId);
    if (s === undefined) continue;
    for (const id of queue.jobIds) {
      const j = indexOf.get(id);
      if (j === undefined || placed[j]) continue;
      placed[j] = 1;
      sequences[s]!.push(j);
      kept++;
    }
  }
  const fresh: number[] = [];
  for (let i = 0; i < model.movable.length; i++) if (!placed[model.movable[i]!]) fresh.push(model.movable[i]!);
  const latestStart = (j: number) => model.effectiveDue[j]! - model.proc[j]!;
  fresh.sort((a, b) => latestStart(a) - latestStart(b) || a - b);
  return { sequences, kept, fresh };
}
