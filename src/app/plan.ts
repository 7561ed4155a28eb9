/**
 * The warehouse's work queue from the open orders: each order is a job (its work estimate, its deadline, its
 * fine schedule under its policy plus a per-hour cost), planned on the stations' shifts and the carrier's
 * pick-ups by the core planner, next to what earliest-deadline-first would cost.
 *
 * Staffing is passed in (CLI flags / query parameters) until warehouses store it.
 */
import { performance } from 'node:perf_hooks';
import { localized } from '../core/i18n';
import { OPEN_ORDER_STATES } from '../core/order';
import { fineAt } from '../core/penalty';
import {
  dailyInstants, dailyShifts, plan, whatIf, withExtraPickup, withExtraStation, withLaterDeadlines,
  type Job, type Plan, type PlanInput, type PlanOptions, type Scenario, type ScenarioOutcome,
} from '../core/schedule';
import { HOUR_MS } from '../core/time';
import * as packing from '../store/packing';
import type { AppContext } from './context';
import { orderFacts } from './deadlines';
import { ValidationError } from './errors';
import { extensionFromRow, loadShopResolver } from './policies';

export interface PlanSettings {
  shopIds?: string[];
  stations: number;
  zone: string;
  /** Local working window, e.g. 09:00–18:00. */
  shift: { start: string; end: string };
  /** Local pick-up times, e.g. ["11:00", "17:00"]. */
  pickups: string[];
  /** Work estimate: minutes per order + per line + per unit. */
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

export interface WorkPlan {
  plan: Plan;
  /** Orders in the plan by job id, for the edges to show. */
  orders: Map<string, { id: number; platformOrderId: string; shopId: string; shipByAt: number }>;
  mixedCurrencies: boolean;
  /** Orders waiting for stock: not workable until their goods arrive, so not in the plan. */
  waitingForStock: number;
  /** When some orders are late even in the best plan: the cheapest fixes, each a re-plan of a changed input. */
  fixes: ScenarioOutcome[];
}

export async function planOpenOrders(ctx: AppContext, settings: PlanSettings): Promise<WorkPlan> {
  if (!(settings.stations >= 1 && settings.stations <= 500)) {
    throw new ValidationError([{ row: 0, field: 'stations', message: localized('stations must be from 1 to 500.', '工位数必须在 1 到 500 之间。') }]);
  }
  const db = ctx.store.db;
  const now = ctx.now();
  let query = db.selectFrom('orders').selectAll().where('status', 'in', [...OPEN_ORDER_STATES]).where('ship_by_at', 'is not', null);
  if (settings.shopIds?.length) query = query.where('shop_id', 'in', settings.shopIds);
  const candidates = await query.orderBy('ship_by_at').execute();
  // No work is left for an order whose parcels are all labelled (or further): they wait for the pick-up.
  const parcelRows = candidates.length
    ? await db.selectFrom('parcels').select(['order_id', 'status']).where('order_id', 'in', candidates.map((o) => o.id)).where('status', '!=', 'voided').execute()
    : [];
  const workLeft = new Map<number, boolean>();
  for (const p of parcelRows) workLeft.set(p.order_id, (workLeft.get(p.order_id) ?? false) || p.status === 'created' || p.status === 'packed');
  const open = candidates.filter((o) => o.status !== 'awaiting_stock' && workLeft.get(o.id) !== false);
  // An order on a packing station now is never reordered: it stays first on its station.
  const stationIds = Array.from({ length: settings.stations }, (_, i) => `station-${i + 1}`);
  const inProgress = new Map<number, { stationId: string; startedAt: number }>();
  const freeStations = [...stationIds];
  for (const session of await packing.ordersBeingPacked(db, settings.shopIds)) {
    const named = session.station && freeStations.includes(session.station) ? session.station : freeStations[0];
    if (!named || inProgress.has(session.order_id)) continue;
    freeStations.splice(freeStations.indexOf(named), 1);
    inProgress.set(session.order_id, { stationId: named, startedAt: Math.min(session.started_at, now) });
  }
  const ids = open.map((o) => o.id);
  const [lines, extensions] = ids.length
    ? await Promise.all([
        db.selectFrom('order_lines').select(['order_id', 'quantity', 'unit_price']).where('order_id', 'in', ids).execute(),
        db.selectFrom('order_extensions').selectAll().where('order_id', 'in', ids).execute(),
      ])
    : [[], []];
  const byOrder = new Map<number, { lines: number; units: number; amount: number }>();
  for (const l of lines) {
    const s = byOrder.get(l.order_id) ?? { lines: 0, units: 0, amount: 0 };
    s.lines++;
    s.units += l.quantity;
    s.amount += l.quantity * l.unit_price;
    byOrder.set(l.order_id, s);
  }
  const resolvers = new Map<string, Awaited<ReturnType<typeof loadShopResolver>>>();
  const jobs: Job[] = [];
  const orders: WorkPlan['orders'] = new Map();
  const currencies = new Set<string>();
  for (const order of open) {
    let resolver = resolvers.get(order.shop_id);
    if (!resolver) resolvers.set(order.shop_id, (resolver = await loadShopResolver(db, order.shop_id)));
    const policy = resolver.forOrder(order.paid_at, order.order_type ?? undefined);
    const size = byOrder.get(order.id) ?? { lines: 1, units: 1, amount: order.total_amount };
    const facts = orderFacts(order, { units: size.units, productAmount: size.amount }, extensions.filter((e) => e.order_id === order.id).map(extensionFromRow));
    const minutes = settings.minutesPerOrder + settings.minutesPerLine * size.lines + settings.minutesPerUnit * size.units;
    const hourly = settings.hourlyCost;
    // Any non-decreasing function: the policy's fine for that lateness, plus the per-hour cost.
    const penalty = (latenessMs: number) =>
      latenessMs <= 0 ? 0 : fineAt(policy, facts, latenessMs).money.amount + Math.floor((hourly * latenessMs) / HOUR_MS);
    currencies.add(fineAt(policy, facts, 1).money.currency);
    const id = String(order.id);
    jobs.push({ id, processingMs: Math.round(minutes * 60_000), dueAt: order.ship_by_at!, penalty, inProgress: inProgress.get(order.id) });
    orders.set(id, { id: order.id, platformOrderId: order.platform_order_id, shopId: order.shop_id, shipByAt: order.ship_by_at! });
  }
  const shifts = dailyShifts({ zone: settings.zone, from: now, days: settings.horizonDays, windows: [settings.shift] });
  const input: PlanInput = {
    now,
    currency: currencies.size === 1 ? [...currencies][0]! : 'USD',
    jobs,
    stations: stationIds.map((id) => ({ id, shifts })),
    pickups: settings.pickups.length ? { times: dailyInstants({ zone: settings.zone, from: now, days: settings.horizonDays, times: settings.pickups }) } : undefined,
  };
  const options = { seed: settings.seed, timeBudgetMs: settings.timeBudgetMs, clock: () => performance.now() };
  const result = plan(input, options);
  const fixes = result.lateJobs.length ? whatIfFixes(input, result, settings, options) : [];
  return { plan: result, orders, mixedCurrencies: currencies.size > 1, waitingForStock: candidates.length - open.length, fixes };
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
    { name: 'extra_packer_2h', input: withExtraStation(input, { id: 'extra-packer', shifts: [{ start, end: start + 2 * HOUR_MS }] }), fixCost: 2 * settings.fixCosts.packerHour },
    { name: 'express_service_for_late_orders', input: withLaterDeadlines(input, lateIds, 4 * HOUR_MS), fixCost: lateIds.length * settings.fixCosts.expressPerOrder },
  ];
  if (firstLateDue - HOUR_MS > input.now) {
    scenarios.push({ name: 'extra_pickup', input: withExtraPickup(input, firstLateDue - HOUR_MS), fixCost: settings.fixCosts.extraPickup });
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
      order_id: order.id, platform_order_id: order.platformOrderId, shop_id: order.shopId, position: j.position,
      start: new Date(j.start).toISOString(), finish: new Date(j.finish).toISOString(), leaves_at: new Date(j.leavesAt).toISOString(),
      ship_by_at: new Date(order.shipByAt).toISOString(), lateness_minutes: Math.max(0, Math.round(j.latenessMs / 60_000)), penalty: j.penalty,
      pinned: j.pinned, beyond_horizon: j.beyondHorizon,
    };
  };
  return {
    currency: p.currency,
    mixed_currencies: work.mixedCurrencies,
    jobs: work.orders.size,
    waiting_for_stock: work.waitingForStock,
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
    notes: p.notes,
  };
}
