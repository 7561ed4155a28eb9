import type { Command } from 'commander';
// Reads only: the writes (accept, cancel, warehouse-received) import theirs when they run, so `order ID` and
// `orders` load no stock, transition or hand-over code.
import { getOrderPage, listOrders, type OrderDetail, resolveOrder } from '../../app/order-reads';
import { contextAt } from '../../app/as-of';
import { presentAsOf, presentEvent, presentLine, presentOrder, presentParcel } from '../../app/present';
import { formatMoney } from '../../core/money';
import { ORDER_STATES } from '../../core/order';
import { toIso } from '../../core/time';
import { localized } from '../../core/i18n';
import { action, atOption, cliLocale, countdown, printJson, printTable, refuse, say, withApp } from '../support';
import { codeZh } from '../words';

export function register(program: Command): void {
  ordersCommand(program);
  orderCommand(program);
  orderActionCommands(program);
  warehouseReceivedCommand(program);
}

/** `orders`: the list, the most urgent first. */
function ordersCommand(program: Command): void {
  program
    .command('orders')
    .description('List orders, the most urgent first')
    .option('--shop <shop>', 'only this shop')
    .option('--status <status>', `only this state (${ORDER_STATES.join(', ')}); comma-separated for several`)
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { shop?: string; status?: string; limit: string; json?: boolean }) => {
        const statuses = options.status
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const unknown = statuses?.find((s) => !(ORDER_STATES as readonly string[]).includes(s));
        if (unknown)
          throw refuse(
            `--status ${unknown} is not a state; states are: ${ORDER_STATES.join(', ')}`,
            `--status ${unknown} 不是订单状态；可用状态：${ORDER_STATES.map((s) => `\`${s}\``).join('、')}`,
          );
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
          throw refuse('--limit must be a whole number from 1 to 10000', '--limit 须为 1 到 10000 的整数');
        await withApp(async (ctx) => {
          const rows = await listOrders(ctx, {
            shopIds: options.shop ? [options.shop] : undefined,
            statuses,
            sort: 'ship_by',
            limit,
          });
          if (options.json) return printJson(rows.map(presentOrder));
          const now = ctx.now();
          printTable(
            rows.map((o) => ({
              id: o.id,
              shop: o.shop_id,
              order: o.platform_order_id,
              status: o.status,
              buyer: `${o.buyer_name} (${o.buyer_country})`,
              total: formatMoney({ amount: o.total_amount, currency: o.currency }),
              ship_by: toIso(o.ship_by_at)?.slice(0, 16).replace('T', ' ') ?? '',
              left: ['new', 'awaiting_shipment', 'partially_shipped'].includes(o.status)
                ? countdown(o.ship_by_at === null ? null : o.ship_by_at - now)
                : '',
            })),
            ['id', 'shop', 'order', 'status', 'buyer', 'total', 'ship_by', 'left'],
          );
        });
      }),
    );
}

/** `order ORDER`: one order with its lines, parcels and timeline. */
function orderCommand(program: Command): void {
  program
    .command('order')
    .description('Show one order: its lines, parcels and timeline')
    .argument('<order>', 'shipby id or platform order id')
    .option('--shop <shop>', 'the shop, when the platform order id is in several')
    .option('--at <time>', 'as of this time (ISO 8601 with Z or an offset; default now)')
    .option('--json', 'print JSON')
    .action(
      action(async (reference: string, options: { shop?: string; at?: string; json?: boolean }) => {
        const at = atOption(options.at);
        await withApp(async (ctx) => {
          const found = await resolveOrder(ctx, reference, options.shop);
          const detail = await getOrderPage(contextAt(ctx, at), found.id);
          const o = detail.order;
          const asOf = presentAsOf(o, detail.asOf, detail.situation);
          const view = {
            ...presentOrder(o),
            ...asOf,
            warnings: detail.warnings,
            lines: detail.lines.map((l) => presentLine(l, o.currency)),
            parcels: detail.parcels.map(presentParcel),
            timeline: detail.timeline.map(presentEvent),
          };
          if (options.json) return printJson(view);
          printOrderPage(detail, asOf);
        });
      }),
    );
}

/** `accept ORDER` and `cancel ORDER`. */
function orderActionCommands(program: Command): void {
  for (const [name, description] of [
    ['accept', 'Accept an order that passed the risk review (new → awaiting_shipment)'],
    ['cancel', 'Cancel an order, with a reason'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument('<order>', 'shipby id or platform order id')
      .option('--shop <shop>', 'the shop, when the platform order id is in several')
      .option('--reason <reason>', 'why (required to cancel)')
      .option('--json', 'print JSON')
      .action(
        action(async (reference: string, options: { shop?: string; reason?: string; json?: boolean }) => {
          await withApp(async (ctx) => {
            const found = await resolveOrder(ctx, reference, options.shop);
            const { applyOrderAction } = await import('../../app/orders');
            const updated = await applyOrderAction(ctx, found.id, {
              action: name,
              reason: options.reason,
              actor: 'cli',
            });
            if (options.json) printJson(presentOrder(updated));
            else
              console.log(
                say(
                  localized(
                    `order ${updated.platform_order_id}: ${found.status} → ${updated.status}`,
                    `订单 ${updated.platform_order_id}：${codeZh(found.status)} → ${codeZh(updated.status)}`,
                  ),
                ),
              );
          });
        }),
      );
  }
}

/** `warehouse-received ORDER`: the platform's warehouse received a self-send order. */
function warehouseReceivedCommand(program: Command): void {
  program
    .command('warehouse-received')
    .description("Record that the platform's warehouse received a self-send order (the event its policy counts)")
    .argument('<order>', 'shipby id or platform order id')
    .option('--shop <shop>', 'the shop, when the platform order id is in several')
    .option('--at <time>', 'when the warehouse received it (ISO 8601 with Z or an offset; default now)')
    .option('--json', 'print JSON')
    .action(
      action(async (reference: string, options: { shop?: string; at?: string; json?: boolean }) => {
        const at = atOption(options.at);
        await withApp(async (ctx) => {
          const found = await resolveOrder(ctx, reference, options.shop);
          const { recordWarehouseReceipt } = await import('../../app/warehouse-records');
          const updated = await recordWarehouseReceipt(ctx, found.id, at === undefined ? {} : { at }, 'cli');
          if (options.json) printJson(presentOrder(updated));
          else
            console.log(
              say(
                localized(
                  `order ${updated.platform_order_id}: received at the platform's warehouse ${toIso(updated.warehouse_received_at)}`,
                  `订单 ${updated.platform_order_id}：平台仓库已于 ${toIso(updated.warehouse_received_at)} 签收`,
                ),
              ),
            );
        });
      }),
    );
}

