/**
 * What follows each order action, declared beside the transition (order-transition.ts) the way Vendure's order
 * process declares `onTransitionEnd`: one table keyed by EVERY action of the order machine (the type makes a
 * missing action a compile error, and test/unit/machine-hooks.test.ts checks it at run time). A hook runs once per
 * transaction for all the orders that took an action naming it, after their new state is written.
 *
 * - `settle_stock`: reserve, wait, release or consume as the order's new state says (app/stock-reservations.ts).
 *   Shipping the last parcel consumes; cancelling or the platform closing the order gives the units back;
 *   accepting reserves. A partial shipment keeps what it holds; its settle only drops a shortfall the order no longer
 *   waits on (the stock invariants: a partially shipped order records none).
 * - `settle_queued_uploads`: an order cancelled or closed takes no tracking number — its uploads still waiting
 *   (`pending`, or `held` for a first scan that may never come) are settled as refused at once, with the reason,
 *   and the label is flagged to void (app/upload-refusal.ts).
 * `wait_for_stock` and `reserve_stock` are taken by the stock engine itself, inside its settle: they declare none.
 * The steps after shipping (in transit, delivered, receipt) change no stock: the last parcel's `ship_all` consumed it.
 */
import type { OrderAction, OrderState } from '../core/order';
import type { Store } from '../store/database';
import type { Executor } from '../store/orders';
import type { Database } from '../store/schema';
import type { Transaction } from 'kysely';
import { settleOrdersStock } from './stock-reservations';
import { refuseQueuedUploadsOf } from './upload-refusal';

export interface OrderMove {
  orderId: number;
  shopId: string;
  from: OrderState;
  to: OrderState;
  actions: OrderAction[];
}

export interface OrderHookContext {
  store: Store;
  now: number;
  actor: string;
}

export interface OrderHook {
  name: string;
  run: (trx: Executor, moves: readonly OrderMove[], context: OrderHookContext) => Promise<void>;
}

const settleStock: OrderHook = {
  name: 'settle_stock',
  run: async (trx, moves, { store, now, actor }) => {
    await settleOrdersStock(
      store,
      trx as Transaction<Database>,
      moves.map((m) => m.orderId),
      { now, actor },
    );
  },
};

const settleQueuedUploads: OrderHook = {
  name: 'settle_queued_uploads',
  run: async (trx, moves, { now, actor }) => {
    await refuseQueuedUploadsOf(
      trx,
      moves.map((m) => ({ orderId: m.orderId, state: m.to })),
      now,
      actor,
    );
  },
};

/** The after-hooks of every order action. */
export const afterOrderTransition: Record<OrderAction, readonly OrderHook[]> = {
  accept: [settleStock],
  cancel: [settleStock, settleQueuedUploads],
  close_unfulfilled: [settleStock, settleQueuedUploads],
  ship_part: [settleStock],
  ship_all: [settleStock],
  report_in_transit: [],
  report_delivered: [],
  confirm_receipt: [],
  wait_for_stock: [],
  reserve_stock: [],
};
