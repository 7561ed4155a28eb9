/**
 * Stock commands: `stock …` (levels, import, adjust, ledger, settle, audit; the catalogue — warehouses, SKUs, the
 * marketplace SKU mappings — in stock/catalogue.ts). What is short and what to
 * reorder (`shortages`, `replenishment`) are in replenishment.ts, purchase orders (`po …`) in purchase-orders.ts.
 */
import type { Command } from 'commander';
import { importStockFile } from '../../app/import-stock';
import { adjustStock, auditStock, listLedger, listStock, listStockAlerts } from '../../app/stock';
import { settleOpenOrders } from '../../app/stock-reservations';
import { localized } from '../../core/i18n';
import { ADJUSTMENT_REASONS } from '../../core/inventory';
import { toIso } from '../../core/time';
import { action, issueLine, minute, printJson, printTable, say, whole, withApp } from '../support';
import { registerCatalogueCommands } from './stock/catalogue';

export function register(program: Command): void {
  const stock = program
    .command('stock')
    .description('Stock: warehouses, SKUs, levels, import, adjustments, the ledger');

  levelsCommand(stock);
  importCommand(stock);
  adjustCommand(stock);
  ledgerCommand(stock);
  registerCatalogueCommands(stock);
  settleCommand(stock);
  checkCommand(stock);
  alertsCommand(stock);
}

/** `stock levels` (the default): stock per SKU and warehouse. */
function levelsCommand(stock: Command): void {
  stock
    .command('levels', { isDefault: true })
    .description('Stock per SKU and warehouse: on hand, reserved, available, incoming, waiting')
    .option('--sku <sku>', 'only this SKU')
    .option('--warehouse <id>', 'only this warehouse')
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
}

/** `stock import FILE`: a stock count, refused whole when a row is bad (unless --skip-invalid). */
function importCommand(stock: Command): void {
  stock
    .command('import')
    .description(
      'Import a stock count (CSV or XLSX: sku, warehouse, on_hand[, low_stock_threshold]); a file with a bad row is refused whole',
    )
    .argument('<file>', 'the stock count (CSV or XLSX)')
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
}

/** `stock adjust SKU`: a change with its reason. */
function adjustCommand(stock: Command): void {
  stock
    .command('adjust')
    .description(
      `Adjust stock with a reason (${ADJUSTMENT_REASONS.join(', ')}); refused when it would go below what orders have reserved`,
    )
    .argument('<sku>', 'seller SKU')
    .requiredOption('--warehouse <id>', 'the warehouse')
    .requiredOption('--reason <reason>', ADJUSTMENT_REASONS.join(' | '))
    .option('--by <n>', 'the change: +found, −damaged (use --by=-2 for a negative number)')
    .option('--to <n>', 'the counted quantity (a stock-take)')
    .option('--note <text>', 'a note')
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
}

/** `stock ledger`: the movements, newest first. */
function ledgerCommand(stock: Command): void {
  stock
    .command('ledger')
    .description('Stock movements, newest first (import, adjust, reserve, release, ship, receive)')
    .option('--sku <sku>', 'only this SKU')
    .option('--warehouse <id>', 'only this warehouse')
    .option('--order <id>', 'shipby order id')
    .option('--kind <kind>', 'only this kind: import | adjust | reserve | release | ship | receive')
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
}

/** `stock settle`: reserve for the open orders that hold nothing. */
function settleCommand(stock: Command): void {
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
}

/** `stock check`: the stock invariants audited. */
function checkCommand(stock: Command): void {
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
}

/** `stock alerts`: the low-stock alerts. */
function alertsCommand(stock: Command): void {
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