/** One order as text, in the command line's language: its heading lines, lines, parcels and timeline. */
function printOrderPage(detail: OrderDetail, asOf: ReturnType<typeof presentAsOf>): void {
  const o = detail.order;
  const zh = cliLocale() === 'zh-CN';
  const code = (c: string | null) => (c === null ? '' : zh ? codeZh(c) : c);
  const shipBy = toIso(o.ship_by_at);
  const left = asOf.time_left_ms !== null ? countdown(asOf.time_left_ms) : null;
  const address = [
    o.address_line1,
    o.address_line2,
    [o.city, o.postcode].filter(Boolean).join(' '),
    o.state,
    o.buyer_country,
  ]
    .filter(Boolean)
    .join(', ');
  const total = formatMoney({ amount: o.total_amount, currency: o.currency });
  console.log(
    say(
      localized(
        `order ${o.platform_order_id} (#${o.id}) · shop ${o.shop_id} · ${o.platform}`,
        `订单 ${o.platform_order_id}（#${o.id}）· 店铺 ${o.shop_id} · ${o.platform}`,
      ),
    ),
  );
  console.log(
    say(
      localized(
        `status: ${o.status}${o.platform_status ? ` (platform: ${o.platform_status})` : ''}`,
        `状态：${code(o.status)}${o.platform_status ? `（平台：${o.platform_status}）` : ''}`,
      ),
    ),
  );
  console.log(
    say(
      localized(
        `ship by: ${shipBy ?? 'unknown'}${o.ship_by_source ? ` (${o.ship_by_source})` : ''}${left !== null ? ` · ${left} left at ${asOf.as_of}` : ''}${asOf.situation ? ` · ${asOf.situation.replace(/_/g, ' ')}` : ''}`,
        `发货期限：${shipBy ?? '未知'}${o.ship_by_source ? `（${code(o.ship_by_source)}）` : ''}${left !== null ? ` · 截至 ${asOf.as_of} 剩余 ${left}` : ''}${asOf.situation ? ` · ${code(asOf.situation)}` : ''}`,
      ),
    ),
  );
  console.log(
    say(
      localized(
        `buyer: ${o.buyer_name}, ${address}${o.phone ? ', ' + o.phone : ''}`,
        `买家：${o.buyer_name}，${address}${o.phone ? '，' + o.phone : ''}`,
      ),
    ),
  );
  console.log(say(localized(`total: ${total}\n`, `金额：${total}\n`)));
  for (const warning of detail.warnings) console.log(`! ${say(warning)}\n`);
  printTable(
    detail.lines.map((l) => ({
      '#': l.line_no,
      sku: l.sku,
      qty: l.quantity,
      unit_price: formatMoney({ amount: l.unit_price, currency: o.currency }),
    })),
    ['#', 'sku', 'qty', 'unit_price'],
  );
  console.log('');
  if (detail.parcels.length) {
    printTable(
      detail.parcels.map((p) => ({
        parcel: p.id,
        status: p.status,
        carrier: p.carrier,
        tracking: p.tracking_number,
      })),
      ['parcel', 'status', 'carrier', 'tracking'],
    );
    console.log('');
  } else console.log(say(localized('parcels: none yet\n', '包裹：暂无\n')));
  printTable(
    detail.timeline.map((e) => ({
      at: toIso(e.at),
      actor: e.actor,
      event:
        e.kind === 'transition'
          ? `${code(e.action)}: ${code(e.from_state)} → ${code(e.to_state)}`
          : code(e.kind) + (e.to_state ? ` (${code(e.to_state)})` : ''),
      reason: e.reason ?? '',
    })),
    ['at', 'actor', 'event', 'reason'],
  );
}
