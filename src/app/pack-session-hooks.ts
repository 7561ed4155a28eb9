/**
 * What follows each move of a pack session (core/pack-station.ts `packSessionMachine`), declared in one table keyed
 * by every action, as the order's (order-hooks.ts) and the outbox row's (outbox-hooks.ts) are. `moveSession`
 * (pack-session-moves.ts) runs them after the session is written, in its transaction.
 *
 * - `finish` → `record_packing_finished`: the order's timeline says packing is done, with its parcels.
 * - `cancel` → `record_packing_cancelled`: the timeline says the session stopped, and why.
 * The moves inside a session (scan, pack_parcel, hold, next_parcel) write their own scan, parcel and weight rows.
 */
import type { PackSessionAction } from '../core/pack-station';
import type { Executor } from '../store/orders';
import type { NewOrderEventRow } from '../store/schema';
import type { PackSessionRow } from '../store/schema-packing';
import { planView } from './pack';
import { timelineEvent } from '../core/timeline';

export interface PackSessionHookContext {
  now: number;
  actor: string;
  /** The packer's reason (a cancellation's). */
  reason?: string;
  /** The events of the step, appended by the caller after its own. */
  events: NewOrderEventRow[];
}

export interface PackSessionHook {
  name: string;
  run: (trx: Executor, session: PackSessionRow, context: PackSessionHookContext) => Promise<void>;
}

const recordFinished: PackSessionHook = {
  name: 'record_packing_finished',
  run: async (trx, session, { now, actor, events }) => {
    const parcels = await planView(trx, session.order_id);
    events.push(
      timelineEvent({
        orderId: session.order_id,
        at: now,
        actor,
        kind: 'packing_finished',
        data: JSON.stringify({ session_id: session.id, parcels: parcels.map((p) => p.parcelId) }),
      }),
    );
  },
};

const recordCancelled: PackSessionHook = {
  name: 'record_packing_cancelled',
  run: async (_trx, session, { now, actor, reason, events }) => {
    events.push(
      timelineEvent({
        orderId: session.order_id,
        at: now,
        actor,
        kind: 'packing_cancelled',
        reason: reason?.trim() || null,
        data: JSON.stringify({ session_id: session.id }),
      }),
    );
  },
};

/** The after-hooks of every pack-session action. */
export const afterPackSessionTransition: Record<PackSessionAction, readonly PackSessionHook[]> = {
  scan: [],
  pack_parcel: [],
  hold: [],
  next_parcel: [],
  finish: [recordFinished],
  cancel: [recordCancelled],
};
