/**
 * Purchase orders: `po create|list|show|place|cancel|receive` (draft → ordered → received; receiving serves the
 * orders waiting for stock, earliest deadline first).
 */
import type { Command } from 'commander';
import { parseAsOf } from '../../app/as-of';
import { createPurchaseOrder, getPurchaseOrder, listPurchaseOrders, purchaseOrderAction } from '../../app/stock';
import { localized } from '../../core/i18n';
import { PURCHASE_ORDER_STATES } from '../../core/purchase-order';
import { codeZh } from '../words';
import { action, minute, pairs, printJson, printTable, say, whole, withApp } from '../support';

export function register(program: Command): void {
  const po = program
    .command('po')
    .description('Purchase orders: draft → ordered → received (receiving serves waiting orders)');
  po.command('create')
    .description('Create a draft purchase order')
    .argument('<lines...>', 'SKU=QUANTITY')
    .requiredOption('--warehouse <id>', 'the warehouse that receives the goods')
    .requiredOption('--supplier <name>', 'the supplier')
    .option('--reference <ref>', "your reference, e.g. the supplier's order number")
    .option(
      '--expected <time>',
      "when the supplier's goods are expected at the warehouse (ISO 8601 with Z or an offset): the verdict of each order waiting for them says whether that is in time",
    )
    .action(
      action(
        async (
          lines: string[],
          options: { warehouse: string; supplier: string; reference?: string; expected?: string },
        ) => {
          const expectedAt = options.expected === undefined ? undefined : parseAsOf(options.expected, '--expected');
          const id = await withApp((ctx) =>
            createPurchaseOrder(ctx, {
              warehouseId: options.warehouse,
              supplier: options.supplier,
              reference: options.reference,
              lines: pairs(lines, 'QUANTITY'),
              ...(expectedAt !== undefined ? { expectedAt } : {}),
            }),
          );
          console.log(say(localized(`purchase order ${id} created (draft)`, `采购单 ${id} 已创建（草稿）`)));
        },
      ),
    );
  po.command('list')
    .description('Purchase orders with their lines, newest first')
    .option('--status <status>', PURCHASE_ORDER_STATES.join(' | '))
    .option('--json', 'print JSON')
    .action(
      action(async (options: { status?: string; json?: boolean }) => {
        await withApp(async (ctx) => {
          const rows = await listPurchaseOrders(ctx, { status: options.status });
          if (options.json) return printJson(rows);
          printTable(
            rows.map((p) => ({
              ...p,
              lines: p.lines.map((l) => `${l.sku}=${l.quantity}`).join(' '),
              created: minute(p.created_at),
            })),
            ['id', 'status', 'warehouse_id', 'supplier', 'reference', 'lines', 'created'],
          );
        });
      }),
    );
  po.command('show')
    .description('One purchase order with its lines, as JSON')
    .argument('<id>', 'purchase order id')
    .action(
      action(async (id: string) => {
        await withApp(async (ctx) => printJson(await getPurchaseOrder(ctx, whole(id, 'id', 1)!)));
      }),
    );
  for (const [name, description] of [
    ['place', 'Place a draft purchase order with the supplier (its units count as incoming)'],
    ['cancel', 'Cancel a purchase order not yet received'],
  ] as const) {
    po.command(name)
      .description(description)
      .argument('<id>', 'purchase order id')
      .action(
        action(async (id: string) => {
          const result = await withApp((ctx) => purchaseOrderAction(ctx, whole(id, 'id', 1)!, name, { actor: 'cli' }));
          console.log(
            say(localized(`purchase order ${id}: ${result.status}`, `采购单 ${id}：${codeZh(result.status)}`)),
          );
        }),
      );
  }
  po.command('receive')
    .description(
      'Receive a purchase order: adds its lines to stock and serves the orders waiting for them, earliest deadline first',
    )
    .argument('<id>', 'purchase order id')
    .argument('[received...]', 'SKU=QUANTITY where it differs from what was ordered')
    .action(
      action(async (id: string, received: string[]) => {
        const result = await withApp((ctx) =>
          purchaseOrderAction(ctx, whole(id, 'id', 1)!, 'receive', {
            actor: 'cli',
            received: received.length ? pairs(received, 'QUANTITY') : undefined,
          }),
        );
        const served = result.report?.served.length ?? 0;
        console.log(
          say(
            localized(
              `purchase order ${id}: ${result.status}; ${served} waiting order(s) now reserved`,
              `采购单 ${id}：${codeZh(result.status)}；${served} 个等待中的订单已预留库存`,
            ),
          ),
        );
      }),
    );
}
