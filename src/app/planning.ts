/**
 * The planner's stored state (issue 8): each warehouse's staffing, and the last plan of each warehouse with the
 * fingerprint of its inputs. Asking for a warehouse's plan returns the stored one while its inputs (open orders,
 * their work and deadlines, stock arrivals, orders being packed, staffing, estimates) are unchanged; when they
 * changed, the plan is recomputed warm — the previous queues kept for the orders still open, new orders inserted
 * where they cost least, then local search with a quarter of the budget — and stored. Orders being packed stay
 * pinned first on their station in every plan. A what-if (staffing given by the caller, or a shop filter) is
 * planned afresh and not stored.
 */
import type { LocalWindow } from '../core/schedule';
import { localized, type Localized } from '../core/i18n';
import { isCutoffTime } from '../core/inventory';
import type { ImportIssue } from '../core/order-input';
import { isValidTimeZone, toIso } from '../core/time';
import * as planning from '../store/planning';
import type { WarehouseStaffingRow } from '../store/schema-planning';
import type { AppContext } from './context';
import { NotFoundError, ValidationError } from './errors';
import { DEFAULT_PLAN_SETTINGS, type presentWorkPlan, type PlanSettings } from './plan';
import { loadPlanProblem } from './plan-problem';
import { inProcessPlanner, planTask } from './plan-compute';

/** The key of the plan of every open order under the default settings (no warehouse named). */
const ALL_WAREHOUSES = '*';
/** A stored plan older than this is recomputed even when nothing changed: its start times drift into the past. */
const PLAN_MAX_AGE_MS = 15 * 60_000;
/** A warm recompute searches for this share of the full budget. */
const WARM_BUDGET_SHARE = 0.25;

export interface StaffingView {
  warehouse_id: string;
  stations: number;
  shifts: LocalWindow[];
  pickups: string[];
  time_zone: string;
  hourly_cost: number;
  weekdays: number[] | null;
  /** False: nothing stored yet; these are the defaults (the warehouse's zone and daily cut-off as the pick-up). */
  stored: boolean;
  updated_at: string | null;
}

async function warehouseOrThrow(ctx: AppContext, warehouseId: string) {
  const warehouse = await planning.getWarehouse(ctx.store.db, warehouseId);
  if (!warehouse)
    throw new NotFoundError(
      localized(
        `No warehouse "${warehouseId}" (stock warehouse add).`,
        `没有仓库「${warehouseId}」（请先 stock warehouse add）。`,
      ),
    );
  return warehouse;
}

function staffingView(
  warehouse: { id: string; time_zone: string; cutoff_time: string },
  row: WarehouseStaffingRow | undefined,
): StaffingView {
  if (!row) {
    return {
      warehouse_id: warehouse.id,
      stations: DEFAULT_PLAN_SETTINGS.stations,
      shifts: [DEFAULT_PLAN_SETTINGS.shift],
      pickups: [warehouse.cutoff_time],
      time_zone: warehouse.time_zone,
      hourly_cost: DEFAULT_PLAN_SETTINGS.hourlyCost,
      weekdays: null,
      stored: false,
      updated_at: null,
    };
  }
  return {
    warehouse_id: warehouse.id,
    stations: row.stations,
    shifts: JSON.parse(row.shifts) as LocalWindow[],
    pickups: JSON.parse(row.pickups) as string[],
    time_zone: row.time_zone ?? warehouse.time_zone,
    hourly_cost: Number(row.hourly_cost),
    weekdays: row.weekdays ? (JSON.parse(row.weekdays) as number[]) : null,
    stored: true,
    updated_at: toIso(row.updated_at),
  };
}

export async function getStaffing(ctx: AppContext, warehouseId: string): Promise<StaffingView> {
  const warehouse = await warehouseOrThrow(ctx, warehouseId);
  return staffingView(warehouse, await planning.getStaffing(ctx.store.db, warehouseId));
}

export interface StaffingInput {
  stations?: number;
  shifts?: LocalWindow[];
  pickups?: string[];
  /** null: the warehouse's own zone. */
  timeZone?: string | null;
  hourlyCost?: number;
  /** null: every day. */
  weekdays?: number[] | null;
}

