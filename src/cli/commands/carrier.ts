/**
 * Carrier commands:
 *   shipby carrier import FILE [--replace]     contract rates from CSV/XLSX, validated, refused whole with rows named
 *   shipby carrier services                   the services in use (contract, else the SAMPLE services)
 *   shipby carrier rules FILE.json            replace the shipping rules (a JSON array, first match wins)
 *   shipby carrier account CARRIER --protocol yunexpress|4px --account-id ID --api-key SECRET [--url URL]
 *                                             where labels are bought (the secret encrypted with SHIPBY_MASTER_KEY)
 *   shipby quote ORDER [--json]               the service for each parcel, with the explanation
 *   shipby label ORDER [--service S] [--override-reason …]   buy labels for the packed parcels
 *   shipby labels [--order-by deadline|carrier|sku] [--order ID…] -o FILE   print labels into one PDF
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import {
  importCarrierContract,
  listCarrierAccounts,
  listCarrierServices,
  setCarrierAccount,
  setShippingRules,
} from '../../app/carrier-contracts';
import { labelsPdf } from '../../app/label-printing';
import { masterKeyFromEnv } from '../../app/secrets';
import { FOURPX_URLS } from '../../integrations/carriers/fourpx/protocol';
import { CARRIER_PROTOCOLS } from '../../integrations/carriers/index';
import { YUNEXPRESS_URLS } from '../../integrations/carriers/yunexpress/protocol';
import { labelParcels } from '../../app/labels';
import { resolveOrder } from '../../app/orders';
import { presentQuotes, quoteOrder } from '../../app/quotes';
import { localized, render } from '../../core/i18n';
import { formatMoney } from '../../core/money';
import { isPrintOrder, PRINT_ORDERS } from '../../core/shipping-facts';
import { action, cliLocale, minute, printJson, printTable, readJsonFile, refuse, say, withApp } from '../support';

/** What a carrier account's secret is, in Chinese. */
const SECRET_ZH: Readonly<Record<string, string>> = { encrypted: '已加密', missing: '缺失', 'not needed': '无需' };

/** How a print run is ordered, in Chinese. */
const ORDER_BY_ZH: Record<(typeof PRINT_ORDERS)[number], string> = {
  deadline: '发货期限',
  carrier: '承运商',
  sku: 'SKU',
};

export function register(program: Command): void {
  const carrier = program.command('carrier').description('Carrier contracts, shipping rules and carrier accounts');
  importCommand(carrier);
  servicesCommand(carrier);
  rulesCommand(carrier);
  accountCommand(carrier);
  quoteCommand(program);
  labelCommand(program);
  labelsCommand(program);
}

/** `carrier import FILE`: contract rates, refused whole with the bad rows named. */
function importCommand(carrier: Command): void {
  carrier
    .command('import')
    .description(
      'Import contract rates (CSV/XLSX, one row per service, zone and weight bracket); a bad row refuses the file whole',
    )
    .argument('<file>', 'the contract rates (CSV or XLSX)')
    .option('--replace', 'the file becomes the whole catalogue (otherwise it replaces the services it names)')
    .action(
      action(async (file: string, o: { replace?: boolean }) => {
        await withApp(async (ctx) => {
          const result = await importCarrierContract(ctx, file, { replaceAll: o.replace === true });
          printTable(
            result.services.map((s) => ({ service: s.code, carrier: s.carrier, zones: s.zones, rows: s.rows })),
            ['service', 'carrier', 'zones', 'rows'],
          );
          console.log(
            say(
              localized(
                `${result.services.length} service(s) imported${result.replacedAll ? ' (the catalogue was replaced)' : ''}.`,
                `已导入 ${result.services.length} 个物流服务${result.replacedAll ? '（已替换整个目录）' : ''}。`,
              ),
            ),
          );
        });
      }),
    );
}

/** `carrier services`: the services in use. */
function servicesCommand(carrier: Command): void {
  carrier
    .command('services')
    .description('The carrier services in use')
    .option('--json', 'print JSON')
    .action(
      action(async (o: { json?: boolean }) => {
        await withApp(async (ctx) => {
          const list = await listCarrierServices(ctx);
          if (o.json) return printJson(list);
          if (list.source === 'sample')
            console.log(
              say(
                localized(
                  'SAMPLE services (illustrative rates): import your contract with shipby carrier import FILE.',
                  '示例物流服务（费率仅作演示）：请用 `shipby carrier import 文件` 导入您的合同。',
                ),
              ),
            );
          printTable(
            list.services.map((s) => ({
              code: s.code,
              carrier: s.carrier,
              class: s.logistics_class,
              currency: s.currency,
              marketplace: s.marketplace_service,
              zones: s.zones.length,
            })),
            ['code', 'carrier', 'class', 'currency', 'marketplace', 'zones'],
          );
        });
      }),
    );
}

