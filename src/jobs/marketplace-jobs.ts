/**
 * The marketplace jobs `serve` runs: the order sync of every connected shop on a schedule (SHIPBY_SYNC_INTERVAL,
 * default 10 minutes), the token refresh (SHIPBY_TOKEN_REFRESH_INTERVAL, default 1 hour: tokens ending within
 * SHIPBY_TOKEN_REFRESH_AHEAD, default 3 days, are renewed, one worker at a time; shops whose authorisation ends
 * within 7 days get one alert to connect again), and one outbox worker delivering uploads continuously (SHIPBY_OUTBOX_WORKER=off to run the
 * workers elsewhere). Without SHIPBY_MASTER_KEY both report the missing key and the server keeps serving.
 */
import type { AppContext } from '../app/context';
import { syncAllShops } from '../app/order-sync';
import { masterKeyFromEnv } from '../app/secrets';
import { refreshExpiringTokens } from '../app/shop-authorisation';
import { warnEndingAuthorisations } from '../app/shop-authorisation-upkeep';
import { outboxSettingsFromEnv, runOutboxWorker } from './outbox-worker';
import {
  parseInterval,
  startScheduler,
  type ScheduledJob,
  type SchedulerOptions,
  type JobErrorReporter,
  type JobLog,
  reportJobErrors,
} from './scheduler';
import { setting } from '../core/config';

export type { JobLog } from './scheduler';

export function startMarketplaceJobs(
  ctx: AppContext,
  log: JobLog,
  env: NodeJS.ProcessEnv = process.env,
  scheduling: SchedulerOptions & { reporter?: JobErrorReporter } = {},
): { stop(): Promise<void> } {
  const intervalMs = parseInterval(env.SHIPBY_SYNC_INTERVAL, 10 * 60_000);
  const jobs: ScheduledJob[] = [
    {
      name: 'order-sync',
      intervalMs,
      // Each shop's sync is its own turn (`job:order-sync:<shop>`): processes share the shops, none syncs one twice.
      claimed: 'per-row',
      run: async () => {
        const claim = scheduling.claim;
        const reports = await syncAllShops(ctx, {
          masterKey: masterKeyFromEnv(env),
          ...(claim ? { claim: (shopId: string) => claim(`job:order-sync:${shopId}`, intervalMs) } : {}),
        });
        for (const report of reports) {
          const line = `sync ${report.shopId}: ${report.status}, ${report.listed} listed, ${report.created} new, ${report.updated} updated, ${report.skipped.length} skipped`;
          if (report.status === 'failed') log.error(`${line}: ${report.error}`);
          else log.info(line);
        }
      },
    },
    {
      name: 'token-refresh',
      intervalMs: parseInterval(env.SHIPBY_TOKEN_REFRESH_INTERVAL, 60 * 60_000),
      run: async () => {
        const aheadMs = parseInterval(env.SHIPBY_TOKEN_REFRESH_AHEAD, 3 * 24 * 60 * 60_000);
        const report = await refreshExpiringTokens(ctx, { masterKey: masterKeyFromEnv(env) }, { aheadMs });
        if (!report.ran) return; // another process holds the refresh lease
        for (const shopId of report.refreshed) log.info(`token refresh ${shopId}: renewed`);
        for (const shopId of report.paused)
          log.error(
            `token refresh ${shopId}: refused by the platform; the shop is paused until it is authorised again`,
          );
        for (const { shopId, detail } of report.failed)
          log.error(`token refresh ${shopId}: no readable answer (${detail}); tried again next time`);
        // A refresh does not extend the refresh token: days before it ends the owner is alerted (once) to connect again.
        for (const shopId of await warnEndingAuthorisations(ctx))
          log.info(
            `token refresh ${shopId}: its authorisation ends within days; the owner was alerted to connect it again`,
          );
      },
    },
  ];
  if (setting(env, 'SHIPBY_OUTBOX_WORKER') !== 'off') {
    const { settings, concurrency, timeoutMs } = outboxSettingsFromEnv(env);
    jobs.push({
      name: 'outbox-worker',
      claimed: 'per-row', // rows are claimed one by one (SKIP LOCKED): a worker in every process
      // The worker returns only when stopped; after a crash (e.g. no master key yet) it starts again a minute later.
      intervalMs: 60_000,
      run: async (signal) => {
        const stats = await runOutboxWorker(ctx, {
          masterKey: masterKeyFromEnv(env),
          settings,
          concurrency,
          clientOptions: { timeoutMs },
          signal,
          log: log.error,
        });
        log.info(
          `outbox worker ${stats.workerId} stopped: ${stats.accepted} uploads accepted, ${stats.notices} notices, ${stats.dead} dead-lettered`,
        );
      },
    });
  }
  log.info(
    `marketplace jobs: order sync every ${Math.round(intervalMs / 1000)} s${jobs.length > 1 ? ', outbox worker running' : ''}`,
  );
  return startScheduler(jobs, scheduling.reporter ?? reportJobErrors(log), scheduling);
}
