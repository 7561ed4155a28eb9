import type { Command } from 'commander';
import { builtInRegistry } from '../../core/policy/built-in';
import { formatMoney } from '../../core/money';
import { parseDuration, parseInstant, toIso } from '../../core/time';
import { localized } from '../../core/i18n';
import { calendarDataUntil } from '../../core/policy/calendar-coverage';
import { action, atOption, cliLocale, countdown, printJson, printTable, refuse, say, withApp } from '../support';
import { codeZh } from '../words';

/**
 * The use cases these commands call, imported when one runs: `policy list` reads only the built-in policies, and
 * does not load the store or the app (bench:cli).
 */
async function useCases() {
  const [deadlines, orders, policies, present, asOf, calendar] = await Promise.all([
    import('../../app/deadlines'),
    import('../../app/orders'),
    import('../../app/policies'),
    import('../../app/present'),
    import('../../app/as-of'),
    import('../../app/calendar-coverage'),
  ]);
  return { ...deadlines, ...orders, ...policies, ...present, ...asOf, ...calendar };
}

export function register(program: Command): void {
  atRiskCommand(program);
  explainCommand(program);
  metricsCommand(program);
  policyCommands(program);
  extendCommand(program);
  sweepCommand(program);
  webhookCommand(program);
}

/** `at-risk`: open orders by time left, each with its countdown, fine and why. */
function atRiskCommand(program: Command): void {
  program
    .command('at-risk')
    .description('Open orders by time left, with the countdown, the fine if each is missed now, and why')
    .option('--shop <shop>', 'only this shop')
    .option('--within <duration>', 'only orders due within this time (e.g. 24h, 2d); overdue ones included')
    .option('--limit <n>', 'how many', '50')
    .option('--at <time>', 'as of this time (ISO 8601 with Z or an offset; default now)')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { shop?: string; within?: string; limit: string; at?: string; json?: boolean }) => {
        const { atRisk, presentMoney, presentOrder, contextAt } = await useCases();
        const at = atOption(options.at);
        const withinMs = options.within === undefined ? undefined : parseDuration(options.within);
        if (options.within !== undefined && withinMs === undefined)
          throw refuse(
            `--within ${options.within} is not a duration such as 24h or 2d`,
            `--within ${options.within} 不是时长，应如 24h 或 2d`,
          );
        await withApp(async (ctx) => {
          const items = await atRisk(contextAt(ctx, at), {
            shopIds: options.shop ? [options.shop] : undefined,
            withinMs,
            limit: Number(options.limit),
          });
          if (options.json) {
            return printJson(
              items.map((i) => ({
                ...presentOrder(i.order),
                time_left_ms: i.timeLeftMs,
                fine_if_missed: presentMoney(i.fineIfMissed),
                deadline_status: i.status,
                situation: i.situation,
                why: i.why,
              })),
            );
          }
          printTable(
            items.map((i) => ({
              id: i.order.id,
              shop: i.order.shop_id,
              order: i.order.platform_order_id,
              left: countdown(i.timeLeftMs),
              ship_by: toIso(i.order.ship_by_at)?.slice(0, 16).replace('T', ' '),
              fine: i.fineIfMissed ? formatMoney(i.fineIfMissed) : '',
              why: say(i.why),
            })),
            ['id', 'shop', 'order', 'left', 'ship_by', 'fine', 'why'],
          );
        });
      }),
    );
}

/** `explain ORDER`: can it still ship, and what missing it costs. */
function explainCommand(program: Command): void {
  program
    .command('explain')
    .description('Can I still ship? The deadline, the fine now and at each next step, and the cheaper course')
    .argument('<order>', 'shipby id or platform order id')
    .option('--shop <shop>', 'the shop, when the platform order id is in several')
    .option('--at <time>', 'as of this time (ISO 8601 with Z or an offset; default now)')
    .option('--json', 'print JSON')
    .action(
      action(async (reference: string, options: { shop?: string; at?: string; json?: boolean }) => {
        const { explainOrder, resolveOrder, presentSituation, presentVerdict, contextAt } = await useCases();
        const at = atOption(options.at);
        await withApp(async (ctx) => {
          const found = await resolveOrder(ctx, reference, options.shop);
          const { verdict, policy, situation } = await explainOrder(contextAt(ctx, at), found.id);
          if (options.json)
            return printJson({ ...presentVerdict(verdict, policy), situation: presentSituation(situation) });
          const locale = cliLocale();
          const kind = locale === 'zh-CN' ? codeZh(situation.kind) : situation.kind;
          console.log(`${found.platform_order_id} · ${policy.id}@${policy.version} · ${kind}`);
          console.log(verdict.headline[locale]);
          for (const reason of situation.reasons.filter((r) => r.en !== verdict.headline.en))
            console.log(`  ${reason[locale]}`);
          for (const assumption of situation.assumptions) console.log(`  ${assumption[locale]}`);
          for (const sentence of verdict.sentences) console.log(`  ${sentence[locale]}`);
          for (const option of verdict.options) {
            console.log(
              `  ${option.course === verdict.recommended ? '→' : ' '} ${option.course}${option.cost ? ` (${formatMoney(option.cost)})` : ''}: ${option.explanation[locale]}`,
            );
          }
        });
      }),
    );
}