/** "09:00-12:00,13:00-18:00" → windows (the CLI's and the query string's form). */
export function parseShifts(text: string): LocalWindow[] {
  return text
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean)
    .map((w) => {
      const [start = '', end = ''] = w.split('-').map((t) => t.trim());
      return { start, end };
    });
}

/** "11:00,17:00" → times. */
export function parseTimes(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** "1-5" or "1,2,3,4,5" → ISO weekdays. */
export function parseWeekdays(text: string): number[] {
  const range = /^(\d)\s*-\s*(\d)$/.exec(text.trim());
  if (range)
    return Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) }, (_, i) => Number(range[1]) + i);
  return text.split(',').map((d) => Number(d.trim()));
}

/** Sets what is given of a warehouse's staffing (the rest stays as it was, or the defaults); refuses a bad field. */
export async function setStaffing(ctx: AppContext, warehouseId: string, input: StaffingInput): Promise<StaffingView> {
  const warehouse = await warehouseOrThrow(ctx, warehouseId);
  const current = staffingView(warehouse, await planning.getStaffing(ctx.store.db, warehouseId));
  const issues: ImportIssue[] = [];
  const issue = (field: string, en: string, zh: string) => issues.push({ row: 0, field, message: localized(en, zh) });
  const stations = input.stations ?? current.stations;
  if (!(Number.isInteger(stations) && stations >= 1 && stations <= 500))
    issue('stations', 'stations must be a whole number from 1 to 500.', '工位数须为 1 到 500 之间的整数。');
  const shifts = input.shifts ?? current.shifts;
  if (!shifts.length || shifts.length > 12)
    issue(
      'shifts',
      'give from 1 to 12 shifts a day, e.g. 09:00-12:00,13:00-18:00.',
      '每天须有 1 到 12 个班次，例如 09:00-12:00,13:00-18:00。',
    );
  shifts.forEach((w, i) => {
    if (!isCutoffTime(w.start) || !isCutoffTime(w.end) || w.start === w.end)
      issue(
        `shifts[${i}]`,
        `shift "${w.start}-${w.end}" must be HH:MM-HH:MM (24 h), start and end different.`,
        `班次「${w.start}-${w.end}」须为 HH:MM-HH:MM（24 小时制），开始与结束不同。`,
      );
  });
  const pickups = input.pickups ?? current.pickups;
  if (pickups.length > 24) issue('pickups', 'at most 24 pick-ups a day.', '每天最多 24 次揽收。');
  pickups.forEach((t, i) => {
    if (!isCutoffTime(t))
      issue(`pickups[${i}]`, `pick-up "${t}" must be HH:MM (24 h).`, `揽收时间「${t}」须为 HH:MM（24 小时制）。`);
  });
  const timeZone = input.timeZone === undefined ? (current.stored ? current.time_zone : null) : input.timeZone;
  if (timeZone !== null && !isValidTimeZone(timeZone))
    issue(
      'time_zone',
      `"${timeZone}" is not an IANA time zone (e.g. Asia/Shanghai).`,
      `「${timeZone}」不是 IANA 时区（例如 Asia/Shanghai）。`,
    );
  const hourlyCost = input.hourlyCost ?? current.hourly_cost;
  if (!(Number.isSafeInteger(hourlyCost) && hourlyCost >= 0))
    issue(
      'hourly_cost',
      'hourly_cost must be whole minor units, 0 or more.',
      'hourly_cost 须为非负整数（最小货币单位）。',
    );
  const weekdays = input.weekdays === undefined ? current.weekdays : input.weekdays;
  if (weekdays !== null && (!weekdays.length || !weekdays.every((d) => Number.isInteger(d) && d >= 1 && d <= 7)))
    issue(
      'weekdays',
      'weekdays must be ISO weekdays 1 (Monday) to 7 (Sunday), e.g. 1-5.',
      'weekdays 须为 ISO 星期 1（周一）到 7（周日），例如 1-5。',
    );
  if (issues.length) throw new ValidationError(issues);
  const row: WarehouseStaffingRow = {
    warehouse_id: warehouseId,
    stations,
    shifts: JSON.stringify(shifts.map((w) => ({ start: w.start, end: w.end }))),
    pickups: JSON.stringify([...new Set(pickups)].sort()),
    time_zone: timeZone,
    hourly_cost: hourlyCost,
    weekdays: weekdays ? JSON.stringify([...new Set(weekdays)].sort()) : null,
    updated_at: ctx.now(),
  };
  await ctx.store.db.transaction().execute((trx) => planning.upsertStaffing(trx, row));
  return staffingView(warehouse, row);
}