/** `carrier rules FILE.json`: the shipping rules replaced. */
function rulesCommand(carrier: Command): void {
  carrier
    .command('rules')
    .description(
      'Replace the shipping rules with a JSON file: [{id, name?, service, when: {countries?, maxWeightG?, …}}]',
    )
    .argument('<file>', 'the rules (JSON file)')
    .action(
      action(async (file: string) => {
        const { json } = readJsonFile(file);
        await withApp(async (ctx) => {
          const rules = await setShippingRules(ctx, json);
          console.log(
            say(
              localized(
                `${rules.length} rule(s) set, first match wins.`,
                `已设置 ${rules.length} 条规则，按顺序第一条匹配的生效。`,
              ),
            ),
          );
        });
      }),
    );
}

/** `carrier account [CARRIER]`: where a carrier's labels are bought (set when given), then the accounts. */
function accountCommand(carrier: Command): void {
  carrier
    .command('account')
    .description(
      "Where a carrier's labels are bought (carrier code, or * for every carrier); the secret is encrypted with SHIPBY_MASTER_KEY",
    )
    .argument('[carrier]', 'carrier code, or * for every carrier; none lists the accounts')
    .option('--protocol <protocol>', CARRIER_PROTOCOLS.join(' | '), 'yunexpress')
    .option('--url <url>', "the API's base URL (default: the carrier's production URL)")
    .option(
      '--account-id <id>',
      'YunExpress customer code, 4PX app key; aliexpress-online: the seller centre sender address id',
    )
    .option('--api-key <secret>', 'YunExpress API secret, 4PX app secret (aliexpress-online: none)')
    .action(
      action(
        async (
          code: string | undefined,
          o: { url?: string; accountId?: string; apiKey?: string; protocol: string },
        ) => {
          await withApp(async (ctx) => {
            if (code && o.accountId && o.protocol === 'aliexpress-online') {
              await setCarrierAccount(
                ctx,
                { carrier: code, protocol: o.protocol, baseUrl: '', accountId: o.accountId, apiKey: '' },
                masterKeyFromEnv(),
              );
            } else if (code && o.accountId && o.apiKey) {
              const url =
                o.url ??
                (o.protocol === 'yunexpress'
                  ? YUNEXPRESS_URLS.production
                  : o.protocol === '4px'
                    ? FOURPX_URLS.production
                    : '');
              await setCarrierAccount(
                ctx,
                { carrier: code, protocol: o.protocol, baseUrl: url, accountId: o.accountId, apiKey: o.apiKey },
                masterKeyFromEnv(),
              );
            } else if (code) {
              throw refuse(
                'give --account-id and --api-key to set an account',
                '设置账户需要同时给出 --account-id 和 --api-key',
              );
            }
            const accounts = await listCarrierAccounts(ctx);
            printTable(
              accounts.map((a) => ({ ...a, secret: say(localized(a.secret, SECRET_ZH[a.secret] ?? a.secret)) })),
              ['carrier', 'protocol', 'base_url', 'account_id', 'secret'],
            );
          });
        },
      ),
    );
}

/** `quote ORDER`: the service for each parcel, with the explanation. */
function quoteCommand(program: Command): void {
  program
    .command('quote')
    .description('Which carrier service each parcel of an order takes, and why (rules first, else rate shopping)')
    .argument('<order>', 'shipby id or platform order id')
    .option('--shop <shop>', 'the shop, when the platform order id is in several')
    .option('--promised-days <days>', 'override the promised delivery days')
    .option('--json', 'print JSON')
    .action(
      action(async (order: string, o: { shop?: string; promisedDays?: string; json?: boolean }) => {
        await withApp(async (ctx) => {
          const found = await resolveOrder(ctx, order, o.shop);
          const quotes = await quoteOrder(ctx, found.id, {
            ...(o.promisedDays ? { promisedDays: Number(o.promisedDays) } : {}),
          });
          if (o.json) return printJson(presentQuotes(quotes));
          const locale = cliLocale();
          const shipBy = minute(found.ship_by_at);
          console.log(
            say(
              localized(
                `order ${found.platform_order_id} → ${found.buyer_country}, ship by ${shipBy} UTC`,
                `订单 ${found.platform_order_id} → ${found.buyer_country}，发货期限 ${shipBy} UTC`,
              ),
            ),
          );
          console.log(say(quotes.message));
          quotes.parcels.forEach((parcel, i) => {
            console.log('');
            const size = `${parcel.grossWeightG} g, ${parcel.outerMm.join('x')} mm`;
            console.log(
              say(
                localized(
                  `parcel ${parcel.parcelId ?? `(plan ${i + 1})`}: box ${parcel.box}, ${size}`,
                  `包裹 ${parcel.parcelId ?? `（方案 ${i + 1}）`}：箱型 ${parcel.box}，${size}`,
                ),
              ),
            );
            console.log(`  ${render(parcel.choice.explanation, locale)}`);
            if (parcel.pricing.en) console.log(`  ${render(parcel.pricing, locale)}`);
            printTable(
              parcel.choice.candidates.map((c) => ({
                '': c.chosen ? '→' : '',
                service: c.service,
                cost: c.quote ? formatMoney({ amount: c.quote.total, currency: c.quote.currency }) : '',
                pickup: minute(c.pickupAt),
                arrival_p90: minute(c.arrivalP90At),
                why_not: c.reasons.map((r) => render(r.message, locale)).join(' '),
              })),
              ['', 'service', 'cost', 'pickup', 'arrival_p90', 'why_not'],
            );
          });
        });
      }),
    );
}

