/**
 * Stock commands: `stock …` (catalogue, levels, import, adjust, ledger, settle, audit). What is short and what to
 * reorder (`shortages`, `replenishment`) are in replenishment.ts, purchase orders (`po …`) in purchase-orders.ts.
 */
import type { Command } from 'commander';
import { importStockFile } from '../../app/import-stock';
import {
  adjustStock,
  auditStock,
  defineSku,
  defineWarehouse,
  listLedger,
  listMappings,
  listSkus,
  listStock,
  listStockAlerts,
  listWarehouses,
  mapPlatformSku,
} from '../../app/stock';
import { settleOpenOrders } from '../../app/stock-reservations';
import { localized } from '../../core/i18n';
import { ADJUSTMENT_REASONS, WAREHOUSE_KINDS } from '../../core/inventory';
import { toIso } from '../../core/time';
import { action, issueLine, minute, pairs, printJson, printTable, say, whole, withApp } from '../support';

export function register(program: Command): void {
  const stock = program
    .command('stock')
    .description('Stock: warehouses, SKUs, levels, import, adjustments, the ledger');

  stock
    .command('levels', { isDefault: true })
    .description('Stock per SKU and warehouse: on hand, reserved, available, incoming, waiting')
    .option('--sku <sku>')
    .option('--warehouse <id>')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { sku?: string; warehouse?: string; json?: boolean }) => {
        await withApp(async (ctx) => {
          const rows = await listStock(ctx, { sku: options.sku, warehouseId: options.warehouse });
          if (options.json) return printJson(rows.map((r) => ({ ...r, updated_at: toIso(r.updated_at) })));
          printTable(
            rows.map((r) => ({ ...r, name: r.name === r.sku ? '' : r.name })),
            [
              'sku',
              'name',
              'warehouse_id',
              'on_hand',
              'reserved',
              'available',
              'incoming',
              'waiting',
              'low_stock_threshold',
            ],
          );
        });
      }),
    );

  stock
    .command('import')
    .description(
      'Import a stock count (CSV or XLSX: sku, warehouse, on_hand[, low_stock_threshold]); a file with a bad row is refused whole',
    )
    .argument('<file>')
    .option('--warehouse <id>', 'the warehouse of every row (the file then needs no warehouse column)')
    .option('--skip-invalid', 'import the good rows and write the refused ones, with reasons, to a rejects file')
    .option('--rejects <file>', 'where --skip-invalid writes refused rows (default: FILE.rejects.csv)')
    .option('--json', 'print the report as JSON')
    .action(
      action(
        async (
          file: string,
          options: { warehouse?: string; skipInvalid?: boolean; rejects?: string; json?: boolean },
        ) => {
          const report = await withApp((ctx) =>
            importStockFile(ctx, {
              file,
              warehouseId: options.warehouse,
              skipInvalid: options.skipInvalid,
              rejectsFile: options.rejects,
              actor: 'cli:stock-import',
            }),
          );
          if (options.json) printJson(report);
          else {
            if (report.committed) {
              console.log(
                say(
                  localized(
                    `Imported ${file}: ${report.rows} rows — ${report.changed} changed, ${report.unchanged} unchanged; ${report.servedOrders} waiting order(s) now reserved.`,
                    `已导入 ${file}：${report.rows} 行 —— 变更 ${report.changed}，未变 ${report.unchanged}；${report.servedOrders} 个等待中的订单已预留库存。`,
                  ),
                ),
              );
            } else {
              console.error(
                say(
                  localized(
                    `Refused ${file}: ${report.issueCount} problem(s); nothing was imported. Fix the rows below, or use --skip-invalid.`,
                    `已拒绝 ${file}：发现 ${report.issueCount} 个问题，未导入任何内容。请修正以下各行，或使用 --skip-invalid。`,
                  ),
                ),
              );
            }
            for (const issue of report.issues) console.error(issueLine(issue));
            if (report.rejectsFile && report.rejectedRows) {
              console.error(
                say(
                  localized(
                    `${report.rejectedRows} row(s) were skipped; see ${report.rejectsFile}.`,
                    `跳过了 ${report.rejectedRows} 行；详见 ${report.rejectsFile}。`,
                  ),
                ),
              );
            }
          }
          if (!report.committed) process.exitCode = 1;
        },
      ),
    );

  stock
    .command('adjust')
    .description(
      `Adjust stock with a reason (${ADJUSTMENT_REASONS.join(', ')}); refused when it would go below what orders have reserved`,
    )
    .argument('<sku>')
    .requiredOption('--warehouse <id>')
    .requiredOption('--reason <reason>', ADJUSTMENT_REASONS.join(' | '))
    .option('--by <n>', 'the change: +found, −damaged (use --by=-2 for a negative number)')
    .option('--to <n>', 'the counted quantity (a stock-take)')
    .option('--note <text>')
    .option('--json', 'print JSON')
    .action(
      action(
        async (
          sku: string,
          options: { warehouse: string; reason: string; by?: string; to?: string; note?: string; json?: boolean },
        ) => {
          await withApp(async (ctx) => {
            const result = await adjustStock(ctx, {
              warehouseId: options.warehouse,
              sku,
              reason: options.reason,
              by: whole(options.by, '--by'),
              to: whole(options.to, '--to', 0),
              note: options.note,
              actor: 'cli',
            });
            if (options.json)
              return printJson({
                on_hand: result.onHand,
                reserved: result.reserved,
                available: result.onHand - result.reserved,
                served_orders: result.report.served,
              });
            const available = result.onHand - result.reserved;
            const served = result.report.served.length;
            console.log(
              say(
                localized(
                  `${sku} @ ${options.warehouse}: on hand ${result.onHand}, reserved ${result.reserved}, available ${available}` +
                    (served ? `; ${served} waiting order(s) now reserved` : ''),
                  `${sku} @ ${options.warehouse}：在库 ${result.onHand}，已预留 ${result.reserved}，可用 ${available}` +
                    (served ? `；${served} 个等待中的订单已预留库存` : ''),
                ),
              ),
            );
          });
        },
      ),
    );

  stock
    .command('ledger')
    .description('Stock movements, newest first (import, adjust, reserve, release, ship, receive)')
    .option('--sku <sku>')
    .option('--warehouse <id>')
    .option('--order <id>', 'shipby order id')
    .option('--kind <kind>')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(
      action(
        async (options: {
          sku?: string;
          warehouse?: string;
          order?: string;
          kind?: string;
          limit: string;
          json?: boolean;
        }) => {
          await withApp(async (ctx) => {
            const rows = await listLedger(ctx, {
              sku: options.sku,
              warehouseId: options.warehouse,
              orderId: whole(options.order, '--order', 1),
              kind: options.kind,
              limit: whole(options.limit, '--limit', 1)!,
            });
            if (options.json) return printJson(rows.map((m) => ({ ...m, at: toIso(m.at) })));
            printTable(
              rows.map((m) => ({
                ...m,
                at: minute(m.at),
                on_hand: m.on_hand_delta,
                reserved: m.reserved_delta,
                ref: m.order_id
                  ? say(localized(`order ${m.order_id}`, `订单 ${m.order_id}`))
                  : m.purchase_order_id
                    ? say(localized(`po ${m.purchase_order_id}`, `采购单 ${m.purchase_order_id}`))
                    : '',
              })),
              ['id', 'at', 'warehouse_id', 'sku', 'kind', 'on_hand', 'reserved', 'reason', 'ref', 'actor', 'note'],
            );
          });
        },
      ),
    );

  const warehouse = stock.command('warehouse').description('Warehouses');
  warehouse
    .command('add')
    .description('Add or update a warehouse')
    .argument('<id>')
    .requiredOption('--kind <kind>', WAREHOUSE_KINDS.join(' | '))
    .requiredOption('--zone <zone>', 'IANA time zone, e.g. Asia/Shanghai')
    .requiredOption('--cutoff <HH:MM>', 'daily cut-off in that zone')
    .option('--name <name>')
    .option('--country <CC>', 'where it stands (ISO 3166 alpha-2)')
    .action(
      action(
        async (
          id: string,
          options: { kind: string; zone: string; cutoff: string; name?: string; country?: string },
        ) => {
          await withApp((ctx) =>
            defineWarehouse(ctx, {
              id,
              name: options.name,
              kind: options.kind,
              country: options.country,
              timeZone: options.zone,
              cutoffTime: options.cutoff,
            }),
          );
          console.log(say(localized(`warehouse ${id} saved`, `仓库 ${id} 已保存`)));
        },
      ),
    );
  warehouse
    .command('list')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        await withApp(async (ctx) => {
          const rows = await listWarehouses(ctx);
          if (options.json)
            return printJson(
              rows.map((w) => ({
                ...w,
                next_cutoff_at: toIso(w.next_cutoff_at),
                created_at: toIso(w.created_at),
                updated_at: toIso(w.updated_at),
              })),
            );
          printTable(
            rows.map((w) => ({ ...w, next_cutoff: minute(w.next_cutoff_at) + 'Z' })),
            ['id', 'name', 'kind', 'country', 'time_zone', 'cutoff_time', 'next_cutoff'],
          );
        });
      }),
    );

  const sku = stock.command('sku').description('Seller SKUs');
  sku
    .command('add')
    .description('Add or update a seller SKU and its planning days')
    .argument('<sku>')
    .option('--name <name>')
    .option('--product <id>')
    .option('--lead-days <n>', 'supplier lead time')
    .option('--safety-days <n>')
    .option('--cycle-days <n>', 'how often you buy it')
    .action(
      action(
        async (
          code: string,
          options: { name?: string; product?: string; leadDays?: string; safetyDays?: string; cycleDays?: string },
        ) => {
          await withApp((ctx) =>
            defineSku(ctx, {
              sku: code,
              name: options.name,
              productId: options.product,
              leadDays: whole(options.leadDays, '--lead-days', 0),
              safetyDays: whole(options.safetyDays, '--safety-days', 0),
              cycleDays: whole(options.cycleDays, '--cycle-days', 0),
            }),
          );
          console.log(say(localized(`SKU ${code} saved`, `SKU ${code} 已保存`)));
        },
      ),
    );
  sku
    .command('list')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        await withApp(async (ctx) => {
          const rows = await listSkus(ctx);
          if (options.json) return printJson(rows);
          printTable(rows, ['sku', 'name', 'product_id', 'lead_days', 'safety_days', 'cycle_days']);
        });
      }),
    );

  stock
    .command('map')
    .description(
      'Map a marketplace SKU of a shop to seller SKUs: SKU, SKU=UNITS (a multipack), several for a bundle, none to unmap',
    )
    .argument('<platform-sku>')
    .argument('[components...]', 'SKU or SKU=UNITS')
    .requiredOption('--shop <shop>')
    .action(
      action(async (platformSku: string, components: string[], options: { shop: string }) => {
        const parts = pairs(components, 'UNITS').map((p) => ({ sku: p.sku, units: p.quantity }));
        await withApp((ctx) => mapPlatformSku(ctx, options.shop, platformSku, parts));
        console.log(
          parts.length
            ? `${options.shop} ${platformSku} = ${parts.map((p) => `${p.units} × ${p.sku}`).join(' + ')}`
            : say(localized(`${options.shop} ${platformSku} unmapped`, `${options.shop} ${platformSku} 已取消对应`)),
        );
      }),
    );
  stock
    .command('mappings')
    .option('--shop <shop>')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { shop?: string; json?: boolean }) => {
        await withApp(async (ctx) => {
          const rows = await listMappings(ctx, options.shop);
          if (options.json) return printJson(rows);
          printTable(rows, ['shop_id', 'platform_sku', 'sku', 'units']);
        });
      }),
    );

  stock
    .command('settle')
    .description(
      'Reserve for open orders that hold nothing (accepted before their SKUs were stocked) and retry the waiting ones',
    )
    .option('--json', 'print JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        await withApp(async (ctx) => {
          const report = await settleOpenOrders(ctx, 'cli:settle');
          if (options.json) return printJson(report);
          console.log(
            say(
              localized(
                `${report.reserved.length} order(s) reserved now (${report.served.length} of them were waiting); ${report.waiting.length} still waiting for stock`,
                `${report.reserved.length} 个订单已预留库存（其中 ${report.served.length} 个原在等待）；${report.waiting.length} 个仍在等待库存`,
              ),
            ),
          );
        });
      }),
    );

  stock
    .command('check')
    .description('Audit the stock invariants (never oversold, reservations and ledger add up); exit 1 on a problem')
    .action(
      action(async () => {
        await withApp(async (ctx) => {
          const problems = await auditStock(ctx);
          for (const p of problems) console.error(`${p.rule}: ${p.detail}`);
          if (problems.length) process.exitCode = 1;
          else
            console.log(
              say(
                localized(
                  'stock is consistent: on hand ≥ reserved ≥ 0, reservations and ledger add up',
                  '库存一致：在库 ≥ 已预留 ≥ 0，预留与流水账相符',
                ),
              ),
            );
        });
      }),
    );

  stock
    .command('alerts')
    .description('Low-stock alerts, newest first')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        await withApp(async (ctx) => {
          const rows = await listStockAlerts(ctx);
          if (options.json)
            return printJson(rows.map((a) => ({ ...a, at: toIso(a.at), notified_at: toIso(a.notified_at) })));
          printTable(
            rows.map((a) => ({ ...a, at: minute(a.at), notified: a.notified_at ? 'yes' : '' })),
            ['id', 'at', 'kind', 'warehouse_id', 'sku', 'available', 'threshold', 'notified'],
          );
        });
      }),
    );
}
