/**
 * The upload outbox: claim due rows, deliver them to the marketplace, and record what happened, so that every
 * tracking number reaches the platform exactly once in effect.
 *
 * - An attempt whose outcome is unknown (AmbiguousOutcomeError, or a worker that died holding the row) marks the row
 *   `needs_readback`; the next attempt first reads the order back from the platform and sends nothing if the number
 *   is already declared there. A number is therefore never declared twice.
 * - An `all` upload is not claimable until every other upload of its order is delivered (store/outbox.ts), so `all`
 *   is never declared before the last parcel.
 * - Nothing is sent for an order that is closed or cancelled, here or on the platform.
 * - Every attempt is an event on the order's timeline. A transient failure is retried until the order's closing
 *   point (an upload is never abandoned while its order can still be saved); a permanent refusal, or a transient
 *   failure after the closing point, dead-letters the row (`upload_dead_lettered`, alerted on the webhooks), and
 *   `retryOutboxRow` puts it back. A buyer's notice has no closing point: dead after `maxAttempts`.
 * - This file claims and records; delivery (network) is upload-delivery.ts, the seller's view outbox-entries.ts,
 *   and a marketplace outage (recorded and alerted once) marketplace-outage.ts.
 * - Accepted uploads move the parcel (`upload_tracking`) and the order (`ship_part` / `ship_all`) through `decide`,
 *   and queue the buyer's notice, in the transaction that records the acceptance.
 */
import { localized } from '../core/i18n';
import { queueAlert } from './deadlines';
import { settleOrdersStock } from './stock-reservations';
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema';
import { ORDER_MILESTONE, ORDER_PROGRESS, orderMachine, parcelMachine, type OrderState, type ParcelState } from '../core/order';
import { decide } from '../core/state-machine';
import { DEFAULT_RETRY_POLICY, NO_DEADLINE_PRIORITY, afterFailure, buyerNoticeText, nextAttemptAt, uploadClosesAt, type RetryPolicy } from '../core/upload-rules';
import { builtInRegistry } from '../core/policy/registry';
import * as marketplace from '../store/marketplace';
import * as orders from '../store/orders';
import * as outbox from '../store/outbox';
import { ownerIsGone } from '../store/leases';
import type { ClaimedRow } from '../store/outbox';
import type { NewOrderEventRow, NewOutboxRow, OrderRow, OutboxRow, ParcelRow } from '../store/schema';
import type { AppContext } from './context';
import { ConflictError } from './errors';
import { event, type UploadPayload } from './shipments';
import type { DeliveryOutcome, NoticePayload } from './upload-delivery';

