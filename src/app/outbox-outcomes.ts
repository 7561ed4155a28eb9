/**
 * What recording one delivery outcome writes (app/upload-outbox.ts records them): the outbox machine's action for it
 * (core/outbox-row.ts), the row's new state and columns, its timeline events, and what it counts as. Pure but for
 * `closingPoints`, which reads the failed uploads' orders.
 */
import { outboxMachine, type OutboxAction } from '../core/outbox-row';
import { builtInRegistry } from '../core/policy/built-in';
import { decide } from '../core/state-machine';
import {
  afterFailure,
  nextAttemptAt,
  NO_DEADLINE_PRIORITY,
  uploadClosesAt,
  type RetryPolicy,
} from '../core/upload-rules';
import type * as orders from '../store/orders';
import * as outbox from '../store/outbox';
import type { NewOrderEventRow, OutboxRow } from '../store/schema';
import { timelineEvent } from '../core/timeline';
import type { DeliveryOutcome, NoticePayload } from './upload-delivery';
import { closedOrderRefusalEvent } from './upload-refusal';

export interface RecordSummary {
  accepted: number;
  retried: number;
  dead: number;
  refused: number;
  notices: number;
  /** Outcomes dropped because the claim had expired and another worker holds the row now. */
  lostClaims: number;
  /** How long after the recording each row retried comes due (ms): the worker wakes for them, not a poll later. */
  retriesDueInMs: number[];
}

export interface PlannedOutcome {
  /** The outbox machine's action this outcome takes from `in_flight`. */
  action: OutboxAction;
  changes: outbox.SettleChanges;
  /** The timeline events written when the row is settled (the dead letter's included). */
  events: NewOrderEventRow[];
  counts?: Exclude<keyof RecordSummary, 'lostClaims' | 'retriesDueInMs'>;
  deadLetter?: NewOrderEventRow;
  /** A retry's `next_attempt_at`. */
  retryAt?: number;
}

/** The state a claimed row goes to by `action` (the machine's table, checked by `decide`). */
function toState(action: OutboxAction): string {
  const decision = decide(outboxMachine, 'in_flight', action, {});
  if (!decision.ok) throw new Error(`outbox: ${decision.message.en}`);
  return decision.to;
}

export function attemptKind(row: OutboxRow): string {
  return row.kind === outbox.UPLOAD_KIND ? 'upload_attempt' : 'buyer_notice_attempt';
}

/** What every outcome's plan reads: the row, the instant, the worker, and the attempt's event kind and data. */
interface AttemptContext {
  row: OutboxRow;
  now: number;
  worker: string;
  kind: string;
  base: { outbox_id: number; attempt: number; worker: string };
}

type OutcomeOf<T extends DeliveryOutcome['type']> = Extract<DeliveryOutcome, { type: T }>;

/** What recording one outcome writes: the row's new state, its events, and what it counts as. */
export function planOutcome(
  row: OutboxRow,
  outcome: DeliveryOutcome,
  now: number,
  worker: string,
  retryPolicy: RetryPolicy,
  random: () => number,
  closesAt: number | null,
  outageOpen: boolean,
): PlannedOutcome {
  const at: AttemptContext = {
    row,
    now,
    worker,
    kind: attemptKind(row),
    base: { outbox_id: row.id, attempt: row.attempts, worker },
  };
  switch (outcome.type) {
    case 'interrupted':
      return {
        action: 'interrupt',
        changes: { status: toState('interrupt'), next_attempt_at: now, attempts_delta: -1 },
        events: [],
      };
    case 'accepted':
      return acceptedOutcome(at, outcome);
    case 'notice_sent':
    case 'notice_unconfirmed':
      return noticeOutcome(at, outcome);
    case 'retry':
      return retryOutcome(at, outcome, retryPolicy, random, closesAt, outageOpen);
    case 'failed':
      return failedOutcome(at, outcome);
    case 'refused':
      return refusedOutcome(at, outcome);
  }
}

