/**
 * The planning problem read from the store (plan.ts plans it): the open orders of the plan's scope that have work
 * left — the situation decides (app/order-situation.ts) —, each a job with its work estimate, its deadline, its
 * release when goods are expected and its fine schedule under its policy plus a per-hour cost; the orders being
 * packed now pinned first on their station; the staffing's shifts and pick-ups in the warehouse's zone; and a
 * fingerprint of all of it, so an unchanged problem keeps its stored plan.
 */
import { createHash } from 'node:crypto';
import { localized } from '../core/i18n';
import type { Policy } from '../core/policy/schema';
import { OPEN_ORDER_STATES } from '../core/order';
import { fineAt, type OrderFacts } from '../core/penalty';
import { queuedWork, type QueuedWork } from '../core/situation';
import { dailyInstants, dailyShifts, type Job, type PlanInput } from '../core/schedule';
import { workMinutes, type EstimateInForce } from '../core/work-estimate';
import { HOUR_MS } from '../core/time';
import * as packSessions from '../store/pack-sessions';
import * as planning from '../store/planning';
import type { OrderRow } from '../store/schema';
import type { AppContext } from './context';
import { situationsOf, type OrderSituation } from './order-situation';
import { ValidationError } from './errors';
import { estimatesInForce } from './work-estimates';
import type { PlanProblem, PlanSettings } from './plan';

type Work = { situation: OrderSituation; queued: QueuedWork };
type Size = { lines: number; units: number; amount: number };

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
  const now = ctx.now();
  const { open, work, waitingForStock, unassigned } = await workableOrders(ctx, settings, now);
  const stationIds = Array.from({ length: settings.stations }, (_, i) => `station-${i + 1}`);
  const inProgress = await beingPacked(ctx, settings, open, stationIds, now);
  const byOrder = await orderSizes(ctx, open);
  const shopIds = [...new Set(open.map((o) => o.shop_id))];
  const estimateOf = await estimatesInForce(ctx, shopIds, settings.warehouseId, {
    minutesPerOrder: settings.minutesPerOrder,
    minutesPerLine: settings.minutesPerLine,
    minutesPerUnit: settings.minutesPerUnit,
  });
  const { jobs, fines, orders, currencies, fingerprint } = await jobsOf(ctx, settings, open, {
    work,
    inProgress,
    byOrder,
    estimateOf,
  });
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

/** The orders of the plan's scope with work left, each with its situation and queued work. */
async function workableOrders(ctx: AppContext, settings: PlanSettings, now: number) {
  const db = ctx.store.db;
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
  return { open, work, waitingForStock, unassigned };
}

/** The orders on a packing station now, each on its station (or a free one): never reordered, first on it. */
async function beingPacked(
  ctx: AppContext,
  settings: PlanSettings,
  open: readonly OrderRow[],
  stationIds: readonly string[],
  now: number,
): Promise<Map<number, { stationId: string; startedAt: number }>> {
  const db = ctx.store.db;
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
  return inProgress;
}

/** Lines, units and amount of each order (what its work estimate counts). */
async function orderSizes(ctx: AppContext, open: readonly OrderRow[]): Promise<Map<number, Size>> {
  const db = ctx.store.db;
  const ids = open.map((o) => o.id);
  const lines = ids.length
    ? await db
        .selectFrom('order_lines')
        .select(['order_id', 'quantity', 'unit_price'])
        .where('order_id', 'in', ids)
        .execute()
    : [];
  const byOrder = new Map<number, Size>();
  for (const l of lines) {
    const s = byOrder.get(l.order_id) ?? { lines: 0, units: 0, amount: 0 };
    s.lines++;
    s.units += l.quantity;
    s.amount += l.quantity * l.unit_price;
    byOrder.set(l.order_id, s);
  }
  return byOrder;
}

/** The jobs of the orders, their fines and references, and the fingerprint of everything the plan depends on. */
async function jobsOf(
  ctx: AppContext,
  settings: PlanSettings,
  open: readonly OrderRow[],
  of: {
    work: Map<number, Work>;
    inProgress: Map<number, { stationId: string; startedAt: number }>;
    byOrder: Map<number, Size>;
    estimateOf: (shopId: string) => EstimateInForce;
  },
) {
  const db = ctx.store.db;
  const { work, inProgress, byOrder, estimateOf } = of;
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
  return { jobs, fines, orders, currencies, fingerprint };
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
