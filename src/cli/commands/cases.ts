/**
 * After delivery: `receipt show|promised-days|extend` (the receipt clock, the buyer's acceptance time) and after-sales
 * `case open|list|show|respond|escalate|resolve|withdraw|evidence|rate`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { openCase, stepCase } from '../../app/after-sales';
import { addPhotoEvidence } from '../../app/after-sales-evidence';
import { getCase, inrRate, listCases, type CaseView } from '../../app/after-sales-views';
import { contextAt } from '../../app/as-of';
import { resolveOrder } from '../../app/orders';
import { receiptOf, recordAcceptanceExtension, setPromisedDeliveryDays } from '../../app/receipt';
import { localized } from '../../core/i18n';
import { parseMajorAmount } from '../../core/money';
import { codeZh } from '../words';
import { action, atOption, countdown, positiveInteger, printJson, printTable, refuse, say, withApp } from '../support';

/** A case and its evidence, in the CLI's language. */
function printCase(found: CaseView): void {
  const snapshot = (content: unknown) => (content as { parcels: unknown[] }).parcels.length;
  console.log(
    say(
      localized(
        `case ${found.id} · ${found.label.en} · ${found.state}${found.overdue ? ' · OVERDUE' : ''}`,
        `纠纷 ${found.id} · ${found.label['zh-CN']} · ${codeZh(found.state)}${found.overdue ? ' · 已逾期' : ''}`,
      ),
    ),
  );
  console.log(
    say(
      localized(
        `order ${found.platform_order_id} (${found.order_id}), opened ${found.opened_at} (${found.source}), answer by ${found.respond_by}`,
        `订单 ${found.platform_order_id}（${found.order_id}），开启于 ${found.opened_at}（${codeZh(found.source)}），答复期限 ${found.respond_by}`,
      ),
    ),
  );
  console.log(say(localized(`reason: ${found.reason}`, `原因：${found.reason}`)));
  const refunded = found.refunded;
  if (found.outcome)
    console.log(
      say(
        localized(
          `outcome: ${found.outcome}${refunded ? `, refunded ${refunded.amount} (${refunded.currency} minor units)` : ''}`,
          `结果：${codeZh(found.outcome)}${refunded ? `，已退款 ${refunded.amount}（${refunded.currency} 最小货币单位）` : ''}`,
        ),
      ),
    );
  for (const e of found.evidence) {
    const file = e.file_path ?? String(e.content);
    console.log(
      say(
        localized(
          `  evidence ${e.id} ${e.kind}: ${e.kind === 'tracking_snapshot' ? `${snapshot(e.content)} parcel(s)` : file} (${e.added_at}, ${e.added_by})`,
          `  证据 ${e.id} ${codeZh(e.kind)}：${e.kind === 'tracking_snapshot' ? `${snapshot(e.content)} 个包裹` : file}（${e.added_at}，${codeZh(e.added_by)}）`,
        ),
      ),
    );
  }
}
export function register(program: Command): void {
  const receipt = program
    .command('receipt')
    .description("Receipt confirmation: when an order confirms itself, the buyer's acceptance time");
  receiptShowCommand(receipt);
  receiptChangeCommands(receipt);

  const cases = program
    .command('case')
    .description('After-sales cases: not received, not as described, return requested, refund');
  caseCommands(cases);
  caseStepCommands(cases);
  caseRateCommand(cases);
}

