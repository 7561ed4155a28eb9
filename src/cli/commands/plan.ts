/**
 * `shipby plan`: the penalty-minimising work queue.
 *
 * With `--orlib FILE --jobs N` it plans every instance of an OR-Library weighted tardiness file (the planner's
 * benchmark format) and prints each plan's total weighted tardiness, one per line. Planning the real open orders
 * needs the order store; until that use case exists the command says so.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { localized } from '../../core/i18n';
import { parseWeightedTardiness, totalWeightedTardiness, weightedTardinessPlanInput } from '../../core/orlib';
import { plan, type PlanOptions } from '../../core/schedule';
import { DEFAULT_PLAN_SETTINGS, planOpenOrders, presentWorkPlan } from '../../app/plan';
import { formatMoney } from '../../core/money';
import { printJson, printTable, say, withApp } from '../support';

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
  budgetMs: number;
  shop?: string;
  stations: number;
  shift: string;
  pickups: string;
  zone: string;
  hourlyCost: string;
  json?: boolean;
}

/** Plans the open orders in the database and prints the queue per station, the late orders and the cost against EDD. */
async function planStoreOrders(opts: PlanCliOptions): Promise<void> {
  const [start, end] = opts.shift.split('-');
  if (!start || !end) throw new Error('--shift must look like 09:00-18:00');
  const settings = {
    ...DEFAULT_PLAN_SETTINGS,
    shopIds: opts.shop ? [opts.shop] : undefined,
    stations: opts.stations,
    shift: { start, end },
    pickups: opts.pickups.split(',').map((t) => t.trim()).filter(Boolean),
    zone: opts.zone,
    hourlyCost: Number(opts.hourlyCost) || 0,
    timeBudgetMs: opts.budgetMs,
    seed: opts.seed,
  };
  await withApp(async (ctx) => {
    const work = await planOpenOrders(ctx, settings);
    const view = presentWorkPlan(work);
    if (opts.json) return printJson(view);
    const money = (amount: number) => formatMoney({ amount, currency: view.currency });
    console.log(say(localized(
      `${view.jobs} orders on ${view.stations.length} stations: expected penalty ${money(view.total_penalty)}, earliest-deadline-first would cost ${money(view.edd_penalty)}${view.optimal ? ' (proven optimal)' : ''}.`,
      `${view.jobs} 个订单、${view.stations.length} 个工位：预计罚款 ${money(view.total_penalty)}，按最早截止优先则为 ${money(view.edd_penalty)}${view.optimal ? '（已证明最优）' : ''}。`,
    )));
    for (const fix of view.fixes) {
      console.log(say(localized(
        `What if ${fix.fix.replace(/_/g, ' ')}: penalty ${money(fix.penalty)} (${fix.net_saving >= 0 ? 'saves' : 'costs'} ${money(Math.abs(fix.net_saving))} net of its cost), rescues ${fix.rescued_orders.length} order(s).`,
        `假设 ${fix.fix}：罚款 ${money(fix.penalty)}（扣除其成本后${fix.net_saving >= 0 ? '节省' : '多花'} ${money(Math.abs(fix.net_saving))}），可挽救 ${fix.rescued_orders.length} 个订单。`,
      )));
    }
    if (view.waiting_for_stock) console.log(say(localized(`${view.waiting_for_stock} orders wait for stock and are not planned.`, `${view.waiting_for_stock} 个订单在等待库存，未排入计划。`)));
    for (const station of view.stations) {
      console.log(`\n${station.station}`);
      printTable(
        station.queue.slice(0, 20).map((j) => ({ order: j.platform_order_id, start: j.start.slice(0, 16).replace('T', ' '), leaves: j.leaves_at.slice(0, 16).replace('T', ' '), late: j.lateness_minutes > 0 ? `${j.lateness_minutes} min` : '', penalty: j.penalty ? money(j.penalty) : '' })),
        ['order', 'start', 'leaves', 'late', 'penalty'],
      );
      if (station.queue.length > 20) console.log(`… ${station.queue.length - 20} more`);
    }
  });
}

function positiveInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${value}".`);
    return n;
  };
}

export function register(program: Command): void {
  program
    .command('plan')
    .description('Plan the work queue that keeps penalties lowest (or, with --orlib, plan a weighted tardiness benchmark file).')
    .option('--orlib <file>', 'OR-Library weighted tardiness file: print the total weighted tardiness of each instance')
    .option('--jobs <n>', 'jobs per instance in the --orlib file', positiveInteger('--jobs'))
    .option('--seed <n>', 'seed of the search', positiveInteger('--seed'), 1)
    .option('--budget-ms <ms>', 'search time (per instance with --orlib), ms', positiveInteger('--budget-ms'), 100)
    .option('--shop <shop>', 'plan only this shop')
    .option('--stations <n>', 'packing stations', positiveInteger('--stations'), DEFAULT_PLAN_SETTINGS.stations)
    .option('--shift <HH:mm-HH:mm>', 'the stations\' daily working window', `${DEFAULT_PLAN_SETTINGS.shift.start}-${DEFAULT_PLAN_SETTINGS.shift.end}`)
    .option('--pickups <times>', 'carrier pick-up times, comma-separated', DEFAULT_PLAN_SETTINGS.pickups.join(','))
    .option('--zone <zone>', 'the warehouse time zone', DEFAULT_PLAN_SETTINGS.zone)
    .option('--hourly-cost <minor>', 'cost of each hour of lateness on top of the fines, minor units', '0')
    .option('--json', 'print JSON')
    .action(async (opts: PlanCliOptions) => {
      if (!opts.orlib) {
        await planStoreOrders(opts);
        return;
      }
      if (!opts.jobs) throw new Error('--orlib needs --jobs N, the number of jobs per instance.');
      const text = await readFile(opts.orlib, 'utf8');
      const totals = planOrlibInstances(text, opts.jobs, { seed: opts.seed, timeBudgetMs: opts.budgetMs });
      process.stdout.write(totals.map((t) => `${t}\n`).join(''));
    });
}
