import type { Command } from 'commander';
import { ordersPastCalendarData } from '../../app/calendar-coverage';
import { createContext } from '../../app/context';
import { buildServer } from '../../http/server';
import { startAllJobs } from '../../jobs/cluster';
import { jobMetrics } from '../../app/telemetry';
import { runJobsWhileOwner } from '../../jobs/job-owner';
import { describeUrl, openStore } from '../../store/database';
import { migrateWhenReachable } from '../../app/health';
import { action, say } from '../support';
import { ensureFirstOwner } from '../../app/accounts';
import { processOwnerId } from '../../app/store-leases';
import { localized } from '../../core/i18n';
import { ensureMasterKey } from '../../app/secrets';
import { missingAppSettings } from '../../app/aliexpress-app';
import { signInUrl } from './access';

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the API and dashboard (PORT, default 3000; DATABASE_URL, default sqlite:./data/shipby.db)')
    .option('--port <port>', 'port to listen on', process.env.PORT ?? '3000')
    .option('--host <host>', 'address to listen on', process.env.HOST ?? '0.0.0.0')
    .option('--no-jobs', 'serve only: leave the background jobs to `shipby worker` processes')
    .action(
      action(async (options: { port: string; host: string; jobs: boolean }) => {
        // Stored secrets need a master key: without SHIPBY_MASTER_KEY a fresh installation makes one in its data folder.
        const key = ensureMasterKey();
        if (key.created) {
          console.error(
            say(
              localized(
                `A master key for stored secrets was created in ${key.file}: back it up with the store (without it saved carrier and shop credentials cannot be read), or set SHIPBY_MASTER_KEY instead.`,
                `已在 ${key.file} 创建用于加密保存密钥的主密钥：请与数据库一起备份（丢失后已保存的承运商和店铺凭据将无法读取），或改为设置 SHIPBY_MASTER_KEY。`,
              ),
            ),
          );
        }
        const store = openStore();
        // The database may be restarting as we start: wait for it rather than exit.
        await migrateWhenReachable(store, { log: (line) => console.error(line) });
        const ctx = createContext(store);
        const app = await buildServer(ctx, { logger: true });
        const log = {
          info: (m: string) => app.log.info(m),
          error: (m: string) => app.log.error(m),
          debug: (m: string) => app.log.debug(m),
        };
        // One process per SQLite store runs the background jobs; the others serve and stand by (jobs/job-owner.ts).
        // On PostgreSQL each job's turn is claimed on the store (jobs/cluster.ts). `--no-jobs`: workers run them.
        const jobs = options.jobs
          ? runJobsWhileOwner(ctx, processOwnerId(), () => startAllJobs(ctx, log, process.env, jobMetrics), log)
          : null;
        if (!jobs) log.info('background jobs: off here (--no-jobs); shipby worker processes run them');
        const close = async () => {
          await jobs?.stop();
          await app.close();
          await store.close();
          process.exit(0);
        };
        process.once('SIGINT', close);
        process.once('SIGTERM', close);
        await app.listen({ port: Number(options.port), host: options.host });
        app.log.info(`shipby on http://localhost:${options.port} (database ${describeUrl(store.url)})`);
        // Deadlines past the end of the holiday and festival data may be off: say so once, at start.
        for (const group of await ordersPastCalendarData(ctx))
          app.log.warn(`${group.message.en} / ${group.message['zh-CN']}`);
        // Authorising shops at AliExpress needs the installation's app: say which variable is missing now, not at the first Connect.
        for (const missing of missingAppSettings())
          app.log.warn(
            `${missing.variable} is not set: shops cannot be authorised at AliExpress until it is (${missing.what.en}).`,
          );
        // A fresh installation has no user: its owner signs in once through this link, then sets a password.
        const first = await ensureFirstOwner(ctx);
        if (first) {
          const url = signInUrl(`http://localhost:${options.port}`, first.token);
          console.log(
            say(
              localized(
                `\nNo user yet: ${first.email} owns this installation. Open this one-time link (valid 24 h) to sign in:\n  ${url}\nor add users with ./bin/shipby user add EMAIL --owner\n`,
                `\n尚无用户：${first.email} 是本系统的店主。打开此一次性链接（24 小时内有效）登录：\n  ${url}\n或用 ./bin/shipby user add 邮箱 --owner 添加用户\n`,
              ),
            ),
          );
        }
      }),
    );
}