function acceptedOutcome(at: AttemptContext, outcome: OutcomeOf<'accepted'>): PlannedOutcome {
  const { row, now } = at;
  return {
    action: 'accept',
    changes: { status: toState('accept'), needs_readback: 0, done_at: now, last_error: null },
    counts: 'accepted',
    events: [
      attemptEvent(
        at,
        outcome.unclear
          ? `attempt ${row.attempts}: the answer was unclear (${outcome.unclear.code}); the order read back at once carries the number: accepted`
          : outcome.via === 'readback'
            ? `attempt ${row.attempts}: the number is already on the platform's order (read back); not sent again`
            : `attempt ${row.attempts}: accepted`,
        {
          outcome: outcome.via === 'readback' ? 'confirmed_by_readback' : 'accepted',
          ...(outcome.unclear ? { unclear: outcome.unclear.code } : {}),
          ...(outcome.readback ? { readback: outcome.readback } : {}),
        },
      ),
    ],
  };
}

function noticeOutcome(at: AttemptContext, outcome: OutcomeOf<'notice_sent' | 'notice_unconfirmed'>): PlannedOutcome {
  const { row, now } = at;
  const payload = JSON.parse(row.payload) as NoticePayload;
  return {
    action: 'accept',
    changes: {
      status: toState('accept'),
      needs_readback: 0,
      done_at: now,
      last_error: outcome.type === 'notice_unconfirmed' ? `${outcome.code}: ${outcome.message}` : null,
    },
    counts: 'notices',
    events: [
      attemptEvent(
        at,
        outcome.type === 'notice_sent'
          ? `attempt ${row.attempts}: the buyer was sent the tracking number`
          : `attempt ${row.attempts}: the answer was lost; the message may have reached the buyer and is not sent again`,
        {
          outcome: outcome.type === 'notice_sent' ? 'sent' : 'unconfirmed',
          tracking_number: payload.trackingNumber,
          content: payload.content,
        },
      ),
    ],
  };
}

/** Transient: retried until the order's closing point (an upload is never abandoned while its order can be saved). */
function retryOutcome(
  at: AttemptContext,
  outcome: OutcomeOf<'retry'>,
  retryPolicy: RetryPolicy,
  random: () => number,
  closesAt: number | null,
  outageOpen: boolean,
): PlannedOutcome {
  const { row, now, worker } = at;
  const verdict = afterFailure({
    attempts: row.attempts,
    permanent: false,
    now,
    closesAt,
    policy: retryPolicy,
    duringOutage: outageOpen && outcome.outage === true,
  });
  const next = nextAttemptAt({
    now,
    attempt: row.attempts,
    policy: retryPolicy,
    deadlineAt: row.priority_at >= NO_DEADLINE_PRIORITY ? null : row.priority_at,
    closesAt,
    retryAfterMs: outcome.retryAfterMs,
    random: random(),
    alignMs: outageOpen && outcome.outage ? retryPolicy.urgentMaxDelayMs : undefined,
  });
  const attempt = attemptEvent(
    at,
    `attempt ${row.attempts}: ${outcome.needsReadback ? 'outcome unknown' : 'failed'} (${outcome.code})${verdict === 'retry' ? `; next try in ${Math.round((next - now) / 1000)} s${outcome.needsReadback ? ', after reading the order back' : ''}` : ''}`,
    {
      outcome: outcome.needsReadback ? 'ambiguous' : 'retryable',
      code: outcome.code,
      ...(verdict === 'retry' ? { next_attempt_at: next } : {}),
      ...(outcome.readback ? { readback: outcome.readback } : {}),
    },
  );
  const action: OutboxAction = verdict === 'retry' ? 'retry' : 'dead_letter';
  const changes = {
    status: toState(action),
    next_attempt_at: next,
    needs_readback: outcome.needsReadback ? 1 : 0,
    last_error: `${outcome.code}: ${outcome.message}`.slice(0, 1000),
  };
  if (verdict === 'retry') return { action, changes, counts: 'retried', events: [attempt], retryAt: next };
  const dead = deadLetterEvent(
    row,
    now,
    worker,
    closesAt !== null
      ? `${row.attempts} attempts failed (the last: ${outcome.code}) and the order's closing point (${new Date(closesAt).toISOString()}) has passed: the platform no longer takes a number for it`
      : `${row.attempts} attempts failed; the last: ${outcome.code}`,
  );
  return { action, changes, counts: 'dead', events: [attempt, dead], deadLetter: dead };
}

