/**
 * The upload outbox: claim due rows, deliver them to the marketplace, and record what happened, so that every
 * tracking number reaches the platform exactly once in effect.
 *
 * - An attempt whose outcome is unknown (AmbiguousOutcomeError, or a worker that died holding the row) marks the row
 *   `needs_readback`; the next attempt first reads the order back from the platform and sends nothing if the number
 *   is already declared there. A number is therefore never declared twice. When the platform did answer, only
 *   unclearly (an `isp.*` error, an HTML page, a cut-off answer), the order is read back at once in the same attempt
 *   (upload-delivery.ts): the number found there is done without waiting for a retry.
 * - An `all` upload is not claimable until every other upload of its order is delivered (store/outbox.ts), so `all`
 *   is never declared before the last parcel.
 * - Nothing is sent for an order that is closed or cancelled, here or on the platform.
 * - Every attempt is an event on the order's timeline. A transient failure is retried until the order's closing
 *   point (an upload is never abandoned while its order can still be saved); a permanent refusal, or a transient
 *   failure after the closing point, dead-letters the row (`upload_dead_lettered`, alerted on the webhooks), and
 *   `retryOutboxRow` puts it back. A buyer's notice has no closing point: dead after `maxAttempts`.
 * - This file claims and records; delivery (network) is upload-delivery.ts, the seller's view outbox-entries.ts,
 *   and a marketplace outage (recorded and alerted once) marketplace-outage.ts.
 * - A row's moves are the outbox machine's (core/outbox-row.ts); what follows each is declared in outbox-hooks.ts:
 *   an accepted upload moves the parcel (`upload_tracking`) and the order (`ship_part` / `ship_all`, through the one
 *   order transition, app/order-transition.ts) and queues the buyer's notice, in the transaction that records it.
 */
import type { OutboxAction } from '../core/outbox-row';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../core/upload-rules';
import * as orderStore from '../store/orders';
import * as outbox from '../store/outbox';
import { ownerIsGone } from '../store/leases';
import { inRetriedTransaction } from '../store/transaction-retry';
import type { ClaimedRow } from '../store/outbox';
import type { NewOrderEventRow, OutboxRow } from '../store/schema';
import type { AppContext } from './context';
import { isOrderVersionConflict } from './errors';
import { runOutboxHooks, type OutboxMove } from './outbox-hooks';
import { attemptKind, closingPoints, planOutcome, type RecordSummary } from './outbox-outcomes';
import { timelineEvent } from '../core/timeline';
import type { DeliveryOutcome } from './upload-delivery';

// Delivery (network) and the seller's view live beside this file; their API is re-exported here.
export * from './upload-delivery';
export * from './outbox-entries';
export type { RecordSummary } from './outbox-outcomes';

export interface OutboxSettings {
  /** How long a claim holds a row; a worker that dies is replaced after it. Longer than any attempt can take. */
  leaseMs: number;
  retry: RetryPolicy;
}

export const DEFAULT_OUTBOX_SETTINGS: OutboxSettings = { leaseMs: 120_000, retry: DEFAULT_RETRY_POLICY };

// ---------------------------------------------------------------------------------------------------------------
// Claim

/** How often a process looks for workers of this host that died holding uploads. */
const DEAD_WORKER_CHECK_MS = 5_000;
const deadWorkerChecks = new WeakMap<AppContext, number>();

/**
 * The workers of this host that died holding uploads in flight (store/leases.ts `ownerIsGone`): their rows are
 * taken over at once rather than when their lease runs out. Looked for at most every DEAD_WORKER_CHECK_MS per
 * process (wall clock), so the claim's hot path stays one statement.
 */
async function deadWorkers(ctx: AppContext, now: number): Promise<string[]> {
  const last = deadWorkerChecks.get(ctx) ?? 0;
  if (Date.now() - last < DEAD_WORKER_CHECK_MS) return [];
  deadWorkerChecks.set(ctx, Date.now());
  const holders = await outbox.inFlightOwners(ctx.store.db, now);
  return holders.filter(ownerIsGone);
}

