/**
 * One plan computation as data in and data out, so it can run in a planner thread (app/plan-pool.ts): the problem
 * without its penalty functions (each rebuilt from the job's policy and facts), the settings, the warm start; back
 * come the plan as the API shows it and what the stored plan keeps. The same function runs in-process for the CLI.
 */
import { performance } from 'node:perf_hooks';
import type { Job } from '../core/schedule';
import { computeWorkPlan, presentWorkPlan, queuesOf, type PlanProblem, type PlanSettings } from './plan';
import { latenessPenalty } from './plan-problem';

export type WarmStart = { queues: Array<{ stationId: string; jobIds: string[] }>; timeBudgetMs: number };

/** A problem as it crosses to a thread: structured-cloneable (no functions). */
export type PlanProblemData = Omit<PlanProblem, 'input'> & {
  input: Omit<PlanProblem['input'], 'jobs'> & { jobs: Array<Omit<Job, 'penalty'>> };
};

export interface PlanTask {
  problem: PlanProblemData;
  settings: PlanSettings;
  warm?: WarmStart;
}

export interface PlanOutcome {
  body: ReturnType<typeof presentWorkPlan>;
  queues: Array<{ stationId: string; jobIds: string[] }>;
  warmUsed: boolean;
  totalPenalty: number;
  jobCount: number;
  computeMs: number;
}

/** Runs plan tasks: in a thread pool (the server) or in-process (the CLI, the demo). */
export type PlanRunner = (task: PlanTask, options?: { caller?: string }) => Promise<PlanOutcome>;

export function planTask(problem: PlanProblem, settings: PlanSettings, warm?: WarmStart): PlanTask {
  const jobs = problem.input.jobs.map(({ penalty: _penalty, ...job }) => job);
  return { problem: { ...problem, input: { ...problem.input, jobs } }, settings, ...(warm ? { warm } : {}) };
}

export function runPlanTask(task: PlanTask): PlanOutcome {
  const { problem, settings } = task;
  const jobs: Job[] = problem.input.jobs.map((job) => {
    const fine = problem.fines.get(job.id)!;
    return { ...job, penalty: latenessPenalty(fine.policy, fine.facts, settings.hourlyCost) };
  });
  const started = performance.now();
  const work = computeWorkPlan({ ...problem, input: { ...problem.input, jobs } }, settings, task.warm);
  return {
    body: presentWorkPlan(work),
    queues: queuesOf(work.plan),
    warmUsed: Boolean(work.plan.warmStart?.used),
    totalPenalty: work.plan.totalPenalty,
    jobCount: work.orders.size,
    computeMs: Math.round(performance.now() - started),
  };
}

/** The runner without threads. */
export const inProcessPlanner: PlanRunner = async (task) => runPlanTask(task);
