/**
 * Carrier tracking events in (webhooks: inbox.ts; polling: polling.ts), folded into each parcel's tracking state, and
 * the consequences in the same transaction: read the facts, plan them (core/tracking/plan.ts, pure — the first scan
 * as the seller's first-scan command plans it, the parcel machine's moves, the order's moves), then write — parcels,
 * the order's in_transit/delivered through the one lifecycle transition (order-transition.ts), problems raised once
 * with an alert (problems.ts), the tracking rows and the timeline.
 *
 * Ingestion is batched: one transaction per batch of events, one lookup per tracking number, one insert per event
 * (idempotent on carrier + number + event key), one write per touched parcel. Events arrive late, twice or out of
 * order; the fold (core/tracking-status.ts) is a maximum, so the result is the same whatever the order.
 */
import { DEFAULT_PROBLEM_RULES, type ProblemRules } from '../../core/tracking-problems';
import {
  EMPTY_TRACKING_STATE,
  foldTrackingEventInto,
  isTrackingStatus,
  type TrackingEvent,
  type TrackingState,
} from '../../core/tracking-status';
import { planParcelTracking } from '../../core/tracking/plan';
import { planOrderTracking } from '../../core/tracking/plan-orders';
import type { TouchedParcel } from '../../core/tracking/plan-types';
import { planTrackingRows } from '../../core/tracking/tracking-rows';
import { normaliseNumber, type ProviderEvent } from '../../integrations/tracking/provider';
import type { Executor } from '../../store/orders';
import type { ParcelTrackingRow, TrackingEventRow, TrackingProviderRow } from '../../store/schema-tracking';
import { releaseHeldUploadsOf, trackingBulkWriter } from '../../store/tracking';
import type { ParcelContext, SiblingParcel, TrackingBulkWriter } from '../../store/tracking-bulk';
import { QueuedWrites, untilSent } from '../../store/queued-writes';
import { inRetriedTransaction } from '../../store/transaction-retry';
import { localized } from '../../core/i18n';
import type { NewOrderEventRow } from '../../store/schema';
import type { AppContext } from '../context';
import { uploadReleasedEvent } from '../first-scan';
import { transitionOrders } from '../order-transition';
import { ConflictError, isOrderVersionConflict } from '../errors';
import { cadenceOf, pollingProvider } from './providers';
import { reconcileProblems } from './problems';

const TRACKING_ACTOR = 'tracking';
export { registerParcels } from './registration';

// ---------------------------------------------------------------------------------------------------------------
// Ingestion

export interface IngestReport {
  received: number;
  duplicates: number;
  stored: number;
  /** Events kept aside: no parcel has their number (yet). */
  unmatched: number;
  /** Kept-aside events attached to their parcel now. */
  matched: number;
  parcelsUpdated: number;
  firstScans: number;
  transitions: number;
  problemsRaised: number;
  problemsResolved: number;
  uploadsReleased: number;
}

export function emptyIngestReport(): IngestReport {
  return {
    received: 0,
    duplicates: 0,
    stored: 0,
    unmatched: 0,
    matched: 0,
    parcelsUpdated: 0,
    firstScans: 0,
    transitions: 0,
    problemsRaised: 0,
    problemsResolved: 0,
    uploadsReleased: 0,
  };
}

export function mergeReports(into: IngestReport, from: IngestReport): void {
  for (const key of Object.keys(into) as Array<keyof IngestReport>) into[key] += from[key];
}

export interface IngestOptions {
  provider: string;
  actor?: string;
  /** Events per transaction. */
  batchSize?: number;
  problemRules?: ProblemRules;
}

const CLEAN_NUMBER = /^[A-Z0-9]+$/;
const UPPER = /[A-Z]/;

/** Ingests events: one transaction per batch; a replay changes nothing. */
export async function ingestTrackingEvents(
  ctx: AppContext,
  events: ProviderEvent[],
  options: IngestOptions,
): Promise<IngestReport> {
  const report = emptyIngestReport();
  const batchSize = options.batchSize ?? 2000;
  for (let i = 0; i < events.length; i += batchSize) {
    // Sorted by number: the lookups and inserts of a batch walk the indexes in order (far fewer page misses).
    const batch = events
      .slice(i, i + batchSize)
      .map((e) =>
        CLEAN_NUMBER.test(e.trackingNumber) && !UPPER.test(e.carrier)
          ? e
          : { ...e, trackingNumber: normaliseNumber(e.trackingNumber), carrier: e.carrier.toLowerCase() },
      )
      .sort((a, b) => (a.trackingNumber < b.trackingNumber ? -1 : a.trackingNumber > b.trackingNumber ? 1 : 0));
    const part = await inRetriedTransaction(
      ctx.store.db,
      async (trx) => {
        const partReport = emptyIngestReport();
        await applyBatch(ctx, trx, { kind: 'ingest', events: batch, provider: options.provider }, options, partReport);
        return partReport;
      },
      { alsoRetry: isOrderVersionConflict },
    );
    mergeReports(report, part);
  }
  return report;
}