/** The plan settings of a warehouse: its staffing (stored, or the defaults) on top of the default settings. */
async function warehousePlanSettings(ctx: AppContext, warehouseId: string): Promise<PlanSettings> {
  const staffing = await getStaffing(ctx, warehouseId);
  return {
    ...DEFAULT_PLAN_SETTINGS,
    warehouseId,
    stations: staffing.stations,
    shifts: staffing.shifts,
    shift: staffing.shifts[0] ?? DEFAULT_PLAN_SETTINGS.shift,
    pickups: staffing.pickups,
    zone: staffing.time_zone,
    hourlyCost: staffing.hourly_cost,
    ...(staffing.weekdays ? { weekdays: staffing.weekdays } : {}),
  };
}

export interface PlanRequest {
  warehouseId?: string;
  shopIds?: string[];
  /** What-if staffing (query parameters, CLI flags): planned afresh over the stored staffing, never stored. */
  overrides?: Partial<Pick<PlanSettings, 'stations' | 'shifts' | 'pickups' | 'zone' | 'hourlyCost'>>;
  timeBudgetMs?: number;
  seed?: number;
  /** `auto` (default): the stored plan while its inputs are unchanged; `warm`: recompute warm anyway; `full`: from scratch. */
  refresh?: 'auto' | 'warm' | 'full';
  /** Who asks (the server's caller key): at most one computation per caller at a time in the planner threads. */
  caller?: string;
}

export interface PlanState {
  warehouse_id: string;
  version: number;
  fingerprint: string;
  computed_at: string;
  /** True: computed for this request; false: the stored plan, its inputs unchanged. */
  recomputed: boolean;
  /** `full` (from scratch) | `warm` (from the previous plan's queues). */
  method: string;
  compute_ms: number;
}

export type PresentedPlan = ReturnType<typeof presentWorkPlan> & {
  warehouse_id: string | null;
  stored: PlanState | null;
};

