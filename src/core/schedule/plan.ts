/**
 * The planner: best constructive plan, improved by iterated local search within the limits, proven optimal by the
 * exact solver when the queue is short. Also the what-if runs: the caller changes inputs, the planner re-plans and
 * reports what the change saves.
 */
import { localized, type Localized } from '../i18n';
import { bestConstruction, eddSequences, keptSequences, movableCost, type Sequences } from './construct';
import { solveExactly } from './exact';
import { compileModel } from './compile';
import { costAt, describeSchedule, leavesAt, startOn, type Model } from './model';
import type { Solution } from './moves';
import { Search } from './search';
import type {
  Job,
  OptimalityProof,
  Plan,
  PlanInput,
  PlanOptions,
  PlannedJob,
  Scenario,
  ScenarioOutcome,
  Station,
  WarmStartReport,
  WhatIfReport,
} from './types';

export const DEFAULT_EXACT_MAX_JOBS = 12;
export const DEFAULT_EXACT_STATE_BUDGET = 400_000;

/**
 * Default stall limit: plenty of kicks for a 40-job queue to settle (wt40 needs at most a few hundred), capped for
 * long queues, where a caller should give a time budget anyway.
 */
export function defaultStallIterations(jobs: number): number {
  return Math.min(5_000, 500 + 50 * jobs);
}

/**
 * Plans the work queue of every station so that the total penalty is as small as the limits allow.
 *
 * Steps: EDD (for comparison) and the best of several ATC dispatches; iterated local search from there until the
 * lower bound is reached, or the iteration, stall or time limit; then, for short queues, the exact solver, which
 * either finds a cheaper plan or proves this one optimal. The same input, seed and limits give the same plan
 * (a time budget is the only limit that depends on the machine).
 */
export function plan(input: PlanInput, options: PlanOptions = {}): Plan {
  const model = compileModel(input);
  const n = model.movable.length;
  const clock = options.clock;
  const startedAt = clock ? clock() : NaN;
  const stopAt = clock && options.timeBudgetMs !== undefined ? startedAt + options.timeBudgetMs : Infinity;

  const eddPenalty = model.pinnedPenalty + movableCost(model, eddSequences(model));
  // The bound is cheap (one look per job and station) and lets the search stop as soon as it is reached.
  const bound = lowerBound(model);
  const target = bound.penalty - model.pinnedPenalty;
  const newSearch = () =>
    new Search(model, {
      target,
      seed: options.seed ?? 1,
      maxIterations: options.maxIterations ?? Infinity,
      maxStallIterations: options.maxStallIterations ?? defaultStallIterations(n),
      clock,
      stopAt,
    });

  let sequences: Sequences;
  let cost: number;
  let method: Plan['method'] = 'construction';
  let search: Search | undefined;
  let start: Solution | undefined;
  let wake: number[] | undefined;
  let warmStart: WarmStartReport | undefined;
  const warm = options.warmStart ? keptSequences(model, options.warmStart) : undefined;
  // Inserting is dear (each place is re-timed): past a share of new jobs, constructing afresh is cheaper.
  // A station the previous plan did not have would stay empty (long queues try no moves across stations): afresh.
  const everyStationKnown =
    warm !== undefined &&
    Array.from({ length: model.stationCount }, (_, s) => model.stationIds[s]!).every((id) =>
      options.warmStart!.some((q) => q.stationId === id),
    );
  if (
    warm &&
    everyStationKnown &&
    warm.fresh.length <= Math.max(WARM_START_MIN_FRESH, WARM_START_MAX_FRESH_SHARE * n)
  ) {
    search = newSearch();
    start = search.solution(warm.sequences);
    search.insertJobs(start, warm.fresh);
    sequences = start.sequences();
    cost = start.total;
    method = 'warm-start';
    // The first descent looks at the inserted jobs (marked by the insertion) and at every late one.
    wake = [];
    for (let s = 0; s < model.stationCount; s++)
      for (let k = 0; k < start.len[s]!; k++) if (start.cost[s]![k]! > 0) wake.push(start.seq[s]![k]!);
    warmStart = { used: true, kept: warm.kept, inserted: warm.fresh.length, startPenalty: model.pinnedPenalty + cost };
  } else {
    const construction = bestConstruction(model);
    sequences = construction.sequences;
    cost = construction.cost;
    if (warm) warmStart = { used: false, kept: 0, inserted: 0, startPenalty: model.pinnedPenalty + cost };
  }
  let iterations = 0;
  let bestIteration = 0;
  let foundAt = clock ? clock() : NaN;

  // One job on one station has nothing to search; one job on several stations may still move.
  if (!options.constructionOnly && (n > 1 || (n === 1 && model.stationCount > 1)) && cost > target) {
    search ??= newSearch();
    const best = search.iterate(start ?? search.solution(sequences), wake);
    iterations = search.iterations;
    bestIteration = search.lastImprovement;
    if (best.total < cost) {
      sequences = best.sequences();
      cost = best.total;
      method = 'local-search';
      foundAt = search.lastImprovementAt;
    }
  }

  let proof: OptimalityProof | undefined;
  if (cost === 0) proof = 'zero-penalty';
  else if (cost === target) proof = 'lower-bound';
  else if (!options.constructionOnly && n <= (options.exactMaxJobs ?? DEFAULT_EXACT_MAX_JOBS)) {
    const exact = solveExactly(model, cost, options.exactStateBudget ?? DEFAULT_EXACT_STATE_BUDGET, clock, stopAt);
    if (exact.status === 'solved') {
      sequences = exact.sequences;
      cost = exact.cost;
      method = 'exact';
      if (clock) foundAt = clock();
      proof = 'exhaustive';
    } else if (exact.status === 'bound-is-optimal') proof = 'exhaustive';
  }
  const result = describePlan(model, sequences, {
    currency: input.currency,
    eddPenalty,
    method,
    iterations,
    bestIteration,
    proof,
    bound,
  });
  if (clock) result.foundAfterMs = foundAt - startedAt;
  if (warmStart) result.warmStart = warmStart;
  return result;
}