type BatchInput =
  | { kind: 'ingest'; events: ProviderEvent[]; provider: string }
  | { kind: 'match'; rows: TrackingEventRow[] };

export type Touched = TouchedParcel<ParcelContext> & { newEvents: number };

export function stateOfRow(row: ParcelTrackingRow | null): TrackingState {
  if (!row || row.status === null || !isTrackingStatus(row.status)) {
    return row
      ? { ...EMPTY_TRACKING_STATE, firstScanAt: row.first_scan_at, lastEventAt: row.last_event_at }
      : EMPTY_TRACKING_STATE;
  }
  return {
    status: row.status,
    phase: row.phase,
    statusAt: row.status_at,
    statusRank: row.status_rank,
    statusKey: row.status_key,
    rawStatus: row.raw_status,
    rawSubstatus: row.raw_substatus,
    description: row.description,
    location: row.location,
    firstScanAt: row.first_scan_at,
    lastEventAt: row.last_event_at,
    deliveredAt: row.delivered_at,
    returnedAt: row.returned_at,
    destinationCountry: row.destination_country,
    destinationKey: row.destination_key,
  };
}

function eventOfRow(row: TrackingEventRow): TrackingEvent {
  return {
    key: row.event_key,
    occurredAt: row.occurred_at,
    status: isTrackingStatus(row.status) ? row.status : 'in_transit',
    rawStatus: row.raw_status,
    rawSubstatus: row.raw_substatus,
    description: row.description,
    location: row.location,
    destinationCountry: row.destination_country,
  };
}

async function applyBatch(
  ctx: AppContext,
  trx: Executor,
  input: BatchInput,
  options: { actor?: string; problemRules?: ProblemRules },
  report: IngestReport,
): Promise<void> {
  const now = ctx.now();
  const writer = trackingBulkWriter(ctx.store, trx);
  await writer.beginBatch();
  // Read in the batch's transaction, on its connection: read on a pool connection of its own (once per call, before
  // the transaction) it cost a round trip several times this one.
  const poller = await pollingProvider(trx);
  const items =
    input.kind === 'ingest'
      ? input.events.map((e) => ({ number: e.trackingNumber, event: e.event }))
      : input.rows.map((r) => ({ number: r.tracking_number, event: eventOfRow(r) }));
  report.received += items.length;
  const numbers = [...new Set(items.map((item) => item.number))];
  const parcels = await writer.findParcels(numbers);

  let fresh: boolean[];
  if (input.kind === 'ingest') {
    fresh = await writer.insertEvents(
      input.events,
      input.events.map((e) => parcels.get(e.trackingNumber)?.parcel_id ?? null),
      input.provider,
      now,
    );
  } else {
    const byParcel = new Map<number, number[]>();
    fresh = input.rows.map((row) => {
      const parcel = parcels.get(row.tracking_number);
      if (!parcel) return false;
      byParcel.set(parcel.parcel_id, [...(byParcel.get(parcel.parcel_id) ?? []), row.id]);
      return true;
    });
    for (const [parcelId, ids] of byParcel) await writer.matchEvents(ids, parcelId);
  }

  const touched = new Map<number, Touched>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (!fresh[i]) {
      if (input.kind === 'ingest') report.duplicates++;
      continue;
    }
    const parcel = parcels.get(item.number);
    if (input.kind === 'ingest') report.stored++;
    if (!parcel) {
      report.unmatched++;
      continue;
    }
    if (input.kind === 'match') report.matched++;
    let entry = touched.get(parcel.parcel_id);
    if (!entry) {
      const before = stateOfRow(parcel.tracking);
      entry = { parcel, before, after: { ...before }, newEvents: 0 };
      touched.set(parcel.parcel_id, entry);
    }
    foldTrackingEventInto(entry.after, item.event);
    entry.newEvents++;
  }
  if (touched.size === 0) return;
  await applyEffects(
    ctx,
    trx,
    writer,
    [...touched.values()],
    now,
    options.actor ?? TRACKING_ACTOR,
    poller,
    options.problemRules ?? DEFAULT_PROBLEM_RULES,
    report,
  );
}

/**
 * What a batch of tracking changes does, in the batch's transaction: read what the plan needs (the orders' other
 * parcels), plan (core/tracking/plan.ts), write — parcels, the orders' moves through the one lifecycle transition
 * (order-transition.ts, with its hooks), the orders' first scan and delivery times, held uploads released, problems
 * reconciled (problems.ts), the tracking rows, and the timeline.
 */