/** Claims due rows for `worker` (most urgent first) in one transaction; a takeover records the lost attempt. */
export async function claimOutboxRows(
  ctx: AppContext,
  worker: string,
  options: { limit: number; leaseMs: number; kinds?: readonly string[]; shopIds?: readonly string[] },
): Promise<ClaimedRow[]> {
  const now = ctx.now();
  const goneOwners = await deadWorkers(ctx, now);
  return inRetriedTransaction(
    ctx.store.db,
    async (trx) => {
      const rows = await outbox.claimDueRows(trx, {
        dialect: ctx.store.dialect,
        worker,
        now,
        leaseMs: options.leaseMs,
        limit: options.limit,
        goneOwners,
        ...(options.kinds ? { kinds: options.kinds } : {}),
        ...(options.shopIds ? { shopIds: options.shopIds } : {}),
      });
      const lost = rows.filter((row) => row.claimed_from === 'in_flight');
      if (lost.length) {
        await orderStore.appendEvents(
          trx,
          lost.map((row) =>
            timelineEvent({
              orderId: row.order_id,
              parcelId: row.parcel_id,
              at: now,
              actor: worker,
              kind: attemptKind(row),
              reason: `attempt ${row.attempts - 1}: worker ${row.previous_owner} stopped before recording it; the outcome is unknown, so the order is read back before anything is sent`,
              data: JSON.stringify({
                outbox_id: row.id,
                attempt: row.attempts - 1,
                outcome: 'lost',
                worker: row.previous_owner,
              }),
            }),
          ),
        );
      }
      return rows;
    },
    { alsoRetry: isOrderVersionConflict },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Record

/**
 * Records the outcomes of claimed rows in ONE transaction, set-based: each outcome is an outbox machine action
 * (outbox-outcomes.ts); one fenced UPDATE settles every row (a row whose claim was lost is left alone and counted),
 * then the actions' declared hooks run (outbox-hooks.ts: an accepted upload moves its parcel and order through the
 * one transition and queues the buyer's notice; a dead letter is alerted), and the events are inserted in bulk. The
 * statements per batch do not grow with its size, so a bigger batch costs little more.
 * As a use case of named steps (app/steps.ts) this is ONE step with no undo: the one transaction makes the row's
 * settle, its hooks (the parcel's and order's moves, the buyer's notice) and the timeline atomic; a failure writes
 * nothing and the claim expires, so the outcome is recorded again.
 */
export async function recordOutboxOutcomes(
  ctx: AppContext,
  worker: string,
  results: Array<{ row: ClaimedRow | OutboxRow; outcome: DeliveryOutcome }>,
  settings: OutboxSettings = DEFAULT_OUTBOX_SETTINGS,
  random: () => number = Math.random,
  /** A marketplace outage is open (app/marketplace-outage.ts): retries come due together, on a grid. */
  context: { outageOpen?: boolean } = {},
): Promise<RecordSummary> {
  const none = (): RecordSummary => ({
    accepted: 0,
    retried: 0,
    dead: 0,
    refused: 0,
    notices: 0,
    lostClaims: 0,
    retriesDueInMs: [],
  });
  if (results.length === 0) return none();
  return inRetriedTransaction(
    ctx.store.db,
    async (trx) => {
      const now = ctx.now();
      const summary = none();
      // 1. What each outcome writes, decided before anything is written; a failed upload needs its order's closing point.
      const closing = await closingPoints(
        trx,
        results
          .filter(({ row, outcome }) => outcome.type === 'retry' && row.kind === outbox.UPLOAD_KIND)
          .map(({ row }) => row),
      );
      const planned = results.map(({ row, outcome }) => ({
        row,
        outcome,
        ...planOutcome(
          row,
          outcome,
          now,
          worker,
          settings.retry,
          random,
          closing.get(row.order_id) ?? null,
          context.outageOpen === true,
        ),
      }));
      // 2. One fenced statement settles them all; a row missing from the answer was taken over by another worker.
      const settled = await outbox.settleClaimedRows(
        trx,
        worker,
        now,
        planned.map((p) => ({ id: p.row.id, changes: p.changes })),
      );
      const events: NewOrderEventRow[] = [];
      const taken: Array<OutboxMove & { action: OutboxAction }> = [];
      const counted = new Set<number>();
      for (const p of planned) {
        // A row given twice in one batch is settled once, by its first entry (the second one finds it settled).
        if (!settled.has(p.row.id) || counted.has(p.row.id)) {
          summary.lostClaims++;
          continue;
        }
        counted.add(p.row.id);
        if (p.counts) summary[p.counts]++;
        if (p.retryAt !== undefined) summary.retriesDueInMs.push(p.retryAt - now);
        events.push(...p.events);
        taken.push({ row: p.row, action: p.action, ...(p.deadLetter ? { deadLetter: p.deadLetter } : {}) });
      }
      // 3. The hooks declared for the actions taken, then the timeline.
      await runOutboxHooks(trx, taken, { ctx, now, worker, events });
      await orderStore.appendEvents(trx, events);
      return summary;
    },
    { alsoRetry: isOrderVersionConflict },
  );
}
