/**
 * Housekeeping: the rate-limit counters of windows that have ended are deleted (SHIPBY_HOUSEKEEPING_INTERVAL,
 * default 10 min), once per cluster like every job.
 */
import type { AppContext } from '../app/context';
import { pruneRateLimits } from '../app/rate-limits';
import {
  parseInterval,
  reportJobErrors,
  startScheduler,
  type JobErrorReporter,
  type JobLog,
  type SchedulerOptions,
} from './scheduler';

export function startHousekeepingJobs(
  ctx: AppContext,
  log: JobLog,
  env: NodeJS.ProcessEnv = process.env,
  scheduling: SchedulerOptions & { reporter?: JobErrorReporter } = {},
) {
  return startScheduler(
    [
      {
        name: 'rate-limit-prune',
        intervalMs: parseInterval(env.SHIPBY_HOUSEKEEPING_INTERVAL, 10 * 60_000),
        run: async () => {
          const pruned = await pruneRateLimits(ctx);
          if (pruned) log.debug?.(`housekeeping: ${pruned} ended rate-limit windows deleted`);
        },
      },
    ],
    scheduling.reporter ?? reportJobErrors(log),
    scheduling,
  );
}
