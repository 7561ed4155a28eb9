/**
 * Scoring and applying the moves of the local search (search.ts), the part that knows the timeline: a queue with a
 * stretch replaced is re-timed from the change on — the walk keeps a cursor in the shift windows and the pick-ups,
 * and stops as soon as a job finishes exactly when it did before (everything after it is then unchanged). A station
 * that never idles (no shifts, everything released) is marked `simple`: there a move only shifts the completions
 * between its two positions, which the search scores without re-timing. Jobs a committed move touched are marked
 * worth another look ("don't look bits").
 */
import { costAt, penaltyOf, startOn, type Model } from './model';
import type { Sequences } from './construct';

// Bound once: some loaders (tsx, vitest) turn imported functions into property getters, too slow for inner loops.
const costAtFn = costAt;
const startOnFn = startOn;
const penaltyOfFn = penaltyOf;

/** Per-station sequences with their completion times and costs (pinned work excluded). */
export class Solution {
  readonly seq: Int32Array[];
  readonly end: Float64Array[];
  readonly cost: Float64Array[];
  readonly len: Int32Array;
  total = 0;
  constructor(stations: number, capacity: number) {
    this.seq = Array.from({ length: stations }, () => new Int32Array(capacity));
    this.end = Array.from({ length: stations }, () => new Float64Array(capacity));
    this.cost = Array.from({ length: stations }, () => new Float64Array(capacity));
    this.len = new Int32Array(stations);
  }
  copyFrom(other: Solution): void {
    for (let s = 0; s < this.seq.length; s++) {
      const n = other.len[s]!;
      this.seq[s]!.set(other.seq[s]!.subarray(0, n));
      this.end[s]!.set(other.end[s]!.subarray(0, n));
      this.cost[s]!.set(other.cost[s]!.subarray(0, n));
      this.len[s] = n;
    }
    this.total = other.total;
  }
  sequences(): Sequences {
    return Array.from(this.seq, (seq, s) => Array.from(seq.subarray(0, this.len[s]!)));
  }
}

/** "No job" in a replacement (`first`, `last`). */
export const NONE = -1;

/** The timeline of the stations under moves; the search (search.ts) decides which moves to make. */
export class Moves {
  protected readonly m: number;
  protected readonly capacity: number;
  private readonly scratch: Int32Array;
  /** Running cost sums of the stretch after an anchor (swap pruning). */
  protected readonly between: Float64Array;
  /** Jobs worth looking at in the next descent ("don't look bits"). */
  protected readonly active: Uint8Array;
  /** Per station: never idle, so intra-queue moves are scored by shifting completion times. */
  protected readonly simple: Uint8Array;
  /** Every movable job costs rate × lateness, no pick-ups: costs are computed inline. */
  private readonly linear: boolean;

  constructor(protected readonly model: Model) {
    this.m = model.stationCount;
    this.capacity = Math.max(1, model.movable.length);
    this.scratch = new Int32Array(this.capacity + 2);
    this.between = new Float64Array(this.capacity + 2);
    this.active = new Uint8Array(model.jobCount);
    // A station never idles when it has no shifts and every job is released by the time it is free: a job's
    // completion is then the sum of the processing times before it, and moves can be scored by shifting times.
    let latestRelease = 0;
    let linear = model.pickups === null;
    for (let i = 0; i < model.movable.length; i++) {
      const j = model.movable[i]!;
      latestRelease = Math.max(latestRelease, model.release[j]!);
      if (model.penKind[j]! > 1 || model.rateStarted[j]) linear = false;
    }
    this.simple = new Uint8Array(this.m);
    for (let s = 0; s < this.m; s++)
      this.simple[s] = model.windowStart[s] === null && latestRelease <= model.ready[s]! ? 1 : 0;
    this.linear = linear;
  }

  /** Cost of job j finishing at t; inline for plain linear costs (the weighted tardiness case). */
  protected jobCost(j: number, t: number): number {
    if (this.linear) {
      const lateness = t - this.model.due[j]!;
      return lateness > 0 ? Math.floor((this.model.rateAmount[j]! * lateness) / this.model.ratePer[j]!) : 0;
    }
    return costAtFn(this.model, j, t);
  }

