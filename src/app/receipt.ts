/**
 * Receipt: the buyer's confirmation comes from the marketplace sync (AliExpress FINISH / FUND_PROCESSING map to
 * `completed` in core/platform-status.ts and walk the order machine there). Otherwise the receipt sweep completes
 * the order when its auto-confirmation time passes (core/receipt.ts): the last shipment + the order's promised
 * delivery days, or the fallback of its class, in calendar days of the policy's zone. No order with an open
 * after-sales case is confirmed (a dispute stops the clock). The sweep is idempotent: the transition is the claim.
 * Close to that time, while a parcel still moves, it proposes extending the buyer's acceptance time (problem +
 * alert), once per auto-confirmation time.
 */
import { OPEN_CASE_STATES } from '../core/after-sales';
import { localized, type Localized } from '../core/i18n';
import type { OrderState } from '../core/order';
import {
  DEFAULT_RECEIPT_RULES,
  autoConfirmationOf,
  extensionProposal,
  receiptClassOf,
  type AutoConfirmation,
  type ReceiptRules,
} from '../core/receipt';
import { DAY_MS, toIso } from '../core/time';
import { isTrackingStatus, type TrackingStatus } from '../core/tracking-status';
import * as orderStore from '../store/orders';
import type { Executor } from '../store/orders';
import type { NewOrderEventRow, OrderRow } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { transitionOrder } from './order-transition';
import { loadShopResolver } from './policies';
import { raiseProblems } from './tracking/problems';
import { timelineEvent } from '../core/timeline';

const AWAITING_RECEIPT: readonly OrderState[] = ['shipped', 'in_transit', 'delivered'];

interface ReceiptComputation {
  lastShippedAt: number;
  confirmation: AutoConfirmation;
  zone: string;
}

async function computeReceipt(
  db: Executor,
  order: OrderRow,
  terms: { freight_commit_days: number | null; extension_days: number } | undefined,
  rules: ReceiptRules,
): Promise<ReceiptComputation | undefined> {
  const parcels = await db
    .selectFrom('parcels')
    .select(['status', 'tracking_uploaded_at', 'handed_over_at'])
    .where('order_id', '=', order.id)
    .execute();
  const shippedTimes = parcels
    .filter((p) => p.status !== 'voided')
    .map((p) => p.tracking_uploaded_at ?? p.handed_over_at)
    .filter((t): t is number => t !== null);
  const lastShippedAt = shippedTimes.length
    ? Math.max(...shippedTimes)
    : (order.handed_over_at ?? order.tracking_uploaded_at);
  if (lastShippedAt === null) return undefined;
  const policy = (await loadShopResolver(db, order.shop_id)).forOrder(order.paid_at, order.order_type ?? undefined);
  const confirmation = autoConfirmationOf(
    {
      lastShippedAt,
      freightCommitDays: terms?.freight_commit_days ?? null,
      receiptClass: receiptClassOf(order.logistics_service, policy.mode),
      extensionDays: terms?.extension_days ?? 0,
      zone: policy.zone,
    },
    rules,
  );
  return { lastShippedAt, confirmation, zone: policy.zone };
}

async function upsertReceipt(
  db: Executor,
  orderId: number,
  values: {
    freight_commit_days: number | null;
    extension_days: number;
    last_shipped_at: number | null;
    auto_confirm_at: number | null;
  },
  now: number,
) {
  await db
    .insertInto('order_receipts')
    .values({ order_id: orderId, ...values, updated_at: now })
    .onConflict((oc) => oc.column('order_id').doUpdateSet({ ...values, updated_at: now }))
    .execute();
}

export interface ReceiptView {
  order_id: number;
  status: string;
  receipt_confirmed_at: string | null;
  last_shipped_at: string | null;
  auto_confirm_at: string | null;
  days: number | null;
  source: 'order' | 'fallback' | null;
  zone: string | null;
  explanation: Localized | null;
  extension_days: number;
  open_cases: number;
  /** The instant the view is for (now, or the `at` asked for). */
  as_of: string;
  /** Until the automatic confirmation, from `as_of` (negative: past it); null when there is no clock or it is done. */
  time_left_ms: number | null;
}