/** A warm start inserts at most this many new jobs, or this share of the queue, whichever is more. */
const WARM_START_MIN_FRESH = 200;
const WARM_START_MAX_FRESH_SHARE = 0.1;

/**
 * A lower bound on any plan's penalty: pinned work as it is, every other job alone at its earliest possible finish
 * (started as soon as it is released on the station that can finish it first). Penalties never fall as jobs finish
 * later, so no plan does better, and a job late even then is late in every plan.
 */
function lowerBound(model: Model): { penalty: number; unavoidablyLate: string[] } {
  let penalty = model.pinnedPenalty;
  const unavoidablyLate: string[] = [];
  for (const p of model.pinned)
    if (leavesAt(model, p.finish) > model.due[p.job]!) unavoidablyLate.push(model.jobIds[p.job]!);
  for (let i = 0; i < model.movable.length; i++) {
    const j = model.movable[i]!;
    let earliest = Infinity;
    for (let s = 0; s < model.stationCount; s++)
      earliest = Math.min(earliest, startOn(model, s, model.ready[s]!, j) + model.proc[j]!);
    penalty += costAt(model, j, earliest);
    if (leavesAt(model, earliest) > model.due[j]!) unavoidablyLate.push(model.jobIds[j]!);
  }
  return { penalty, unavoidablyLate };
}

/** The plan a seller gets today: earliest deadline first, each job to the station that finishes it first. */
export function eddPlan(input: PlanInput): Plan {
  const model = compileModel(input);
  const sequences = eddSequences(model);
  const eddPenalty = model.pinnedPenalty + movableCost(model, sequences);
  return describePlan(model, sequences, {
    currency: input.currency,
    eddPenalty,
    method: 'edd',
    iterations: 0,
    bestIteration: 0,
    proof: undefined,
    bound: lowerBound(model),
  });
}

