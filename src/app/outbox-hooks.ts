/**
 * What follows each move of an outbox row (core/outbox-row.ts `outboxMachine`), declared in one table keyed by every
 * action, as the order's are (order-hooks.ts). The worker's record step (upload-outbox.ts) runs them in the
 * transaction that settles the rows, once per action for all the rows that took it.
 *
 * - `accept` → `apply_accepted_uploads`: the parcel and the order move on, the stock of the shipped orders is
 *   consumed (the order's own hooks), the buyer's notice is queued (upload-accepted.ts).
 * - `dead_letter` → `alert_dead_upload`: a dead upload is a missed deadline in the making; the seller is alerted
 *   through the webhooks, with the reason.
 * The other moves (claim, retry, interrupt, refuse, release, requeue) write only their row and its event.
 */
import type { OutboxAction } from '../core/outbox-row';
import * as orderStore from '../store/orders';
import * as outbox from '../store/outbox';
import type { NewOrderEventRow, OutboxRow } from '../store/schema';
import type { AppContext } from './context';
import { queueAlert } from './deadlines';
import { applyAcceptedUploads } from './upload-accepted';

export interface OutboxMove {
  row: OutboxRow;
  /** The dead letter's event, for its alert. */
  deadLetter?: NewOrderEventRow;
}

export interface OutboxHookContext {
  ctx: AppContext;
  now: number;
  worker: string;
  /** The events of the record step, appended together after the hooks. */
  events: NewOrderEventRow[];
}

export interface OutboxHook {
  name: string;
  run: (trx: orderStore.Executor, moves: readonly OutboxMove[], context: OutboxHookContext) => Promise<void>;
}

const applyAccepted: OutboxHook = {
  name: 'apply_accepted_uploads',
  run: async (trx, moves, { ctx, now, worker, events }) => {
    const uploads = moves.map((m) => m.row).filter((row) => row.kind === outbox.UPLOAD_KIND);
    if (uploads.length) await applyAcceptedUploads(ctx, trx, uploads, now, worker, events);
  },
};

const alertDeadUpload: OutboxHook = {
  name: 'alert_dead_upload',
  run: async (trx, moves, { now }) => {
    for (const { row, deadLetter } of moves) {
      await queueAlert(
        trx,
        row.shop_id,
        `upload_dead:${row.id}:${row.attempts}`,
        {
          kind: 'upload_dead_lettered',
          shop_id: row.shop_id,
          order_id: row.order_id,
          parcel_id: row.parcel_id,
          outbox_id: row.id,
          reason: deadLetter?.reason ?? null,
          at: new Date(now).toISOString(),
        },
        now,
      );
    }
  },
};

/** The after-hooks of every outbox action. */
export const afterOutboxTransition: Record<OutboxAction, readonly OutboxHook[]> = {
  release: [],
  claim: [],
  accept: [applyAccepted],
  retry: [],
  interrupt: [],
  dead_letter: [alertDeadUpload],
  refuse: [],
  requeue: [],
};

/** Runs the hooks of the moves taken, each action's in the table's order. */
export async function runOutboxHooks(
  trx: orderStore.Executor,
  taken: ReadonlyArray<OutboxMove & { action: OutboxAction }>,
  context: OutboxHookContext,
): Promise<void> {
  const byAction = new Map<OutboxAction, OutboxMove[]>();
  for (const move of taken) {
    const list = byAction.get(move.action) ?? [];
    list.push(move);
    byAction.set(move.action, list);
  }
  for (const [action, moves] of byAction) {
    for (const hook of afterOutboxTransition[action]) await hook.run(trx, moves, context);
  }
}