export async function applyEffects(
  ctx: AppContext,
  trx: Executor,
  writer: TrackingBulkWriter,
  touched: Touched[],
  now: number,
  actor: string,
  poller: TrackingProviderRow | undefined,
  rules: ProblemRules,
  report: IngestReport,
): Promise<void> {
  const settings = { now, actor };
  report.parcelsUpdated += touched.length;
  const parcels = planParcelTracking(touched, settings);
  // The writes are queued, not awaited one by one (store/queued-writes.ts): each is sent, then the next step planned
  // and its statement built while the database runs it; every write's count is checked at the end. The orders' other
  // parcels are read first (as they were before this batch; sent the same way), then the parcels written while the
  // orders are planned.
  const writes = new QueuedWrites();
  const siblingRows = writer.parcelsOfOrders(parcels.needSiblings);
  await untilSent();
  // Parcels are not locked: one changed since it was read (a first scan from another batch, an upload accepted)
  // fails the batch, which runs again from fresh reads — so no first scan or transition is recorded twice.
  await writes.add(writer.updateParcels(parcels.parcelUpdates), (n) =>
    changedMeanwhile(
      n,
      parcels.parcelUpdates.length,
      'a parcel changed while its tracking was applied; applying again.',
      '应用物流信息时包裹已被修改；正在重新应用。',
    ),
  );
  const siblings = new Map<number, SiblingParcel[]>();
  for (const s of await siblingRows) siblings.set(s.order_id, [...(siblings.get(s.order_id) ?? []), s]);
  const orders = planOrderTracking(parcels, siblings, settings);
  report.firstScans += parcels.firstScans;
  const events: NewOrderEventRow[] = parcels.events;

  // Orders are not locked either: one changed since it was read (a sync, an upload) fails the batch the same way.
  const moved = await transitionOrders(
    trx,
    orders.moves.map((move) => ({
      order: move.order,
      actions: move.actions,
      reason: null,
      reasons: move.reasons,
      data: move.data,
      set: move.set,
    })),
    { store: ctx.store, now, actor, events },
  );
  report.transitions +=
    parcels.transitions + moved.reduce((n, outcome) => n + (outcome.ok ? outcome.actions.length : 0), 0);
  await writes.add(writer.updateOrders(orders.updates), (n) =>
    changedMeanwhile(
      n,
      orders.updates.length,
      'an order changed while its tracking was applied; applying again.',
      '应用物流信息时订单已被修改；正在重新应用。',
    ),
  );

  // Problems: raised once (and alerted), resolved when their condition is gone.
  const problemChange = await reconcileProblems(
    ctx,
    trx,
    parcels.parcels.map((t) => ({ parcel: t.parcel, state: t.after })),
    now,
    actor,
    rules,
    events,
    report,
  );
  const rows = planTrackingRows(parcels.parcels, problemChange, {
    ...settings,
    poller: poller?.name ?? null,
    cadence: cadenceOf(poller),
  });
  await writes.add(writer.upsertTracking(rows), (n) =>
    changedMeanwhile(
      n,
      rows.length,
      "a parcel's tracking changed while it was applied; applying again.",
      '应用物流信息时包裹轨迹已被修改；正在重新应用。',
    ),
  );
  await writes.add(writer.appendOrderEvents(events));
  const released: NewOrderEventRow[] = [];
  for (const row of await releaseHeldUploadsOf(trx, parcels.releases, now)) {
    released.push(uploadReleasedEvent(row.order_id, row.parcel_id!, row.id, now, actor));
    report.uploadsReleased++;
  }
  if (released.length) await writes.add(writer.appendOrderEvents(released));
  await writes.settle();
}

/** An optimistic write that changed fewer rows than given: something changed meanwhile, and the batch runs again. */
function changedMeanwhile(written: number, given: number, english: string, chinese: string): ConflictError | undefined {
  return written === given ? undefined : new ConflictError('order.version', localized(english, chinese));
}

// ---------------------------------------------------------------------------------------------------------------
// Kept-aside events (registration: tracking-registration.ts)

/** Attaches kept-aside events to parcels that have appeared since, and folds them in. */
export async function matchUnmatchedEvents(ctx: AppContext, options: { limit?: number } = {}): Promise<IngestReport> {
  const report = emptyIngestReport();
  const rows = await ctx.store.db
    .selectFrom('tracking_events as e')
    .innerJoin('parcels as p', 'p.tracking_number', 'e.tracking_number')
    .selectAll('e')
    .where('e.parcel_id', 'is', null)
    .orderBy('e.id')
    .limit(options.limit ?? 5000)
    .execute();
  if (rows.length === 0) return report;
  const unique = [...new Map(rows.map((r) => [r.id, r])).values()];
  await inRetriedTransaction(
    ctx.store.db,
    async (trx) => {
      await applyBatch(ctx, trx, { kind: 'match', rows: unique }, {}, report);
    },
    { alsoRetry: isOrderVersionConflict },
  );
  return report;
}
