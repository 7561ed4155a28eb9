/**
 * The warehouse's work queue from the open orders: each order is a job (its work estimate, its deadline, its
 * fine schedule under its policy plus a per-hour cost), planned on the stations' shifts and the carrier's
 * pick-ups by the core planner, next to what earliest-deadline-first would cost. The problem is read from the store
 * by plan-problem.ts.
 *
 * Staffing and the default work estimate come in the settings: from the warehouse's stored staffing (app/planning.ts,
 * which also keeps the last plan per warehouse and recomputes it on change) or from the caller for a what-if.
 */
import { performance } from 'node:perf_hooks';
import type { Policy } from '../core/policy/schema';
import type { OrderFacts } from '../core/penalty';
import {
  plan,
  whatIf,
  withExtraPickup,
  withExtraStation,
  withLaterDeadlines,
  type LocalWindow,
  type Plan,
  type PlanInput,
  type PlanOptions,
  type Scenario,
  type ScenarioOutcome,
} from '../core/schedule';
import type { EstimateInForce } from '../core/work-estimate';
import { HOUR_MS } from '../core/time';
import type { AppContext } from './context';
import { loadPlanProblem } from './plan-problem';

/** Read from the store by plan-problem.ts (the tests read it from here too). */
export { loadPlanProblem } from './plan-problem';

export interface PlanSettings {
  shopIds?: string[];
  /** Plan only the orders this warehouse serves (through their stock reservations; see `orderWarehouses`). */
  warehouseId?: string;
  stations: number;
  zone: string;
  /** Local working window, e.g. 09:00–18:00. */
  shift: { start: string; end: string };
  /** Several working windows a day (e.g. 09:00–12:00 and 13:00–18:00); when given, `shift` is not used. */
  shifts?: LocalWindow[];
  /** ISO weekdays worked (1 = Monday); omitted = every day. */
  weekdays?: number[];
  /** Local pick-up times, e.g. ["11:00", "17:00"]. */
  pickups: string[];
  /**
   * The seller's default work estimate: minutes per order + per line + per unit. A shop's or warehouse's own figures
   * (`plan estimates`) come first, and figures learned from measured packing sessions before them.
   */
  minutesPerOrder: number;
  minutesPerLine: number;
  minutesPerUnit: number;
  /** What each hour of lateness costs on top of the fines, minor units. */
  hourlyCost: number;
  horizonDays: number;
  timeBudgetMs: number;
  seed: number;
  /** Costs of the what-if fixes, minor units of the plan's currency (sellers set their own). */
  fixCosts: { packerHour: number; extraPickup: number; expressPerOrder: number };
}

export const DEFAULT_PLAN_SETTINGS: PlanSettings = {
  stations: 2,
  zone: 'Asia/Shanghai',
  shift: { start: '09:00', end: '18:00' },
  pickups: ['11:00', '17:00'],
  minutesPerOrder: 3,
  minutesPerLine: 1,
  minutesPerUnit: 0.5,
  hourlyCost: 0,
  horizonDays: 14,
  timeBudgetMs: 500,
  seed: 1,
  fixCosts: { packerHour: 500, extraPickup: 2000, expressPerOrder: 800 },
};

type OrderRef = { id: number; platformOrderId: string; shopId: string; shipByAt: number };

/** The planning problem read from the store, before any planning. */
export interface PlanProblem {
  input: PlanInput;
  orders: Map<string, OrderRef>;
  mixedCurrencies: boolean;
  /** Orders waiting for stock with no known arrival: not workable, so not in the plan. */
  waitingForStock: number;
  /** With a warehouse: open orders that no warehouse can be said to serve (no reservation, several warehouses). */
  unassigned: number;
  /** The work estimate in force per shop in the plan. */
  estimates: Map<string, EstimateInForce>;
  /** Each job's policy and facts: what its penalty function is made of (rebuilt from them in a planner thread). */
  fines: Map<string, { policy: Policy; facts: OrderFacts }>;
  /** SHA-1 of everything the plan depends on but the clock: jobs, staffing, settings. Same inputs, same fingerprint. */
  fingerprint: string;
}

export interface WorkPlan {
  plan: Plan;
  /** Orders in the plan by job id, for the edges to show. */
  orders: Map<string, OrderRef>;
  mixedCurrencies: boolean;
  /** Orders waiting for stock: not workable until their goods arrive, so not in the plan. */
  waitingForStock: number;
  unassigned?: number;
  estimates?: Map<string, EstimateInForce>;
  /** When some orders are late even in the best plan: the cheapest fixes, each a re-plan of a changed input. */
  fixes: ScenarioOutcome[];
}

export async function planOpenOrders(ctx: AppContext, settings: PlanSettings): Promise<WorkPlan> {
  return computeWorkPlan(await loadPlanProblem(ctx, settings), settings);
}

/**
 * Plans a problem: from scratch, or warm-started from a previous plan's queues. `timeBudgetMs` overrides the
 * settings' budget (a warm start needs less).
 */