  solution(sequences: Sequences): Solution {
    const sol = new Solution(this.m, this.capacity);
    let total = 0;
    for (let s = 0; s < this.m; s++) {
      const list = sequences[s] ?? [];
      const seq = sol.seq[s]!;
      const end = sol.end[s]!;
      const cost = sol.cost[s]!;
      let t = this.model.ready[s]!;
      for (let k = 0; k < list.length; k++) {
        const j = list[k]!;
        seq[k] = j;
        t = startOnFn(this.model, s, t, j) + this.model.proc[j]!;
        end[k] = t;
        cost[k] = costAtFn(this.model, j, t);
        total += cost[k]!;
      }
      sol.len[s] = list.length;
    }
    sol.total = total;
    return sol;
  }

  /**
   * Cost change of replacing positions [a, b) of station s by: `first` (if not NONE), seq[runFrom, runTo), `last`
   * (if not NONE). The rest of the queue follows unchanged in order.
   */
  protected delta(
    sol: Solution,
    s: number,
    a: number,
    first: number,
    runFrom: number,
    runTo: number,
    last: number,
    b: number,
  ): number {
    return this.retime(sol, s, a, b, this.fill(sol.seq[s]!, first, runFrom, runTo, last), false);
  }

  /** Applies the replacement scored by `delta`. */
  protected apply(
    sol: Solution,
    s: number,
    a: number,
    first: number,
    runFrom: number,
    runTo: number,
    last: number,
    b: number,
  ): void {
    this.retime(sol, s, a, b, this.fill(sol.seq[s]!, first, runFrom, runTo, last), true);
  }

  /** Writes first, seq[runFrom, runTo), last into the scratch buffer; returns how many. */
  protected fill(seq: Int32Array, first: number, runFrom: number, runTo: number, last: number): number {
    const buf = this.scratch;
    let size = 0;
    if (first !== NONE) buf[size++] = first;
    for (let k = runFrom; k < runTo; k++) buf[size++] = seq[k]!;
    if (last !== NONE) buf[size++] = last;
    return size;
  }

  /**
   * Re-times station s with positions [a, b) replaced by the first `size` jobs of the scratch buffer and returns the
   * cost change; with `commit` it also writes the new queue. The walk along the queue keeps a cursor in the shift
   * windows and the pick-ups (times only grow along a queue), and stops where a job finishes as it did before.
   * `giveUpAt` (scoring only, for moves that never lower a cost): stop once the change reaches it.
   */
  protected retime(
    sol: Solution,
    s: number,
    a: number,
    b: number,
    size: number,
    commit: boolean,
    giveUpAt = Infinity,
  ): number {
    const model = this.model;
    const proc = model.proc;
    const release = model.release;
    const due = model.due;
    const buf = this.scratch;
    const seq = sol.seq[s]!;
    const end = sol.end[s]!;
    const cost = sol.cost[s]!;
    const ready = model.ready[s]!;
    let len = sol.len[s]!;
    let delta = 0;
    for (let k = a; k < b; k++) delta -= cost[k]!;
    // The old completion just before the unchanged tail: when the new timeline meets it, nothing after changes.
    let prevOld = b > 0 ? end[b - 1]! : ready;
    if (commit && size !== b - a) {
      seq.copyWithin(a + size, b, len);
      end.copyWithin(a + size, b, len);
      cost.copyWithin(a + size, b, len);
      len += size - (b - a);
      sol.len[s] = len;
    }
    const tailStart = commit ? a + size : b;
    let t = a > 0 ? end[a - 1]! : ready;

    const simple = this.simple[s] === 1;
    const ws = simple ? null : model.windowStart[s]!;
    const we = model.windowEnd[s]!;
    const windowCount = ws ? ws.length : 0;
    const horizon = model.horizonEnd[s]!;
    let w = 0;
    if (ws) while (w < windowCount && we[w]! <= t) w++;
    const pickups = model.pickups;
    const pickupCount = pickups ? pickups.length : 0;
    let q = 0;
    if (pickups) {
      let hi = pickupCount;
      while (q < hi) {
        const mid = (q + hi) >> 1;
        if (pickups[mid]! < t) q = mid + 1;
        else hi = mid;
      }
    }
    const linear = this.linear;

    let pos = a;
    for (let idx = 0; ; idx++, pos++) {
      let j: number;
      let oldCost = 0;
      let oldEnd = 0;
      if (idx < size) j = buf[idx]!;
      else {
        const k = tailStart + (idx - size);
        if (k >= len || t === prevOld) {
          pos = k;
          break;
        }
        j = seq[k]!;
        oldCost = cost[k]!;
        oldEnd = end[k]!;
      }
      // Start: released, and (with shifts) inside one window; past the last window, back to back.
      const r = release[j]!;
      let start = t > r ? t : r;
      if (ws) {
        const p = proc[j]!;
        while (w < windowCount && we[w]! <= start) w++;
        for (;;) {
          if (w >= windowCount) {
            if (start < horizon) start = horizon;
            break;
          }
          const open = ws[w]!;
          const candidate = start > open ? start : open;
          if (candidate + p <= we[w]!) {
            start = candidate;
            break;
          }
          w++;
        }
      }
      t = start + proc[j]!;
      let c: number;
      if (linear) {
        const lateness = t - due[j]!;
        c = lateness > 0 ? Math.floor((model.rateAmount[j]! * lateness) / model.ratePer[j]!) : 0;
      } else {
        let leaves = t;
        if (pickups) {
          while (q < pickupCount && pickups[q]! < t) q++;
          if (q < pickupCount) leaves = pickups[q]!;
        }
        c = penaltyOfFn(model, j, leaves - due[j]!);
      }
      delta += c - oldCost;
      // Only for insertions, where no cost falls: the move already costs as much as the best one known.
      if (delta >= giveUpAt) return delta;
      if (commit) {
        const k = idx < size ? a + idx : tailStart + (idx - size);
        seq[k] = j;
        end[k] = t;
        cost[k] = c;
        // Jobs only pushed along without a change of cost keep their verdict ("don't look" stays set).
        if (idx < size || c !== oldCost) this.active[j] = 1;
      }
      if (idx >= size) prevOld = oldEnd;
    }
    if (commit) {
      sol.total += delta;
      this.wake(sol, s, a - 1, a);
      this.wake(sol, s, pos, pos + 1);
    }
    return delta;
  }

