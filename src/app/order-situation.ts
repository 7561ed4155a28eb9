/**
 * The one place that gathers an order's facts for its situation (core/situation.ts): the order row, its lines'
 * money, its buyer-agreed extensions, its policy version, and — while it waits for stock — which SKUs and when the
 * placed purchase orders bring them. Every reader (the verdict, the at-risk list and its totals, the queues, the
 * guards on label, ship, hand-over and upload) asks here, so they cannot disagree.
 */
import { sql } from 'kysely';
import type { CancelledBy, OrderFacts } from '../core/penalty';
import { FALSE_SHIPMENT_KINDS } from '../core/tracking-problems';
import type { ParcelWeight } from '../core/violations';
import type { Policy } from '../core/policy/schema';
import { situationOf, type Situation } from '../core/situation';
import { expectedStock } from '../core/stock-arrival';
import { DeadlineInputError } from '../core/deadline';
import { localized, type Localized } from '../core/i18n';
import { OPEN_ORDER_STATES, type OrderState } from '../core/order';
import type { Executor } from '../store/orders';
import type { OrderRow } from '../store/schema';
import * as stockReads from '../store/stock-reads';
import type { AppContext } from './context';
import { ConflictError, NotFoundError } from './errors';
import { extensionFromRow, loadShopResolver } from './policies';

export interface OrderMoneyFacts {
  units: number;
  productAmount: number;
}

async function moneyFacts(db: Executor, orderIds: number[]): Promise<Map<number, OrderMoneyFacts>> {
  const facts = new Map<number, OrderMoneyFacts>();
  if (!orderIds.length) return facts;
  const rows = await db
    .selectFrom('order_lines')
    .select([
      'order_id',
      (eb) => eb.fn.sum<number>('quantity').as('units'),
      (eb) => eb.fn.sum<number>(sql<number>`quantity * unit_price`).as('amount'),
    ])
    .where('order_id', 'in', orderIds)
    .groupBy('order_id')
    .execute();
  for (const r of rows) facts.set(r.order_id, { units: Number(r.units), productAmount: Number(r.amount) });
  return facts;
}

/** What the parcels and their tracking say beyond the order row: open false-shipment signs, warehouse weights. */
export interface ParcelRuleFacts {
  falseShipmentSigns?: string[];
  parcelWeights?: ParcelWeight[];
}

/**
 * Per order: its open false-shipment signs (tracking problems) and its parcels weighed at the platform's warehouse.
 * Two indexed reads, over the given orders or over a shop's orders paid since an instant; orders with neither are
 * absent.
 */
async function parcelRuleFacts(
  db: Executor,
  scope: number[] | { shopId: string; paidSince: number },
): Promise<Map<number, ParcelRuleFacts>> {
  const out = new Map<number, ParcelRuleFacts>();
  if (Array.isArray(scope) && !scope.length) return out;
  let signQuery = db
    .selectFrom('tracking_problems')
    .innerJoin('orders', 'orders.id', 'tracking_problems.order_id')
    .select(['tracking_problems.order_id', 'tracking_problems.kind'])
    .where('tracking_problems.resolved_at', 'is', null)
    .where('tracking_problems.kind', 'in', [...FALSE_SHIPMENT_KINDS]);
  let weightQuery = db
    .selectFrom('parcels')
    .innerJoin('orders', 'orders.id', 'parcels.order_id')
    .select(['parcels.order_id', 'parcels.id', 'parcels.weight_g', 'parcels.warehouse_weight_g'])
    .where('parcels.warehouse_weight_g', 'is not', null)
    .where('parcels.weight_g', 'is not', null)
    .where('parcels.status', '!=', 'voided');
  if (Array.isArray(scope)) {
    signQuery = signQuery.where('tracking_problems.order_id', 'in', scope);
    weightQuery = weightQuery.where('parcels.order_id', 'in', scope);
  } else {
    signQuery = signQuery
      .where('tracking_problems.shop_id', '=', scope.shopId)
      .where('orders.paid_at', '>=', scope.paidSince);
    weightQuery = weightQuery.where('orders.shop_id', '=', scope.shopId).where('orders.paid_at', '>=', scope.paidSince);
  }
  const [signs, weights] = await Promise.all([
    signQuery.orderBy('tracking_problems.kind').execute(),
    weightQuery.orderBy('parcels.id').execute(),
  ]);
  const entry = (id: number): ParcelRuleFacts => {
    let found = out.get(id);
    if (!found) out.set(id, (found = {}));
    return found;
  };
  for (const sign of signs) {
    const facts = entry(sign.order_id);
    facts.falseShipmentSigns ??= [];
    if (!facts.falseShipmentSigns.includes(sign.kind)) facts.falseShipmentSigns.push(sign.kind);
  }
  for (const parcel of weights)
    (entry(parcel.order_id).parcelWeights ??= []).push({
      parcelId: parcel.id,
      declaredGrams: parcel.weight_g!,
      warehouseGrams: parcel.warehouse_weight_g!,
    });
  return out;
}

