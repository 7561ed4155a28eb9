/**
 * Stock use cases: adjustments, the ledger, shortages, replenishment, purchase orders, low-stock alerts and the
 * invariant audit (the catalogue — warehouses, SKUs, the marketplace-SKU mapping — is in stock-catalogue.ts). Each opens one
 * transaction; reservations themselves are in stock-reservations.ts.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { localized } from '../core/i18n';
import { checkAdjustment, rankReplenishment, suggestReplenishment, type ReplenishmentLine } from '../core/inventory';
import type { ImportIssue } from '../core/order-input';
import {
  purchaseOrderMachine,
  purchaseOrderRefusal,
  type PurchaseOrderAction,
  type PurchaseOrderState,
} from '../core/purchase-order';
import { decide, isAction } from '../core/state-machine';
import { DAY_MS } from '../core/time';
import * as stock from '../store/stock';
import * as purchaseOrders from '../store/purchase-orders';
import * as stockReads from '../store/stock-reads';
import { inRetriedTransaction } from '../store/transaction-retry';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { refusalMessage, settleStockInTransaction, StockChangeRefused, type SettleReport } from './stock-reservations';

function issue(field: string, en: string, zh: string): ImportIssue {
  return { row: 0, field, message: localized(en, zh) };
}

// The catalogue (warehouses, SKUs, the marketplace-SKU mapping) lives in stock-catalogue.ts.
export {
  defineSku,
  defineWarehouse,
  listMappings,
  listSkus,
  listWarehouses,
  mapPlatformSku,
  SKU_DEFAULTS,
  type SkuInput,
  type WarehouseInput,
} from './stock-catalogue';

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
export async function adjustStock(
  ctx: AppContext,
  input: AdjustmentInput,
): Promise<{ onHand: number; reserved: number; report: SettleReport }> {
  if ((input.by === undefined) === (input.to === undefined)) {
    throw new ValidationError([
      issue(
        'by',
        'give either the change (--by) or the counted quantity (--to).',
        '请给出变动数量（--by）或盘点数量（--to）之一。',
      ),
    ]);
  }
  if (input.to !== undefined && !(Number.isSafeInteger(input.to) && input.to >= 0)) {
    throw new ValidationError([
      issue('to', 'the counted quantity must be a whole number ≥ 0.', '盘点数量须为 ≥ 0 的整数。'),
    ]);
  }
  const levels = await stockReads.listStockLevels(ctx.store.db, { sku: input.sku, warehouseId: input.warehouseId });
  const known = await stock.existingSkus(ctx.store.db, [input.sku]);
  if (!known.has(input.sku))
    throw new NotFoundError(localized(`SKU ${input.sku} is not in the catalogue.`, `目录中没有 SKU ${input.sku}。`));
  if (!(await stock.listWarehouses(ctx.store.db)).some((w) => w.id === input.warehouseId)) {
    throw new NotFoundError(
      localized(`warehouse ${input.warehouseId} not found.`, `未找到仓库 ${input.warehouseId}。`),
    );
  }
  const currentOnHand = levels[0]?.on_hand ?? 0;
  const delta = input.by ?? input.to! - currentOnHand;
  const refusal = checkAdjustment(input.reason, delta);
  if (refusal) throw new ValidationError([{ row: 0, field: 'reason', message: refusal }]);
  try {
    return await inRetriedTransaction(ctx.store.db, async (trx) => {
      const report = await settleStockInTransaction(
        ctx.store,
        trx,
        {
          changes: [
            {
              warehouseId: input.warehouseId,
              sku: input.sku,
              kind: 'adjust',
              reason: input.reason,
              note: input.note?.trim() || null,
              purchaseOrderId: null,
              // A stock-take states what is there, whatever moved since it was read; a change is relative.
              ...(input.to !== undefined ? { set: input.to } : { delta }),
            },
          ],
        },
        { now: ctx.now(), actor: input.actor },
      );
      const after = (await stockReads.listStockLevels(trx, { sku: input.sku, warehouseId: input.warehouseId }))[0]!;
      return { onHand: after.on_hand, reserved: after.reserved, report };
    });
  } catch (error) {
    if (error instanceof StockChangeRefused)
      throw new ConflictError('stock.below_reserved', refusalMessage(error.refusals[0]!));
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reads

export async function listStock(ctx: AppContext, filter: stockReads.LevelFilter = {}) {
  const db = ctx.store.db;
  const [levels, incoming, waiting] = await Promise.all([
    stockReads.listStockLevels(db, filter),
    stockReads.incomingUnits(db),
    stockReads.waitingNeeds(db),
  ]);
  const key = (w: string | null, s: string) => `${w}\u0001${s}`;
  const incomingBy = new Map(incoming.map((i) => [key(i.warehouse_id, i.sku), i.quantity]));
  const waitingBy = new Map<string, number>();
  for (const w of waiting)
    waitingBy.set(key(w.warehouse_id, w.sku), (waitingBy.get(key(w.warehouse_id, w.sku)) ?? 0) + w.needed);
  return levels.map((l) => ({
    warehouse_id: l.warehouse_id,
    sku: l.sku,
    name: l.name,
    on_hand: l.on_hand,
    reserved: l.reserved,
    available: l.on_hand - l.reserved,
    incoming: incomingBy.get(key(l.warehouse_id, l.sku)) ?? 0,
    waiting: waitingBy.get(key(l.warehouse_id, l.sku)) ?? 0,
    low_stock_threshold: l.low_stock_threshold,
    updated_at: l.updated_at,
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
  orders: Array<{
    order_id: number;
    platform_order_id: string;
    shop_id: string;
    ship_by_at: number | null;
    needed: number;
    missing: number;
  }>;
}

/** Each SKU short, by how much, the orders it blocks and their deadlines; the earliest deadline first. */
export async function listShortages(ctx: AppContext): Promise<Shortage[]> {
  const db = ctx.store.db;
  const [needs, levels, incoming] = await Promise.all([
    stockReads.waitingNeeds(db),
    stockReads.listStockLevels(db),
    stockReads.incomingUnits(db),
  ]);
  const key = (w: string | null, s: string) => `${w}\u0001${s}`;
  const free = new Map(levels.map((l) => [key(l.warehouse_id, l.sku), l.on_hand - l.reserved]));
  const incomingBy = new Map(incoming.map((i) => [key(i.warehouse_id, i.sku), i.quantity]));
  const groups = new Map<string, Shortage>();
  for (const n of needs) {
    const k = key(n.warehouse_id, n.sku);
    let g = groups.get(k);
    if (!g) {
      g = {
        sku: n.sku,
        warehouse_id: n.warehouse_id,
        short_by: 0,
        needed: 0,
        available: Math.max(0, free.get(k) ?? 0),
        incoming: incomingBy.get(k) ?? 0,
        earliest_ship_by_at: null,
        orders: [],
      };
      groups.set(k, g);
    }
    g.needed += n.needed;
    if (n.missing > 0)
      g.orders.push({
        order_id: n.order_id,
        platform_order_id: n.platform_order_id,
        shop_id: n.shop_id,
        ship_by_at: n.ship_by_at,
        needed: n.needed,
        missing: n.missing,
      });
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
  return result.sort(
    (a, b) =>
      (a.earliest_ship_by_at ?? far) - (b.earliest_ship_by_at ?? far) ||
      b.short_by - a.short_by ||
      (a.sku < b.sku ? -1 : 1),
  );
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
    throw new ValidationError([
      issue('window', 'the sales window must be 1 to 365 days.', '销量统计窗口须为 1–365 天。'),
    ]);
  }
  const db = ctx.store.db;
  const now = ctx.now();
  const [levels, incoming, waiting, sold] = await Promise.all([
    stockReads.listStockLevels(db),
    stockReads.incomingUnits(db),
    stockReads.waitingNeeds(db),
    stockReads.reservedFlowSince(db, now - windowDays * DAY_MS),
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
      sku: l.sku,
      warehouseId: l.warehouse_id,
      unitsSold: (soldBy.get(k) ?? 0) + (b?.unitsInWindow ?? 0),
      windowDays,
      leadDays: options.leadDays ?? l.lead_days,
      safetyDays: options.safetyDays ?? l.safety_days,
      cycleDays: options.cycleDays ?? l.cycle_days,
      onHand: l.on_hand,
      reserved: l.reserved,
      incoming: incomingBy.get(k) ?? 0,
      backlog: b?.units ?? 0,
      earliestBlockedDeadline: b?.earliest ?? null,
      blockedOrders: b?.orders ?? 0,
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
  if (input.lines.length === 0)
    issues.push(
      issue('lines', 'a purchase order needs at least one line (SKU=QUANTITY).', '采购单至少需要一行（SKU=数量）。'),
    );
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    if (!(Number.isInteger(l.quantity) && l.quantity >= 1 && l.quantity <= 10_000_000))
      issues.push({
        row: i + 1,
        field: 'quantity',
        message: localized(`${l.sku}: the quantity must be a whole number ≥ 1.`, `${l.sku}：数量须为 ≥ 1 的整数。`),
      });
    if (seen.has(l.sku))
      issues.push({ row: i + 1, field: 'sku', message: localized(`${l.sku} appears twice.`, `${l.sku} 出现了两次。`) });
    seen.add(l.sku);
  });
  const known = await stock.existingSkus(
    ctx.store.db,
    input.lines.map((l) => l.sku),
  );
  input.lines.forEach((l, i) => {
    if (!known.has(l.sku))
      issues.push({
        row: i + 1,
        field: 'sku',
        message: localized(`${l.sku} is not a seller SKU.`, `${l.sku} 不是卖家 SKU。`),
      });
  });
  if (!(await stock.listWarehouses(ctx.store.db)).some((w) => w.id === input.warehouseId)) {
    issues.push(issue('warehouse', `warehouse ${input.warehouseId} not found.`, `未找到仓库 ${input.warehouseId}。`));
  }
  if (issues.length) throw new ValidationError(issues);
  return ctx.store.db.transaction().execute((trx) =>
    purchaseOrders.insertPurchaseOrder(
      trx,
      {
        warehouse_id: input.warehouseId,
        supplier: input.supplier.trim(),
        reference: input.reference?.trim() || null,
        expected_at: input.expectedAt ?? null,
      },
      input.lines,
      ctx.now(),
    ),
  );
}

