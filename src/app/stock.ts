/**
 * Stock use cases: the catalogue (warehouses, SKUs, the marketplace-SKU mapping), adjustments, the ledger,
 * shortages, replenishment, purchase orders, low-stock alerts and the invariant audit. Each opens one
 * transaction; reservations themselves are in stock-reservations.ts.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { localized } from '../core/i18n';
import {
  checkAdjustment, isCutoffTime, nextCutoffAt, rankReplenishment, suggestReplenishment, WAREHOUSE_KINDS, type ReplenishmentLine,
} from '../core/inventory';
import type { ImportIssue } from '../core/order-input';
import { purchaseOrderMachine, purchaseOrderRefusal, type PurchaseOrderAction, type PurchaseOrderState } from '../core/purchase-order';
import { decide, isAction } from '../core/state-machine';
import { DAY_MS, isValidTimeZone } from '../core/time';
import * as orderStore from '../store/orders';
import * as stock from '../store/stock';
import * as purchaseOrders from '../store/purchase-orders';
import * as stockReads from '../store/stock-reads';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { inStockTransaction, refusalMessage, settleStockInTransaction, StockChangeRefused, type SettleReport } from './stock-reservations';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:\-/]{0,63}$/;

function issue(field: string, en: string, zh: string): ImportIssue {
  return { row: 0, field, message: localized(en, zh) };
}

// ---------------------------------------------------------------------------------------------------------
// Catalogue

export interface WarehouseInput {
  id: string;
  name?: string;
  kind: string;
  country?: string | null;
  timeZone: string;
  cutoffTime: string;
}

export async function defineWarehouse(ctx: AppContext, input: WarehouseInput): Promise<void> {
  const issues: ImportIssue[] = [];
  if (!ID.test(input.id)) issues.push(issue('id', `warehouse id "${input.id}" must be 1–64 letters, digits or . _ : - /.`, `仓库编号「${input.id}」须为 1–64 个字母、数字或 . _ : - /。`));
  if (!(WAREHOUSE_KINDS as readonly string[]).includes(input.kind)) issues.push(issue('kind', `kind must be ${WAREHOUSE_KINDS.join(' or ')}.`, `类型必须是 ${WAREHOUSE_KINDS.join(' 或 ')}。`));
  if (!isValidTimeZone(input.timeZone)) issues.push(issue('time_zone', `"${input.timeZone}" is not an IANA time zone (e.g. Asia/Shanghai).`, `「${input.timeZone}」不是 IANA 时区（例如 Asia/Shanghai）。`));
  if (!isCutoffTime(input.cutoffTime)) issues.push(issue('cutoff', `cut-off "${input.cutoffTime}" must be HH:MM (24 h).`, `截单时间「${input.cutoffTime}」须为 HH:MM（24 小时制）。`));
  const country = input.country?.trim().toUpperCase() || null;
  if (country !== null && !/^[A-Z]{2}$/.test(country)) issues.push(issue('country', `country "${country}" must be ISO 3166 alpha-2.`, `国家「${country}」须为 ISO 3166 两位代码。`));
  if (issues.length) throw new ValidationError(issues);
  await ctx.store.db.transaction().execute((trx) =>
    stock.upsertWarehouse(trx, { id: input.id, name: input.name?.trim() || input.id, kind: input.kind, country, time_zone: input.timeZone, cutoff_time: input.cutoffTime }, ctx.now()),
  );
}

export async function listWarehouses(ctx: AppContext) {
  const now = ctx.now();
  return (await stock.listWarehouses(ctx.store.db)).map((w) => ({ ...w, next_cutoff_at: nextCutoffAt(now, w.time_zone, w.cutoff_time) }));
}

export interface SkuInput {
  sku: string;
  name?: string;
  productId?: string | null;
  productName?: string;
  leadDays?: number;
  safetyDays?: number;
  cycleDays?: number;
}

export const SKU_DEFAULTS = { leadDays: 7, safetyDays: 3, cycleDays: 14 };

/** Creates or updates a seller SKU (and its product); unspecified planning days keep their value. */
export async function defineSku(ctx: AppContext, input: SkuInput): Promise<void> {
  const issues: ImportIssue[] = [];
  if (!ID.test(input.sku)) issues.push(issue('sku', `SKU "${input.sku}" must be 1–64 letters, digits or . _ : - /.`, `SKU「${input.sku}」须为 1–64 个字母、数字或 . _ : - /。`));
  if (input.productId && !ID.test(input.productId)) issues.push(issue('product', `product id "${input.productId}" must be 1–64 letters, digits or . _ : - /.`, `商品编号「${input.productId}」格式无效。`));
  for (const [field, value] of [['lead_days', input.leadDays], ['safety_days', input.safetyDays], ['cycle_days', input.cycleDays]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 365)) issues.push(issue(field, `${field} must be a whole number of days from 0 to 365.`, `${field} 须为 0–365 的整数天数。`));
  }
  if (issues.length) throw new ValidationError(issues);
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const existing = (await stock.getSkus(trx, [input.sku]))[0];
    if (input.productId) await stock.upsertProduct(trx, { id: input.productId, name: input.productName?.trim() || input.productId }, now);
    await stock.upsertSku(trx, {
      sku: input.sku,
      product_id: input.productId ?? existing?.product_id ?? null,
      name: input.name?.trim() || existing?.name || input.sku,
      lead_days: input.leadDays ?? existing?.lead_days ?? SKU_DEFAULTS.leadDays,
      safety_days: input.safetyDays ?? existing?.safety_days ?? SKU_DEFAULTS.safetyDays,
      cycle_days: input.cycleDays ?? existing?.cycle_days ?? SKU_DEFAULTS.cycleDays,
    }, now);
  });
}