  /** Marks the jobs at positions [from, to) of station s (clamped) as worth revisiting. */
  protected wake(sol: Solution, s: number, from: number, to: number): void {
    const seq = sol.seq[s]!;
    const lo = Math.max(0, from);
    const hi = Math.min(sol.len[s]!, to);
    for (let k = lo; k < hi; k++) this.active[seq[k]!] = 1;
  }

  /** First position of station s whose completion is at or after t. */
  protected positionAt(sol: Solution, s: number, t: number): number {
    const end = sol.end[s]!;
    let lo = 0;
    let hi = sol.len[s]!;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (end[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Cheapest insertion of each job (in the given order) into the solution: on every station, the places within
   * `window` of where its latest start falls, and the end of the queue. Ties go to the place nearest its latest
   * start, then to the station that is free soonest. An insertion only delays what follows it, and costs never fall
   * when a job finishes later, so scoring a place stops as soon as it costs as much as the best one found.
   */
  insertJobs(sol: Solution, jobs: readonly number[], window = 8): void {
    const model = this.model;
    const order = Array.from({ length: this.m }, (_, s) => s);
    const centre = new Int32Array(this.m);
    const free = new Float64Array(this.m);
    for (const x of jobs) {
      const latestStart = model.effectiveDue[x]! - model.proc[x]!;
      for (let s = 0; s < this.m; s++) {
        const len = sol.len[s]!;
        free[s] = len > 0 ? sol.end[s]![len - 1]! : model.ready[s]!;
        centre[s] = this.positionAt(sol, s, latestStart);
      }
      order.sort((a, b) => free[a]! - free[b]! || a - b);
      let best = Infinity;
      let bestStation = -1;
      let bestAt = 0;
      const consider = (s: number, k: number) => {
        const d = this.retime(sol, s, k, k, this.fill(sol.seq[s]!, x, k, k, NONE), false, best);
        if (d < best) {
          best = d;
          bestStation = s;
          bestAt = k;
        }
      };
      for (let distance = 0; distance <= window && best > 0; distance++) {
        for (const s of order) {
          const len = sol.len[s]!;
          const c = centre[s]!;
          if (c - distance >= 0 && c - distance <= len) consider(s, c - distance);
          if (distance > 0 && c + distance <= len) consider(s, c + distance);
        }
      }
      for (const s of order) if (best > 0 && centre[s]! + window < sol.len[s]!) consider(s, sol.len[s]!);
      this.apply(sol, bestStation, bestAt, x, bestAt, bestAt, NONE, bestAt);
    }
  }
}
