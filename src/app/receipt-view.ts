/** What the order page shows of an order's receipt: its clock, where it comes from, and the cases that hold it. */
import { OPEN_CASE_STATES } from '../core/after-sales';
import { localized, type Localized } from '../core/i18n';
import { DEFAULT_RECEIPT_RULES, type ReceiptRules } from '../core/receipt';
import { toIso } from '../core/time';
import * as orderStore from '../store/orders';
import type { AppContext } from './context';
import { NotFoundError } from './errors';
import { computeReceipt } from './receipt-clock';

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
