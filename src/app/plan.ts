/**
 * The warehouse's work queue from the open orders: each order is a job (its work estimate, its deadline, its
 * fine schedule under its policy plus a per-hour cost), planned on the stations' shifts and the carrier's
 * pick-ups by the core planner, next to what earliest-deadline-first would cost.
 *
 * Staffing and the default work estimate come in the settings: from the warehouse's stored staffing (app/planning.ts,
 * which also keeps the last plan per warehouse and recomputes it on change) or from the caller for a what-if.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { localized } from '../core/i18n';
import type { Policy } from '../core/policy/schema';
import { OPEN_ORDER_STATES } from '../core/order';
import { fineAt, type OrderFacts } from '../core/penalty';
import { queuedWork, type QueuedWork } from '../core/situation';
import {
  dailyInstants,
  dailyShifts,
  plan,
  whatIf,
  withExtraPickup,
  withExtraStation,
  withLaterDeadlines,
  type Job,
  type LocalWindow,
  type Plan,
  type PlanInput,
  type PlanOptions,
  type Scenario,
  type ScenarioOutcome,
} from '../core/schedule';
import { workMinutes, type EstimateInForce } from '../core/work-estimate';
import { HOUR_MS } from '../core/time';
import * as packSessions from '../store/pack-sessions';
import * as planning from '../store/planning';
import type { AppContext } from './context';
import { situationsOf, type OrderSituation } from './order-situation';
import { ValidationError } from './errors';
import { estimatesInForce } from './work-estimates';

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
 * The warehouse each order is served from: the one holding most of its reserved units (lowest id on a tie); for an
 * order waiting for stock, the warehouse it waits on; for an order with neither, the only warehouse if there is
 * just one (or none is defined), else none (`undefined`).
 */
async function orderWarehouses(ctx: AppContext, orderIds: readonly number[]): Promise<Map<number, string | undefined>> {
  const db = ctx.store.db;
  const [reserved, shortfalls, warehouses] = await Promise.all([
    planning.reservedUnitsByWarehouse(db, orderIds),
    planning.shortfallsOf(db, orderIds),
    db.selectFrom('warehouses').select('id').execute(),
  ]);
  const best = new Map<number, { warehouseId: string; units: number }>();
  for (const r of reserved) {
    const b = best.get(r.orderId);
    if (!b || r.units > b.units || (r.units === b.units && r.warehouseId < b.warehouseId))
      best.set(r.orderId, { warehouseId: r.warehouseId, units: r.units });
  }
  for (const f of shortfalls)
    if (f.warehouse_id && !best.has(f.order_id)) best.set(f.order_id, { warehouseId: f.warehouse_id, units: 0 });
  const only = warehouses.length === 1 ? warehouses[0]!.id : undefined;
  return new Map(orderIds.map((id) => [id, best.get(id)?.warehouseId ?? only]));
}

/** Any non-decreasing function of lateness: the policy's fine for that lateness, plus the per-hour cost. */
export function latenessPenalty(policy: Policy, facts: OrderFacts, hourlyCost: number): (latenessMs: number) => number {
  return (latenessMs) =>
    latenessMs <= 0
      ? 0
      : fineAt(policy, facts, latenessMs).money.amount + Math.floor((hourlyCost * latenessMs) / HOUR_MS);
}

