/**
 * Local search over per-station sequences, and iterated local search (ILS) around it.
 *
 * Neighbourhoods: swap two jobs, move one job elsewhere in its queue, and (on short queues with several stations)
 * move or swap a job to another station around the same time. A move is scored incrementally: only the changed
 * stretch of one queue is re-timed, and the re-timing stops as soon as a job finishes exactly when it did before
 * (everything after it is then unchanged). On a station that never idles (no shifts, everything released) a move
 * only shifts the completions between its two positions by a known amount, so insertions are scored in O(1) each
 * and most swaps are dismissed by a bound, as in the classic 1||ΣwT neighbourhoods.
 *
 * The descent uses "don't look bits": a job is looked at again only when something near it changed, so the descent
 * after a kick stays local. ILS: kick (a few random insertions), descend, keep the result when it is no worse, and
 * return to the best plan after a run of failures. Everything random comes from the seeded generator.
 */
import { costAt, penaltyOf, startOn, type Model } from './model';
import { Random } from './random';
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

export interface SearchLimits {
  seed: number;
  /** A cost no plan can beat (a lower bound): the search stops when it gets there. */
  target: number;
  maxIterations: number;
  maxStallIterations: number;
  clock?: () => number;
  /** Clock reading at which to stop. */
  stopAt: number;
}

const NONE = -1;
const SWAP = 1;
const INSERT = 2;
const MOVE = 3;
/** Kicks in a row that may fail to improve the current plan before the search goes back to the best one. */
const RESTART_AFTER = 100;

export class Search {
  private readonly m: number;
  private readonly capacity: number;
  private readonly scratch: Int32Array;
  /** Running cost sums of the stretch after an anchor (swap pruning). */
  private readonly between: Float64Array;
  private readonly random: Random;
  private stopped = false;
  private visits = 0;
  /** Read the clock every (mask + 1) job visits: often enough on long queues, rarely on short ones. */
  private readonly checkEvery: number;
  iterations = 0;
  /** The iteration that found the best plan, and the clock reading then (NaN without a clock). */
  lastImprovement = 0;
  lastImprovementAt = NaN;
  /** Jobs worth looking at in the next descent ("don't look bits"). */
  private readonly active: Uint8Array;
  /** Max distance between two positions of one queue in a move; the whole queue when it is short. */
  private readonly reach: number;
  /** How many positions around the same instant a job may try on another station. */
  private readonly crossReach: number;
  /** Per station: never idle, so intra-queue moves are scored by shifting completion times. */
  private readonly simple: Uint8Array;
  /** Every movable job costs rate × lateness, no pick-ups: costs are computed inline. */
  private readonly linear: boolean;

  constructor(
    private readonly model: Model,
    private readonly limits: SearchLimits,
  ) {
    this.m = model.stationCount;
    this.capacity = Math.max(1, model.movable.length);
    this.scratch = new Int32Array(this.capacity + 2);
    this.between = new Float64Array(this.capacity + 2);
    this.random = new Random(limits.seed);
    const perStation = model.movable.length / this.m;
    this.reach = perStation <= 300 ? this.capacity : 12;
    // A move across stations re-times the rest of both queues: try only a few places around the same instant,
    // and none at all on long queues, where it is far too dear to try for every job.
    this.crossReach = perStation <= 300 ? 8 : -1;
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
    this.checkEvery = this.m === 1 && this.simple[0] ? 63 : 3;
  }

