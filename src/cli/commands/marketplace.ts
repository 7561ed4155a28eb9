/**
 * Marketplace commands: `shop connect|authorize|show|upload-timing`, `sync`, `ship`, `first-scan`, `outbox dead|retry|status|work`.
 * Secrets are never printed (only masked), and never taken from anywhere but the command line or the store.
 */
import type { Command } from 'commander';
import { createContext } from '../../app/context';
import { migrateWhenReachable } from '../../app/health';
import { aliexpressAppFromEnv, callbackUrl } from '../../app/aliexpress-app';
import { connectShop, describeConnection, setUploadTiming } from '../../app/marketplace';
import { beginAuthorisation } from '../../app/shop-authorisation';
import { syncAllShops } from '../../app/order-sync';
import { resolveOrder } from '../../app/orders';
import { masterKeyFromEnv as readMasterKey, SecretsError } from '../../app/secrets';
import { markParcelShipped, recordFirstScan } from '../../app/shipments';
import { listOutboxEntries, outboxCounts, retryOutboxRow } from '../../app/upload-outbox';
import { LocalizedError, localized } from '../../core/i18n';
import { parseInstant, toIso } from '../../core/time';
import { UPLOAD_TIMINGS, UPLOAD_TIMING_LABELS, isUploadTiming } from '../../core/upload-rules';
import { outboxSettingsFromEnv, runOutboxWorker } from '../../jobs/outbox-worker';
import { openStore } from '../../store/database';
import { codeZh } from '../words';
import { action, positiveInteger, printJson, printTable, refuse, say, withApp } from '../support';

/** The master key, or the missing-key message in the seller's language. */
function masterKeyFromEnv(): Buffer {
  try {
    return readMasterKey();
  } catch (error) {
    throw error instanceof SecretsError ? new LocalizedError(error.localizedMessage) : error;
  }
}

