/**
 * `shipby plan`: the penalty-minimising work queue.
 *
 * With `--orlib FILE --jobs N` it plans every instance of an OR-Library weighted tardiness file (the planner's
 * benchmark format) and prints each plan's total weighted tardiness, one per line. Subcommands (plan/settings.ts):
 * `plan staffing`, `plan estimates [set]`, `plan refresh`.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { durationLocalized } from '../../core/duration';
import { localized } from '../../core/i18n';
import { parseWeightedTardiness, totalWeightedTardiness, weightedTardinessPlanInput } from '../../core/orlib';
import { plan, type PlanOptions } from '../../core/schedule';
import { DEFAULT_PLAN_SETTINGS } from '../../app/plan';
import { currentPlan, parseShifts, parseTimes } from '../../app/planning';
import { formatMoney } from '../../core/money';
import { action, positiveInteger, printJson, printTable, refuse, say, withApp } from '../support';
import { registerPlanSubcommands, wholeMinor } from './plan/settings';

export interface OrlibPlanOptions {
  seed?: number;
  /** Per instance. */
  timeBudgetMs?: number;
}

/**
 * Plans each instance of an OR-Library weighted tardiness file and returns Σ w·T of each planned sequence,
 * recomputed from the instance itself.
 */
export function planOrlibInstances(text: string, jobs: number, options: OrlibPlanOptions = {}): number[] {
  return parseWeightedTardiness(text, jobs).map((instance) => {
    const planOptions: PlanOptions = {
      seed: options.seed ?? 1,
      timeBudgetMs: options.timeBudgetMs ?? 100,
      clock: () => performance.now(),
    };
    const result = plan(weightedTardinessPlanInput(instance), planOptions);
    const sequence = result.stations[0]!.queue.map((job) => Number(job.jobId) - 1);
    return totalWeightedTardiness(instance, sequence);
  });
}

interface PlanCliOptions {
  orlib?: string;
  jobs?: number;
  seed: number;
  budgetMs?: number;
  warehouse?: string;
  shop?: string;
  stations?: number;
  shift?: string;
  pickups?: string;
  zone?: string;
  hourlyCost?: string;
  refresh?: string;
  json?: boolean;
}

/**
 * Plans the open orders in the database (a warehouse's on its stored staffing, the stored plan while nothing
 * changed) and prints the queue per station, the late orders and the cost against EDD. Staffing flags make it a
 * what-if, planned afresh and not stored.
 */
async function planStoreOrders(opts: PlanCliOptions): Promise<void> {
  const refresh = opts.refresh ?? 'auto';
  if (!['auto', 'warm', 'full'].includes(refresh))
    throw refuse('--refresh must be auto, warm or full', '--refresh 须为 `auto`、`warm` 或 `full`');
  await withApp(async (ctx) => {
    const view = await currentPlan(ctx, {
      warehouseId: opts.warehouse,
      shopIds: opts.shop ? [opts.shop] : undefined,
      overrides: {
        stations: opts.stations,
        shifts: opts.shift !== undefined ? parseShifts(opts.shift) : undefined,
        pickups: opts.pickups !== undefined ? parseTimes(opts.pickups) : undefined,
        zone: opts.zone,
        hourlyCost: wholeMinor(opts.hourlyCost, '--hourly-cost'),
      },
      timeBudgetMs: opts.budgetMs,
      seed: opts.seed,
      refresh: refresh as 'auto' | 'warm' | 'full',
    });
    if (opts.json) return printJson(view);
    const money = (amount: number) => formatMoney({ amount, currency: view.currency });
    console.log(
      say(
        localized(
          `${view.jobs} orders on ${view.stations.length} stations: expected penalty ${money(view.total_penalty)}, earliest-deadline-first would cost ${money(view.edd_penalty)}${view.optimal ? ' (proven optimal)' : ''}.`,
          `${view.jobs} 个订单、${view.stations.length} 个工位：预计罚款 ${money(view.total_penalty)}，按最早截止优先则为 ${money(view.edd_penalty)}${view.optimal ? '（已证明最优）' : ''}。`,
        ),
      ),
    );
    const state = view.stored;
    if (state) {
      console.log(
        say(
          state.recomputed
            ? localized(
                `Plan v${state.version} of ${state.warehouse_id}: recomputed (${state.method}) in ${state.compute_ms} ms and stored.`,
                `${state.warehouse_id} 的计划 v${state.version}：已重新计算（${state.method === 'warm' ? '增量' : '全量'}），用时 ${state.compute_ms} 毫秒，并已保存。`,
              )
            : localized(
                `Plan v${state.version} of ${state.warehouse_id}, stored at ${state.computed_at}: nothing changed since.`,
                `${state.warehouse_id} 的计划 v${state.version}（保存于 ${state.computed_at}）：此后输入未变。`,
              ),
        ),
      );
    } else {
      console.log(
        say(
          localized(
            'A what-if: planned afresh with the staffing given, not stored.',
            '假设方案：按给定的人手重新计算，未保存。',
          ),
        ),
      );
    }
    for (const fix of view.fixes) {
      console.log(
        say(
          localized(
            `What if ${fix.fix.replace(/_/g, ' ')}: penalty ${money(fix.penalty)} (${fix.net_saving >= 0 ? 'saves' : 'costs'} ${money(Math.abs(fix.net_saving))} net of its cost), rescues ${fix.rescued_orders.length} order(s).`,
            `假设 ${fix.fix}：罚款 ${money(fix.penalty)}（扣除其成本后${fix.net_saving >= 0 ? '节省' : '多花'} ${money(Math.abs(fix.net_saving))}），可挽救 ${fix.rescued_orders.length} 个订单。`,
          ),
        ),
      );
    }
    if (view.waiting_for_stock)
      console.log(
        say(
          localized(
            `${view.waiting_for_stock} orders wait for stock and are not planned.`,
            `${view.waiting_for_stock} 个订单在等待库存，未排入计划。`,
          ),
        ),
      );
    if (view.unassigned)
      console.log(
        say(
          localized(
            `${view.unassigned} open orders have no stock reserved at any warehouse: in no warehouse's plan.`,
            `${view.unassigned} 个未完成订单在任何仓库都没有预留库存：未排入任何仓库的计划。`,
          ),
        ),
      );
    for (const station of view.stations) {
      console.log(`\n${station.station}`);
      printTable(
        station.queue.slice(0, 20).map((j) => ({
          order: j.platform_order_id,
          start: j.start.slice(0, 16).replace('T', ' '),
          leaves: j.leaves_at.slice(0, 16).replace('T', ' '),
          late: j.lateness_minutes > 0 ? say(durationLocalized(j.lateness_minutes * 60_000)) : '',
          penalty: j.penalty ? money(j.penalty) : '',
          pinned: j.pinned ? '●' : '',
        })),
        ['order', 'start', 'leaves', 'late', 'penalty', 'pinned'],
      );
      const more = station.queue.length - 20;
      if (more > 0) console.log(say(localized(`… ${more} more`, `… 另有 ${more} 个`)));
    }
  });
}

