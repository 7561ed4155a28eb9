/**
 * Public types of the penalty-minimising work-queue planner.
 *
 * All instants are UTC epoch ms, all durations ms, all amounts integer minor units of the plan's currency.
 * The planner is pure: it never reads a clock; a time budget is enforced only through an injected `clock`.
 */
import type { Localized } from '../i18n';

/** A fine level that applies once the job is more than `overMs` late (levels replace each other, they do not add up). */
export interface PenaltyStep {
  /** Lateness (ms) that must be exceeded for this level to apply; 0 = "late at all". */
  overMs: number;
  /** Fine in minor units; levels must not decrease. */
  amount: number;
}

/** A cost that grows with lateness, e.g. a per-hour cost of keeping a buyer waiting. */
export interface PenaltyRate {
  /** Minor units charged per `perMs` of lateness. */
  amount: number;
  perMs: number;
  /** 'prorated' (default): floor(amount × lateness / perMs); 'started': amount for every started `perMs`. */
  charge?: 'prorated' | 'started';
}

/**
 * What lateness costs: a step schedule of fines plus a rate, or any non-decreasing function.
 * A function must return integer minor units, 0 for lateness <= 0, and never decrease as lateness grows.
 */
export type PenaltyFunction = { steps?: readonly PenaltyStep[]; rate?: PenaltyRate } | ((latenessMs: number) => number);

/** A job already being worked on: it stays first on its station and is never reordered. */
export interface InProgress {
  stationId: string;
  startedAt: number;
}

/** One open order (or part of one) that needs work at a station. */
export interface Job {
  id: string;
  /** Work left, ms (for an in-progress job: the whole job; it ends at startedAt + processingMs, or at `now` if overrun). */
  processingMs: number;
  /** The deadline: the parcel must have left (been picked up) by then. */
  dueAt: number;
  /** Not workable before this instant (e.g. goods arriving); defaults to the plan's `now`. */
  releaseAt?: number;
  penalty: PenaltyFunction;
  inProgress?: InProgress;
}

/** A working window of a station, [start, end). A job is never split across windows. */
export interface Shift {
  start: number;
  end: number;
}

/** A packing station. Stations are identical in speed; they differ only by their shifts. */
export interface Station {
  id: string;
  /** Working windows, any order; omitted = always open. A station with an empty list never works. */
  shifts?: readonly Shift[];
}

/**
 * Carrier pick-up instants. A parcel leaves at the first pick-up at or after its packing ends, so one that misses
 * the last pick-up before its deadline is late however early it was packed. Omitted = parcels leave when packed.
 * A parcel packed after the last listed pick-up is taken to leave when packed (and flagged as beyond the horizon).
 */
export interface PickupSchedule {
  times: readonly number[];
}

export interface PlanInput {
  /** The planning instant: nothing new starts before it. */
  now: number;
  /** ISO 4217 code of every penalty amount. */
  currency: string;
  jobs: readonly Job[];
  stations: readonly Station[];
  pickups?: PickupSchedule;
}

export interface PlanOptions {
  /** Seed of the search's random choices: the same input, seed and limits give the same plan. */
  seed?: number;
  /**
   * Wall-clock budget of the whole planning call; enforced only when `clock` is given (the core reads no clock
   * itself). Without it the search stops on `maxIterations` / `maxStallIterations`, which is deterministic but can
   * take seconds on queues of thousands of jobs: give long queues a budget.
   */
  timeBudgetMs?: number;
  /** Monotonic milliseconds, e.g. `() => performance.now()`. */
  clock?: () => number;
  /** Stop after this many perturbation rounds (deterministic limit). */
  maxIterations?: number;
  /** Stop after this many perturbation rounds without a new best; default scales with the queue size. */
  maxStallIterations?: number;
  /** Try the exact solver when the queue is at most this long (default 12; 0 disables it). */
  exactMaxJobs?: number;
  /** Give up the exact solver past this many stored partial schedules (default 400,000). */
  exactStateBudget?: number;
  /** Skip local search: return the best constructed plan (for comparisons). */
  constructionOnly?: boolean;
  /**
   * Warm start from a previous plan: its queues (job ids per station, in order). Jobs still movable keep their
   * order on their station (if it still takes work); the others are inserted where they cost least (a few places
   * around their latest start on every station); local search then starts there, with only the inserted and the
   * late jobs looked at first, so the result is never worse than that start. When most jobs are new, or a station
   * is new, the warm start is not cheaper or not good: the planner constructs afresh (`Plan.warmStart.used` false).
   */
  warmStart?: ReadonlyArray<{ stationId: string; jobIds: readonly string[] }>;
}