/** `metrics`: the seller's metrics against the policy's thresholds. */
function metricsCommand(program: Command): void {
  program
    .command('metrics')
    .description("The seller's metrics over 7 and 30 days against the policy's thresholds")
    .requiredOption('--shop <shop>', 'the shop')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { shop: string; json?: boolean }) => {
        const { sellerMetrics } = await useCases();
        await withApp(async (ctx) => {
          const report = await sellerMetrics(ctx, options.shop);
          if (options.json) return printJson(report);
          for (const window of report.windows) {
            const days = say(localized(`${window.days} days`, `${window.days} 天`));
            console.log(`${days} (${report.policyId}@${report.policyVersion})`);
            printTable(
              window.metrics.map((m) => ({
                metric: say(m.label),
                value: m.value === null ? '—' : `${(m.value * 100).toFixed(1)}%`,
                orders: `${m.numerator}/${m.denominator}`,
                limit: m.threshold
                  ? `${m.direction === 'at_most' ? '≤' : '≥'} ${(m.threshold.limit * 100).toFixed(1)}%`
                  : '',
                status: m.status,
                trend: m.trend,
              })),
              ['metric', 'value', 'orders', 'limit', 'status', 'trend'],
            );
            console.log('');
          }
        });
      }),
    );
}

/** `policy list|show|set`: the platform policies, and a shop's choice of them. */
function policyCommands(program: Command): void {
  const policy = program.command('policy').description("Platform policies and a shop's choice of them");
  policy
    .command('list')
    .description('The policies shipby knows, with their versions and effective dates')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { json?: boolean }) => {
        const registry = builtInRegistry();
        const rows = registry.ids().flatMap((id) =>
          registry.versions(id).map((p) => ({
            id: p.id,
            version: p.version,
            effective_from: p.effectiveFrom,
            platform: p.platform,
            mode: p.mode,
          })),
        );
        if (options.json) printJson(rows);
        else printTable(rows, ['id', 'version', 'effective_from', 'platform', 'mode']);
      }),
    );
  policy
    .command('show')
    .argument('<id>', 'policy id')
    .description(
      'A policy document (the newest version); on stderr, how far its holiday data reaches and the open orders whose deadline is past it',
    )
    .action(
      action(async (id: string) => {
        const { ordersPastCalendarData } = await useCases();
        const versions = builtInRegistry().versions(id);
        if (!versions.length)
          throw refuse(
            `no policy named ${id}; see shipby policy list`,
            `没有名为 ${id} 的规则；见 \`shipby policy list\``,
          );
        const newest = versions[versions.length - 1]!;
        printJson(newest);
        const until = calendarDataUntil(newest, 'all');
        if (until === null) return;
        const deadlineUntil = calendarDataUntil(newest, 'deadline');
        console.error(
          deadlineUntil === null
            ? say(
                localized(
                  `holiday and festival data: until ${until} (statistics pauses only; deadlines do not depend on it)`,
                  `节假日数据：至 ${until}（仅用于统计暂停；截止时间不受其影响）`,
                ),
              )
            : say(localized(`holiday and festival data: until ${until}`, `节假日数据：至 ${until}`)),
        );
        if (deadlineUntil === null) return;
        await withApp(async (ctx) => {
          for (const group of await ordersPastCalendarData(ctx, { policyId: id }))
            console.error(`! ${say(group.message)}`);
        });
      }),
    );
  policy
    .command('set')
    .description("Set a shop's policy, per order type, and overrides (JSON); open orders' deadlines are recomputed")
    .requiredOption('--shop <shop>', 'the shop')
    .option('--policy <id>', 'the default policy')
    .option('--type <type=policy...>', 'a policy for an order type, e.g. jit=aliexpress_semi_jit')
    .option('--overrides <json>', 'overrides per policy id, e.g. {"aliexpress_pop":{"warningHoursBefore":[72,24,4]}}')
    .action(
      action(async (options: { shop: string; policy?: string; type?: string[]; overrides?: string }) => {
        const { setShopPolicy } = await useCases();
        let overrides: Record<string, never> | undefined;
        if (options.overrides) {
          try {
            overrides = JSON.parse(options.overrides);
          } catch (error) {
            throw refuse(`--overrides is not JSON: ${(error as Error).message}`, '--overrides 不是有效的 JSON');
          }
        }
        const byType = options.type
          ? Object.fromEntries(options.type.map((t) => t.split('=') as [string, string]))
          : undefined;
        await withApp(async (ctx) => {
          const result = await setShopPolicy(
            ctx,
            options.shop,
            { policy_id: options.policy, by_order_type: byType, overrides },
            'cli',
          );
          console.log(
            say(
              localized(
                `shop ${options.shop}: ${result.recomputed} open orders recomputed, ${result.changed} deadlines changed`,
                `店铺 ${options.shop}：已重算 ${result.recomputed} 个未完成订单，${result.changed} 个期限有变`,
              ),
            ),
          );
        });
      }),
    );
}

