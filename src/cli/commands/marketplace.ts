/**
 * Marketplace commands: `shop connect|authorize|show|upload-timing` (in marketplace/shop.ts), `sync`, `ship`,
 * `first-scan`, `outbox dead|retry|status|work`. Secrets are never printed (only masked), and never taken from
 * anywhere but the command line or the store.
 */
import type { Command } from 'commander';
import { createContext } from '../../app/context';
import { migrateWhenReachable } from '../../app/health';
import { syncAllShops } from '../../app/order-sync';
import { resolveOrder } from '../../app/orders';
import { markParcelShipped, recordFirstScan } from '../../app/shipments';
import { listOutboxEntries, outboxCounts, retryOutboxRow } from '../../app/upload-outbox';
import { localized } from '../../core/i18n';
import { parseInstant, toIso } from '../../core/time';
import { outboxSettingsFromEnv, runOutboxWorker } from '../../jobs/outbox-worker';
import { openStore } from '../../store/database';
import { codeZh } from '../words';
import { action, positiveInteger, printJson, printTable, refuse, say, withApp } from '../support';
import { masterKeyFromEnv, registerShopCommands } from './marketplace/shop';

export function register(program: Command): void {
  registerShopCommands(program);
  syncCommand(program);
  shipCommand(program);
  firstScanCommand(program);

  const outboxCommand = program.command('outbox').description('Marketplace uploads waiting, failed or dead-lettered');
  deadLetterCommands(outboxCommand);
  outboxWorkCommand(outboxCommand);
}

/** `sync`: the orders changed on the marketplace since the last sync. */
function syncCommand(program: Command): void {
  program
    .command('sync')
    .description('Pull the orders changed on the marketplace since the last sync (every connected shop, or one)')
    .option('--shop <shop>', 'only this shop')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { shop?: string; json?: boolean }) => {
        const masterKey = masterKeyFromEnv();
        await withApp(async (ctx) => {
          const reports = await syncAllShops(ctx, { masterKey }, options.shop ? [options.shop] : undefined);
          if (options.json) printJson(reports);
          else {
            for (const report of reports) {
              const window = report.window ? `  (${toIso(report.window.from)} … ${toIso(report.window.to)})` : '';
              console.log(
                say(
                  localized(
                    `${report.shopId}: ${report.status}  listed ${report.listed}, fetched ${report.fetched}, new ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, skipped ${report.skipped.length}${window}`,
                    `${report.shopId}：${codeZh(report.status)}  列出 ${report.listed}，读取 ${report.fetched}，新增 ${report.created}，更新 ${report.updated}，未变 ${report.unchanged}，跳过 ${report.skipped.length}${window}`,
                  ),
                ),
              );
              for (const skipped of report.skipped.slice(0, 20))
                console.log(`  ${skipped.orderId}: ${say(skipped.reason)}`);
              if (report.error) console.log(`  ${report.error}`);
            }
            if (reports.length === 0)
              console.log(
                say(
                  localized(
                    'no shop is connected (shipby shop connect).',
                    '尚无已连接的店铺（`shipby shop connect`）。',
                  ),
                ),
              );
          }
          if (reports.some((report) => report.status === 'failed')) process.exitCode = 1;
        });
      }),
    );
}

/** `ship ORDER`: a parcel marked shipped with a tracking number typed in. */
function shipCommand(program: Command): void {
  program
    .command('ship')
    .description(
      'Mark a parcel of an order shipped with its tracking number; the upload to the marketplace is queued in the same transaction',
    )
    .argument('<order>', 'shipby id or platform order id')
    .requiredOption('--tracking <number>', 'the tracking number')
    .requiredOption('--service <service>', 'the marketplace logistics service key, e.g. CAINIAO_STANDARD, CPAM, EMS')
    .option('--carrier <carrier>', 'the carrier, for the number checks (default: from the service)')
    .option('--last', "this is the order's last parcel (declared send_type=all)")
    .option('--parcel <id>', 'an existing parcel of the order', positiveInteger('--parcel'))
    .option('--shop <shop>', 'the shop, when the platform order id is in several')
    .option(
      '--confirm-unrecognised <reason>',
      'ship a number in no known format with no carrier declared; the reason is recorded on the timeline',
    )
    .action(
      action(
        async (
          reference: string,
          options: {
            tracking: string;
            service: string;
            carrier?: string;
            last?: boolean;
            parcel?: number;
            shop?: string;
            confirmUnrecognised?: string;
          },
        ) => {
          await withApp(async (ctx) => {
            const order = await resolveOrder(ctx, reference, options.shop);
            const shipped = await markParcelShipped(
              ctx,
              {
                orderId: order.id,
                trackingNumber: options.tracking,
                serviceName: options.service,
                lastParcel: options.last === true,
                ...(options.carrier ? { carrier: options.carrier } : {}),
                ...(options.parcel ? { parcelId: options.parcel } : {}),
                ...(options.confirmUnrecognised !== undefined
                  ? { confirmUnrecognised: { reason: options.confirmUnrecognised } }
                  : {}),
              },
              'cli',
            );
            console.log(
              say(
                localized(
                  `parcel ${shipped.parcelId} of order ${order.platform_order_id}: upload ${shipped.outboxId} queued (send_type=${shipped.sendType}, ${shipped.uploadStatus === 'held' ? "held until the carrier's first scan" : 'due now'})`,
                  `订单 ${order.platform_order_id} 的包裹 ${shipped.parcelId}：上传任务 ${shipped.outboxId} 已排队（${shipped.sendType === 'all' ? '全部发货' : '部分发货'}，${shipped.uploadStatus === 'held' ? '等待承运商首次扫描' : '立即上传'}）`,
                ),
              ),
            );
            for (const warning of shipped.warnings) console.log(`! ${say(warning)}`);
          });
        },
      ),
    );
}

