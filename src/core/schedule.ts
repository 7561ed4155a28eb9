/**
 * The penalty-minimising work queue: which order each packing station should do next so that the fewest and
 * cheapest penalties happen, and which orders will be late anyway.
 *
 * Model: jobs (processing time, deadline, release time, any non-decreasing penalty of lateness) on identical
 * stations with shifts; a parcel leaves with the first carrier pick-up after packing ends. Jobs in progress stay
 * first on their station. Method: EDD/ATC construction, then iterated local search (swaps, insertions, moves across
 * stations) with incremental re-timing; queues of up to `exactMaxJobs` jobs are solved exactly and flagged optimal.
 * A lower bound (every job alone at its earliest finish) names the orders late in every plan and proves a plan
 * optimal when it is reached.
 *
 * Usage: `plan(input, { seed, timeBudgetMs, clock: () => performance.now() })`; `whatIf(base, scenarios)` for fixes.
 */
export type {
  InProgress,
  Job,
  OptimalityProof,
  PenaltyFunction,
  PenaltyRate,
  PenaltyStep,
  PickupSchedule,
  Plan,
  PlanInput,
  PlanOptions,
  PlannedJob,
  Scenario,
  ScenarioOutcome,
  Shift,
  Station,
  StationQueue,
  WarmStartReport,
  WhatIfReport,
} from './schedule/types';
export { PlanInputError } from './schedule/model';
export {
  DEFAULT_EXACT_MAX_JOBS,
  DEFAULT_EXACT_STATE_BUDGET,
  defaultStallIterations,
  eddPlan,
  plan,
  plannedJobsById,
  whatIf,
  withExtraPickup,
  withExtraStation,
  withLaterDeadlines,
} from './schedule/plan';
export { dailyInstants, dailyShifts, type LocalWindow } from './schedule/calendar';