/** `label ORDER`: labels bought for the packed parcels. */
function labelCommand(program: Command): void {
  program
    .command('label')
    .description("Buy labels for an order's packed parcels (number checked, then queued for upload)")
    .argument('<order>', 'shipby id or platform order id')
    .option('--shop <shop>', 'the shop, when the platform order id is in several')
    .option('--service <code>', "a service of the catalogue (default: the quote's choice)")
    .option(
      '--override-reason <text>',
      "ship below the buyer's logistics class anyway, with the reason (e.g. the buyer agreed)",
    )
    .option(
      '--confirm-cost',
      "buy it even when it costs more than the shop's share of the order's value (default 30 %)",
    )
    .action(
      action(
        async (
          order: string,
          o: { shop?: string; service?: string; overrideReason?: string; confirmCost?: boolean },
        ) => {
          await withApp(async (ctx) => {
            const found = await resolveOrder(ctx, order, o.shop);
            const labelled = await labelParcels(
              ctx,
              {
                orderId: found.id,
                ...(o.service ? { service: o.service } : {}),
                ...(o.overrideReason ? { overrideReason: o.overrideReason } : {}),
                ...(o.confirmCost ? { confirmCost: true } : {}),
              },
              'cli',
            );
            printTable(
              labelled.map((l) => ({
                parcel: l.parcelId,
                tracking_number: l.trackingNumber,
                service: l.service,
                marketplace: l.marketplaceService,
                upload: l.upload,
              })),
              ['parcel', 'tracking_number', 'service', 'marketplace', 'upload'],
            );
            for (const l of labelled)
              for (const w of l.warnings)
                console.log(
                  say(
                    localized(`warning (parcel ${l.parcelId}): ${w.en}`, `提醒（包裹 ${l.parcelId}）：${w['zh-CN']}`),
                  ),
                );
          });
        },
      ),
    );
}

/** `labels -o FILE`: labels printed into one PDF. */
function labelsCommand(program: Command): void {
  program
    .command('labels')
    .description('Print labels (100 × 150 mm) into one PDF: the print queue, or the given orders')
    .option('--order-by <order>', PRINT_ORDERS.join(' | '), 'deadline')
    .option('--order <id...>', 'only these orders (shipby ids)')
    .option('--shop <shop>', 'only this shop')
    .requiredOption('-o, --output <file>', 'the PDF to write')
    .action(
      action(async (o: { orderBy: string; order?: string[]; shop?: string; output: string }) => {
        if (!isPrintOrder(o.orderBy))
          throw refuse(
            `--order-by must be ${PRINT_ORDERS.join(', ')}`,
            `--order-by 须为 ${PRINT_ORDERS.map((o) => `\`${o}\``).join('、')}`,
          );
        const orderBy = o.orderBy;
        await withApp(async (ctx) => {
          const orderIds = o.order?.map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
          const result = await labelsPdf(ctx, {
            orderBy,
            ...(orderIds?.length ? { orderIds } : {}),
            ...(o.shop ? { shopIds: [o.shop] } : {}),
          });
          fs.writeFileSync(o.output, result.pdf);
          console.log(
            say(
              localized(
                `${result.count} label(s), by ${orderBy} → ${o.output}`,
                `${result.count} 张面单，按${ORDER_BY_ZH[orderBy]}排序 → ${o.output}`,
              ),
            ),
          );
          for (const [i, l] of result.order.entries())
            console.log(
              say(
                localized(
                  `  ${i + 1}. ${l.trackingNumber}  order ${l.orderReference}`,
                  `  ${i + 1}. ${l.trackingNumber}  订单 ${l.orderReference}`,
                ),
              ),
            );
        });
      }),
    );
}