function failedOutcome(at: AttemptContext, outcome: OutcomeOf<'failed'>): PlannedOutcome {
  const { row, now, worker } = at;
  const dead = deadLetterEvent(
    row,
    now,
    worker,
    `the platform refused the request (${outcome.code}); it will not pass by retrying alone`,
  );
  return {
    action: 'dead_letter',
    changes: {
      status: toState('dead_letter'),
      needs_readback: 1,
      last_error: `${outcome.code}: ${outcome.message}`.slice(0, 1000),
    },
    counts: 'dead',
    events: [
      attemptEvent(at, `attempt ${row.attempts}: refused by the platform (${outcome.code})`, {
        outcome: 'failed',
        code: outcome.code,
        message: outcome.message,
        ...(outcome.readback ? { readback: outcome.readback } : {}),
      }),
      dead,
    ],
    deadLetter: dead,
  };
}

function refusedOutcome({ row, now, worker, base }: AttemptContext, outcome: OutcomeOf<'refused'>): PlannedOutcome {
  const extra = { ...base, ...(outcome.readback ? { readback: outcome.readback } : {}) };
  return {
    action: 'refuse',
    changes: { status: toState('refuse'), needs_readback: 0, done_at: now, last_error: outcome.message.en },
    counts: 'refused',
    events: [
      outcome.reason === 'order_closed'
        ? closedOrderRefusalEvent(row, outcome.message, now, worker, extra)
        : timelineEvent({
            orderId: row.order_id,
            parcelId: row.parcel_id,
            at: now,
            actor: worker,
            kind: 'upload_refused',
            reason: outcome.message.en,
            data: JSON.stringify({ ...extra, outbox_id: row.id, reason: outcome.reason, message: outcome.message }),
          }),
    ],
  };
}

/**
 * The closing point of each failed upload's order: its deadline (the order's current ship-by, else the row's
 * priority) plus the policy's closing hours, else its grace (core/upload-rules.ts `uploadClosesAt`).
 */
export async function closingPoints(trx: orders.Executor, rows: OutboxRow[]): Promise<Map<number, number | null>> {
  const ids = [...new Set(rows.map((row) => row.order_id))];
  if (ids.length === 0) return new Map();
  const found = new Map(
    (
      await trx
        .selectFrom('orders')
        .select(['id', 'ship_by_at', 'policy_id', 'policy_version'])
        .where('id', 'in', ids)
        .execute()
    ).map((o) => [o.id, o]),
  );
  const registry = builtInRegistry();
  const result = new Map<number, number | null>();
  for (const row of rows) {
    const order = found.get(row.order_id);
    const deadline = order?.ship_by_at ?? (row.priority_at >= NO_DEADLINE_PRIORITY ? null : row.priority_at);
    const policy =
      order?.policy_id && order.policy_version !== null
        ? registry.get(order.policy_id, order.policy_version)
        : undefined;
    result.set(
      row.order_id,
      uploadClosesAt(
        deadline,
        policy
          ? { closingHoursAfterDeadline: policy.closing.hoursAfterDeadline, graceHours: policy.graceHours }
          : undefined,
      ),
    );
  }
  return result;
}

/** One attempt's timeline event: the row's order and parcel, now, the worker, the row's kind, and the attempt's data. */
function attemptEvent(
  { row, now, worker, kind, base }: AttemptContext,
  reason: string,
  data: object,
): NewOrderEventRow {
  return timelineEvent({
    orderId: row.order_id,
    parcelId: row.parcel_id,
    at: now,
    actor: worker,
    kind,
    reason,
    data: JSON.stringify({ ...base, ...data }),
  });
}

function deadLetterEvent(row: OutboxRow, now: number, worker: string, why: string): NewOrderEventRow {
  return timelineEvent({
    orderId: row.order_id,
    parcelId: row.parcel_id,
    at: now,
    actor: worker,
    kind: row.kind === outbox.UPLOAD_KIND ? 'upload_dead_lettered' : 'buyer_notice_dead_lettered',
    reason: `${why}; nothing more is tried: enter the number in the marketplace's seller centre, or ask the installation's administrator to retry upload ${row.id}`,
    data: JSON.stringify({ outbox_id: row.id, attempts: row.attempts }),
  });
}