export async function receiptOf(
  ctx: AppContext,
  orderId: number,
  rules: ReceiptRules = DEFAULT_RECEIPT_RULES,
): Promise<ReceiptView> {
  const db = ctx.store.db;
  const now = ctx.now();
  const order = await orderStore.getOrder(db, undefined, orderId);
  if (!order) throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
  const terms = await db.selectFrom('order_receipts').selectAll().where('order_id', '=', orderId).executeTakeFirst();
  const computed = await computeReceipt(db, order, terms, rules);
  const open = await db
    .selectFrom('after_sales_cases')
    .select('id')
    .where('order_id', '=', orderId)
    .where('state', 'in', [...OPEN_CASE_STATES])
    .execute();
  return {
    order_id: order.id,
    status: order.status,
    receipt_confirmed_at: toIso(order.receipt_confirmed_at),
    last_shipped_at: toIso(computed?.lastShippedAt),
    auto_confirm_at: toIso(computed?.confirmation.at),
    days: computed?.confirmation.days ?? null,
    source: computed?.confirmation.source ?? null,
    zone: computed?.zone ?? null,
    explanation: computed?.confirmation.explanation ?? null,
    extension_days: terms?.extension_days ?? 0,
    open_cases: open.length,
    as_of: toIso(now)!,
    time_left_ms: computed && order.receipt_confirmed_at === null ? computed.confirmation.at - now : null,
  };
}

/**
 * The promised delivery days of an order (`freight_commit_day`), from the platform or typed in; the receipt clock
 * is recomputed.
 */
export async function setPromisedDeliveryDays(
  ctx: AppContext,
  orderId: number,
  days: number,
  actor: string,
): Promise<ReceiptView> {
  if (!Number.isInteger(days) || days < 1 || days > 365) {
    throw new ValidationError([
      {
        row: 0,
        field: 'freight_commit_days',
        message: localized(
          'the promised delivery time is 1 to 365 whole days.',
          '承诺运达时间必须是 1 到 365 的整数天。',
        ),
      },
    ]);
  }
  await changeTerms(
    ctx,
    orderId,
    actor,
    (terms) => ({ ...terms, freight_commit_days: days }),
    'receipt_terms_set',
    `promised delivery time ${days} days`,
  );
  return receiptOf(ctx, orderId);
}

/** Records an extension of the buyer's acceptance time (agreed on the platform); the receipt clock moves. */
export async function recordAcceptanceExtension(
  ctx: AppContext,
  orderId: number,
  days: number,
  actor: string,
  note?: string,
): Promise<ReceiptView> {
  if (!Number.isInteger(days) || days < 1 || days > 90) {
    throw new ValidationError([
      {
        row: 0,
        field: 'days',
        message: localized('an extension is 1 to 90 whole days.', '延长时间必须是 1 到 90 的整数天。'),
      },
    ]);
  }
  await changeTerms(
    ctx,
    orderId,
    actor,
    (terms) => ({ ...terms, extension_days: terms.extension_days + days }),
    'acceptance_extended',
    note?.trim() || `buyer acceptance time extended by ${days} days`,
  );
  return receiptOf(ctx, orderId);
}