/** Reads the open orders of the plan's scope and turns them into jobs on the staffing's stations and pick-ups. */
export async function loadPlanProblem(ctx: AppContext, settings: PlanSettings): Promise<PlanProblem> {
  if (!(settings.stations >= 1 && settings.stations <= 500)) {
    throw new ValidationError([
      {
        row: 0,
        field: 'stations',
        message: localized('stations must be from 1 to 500.', '工位数必须在 1 到 500 之间。'),
      },
    ]);
  }
  const db = ctx.store.db;
  const now = ctx.now();
  let query = db
    .selectFrom('orders')
    .selectAll()
    .where('status', 'in', [...OPEN_ORDER_STATES])
    .where('ship_by_at', 'is not', null);
  if (settings.shopIds?.length) query = query.where('shop_id', 'in', settings.shopIds);
  let candidates = await query.orderBy('ship_by_at').orderBy('id').execute();
  let unassigned = 0;
  if (settings.warehouseId !== undefined) {
    const served = await orderWarehouses(
      ctx,
      candidates.map((o) => o.id),
    );
    unassigned = candidates.filter((o) => served.get(o.id) === undefined).length;
    candidates = candidates.filter((o) => served.get(o.id) === settings.warehouseId);
  }
  // No work is left for an order whose parcels are all labelled (or further): they wait for the pick-up.
  const parcelRows = candidates.length
    ? await db
        .selectFrom('parcels')
        .select(['order_id', 'status'])
        .where(
          'order_id',
          'in',
          candidates.map((o) => o.id),
        )
        .where('status', '!=', 'voided')
        .execute()
    : [];
  const workLeft = new Map<number, boolean>();
  for (const p of parcelRows)
    workLeft.set(p.order_id, (workLeft.get(p.order_id) ?? false) || p.status === 'created' || p.status === 'packed');
  // The situation decides what is work (one truth): an order in no queue (closed at its closing point, cancelled) is
  // not, nor one waiting for stock that nothing brings; one whose goods are expected is workable from then. Its
  // deadline is the situation's.
  const situations = await situationsOf(
    ctx,
    candidates.filter((o) => workLeft.get(o.id) !== false),
    now,
  );
  const work = new Map<number, { situation: OrderSituation; queued: QueuedWork }>();
  let waitingForStock = 0;
  for (const s of situations) {
    const queued = s.situation ? queuedWork(s.situation, s.facts) : null;
    if (queued) work.set(s.order.id, { situation: s, queued });
    else if (s.order.status === 'awaiting_stock' && s.situation?.inQueues) waitingForStock++;
  }
  const open = candidates.filter((o) => work.has(o.id));
  // An order on a packing station now is never reordered: it stays first on its station.
  const stationIds = Array.from({ length: settings.stations }, (_, i) => `station-${i + 1}`);
  const inProgress = new Map<number, { stationId: string; startedAt: number }>();
  const freeStations = [...stationIds];
  const openIds = new Set(open.map((o) => o.id));
  for (const session of await packSessions.ordersBeingPacked(db, settings.shopIds)) {
    if (!openIds.has(session.order_id)) continue;
    const named = session.station && freeStations.includes(session.station) ? session.station : freeStations[0];
    if (!named || inProgress.has(session.order_id)) continue;
    freeStations.splice(freeStations.indexOf(named), 1);
    inProgress.set(session.order_id, { stationId: named, startedAt: Math.min(session.started_at, now) });
  }
  const ids = open.map((o) => o.id);
  const lines = ids.length
    ? await db
        .selectFrom('order_lines')
        .select(['order_id', 'quantity', 'unit_price'])
        .where('order_id', 'in', ids)
        .execute()
    : [];
  const byOrder = new Map<number, { lines: number; units: number; amount: number }>();
  for (const l of lines) {
    const s = byOrder.get(l.order_id) ?? { lines: 0, units: 0, amount: 0 };
    s.lines++;
    s.units += l.quantity;
    s.amount += l.quantity * l.unit_price;
    byOrder.set(l.order_id, s);
  }
  const shopIds = [...new Set(open.map((o) => o.shop_id))];
  const estimateOf = await estimatesInForce(ctx, shopIds, settings.warehouseId, {
    minutesPerOrder: settings.minutesPerOrder,
    minutesPerLine: settings.minutesPerLine,
    minutesPerUnit: settings.minutesPerUnit,
  });
  const fingerprinted = new Set<string>();
  const jobs: Job[] = [];
  const fines: PlanProblem['fines'] = new Map();
  const orders: PlanProblem['orders'] = new Map();
  const currencies = new Set<string>();
  const fingerprint = createHash('sha1');
  fingerprint.update(
    JSON.stringify({
      w: settings.warehouseId ?? null,
      shops: settings.shopIds ?? null,
      stations: settings.stations,
      zone: settings.zone,
      shifts: settings.shifts ?? [settings.shift],
      weekdays: settings.weekdays ?? null,
      pickups: settings.pickups,
      hourly: settings.hourlyCost,
      horizon: settings.horizonDays,
      seed: settings.seed,
      fix: settings.fixCosts,
    }),
  );
  for (const order of open) {
    if (!fingerprinted.has(order.shop_id)) {
      fingerprinted.add(order.shop_id);
      const shop = await db
        .selectFrom('shops')
        .select(['policy_id', 'policy_by_type', 'policy_overrides'])
        .where('id', '=', order.shop_id)
        .executeTakeFirst();
      fingerprint.update(`\u0002${order.shop_id}:${JSON.stringify(shop ?? null)}`);
    }
    const {
      situation: { policy, facts },
      queued,
    } = work.get(order.id)!;
    const size = byOrder.get(order.id) ?? { lines: 1, units: 1, amount: order.total_amount };
    const minutes = workMinutes(estimateOf(order.shop_id), size.lines, size.units);
    const penalty = latenessPenalty(policy, facts, settings.hourlyCost);
    fines.set(String(order.id), { policy, facts });
    currencies.add(fineAt(policy, facts, 1).money.currency);
    const id = String(order.id);
    const processingMs = Math.round(minutes * 60_000);
    const started = inProgress.get(order.id);
    const releaseAt = queued.releaseAt;
    jobs.push({
      id,
      processingMs,
      dueAt: queued.dueAt,
      penalty,
      inProgress: started,
      ...(releaseAt !== undefined ? { releaseAt } : {}),
    });
    orders.set(id, {
      id: order.id,
      platformOrderId: order.platform_order_id,
      shopId: order.shop_id,
      shipByAt: queued.dueAt,
    });
    // The order's version moves with every change of its content, state or deadline; the rest is what the job holds.
    fingerprint.update(
      `\u0001${id}|${order.version}|${order.updated_at}|${processingMs}|${queued.dueAt}|${releaseAt ?? ''}|${started ? `${started.stationId}@${started.startedAt}` : ''}|${size.lines}|${size.units}|${size.amount}`,
    );
  }
  const windows = settings.shifts?.length ? settings.shifts : [settings.shift];
  const calendar = {
    zone: settings.zone,
    from: now,
    days: settings.horizonDays,
    ...(settings.weekdays?.length ? { weekdays: settings.weekdays } : {}),
  };
  const shifts = dailyShifts({ ...calendar, windows });
  const input: PlanInput = {
    now,
    currency: currencies.size === 1 ? [...currencies][0]! : 'USD',
    jobs,
    stations: stationIds.map((id) => ({ id, shifts })),
    pickups: settings.pickups.length ? { times: dailyInstants({ ...calendar, times: settings.pickups }) } : undefined,
  };
  const estimates = new Map(shopIds.map((shopId) => [shopId, estimateOf(shopId)]));
  return {
    input,
    orders,
    mixedCurrencies: currencies.size > 1,
    waitingForStock,
    unassigned,
    estimates,
    fines,
    fingerprint: fingerprint.digest('base64url'),
  };
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