export async function listSkus(ctx: AppContext) {
  return stock.getSkus(ctx.store.db);
}

/**
 * Maps a shop's marketplace SKU to seller SKUs: one component is a plain mapping (or a multipack with
 * units > 1), several make a bundle. An empty list removes the mapping. Without any mapping, a marketplace
 * SKU that is also a seller SKU means itself.
 */
export async function mapPlatformSku(ctx: AppContext, shopId: string, platformSku: string, components: Array<{ sku: string; units: number }>): Promise<void> {
  const issues: ImportIssue[] = [];
  if (!platformSku.trim()) issues.push(issue('platform_sku', 'the marketplace SKU is empty.', '平台 SKU 为空。'));
  const seen = new Set<string>();
  for (const c of components) {
    if (!(Number.isInteger(c.units) && c.units >= 1 && c.units <= 10_000)) issues.push(issue('units', `${c.sku}: units must be a whole number from 1 to 10000.`, `${c.sku}：件数须为 1–10000 的整数。`));
    if (seen.has(c.sku)) issues.push(issue('sku', `${c.sku} is listed twice; give its units once.`, `${c.sku} 重复出现；请只写一次并注明件数。`));
    seen.add(c.sku);
  }
  const known = await stock.existingSkus(ctx.store.db, components.map((c) => c.sku));
  for (const c of components) if (!known.has(c.sku)) issues.push(issue('sku', `${c.sku} is not a seller SKU; add it first under Catalogue → SKUs.`, `${c.sku} 不是卖家 SKU；请先在「目录 → SKU」中添加。`));
  if (issues.length) throw new ValidationError(issues);
  await ctx.store.db.transaction().execute(async (trx) => {
    const shop = await orderStore.findShop(trx, shopId);
    if (!shop) throw new NotFoundError(localized(`shop ${shopId} not found.`, `未找到店铺 ${shopId}。`));
    await stock.replaceMapping(trx, shopId, platformSku.trim(), components);
  });
}

export async function listMappings(ctx: AppContext, shopId?: string) {
  return stock.listMappings(ctx.store.db, shopId);
}