export function computeWorkPlan(
  problem: PlanProblem,
  settings: PlanSettings,
  warm?: { queues: ReadonlyArray<{ stationId: string; jobIds: readonly string[] }>; timeBudgetMs: number },
): WorkPlan {
  const input = problem.input;
  const base = {
    seed: settings.seed,
    timeBudgetMs: warm?.timeBudgetMs ?? settings.timeBudgetMs,
    clock: () => performance.now(),
  };
  const result = plan(input, warm ? { ...base, warmStart: warm.queues } : base);
  // The fixes are planned afresh (an extra station is empty in any previous plan), within the same budget.
  const fixes = result.lateJobs.length ? whatIfFixes(input, result, settings, base) : [];
  return {
    plan: result,
    orders: problem.orders,
    mixedCurrencies: problem.mixedCurrencies,
    waitingForStock: problem.waitingForStock,
    unassigned: problem.unassigned,
    estimates: problem.estimates,
    fixes,
  };
}

/** A plan's queues as a warm start takes them: the jobs each station does, in order, pinned ones left out. */
export function queuesOf(result: Plan): Array<{ stationId: string; jobIds: string[] }> {
  return result.stations.map((s) => ({
    stationId: s.stationId,
    jobIds: s.queue.filter((j) => !j.pinned).map((j) => j.jobId),
  }));
}

/**
 * The fixes a seller can buy when orders will be late anyway: one more packer for two hours from the next
 * shift, one more pick-up an hour before the first late order's deadline, or an express service (a later
 * collection) for the late orders. Each is a full re-plan; the best net saving comes first.
 */
function whatIfFixes(input: PlanInput, base: Plan, settings: PlanSettings, options: PlanOptions): ScenarioOutcome[] {
  const firstShift = input.stations[0]?.shifts?.find((s) => s.end > input.now);
  const start = Math.max(input.now, firstShift?.start ?? input.now);
  const lateIds = base.lateJobs.map((j) => j.jobId);
  const firstLateDue = Math.min(...base.lateJobs.map((j) => input.jobs.find((job) => job.id === j.jobId)!.dueAt));
  const scenarios: Scenario[] = [
    {
      name: 'extra_packer_2h',
      input: withExtraStation(input, { id: 'extra-packer', shifts: [{ start, end: start + 2 * HOUR_MS }] }),
      fixCost: 2 * settings.fixCosts.packerHour,
    },
    {
      name: 'express_service_for_late_orders',
      input: withLaterDeadlines(input, lateIds, 4 * HOUR_MS),
      fixCost: lateIds.length * settings.fixCosts.expressPerOrder,
    },
  ];
  if (firstLateDue - HOUR_MS > input.now) {
    scenarios.push({
      name: 'extra_pickup',
      input: withExtraPickup(input, firstLateDue - HOUR_MS),
      fixCost: settings.fixCosts.extraPickup,
    });
  }
  const budget = { ...options, timeBudgetMs: Math.max(50, Math.round((options.timeBudgetMs ?? 500) / 2)) };
  return whatIf(input, scenarios, budget).outcomes;
}

/** The plan as the API and `--json` show it. */
export function presentWorkPlan(work: WorkPlan) {
  const p = work.plan;
  const job = (j: Plan['stations'][number]['queue'][number]) => {
    const order = work.orders.get(j.jobId)!;
    return {
      order_id: order.id,
      platform_order_id: order.platformOrderId,
      shop_id: order.shopId,
      position: j.position,
      start: new Date(j.start).toISOString(),
      finish: new Date(j.finish).toISOString(),
      leaves_at: new Date(j.leavesAt).toISOString(),
      ship_by_at: new Date(order.shipByAt).toISOString(),
      lateness_minutes: Math.max(0, Math.round(j.latenessMs / 60_000)),
      penalty: j.penalty,
      pinned: j.pinned,
      beyond_horizon: j.beyondHorizon,
    };
  };
  return {
    currency: p.currency,
    mixed_currencies: work.mixedCurrencies,
    jobs: work.orders.size,
    waiting_for_stock: work.waitingForStock,
    ...(work.unassigned !== undefined ? { unassigned: work.unassigned } : {}),
    total_penalty: p.totalPenalty,
    edd_penalty: p.eddPenalty,
    saving_vs_edd: p.eddPenalty - p.totalPenalty,
    optimal: p.optimal,
    method: p.method,
    late: p.lateJobs.map(job),
    stations: p.stations.map((s) => ({ station: s.stationId, queue: s.queue.map(job) })),
    fixes: work.fixes.map((f) => ({
      fix: f.name,
      penalty: f.plan.totalPenalty,
      penalty_delta: f.penaltyDelta,
      net_saving: f.netSaving,
      rescued_orders: f.rescuedJobs.map((id) => work.orders.get(id)?.platformOrderId ?? id),
      newly_late_orders: f.newlyLateJobs.map((id) => work.orders.get(id)?.platformOrderId ?? id),
    })),
    ...(p.warmStart
      ? {
          warm_start: {
            used: p.warmStart.used,
            kept: p.warmStart.kept,
            inserted: p.warmStart.inserted,
            start_penalty: p.warmStart.startPenalty,
          },
        }
      : {}),
    estimates: [...(work.estimates ?? new Map()).entries()].map(([shopId, e]) => ({
      shop_id: shopId,
      source: e.source,
      minutes_per_order: e.minutesPerOrder,
      minutes_per_line: e.minutesPerLine,
      minutes_per_unit: e.minutesPerUnit,
      sessions: e.sessions,
    })),
    notes: p.notes,
  };
}
