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
import type { OrderState } from '../core/order';
import { DEFAULT_RECEIPT_RULES, extensionProposal, type ReceiptRules } from '../core/receipt';
import { DAY_MS, toIso } from '../core/time';
import { isTrackingStatus, type TrackingStatus } from '../core/tracking-status';
import * as orderStore from '../store/orders';
import type { NewOrderEventRow } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError } from './errors';
import { transitionOrder } from './order-transition';
import { AWAITING_RECEIPT, computeReceipt, resolveExtensionProposals, upsertReceipt } from './receipt-clock';
import { raiseProblems } from './tracking/problems';

// The clock is receipt-clock.ts; the order page's view (receipt-view.ts) and the terms (receipt-terms.ts) are
// re-exported, so `app/receipt` names them all.
export { receiptOf, type ReceiptView } from './receipt-view';
export { recordAcceptanceExtension, setPromisedDeliveryDays } from './receipt-terms';

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
  const now = ctx.now();
  const rules = options.rules ?? DEFAULT_RECEIPT_RULES;
  const limit = options.limit ?? 1000;
  const report: ReceiptSweepReport = { scheduled: 0, confirmed: 0, heldByCase: 0, extensionsProposed: 0 };
  await scheduleClocks(ctx, now, rules, limit, report);
  await confirmDue(ctx, now, rules, limit, report);
  await proposeExtensions(ctx, now, rules, limit, report);
  return report;
}

/** One step of the sweep, counting what it did in `report`. */
type SweepStep = (
  ctx: AppContext,
  now: number,
  rules: ReceiptRules,
  limit: number,
  report: ReceiptSweepReport,
) => Promise<void>;

/** 1. Orders awaiting receipt with no clock yet (shipped since the last sweep) get one. */
const scheduleClocks: SweepStep = async (ctx, now, rules, limit, report) => {
  const db = ctx.store.db;
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
};

/** 2. Due: complete them (unless a case is open). */
const confirmDue: SweepStep = async (ctx, now, rules, limit, report) => {
  const due = await ctx.store.db
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
};

/** 3. Close to the time while a parcel still moves: propose extending the buyer's acceptance time. */
const proposeExtensions: SweepStep = async (ctx, now, rules, limit, report) => {
  const db = ctx.store.db;
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
};

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
    await resolveExtensionProposals(trx, orderId, now);
    return 'confirmed';
  });
}
