/**
 * The plan's settings: `plan staffing` (show or set a warehouse's stations, shifts, pick-ups), `plan estimates [set]`
 * (the work estimate per shop or warehouse) and `plan refresh` (bring the stored plans up to date). Registered
 * under `plan` by ../plan.ts.
 */
import type { Command } from 'commander';
import { DEFAULT_PLAN_SETTINGS } from '../../../app/plan';
import { getStaffing, parseShifts, parseTimes, parseWeekdays, refreshPlans, setStaffing } from '../../../app/planning';
import { listWorkEstimates, setWorkEstimate } from '../../../app/work-estimates';
import { localized } from '../../../core/i18n';
import { action, positiveInteger, printJson, printTable, refuse, say, withApp } from '../../support';

/** Whole minor units of money (`--hourly-cost 500`). */
export function wholeMinor(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()))
    throw refuse(
      `${option} must be whole minor units ≥ 0, not "${text}"`,
      `${option} 须为 ≥ 0 的整数（最小货币单位），而不是“${text}”`,
    );
  return Number(text);
}

function minutes(text: string | undefined, option: string): number {
  const n = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(n))
    throw refuse(`${option} needs a number of minutes`, `${option} 需要分钟数`);
  return n;
}

export function registerPlanSubcommands(plan: Command): void {
  staffingCommand(plan);
  estimateCommands(plan);
  refreshCommand(plan);
}

/** `plan staffing`: show or set a warehouse's staffing. */
function staffingCommand(plan: Command): void {
  plan
    .command('staffing')
    .description(
      "Show or set a warehouse's staffing: stations, shifts (several a day), carrier pick-ups, time zone, lateness cost per hour",
    )
    .requiredOption('--warehouse <id>', 'the warehouse')
    .option('--stations <n>', 'packing stations (or packers) working at once', positiveInteger('--stations'))
    .option('--shift <windows>', 'daily working windows, e.g. 09:00-12:00,13:00-18:00')
    .option('--pickups <times>', 'carrier pick-up (cut-off) times, comma-separated, e.g. 11:00,17:00')
    .option('--zone <zone>', "IANA time zone of the times (default: the warehouse's)")
    .option('--hourly-cost <minor>', 'cost of each hour of lateness on top of the fines, minor units')
    .option('--weekdays <days>', 'ISO weekdays worked, e.g. 1-5 or 1,2,3,4,5,6 (default: every day)')
    .option('--json', 'print JSON')
    .action(
      action(async (_opts: unknown, cmd: Command) => {
        const o = cmd.optsWithGlobals<{
          warehouse?: string;
          stations?: number;
          shift?: string;
          pickups?: string;
          zone?: string;
          hourlyCost?: string;
          weekdays?: string;
          json?: boolean;
        }>();
        const changes = {
          stations: o.stations,
          shifts: o.shift !== undefined ? parseShifts(o.shift) : undefined,
          pickups: o.pickups !== undefined ? parseTimes(o.pickups) : undefined,
          timeZone: o.zone,
          hourlyCost: wholeMinor(o.hourlyCost, '--hourly-cost'),
          weekdays: o.weekdays !== undefined ? parseWeekdays(o.weekdays) : undefined,
        };
        const setting = Object.values(changes).some((v) => v !== undefined);
        const staffing = await withApp((ctx) =>
          setting ? setStaffing(ctx, o.warehouse!, changes) : getStaffing(ctx, o.warehouse!),
        );
        if (o.json) return printJson(staffing);
        if (!staffing.stored)
          console.log(
            say(
              localized(
                "Nothing stored yet: the defaults (the warehouse's zone, its cut-off as the pick-up).",
                '尚未保存：以下为默认值（仓库时区，截单时间作为揽收时间）。',
              ),
            ),
          );
        printTable(
          [
            {
              warehouse: staffing.warehouse_id,
              stations: staffing.stations,
              shifts: staffing.shifts.map((w) => `${w.start}-${w.end}`).join(','),
              pickups: staffing.pickups.join(','),
              zone: staffing.time_zone,
              hourly_cost: staffing.hourly_cost,
              weekdays: staffing.weekdays?.join(',') ?? say(localized('all', '每天')),
            },
          ],
          ['warehouse', 'stations', 'shifts', 'pickups', 'zone', 'hourly_cost', 'weekdays'],
        );
      }),
    );
}

