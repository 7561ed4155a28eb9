/**
 * Local search over per-station sequences, and iterated local search (ILS) around it.
 *
 * Neighbourhoods: swap two jobs, move one job elsewhere in its queue, and (on short queues with several stations)
 * move or swap a job to another station around the same time. A move is scored incrementally (moves.ts): only the
 * changed stretch of one queue is re-timed, and the re-timing stops as soon as a job finishes exactly when it did
 * before. On a station that never idles (no shifts, everything released) a move only shifts the completions between
 * its two positions by a known amount, so insertions are scored in O(1) each and most swaps are dismissed by a
 * bound, as in the classic 1||ΣwT neighbourhoods.
 *
 * The descent uses "don't look bits": a job is looked at again only when something near it changed, so the descent
 * after a kick stays local. ILS: kick (a few random insertions), descend, keep the result when it is no worse, and
 * return to the best plan after a run of failures. Everything random comes from the seeded generator.
 */
import type { Model } from './model';
import { Moves, NONE, Solution } from './moves';
import { Random } from './random';

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

const SWAP = 1;
const INSERT = 2;
const MOVE = 3;
/** Kicks in a row that may fail to improve the current plan before the search goes back to the best one. */
const RESTART_AFTER = 100;

export class Search extends Moves {
  private readonly random: Random;
  private stopped = false;
  private visits = 0;
  /** Read the clock every (mask + 1) job visits: often enough on long queues, rarely on short ones. */
  private readonly checkEvery: number;
  iterations = 0;
  /** The iteration that found the best plan, and the clock reading then (NaN without a clock). */
  lastImprovement = 0;
  lastImprovementAt = NaN;
  /** Max distance between two positions of one queue in a move; the whole queue when it is short. */
  private readonly reach: number;
  /** How many positions around the same instant a job may try on another station. */
  private readonly crossReach: number;

  constructor(
    model: Model,
    private readonly limits: SearchLimits,
  ) {
    super(model);
    this.random = new Random(limits.seed);
    const perStation = model.movable.length / this.m;
    this.reach = perStation <= 300 ? this.capacity : 12;
    // A move across stations re-times the rest of both queues: try only a few places around the same instant,
    // and none at all on long queues, where it is far too dear to try for every job.
    this.crossReach = perStation <= 300 ? 8 : -1;
    this.checkEvery = this.m === 1 && this.simple[0] ? 63 : 3;
  }

  /** True once the time budget is spent (the clock is read at most every call). */
  timeUp(): boolean {
    if (this.stopped) return true;
    if (this.limits.clock && this.limits.clock() >= this.limits.stopAt) this.stopped = true;
    return this.stopped;
  }

  /**
   * Tries every swap and insertion of the job at (s, i) within reach in its queue, then (if none helps) moving or
   * swapping it to another station near the same time; applies the best improving move. Returns whether it moved.
   */
  private improveAt(sol: Solution, s: number, i: number): boolean {
    if (this.simple[s] ? this.shiftInQueue(sol, s, i) : this.retimeInQueue(sol, s, i)) return true;
    if (this.m === 1 || this.crossReach < 0) return false;
    return this.improveAcross(sol, s, i);
  }

  /** The best move of (s, i) in its queue on a station that never idles: a move only shifts completions. */
  private shiftInQueue(sol: Solution, s: number, i: number): boolean {
    const seq = sol.seq[s]!;
    const len = sol.len[s]!;
    const x = seq[i]!;
    let best = 0;
    let bestKind = 0;
    let bestJ = -1;
    const jMin = Math.max(0, i - this.reach);
    const jMax = Math.min(len - 1, i + this.reach);
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
    return this.applyInQueue(sol, s, i, bestKind, bestJ);
  }

  /** The best move of (s, i) in its queue, each scored by re-timing the changed stretch. */
  private retimeInQueue(sol: Solution, s: number, i: number): boolean {
    const seq = sol.seq[s]!;
    const len = sol.len[s]!;
    const x = seq[i]!;
    let best = 0;
    let bestKind = 0;
    let bestJ = -1;
    const jMin = Math.max(0, i - this.reach);
    const jMax = Math.min(len - 1, i + this.reach);
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
    return this.applyInQueue(sol, s, i, bestKind, bestJ);
  }

  /** Applies the swap or insertion of (s, i) with position j found best; false when none was. */
  private applyInQueue(sol: Solution, s: number, i: number, bestKind: number, bestJ: number): boolean {
    const seq = sol.seq[s]!;
    const x = seq[i]!;
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
    return false;
  }

  /** Moving the job at (s, i) to another station near the same time, or swapping it with a job there. */
  private improveAcross(sol: Solution, s: number, i: number): boolean {
    const x = sol.seq[s]![i]!;
    let best = 0;
    let bestKind = 0;
    let bestJ = -1;
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
