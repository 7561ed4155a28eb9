/**
 * Work estimates (issue 8): the minutes an order takes per order + per line + per unit, set by the seller per shop
 * or per warehouse, and learned per shop from its measured packing sessions once there are enough of them.
 */
import { localized } from '../core/i18n';
import type { ImportIssue } from '../core/order-input';
import { DAY_MS } from '../core/time';
import {
  estimateInForce,
  fitWorkEstimate,
  usableSamples,
  type EstimateInForce,
  type PackingSample,
  type WorkEstimate,
} from '../core/work-estimate';
import { listShops } from '../store/orders';
import * as planning from '../store/planning';
import type { WorkEstimateRow } from '../store/schema-planning';
import type { AppContext } from './context';
import { NotFoundError, ValidationError } from './errors';

const ESTIMATE_SCOPES = ['shop', 'warehouse'] as const;
export type EstimateScope = (typeof ESTIMATE_SCOPES)[number];

/** Sessions older than this no longer say how fast the warehouse packs today. */
const LEARNING_WINDOW_MS = 90 * DAY_MS;
const LEARNING_MAX_SESSIONS = 20_000;

function toEstimate(row: WorkEstimateRow): WorkEstimate {
  return {
    minutesPerOrder: row.seconds_per_order / 60,
    minutesPerLine: row.seconds_per_line / 60,
    minutesPerUnit: row.seconds_per_unit / 60,
  };
}

/** Measured sessions per shop, as samples (minutes from start to finish of the session). */
async function samplesByShop(ctx: AppContext, shopIds?: readonly string[]): Promise<Map<string, PackingSample[]>> {
  const sessions = await planning.finishedPackSessions(ctx.store.db, {
    shopIds,
    since: ctx.now() - LEARNING_WINDOW_MS,
    limit: LEARNING_MAX_SESSIONS,
  });
  const byShop = new Map<string, PackingSample[]>();
  for (const s of sessions) {
    const list = byShop.get(s.shopId) ?? [];
    list.push({ lines: s.lines, units: s.units, minutes: (s.finishedAt - s.startedAt) / 60_000 });
    byShop.set(s.shopId, list);
  }
  return byShop;
}

/**
 * The estimate in force for each shop given (learned, else the shop's, else the warehouse's, else `defaults`), and
 * a function giving it for any shop.
 */
export async function estimatesInForce(
  ctx: AppContext,
  shopIds: readonly string[],
  warehouseId: string | undefined,
  defaults: WorkEstimate,
): Promise<(shopId: string) => EstimateInForce> {
  const [rows, samples] = await Promise.all([planning.listEstimates(ctx.store.db), samplesByShop(ctx, shopIds)]);
  const set = new Map(rows.map((r) => [`${r.scope}:${r.scope_id}`, toEstimate(r)]));
  const warehouse = warehouseId ? set.get(`warehouse:${warehouseId}`) : undefined;
  const cache = new Map<string, EstimateInForce>();
  return (shopId) => {
    let found = cache.get(shopId);
    if (!found) {
      const measured = samples.get(shopId) ?? [];
      found = estimateInForce({
        learned: fitWorkEstimate(measured),
        sessions: usableSamples(measured).length,
        shop: set.get(`shop:${shopId}`),
        warehouse,
        defaults,
      });
      cache.set(shopId, found);
    }
    return found;
  };
}

export interface EstimateView {
  scope: EstimateScope;
  id: string;
  /** What the seller set (null: nothing; the default or the warehouse's applies). */
  set: { minutes_per_order: number; minutes_per_line: number; minutes_per_unit: number } | null;
  /** Shops only: the estimate the planner uses, and why. */
  in_force?: {
    source: string;
    minutes_per_order: number;
    minutes_per_line: number;
    minutes_per_unit: number;
    sessions: number;
    rmse_minutes: number | null;
    explanation: EstimateInForce['explanation'];
  };
}

const view = (e: WorkEstimate) => ({
  minutes_per_order: e.minutesPerOrder,
  minutes_per_line: e.minutesPerLine,
  minutes_per_unit: e.minutesPerUnit,
});

/** Every shop's estimate in force (and what it was set to), and each warehouse's set figures. */
export async function listWorkEstimates(ctx: AppContext, defaults: WorkEstimate): Promise<EstimateView[]> {
  const db = ctx.store.db;
  const [rows, shops, warehouses] = await Promise.all([
    planning.listEstimates(db),
    listShops(db),
    db.selectFrom('warehouses').select('id').orderBy('id').execute(),
  ]);
  const set = new Map(rows.map((r) => [`${r.scope}:${r.scope_id}`, toEstimate(r)]));
  const inForce = await estimatesInForce(
    ctx,
    shops.map((s) => s.id),
    undefined,
    defaults,
  );
  const out: EstimateView[] = shops.map((shop) => {
    const e = inForce(shop.id);
    const own = set.get(`shop:${shop.id}`);
    return {
      scope: 'shop',
      id: shop.id,
      set: own ? view(own) : null,
      in_force: {
        source: e.source,
        ...view(e),
        sessions: e.sessions,
        rmse_minutes: e.rmseMinutes ?? null,
        explanation: e.explanation,
      },
    };
  });
  for (const w of warehouses) {
    const own = set.get(`warehouse:${w.id}`);
    out.push({ scope: 'warehouse', id: w.id, set: own ? view(own) : null });
  }
  return out;
}

export interface EstimateInput {
  scope: string;
  id: string;
  minutesPerOrder: number;
  minutesPerLine: number;
  minutesPerUnit: number;
}

/** Sets a shop's or a warehouse's work estimate (minutes, kept to the second). */
export async function setWorkEstimate(ctx: AppContext, input: EstimateInput): Promise<EstimateView> {
  const issues: ImportIssue[] = [];
  const issue = (field: string, en: string, zh: string) => issues.push({ row: 0, field, message: localized(en, zh) });
  if (!(ESTIMATE_SCOPES as readonly string[]).includes(input.scope))
    issue('scope', `scope must be shop or warehouse.`, `范围必须是 shop（店铺）或 warehouse（仓库）。`);
  for (const [field, value] of [
    ['minutes_per_order', input.minutesPerOrder],
    ['minutes_per_line', input.minutesPerLine],
    ['minutes_per_unit', input.minutesPerUnit],
  ] as const) {
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 600))
      issue(field, `${field} must be a number of minutes from 0 to 600.`, `${field} 须为 0 到 600 之间的分钟数。`);
  }
  if (issues.length) throw new ValidationError(issues);
  const db = ctx.store.db;
  const exists =
    input.scope === 'shop'
      ? await db.selectFrom('shops').select('id').where('id', '=', input.id).executeTakeFirst()
      : await planning.getWarehouse(db, input.id);
  if (!exists)
    throw new NotFoundError(
      input.scope === 'shop'
        ? localized(`No shop "${input.id}".`, `没有店铺「${input.id}」。`)
        : localized(`No warehouse "${input.id}".`, `没有仓库「${input.id}」。`),
    );
  const row: WorkEstimateRow = {
    scope: input.scope,
    scope_id: input.id,
    seconds_per_order: Math.round(input.minutesPerOrder * 60),
    seconds_per_line: Math.round(input.minutesPerLine * 60),
    seconds_per_unit: Math.round(input.minutesPerUnit * 60),
    updated_at: ctx.now(),
  };
  await db.transaction().execute((trx) => planning.upsertEstimate(trx, row));
  return { scope: input.scope as EstimateScope, id: input.id, set: view(toEstimate(row)) };
}