async function changeTerms(
  ctx: AppContext,
  orderId: number,
  actor: string,
  change: (terms: { freight_commit_days: number | null; extension_days: number }) => {
    freight_commit_days: number | null;
    extension_days: number;
  },
  kind: string,
  reason: string,
): Promise<void> {
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const order = await orderStore.getOrder(trx, undefined, orderId);
    if (!order) throw new NotFoundError(localized(`order ${orderId} not found.`, `未找到订单 ${orderId}。`));
    if (order.status === 'completed' || order.status === 'cancelled' || order.status === 'closed_unfulfilled') {
      throw new ConflictError(
        'receipt.closed',
        localized(
          `order ${order.platform_order_id} is ${order.status}: its receipt clock has ended.`,
          `订单 ${order.platform_order_id} 状态为「${order.status}」：确认收货计时已结束。`,
        ),
        order.status,
      );
    }
    const current = await trx
      .selectFrom('order_receipts')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    const terms = change({
      freight_commit_days: current?.freight_commit_days ?? null,
      extension_days: current?.extension_days ?? 0,
    });
    const computed = AWAITING_RECEIPT.includes(order.status as OrderState)
      ? await computeReceipt(trx, order, terms, DEFAULT_RECEIPT_RULES)
      : undefined;
    await upsertReceipt(
      trx,
      orderId,
      {
        ...terms,
        last_shipped_at: computed?.lastShippedAt ?? null,
        auto_confirm_at: computed?.confirmation.at ?? null,
      },
      now,
    );
    await orderStore.appendEvents(trx, [
      timelineEvent({
        orderId,
        at: now,
        actor,
        kind,
        reason,
        data: JSON.stringify({ ...terms, auto_confirm_at: toIso(computed?.confirmation.at) }),
      }),
    ]);
    // The proposal is answered: a new one may come for the new time.
    if (kind === 'acceptance_extended') {
      await trx
        .updateTable('tracking_problems')
        .set({ resolved_at: now })
        .where('order_id', '=', orderId)
        .where('kind', '=', 'extension_proposed')
        .where('resolved_at', 'is', null)
        .execute();
    }
  });
}

export interface ReceiptSweepReport {
  scheduled: number;
  confirmed: number;
  heldByCase: number;
  extensionsProposed: number;
}

/**
 * Schedules the receipt clock of shipped orders, completes the ones due, and proposes extensions. Safe to run on
 * several servers at once: a completion is a guarded state change (optimistic version), a proposal a unique row.
 */
export async function runReceiptSweep(
  ctx: AppContext,
  options: { rules?: ReceiptRules; limit?: number } = {},
): Promise<ReceiptSweepReport> {
  const db = ctx.store.db;
  const now = ctx.now();
  const rules = options.rules ?? DEFAULT_RECEIPT_RULES;
  const limit = options.limit ?? 1000;
  const report: ReceiptSweepReport = { scheduled: 0, confirmed: 0, heldByCase: 0, extensionsProposed: 0 };

  // 1. Orders awaiting receipt with no clock yet (shipped since the last sweep).
  const unscheduled = await db
    .selectFrom('orders as o')
    .leftJoin('order_receipts as r', 'r.order_id', 'o.id')
    .selectAll('o')
    .select(['r.freight_commit_days as terms_days', 'r.extension_days as terms_extension'])
    .where('o.status', 'in', [...AWAITING_RECEIPT])
    .where((eb) => eb.or([eb('r.order_id', 'is', null), eb('r.auto_confirm_at', 'is', null)]))
    .limit(limit)
    .execute();
  for (const order of unscheduled) {
    const terms = { freight_commit_days: order.terms_days ?? null, extension_days: order.terms_extension ?? 0 };
    const computed = await computeReceipt(db, order, terms, rules);
    if (!computed) continue;
    await upsertReceipt(
      db,
      order.id,
      { ...terms, last_shipped_at: computed.lastShippedAt, auto_confirm_at: computed.confirmation.at },
      now,
    );
    report.scheduled++;
  }

  // 2. Due: complete them (unless a case is open).
  const due = await db
    .selectFrom('order_receipts as r')
    .innerJoin('orders as o', 'o.id', 'r.order_id')
    .select(['o.id', 'r.auto_confirm_at'])
    .where('r.auto_confirm_at', '<=', now)
    .where('o.status', 'in', [...AWAITING_RECEIPT])
    .orderBy('r.auto_confirm_at')
    .limit(limit)
    .execute();
  for (const row of due) {
    const outcome = await autoConfirm(ctx, row.id, now, rules);
    if (outcome === 'confirmed') report.confirmed++;
    if (outcome === 'held') report.heldByCase++;
  }

  // 3. Close to the time while a parcel still moves: propose extending the buyer's acceptance time.
  const soon = await db
    .selectFrom('order_receipts as r')
    .innerJoin('orders as o', 'o.id', 'r.order_id')
    .select(['o.id', 'o.shop_id', 'r.auto_confirm_at'])
    .where('r.auto_confirm_at', '>', now)
    .where('r.auto_confirm_at', '<=', now + rules.proposeExtensionWithinDays * DAY_MS)
    .where('o.status', 'in', ['shipped', 'in_transit'])
    .limit(limit)
    .execute();
  for (const row of soon) {
    const statuses = await db
      .selectFrom('parcels as p')
      .leftJoin('parcel_tracking as t', 't.parcel_id', 'p.id')
      .select('t.status')
      .where('p.order_id', '=', row.id)
      .where('p.status', '!=', 'voided')
      .execute();
    const proposal = extensionProposal(
      row.auto_confirm_at!,
      now,
      statuses.map((s) => (s.status && isTrackingStatus(s.status) ? s.status : null)) as Array<TrackingStatus | null>,
      rules,
    );
    if (!proposal) continue;
    const raised = await db.transaction().execute(async (trx) => {
      const events: NewOrderEventRow[] = [];
      const count = await raiseProblems(
        trx,
        { orderId: row.id, parcelId: null, shopId: row.shop_id, trackingNumber: null },
        [
          {
            key: `extension:${row.auto_confirm_at}`,
            kind: 'extension_proposed',
            level: 'warning',
            message: proposal.message,
            action: proposal.action,
            data: { auto_confirm_at: toIso(row.auto_confirm_at), propose_days: proposal.days },
          },
        ],
        now,
        'sweep',
        events,
      );
      await orderStore.appendEvents(trx, events);
      return count;
    });
    report.extensionsProposed += raised;
  }
  return report;
}