// ---------------------------------------------------------------------------------------------------------
// Adjustments

export interface AdjustmentInput {
  warehouseId: string;
  sku: string;
  reason: string;
  /** A change (+found, −damaged) … */
  by?: number;
  /** … or the counted quantity (a stock-take). */
  to?: number;
  note?: string;
  actor: string;
}

/**
 * Adjusts stock with a reason (counted, damaged, found). One that would leave less on hand than is
 * reserved is refused (409) naming the orders that hold it. Stock found serves waiting orders at once.
 */
export async function adjustStock(ctx: AppContext, input: AdjustmentInput): Promise<{ onHand: number; reserved: number; report: SettleReport }> {
  if ((input.by === undefined) === (input.to === undefined)) {
    throw new ValidationError([issue('by', 'give either the change (--by) or the counted quantity (--to).', '请给出变动数量（--by）或盘点数量（--to）之一。')]);
  }
  if (input.to !== undefined && !(Number.isSafeInteger(input.to) && input.to >= 0)) {
    throw new ValidationError([issue('to', 'the counted quantity must be a whole number ≥ 0.', '盘点数量须为 ≥ 0 的整数。')]);
  }
  const levels = await stockReads.listStockLevels(ctx.store.db, { sku: input.sku, warehouseId: input.warehouseId });
  const known = await stock.existingSkus(ctx.store.db, [input.sku]);
  if (!known.has(input.sku)) throw new NotFoundError(localized(`SKU ${input.sku} is not in the catalogue.`, `目录中没有 SKU ${input.sku}。`));
  if (!(await stock.listWarehouses(ctx.store.db)).some((w) => w.id === input.warehouseId)) {
    throw new NotFoundError(localized(`warehouse ${input.warehouseId} not found.`, `未找到仓库 ${input.warehouseId}。`));
  }
  const currentOnHand = levels[0]?.on_hand ?? 0;
  const delta = input.by ?? input.to! - currentOnHand;
  const refusal = checkAdjustment(input.reason, delta);
  if (refusal) throw new ValidationError([{ row: 0, field: 'reason', message: refusal }]);
  try {
    return await inStockTransaction(ctx, async (trx) => {
      const report = await settleStockInTransaction(ctx.store, trx, {
        changes: [{
          warehouseId: input.warehouseId, sku: input.sku, kind: 'adjust', reason: input.reason, note: input.note?.trim() || null, purchaseOrderId: null,
          // A stock-take states what is there, whatever moved since it was read; a change is relative.
          ...(input.to !== undefined ? { set: input.to } : { delta }),
        }],
      }, { now: ctx.now(), actor: input.actor });
      const after = (await stockReads.listStockLevels(trx, { sku: input.sku, warehouseId: input.warehouseId }))[0]!;
      return { onHand: after.on_hand, reserved: after.reserved, report };
    });
  } catch (error) {
    if (error instanceof StockChangeRefused) throw new ConflictError('stock.below_reserved', refusalMessage(error.refusals[0]!));
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reads

export async function listStock(ctx: AppContext, filter: stockReads.LevelFilter = {}) {
  const db = ctx.store.db;
  const [levels, incoming, waiting] = await Promise.all([stockReads.listStockLevels(db, filter), stockReads.incomingUnits(db), stockReads.waitingNeeds(db)]);
  const key = (w: string | null, s: string) => `${w}\u0001${s}`;
  const incomingBy = new Map(incoming.map((i) => [key(i.warehouse_id, i.sku), i.quantity]));
  const waitingBy = new Map<string, number>();
  for (const w of waiting) waitingBy.set(key(w.warehouse_id, w.sku), (waitingBy.get(key(w.warehouse_id, w.sku)) ?? 0) + w.needed);
  return levels.map((l) => ({
    warehouse_id: l.warehouse_id, sku: l.sku, name: l.name, on_hand: l.on_hand, reserved: l.reserved, available: l.on_hand - l.reserved,
    incoming: incomingBy.get(key(l.warehouse_id, l.sku)) ?? 0, waiting: waitingBy.get(key(l.warehouse_id, l.sku)) ?? 0,
    low_stock_threshold: l.low_stock_threshold, updated_at: l.updated_at,
  }));
}

export async function listLedger(ctx: AppContext, filter: stockReads.MovementFilter) {
  return stockReads.listMovements(ctx.store.db, filter);
}

export interface Shortage {
  sku: string;
  /** Where the orders wait; null when no warehouse stocks the SKU at all. */
  warehouse_id: string | null;
  /** Units to bring in to serve every order waiting here: what they need minus what is free. */
  short_by: number;
  needed: number;
  available: number;
  incoming: number;
  earliest_ship_by_at: number | null;
  /** The orders this SKU blocks (they lack it), the earliest deadline first. */
  orders: Array<{ order_id: number; platform_order_id: string; shop_id: string; ship_by_at: number | null; needed: number; missing: number }>;
}

/** Each SKU short, by how much, the orders it blocks and their deadlines; the earliest deadline first. */
export async function listShortages(ctx: AppContext): Promise<Shortage[]> {
  const db = ctx.store.db;
  const [needs, levels, incoming] = await Promise.all([stockReads.waitingNeeds(db), stockReads.listStockLevels(db), stockReads.incomingUnits(db)]);
  const key = (w: string | null, s: string) => `${w}\u0001${s}`;
  const free = new Map(levels.map((l) => [key(l.warehouse_id, l.sku), l.on_hand - l.reserved]));
  const incomingBy = new Map(incoming.map((i) => [key(i.warehouse_id, i.sku), i.quantity]));
  const groups = new Map<string, Shortage>();
  for (const n of needs) {
    const k = key(n.warehouse_id, n.sku);
    let g = groups.get(k);
    if (!g) {
      g = { sku: n.sku, warehouse_id: n.warehouse_id, short_by: 0, needed: 0, available: Math.max(0, free.get(k) ?? 0), incoming: incomingBy.get(k) ?? 0, earliest_ship_by_at: null, orders: [] };
      groups.set(k, g);
    }
    g.needed += n.needed;
    if (n.missing > 0) g.orders.push({ order_id: n.order_id, platform_order_id: n.platform_order_id, shop_id: n.shop_id, ship_by_at: n.ship_by_at, needed: n.needed, missing: n.missing });
  }
  const far = Number.MAX_SAFE_INTEGER;
  const result: Shortage[] = [];
  for (const g of groups.values()) {
    if (g.orders.length === 0) continue;
    g.short_by = Math.max(g.needed - g.available, Math.max(...g.orders.map((o) => o.missing)));
    g.orders.sort((a, b) => (a.ship_by_at ?? far) - (b.ship_by_at ?? far) || a.order_id - b.order_id);
    g.earliest_ship_by_at = g.orders[0]!.ship_by_at;
    result.push(g);
  }
  return result.sort((a, b) => (a.earliest_ship_by_at ?? far) - (b.earliest_ship_by_at ?? far) || b.short_by - a.short_by || (a.sku < b.sku ? -1 : 1));
}

export interface ReplenishmentOptions {
  windowDays?: number;
  /** Overrides of the SKUs' own planning days. */
  leadDays?: number;
  safetyDays?: number;
  cycleDays?: number;
  /** Every SKU and warehouse, not only those to order. */
  all?: boolean;
}

/** Replenishment per SKU and warehouse (core/inventory.ts does the arithmetic), the deadlines at risk first. */
export async function replenishment(ctx: AppContext, options: ReplenishmentOptions = {}): Promise<ReplenishmentLine[]> {
  const windowDays = options.windowDays ?? 30;
  if (!(Number.isInteger(windowDays) && windowDays >= 1 && windowDays <= 365)) {
    throw new ValidationError([issue('window', 'the sales window must be 1 to 365 days.', '销量统计窗口须为 1–365 天。')]);
  }
  const db = ctx.store.db;
  const now = ctx.now();
  const [levels, incoming, waiting, sold] = await Promise.all([
    stockReads.listStockLevels(db), stockReads.incomingUnits(db), stockReads.waitingNeeds(db), stockReads.reservedFlowSince(db, now - windowDays * DAY_MS),
  ]);
  const key = (w: string | null, s: string) => `${w}\u0001${s}`;
  const incomingBy = new Map(incoming.map((i) => [key(i.warehouse_id, i.sku), i.quantity]));
  const soldBy = new Map(sold.map((s) => [key(s.warehouse_id, s.sku), s.units]));
  const backlog = new Map<string, { units: number; unitsInWindow: number; earliest: number | null; orders: number }>();
  for (const w of waiting) {
    const k = key(w.warehouse_id, w.sku);
    const b = backlog.get(k) ?? { units: 0, unitsInWindow: 0, earliest: null, orders: 0 };
    b.units += w.needed;
    // A waiting order is a sale too (it reserved nothing yet, so the ledger does not count it).
    if (w.recorded_at >= now - windowDays * DAY_MS) b.unitsInWindow += w.needed;
    if (w.missing > 0) {
      b.orders++;
      if (w.ship_by_at !== null && (b.earliest === null || w.ship_by_at < b.earliest)) b.earliest = w.ship_by_at;
    }
    backlog.set(k, b);
  }
  const lines = levels.map((l) => {
    const k = key(l.warehouse_id, l.sku);
    const b = backlog.get(k);
    return suggestReplenishment({
      sku: l.sku, warehouseId: l.warehouse_id,
      unitsSold: (soldBy.get(k) ?? 0) + (b?.unitsInWindow ?? 0), windowDays,
      leadDays: options.leadDays ?? l.lead_days, safetyDays: options.safetyDays ?? l.safety_days, cycleDays: options.cycleDays ?? l.cycle_days,
      onHand: l.on_hand, reserved: l.reserved, incoming: incomingBy.get(k) ?? 0, backlog: b?.units ?? 0,
      earliestBlockedDeadline: b?.earliest ?? null, blockedOrders: b?.orders ?? 0,
    });
  });
  const ranked = rankReplenishment(lines);
  return options.all ? ranked : ranked.filter((l) => l.suggest);
}

// ---------------------------------------------------------------------------------------------------------
// Purchase orders

export interface PurchaseOrderInput {
  warehouseId: string;
  supplier: string;
  reference?: string;
  expectedAt?: number;
  lines: Array<{ sku: string; quantity: number }>;
}

export async function createPurchaseOrder(ctx: AppContext, input: PurchaseOrderInput): Promise<number> {
  const issues: ImportIssue[] = [];
  if (!input.supplier.trim()) issues.push(issue('supplier', 'the supplier is required.', '必须填写供应商。'));
  if (input.lines.length === 0) issues.push(issue('lines', 'a purchase order needs at least one line (SKU=QUANTITY).', '采购单至少需要一行（SKU=数量）。'));
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    if (!(Number.isInteger(l.quantity) && l.quantity >= 1 && l.quantity <= 10_000_000)) issues.push({ row: i + 1, field: 'quantity', message: localized(`${l.sku}: the quantity must be a whole number ≥ 1.`, `${l.sku}：数量须为 ≥ 1 的整数。`) });
    if (seen.has(l.sku)) issues.push({ row: i + 1, field: 'sku', message: localized(`${l.sku} appears twice.`, `${l.sku} 出现了两次。`) });
    seen.add(l.sku);
  });
  const known = await stock.existingSkus(ctx.store.db, input.lines.map((l) => l.sku));
  input.lines.forEach((l, i) => {
    if (!known.has(l.sku)) issues.push({ row: i + 1, field: 'sku', message: localized(`${l.sku} is not a seller SKU.`, `${l.sku} 不是卖家 SKU。`) });
  });
  if (!(await stock.listWarehouses(ctx.store.db)).some((w) => w.id === input.warehouseId)) {
    issues.push(issue('warehouse', `warehouse ${input.warehouseId} not found.`, `未找到仓库 ${input.warehouseId}。`));
  }
  if (issues.length) throw new ValidationError(issues);
  return ctx.store.db.transaction().execute((trx) =>
    purchaseOrders.insertPurchaseOrder(trx, { warehouse_id: input.warehouseId, supplier: input.supplier.trim(), reference: input.reference?.trim() || null, expected_at: input.expectedAt ?? null }, input.lines, ctx.now()),
  );
}