// Delivery (network) and the seller's view live beside this file; their API is re-exported here.
export * from './upload-delivery';
export * from './outbox-entries';

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
  options: { limit: number; leaseMs: number; kinds?: readonly string[] },
): Promise<ClaimedRow[]> {
  const now = ctx.now();
  const goneOwners = await deadWorkers(ctx, now);
  return withRetries(() =>
    ctx.store.db.transaction().execute(async (trx) => {
      const rows = await outbox.claimDueRows(trx, {
        dialect: ctx.store.dialect,
        worker,
        now,
        leaseMs: options.leaseMs,
        limit: options.limit,
        goneOwners,
        ...(options.kinds ? { kinds: options.kinds } : {}),
      });
      const lost = rows.filter((row) => row.claimed_from === 'in_flight');
      if (lost.length) {
        await orders.appendEvents(
          trx,
          lost.map((row) =>
            event(row.order_id, row.parcel_id, now, worker, attemptKind(row), null, null, null,
              `attempt ${row.attempts - 1}: worker ${row.previous_owner} stopped before recording it; the outcome is unknown, so the order is read back before anything is sent`,
              JSON.stringify({ outbox_id: row.id, attempt: row.attempts - 1, outcome: 'lost', worker: row.previous_owner })),
          ),
        );
      }
      return rows;
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Record

export interface RecordSummary {
  accepted: number;
  retried: number;
  dead: number;
  refused: number;
  notices: number;
  /** Outcomes dropped because the claim had expired and another worker holds the row now. */
  lostClaims: number;
}

/**
 * Records the outcomes of claimed rows in ONE transaction, set-based: one fenced UPDATE settles every row (a row
 * whose claim was lost is left alone and counted), then the accepted uploads move their parcels and orders with one
 * statement per kind of change, the shipped orders' stock is settled together, and the events and notices are
 * inserted in bulk. The statements per batch do not grow with its size, so a bigger batch costs little more.
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
  if (results.length === 0) return { accepted: 0, retried: 0, dead: 0, refused: 0, notices: 0, lostClaims: 0 };
  return withRetries(() => ctx.store.db.transaction().execute(async (trx) => {
    const now = ctx.now();
    const summary: RecordSummary = { accepted: 0, retried: 0, dead: 0, refused: 0, notices: 0, lostClaims: 0 };
    // 1. What each outcome writes, decided before anything is written; a failed upload needs its order's closing point.
    const closing = await closingPoints(trx, results.filter(({ row, outcome }) => outcome.type === 'retry' && row.kind === outbox.UPLOAD_KIND).map(({ row }) => row));
    const planned = results.map(({ row, outcome }) => ({ row, outcome, ...planOutcome(row, outcome, now, worker, settings, random, closing.get(row.order_id) ?? null, context.outageOpen === true) }));
    // 2. One fenced statement settles them all; a row missing from the answer was taken over by another worker.
    const settled = await outbox.settleClaimedRows(trx, worker, now, planned.map((p) => ({ id: p.row.id, changes: p.changes })));
    const events: NewOrderEventRow[] = [];
    const acceptedUploads: OutboxRow[] = [];
    const deadRows: Array<{ row: OutboxRow; event: NewOrderEventRow }> = [];
    const counted = new Set<number>();
    for (const p of planned) {
      // A row given twice in one batch is settled once, by its first entry (the second one finds it settled).
      if (!settled.has(p.row.id) || counted.has(p.row.id)) {
        summary.lostClaims++;
        continue;
      }
      counted.add(p.row.id);
      if (p.counts) summary[p.counts]++;
      events.push(...p.events);
      if (p.outcome.type === 'accepted') acceptedUploads.push(p.row);
      if (p.deadLetter) deadRows.push({ row: p.row, event: p.deadLetter });
    }
    if (acceptedUploads.length) await applyAcceptedUploads(ctx, trx, acceptedUploads, now, worker, events);
    await orders.appendEvents(trx, events);
    // A dead upload is a missed deadline in the making: alert the seller through the webhooks, with the claim.
    for (const { row, event: e } of deadRows) {
      await queueAlert(trx, row.shop_id, `upload_dead:${row.id}:${row.attempts}`, { kind: 'upload_dead_lettered', shop_id: row.shop_id, order_id: row.order_id, parcel_id: row.parcel_id, outbox_id: row.id, reason: e.reason, at: new Date(now).toISOString() }, now);
    }
    return summary;
  }));
}

interface PlannedOutcome {
  changes: outbox.SettleChanges;
  /** The timeline events written when the row is settled (the dead letter's included). */
  events: NewOrderEventRow[];
  counts?: Exclude<keyof RecordSummary, 'lostClaims'>;
  deadLetter?: NewOrderEventRow;
}

/** What recording one outcome writes: the row's new state, its events, and what it counts as. */
function planOutcome(row: OutboxRow, outcome: DeliveryOutcome, now: number, worker: string, settings: OutboxSettings, random: () => number, closesAt: number | null, outageOpen: boolean): PlannedOutcome {
  const kind = attemptKind(row);
  const base = { outbox_id: row.id, attempt: row.attempts, worker };
  switch (outcome.type) {
    case 'interrupted':
      return { changes: { status: 'pending', next_attempt_at: now, attempts_delta: -1 }, events: [] };
    case 'accepted':
      return {
        changes: { status: 'delivered', needs_readback: 0, done_at: now, last_error: null },
        counts: 'accepted',
        events: [event(row.order_id, row.parcel_id, now, worker, kind, null, null, null,
          outcome.via === 'readback' ? `attempt ${row.attempts}: the number is already on the platform's order (read back); not sent again` : `attempt ${row.attempts}: accepted`,
          JSON.stringify({ ...base, outcome: outcome.via === 'readback' ? 'confirmed_by_readback' : 'accepted', ...(outcome.readback ? { readback: outcome.readback } : {}) }))],
      };
    case 'notice_sent':
    case 'notice_unconfirmed': {
      const payload = JSON.parse(row.payload) as NoticePayload;
      return {
        changes: { status: 'delivered', needs_readback: 0, done_at: now, last_error: outcome.type === 'notice_unconfirmed' ? `${outcome.code}: ${outcome.message}` : null },
        counts: 'notices',
        events: [event(row.order_id, row.parcel_id, now, worker, kind, null, null, null,
          outcome.type === 'notice_sent' ? `attempt ${row.attempts}: the buyer was sent the tracking number` : `attempt ${row.attempts}: the answer was lost; the message may have reached the buyer and is not sent again`,
          JSON.stringify({ ...base, outcome: outcome.type === 'notice_sent' ? 'sent' : 'unconfirmed', tracking_number: payload.trackingNumber, content: payload.content }))],
      };
    }
    case 'retry': {
      // Transient: retried until the order's closing point (an upload is never abandoned while its order can be saved).
      const verdict = afterFailure({ attempts: row.attempts, permanent: false, now, closesAt, policy: settings.retry, duringOutage: outageOpen && outcome.outage === true });
      const next = nextAttemptAt({ now, attempt: row.attempts, policy: settings.retry, deadlineAt: row.priority_at >= NO_DEADLINE_PRIORITY ? null : row.priority_at, closesAt, retryAfterMs: outcome.retryAfterMs, random: random(), alignMs: outageOpen && outcome.outage ? settings.retry.urgentMaxDelayMs : undefined });
      const attempt = event(row.order_id, row.parcel_id, now, worker, kind, null, null, null,
        `attempt ${row.attempts}: ${outcome.needsReadback ? 'outcome unknown' : 'failed'} (${outcome.code})${verdict === 'retry' ? `; next try in ${Math.round((next - now) / 1000)} s${outcome.needsReadback ? ', after reading the order back' : ''}` : ''}`,
        JSON.stringify({ ...base, outcome: outcome.needsReadback ? 'ambiguous' : 'retryable', code: outcome.code, ...(verdict === 'retry' ? { next_attempt_at: next } : {}), ...(outcome.readback ? { readback: outcome.readback } : {}) }));
      const changes = { status: verdict === 'retry' ? 'pending' : 'dead', next_attempt_at: next, needs_readback: outcome.needsReadback ? 1 : 0, last_error: `${outcome.code}: ${outcome.message}`.slice(0, 1000) };
      if (verdict === 'retry') return { changes, counts: 'retried', events: [attempt] };
      const dead = deadLetterEvent(row, now, worker, closesAt !== null
        ? `${row.attempts} attempts failed (the last: ${outcome.code}) and the order's closing point (${new Date(closesAt).toISOString()}) has passed: the platform no longer takes a number for it`
        : `${row.attempts} attempts failed; the last: ${outcome.code}`);
      return { changes, counts: 'dead', events: [attempt, dead], deadLetter: dead };
    }
    case 'failed': {
      const dead = deadLetterEvent(row, now, worker, `the platform refused the request (${outcome.code}); it will not pass by retrying alone`);
      return {
        changes: { status: 'dead', needs_readback: 1, last_error: `${outcome.code}: ${outcome.message}`.slice(0, 1000) },
        counts: 'dead',
        events: [
          event(row.order_id, row.parcel_id, now, worker, kind, null, null, null, `attempt ${row.attempts}: refused by the platform (${outcome.code})`,
            JSON.stringify({ ...base, outcome: 'failed', code: outcome.code, message: outcome.message, ...(outcome.readback ? { readback: outcome.readback } : {}) })),
          dead,
        ],
        deadLetter: dead,
      };
    }
    case 'refused':
      return {
        changes: { status: 'refused', needs_readback: 0, done_at: now, last_error: outcome.message.en },
        counts: 'refused',
        events: [event(row.order_id, row.parcel_id, now, worker, 'upload_refused', null, null, null, outcome.message.en,
          JSON.stringify({ ...base, reason: outcome.reason, message: outcome.message, ...(outcome.readback ? { readback: outcome.readback } : {}) }))],
      };
  }
}

/**
 * The closing point of each failed upload's order: its deadline (the order's current ship-by, else the row's
 * priority) plus the policy's closing hours, else its grace (core/upload-rules.ts `uploadClosesAt`).
 */
async function closingPoints(trx: orders.Executor, rows: OutboxRow[]): Promise<Map<number, number | null>> {
  const ids = [...new Set(rows.map((row) => row.order_id))];
  if (ids.length === 0) return new Map();
  const found = new Map((await trx.selectFrom('orders').select(['id', 'ship_by_at', 'policy_id', 'policy_version']).where('id', 'in', ids).execute()).map((o) => [o.id, o]));
  const registry = builtInRegistry();
  const result = new Map<number, number | null>();
  for (const row of rows) {
    const order = found.get(row.order_id);
    const deadline = order?.ship_by_at ?? (row.priority_at >= NO_DEADLINE_PRIORITY ? null : row.priority_at);
    const policy = order?.policy_id && order.policy_version !== null ? registry.get(order.policy_id, order.policy_version) : undefined;
    result.set(row.order_id, uploadClosesAt(deadline, policy ? { closingHoursAfterDeadline: policy.closing.hoursAfterDeadline, graceHours: policy.graceHours } : undefined));
  }
  return result;
}

function deadLetterEvent(row: OutboxRow, now: number, worker: string, why: string): NewOrderEventRow {
  return event(row.order_id, row.parcel_id, now, worker, row.kind === outbox.UPLOAD_KIND ? 'upload_dead_lettered' : 'buyer_notice_dead_lettered', null, null, null,
    `${why}; nothing more is tried: enter the number in the marketplace's seller centre, or ask the installation's administrator to retry upload ${row.id}`, JSON.stringify({ outbox_id: row.id, attempts: row.attempts }));
}

/**
 * Parcel `upload_tracking`, order `ship_part` / `ship_all` through `decide`, and the buyer's notice queued, for a
 * batch: decided row by row in memory (two parcels of one order see each other's move), then written with one
 * statement per distinct change (parcels by their new state, orders by their new state; each order only at the
 * version read under its lock), the stock of the orders now shipped settled in one call, the notices in one insert.
 */
async function applyAcceptedUploads(
  ctx: AppContext,
  trx: orders.Executor,
  rows: OutboxRow[],
  now: number,
  worker: string,
  events: NewOrderEventRow[],
): Promise<void> {
  const orderIds = [...new Set(rows.map((row) => row.order_id))].sort((a, b) => a - b);
  let orderQuery = trx.selectFrom('orders').selectAll().where('id', 'in', orderIds).orderBy('id');
  if (ctx.store.dialect === 'postgres') orderQuery = orderQuery.forUpdate();
  const readOrders = await orderQuery.execute();
  const asRead = new Map(readOrders.map((order) => [order.id, { version: order.version, status: order.status }]));
  const orderRows = new Map<number, OrderRow>(readOrders.map((order) => [order.id, order]));
  const parcelIds = rows.map((row) => row.parcel_id).filter((id): id is number => id !== null);
  const parcels = new Map<number, ParcelRow>(
    parcelIds.length ? (await trx.selectFrom('parcels').selectAll().where('id', 'in', parcelIds).execute()).map((p) => [p.id, p]) : [],
  );
  const refs = new Map((await marketplace.getOrderRefs(trx, orderIds)).map((ref) => [ref.order_id, ref]));
  const notices: NewOutboxRow[] = [];
  // Parcel ids by their new state ('' = the state stays); orders touched; the milestones each order reached.
  const parcelMoves = new Map<string, number[]>();
  const touched = new Set<number>();
  const milestones = new Map<number, Set<string>>();

  for (const row of rows) {
    const payload = JSON.parse(row.payload) as UploadPayload;
    const parcel = row.parcel_id !== null ? parcels.get(row.parcel_id) : undefined;
    if (parcel) {
      const decision = decide(parcelMachine, parcel.status as ParcelState, 'upload_tracking', {});
      if (decision.ok) {
        events.push(event(row.order_id, parcel.id, now, worker, 'transition', 'upload_tracking', decision.from, decision.to, 'accepted by the marketplace', null));
        parcels.set(parcel.id, { ...parcel, status: decision.to });
      } else {
        // e.g. an early upload for a parcel not labelled yet: the platform has the number; the parcel keeps its state.
        events.push(event(row.order_id, parcel.id, now, worker, 'upload_accepted_parcel_unchanged', null, null, null, decision.message.en, JSON.stringify({ rule: decision.rule, parcel_state: parcel.status })));
      }
      const to = decision.ok ? decision.to : '';
      parcelMoves.set(to, [...(parcelMoves.get(to) ?? []), parcel.id]);
    }

    const order = orderRows.get(row.order_id);
    if (order) {
      const target: OrderState = payload.sendType === 'all' ? 'shipped' : 'partially_shipped';
      const current = order.status as OrderState;
      touched.add(order.id);
      // The sync may have brought the platform's new status first; then there is nothing left to move.
      if (ORDER_PROGRESS[current] < ORDER_PROGRESS[target]) {
        const action = payload.sendType === 'all' ? 'ship_all' : 'ship_part';
        const decision = decide(orderMachine, current, action, {});
        if (decision.ok) {
          orderRows.set(order.id, { ...order, status: decision.to });
          const milestone = ORDER_MILESTONE[decision.to];
          if (milestone) milestones.set(order.id, (milestones.get(order.id) ?? new Set()).add(milestone));
          events.push(event(order.id, row.parcel_id, now, worker, 'transition', action, decision.from, decision.to, `tracking number ${payload.trackingNumber} accepted (send_type=${payload.sendType})`, null));
        } else {
          events.push(event(order.id, row.parcel_id, now, worker, 'upload_accepted_order_unchanged', null, null, null, decision.message.en, JSON.stringify({ rule: decision.rule })));
        }
      }
    }

    const ref = refs.get(row.order_id);
    const notice: NoticePayload = {
      platformOrderId: payload.platformOrderId,
      trackingNumber: payload.trackingNumber,
      content: buyerNoticeText({ platformOrderId: payload.platformOrderId, trackingNumber: payload.trackingNumber, carrierName: payload.serviceName, lastParcel: payload.sendType === 'all' }),
      buyerLoginId: ref?.buyer_login_id ?? null,
      sellerLoginId: ref?.seller_login_id ?? null,
    };
    notices.push({
      kind: outbox.NOTICE_KIND,
      shop_id: row.shop_id,
      order_id: row.order_id,
      parcel_id: row.parcel_id,
      dedupe_key: `notice:${row.parcel_id ?? row.id}:${payload.trackingNumber}`,
      payload: JSON.stringify(notice),
      send_type: null,
      status: 'pending',
      // After every upload: a notice never delays a number.
      priority_at: NO_DEADLINE_PRIORITY,
      next_attempt_at: now,
      attempts: 0,
      needs_readback: 0,
      lease_owner: null,
      lease_until: null,
      last_error: null,
      created_at: now,
      updated_at: now,
      done_at: null,
    });
  }

  for (const [to, ids] of parcelMoves) {
    await orders.updateParcels(trx, ids, { ...(to ? { status: to } : {}), tracking_uploaded_at: now, updated_at: now });
  }
  // Orders grouped by what changes: the new state (or none) and the milestones it stamps (first time only).
  const orderGroups = new Map<string, { status: string | null; milestones: string[]; ids: number[] }>();
  for (const id of touched) {
    const status = orderRows.get(id)!.status;
    const moved = status !== asRead.get(id)!.status ? status : null;
    const stamps = [...(milestones.get(id) ?? [])].sort();
    const key = `${moved ?? ''}|${stamps.join(',')}`;
    const group = orderGroups.get(key) ?? { status: moved, milestones: stamps, ids: [] };
    group.ids.push(id);
    orderGroups.set(key, group);
  }
  for (const group of orderGroups.values()) {
    const updated = await orders.updateOrdersAtVersions(
      trx,
      group.ids.map((id) => ({ id, version: asRead.get(id)!.version })),
      {
        set: { updated_at: now, ...(group.status ? { status: group.status } : {}) },
        setIfNull: { tracking_uploaded_at: now, ...Object.fromEntries(group.milestones.map((column) => [column, now])) },
      },
    );
    if (updated.size !== group.ids.length) {
      throw new ConflictError('order.version', localized('the order changed meanwhile; recording again.', '订单已被修改，正在重新记录。'));
    }
  }
  // The last parcel is declared: the goods have left, so the orders' reserved stock is consumed.
  const shipped = [...touched].filter((id) => orderRows.get(id)!.status === 'shipped' && asRead.get(id)!.status !== 'shipped');
  if (shipped.length) await settleOrdersStock(ctx.store, trx as Transaction<Database>, shipped, { now, actor: worker });
  await outbox.insertOutboxRows(trx, notices);
}

function attemptKind(row: OutboxRow): string {
  return row.kind === outbox.UPLOAD_KIND ? 'upload_attempt' : 'buyer_notice_attempt';
}

/** PostgreSQL deadlocks and lost optimistic locks are retried a few times; anything else is thrown. */
async function withRetries<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const retriable = code === '40P01' || code === '40001' || (error instanceof ConflictError && error.rule === 'order.version');
      if (!retriable || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.floor(Math.random() * 20)));
    }
  }
}