/** `plan estimates [set]`: the work estimates in force, and one set. */
function estimateCommands(plan: Command): void {
  const estimates = plan
    .command('estimates')
    .description(
      'The work estimate in force per shop (learned from measured packing sessions, or set by the seller) and from how many sessions; what each warehouse has set',
    )
    .option('--json', 'print JSON')
    .action(
      action(async (_opts: unknown, cmd: Command) => {
        const o = cmd.optsWithGlobals<{ json?: boolean }>();
        const rows = await withApp((ctx) =>
          listWorkEstimates(ctx, {
            minutesPerOrder: DEFAULT_PLAN_SETTINGS.minutesPerOrder,
            minutesPerLine: DEFAULT_PLAN_SETTINGS.minutesPerLine,
            minutesPerUnit: DEFAULT_PLAN_SETTINGS.minutesPerUnit,
          }),
        );
        if (o.json) return printJson(rows);
        const fig = (
          e: { minutes_per_order: number; minutes_per_line: number; minutes_per_unit: number } | null | undefined,
        ) =>
          e
            ? say(
                localized(
                  `${e.minutes_per_order} + ${e.minutes_per_line}/line + ${e.minutes_per_unit}/unit`,
                  `${e.minutes_per_order} + 每行 ${e.minutes_per_line} + 每件 ${e.minutes_per_unit}`,
                ),
              )
            : '';
        printTable(
          rows.map((r) => ({
            scope: r.scope,
            id: r.id,
            set: fig(r.set),
            in_force: fig(r.in_force),
            source: r.in_force?.source ?? '',
            sessions: r.in_force?.sessions ?? '',
            rmse_min: r.in_force?.rmse_minutes ?? '',
          })),
          ['scope', 'id', 'set', 'in_force', 'source', 'sessions', 'rmse_min'],
        );
        for (const r of rows) if (r.in_force) console.log(`${r.id}: ${say(r.in_force.explanation)}`);
      }),
    );

  estimates
    .command('set')
    .description(
      "Set a shop's or a warehouse's work estimate in minutes (used until enough packing sessions are measured)",
    )
    .option('--shop <shop>', 'the shop')
    .option('--warehouse <id>', 'the warehouse')
    .requiredOption('--per-order <min>', 'minutes per order')
    .requiredOption('--per-line <min>', 'minutes per line')
    .requiredOption('--per-unit <min>', 'minutes per unit')
    .action(
      action(async (_opts: unknown, cmd: Command) => {
        const o = cmd.optsWithGlobals<{
          shop?: string;
          warehouse?: string;
          perOrder?: string;
          perLine?: string;
          perUnit?: string;
          json?: boolean;
        }>();
        if (!o.shop === !o.warehouse)
          throw refuse('give either --shop or --warehouse', '请给出 --shop 或 --warehouse 之一');
        const saved = await withApp((ctx) =>
          setWorkEstimate(ctx, {
            scope: o.shop ? 'shop' : 'warehouse',
            id: (o.shop ?? o.warehouse)!,
            minutesPerOrder: minutes(o.perOrder, '--per-order'),
            minutesPerLine: minutes(o.perLine, '--per-line'),
            minutesPerUnit: minutes(o.perUnit, '--per-unit'),
          }),
        );
        if (o.json) return printJson(saved);
        console.log(
          say(
            localized(
              `Work estimate of ${saved.scope} ${saved.id}: ${saved.set!.minutes_per_order} min per order + ${saved.set!.minutes_per_line} per line + ${saved.set!.minutes_per_unit} per unit.`,
              `${saved.scope === 'shop' ? '店铺' : '仓库'} ${saved.id} 的工时估计：每单 ${saved.set!.minutes_per_order} 分钟 + 每行 ${saved.set!.minutes_per_line} + 每件 ${saved.set!.minutes_per_unit}。`,
            ),
          ),
        );
      }),
    );
}

/** `plan refresh`: the stored plans brought up to date now. */
function refreshCommand(plan: Command): void {
  plan
    .command('refresh')
    .description(
      'Bring the stored plans up to date now: recomputed (warm) where their inputs changed (`serve` does it every minute)',
    )
    .option('--warehouse <id>', 'only this warehouse')
    .option('--full', 'recompute from scratch, even when nothing changed')
    .option('--json', 'print JSON')
    .action(
      action(async (_opts: unknown, cmd: Command) => {
        const o = cmd.optsWithGlobals<{ warehouse?: string; full?: boolean; json?: boolean }>();
        const report = await withApp((ctx) =>
          refreshPlans(ctx, { warehouseId: o.warehouse, refresh: o.full ? 'full' : 'auto' }),
        );
        if (o.json) return printJson(report);
        console.log(say(report.message));
        if (report.plans.length)
          printTable(
            report.plans.map((p) => ({
              ...p,
              recomputed: say(
                p.recomputed
                  ? localized(p.method, p.method === 'warm' ? '增量' : '全量')
                  : localized('unchanged', '未变'),
              ),
            })),
            ['warehouse_id', 'version', 'recomputed', 'jobs', 'total_penalty', 'compute_ms'],
          );
      }),
    );
}
