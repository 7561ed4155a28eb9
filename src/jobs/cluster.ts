/**
 * Every periodic job of shipby, in one list, started together by `serve` (unless `--no-jobs`) and by `shipby worker`.
 * Each run claims its turn through the store (jobs/scheduler.ts: the lease `job:<name>`, per shop for the sync), and
 * rows are claimed one by one where the work is per row (outbox, alert deliveries, tracking polls), so any number of
 * processes on one PostgreSQL do each piece of work once. On SQLite one process owns the jobs (jobs/job-owner.ts).
 *
 * A new group of jobs (token refresh, say) is one function `(ctx, log, env, scheduling) => Scheduler` that passes
 * `scheduling` to `startScheduler`, registered with one line in JOB_GROUPS below.
 */
import type { AppContext } from '../app/context';
import { claimJobTurn } from '../app/store-leases';
import { startDeadlineJobs } from './deadline-jobs';
import { startHousekeepingJobs } from './housekeeping-jobs';
import { startMarketplaceJobs } from './marketplace-jobs';
import {
  reportJobErrors,
  type JobErrorReporter,
  type JobLog,
  type Scheduler,
  type SchedulerOptions,
} from './scheduler';
import { startTrackingJobs } from './tracking-jobs';

export type JobGroup = (
  ctx: AppContext,
  log: JobLog,
  env: NodeJS.ProcessEnv,
  scheduling: SchedulerOptions & { reporter?: JobErrorReporter },
) => Scheduler;

/** The job groups, by name: add a line to register a new one. */
const JOB_GROUPS: Record<string, JobGroup> = {
  marketplace: startMarketplaceJobs,
  deadlines: startDeadlineJobs,
  tracking: startTrackingJobs,
  housekeeping: startHousekeepingJobs,
};

/** Scheduling shared by every group: turns claimed on the store, errors and turns to the log, `extra` hooks (metrics). */
function clusterScheduling(
  ctx: AppContext,
  log: JobLog,
  extra: Partial<JobErrorReporter> = {},
): SchedulerOptions & { reporter: JobErrorReporter } {
  return {
    claim: (lease, ttlMs) => claimJobTurn(ctx, lease, ttlMs),
    reporter: combine(reportJobErrors(log), extra),
  };
}

/** Starts every registered group on `ctx`; the caller stops them. */
export function startAllJobs(
  ctx: AppContext,
  log: JobLog,
  env: NodeJS.ProcessEnv = process.env,
  extra: Partial<JobErrorReporter> = {},
): Scheduler[] {
  const scheduling = clusterScheduling(ctx, log, extra);
  return Object.values(JOB_GROUPS).map((start) => start(ctx, log, env, scheduling));
}

function combine(base: JobErrorReporter, extra: Partial<JobErrorReporter>): JobErrorReporter {
  return {
    onError: (job, error) => (base.onError(job, error), extra.onError?.(job, error)),
    onSuccess: (job) => (base.onSuccess?.(job), extra.onSuccess?.(job)),
    onRun: (job, outcome, ms) => (base.onRun?.(job, outcome, ms), extra.onRun?.(job, outcome, ms)),
    onSkipped: (job) => (base.onSkipped?.(job), extra.onSkipped?.(job)),
  };
}