/** `receipt show ORDER`: when the order confirms itself. */
function receiptShowCommand(receipt: Command): void {
  receipt
    .command('show')
    .description('When an order confirms its receipt by itself, why, and the time left')
    .argument('<order>', 'shipby id or platform order id')
    .option('--shop <shop>', 'the shop, when the platform order id is in several')
    .option('--at <time>', 'as of this time (ISO 8601 with Z or an offset; default now)')
    .option('--json', 'print JSON')
    .action(
      action(async (reference: string, options: { shop?: string; at?: string; json?: boolean }) => {
        const at = atOption(options.at);
        await withApp(async (ctx) => {
          const order = await resolveOrder(ctx, reference, options.shop);
          const view = await receiptOf(contextAt(ctx, at), order.id);
          if (options.json) return printJson(view);
          console.log(
            say(
              localized(
                `${order.platform_order_id} · ${view.status}${view.receipt_confirmed_at ? ` · confirmed ${view.receipt_confirmed_at}` : ''}`,
                `${order.platform_order_id} · ${codeZh(view.status)}${view.receipt_confirmed_at ? ` · 已于 ${view.receipt_confirmed_at} 确认收货` : ''}`,
              ),
            ),
          );
          console.log(
            view.auto_confirm_at
              ? `${say(localized('confirms itself at', '自动确认收货时间'))} ${view.auto_confirm_at}: ${view.explanation ? say(view.explanation) : ''}`
              : say(localized('not shipped yet: no receipt clock.', '尚未发货：无确认收货计时。')),
          );
          if (view.time_left_ms !== null)
            console.log(
              say(
                localized(
                  `${countdown(view.time_left_ms)} left at ${view.as_of}`,
                  `截至 ${view.as_of} 剩余 ${countdown(view.time_left_ms)}`,
                ),
              ),
            );
          if (view.open_cases)
            console.log(
              say(
                localized(
                  `${view.open_cases} open case(s): no automatic confirmation while a case is open.`,
                  `有 ${view.open_cases} 个未结纠纷：纠纷期间不会自动确认收货。`,
                ),
              ),
            );
        });
      }),
    );
}

/** `receipt promised-days|extend`: the order's promised delivery days, an acceptance extension. */
function receiptChangeCommands(receipt: Command): void {
  receipt
    .command('promised-days')
    .description("Set the order's promised delivery days (freight_commit_day)")
    .argument('<order>', 'shipby id or platform order id')
    .argument('<days>', 'days', positiveInteger('days'))
    .option('--shop <shop>', 'the shop')
    .action(
      action(async (reference: string, days: number, options: { shop?: string }) => {
        await withApp(async (ctx) =>
          printJson(
            await setPromisedDeliveryDays(ctx, (await resolveOrder(ctx, reference, options.shop)).id, days, 'cli'),
          ),
        );
      }),
    );
  receipt
    .command('extend')
    .description("Record an extension of the buyer's acceptance time agreed on the platform")
    .argument('<order>', 'shipby id or platform order id')
    .argument('<days>', 'days', positiveInteger('days'))
    .option('--shop <shop>', 'the shop')
    .option('--note <text>', 'why')
    .action(
      action(async (reference: string, days: number, options: { shop?: string; note?: string }) => {
        await withApp(async (ctx) =>
          printJson(
            await recordAcceptanceExtension(
              ctx,
              (await resolveOrder(ctx, reference, options.shop)).id,
              days,
              'cli',
              options.note,
            ),
          ),
        );
      }),
    );
}

/** `case open|list|show`. */
function caseCommands(cases: Command): void {
  cases
    .command('open')
    .description("Open a case on an order: the time to answer starts and the parcels' tracking is kept as evidence")
    .argument('<order>', 'shipby id or platform order id')
    .requiredOption('--kind <kind>', 'not_received, not_as_described, return_requested, refund')
    .requiredOption('--reason <text>', "the buyer's reason")
    .option('--shop <shop>', 'the shop')
    .option('--platform-case <id>', "the platform's case id")
    .action(
      action(
        async (reference: string, options: { kind: string; reason: string; shop?: string; platformCase?: string }) => {
          await withApp(async (ctx) =>
            printCase(
              await openCase(
                ctx,
                {
                  orderId: (await resolveOrder(ctx, reference, options.shop)).id,
                  kind: options.kind,
                  reason: options.reason,
                  ...(options.platformCase ? { platformCaseId: options.platformCase } : {}),
                },
                'cli',
              ),
            ),
          );
        },
      ),
    );
  cases
    .command('list')
    .description('Cases, the earliest answer-by time first')
    .option('--shop <shop>', 'only this shop')
    .option('--state <state>', 'open, closed or all', 'open')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { shop?: string; state: 'open' | 'closed' | 'all'; json?: boolean }) => {
        await withApp(async (ctx) => {
          const items = await listCases(ctx, {
            shopIds: options.shop ? [options.shop] : undefined,
            state: options.state,
          });
          if (options.json) return printJson(items);
          printTable(
            items.map((c) => ({
              id: c.id,
              order: c.platform_order_id,
              kind: say(c.label),
              state: c.state,
              answer_by: c.respond_by,
              overdue: c.overdue ? '!' : '',
              outcome: c.outcome ?? '',
            })),
            ['id', 'order', 'kind', 'state', 'answer_by', 'overdue', 'outcome'],
          );
        });
      }),
    );
  cases
    .command('show')
    .description('One case: its state, answer-by time, outcome and evidence')
    .argument('<case>', 'case id', positiveInteger('case'))
    .option('--json', 'print JSON')
    .action(
      action(async (caseId: number, options: { json?: boolean }) => {
        await withApp(async (ctx) => {
          const found = await getCase(ctx, caseId);
          if (options.json) return printJson(found);
          printCase(found);
        });
      }),
    );
}