  /** Cost of job j finishing at t; inline for plain linear costs (the weighted tardiness case). */
  private jobCost(j: number, t: number): number {
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

  /** True once the time budget is spent (the clock is read at most every call). */
  timeUp(): boolean {
    if (this.stopped) return true;
    if (this.limits.clock && this.limits.clock() >= this.limits.stopAt) this.stopped = true;
    return this.stopped;
  }

  /**
   * Cost change of replacing positions [a, b) of station s by: `first` (if not NONE), seq[runFrom, runTo), `last`
   * (if not NONE). The rest of the queue follows unchanged in order.
   */
  private delta(
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
  private apply(
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
  private fill(seq: Int32Array, first: number, runFrom: number, runTo: number, last: number): number {
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
  private retime(
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
  private wake(sol: Solution, s: number, from: number, to: number): void {
    const seq = sol.seq[s]!;
    const lo = Math.max(0, from);
    const hi = Math.min(sol.len[s]!, to);
    for (let k = lo; k < hi; k++) this.active[seq[k]!] = 1;
  }

  /** First position of station s whose completion is at or after t. */
  private positionAt(sol: Solution, s: number, t: number): number {
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
   * Tries every swap and insertion of the job at (s, i) within reach in its queue, then (if none helps) moving or
   * swapping it to another station near the same time; applies the best improving move. Returns whether it moved.
   */
  private improveAt(sol: Solution, s: number, i: number): boolean {
    const seq = sol.seq[s]!;
    const len = sol.len[s]!;
    const x = seq[i]!;
    let best = 0;
    let bestKind = 0;
    let bestJ = -1;
    const jMin = Math.max(0, i - this.reach);
    const jMax = Math.min(len - 1, i + this.reach);
    if (this.simple[s]) {
      // No idle time: a move only shifts the completions between the two positions, by a known amount.
      const end = sol.end[s]!;
      const cost = sol.cost[s]!;
      const proc = this.model.proc;
      const px = proc[x]!;
      const before = i > 0 ? end[i - 1]! : this.model.ready[s]!;
      // Insert later: jobs i+1..j finish px earlier, x finishes at end[j].
      let shifted = -cost[i]!;
      for (let j = i + 1; j <= jMax; j++) {
        const y = seq[j]!;
        shifted += this.jobCost(y, end[j]! - px) - cost[j]!;
        const d = shifted + this.jobCost(x, end[j]!);
        if (d < best) {
          best = d;
          bestKind = INSERT;
          bestJ = j;
        }
      }
      // Insert earlier: jobs j..i-1 finish px later, x finishes px after the job before place j.
      shifted = -cost[i]!;
      for (let j = i - 1; j >= jMin; j--) {
        const y = seq[j]!;
        shifted += this.jobCost(y, end[j]! + px) - cost[j]!;
        const d = shifted + this.jobCost(x, (j > 0 ? end[j - 1]! : this.model.ready[s]!) + px);
        if (d < best) {
          best = d;
          bestKind = INSERT;
          bestJ = j;
        }
      }
      // Swap with a later job y: y finishes at before + py, the jobs between shift by py − px, x finishes at end[j].
      // (Swaps with earlier jobs are tried when that job is looked at: trying both ways costs more than it finds.)
      // Costs never fall when jobs finish later and never fall below zero, so the stretch between can only add
      // (shift > 0) or save at most its current cost (shift < 0): most swaps are dismissed without walking it.
      const between = this.between;
      let acc = 0;
      for (let k = i + 1; k <= jMax; k++) {
        between[k - i] = acc;
        acc += cost[k]!;
      }
      for (let j = i + 2; j <= jMax; j++) {
        const y = seq[j]!;
        const shift = proc[y]! - px;
        let d = this.jobCost(y, before + proc[y]!) + this.jobCost(x, end[j]!) - cost[i]! - cost[j]!;
        if (shift > 0) {
          if (d >= best) continue;
          for (let k = i + 1; k < j && d < best; k++) d += this.jobCost(seq[k]!, end[k]! + shift) - cost[k]!;
        } else if (shift < 0) {
          let saveable = between[j - i]!; // cost of positions i+1 .. j-1
          if (d - saveable >= best) continue;
          for (let k = i + 1; k < j && d - saveable < best; k++) {
            const c = cost[k]!;
            d += this.jobCost(seq[k]!, end[k]! + shift) - c;
            saveable -= c;
          }
        }
        if (d < best) {
          best = d;
          bestKind = SWAP;
          bestJ = j;
        }
      }
    } else {
      for (let j = jMin; j <= jMax; j++) {
        if (j === i) continue;
        const a = j < i ? j : i;
        const b = j < i ? i : j;
        let d = this.delta(sol, s, a, seq[b]!, a + 1, b, seq[a]!, b + 1);
        if (d < best) {
          best = d;
          bestKind = SWAP;
          bestJ = j;
        }
        if (j > i + 1) d = this.delta(sol, s, i, NONE, i + 1, j + 1, x, j + 1);
        else if (j < i - 1) d = this.delta(sol, s, j, x, j, i, NONE, i + 1);
        else continue; // moving next to a neighbour is the swap above
        if (d < best) {
          best = d;
          bestKind = INSERT;
          bestJ = j;
        }
      }
    }
    if (bestKind === SWAP) {
      const a = bestJ < i ? bestJ : i;
      const b = bestJ < i ? i : bestJ;
      this.apply(sol, s, a, seq[b]!, a + 1, b, seq[a]!, b + 1);
      return true;
    }
    if (bestKind === INSERT) {
      if (bestJ > i) this.apply(sol, s, i, NONE, i + 1, bestJ + 1, x, bestJ + 1);
      else this.apply(sol, s, bestJ, x, bestJ, i, NONE, i + 1);
      return true;
    }
    if (this.m === 1 || this.crossReach < 0) return false;

    const removeDelta = this.delta(sol, s, i, NONE, i + 1, i + 1, NONE, i + 1);
    const when = sol.end[s]![i]!;
    let bestStation = -1;
    for (let s2 = 0; s2 < this.m; s2++) {
      if (s2 === s) continue;
      const len2 = sol.len[s2]!;
      const seq2 = sol.seq[s2]!;
      const centre = this.positionAt(sol, s2, when);
      const kMin = Math.max(0, centre - this.crossReach);
      const kMax = Math.min(len2, centre + this.crossReach);
      for (let k = kMin; k <= kMax; k++) {
        const moveDelta = removeDelta + this.delta(sol, s2, k, x, k, k, NONE, k);
        if (moveDelta < best) {
          best = moveDelta;
          bestStation = s2;
          bestJ = k;
          bestKind = MOVE;
        }
        if (k < len2) {
          const y = seq2[k]!;
          const swapDelta =
            this.delta(sol, s, i, y, i + 1, i + 1, NONE, i + 1) + this.delta(sol, s2, k, x, k + 1, k + 1, NONE, k + 1);
          if (swapDelta < best) {
            best = swapDelta;
            bestStation = s2;
            bestJ = k;
            bestKind = SWAP;
          }
        }
      }
    }
    if (bestStation < 0) return false;
    if (bestKind === SWAP) {
      const y = sol.seq[bestStation]![bestJ]!;
      this.apply(sol, s, i, y, i + 1, i + 1, NONE, i + 1);
      this.apply(sol, bestStation, bestJ, x, bestJ + 1, bestJ + 1, NONE, bestJ + 1);
    } else {
      this.apply(sol, s, i, NONE, i + 1, i + 1, NONE, i + 1);
      this.apply(sol, bestStation, bestJ, x, bestJ, bestJ, NONE, bestJ);
    }
    return true;
  }

  /** Marks every job as worth a look (before the first descent). */
  wakeAll(): void {
    this.active.fill(1);
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

  /**
   * Descends until no job has an improving move (or time is up). Jobs whose neighbourhood did not change since
   * they were last found stuck are skipped ("don't look bits"), so a descent after a small kick stays local.
   */
  descend(sol: Solution): void {
    const active = this.active;
    for (;;) {
      let moved = false;
      // Position by position across the stations, so that a time limit leaves the start of every queue improved
      // (the start is what the warehouse does next; the rest is re-planned anyway).
      let longest = 0;
      for (let s = 0; s < this.m; s++) longest = Math.max(longest, sol.len[s]!);
      for (let i = 0; i < longest; i++) {
        for (let s = 0; s < this.m; s++) {
          while (i < sol.len[s]!) {
            const x = sol.seq[s]![i]!;
            if (!active[x]) break;
            if (sol.total <= this.limits.target) return;
            if ((++this.visits & this.checkEvery) === 0 && this.timeUp()) return;
            if (this.improveAt(sol, s, i))
              moved = true; // and look again at whatever is now in place i
            else {
              active[x] = 0;
              break;
            }
          }
        }
      }
      if (!moved) return;
    }
  }

  /** A random kick: a few jobs moved a short way in their queue, some to another station around the same time. */
  private perturb(sol: Solution, strength: number): void {
    const rnd = this.random;
    const total = this.model.movable.length;
    if (total < 2) return;
    for (let k = 0; k < strength; k++) {
      let pick = rnd.int(total);
      let s = 0;
      while (pick >= sol.len[s]!) pick -= sol.len[s++]!;
      const i = pick;
      if (this.m > 1 && this.crossReach >= 0 && rnd.next() < 0.3) {
        let s2 = rnd.int(this.m - 1);
        if (s2 >= s) s2++;
        const len2 = sol.len[s2]!;
        const centre = this.positionAt(sol, s2, sol.end[s]![i]!);
        const j = Math.min(len2, Math.max(0, centre + rnd.int(9) - 4));
        const x = sol.seq[s]![i]!;
        if (j < len2 && rnd.next() < 0.5) {
          const y = sol.seq[s2]![j]!;
          this.apply(sol, s, i, y, i + 1, i + 1, NONE, i + 1);
          this.apply(sol, s2, j, x, j + 1, j + 1, NONE, j + 1);
        } else {
          this.apply(sol, s, i, NONE, i + 1, i + 1, NONE, i + 1);
          this.apply(sol, s2, j, x, j, j, NONE, j);
        }
        continue;
      }
      const len = sol.len[s]!;
      if (len < 2) continue;
      // Move the job up to a quarter of the queue (at most the search reach) away, forwards or backwards.
      const span = Math.max(1, Math.min(len - 1, Math.ceil(len / 4), this.reach));
      let j = i + 1 + rnd.int(span);
      if (j >= len || rnd.next() < 0.5) j = i - 1 - rnd.int(span);
      if (j < 0) j = Math.min(len - 1, i + 1 + rnd.int(span));
      const seq = sol.seq[s]!;
      if (j > i) this.apply(sol, s, i, NONE, i + 1, j + 1, seq[i]!, j + 1);
      else this.apply(sol, s, j, seq[i]!, j, i, NONE, i + 1);
    }
  }

  /**
   * Iterated local search: descend, kick, descend again; keep the new local optimum when it is no worse, and go back
   * to the best one after a run of failures. Stops on the iteration, stall or time limit, or at zero cost.
   * `wake`: the jobs the first descent looks at besides those already marked by `insertJobs` (default: all).
   */
  iterate(start: Solution, wake?: ArrayLike<number>): Solution {
    const best = new Solution(this.m, this.capacity);
    const current = new Solution(this.m, this.capacity);
    const candidate = new Solution(this.m, this.capacity);
    current.copyFrom(start);
    // A warm start looks first only at what changed (the jobs given, and those `insertJobs` moved); a cold one at
    // every job.
    if (wake) for (let k = 0; k < wake.length; k++) this.active[wake[k]!] = 1;
    else this.wakeAll();
    this.descend(current);
    best.copyFrom(current);
    if (this.limits.clock) this.lastImprovementAt = this.limits.clock();
    let stall = 0;
    let sinceImprovement = 0;
    while (
      best.total > this.limits.target &&
      this.iterations < this.limits.maxIterations &&
      stall < this.limits.maxStallIterations &&
      !this.timeUp()
    ) {
      this.iterations++;
      candidate.copyFrom(current);
      this.perturb(candidate, 3 + this.random.int(3));
      this.descend(candidate);
      if (candidate.total <= current.total) {
        if (candidate.total < current.total) sinceImprovement = 0;
        current.copyFrom(candidate);
      } else sinceImprovement++;
      if (current.total < best.total) {
        this.lastImprovement = this.iterations;
        if (this.limits.clock) this.lastImprovementAt = this.limits.clock();
        best.copyFrom(current);
        stall = 0;
      } else stall++;
      if (sinceImprovement > RESTART_AFTER) {
        current.copyFrom(best);
        sinceImprovement = 0;
      }
    }
    return best;
  }
}
