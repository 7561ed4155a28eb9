/**
 * What is short and what to reorder: `shortages` (each SKU short and the orders it blocks) and `replenishment`
 * (per SKU and warehouse, when (lead + safety) × daily sales exceeds what is available and incoming).
 */
import type { Command } from 'commander';
import { listShortages, replenishment } from '../../app/stock';
import { localized } from '../../core/i18n';
import { toIso } from '../../core/time';
import { action, minute, printJson, printTable, say, whole, withApp } from '../support';

export function register(program: Command): void {
  program
    .command('shortages')
    .description('Each SKU short, by how much, and the orders it blocks with their deadlines; the earliest first')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        await withApp(async (ctx) => {
          const rows = await listShortages(ctx);
          if (options.json)
            return printJson(
              rows.map((s) => ({
                ...s,
                earliest_ship_by_at: toIso(s.earliest_ship_by_at),
                orders: s.orders.map((o) => ({ ...o, ship_by_at: toIso(o.ship_by_at) })),
              })),
            );
          if (rows.length === 0)
            return console.log(say(localized('No order is waiting for stock.', '没有等待库存的订单。')));
          printTable(
            rows.map((s) => ({
              sku: s.sku,
              warehouse: s.warehouse_id ?? say(localized('(none)', '（无）')),
              short_by: s.short_by,
              needed: s.needed,
              available: s.available,
              incoming: s.incoming,
              earliest_ship_by: minute(s.earliest_ship_by_at),
              orders:
                s.orders
                  .slice(0, 5)
                  .map((o) => `${o.platform_order_id} (${minute(o.ship_by_at)})`)
                  .join(', ') + (s.orders.length > 5 ? `, +${s.orders.length - 5}` : ''),
            })),
            ['sku', 'warehouse', 'short_by', 'needed', 'available', 'incoming', 'earliest_ship_by', 'orders'],
          );
        });
      }),
    );

  program
    .command('replenishment')
    .description(
      'What to reorder per SKU and warehouse: when (lead + safety) × daily sales > available + incoming; the deadlines at risk first',
    )
    .option('--window <days>', 'the sales window for the average daily sales', '30')
    .option('--lead-days <n>', "override every SKU's supplier lead days")
    .option('--safety-days <n>', "override every SKU's safety days")
    .option('--cycle-days <n>', "override every SKU's purchase cycle days")
    .option('--all', 'every SKU and warehouse, not only those to reorder')
    .option('--json', 'print JSON')
    .action(
      action(
        async (options: {
          window: string;
          leadDays?: string;
          safetyDays?: string;
          cycleDays?: string;
          all?: boolean;
          json?: boolean;
        }) => {
          await withApp(async (ctx) => {
            const lines = await replenishment(ctx, {
              windowDays: whole(options.window, '--window', 1),
              leadDays: whole(options.leadDays, '--lead-days', 0),
              safetyDays: whole(options.safetyDays, '--safety-days', 0),
              cycleDays: whole(options.cycleDays, '--cycle-days', 0),
              all: options.all,
            });
            if (options.json)
              return printJson(lines.map((l) => ({ ...l, earliestBlockedDeadline: toIso(l.earliestBlockedDeadline) })));
            if (lines.length === 0) return console.log(say(localized('Nothing to reorder.', '暂无需要补货的商品。')));
            printTable(
              lines.map((l) => ({
                sku: l.sku,
                warehouse: l.warehouseId,
                order: l.suggest ? l.quantity : '',
                daily: l.dailySales.toFixed(2),
                available: l.available,
                incoming: l.incoming,
                waiting: l.backlog,
                cover_days: l.coverDays === null ? '' : l.coverDays.toFixed(1),
                lead_safety_cycle: `${l.leadDays}+${l.safetyDays}+${l.cycleDays}`,
                at_risk: l.blockedOrders
                  ? say(
                      localized(
                        `${l.blockedOrders} by ${minute(l.earliestBlockedDeadline)}`,
                        `${l.blockedOrders}（${minute(l.earliestBlockedDeadline)} 前）`,
                      ),
                    )
                  : '',
              })),
              [
                'sku',
                'warehouse',
                'order',
                'daily',
                'available',
                'incoming',
                'waiting',
                'cover_days',
                'lead_safety_cycle',
                'at_risk',
              ],
            );
          });
        },
      ),
    );
}