export async function getPurchaseOrder(ctx: AppContext, id: number) {
  const po = await purchaseOrders.getPurchaseOrder(ctx.store.db, id);
  if (!po) throw new NotFoundError(localized(`purchase order ${id} not found.`, `未找到采购单 ${id}。`));
  return po;
}

export async function listPurchaseOrders(
  ctx: AppContext,
  filter: { status?: string; warehouseId?: string; warehouseIds?: readonly string[]; limit?: number } = {},
) {
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
    throw new ValidationError([
      issue(
        'action',
        `unknown action "${action}" (place, receive, cancel).`,
        `未知操作「${action}」（place、receive、cancel）。`,
      ),
    ]);
  }
  const act: PurchaseOrderAction = action;
  return inRetriedTransaction(ctx.store.db, async (trx) => {
    const now = ctx.now();
    const po = await purchaseOrders.getPurchaseOrder(trx, id, ctx.store.dialect === 'postgres' ? 'wait' : 'none');
    if (!po) throw new NotFoundError(localized(`purchase order ${id} not found.`, `未找到采购单 ${id}。`));
    const decision = decide(purchaseOrderMachine, po.status as PurchaseOrderState, act, {});
    if (!decision.ok) throw new ConflictError(decision.rule, purchaseOrderRefusal(decision, id), po.status);
    const stamp = { place: 'ordered_at', receive: 'received_at', cancel: 'cancelled_at' } as const;
    if (
      !(await purchaseOrders.updatePurchaseOrder(trx, id, po.version, { status: decision.to, [stamp[act]]: now }, now))
    ) {
      throw new ConflictError(
        'purchase_order.version',
        localized('the purchase order was changed by someone else; try again.', '采购单已被他人修改，请重试。'),
        po.status,
      );
    }
    if (act !== 'receive') return { status: decision.to };
    const received = po.lines.map((l) => ({
      sku: l.sku,
      quantity: options.received?.find((r) => r.sku === l.sku)?.quantity ?? l.quantity,
    }));
    const stray = options.received?.find((r) => !po.lines.some((l) => l.sku === r.sku));
    if (stray)
      throw new ValidationError([
        issue('sku', `${stray.sku} is not on purchase order ${id}.`, `${stray.sku} 不在采购单 ${id} 中。`),
      ]);
    if (received.some((r) => !(Number.isInteger(r.quantity) && r.quantity >= 0)))
      throw new ValidationError([
        issue('quantity', 'a received quantity must be a whole number ≥ 0.', '收货数量须为 ≥ 0 的整数。'),
      ]);
    await purchaseOrders.setReceivedQuantities(trx, id, received);
    const report = await settleStockInTransaction(
      ctx.store,
      trx,
      {
        changes: received
          .filter((r) => r.quantity > 0)
          .map((r) => ({
            warehouseId: po.warehouse_id,
            sku: r.sku,
            delta: r.quantity,
            kind: 'receive' as const,
            reason: null,
            note: `${po.supplier}${po.reference ? ' ' + po.reference : ''}`,
            purchaseOrderId: id,
          })),
      },
      { now, actor: options.actor },
    );
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
    await stock.markAlertsNotified(
      trx,
      alerts.map((a) => a.id),
      ctx.now(),
    );
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
    if (l.reserved < 0 || l.on_hand < l.reserved)
      problems.push({ rule: 'oversold', detail: `${k}: on_hand ${l.on_hand}, reserved ${l.reserved}` });
    if ((held.get(k) ?? 0) !== l.reserved)
      problems.push({
        rule: 'reservations',
        detail: `${k}: reserved ${l.reserved}, reservations hold ${held.get(k) ?? 0}`,
      });
    const sums = ledger.get(k) ?? { on_hand: 0, reserved: 0 };
    if (sums.on_hand !== l.on_hand || sums.reserved !== l.reserved) {
      problems.push({
        rule: 'ledger',
        detail: `${k}: stock ${l.on_hand}/${l.reserved}, ledger ${sums.on_hand}/${sums.reserved}`,
      });
    }
    held.delete(k);
    ledger.delete(k);
  }
  for (const [k, q] of held)
    problems.push({ rule: 'reservations', detail: `${k}: reservations hold ${q} with no stock row` });
  for (const r of await stockReads.strayReservations(db))
    problems.push({
      rule: 'stray_reservation',
      detail: `order ${r.order_id} is ${r.status} but holds ${r.quantity} × ${r.sku} at ${r.warehouse_id}`,
    });
  for (const o of await stockReads.inconsistentShortfalls(db)) {
    problems.push({
      rule: 'shortfall',
      detail:
        o.status === 'awaiting_stock'
          ? `order ${o.id} waits for stock without a recorded shortfall`
          : `order ${o.id} is ${o.status} but has a recorded shortfall`,
    });
  }
  return problems;
}
