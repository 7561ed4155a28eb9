/**
 * A shop's marketplace connection and settings: `shop connect|authorize|show|upload-timing`. Registered by
 * ../marketplace.ts. Secrets are never printed (only masked).
 */
import type { Command } from 'commander';
import { aliexpressAppFromEnv, callbackUrl } from '../../../app/aliexpress-app';
import { connectShop, describeConnection, setUploadTiming } from '../../../app/marketplace';
import { masterKeyFromEnv as readMasterKey, SecretsError } from '../../../app/secrets';
import { beginAuthorisation } from '../../../app/shop-authorisation';
import { LocalizedError, localized } from '../../../core/i18n';
import { toIso } from '../../../core/time';
import { UPLOAD_TIMINGS, UPLOAD_TIMING_LABELS, isUploadTiming } from '../../../core/upload-rules';
import { action, printJson, refuse, say, withApp } from '../../support';

/** The master key, or the missing-key message in the seller's language. */
export function masterKeyFromEnv(): Buffer {
  try {
    return readMasterKey();
  } catch (error) {
    throw error instanceof SecretsError ? new LocalizedError(error.localizedMessage) : error;
  }
}

export function registerShopCommands(program: Command): void {
  const shop = program.command('shop').description("A shop's marketplace connection and settings");
  connectCommand(shop);
  authorizeCommand(shop);
  showCommand(shop);
  uploadTimingCommand(shop);
}

/** `shop connect`: the shop's AliExpress API credentials, stored encrypted. */
function connectCommand(shop: Command): void {
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
}

/** `shop authorize`: the consent page's address for a terminal (the dashboard's Connect). */
function authorizeCommand(shop: Command): void {
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
}

/** `shop show`: the connection (secrets masked), the upload timing and the last sync. */
function showCommand(shop: Command): void {
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
}

/** `shop upload-timing WHEN`: when the shop's tracking numbers are uploaded. */
function uploadTimingCommand(shop: Command): void {
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
}
