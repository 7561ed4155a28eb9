/**
 * The tracking jobs `serve` runs: stored webhook deliveries processed (those the request path did not finish),
 * kept-aside events matched and new parcels registered (SHIPBY_TRACKING_INTERVAL, default 30 s); polling of the
 * parcels due (SHIPBY_POLL_INTERVAL, default 1 min; the per-parcel cadence is the provider's); and the sweeps —
 * not online / stalled problems, cases from the sync, receipt auto-confirmation and extension proposals
 * (SHIPBY_RECEIPT_INTERVAL, default 10 min). Alerts go out with the deadline job's webhook delivery.
 */
import { openCasesFromSync } from '../app/after-sales';
import { REGISTRATION_MAX_ATTEMPTS } from '../core/tracking/registration-retry';
import type { AppContext } from '../app/context';
import { runReceiptSweep } from '../app/receipt';
import { matchUnmatchedEvents, registerParcels } from '../app/tracking';
import { processDeliveries, pollDueParcels, runTrackingSweep } from '../app/tracking';
import {
  parseInterval,
  reportJobErrors,
  startScheduler,
  type JobErrorReporter,
  type SchedulerOptions,
} from './scheduler';

export function startTrackingJobs(
  ctx: AppContext,
  log: { info(m: string): void; error(m: string): void },
  env: NodeJS.ProcessEnv = process.env,
  scheduling: SchedulerOptions & { reporter?: JobErrorReporter } = {},
) {
  return startScheduler(
    [
      {
        name: 'tracking-deliveries',
        intervalMs: parseInterval(env.SHIPBY_TRACKING_INTERVAL, 30_000),
        run: async (signal) => {
          let processed = 0;
          while (!signal.aborted) {
            const report = await processDeliveries(ctx);
            processed += report.deliveries;
            if (report.deliveries === 0) break;
          }
          const matched = await matchUnmatchedEvents(ctx);
          const registered = await registerParcels(ctx, {
            onRegistered: (results) => {
              for (const r of results) {
                if (r.error)
                  log.error(
                    `tracking: registering numbers with ${r.provider} failed (${r.error}); asked again with backoff`,
                  );
                if (r.dead)
                  log.error(
                    `tracking: ${r.dead} number(s) given up with ${r.provider} after ${REGISTRATION_MAX_ATTEMPTS} failed attempts; each order's page and the alert webhooks say so`,
                  );
                if (r.refused.length)
                  log.error(
                    `tracking: ${r.provider} refused ${r.refused.length} number(s): ${r.refused
                      .slice(0, 3)
                      .map((x) => `${x.number} (${x.reason})`)
                      .join(', ')}`,
                  );
              }
            },
          });
          if (processed || matched.matched || registered)
            log.info(
              `tracking: ${processed} deliveries processed, ${matched.matched} kept-aside events matched, ${registered} parcels registered`,
            );
        },
      },
      {
        name: 'tracking-poll',
        intervalMs: parseInterval(env.SHIPBY_POLL_INTERVAL, 60_000),
        run: async (signal) => {
          const report = await pollDueParcels(ctx, { signal });
          if (report.polled)
            log.info(
              `tracking poll: ${report.polled} parcels, ${report.ingest.stored} new events, ${report.registered} registered with the provider`,
            );
        },
      },
      {
        name: 'tracking-sweeps',
        intervalMs: parseInterval(env.SHIPBY_RECEIPT_INTERVAL, 10 * 60_000),
        run: async () => {
          const problems = await runTrackingSweep(ctx);
          const cases = await openCasesFromSync(ctx);
          const receipt = await runReceiptSweep(ctx);
          if (problems.problemsRaised || cases || receipt.confirmed || receipt.extensionsProposed) {
            log.info(
              `tracking sweep: ${problems.problemsRaised} problems raised, ${cases} cases from sync, ${receipt.confirmed} orders auto-confirmed, ${receipt.extensionsProposed} extensions proposed`,
            );
          }
        },
      },
    ],
    scheduling.reporter ?? reportJobErrors(log),
    scheduling,
  );
}
