/**
 * The purchase order lifecycle, one declared table like the order's: draft → ordered → received, or
 * cancelled before it arrives. Receiving adds its lines to stock (app/stock.ts).
 */
import { localized, type Localized } from './i18n';
import { defineMachine, type Decision } from './state-machine';

export const PURCHASE_ORDER_STATES = ['draft', 'ordered', 'received', 'cancelled'] as const;
export type PurchaseOrderState = (typeof PURCHASE_ORDER_STATES)[number];

export const purchaseOrderMachine = defineMachine({
  name: 'purchase_order',
  states: PURCHASE_ORDER_STATES,
  transitions: {
    place: { from: ['draft'], to: 'ordered' },
    receive: { from: ['ordered'], to: 'received' },
    cancel: { from: ['draft', 'ordered'], to: 'cancelled' },
  },
});
export type PurchaseOrderAction = keyof typeof purchaseOrderMachine.transitions;

/** The refusal in words a buyer of stock reads (the generic machine text speaks of orders and parcels). */
export function purchaseOrderRefusal(
  decision: Extract<Decision<PurchaseOrderState, PurchaseOrderAction>, { ok: false }>,
  id: number,
): Localized {
  const allowed = purchaseOrderMachine.transitions[decision.action].from;
  return localized(
    `purchase order ${id} is ${decision.from}; it cannot be ${decision.action === 'place' ? 'placed' : decision.action === 'receive' ? 'received' : 'cancelled'} (allowed from: ${allowed.join(', ')}).`,
    `采购单 ${id} 当前为「${decision.from}」，不能执行「${decision.action}」（允许的状态：${allowed.join('、')}）。`,
  );
}