/** What a warm start did: jobs kept in their previous order, jobs inserted, and the penalty of that start. */
export interface WarmStartReport {
  used: boolean;
  kept: number;
  inserted: number;
  /** Penalty of the kept-plus-inserted sequences before local search (pinned work included). */
  startPenalty: number;
}

/** Where and when one job is done in a plan. */
export interface PlannedJob {
  jobId: string;
  stationId: string;
  /** 0-based place in its station's queue. */
  position: number;
  start: number;
  finish: number;
  /** The pick-up that takes the parcel (or `finish` when there is none). */
  leavesAt: number;
  /** leavesAt − dueAt; positive = late. */
  latenessMs: number;
  penalty: number;
  pinned: boolean;
  /** Planned after the last shift of its station or the last listed pick-up: a lower-bound estimate. */
  beyondHorizon: boolean;
}

export interface StationQueue {
  stationId: string;
  queue: PlannedJob[];
}

/**
 * 'exhaustive': the exact solver found nothing cheaper; 'zero-penalty': no job that can still be placed costs
 * anything; 'lower-bound': the plan costs exactly the lower bound (every job at its earliest possible finish).
 */
export type OptimalityProof = 'exhaustive' | 'zero-penalty' | 'lower-bound';

export interface Plan {
  currency: string;
  stations: StationQueue[];
  /** Sum of every job's penalty, in minor units. */
  totalPenalty: number;
  /** What the usual earliest-deadline-first order costs for the same input. */
  eddPenalty: number;
  /** Jobs that are late even in this plan, latest first. */
  lateJobs: PlannedJob[];
  /** Jobs late in every possible plan: even started first on the soonest free station they miss their deadline. */
  unavoidablyLate: string[];
  /** No plan costs less: pinned work plus every other job at its earliest possible finish. */
  lowerBoundPenalty: number;
  /** Jobs planned beyond the last shift or pick-up known to the planner. */
  beyondHorizon: string[];
  /** True only when proven: no plan of this input costs less. */
  optimal: boolean;
  proof?: OptimalityProof;
  /** Which method produced the plan ('warm-start': the previous queues with new jobs inserted, not improved on). */
  method: 'edd' | 'construction' | 'warm-start' | 'local-search' | 'exact';
  /** Present when `warmStart` was given. */
  warmStart?: WarmStartReport;
  /** Perturbation rounds of the local search, and the round that found the returned plan (0 = the first descent). */
  iterations: number;
  bestIteration: number;
  /** With a clock: ms from the start of planning until the returned plan was found. */
  foundAfterMs?: number;
  notes: Localized[];
}

/** A what-if: the same planning problem with some inputs changed by the caller. */
export interface Scenario {
  name: string;
  input: PlanInput;
  /** What making the change costs (overtime, a paid extra pick-up, a faster service), minor units. */
  fixCost?: number;
}

export interface ScenarioOutcome {
  name: string;
  plan: Plan;
  /** scenario penalty − base penalty (negative = saves money). */
  penaltyDelta: number;
  /** base penalty − scenario penalty − fix cost (positive = worth doing). */
  netSaving: number;
  /** Late in the base plan, on time in the scenario. */
  rescuedJobs: string[];
  /** On time in the base plan, late in the scenario. */
  newlyLateJobs: string[];
}

export interface WhatIfReport {
  base: Plan;
  /** Best net saving first. */
  outcomes: ScenarioOutcome[];
}