/** The plan a warehouse works to now: the stored one when its inputs are unchanged, else recomputed (and stored). */
export async function currentPlan(ctx: AppContext, request: PlanRequest = {}): Promise<PresentedPlan> {
  let settings: PlanSettings = request.warehouseId
    ? await warehousePlanSettings(ctx, request.warehouseId)
    : { ...DEFAULT_PLAN_SETTINGS };
  const overrides = Object.fromEntries(Object.entries(request.overrides ?? {}).filter(([, v]) => v !== undefined));
  const whatIf = Object.keys(overrides).length > 0 || (request.shopIds?.length ?? 0) > 0;
  settings = {
    ...settings,
    ...overrides,
    ...(overrides.shifts ? { shift: (overrides.shifts as LocalWindow[])[0]! } : {}),
    ...(request.shopIds?.length ? { shopIds: request.shopIds } : {}),
    ...(request.timeBudgetMs !== undefined ? { timeBudgetMs: request.timeBudgetMs } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
  };
  const problem = await loadPlanProblem(ctx, settings);
  const now = ctx.now();
  const key = request.warehouseId ?? ALL_WAREHOUSES;
  const stored = whatIf ? undefined : await planning.getStoredPlan(ctx.store.db, key);
  const refresh = request.refresh ?? 'auto';
  if (
    stored &&
    refresh === 'auto' &&
    stored.fingerprint === problem.fingerprint &&
    now - Number(stored.computed_at) < PLAN_MAX_AGE_MS
  ) {
    return {
      ...(JSON.parse(stored.body) as ReturnType<typeof presentWorkPlan>),
      warehouse_id: request.warehouseId ?? null,
      stored: stateOf(stored, false),
    };
  }
  const warm =
    stored && refresh !== 'full'
      ? {
          queues: JSON.parse(stored.queues) as Array<{ stationId: string; jobIds: string[] }>,
          timeBudgetMs: Math.max(20, Math.round(settings.timeBudgetMs * WARM_BUDGET_SHARE)),
        }
      : undefined;
  // The search itself runs where the context says: the server's planner threads, or in-process (the CLI).
  const runner = ctx.planner ?? inProcessPlanner;
  const outcome = await runner(
    planTask(problem, settings, warm),
    request.caller !== undefined ? { caller: request.caller } : {},
  );
  const body = outcome.body;
  if (whatIf) return { ...body, warehouse_id: request.warehouseId ?? null, stored: null };
  const row = {
    warehouse_id: key,
    fingerprint: problem.fingerprint,
    version: (stored?.version ?? 0) + 1,
    method: outcome.warmUsed ? 'warm' : 'full',
    computed_at: now,
    compute_ms: outcome.computeMs,
    job_count: outcome.jobCount,
    total_penalty: outcome.totalPenalty,
    queues: JSON.stringify(outcome.queues),
    body: JSON.stringify(body),
  };
  // Another process may have stored a newer plan meanwhile: it stands, and this one is still a fresh answer.
  await ctx.store.db.transaction().execute((trx) => planning.saveStoredPlan(trx, row, stored?.version ?? 0));
  return { ...body, warehouse_id: request.warehouseId ?? null, stored: stateOf(row, true) };
}

function stateOf(
  row: {
    warehouse_id: string;
    version: number;
    fingerprint: string;
    computed_at: number;
    method: string;
    compute_ms: number;
  },
  recomputed: boolean,
): PlanState {
  return {
    warehouse_id: row.warehouse_id,
    version: row.version,
    fingerprint: row.fingerprint,
    computed_at: toIso(Number(row.computed_at))!,
    recomputed,
    method: row.method,
    compute_ms: Number(row.compute_ms),
  };
}

export interface RefreshReport {
  plans: Array<{
    warehouse_id: string;
    recomputed: boolean;
    method: string;
    version: number;
    jobs: number;
    total_penalty: number;
    compute_ms: number;
  }>;
  message: Localized;
}

/**
 * Brings every stored plan up to date (each warehouse with staffing or a stored plan, and the all-orders plan if
 * one is stored): recomputed warm where its inputs changed, left alone where not. `serve` runs it every minute.
 */
export async function refreshPlans(
  ctx: AppContext,
  options: {
    warehouseId?: string;
    refresh?: PlanRequest['refresh'];
    caller?: string;
    warehouseIds?: readonly string[];
  } = {},
): Promise<RefreshReport> {
  const keys = new Set<string>();
  if (options.warehouseId) keys.add(options.warehouseId);
  else {
    for (const s of await planning.listStaffing(ctx.store.db)) keys.add(s.warehouse_id);
    for (const p of await planning.listStoredPlans(ctx.store.db)) keys.add(p.warehouse_id);
  }
  // A caller limited to their account's warehouses: no other account's, nor the all-orders plan that spans them.
  const scope = options.warehouseIds;
  if (scope) for (const key of keys) if (!scope.includes(key)) keys.delete(key);
  const plans: RefreshReport['plans'] = [];
  for (const key of [...keys].sort()) {
    if (key !== ALL_WAREHOUSES && !(await planning.getWarehouse(ctx.store.db, key))) continue;
    const result = await currentPlan(ctx, {
      warehouseId: key === ALL_WAREHOUSES ? undefined : key,
      refresh: options.refresh ?? 'auto',
      ...(options.caller ? { caller: options.caller } : {}),
    });
    plans.push({
      warehouse_id: key,
      recomputed: result.stored!.recomputed,
      method: result.stored!.method,
      version: result.stored!.version,
      jobs: result.jobs,
      total_penalty: result.total_penalty,
      compute_ms: result.stored!.compute_ms,
    });
  }
  const recomputed = plans.filter((p) => p.recomputed).length;
  return {
    plans,
    message: localized(
      `${plans.length} plan(s): ${recomputed} recomputed, ${plans.length - recomputed} unchanged.`,
      `${plans.length} 个计划：重新计算 ${recomputed} 个，未变 ${plans.length - recomputed} 个。`,
    ),
  };
}