function describePlan(
  model: Model,
  sequences: Sequences,
  facts: {
    currency: string;
    eddPenalty: number;
    method: Plan['method'];
    iterations: number;
    bestIteration: number;
    proof: OptimalityProof | undefined;
    bound: { penalty: number; unavoidablyLate: string[] };
  },
): Plan {
  const queues = describeSchedule(model, sequences);
  const stationIdsInInputOrder: string[] = [];
  for (let s = 0; s < model.allStations; s++) stationIdsInInputOrder[model.inputStation[s]!] = model.stationIds[s]!;
  const all = queues.flat();
  const totalPenalty = all.reduce((sum, job) => sum + job.penalty, 0);
  const lateJobs = all
    .filter((job) => job.latenessMs > 0)
    .sort((a, b) => b.latenessMs - a.latenessMs || a.jobId.localeCompare(b.jobId));
  const beyondHorizon = all.filter((job) => job.beyondHorizon).map((job) => job.jobId);
  const notes: Localized[] = [];
  if (facts.proof === 'exhaustive')
    notes.push(
      localized(
        'Proven optimal: an exhaustive search found no cheaper plan.',
        '已证明最优：穷举搜索没有找到罚金更低的方案。',
      ),
    );
  if (facts.proof === 'lower-bound')
    notes.push(
      localized(
        'Proven optimal: every penalty left is one that no order of work can avoid.',
        '已证明最优：剩余的罚金在任何作业顺序下都无法避免。',
      ),
    );
  if (facts.proof === 'zero-penalty')
    notes.push(
      localized(
        'No job the planner can still place costs a penalty: no plan can do better.',
        '所有尚可安排的作业都没有罚金：不存在更好的方案。',
      ),
    );
  if (lateJobs.length)
    notes.push(
      localized(
        `${lateJobs.length} job(s) are late even in this plan.`,
        `即使按此方案，仍有 ${lateJobs.length} 个作业会延迟。`,
      ),
    );
  if (beyondHorizon.length)
    notes.push(
      localized(
        `${beyondHorizon.length} job(s) fall after the last shift or pick-up known to the planner: their times are estimates.`,
        `${beyondHorizon.length} 个作业排在已知最后一个班次或揽收之后：其时间仅为估计。`,
      ),
    );
  return {
    currency: facts.currency,
    stations: queues.map((queue, inputIndex) => ({ stationId: stationIdsInInputOrder[inputIndex]!, queue })),
    totalPenalty,
    eddPenalty: facts.eddPenalty,
    lateJobs,
    unavoidablyLate: facts.bound.unavoidablyLate,
    lowerBoundPenalty: facts.bound.penalty,
    beyondHorizon,
    optimal: facts.proof !== undefined,
    ...(facts.proof ? { proof: facts.proof } : {}),
    method: facts.method,
    iterations: facts.iterations,
    bestIteration: facts.bestIteration,
    notes,
  };
}

/** Every job with its place in the plan, by job id. */
export function plannedJobsById(result: Plan): Map<string, PlannedJob> {
  const byId = new Map<string, PlannedJob>();
  for (const station of result.stations) for (const job of station.queue) byId.set(job.jobId, job);
  return byId;
}

/**
 * Re-plans each scenario and compares it with the base plan: what it saves, net of what the fix costs, and which
 * jobs it rescues or makes late. Best net saving first.
 */
export function whatIf(base: PlanInput, scenarios: readonly Scenario[], options: PlanOptions = {}): WhatIfReport {
  const basePlan = plan(base, options);
  const baseJobs = plannedJobsById(basePlan);
  const outcomes: ScenarioOutcome[] = scenarios.map((scenario) => {
    if (scenario.input.currency !== base.currency)
      throw new Error(
        `Scenario "${scenario.name}" is in ${scenario.input.currency}, the base plan in ${base.currency}.`,
      );
    const variant = plan(scenario.input, options);
    const variantJobs = plannedJobsById(variant);
    const rescuedJobs: string[] = [];
    const newlyLateJobs: string[] = [];
    for (const [id, job] of variantJobs) {
      const before = baseJobs.get(id);
      if (!before) continue;
      if (before.latenessMs > 0 && job.latenessMs <= 0) rescuedJobs.push(id);
      if (before.latenessMs <= 0 && job.latenessMs > 0) newlyLateJobs.push(id);
    }
    const penaltyDelta = variant.totalPenalty - basePlan.totalPenalty;
    return {
      name: scenario.name,
      plan: variant,
      penaltyDelta,
      netSaving: -penaltyDelta - (scenario.fixCost ?? 0),
      rescuedJobs,
      newlyLateJobs,
    };
  });
  outcomes.sort((a, b) => b.netSaving - a.netSaving);
  return { base: basePlan, outcomes };
}

/** What-if input: one more station (e.g. a temporary one for two hours: give it that one shift). */
export function withExtraStation(input: PlanInput, station: Station): PlanInput {
  return { ...input, stations: [...input.stations, station] };
}

/** What-if input: one more carrier pick-up. */
export function withExtraPickup(input: PlanInput, at: number): PlanInput {
  return { ...input, pickups: { times: [...(input.pickups?.times ?? []), at] } };
}

/** What-if input: later deadlines for some jobs (a faster shipping service leaves more time to pack). */
export function withLaterDeadlines(input: PlanInput, jobIds: Iterable<string>, byMs: number): PlanInput {
  const ids = new Set(jobIds);
  const jobs: Job[] = input.jobs.map((job) => (ids.has(job.id) ? { ...job, dueAt: job.dueAt + byMs } : job));
  return { ...input, jobs };
}