/** `extend ORDER`: a deadline extension the buyer agreed to. */
function extendCommand(program: Command): void {
  program
    .command('extend')
    .description('Record a deadline extension the buyer agreed to')
    .argument('<order>', 'shipby id or platform order id')
    .option('--shop <shop>', 'the shop, when the platform order id is in several')
    .option('--hours <n>', 'extra hours')
    .option('--until <time>', 'the new deadline (ISO time with offset)')
    .requiredOption('--agreed-by <who>', 'who agreed (the buyer, the platform…)')
    .option('--note <text>', 'a note')
    .action(
      action(
        async (
          reference: string,
          options: { shop?: string; hours?: string; until?: string; agreedBy: string; note?: string },
        ) => {
          const { resolveOrder, recordExtension } = await useCases();
          const newDeadlineAt = options.until === undefined ? undefined : parseInstant(options.until);
          if (options.until !== undefined && newDeadlineAt === undefined)
            throw refuse(
              `--until ${options.until} is not a time with a zone or offset`,
              `--until ${options.until} 不是带时区或偏移的时间`,
            );
          await withApp(async (ctx) => {
            const found = await resolveOrder(ctx, reference, options.shop);
            const updated = await recordExtension(
              ctx,
              found.id,
              {
                hours: options.hours === undefined ? undefined : Number(options.hours),
                newDeadlineAt,
                agreedBy: options.agreedBy,
                note: options.note,
              },
              'cli',
            );
            console.log(
              say(
                localized(
                  `order ${updated.platform_order_id}: ship by ${toIso(found.ship_by_at)} → ${toIso(updated.ship_by_at)}`,
                  `订单 ${updated.platform_order_id}：发货期限 ${toIso(found.ship_by_at)} → ${toIso(updated.ship_by_at)}`,
                ),
              ),
            );
          });
        },
      ),
    );
}

/** `sweep`: the deadline warning sweep and the pending alert webhooks, once. */
function sweepCommand(program: Command): void {
  program
    .command('sweep')
    .description(
      'Run the deadline warning sweep and deliver pending alert webhooks once (the server does this every minute)',
    )
    .action(
      action(async () => {
        const { deliverWebhooks, runWarningSweep } = await useCases();
        await withApp(async (ctx) => {
          // The sweep logs each warning in English only: in Chinese the counts below say what it did.
          const sweep = await runWarningSweep(ctx, cliLocale() === 'en' ? (line) => console.log(line) : undefined);
          const delivery = await deliverWebhooks(ctx);
          console.log(
            say(
              localized(
                `examined ${sweep.examined}, warned ${sweep.warned}, alerts queued ${sweep.deliveriesQueued}; delivered ${delivery.delivered}, failed ${delivery.failed}, dead ${delivery.dead}`,
                `检查 ${sweep.examined}，提醒 ${sweep.warned}，告警排队 ${sweep.deliveriesQueued}；已送达 ${delivery.delivered}，失败 ${delivery.failed}，放弃 ${delivery.dead}`,
              ),
            ),
          );
        });
      }),
    );
}

/** `webhook`: an alert webhook added. */
function webhookCommand(program: Command): void {
  program
    .command('webhook')
    .description('Add an alert webhook (JSON POSTs signed with HMAC-SHA256)')
    .requiredOption('--url <url>', 'where to POST')
    .requiredOption('--secret <secret>', 'the signing key (at least 16 characters)')
    .option('--shop <shop>', 'only this shop (default: every shop)')
    .action(
      action(async (options: { url: string; secret: string; shop?: string }) => {
        const { addWebhook } = await useCases();
        await withApp(async (ctx) => {
          const hook = await addWebhook(ctx, { url: options.url, secret: options.secret, shopId: options.shop });
          console.log(
            say(
              localized(
                `webhook ${hook.id} → ${hook.url}${hook.shop_id ? ` (shop ${hook.shop_id})` : ' (all shops)'}`,
                `Webhook ${hook.id} → ${hook.url}${hook.shop_id ? `（店铺 ${hook.shop_id}）` : '（所有店铺）'}`,
              ),
            ),
          );
        });
      }),
    );
}