/** `case respond|escalate|withdraw|resolve|evidence`: a case moved on, or its evidence added. */
function caseStepCommands(cases: Command): void {
  for (const [name, describe] of [
    ['respond', 'Answer the buyer (the note is kept as evidence)'],
    ['escalate', 'The platform arbitrates'],
    ['withdraw', 'The buyer withdrew the case'],
  ] as const) {
    cases
      .command(name)
      .description(describe)
      .argument('<case>', 'case id', positiveInteger('case'))
      .option('--note <text>', 'what was said or done')
      .action(
        action(async (caseId: number, options: { note?: string }) => {
          await withApp(async (ctx) =>
            printCase(
              await stepCase(ctx, caseId, { action: name, ...(options.note ? { note: options.note } : {}) }, 'cli'),
            ),
          );
        }),
      );
  }
  cases
    .command('resolve')
    .description('Close the case with its outcome and the amount refunded')
    .argument('<case>', 'case id', positiveInteger('case'))
    .requiredOption('--outcome <outcome>', 'no_refund, partial_refund, full_refund, reshipped, returned_and_refunded')
    .option('--refunded <amount>', 'amount refunded in the order currency, e.g. 12.50', '0')
    .option('--note <text>', 'what was agreed')
    .action(
      action(async (caseId: number, options: { outcome: string; refunded: string; note?: string }) => {
        await withApp(async (ctx) => {
          const current = await getCase(ctx, caseId);
          const currency = (await resolveOrder(ctx, String(current.order_id))).currency;
          const amount = parseMajorAmount(options.refunded, currency);
          if (amount === undefined)
            throw refuse(
              `--refunded ${options.refunded} is not an amount in ${currency}`,
              `--refunded ${options.refunded} 不是以 ${currency} 计的金额`,
            );
          printCase(
            await stepCase(
              ctx,
              caseId,
              {
                action: 'resolve',
                outcome: options.outcome,
                refundedAmount: amount,
                ...(options.note ? { note: options.note } : {}),
              },
              'cli',
            ),
          );
        });
      }),
    );
  cases
    .command('evidence')
    .description('Add a photo (jpg, png, webp, gif, heic) or PDF; stored under SHIPBY_DATA_DIR (default ./data)')
    .argument('<case>', 'case id', positiveInteger('case'))
    .argument('<file>', 'the file')
    .action(
      action(async (caseId: number, file: string) => {
        await withApp(async (ctx) =>
          printCase(
            await addPhotoEvidence(ctx, caseId, { name: path.basename(file), content: fs.readFileSync(file) }, 'cli'),
          ),
        );
      }),
    );
}

/** `case rate`: the item-not-received dispute rate of a shop. */
function caseRateCommand(cases: Command): void {
  cases
    .command('rate')
    .description('The item-not-received dispute rate of a shop')
    .requiredOption('--shop <shop>', 'the shop')
    .option('--days <days>', 'window', positiveInteger('days'), 30)
    .action(
      action(async (options: { shop: string; days: number }) =>
        withApp(async (ctx) => printJson(await inrRate(ctx, options.shop, options.days))),
      ),
    );
}