/** What the policy engine needs to know about an order, from its row, lines, extensions, stock and parcels. */
function orderFacts(
  order: OrderRow,
  money: OrderMoneyFacts | undefined,
  extensions: OrderFacts['extensions'],
  waiting?: OrderFacts['stock'],
  parcels?: ParcelRuleFacts,
): OrderFacts {
  const total = { amount: order.total_amount, currency: order.currency };
  const facts: OrderFacts = {
    paidAt: order.paid_at,
    riskPassedAt: order.risk_passed_at ?? undefined,
    platformShipByAt: order.platform_ship_by_at ?? undefined,
    handlingDays: order.handling_days ?? undefined,
    extensions,
    orderTotal: total,
    productPrice: money ? { amount: money.productAmount, currency: order.currency } : total,
    units: money?.units ?? 1,
    trackingUploadedAt: order.tracking_uploaded_at ?? undefined,
    handedOverAt: order.handed_over_at ?? undefined,
    carrierScanAt: order.first_scan_at ?? undefined,
    // Read only where the policy counts the receipt at the platform's warehouse (self-send): there the tracked parcel
    // is the one sent to that warehouse, so its delivery is the receipt, until one is recorded by hand (which wins).
    warehouseReceivedAt: order.warehouse_received_at ?? order.delivered_at ?? undefined,
    cancelledAt: order.cancelled_at ?? undefined,
    cancelledBy: order.cancelled_at ? cancelledByOf(order.cancelled_by) : undefined,
    platformClosedAt: order.closed_at ?? (order.status === 'closed_unfulfilled' ? order.updated_at : undefined),
  };
  if (order.status === 'cancelled' && facts.cancelledAt === undefined) facts.cancelledAt = order.updated_at;
  if (waiting) facts.stock = waiting;
  if (order.cancel_requested_at !== null) {
    facts.cancellationRequest = { requestedAt: order.cancel_requested_at };
    if (
      order.cancel_answered_at !== null &&
      (order.cancel_answer === 'accepted' || order.cancel_answer === 'refused')
    ) {
      facts.cancellationRequest.answeredAt = order.cancel_answered_at;
      facts.cancellationRequest.answer = order.cancel_answer;
    }
  }
  if (parcels?.falseShipmentSigns) facts.falseShipmentSigns = parcels.falseShipmentSigns;
  if (parcels?.parcelWeights) facts.parcelWeights = parcels.parcelWeights;
  return facts;
}

/** Who cancelled, from the row (older rows say nothing: the seller, as before migration 0015). */
function cancelledByOf(value: string | null): CancelledBy {
  return value === 'buyer' || value === 'platform' ? value : 'seller';
}

export interface OrderSituation {
  order: OrderRow;
  policy: Policy;
  facts: OrderFacts;
  /** null: the order has no deadline yet (no handling time and none from the platform), or its facts cannot be judged (`problem`). */
  situation: Situation | null;
  /** Why the facts cannot be judged (e.g. no exchange rate for its currency): said instead of a verdict. */
  problem?: Localized;
}

/** The situation of each order at `at`, in the order given. */
export async function situationsOf(ctx: AppContext, rows: readonly OrderRow[], at: number): Promise<OrderSituation[]> {
  const db = ctx.store.db;
  const ids = rows.map((r) => r.id);
  const waitingIds = rows.filter((r) => r.status === 'awaiting_stock').map((r) => r.id);
  const [money, extensionRows, waiting, parcelFacts] = await Promise.all([
    moneyFacts(db, ids),
    ids.length
      ? db.selectFrom('order_extensions').selectAll().where('order_id', 'in', ids).execute()
      : Promise.resolve([]),
    waitingIds.length ? stockExpectations(db) : Promise.resolve(new Map<number, OrderFacts['stock']>()),
    parcelRuleFacts(db, ids),
  ]);
  const resolvers = new Map<string, Awaited<ReturnType<typeof loadShopResolver>>>();
  const out: OrderSituation[] = [];
  for (const order of rows) {
    let resolver = resolvers.get(order.shop_id);
    if (!resolver) resolvers.set(order.shop_id, (resolver = await loadShopResolver(db, order.shop_id)));
    const policy = resolver.forOrder(order.paid_at, order.order_type ?? undefined);
    const stockWait =
      order.status === 'awaiting_stock' ? (waiting.get(order.id) ?? { skus: [], expectedAt: null }) : undefined;
    const facts = orderFacts(
      order,
      money.get(order.id),
      extensionRows.filter((e) => e.order_id === order.id).map(extensionFromRow),
      stockWait,
      parcelFacts.get(order.id),
    );
    const hasDeadline = order.ship_by_at !== null || order.platform_ship_by_at !== null || order.handling_days !== null;
    if (!hasDeadline) {
      out.push({ order, policy, facts, situation: null });
      continue;
    }
    // One order whose facts cannot be judged never takes the others' answers down with it.
    try {
      out.push({ order, policy, facts, situation: situationOf(facts, policy, at) });
    } catch (error) {
      if (!(error instanceof DeadlineInputError)) throw error;
      out.push({ order, policy, facts, situation: null, problem: error.localized });
    }
  }
  return out;
}

