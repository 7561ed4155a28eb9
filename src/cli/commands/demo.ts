import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { localized } from '../../core/i18n';
import { startDemo } from '../../demo/run';
import { DEFAULT_DASHBOARD_DIR } from '../../http/server';
import { action, refuse, say } from '../support';

interface DemoFlags {
  speed: string;
  port: string;
  host: string;
  hours: string;
  ordersPerDay: string;
  seed: string;
  db?: string;
  start?: string;
  faults: boolean;
  trackingProvider: boolean;
  sampleCarrier: boolean;
  supplierLeadHours: string;
  exit?: boolean;
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw refuse(`--${name} must be a positive number, got "${text}"`, `--${name} 须为正数，而不是“${text}”`);
  return value;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'A simulated day on a fresh database: the fake AliExpress, the dashboard, sync, stock, packing and uploads, at 60× speed',
    )
    .option('--speed <n>', 'simulated time per real time (60 = a simulated minute per second)', '60')
    .option('--port <port>', 'where the dashboard and API listen', process.env.PORT ?? '3000')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--hours <n>', 'simulated hours to run before the clock stops', '24')
    .option('--orders-per-day <n>', 'orders on an average day', '300')
    .option('--seed <n>', 'seeds the buyers, the faults and the carrier', '7')
    .option('--db <file>', 'the SQLite file (must not exist; default data/demo-<timestamp>.db)')
    .option('--start <time>', 'when the simulated day starts (ISO 8601; default 08:00 today in Shenzhen)')
    .option('--no-faults', 'no injected marketplace failures on uploads')
    .option('--no-tracking-provider', 'record first scans locally instead of running the sample tracking provider')
    .option('--no-sample-carrier', 'make up Cainiao numbers locally instead of buying labels from the sample carrier')
    .option('--supplier-lead-hours <n>', 'simulated hours from a purchase order to its delivery', '3')
    .option('--exit', 'exit when the simulated hours are over instead of keeping the dashboard up')
    .action(
      action(async (flags: DemoFlags) => {
        const speed = positive('speed', flags.speed);
        if (!/^\d{1,9}$/.test(flags.seed))
          throw refuse(`--seed must be a whole number, got "${flags.seed}"`, `--seed 须为整数，而不是“${flags.seed}”`);
        const startAt = flags.start === undefined ? undefined : Date.parse(flags.start);
        if (startAt !== undefined && Number.isNaN(startAt))
          throw refuse(
            `--start "${flags.start}" is not an ISO 8601 time`,
            `--start “${flags.start}”不是 ISO 8601 时间`,
          );
        if (!fs.existsSync(path.join(DEFAULT_DASHBOARD_DIR, 'index.html'))) {
          console.log(
            say(
              localized(
                'The dashboard is not built: run `npm run build:web` (npm run demo does it first).',
                '仪表板尚未构建：请运行 `npm run build:web`（npm run demo 会先自动构建）。',
              ),
            ),
          );
        }
        const print = (line: { en: string; 'zh-CN': string }) => console.log(say(line));
        const demo = await startDemo({
          speed,
          port: Number(flags.port),
          host: flags.host,
          hours: positive('hours', flags.hours),
          ordersPerDay: positive('orders-per-day', flags.ordersPerDay),
          seed: Number(flags.seed),
          faults: flags.faults,
          sampleTracking: flags.trackingProvider,
          sampleCarrier: flags.sampleCarrier,
          supplierLeadHours: positive('supplier-lead-hours', flags.supplierLeadHours),
          ...(flags.db ? { databaseFile: flags.db } : {}),
          ...(startAt !== undefined ? { startAt } : {}),
          say: print,
        });
        print(localized('Ctrl-C stops everything.', '按 Ctrl-C 结束全部服务。'));

        let stopping = false;
        const stop = async (code: number) => {
          if (stopping) process.exit(130); // a second Ctrl-C: do not wait
          stopping = true;
          print(localized('stopping…', '正在停止…'));
          await demo.stop();
          print(
            localized(
              `stopped; the day's data stays in ${demo.databaseFile}`,
              `已停止；本次数据保存在 ${demo.databaseFile}`,
            ),
          );
          process.exit(code);
        };
        process.on('SIGINT', () => void stop(0));
        process.on('SIGTERM', () => void stop(0));
        await demo.dayOver;
        if (flags.exit) await stop(0);
      }),
    );
}
