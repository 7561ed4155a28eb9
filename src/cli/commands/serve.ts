import type { Command } from 'commander';
import { createContext } from '../../app/context';
import { buildServer } from '../../http/server';
import { startDeadlineJobs } from '../../jobs/deadline-jobs';
import { startMarketplaceJobs } from '../../jobs/marketplace-jobs';
import { startTrackingJobs } from '../../jobs/tracking-jobs';
import { describeUrl, migrateToLatest, openStore } from '../../store/database';
import { action } from '../support';

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the API and dashboard (PORT, default 3000; DATABASE_URL, default sqlite:./data/shipby.db)')
    .option('--port <port>', 'port to listen on', process.env.PORT ?? '3000')
    .option('--host <host>', 'address to listen on', process.env.HOST ?? '0.0.0.0')
    .action(
      action(async (options: { port: string; host: string }) => {
        const store = openStore();
        await migrateToLatest(store);
        const ctx = createContext(store);
        const app = await buildServer(ctx, { logger: true });
        const log = { info: (m: string) => app.log.info(m), error: (m: string) => app.log.error(m) };
        const jobs = startMarketplaceJobs(ctx, log);
        const deadlineJobs = startDeadlineJobs(ctx, log);
        const trackingJobs = startTrackingJobs(ctx, log);
        const close = async () => {
          await Promise.all([jobs.stop(), deadlineJobs.stop(), trackingJobs.stop()]);
          await app.close();
          await store.close();
          process.exit(0);
        };
        process.once('SIGINT', close);
        process.once('SIGTERM', close);
        await app.listen({ port: Number(options.port), host: options.host });
        app.log.info(`shipby on http://localhost:${options.port} (database ${describeUrl(store.url)})`);
      }),
    );
}