export async function getPurchaseOrder(ctx: AppContext, id: number) {
  const po = await purchaseOrders.getPurchaseOrder(ctx.store.db, id);
  if (!po) throw new NotFoundError(localized(`purchase order ${id} not found.`, `未找到采购单 ${id}。`));
  return po;
}

export async function listPurchaseOrders(ctx: AppContext, filter: { status?: string; warehouseId?: string; warehouseIds?: readonly string[]; limit?: number } = {}) {
  return purchaseOrders.listPurchaseOrders(ctx.store.db, { ...filter, limit: filter.limit ?? 100 });
}

/**
 * Moves a purchase order through its machine: place, cancel, or receive — which adds its lines to stock
 * (optionally other quantities than ordered) and serves the orders waiting for them, earliest deadline
 * first, in the same transaction.
 */
export async function purchaseOrderAction(
  ctx: AppContext,
  id: number,
  action: string,
  options: { actor: string; received?: Array<{ sku: string; quantity: number }> },
): Promise<{ status: PurchaseOrderState; report?: SettleReport }> {
  if (!isAction(purchaseOrderMachine, action)) {
    throw new ValidationError([issue('action', `unknown action "${action}" (place, receive, cancel).`, `未知操作「${action}」（place、receive、cancel）。`)]);
  }
  const act: PurchaseOrderAction = action;
  return inStockTransaction(ctx, async (trx) => {
    const now = ctx.now();
    const po = await purchaseOrders.getPurchaseOrder(trx, id, ctx.store.dialect === 'postgres' ? 'wait' : 'none');
    if (!po) throw new NotFoundError(localized(`purchase order ${id} not found.`, `未找到采购单 ${id}。`));
    const decision = decide(purchaseOrderMachine, po.status as PurchaseOrderState, act, {});
    if (!decision.ok) throw new ConflictError(decision.rule, purchaseOrderRefusal(decision, id), po.status);
    const stamp = { place: 'ordered_at', receive: 'received_at', cancel: 'cancelled_at' } as const;
    if (!(await purchaseOrders.updatePurchaseOrder(trx, id, po.version, { status: decision.to, [stamp[act]]: now }, now))) {
      throw new ConflictError('purchase_order.version', localized('the purchase order was changed by someone else; try again.', '采购单已被他人修改，请重试。'), po.status);
    }
    if (act !== 'receive') return { status: decision.to };
    const received = po.lines.map((l) => ({ sku: l.sku, quantity: options.received?.find((r) => r.sku === l.sku)?.quantity ?? l.quantity }));
    const stray = options.received?.find((r) => !po.lines.some((l) => l.sku === r.sku));
    if (stray) throw new ValidationError([issue('sku', `${stray.sku} is not on purchase order ${id}.`, `${stray.sku} 不在采购单 ${id} 中。`)]);
    if (received.some((r) => !(Number.isInteger(r.quantity) && r.quantity >= 0))) throw new ValidationError([issue('quantity', 'a received quantity must be a whole number ≥ 0.', '收货数量须为 ≥ 0 的整数。')]);
    await purchaseOrders.setReceivedQuantities(trx, id, received);
    const report = await settleStockInTransaction(ctx.store, trx, {
      changes: received.filter((r) => r.quantity > 0).map((r) => ({
        warehouseId: po.warehouse_id, sku: r.sku, delta: r.quantity, kind: 'receive' as const, reason: null, note: `${po.supplier}${po.reference ? ' ' + po.reference : ''}`, purchaseOrderId: id,
      })),
    }, { now, actor: options.actor });
    return { status: decision.to, report };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Alerts (the hook for the alert webhook) and the audit

/**
 * Low-stock alerts not yet delivered, oldest first. A deliverer (the alert webhook) claims a batch, sends it
 * and calls `markStockAlertsDelivered` in the same transaction; on PostgreSQL concurrent deliverers skip each
 * other's rows.
 */
export async function deliverStockAlerts(
  ctx: AppContext,
  /** Runs inside the claiming transaction (`trx`), so what it queues commits with the claim. */
  deliver: (alerts: Awaited<ReturnType<typeof stock.pendingAlerts>>, trx: Transaction<Database>) => Promise<void>,
  limit = 100,
): Promise<number> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const alerts = await stock.pendingAlerts(trx, limit, ctx.store.dialect === 'postgres' ? 'skip' : 'none');
    if (alerts.length === 0) return 0;
    await deliver(alerts, trx);
    await stock.markAlertsNotified(trx, alerts.map((a) => a.id), ctx.now());
    return alerts.length;
  });
}

