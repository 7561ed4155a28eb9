/**
 * The deadline jobs `serve` runs every minute (SHIPBY_SWEEP_INTERVAL): the warning sweep (each threshold
 * once per order, safe with several servers), low-stock alerts, and the delivery of pending alert webhooks; and
 * the refresh of the stored work plans (SHIPBY_PLAN_INTERVAL, default 1m).
 */
import type { AppContext } from '../app/context';
import { deliverWebhooks, queueAlert, runWarningSweep } from '../app/deadlines';
import { refreshPlans } from '../app/planning';
import { deliverStockAlerts } from '../app/stock';
import {
  parseInterval,
  reportJobErrors,
  startScheduler,
  type JobErrorReporter,
  type SchedulerOptions,
} from './scheduler';

export function startDeadlineJobs(
  ctx: AppContext,
  log: { info(m: string): void; error(m: string): void },
  env: NodeJS.ProcessEnv = process.env,
  scheduling: SchedulerOptions & { reporter?: JobErrorReporter } = {},
) {
  const intervalMs = parseInterval(env.SHIPBY_SWEEP_INTERVAL, 60_000);
  return startScheduler(
    [
      {
        name: 'deadline-warnings',
        intervalMs,
        run: async () => {
          const report = await runWarningSweep(ctx, log.info);
          // Low-stock alerts go out through the same webhooks (to the hooks of every shop: stock is shared).
          await deliverStockAlerts(ctx, async (alerts, trx) => {
            for (const a of alerts) {
              await queueAlert(
                trx,
                '',
                `stock_alert:${a.id}`,
                {
                  kind: `stock_${a.kind}`,
                  warehouse_id: a.warehouse_id,
                  sku: a.sku,
                  available: a.available,
                  threshold: a.threshold,
                  at: new Date(a.at).toISOString(),
                },
                ctx.now(),
              );
            }
          });
          const delivery = await deliverWebhooks(ctx);
          if (report.warned || delivery.delivered || delivery.failed || delivery.dead) {
            log.info(
              `deadline sweep: ${report.warned} warned; alerts delivered ${delivery.delivered}, failed ${delivery.failed}, dead ${delivery.dead}`,
            );
          }
        },
      },
      {
        // Deadlines move, orders arrive and get packed, stock comes in: each stored plan whose inputs changed is
        // recomputed (warm) here, so that GET /plan and `plan --warehouse` find it ready.
        name: 'plan-refresh',
        intervalMs: parseInterval(env.SHIPBY_PLAN_INTERVAL, 60_000),
        run: async () => {
          const report = await refreshPlans(ctx);
          const recomputed = report.plans.filter((p) => p.recomputed);
          if (recomputed.length)
            log.info(
              `plan refresh: ${recomputed.map((p) => `${p.warehouse_id} v${p.version} ${p.method} ${p.compute_ms} ms`).join(', ')}`,
            );
        },
      },
    ],
    scheduling.reporter ?? reportJobErrors(log),
    scheduling,
  );
}