export function register(program: Command): void {
  const shop = program.command('shop').description("A shop's marketplace connection and settings");
  shop
    .command('connect')
    .description("Store the shop's AliExpress API credentials (secrets encrypted with SHIPBY_MASTER_KEY)")
    .requiredOption('--shop <shop>', 'shop id')
    .requiredOption('--app-key <key>', 'the app key')
    .requiredOption('--app-secret <secret>', 'the app secret (stored encrypted, never shown)')
    .requiredOption('--access-token <token>', "the seller's access token (stored encrypted, never shown)")
    .option('--gateway-url <url>', "gateway base URL (default: the platform's; e.g. the fake's http://127.0.0.1:8790)")
    .option('--protocol <protocol>', 'iop or top', 'iop')
    .option('--upload-timing <when>', `when tracking numbers are uploaded: ${UPLOAD_TIMINGS.join(', ')}`)
    .action(
      action(
        async (options: {
          shop: string;
          appKey: string;
          appSecret: string;
          accessToken: string;
          gatewayUrl?: string;
          protocol: string;
          uploadTiming?: string;
        }) => {
          if (options.protocol !== 'iop' && options.protocol !== 'top')
            throw refuse('--protocol is iop or top', '--protocol 须为 `iop` 或 `top`');
          if (options.uploadTiming !== undefined && !isUploadTiming(options.uploadTiming))
            throw refuse(
              `--upload-timing is one of ${UPLOAD_TIMINGS.join(', ')}`,
              `--upload-timing 须为 ${UPLOAD_TIMINGS.map((t) => `\`${t}\``).join('、')} 之一`,
            );
          const masterKey = masterKeyFromEnv();
          await withApp(async (ctx) => {
            const view = await connectShop(ctx, masterKey, {
              shopId: options.shop,
              appKey: options.appKey,
              appSecret: options.appSecret,
              accessToken: options.accessToken,
              protocol: options.protocol as 'iop' | 'top',
              ...(options.gatewayUrl ? { gatewayUrl: options.gatewayUrl } : {}),
              ...(options.uploadTiming && isUploadTiming(options.uploadTiming)
                ? { uploadTiming: options.uploadTiming }
                : {}),
            });
            console.log(
              say(
                localized(
                  `shop ${view.shopId} connected (${view.platform}, ${view.gateway}); app key ${view.appKey}, secret ${view.appSecret}, token ${view.accessToken}`,
                  `店铺 ${view.shopId} 已连接（${view.platform}，${view.gateway.replace(/^(iop|top) /, (p) => p.toUpperCase())}）；App Key ${view.appKey}，密钥 ${view.appSecret}，令牌 ${view.accessToken}`,
                ),
              ),
            );
            console.log(
              say(
                localized(
                  `uploads: ${UPLOAD_TIMING_LABELS[view.uploadTiming].en}`,
                  `上传时机：${UPLOAD_TIMING_LABELS[view.uploadTiming]['zh-CN']}`,
                ),
              ),
            );
            for (const warning of view.warnings) console.log(`! ${say(warning)}`);
          });
        },
      ),
    );
  shop
    .command('authorize')
    .description(
      "Print the AliExpress consent page's address for the shop (the dashboard's Connect, for a terminal): open it, authorise, and the server at SHIPBY_PUBLIC_URL stores the tokens. Needs SHIPBY_ALIEXPRESS_APP_KEY / _APP_SECRET",
    )
    .requiredOption('--shop <shop>', 'shop id')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { shop: string; json?: boolean }) => {
        const app = aliexpressAppFromEnv();
        await withApp(async (ctx) => {
          // Not bound to a browser: whoever opens the printed address within its 10 minutes completes it, once.
          const started = await beginAuthorisation(ctx, app, {
            shopId: options.shop,
            redirectUri: callbackUrl(app),
            actor: 'cli',
            bindToBrowser: false,
          });
          if (options.json)
            return printJson({ shop: options.shop, url: started.url, expires_at: toIso(started.expiresAt) });
          console.log(
            say(
              localized(
                `Open this address to authorise shop ${options.shop} at AliExpress (good once, until ${toIso(started.expiresAt)}):`,
                `打开此地址以在速卖通授权店铺 ${options.shop}（仅可使用一次，有效至 ${toIso(started.expiresAt)}）：`,
              ),
            ),
          );
          console.log(started.url);
        });
      }),
    );
  shop
    .command('show')
    .description('The connection (secrets masked), the upload timing and the last sync')
    .requiredOption('--shop <shop>', 'shop id')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { shop: string; json?: boolean }) => {
        const masterKey = masterKeyFromEnv();
        await withApp(async (ctx) => {
          const view = await describeConnection(ctx, masterKey, options.shop);
          if (options.json) return printJson(view);
          console.log(`shop ${view.shopId}  ${view.platform}  ${view.gateway}`);
          console.log(`app key ${view.appKey}  secret ${view.appSecret}  token ${view.accessToken}`);
          console.log(`${say(localized('uploads', '上传时机'))}: ${say(UPLOAD_TIMING_LABELS[view.uploadTiming])}`);
          console.log(`sync cursor ${toIso(view.syncCursorAt) ?? '-'}  last sync ${toIso(view.lastSyncAt) ?? '-'}`);
          if (view.lastSyncReport) console.log(JSON.stringify(view.lastSyncReport));
          for (const warning of view.warnings) console.log(`! ${say(warning)}`);
        });
      }),
    );
  shop
    .command('upload-timing')
    .description(
      `When the shop's tracking numbers are uploaded: ${UPLOAD_TIMINGS.map((t) => `${t} = ${UPLOAD_TIMING_LABELS[t].en}`).join('; ')}`,
    )
    .requiredOption('--shop <shop>', 'shop id')
    .argument('<when>', UPLOAD_TIMINGS.join(' | '))
    .action(
      action(async (when: string, options: { shop: string }) => {
        await withApp(async (ctx) => {
          const result = await setUploadTiming(ctx, options.shop, when);
          console.log(
            say(
              localized(
                `shop ${options.shop}: uploads ${UPLOAD_TIMING_LABELS[result.timing].en}`,
                `店铺 ${options.shop}：${UPLOAD_TIMING_LABELS[result.timing]['zh-CN']}`,
              ),
            ),
          );
          for (const warning of result.warnings) console.log(`! ${say(warning)}`);
        });
      }),
    );

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

  const outboxCommand = program.command('outbox').description('Marketplace uploads waiting, failed or dead-lettered');
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
