/**
 * `shipby worker`: the background jobs without the API (the other half of `serve --no-jobs`). Any number of workers
 * and servers share one PostgreSQL: each job's turn and each row is claimed on the store, so the work is done once
 * (jobs/cluster.ts). On SQLite the workers and servers with jobs elect one process to run them (jobs/job-owner.ts).
 * A worker never migrates: on a database not yet upgraded to this version it stops at once and says so.
 */
import type { Command } from 'commander';
import pino from 'pino';
import { createContext } from '../../app/context';
import { requireCurrentSchema } from '../../app/health';
import { PlanPool } from '../../app/plan-pool';
import { processOwnerId } from '../../app/store-leases';
import { startAllJobs } from '../../jobs/cluster';
import { jobMetrics } from '../../app/telemetry';
import { serveMetrics } from '../../http/metrics';
import { runJobsWhileOwner } from '../../jobs/job-owner';
import { describeUrl, openStore } from '../../store/database';
import { action } from '../support';

export function register(program: Command): void {
  program
    .command('worker')
    .description(
      'Run the background jobs (sync, sweeps, tracking polls, outbox and alert delivery, plan refresh) without serving the API',
    )
    .option(
      '--metrics-port <port>',
      'also answer GET /metrics on this port (SHIPBY_METRICS_TOKEN)',
      process.env.SHIPBY_WORKER_METRICS_PORT,
    )
    .option('--metrics-host <host>', 'address for --metrics-port', '127.0.0.1')
    .action(
      action(async (options: { metricsPort?: string; metricsHost: string }) => {
        const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' }).child({ role: 'worker' });
        const log = {
          info: (m: string) => logger.info(m),
          error: (m: string) => logger.error(m),
          debug: (m: string) => logger.debug(m),
        };
        const store = openStore(undefined, { poolSize: 4 });
        const stopping = new AbortController();
        const onSignal = () => stopping.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          await requireCurrentSchema(store, { log: log.error, signal: stopping.signal });
        } catch (error) {
          await store.close();
          throw error;
        }
        const ctx = createContext(store);
        // Plans are searched in planner threads here too, off this process's event loop.
        const pool = new PlanPool();
        ctx.planner = pool.run;
        const jobs = runJobsWhileOwner(
          ctx,
          processOwnerId(),
          () => startAllJobs(ctx, log, process.env, jobMetrics),
          log,
        );
        const metrics = options.metricsPort
          ? await serveMetrics(ctx, {
              token: process.env.SHIPBY_METRICS_TOKEN,
              port: Number(options.metricsPort),
              host: options.metricsHost,
            })
          : undefined;
        logger.info(
          `shipby worker on ${describeUrl(store.url)}${metrics ? `, metrics on ${options.metricsHost}:${options.metricsPort}` : ''}`,
        );
        await new Promise<void>((resolve) =>
          stopping.signal.aborted
            ? resolve()
            : stopping.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        metrics?.close();
        await jobs.stop();
        await pool.close();
        await store.close();
      }),
    );
}
