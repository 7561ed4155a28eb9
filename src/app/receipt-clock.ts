/**
 * The receipt clock of an order: when its automatic confirmation falls (core/receipt.ts, from its last shipment, its
 * promised delivery days or its class's fallback, and the extensions agreed), and the row that keeps it.
 */
import type { OrderState } from '../core/order';
import { autoConfirmationOf, receiptClassOf, type AutoConfirmation, type ReceiptRules } from '../core/receipt';
import type { Executor } from '../store/orders';
import type { OrderRow } from '../store/schema';
import { loadShopResolver } from './policies';

export const AWAITING_RECEIPT: readonly OrderState[] = ['shipped', 'in_transit', 'delivered'];

interface ReceiptComputation {
  lastShippedAt: number;
  confirmation: AutoConfirmation;
  zone: string;
}

export async function computeReceipt(
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

export async function upsertReceipt(
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

/** The proposal to extend the buyer's acceptance time is answered (extended, or confirmed): a new one may come. */
export async function resolveExtensionProposals(db: Executor, orderId: number, now: number): Promise<void> {
  await db
    .updateTable('tracking_problems')
    .set({ resolved_at: now })
    .where('order_id', '=', orderId)
    .where('kind', '=', 'extension_proposed')
    .where('resolved_at', 'is', null)
    .execute();
}