/** `first-scan`: the carrier's first scan of a parcel. */
function firstScanCommand(program: Command): void {
  program
    .command('first-scan')
    .description("Record the carrier's first scan of a parcel (releases an upload held for it)")
    .argument('<parcel>', 'parcel id', positiveInteger('parcel'))
    .option('--at <time>', 'when the scan happened (ISO time; default now)')
    .action(
      action(async (parcelId: number, options: { at?: string }) => {
        await withApp(async (ctx) => {
          const at = options.at ? parseInstant(options.at) : ctx.now();
          if (at === undefined)
            throw refuse('--at must be an ISO time with Z or an offset', '--at 须为带 Z 或时区偏移的 ISO 时间');
          const result = await recordFirstScan(ctx, parcelId, at, 'cli');
          console.log(
            say(
              localized(
                `parcel ${parcelId}: first scan recorded; ${result.released} upload(s) released`,
                `包裹 ${parcelId}：已记录首次扫描；放行 ${result.released} 个上传任务`,
              ),
            ),
          );
        });
      }),
    );
}

/** `outbox dead|retry|status`: the dead-letter list, an entry queued again, the counts per state. */
function deadLetterCommands(outboxCommand: Command): void {
  outboxCommand
    .command('dead')
    .description('The dead-letter list: uploads and notices that failed too often or were refused by the platform')
    .option('--shop <shop>', 'only this shop')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { shop?: string; json?: boolean }) => {
        await withApp(async (ctx) => {
          const entries = await listOutboxEntries(ctx, {
            statuses: ['dead'],
            ...(options.shop ? { shopId: options.shop } : {}),
            limit: 1000,
          });
          if (options.json) return printJson(entries);
          if (entries.length === 0) return console.log(say(localized('no dead-lettered entries.', '没有死信记录。')));
          printTable(
            entries.map((e) => ({
              id: e.id,
              kind: e.kind,
              shop: e.shopId,
              order: e.platformOrderId,
              parcel: e.parcelId,
              tracking: e.trackingNumber,
              send: e.sendType,
              attempts: e.attempts,
              error: (e.lastError ?? '').slice(0, 80),
            })),
            ['id', 'kind', 'shop', 'order', 'parcel', 'tracking', 'send', 'attempts', 'error'],
          );
          console.log(say(localized('retry one with: shipby outbox retry ID', '重试：`shipby outbox retry ID`')));
        });
      }),
    );
  outboxCommand
    .command('retry')
    .description('Put a dead-lettered entry back in the queue (the order is read back before anything is sent)')
    .argument('<id>', 'outbox entry id', positiveInteger('id'))
    .action(
      action(async (id: number) => {
        await withApp(async (ctx) => {
          const entry = await retryOutboxRow(ctx, id, 'cli');
          console.log(
            say(
              localized(
                `entry ${entry.id} (${entry.kind}, order ${entry.platformOrderId}) is queued again.`,
                `记录 ${entry.id}（${entry.kind}，订单 ${entry.platformOrderId}）已重新排队。`,
              ),
            ),
          );
        });
      }),
    );
  outboxCommand
    .command('status')
    .description('How many entries are in each state')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        await withApp(async (ctx) => {
          const counts = await outboxCounts(ctx);
          if (options.json) return printJson(counts);
          printTable(counts, ['kind', 'status', 'count']);
        });
      }),
    );
}

/** `outbox work`: an outbox worker, until SIGTERM (or, with --drain, until nothing is left). */
function outboxWorkCommand(outboxCommand: Command): void {
  outboxCommand
    .command('work')
    .description('Run an outbox worker (several may run against PostgreSQL); SIGTERM stops it cleanly')
    .option('--drain', 'stop once nothing is pending or in flight')
    .action(
      action(async (options: { drain?: boolean }) => {
        const masterKey = masterKeyFromEnv();
        const { settings, concurrency, timeoutMs } = outboxSettingsFromEnv();
        const stop = new AbortController();
        process.once('SIGTERM', () => stop.abort());
        process.once('SIGINT', () => stop.abort());
        // Long-running: waits for the database at start rather than exit (a restart of it is weather).
        const store = openStore();
        try {
          await migrateWhenReachable(store, { log: (line) => console.error(line), signal: stop.signal });
          const stats = await runOutboxWorker(createContext(store), {
            masterKey,
            settings,
            concurrency,
            clientOptions: { timeoutMs },
            stopWhenDrained: options.drain === true,
            signal: stop.signal,
            log: (line) => console.error(line),
          });
          console.log(JSON.stringify(stats));
        } finally {
          await store.close();
        }
      }),
    );
}