async function autoConfirm(
  ctx: AppContext,
  orderId: number,
  now: number,
  rules: ReceiptRules,
): Promise<'confirmed' | 'held' | 'skipped'> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const order = await orderStore.getOrder(trx, undefined, orderId);
    if (!order || !AWAITING_RECEIPT.includes(order.status as OrderState)) return 'skipped';
    const open = await trx
      .selectFrom('after_sales_cases')
      .select('id')
      .where('order_id', '=', orderId)
      .where('state', 'in', [...OPEN_CASE_STATES])
      .limit(1)
      .execute();
    if (open.length) return 'held';
    const terms = await trx.selectFrom('order_receipts').selectAll().where('order_id', '=', orderId).executeTakeFirst();
    // Computed again inside the transaction: a recorded extension may have moved it since the sweep's read.
    const computed = await computeReceipt(trx, order, terms, rules);
    if (!computed || computed.confirmation.at > now) return 'skipped';
    const confirmedAt = computed.confirmation.at;
    try {
      await transitionOrder(
        trx,
        {
          order,
          actions: ['confirm_receipt'],
          reason: `receipt confirmed automatically: ${computed.confirmation.explanation.en}`,
          data: JSON.stringify({
            auto_confirm_at: toIso(confirmedAt),
            days: computed.confirmation.days,
            source: computed.confirmation.source,
            zone: computed.zone,
            explanation: computed.confirmation.explanation,
          }),
          milestoneAt: confirmedAt,
        },
        { store: ctx.store, now, actor: 'auto-confirm' },
      );
    } catch (error) {
      // Refused, or the order changed since it was read: the next sweep looks again.
      if (error instanceof ConflictError) return 'skipped';
      throw error;
    }
    await trx
      .updateTable('tracking_problems')
      .set({ resolved_at: now })
      .where('order_id', '=', orderId)
      .where('kind', '=', 'extension_proposed')
      .where('resolved_at', 'is', null)
      .execute();
    return 'confirmed';
  });
}