export function register(program: Command): void {
  const planCommand = program
    .command('plan')
    .description(
      'Plan the work queue that keeps penalties lowest (or, with --orlib, plan a weighted tardiness benchmark file).',
    )
    .option('--orlib <file>', 'OR-Library weighted tardiness file: print the total weighted tardiness of each instance')
    .option('--jobs <n>', 'jobs per instance in the --orlib file', positiveInteger('--jobs'))
    .option('--seed <n>', 'seed of the search', positiveInteger('--seed'), 1)
    .option('--budget-ms <ms>', 'search time (per instance with --orlib), ms', positiveInteger('--budget-ms'))
    .option(
      '--warehouse <id>',
      "plan this warehouse's orders on its stored staffing (the stored plan while nothing changed)",
    )
    .option('--shop <shop>', 'plan only this shop (a what-if, not stored)')
    .option(
      '--stations <n>',
      `packing stations (what-if; default ${DEFAULT_PLAN_SETTINGS.stations} or the warehouse's)`,
      positiveInteger('--stations'),
    )
    .option(
      '--shift <windows>',
      `daily working windows, e.g. 09:00-12:00,13:00-18:00 (what-if; default ${DEFAULT_PLAN_SETTINGS.shift.start}-${DEFAULT_PLAN_SETTINGS.shift.end})`,
    )
    .option(
      '--pickups <times>',
      `carrier pick-up times, comma-separated (what-if; default ${DEFAULT_PLAN_SETTINGS.pickups.join(',')})`,
    )
    .option('--zone <zone>', `the time zone of the times (what-if; default ${DEFAULT_PLAN_SETTINGS.zone})`)
    .option('--hourly-cost <minor>', 'cost of each hour of lateness on top of the fines, minor units (what-if)')
    .option('--refresh <mode>', 'auto (default): the stored plan while nothing changed; warm or full: recompute now')
    .option('--json', 'print JSON')
    .action(
      action(async (opts: PlanCliOptions) => {
        if (!opts.orlib) {
          await planStoreOrders(opts);
          return;
        }
        if (!opts.jobs)
          throw refuse(
            '--orlib needs --jobs N, the number of jobs per instance.',
            '--orlib 需要 --jobs N（每个实例的任务数）。',
          );
        const text = await readFile(opts.orlib, 'utf8');
        const totals = planOrlibInstances(text, opts.jobs, { seed: opts.seed, timeBudgetMs: opts.budgetMs ?? 100 });
        process.stdout.write(totals.map((t) => `${t}\n`).join(''));
      }),
    );
  // `plan staffing --warehouse W`: options after a subcommand are the subcommand's own.
  planCommand.enablePositionalOptions();
  registerPlanSubcommands(planCommand);
}