/** One order's situation; NotFound when it is not one of `shopIds`. */
export async function situationOfOrder(
  ctx: AppContext,
  orderId: number,
  at: number,
  shopIds?: readonly string[],
): Promise<OrderSituation> {
  const order = await ctx.store.db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!order || (shopIds && !shopIds.includes(order.shop_id)))
    throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
  return (await situationsOf(ctx, [order], at))[0]!;
}

/** Every waiting order's expected stock (all of them: the purchase orders serve the earliest deadlines first). */
async function stockExpectations(db: Executor): Promise<Map<number, OrderFacts['stock']>> {
  const [needs, lines] = await Promise.all([stockReads.waitingNeeds(db), stockReads.incomingLines(db)]);
  return expectedStock(
    needs.map((n) => ({
      orderId: n.order_id,
      shipByAt: n.ship_by_at,
      sku: n.sku,
      warehouseId: n.warehouse_id,
      missing: n.missing,
    })),
    lines.map((l) => ({
      purchaseOrderId: l.purchase_order_id,
      warehouseId: l.warehouse_id,
      sku: l.sku,
      quantity: Number(l.quantity),
      expectedAt: l.expected_at,
    })),
  );
}

/**
 * The guard of every write that ships an order (buy a label, mark shipped, hand over, upload): refused with a 409
 * naming the rule (`order.closed`, `order.cancelled`) when an order's situation is closed or cancelled — the
 * platform no longer takes it. Orders that do not exist are left to the caller's own "not found".
 */
export async function refuseSettledOrders(
  ctx: AppContext,
  orderIds: readonly number[],
  doing: { en: string; zh: string },
): Promise<void> {
  for (const { order, kind, why } of (await settledOrdersOf(ctx, orderIds, ctx.now())).values()) {
    // A row already cancelled or closed is refused by each use case with its own rule; this catches the order whose
    // row is still open while its situation says the platform has closed it (its closing point has passed).
    if (!why) continue;
    const ref = order.platform_order_id;
    throw new ConflictError(
      kind === 'closed' ? 'order.closed' : 'order.cancelled',
      kind === 'closed'
        ? localized(
            `Order ${ref} is closed: ${why.en} ${capitalise(doing.en)} is refused, since the seller would pay postage on a refunded order.`,
            `订单 ${ref} 已关闭：${why['zh-CN']} 不能${doing.zh}，否则会为已退款的订单支付运费。`,
          )
        : localized(`Order ${ref} is cancelled: ${doing.en} is refused.`, `订单 ${ref} 已取消：不能${doing.zh}。`),
      order.status,
    );
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export interface SettledOrder {
  order: OrderRow;
  kind: 'closed' | 'cancelled';
  /** The situation's headline when the row is still open but its situation is settled (the closing point passed). */
  why?: Localized;
}

/**
 * The orders among `orderIds` that are closed or cancelled at `at`: by their row, or by their situation while the row
 * is still open. Only an open order whose deadline has passed (or is not stored) can have been closed by the platform,
 * so only those are judged; the others cost one read.
 */
export async function settledOrdersOf(
  ctx: AppContext,
  orderIds: readonly number[],
  at: number,
): Promise<Map<number, SettledOrder>> {
  const settled = new Map<number, SettledOrder>();
  if (orderIds.length === 0) return settled;
  // The narrow read first (the upload worker's every batch); whole rows only for the orders that are settled or judged.
  const heads = await ctx.store.db
    .selectFrom('orders')
    .select(['id', 'status', 'ship_by_at'])
    .where('id', 'in', [...new Set(orderIds)])
    .execute();
  const wanted = heads.filter((o) =>
    !OPEN_ORDER_STATES.includes(o.status as OrderState)
      ? o.status === 'cancelled' || o.status === 'closed_unfulfilled'
      : o.ship_by_at === null || o.ship_by_at <= at,
  );
  if (wanted.length === 0) return settled;
  const rows = await ctx.store.db
    .selectFrom('orders')
    .selectAll()
    .where(
      'id',
      'in',
      wanted.map((o) => o.id),
    )
    .execute();
  const toJudge: OrderRow[] = [];
  for (const order of rows) {
    if (order.status === 'cancelled') settled.set(order.id, { order, kind: 'cancelled' });
    else if (order.status === 'closed_unfulfilled') settled.set(order.id, { order, kind: 'closed' });
    else toJudge.push(order);
  }
  for (const { order, situation } of await situationsOf(ctx, toJudge, at)) {
    if (situation && (situation.kind === 'closed' || situation.kind === 'cancelled'))
      settled.set(order.id, { order, kind: situation.kind, why: situation.verdict.headline });
  }
  return settled;
}