export async function listStockAlerts(ctx: AppContext, limit = 100) {
  return ctx.store.db.selectFrom('stock_alerts').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

export interface StockAuditProblem {
  rule: string;
  detail: string;
}

/**
 * Checks the invariants: on_hand ≥ reserved ≥ 0 everywhere; every reserved unit belongs to one reservation
 * of an open order; the ledger sums to the stock; waiting orders say why and only they do.
 */
export async function auditStock(ctx: AppContext): Promise<StockAuditProblem[]> {
  const db = ctx.store.db;
  const problems: StockAuditProblem[] = [];
  const levels = await db.selectFrom('stock_levels').selectAll().execute();
  const key = (w: string, s: string) => `${w}/${s}`;
  const held = new Map((await stockReads.reservationTotals(db)).map((r) => [key(r.warehouse_id, r.sku), r.quantity]));
  const ledger = new Map((await stockReads.ledgerTotals(db)).map((r) => [key(r.warehouse_id, r.sku), r]));
  for (const l of levels) {
    const k = key(l.warehouse_id, l.sku);
    if (l.reserved < 0 || l.on_hand < l.reserved) problems.push({ rule: 'oversold', detail: `${k}: on_hand ${l.on_hand}, reserved ${l.reserved}` });
    if ((held.get(k) ?? 0) !== l.reserved) problems.push({ rule: 'reservations', detail: `${k}: reserved ${l.reserved}, reservations hold ${held.get(k) ?? 0}` });
    const sums = ledger.get(k) ?? { on_hand: 0, reserved: 0 };
    if (sums.on_hand !== l.on_hand || sums.reserved !== l.reserved) {
      problems.push({ rule: 'ledger', detail: `${k}: stock ${l.on_hand}/${l.reserved}, ledger ${sums.on_hand}/${sums.reserved}` });
    }
    held.delete(k);
    ledger.delete(k);
  }
  for (const [k, q] of held) problems.push({ rule: 'reservations', detail: `${k}: reservations hold ${q} with no stock row` });
  for (const r of await stockReads.strayReservations(db)) problems.push({ rule: 'stray_reservation', detail: `order ${r.order_id} is ${r.status} but holds ${r.quantity} × ${r.sku} at ${r.warehouse_id}` });
  for (const o of await stockReads.inconsistentShortfalls(db)) {
    problems.push({ rule: 'shortfall', detail: o.status === 'awaiting_stock' ? `order ${o.id} waits for stock without a recorded shortfall` : `order ${o.id} is ${o.status} but has a recorded shortfall` });
  }
  return problems;
}
