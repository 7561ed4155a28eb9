/**
 * The deadline jobs `serve` runs every minute (SHIPBY_SWEEP_INTERVAL): the warning sweep (each threshold
 * once per order, safe with several servers) and the delivery of pending alert webhooks.
 */
import type { AppContext } from '../app/context';
import { deliverWebhooks, runWarningSweep } from '../app/deadlines';
import { parseInterval, startScheduler } from './scheduler';

export function startDeadlineJobs(ctx: AppContext, log: { info(m: string): void; error(m: string): void }, env: NodeJS.ProcessEnv = process.env) {
  const intervalMs = parseInterval(env.SHIPBY_SWEEP_INTERVAL, 60_000);
  return startScheduler(
    [
      {
        name: 'deadline-warnings',
        intervalMs,
        run: async () => {
          const report = await runWarningSweep(ctx, log.info);
          const delivery = await deliverWebhooks(ctx);
          if (report.warned || delivery.delivered || delivery.failed || delivery.dead) {
            log.info(`deadline sweep: ${report.warned} warned; alerts delivered ${delivery.delivered}, failed ${delivery.failed}, dead ${delivery.dead}`);
          }
        },
      },
    ],
    (job, error) => log.error(`${job}: ${error instanceof Error ? error.message : String(error)}`),
  );
}
