/**
 * Carrier tracking: events in (webhooks stored raw and processed from their table; polling), folded into each
 * parcel's tracking state, and the consequences in the same transaction — the first scan (the same plan as the
 * seller's first-scan command: hand-over, first_scan_at on parcel and order, held uploads released), parcel and
 * order transitions through `decide`, and problems raised once with an alert.
 *
 * Ingestion is batched: one transaction per batch of events, one lookup per tracking number, one insert per event
 * (idempotent on carrier + number + event key), one write per touched parcel. Events arrive late, twice or out of
 * order; the fold (core/tracking-status.ts) is a maximum, so the result is the same whatever the order.
 */
import { localized, type Localized } from '../core/i18n';
import { orderMachine, parcelMachine, type OrderAction, type OrderState, type ParcelAction, type ParcelState } from '../core/order';
import { decide } from '../core/state-machine';
import { DEFAULT_PROBLEM_RULES, detectParcelProblems, isExpressCarrier, isProblemKind, type DetectedProblem, type ProblemRules } from '../core/tracking-problems';
import { DEFAULT_POLL_CADENCE, nextPollAt, parsePollCadence, type PollCadence } from '../core/tracking-poll';
import {
  EMPTY_TRACKING_STATE,
  SHIPBY_EVENT_PREFIX,
  TRACKING_STATUS_LABELS,
  foldTrackingEventInto,
  isTrackingStatus,
  parcelMilestoneOf,
  type TrackingEvent,
  type TrackingState,
} from '../core/tracking-status';
import { DAY_MS, toIso } from '../core/time';
import {
  MalformedPayloadError,
  isProviderKind,
  normaliseNumber,
  parseWebhookBody,
  pollingClientFor,
  verifyTrackingSignature,
  type PollingClient,
  type ProviderEvent,
} from '../integrations/tracking/provider';
import type { Executor } from '../store/orders';
import type { NewOrderEventRow } from '../store/schema';
import type { ParcelTrackingRow, TrackingEventRow, TrackingProviderRow } from '../store/schema-tracking';
import {
  releaseHeldUploadsOf,
  trackingBulkWriter,
  type OrderTrackingUpdate,
  type ParcelContext,
  type ParcelUpdate,
  type TrackingBulkWriter,
} from '../store/tracking';
import type { AppContext } from './context';
import { queueAlert } from './deadlines';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { planFirstScan, uploadReleasedEvent } from './first-scan';

export const TRACKING_ACTOR = 'tracking';

// ---------------------------------------------------------------------------------------------------------------
// Providers

export interface ProviderInput {
  name: string;
  kind: string;
  baseUrl?: string | null;
  apiKey?: string | null;
  webhookSecret: string;
  polls?: boolean;
  cadence?: Partial<PollCadence> | null;
}

export async function saveProvider(ctx: AppContext, input: ProviderInput): Promise<TrackingProviderView> {
  const issues = [];
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(input.name)) issues.push({ row: 0, field: 'name', message: localized('the name is lower-case letters, digits, _ and - (at most 40).', '名称只能包含小写字母、数字、_ 和 -（最多 40 个字符）。') });
  if (!isProviderKind(input.kind)) issues.push({ row: 0, field: 'kind', message: localized('kind is seventeen or aftership.', 'kind 必须是 seventeen 或 aftership。') });
  if (!input.webhookSecret || input.webhookSecret.length < 16) issues.push({ row: 0, field: 'webhook_secret', message: localized('the webhook secret must be at least 16 characters.', 'webhook secret 至少需要 16 个字符。') });
  if (input.baseUrl && !/^https?:\/\/\S+$/.test(input.baseUrl)) issues.push({ row: 0, field: 'base_url', message: localized('base_url must be an http(s) URL.', 'base_url 必须是 http(s) 地址。') });
  if (input.polls && (!input.baseUrl || input.kind !== 'seventeen')) issues.push({ row: 0, field: 'polls', message: localized('only a seventeen provider with a base_url can be polled.', '只有配置了 base_url 的 seventeen 服务商可以轮询。') });
  let cadence: PollCadence | null = null;
  try {
    cadence = input.cadence ? parsePollCadence(input.cadence) : null;
  } catch (error) {
    issues.push({ row: 0, field: 'cadence', message: localized(`the cadence is not valid: ${(error as Error).message}`, `轮询频率无效：${(error as Error).message}`) });
  }
  if (issues.length) throw new ValidationError(issues);
  const now = ctx.now();
  const row = {
    name: input.name,
    kind: input.kind,
    base_url: input.baseUrl ?? null,
    api_key: input.apiKey ?? null,
    webhook_secret: input.webhookSecret,
    polls: input.polls ? 1 : 0,
    cadence: cadence ? JSON.stringify(cadence) : null,
    created_at: now,
    updated_at: now,
  };
  await ctx.store.db
    .insertInto('tracking_providers')
    .values(row)
    .onConflict((oc) => oc.column('name').doUpdateSet({ kind: row.kind, base_url: row.base_url, api_key: row.api_key, webhook_secret: row.webhook_secret, polls: row.polls, cadence: row.cadence, updated_at: now }))
    .execute();
  return providerView((await getProviderRow(ctx.store.db, input.name))!);
}

export interface TrackingProviderView {
  name: string;
  kind: string;
  base_url: string | null;
  polls: boolean;
  cadence: PollCadence;
  webhook_path: string;
}

function providerView(row: TrackingProviderRow): TrackingProviderView {
  return { name: row.name, kind: row.kind, base_url: row.base_url, polls: row.polls === 1, cadence: cadenceOf(row), webhook_path: `/tracking/webhooks/${row.name}` };
}

function cadenceOf(row: TrackingProviderRow | undefined): PollCadence {
  return row?.cadence ? parsePollCadence(JSON.parse(row.cadence)) : DEFAULT_POLL_CADENCE;
}

export async function listProviders(ctx: AppContext): Promise<TrackingProviderView[]> {
  return (await ctx.store.db.selectFrom('tracking_providers').selectAll().orderBy('name').execute()).map(providerView);
}

async function getProviderRow(db: Executor, name: string): Promise<TrackingProviderRow | undefined> {
  return db.selectFrom('tracking_providers').selectAll().where('name', '=', name).executeTakeFirst();
}

async function pollingProvider(db: Executor): Promise<TrackingProviderRow | undefined> {
  return db.selectFrom('tracking_providers').selectAll().where('polls', '=', 1).orderBy('name').limit(1).executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------------------------
// Webhooks: verify, store raw, answer; processed from the table

export type WebhookAnswer =
  | { status: 202; deliveryId: number }
  | { status: 401; reason: 'missing' | 'stale' | 'bad_signature' }
  | { status: 404 }
  | { status: 400; message: string }
  | { status: 409; reason: 'replay' };

/**
 * The request path: nothing but a signature check, a parse (to refuse a malformed body at once) and one insert.
 * A bad or stale signature is stored nowhere; a malformed body is stored as `malformed` (with its provider) for
 * whoever looks into it; a replay (the same signature again) is refused — its first copy is already stored.
 */
export async function receiveWebhook(
  ctx: AppContext,
  providerName: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
): Promise<WebhookAnswer> {
  const now = ctx.now();
  const provider = await getProviderRow(ctx.store.db, providerName);
  if (!provider || !isProviderKind(provider.kind)) return { status: 404 };
  const verdict = verifyTrackingSignature(provider.webhook_secret, headers, body, now);
  if (!verdict.ok) return { status: 401, reason: verdict.reason };
  let malformed: string | null = null;
  try {
    parseWebhookBody(provider.kind, body, now);
  } catch (error) {
    if (!(error instanceof MalformedPayloadError)) throw error;
    malformed = error.message;
  }
  const inserted = await ctx.store.db
    .insertInto('tracking_deliveries')
    .values({
      provider: provider.name,
      received_at: now,
      signature: headers.signature!,
      signed_at: verdict.signedAt,
      body,
      status: malformed ? 'malformed' : 'pending',
      attempts: 0,
      lease_until: null,
      processed_at: null,
      events: null,
      error: malformed,
    })
    .onConflict((oc) => oc.columns(['provider', 'signature']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return { status: 409, reason: 'replay' };
  if (malformed) return { status: 400, message: malformed };
  return { status: 202, deliveryId: inserted.id };
}

export interface ProcessReport {
  deliveries: number;
  failed: number;
  ingest: IngestReport;
}

const DELIVERY_MAX_ATTEMPTS = 8;

/** Processes stored deliveries (oldest first); a failure is retried later, dead after DELIVERY_MAX_ATTEMPTS. */
export async function processDeliveries(ctx: AppContext, options: { limit?: number; leaseMs?: number } = {}): Promise<ProcessReport> {
  const report: ProcessReport = { deliveries: 0, failed: 0, ingest: emptyIngestReport() };
  const now = ctx.now();
  const claimed = await claimDeliveries(ctx, now, options.limit ?? 200, options.leaseMs ?? 120_000);
  if (claimed.length === 0) return report;
  const providers = new Map((await ctx.store.db.selectFrom('tracking_providers').selectAll().execute()).map((p) => [p.name, p]));
  // One ingestion per provider (its name is recorded on every event).
  const byProvider = new Map<string, ProviderEvent[]>();
  const parsed: Array<{ id: number; events: number }> = [];
  for (const delivery of claimed) {
    const provider = providers.get(delivery.provider);
    try {
      if (!provider || !isProviderKind(provider.kind)) throw new Error(`provider ${delivery.provider} is not configured any more`);
      const result = parseWebhookBody(provider.kind, delivery.body, delivery.received_at);
      const list = byProvider.get(delivery.provider) ?? [];
      for (const e of result.events) list.push(e);
      byProvider.set(delivery.provider, list);
      parsed.push({ id: delivery.id, events: result.events.length });
    } catch (error) {
      report.failed++;
      await ctx.store.db
        .updateTable('tracking_deliveries')
        .set({ status: delivery.attempts >= DELIVERY_MAX_ATTEMPTS ? 'dead' : 'pending', lease_until: now + 60_000 * delivery.attempts, error: (error as Error).message.slice(0, 1000) })
        .where('id', '=', delivery.id)
        .execute();
    }
  }
  for (const [provider, list] of byProvider) {
    if (list.length) mergeReports(report.ingest, await ingestTrackingEvents(ctx, list, { provider }));
  }
  // Marked only after their events are in: a crash before this leaves them pending, and a replay changes nothing.
  for (const delivery of parsed) {
    await ctx.store.db
      .updateTable('tracking_deliveries')
      .set({ status: 'processed', processed_at: ctx.now(), lease_until: null, events: delivery.events, error: null })
      .where('id', '=', delivery.id)
      .execute();
  }
  report.deliveries = parsed.length;
  return report;
}

async function claimDeliveries(ctx: AppContext, now: number, limit: number, leaseMs: number) {
  const db = ctx.store.db;
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('tracking_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('id')
      .limit(limit);
    if (ctx.store.dialect === 'postgres') query = query.forUpdate().skipLocked();
    const ids = (await query.execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    return trx
      .updateTable('tracking_deliveries')
      .set((eb) => ({ lease_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', ids)
      .returningAll()
      .execute();
  });
}

/**
 * Processes stored deliveries behind the webhook's answer, in this process: one run at a time, and a kick during a
 * run makes it go round once more. Whatever it misses (a crash, another server's delivery) the scheduled job takes.
 */
export interface DeliveryDrainer {
  kick(): void;
  /** Resolves when no run is going. */
  idle(): Promise<void>;
}

const drainers = new WeakMap<AppContext, DeliveryDrainer>();

export function deliveryDrainerOf(ctx: AppContext, onError: (error: unknown) => void = () => undefined): DeliveryDrainer {
  let drainer = drainers.get(ctx);
  if (drainer) return drainer;
  let running: Promise<void> | undefined;
  let again = false;
  const run = async () => {
    do {
      again = false;
      try {
        while ((await processDeliveries(ctx, { limit: 200 })).deliveries > 0) {
          // keep going while there is work
        }
      } catch (error) {
        onError(error);
      }
    } while (again);
    running = undefined;
  };
  drainer = {
    kick() {
      if (running) again = true;
      else running = new Promise<void>((resolve) => setImmediate(() => void run().then(resolve)));
    },
    async idle() {
      while (running) await running;
    },
  };
  drainers.set(ctx, drainer);
  return drainer;
}

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
  return { received: 0, duplicates: 0, stored: 0, unmatched: 0, matched: 0, parcelsUpdated: 0, firstScans: 0, transitions: 0, problemsRaised: 0, problemsResolved: 0, uploadsReleased: 0 };
}

function mergeReports(into: IngestReport, from: IngestReport): void {
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
export async function ingestTrackingEvents(ctx: AppContext, events: ProviderEvent[], options: IngestOptions): Promise<IngestReport> {
  const report = emptyIngestReport();
  const batchSize = options.batchSize ?? 2000;
  const poller = await pollingProvider(ctx.store.db);
  for (let i = 0; i < events.length; i += batchSize) {
    // Sorted by number: the lookups and inserts of a batch walk the indexes in order (far fewer page misses).
    const batch = events
      .slice(i, i + batchSize)
      .map((e) => (CLEAN_NUMBER.test(e.trackingNumber) && !UPPER.test(e.carrier) ? e : { ...e, trackingNumber: normaliseNumber(e.trackingNumber), carrier: e.carrier.toLowerCase() }))
      .sort((a, b) => (a.trackingNumber < b.trackingNumber ? -1 : a.trackingNumber > b.trackingNumber ? 1 : 0));
    const part = await withRetries(() =>
      ctx.store.db.transaction().execute(async (trx) => {
        const partReport = emptyIngestReport();
        await applyBatch(ctx, trx, { kind: 'ingest', events: batch, provider: options.provider }, poller, options, partReport);
        return partReport;
      }),
    );
    mergeReports(report, part);
  }
  return report;
}

type BatchInput =
  | { kind: 'ingest'; events: ProviderEvent[]; provider: string }
  | { kind: 'match'; rows: TrackingEventRow[] };

interface Touched {
  parcel: ParcelContext;
  before: TrackingState;
  after: TrackingState;
  newEvents: number;
}

export function stateOfRow(row: ParcelTrackingRow | null): TrackingState {
  if (!row || row.status === null || !isTrackingStatus(row.status)) {
    return row ? { ...EMPTY_TRACKING_STATE, firstScanAt: row.first_scan_at, lastEventAt: row.last_event_at } : EMPTY_TRACKING_STATE;
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
  poller: TrackingProviderRow | undefined,
  options: { actor?: string; problemRules?: ProblemRules },
  report: IngestReport,
): Promise<void> {
  const now = ctx.now();
  const writer = trackingBulkWriter(ctx.store, trx);
  await writer.beginBatch();
  const items = input.kind === 'ingest' ? input.events.map((e) => ({ number: e.trackingNumber, event: e.event })) : input.rows.map((r) => ({ number: r.tracking_number, event: eventOfRow(r) }));
  report.received += items.length;
  const numbers = [...new Set(items.map((item) => item.number))];
  const parcels = await writer.findParcels(numbers);

  let fresh: boolean[];
  if (input.kind === 'ingest') {
    fresh = await writer.insertEvents(input.events, input.events.map((e) => parcels.get(e.trackingNumber)?.parcel_id ?? null), input.provider, now);
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
  await applyEffects(ctx, trx, writer, [...touched.values()], now, options.actor ?? TRACKING_ACTOR, poller, options.problemRules ?? DEFAULT_PROBLEM_RULES, report);
}

const TO_IN_TRANSIT: readonly ParcelState[] = ['handed_over', 'tracking_uploaded'];

/** The parcel machine actions that take a parcel from `from` to the milestone the tracking state asks for. */
function parcelPath(from: ParcelState, milestone: ReturnType<typeof parcelMilestoneOf>): ParcelAction[] {
  const path: ParcelAction[] = [];
  let state = from;
  if (milestone === 'none') return path;
  if (TO_IN_TRANSIT.includes(state) && (milestone === 'in_transit' || state === 'handed_over')) {
    path.push('report_in_transit');
    state = 'in_transit';
  }
  if (milestone === 'delivered' && (state === 'tracking_uploaded' || state === 'in_transit')) path.push('report_delivered');
  if (milestone === 'returned' && (state === 'tracking_uploaded' || state === 'in_transit' || state === 'delivered')) path.push('report_returned');
  return path;
}

function transitionEvent(orderId: number, parcelId: number | null, now: number, actor: string, action: string, from: string, to: string, reason: string, data: Record<string, unknown>): NewOrderEventRow {
  return { order_id: orderId, parcel_id: parcelId, at: now, actor, kind: 'transition', action, from_state: from, to_state: to, reason, data: JSON.stringify(data) };
}

async function applyEffects(
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
  const events: NewOrderEventRow[] = [];
  const parcelUpdates: ParcelUpdate[] = [];
  const releases: Array<{ parcelId: number; orderId: number }> = [];
  const orderChanges = new Map<number, { parcel: ParcelContext; firstScanAt: number | null; milestones: Set<string>; deliveryChanged: boolean }>();
  const cadence = cadenceOf(poller);

  for (const entry of touched) {
    const { parcel, before, after } = entry;
    report.parcelsUpdated++;
    let status = parcel.parcel_status as ParcelState;
    let firstScanAt = parcel.parcel_first_scan_at;
    let handedOverAt = parcel.parcel_handed_over_at;
    let deliveredAt = parcel.parcel_delivered_at;
    const voided = status === 'voided';

    if (!voided && after.firstScanAt !== null) {
      if (firstScanAt === null) {
        // The first scan: the same plan as `shipby first-scan`.
        const plan = planFirstScan({ id: parcel.parcel_id, order_id: parcel.order_id, status, first_scan_at: null }, after.firstScanAt, now, actor);
        events.push(...plan.events);
        status = plan.status;
        firstScanAt = plan.firstScanAt;
        if (plan.handedOverAt !== null) handedOverAt = plan.handedOverAt;
        releases.push({ parcelId: parcel.parcel_id, orderId: parcel.order_id });
        report.firstScans++;
      } else if (after.firstScanAt < firstScanAt) {
        // A late event showed an earlier scan: the online clock is measured from the true first scan.
        events.push({ order_id: parcel.order_id, parcel_id: parcel.parcel_id, at: now, actor, kind: 'first_scan_corrected', action: null, from_state: null, to_state: null, reason: 'a late carrier event shows an earlier first scan', data: JSON.stringify({ was: firstScanAt, scanned_at: after.firstScanAt }) });
        firstScanAt = after.firstScanAt;
      }
    }

    const milestone = parcelMilestoneOf(after);
    const labelOf = (state: TrackingState) => (state.status ? TRACKING_STATUS_LABELS[state.status].en : 'no status');
    if (!voided) {
      for (const action of parcelPath(status, milestone)) {
        const decision = decide(parcelMachine, status, action, {});
        if (!decision.ok) break;
        events.push(
          transitionEvent(parcel.order_id, parcel.parcel_id, now, actor, action, decision.from, decision.to, `carrier: ${labelOf(after)}${after.rawSubstatus ? ` (${after.rawSubstatus})` : ''}`, {
            tracking_number: parcel.tracking_number,
            tracking_status: after.status,
            event_at: toIso(after.statusAt),
          }),
        );
        status = decision.to;
        if (decision.to === 'delivered') deliveredAt = after.deliveredAt;
        report.transitions++;
      }
    }
    // A late event can show an earlier delivery: the parcel was delivered at the first delivered scan.
    if ((status === 'delivered' || status === 'returned') && deliveredAt !== null && after.deliveredAt !== null && after.deliveredAt < deliveredAt) deliveredAt = after.deliveredAt;
    if (status !== parcel.parcel_status || firstScanAt !== parcel.parcel_first_scan_at || handedOverAt !== parcel.parcel_handed_over_at || deliveredAt !== parcel.parcel_delivered_at) {
      parcelUpdates.push({ id: parcel.parcel_id, expected_status: parcel.parcel_status, expected_first_scan_at: parcel.parcel_first_scan_at, status, first_scan_at: firstScanAt, handed_over_at: handedOverAt, delivered_at: deliveredAt, updated_at: now });
    }
    if (before.status !== after.status && (after.status === 'returning' || after.status === 'returned') && !voided) {
      events.push({ order_id: parcel.order_id, parcel_id: parcel.parcel_id, at: now, actor, kind: `parcel_${after.status}`, action: null, from_state: before.status, to_state: after.status, reason: `carrier: ${labelOf(after)}`, data: JSON.stringify({ tracking_number: parcel.tracking_number, event_at: toIso(after.statusAt) }) });
    }
    if (!voided && (firstScanAt !== null || milestone !== 'none')) {
      const change = orderChanges.get(parcel.order_id) ?? { parcel, firstScanAt: null, milestones: new Set<string>(), deliveryChanged: false };
      if (firstScanAt !== null && (change.firstScanAt === null || firstScanAt < change.firstScanAt)) change.firstScanAt = firstScanAt;
      change.milestones.add(status);
      if (deliveredAt !== parcel.parcel_delivered_at) change.deliveryChanged = true;
      orderChanges.set(parcel.order_id, change);
    }
    entry.parcel = { ...parcel, parcel_status: status, parcel_delivered_at: deliveredAt };
  }

  // Orders: first scan (the earliest of its parcels), in transit, delivered when every parcel is.
  const orderUpdates: OrderTrackingUpdate[] = [];
  const orderIds = [...orderChanges.keys()];
  // The siblings decide whether every parcel is delivered, and the order's delivery time (the latest of theirs). An
  // order already delivered needs them only when this batch moved a parcel's delivery time: otherwise (a late scan
  // of a delivered parcel, the common case) nothing they could change did change.
  const needSiblings = orderIds.filter((id) => {
    const change = orderChanges.get(id)!;
    if (change.parcel.order_status === 'delivered' && !change.deliveryChanged) return false;
    return [...change.milestones].some((s) => s === 'delivered' || s === 'returned');
  });
  const siblings = new Map<number, Array<{ id: number; status: string; delivered_at: number | null }>>();
  for (const s of await writer.parcelsOfOrders(needSiblings)) siblings.set(s.order_id, [...(siblings.get(s.order_id) ?? []), s]);
  const touchedByParcel = new Map(touched.map((t) => [t.parcel.parcel_id, t]));
  for (const [orderId, change] of orderChanges) {
    const parcel = change.parcel;
    let status = parcel.order_status as OrderState;
    let firstScanAt = parcel.order_first_scan_at;
    let deliveredAt = parcel.order_delivered_at;
    if (change.firstScanAt !== null && (firstScanAt === null || change.firstScanAt < firstScanAt)) firstScanAt = change.firstScanAt;
    const actions: OrderAction[] = [];
    // The siblings as this batch leaves them.
    const all = (siblings.get(orderId) ?? []).map((s) => {
      const mine = touchedByParcel.get(s.id);
      return mine ? { ...s, status: mine.parcel.parcel_status, delivered_at: mine.parcel.parcel_delivered_at } : s;
    });
    const live = all.filter((s) => s.status !== 'voided');
    const allDelivered = live.length > 0 && live.every((s) => s.status === 'delivered' || s.status === 'returned') && live.some((s) => s.status === 'delivered');
    if (status === 'shipped' && [...change.milestones].some((s) => s === 'in_transit' || s === 'delivered' || s === 'returned')) actions.push('report_in_transit');
    if (allDelivered) actions.push('report_delivered');
    if (status === 'delivered' && allDelivered) {
      const latest = Math.max(...live.map((s) => s.delivered_at ?? 0));
      if (latest > 0 && latest !== deliveredAt) deliveredAt = latest;
    }
    for (const action of actions) {
      const decision = decide(orderMachine, status, action, {});
      if (!decision.ok) continue;
      if (decision.to === 'delivered') deliveredAt = Math.max(...live.filter((s) => s.delivered_at !== null).map((s) => s.delivered_at!), 0) || now;
      events.push(transitionEvent(orderId, null, now, actor, action, decision.from, decision.to, action === 'report_delivered' ? 'carrier: every parcel delivered' : 'carrier: a parcel is in transit', { first_scan_at: toIso(firstScanAt) }));
      status = decision.to;
      report.transitions++;
    }
    if (status !== parcel.order_status || firstScanAt !== parcel.order_first_scan_at || deliveredAt !== parcel.order_delivered_at) {
      orderUpdates.push({ id: orderId, version: parcel.order_version, status, first_scan_at: firstScanAt, delivered_at: deliveredAt, updated_at: now });
    }
  }

  // Problems: raised once (and alerted), resolved when their condition is gone.
  const problemChanges = await reconcileProblems(
    ctx,
    trx,
    touched.map((t) => ({ parcel: t.parcel, state: t.after })),
    now,
    actor,
    rules,
    events,
    report,
  );

  const trackingWrites: Array<{ row: ParcelTrackingRow; base: ParcelTrackingRow | null }> = [];
  for (let i = 0; i < touched.length; i++) {
    const t = touched[i]!;
    const existing = t.parcel.tracking;
    const change = problemChanges.get(t.parcel.parcel_id) ?? 0;
    // A late event that changes nothing (an older scan, a copy under another key) writes nothing.
    if (existing && change === 0 && sameTrackingState(t.before, t.after)) continue;
    const registeredAt = existing?.registered_at ?? now;
    const provider = existing ? existing.provider : poller?.name ?? null;
    const polled = provider !== null && (existing ? existing.next_poll_at !== null : true);
    const state = t.after;
    const row: ParcelTrackingRow = {
      parcel_id: t.parcel.parcel_id,
      tracking_number: t.parcel.tracking_number,
      provider,
      ...trackingColumns(state),
      open_problems: change === 0 ? existing?.open_problems ?? 0 : Math.max(0, (existing?.open_problems ?? 0) + change),
      registered_at: registeredAt,
      next_poll_at: polled ? existing?.next_poll_at ?? nextPollAt(registeredAt, state, now, cadence) : null,
      last_polled_at: existing?.last_polled_at ?? null,
      polls: existing?.polls ?? 0,
      updated_at: now,
      version: existing?.version ?? 1,
    };
    trackingWrites.push({ row, base: existing });
  }
  if ((await writer.upsertTracking(trackingWrites)) !== trackingWrites.length) {
    throw new ConflictError('order.version', localized('a parcel\'s tracking changed while it was applied; applying again.', '应用物流信息时包裹轨迹已被修改；正在重新应用。'));
  }
  // Parcels are not locked either: one changed since it was read (a first scan from another batch, an upload
  // accepted) fails the batch, which runs again from fresh reads — so no first scan or transition is recorded twice.
  if ((await writer.updateParcels(parcelUpdates)) !== parcelUpdates.length) {
    throw new ConflictError('order.version', localized('a parcel changed while its tracking was applied; applying again.', '应用物流信息时包裹已被修改；正在重新应用。'));
  }
  // Orders are not locked: an order changed since it was read (a sync, an upload) fails the batch, which runs again.
  if ((await writer.updateOrders(orderUpdates)) !== orderUpdates.length) {
    throw new ConflictError('order.version', localized('an order changed while its tracking was applied; applying again.', '应用物流信息时订单已被修改；正在重新应用。'));
  }
  for (const row of await releaseHeldUploadsOf(trx, releases, now)) {
    events.push(uploadReleasedEvent(row.order_id, row.parcel_id!, row.id, now, actor));
    report.uploadsReleased++;
  }
  await writer.appendOrderEvents(events);
}

function sameTrackingState(a: TrackingState, b: TrackingState): boolean {
  return (
    a.status === b.status && a.statusAt === b.statusAt && a.statusKey === b.statusKey && a.firstScanAt === b.firstScanAt && a.lastEventAt === b.lastEventAt &&
    a.deliveredAt === b.deliveredAt && a.returnedAt === b.returnedAt && a.destinationCountry === b.destinationCountry && a.destinationKey === b.destinationKey
  );
}

function trackingColumns(state: TrackingState) {
  return {
    status: state.status,
    phase: state.phase,
    status_at: state.statusAt,
    status_rank: state.statusRank,
    status_key: state.statusKey,
    raw_status: state.rawStatus,
    raw_substatus: state.rawSubstatus,
    description: state.description,
    location: state.location,
    first_scan_at: state.firstScanAt,
    last_event_at: state.lastEventAt,
    delivered_at: state.deliveredAt,
    returned_at: state.returnedAt,
    destination_country: state.destinationCountry,
    destination_key: state.destinationKey,
  };
}

function declaredAtOf(parcel: Pick<ParcelContext, 'tracking_uploaded_at' | 'labelled_at'>): number | null {
  return parcel.tracking_uploaded_at ?? parcel.labelled_at;
}

/**
 * Raises the problems that hold and were not raised yet (timeline event + alert webhook), and resolves the open
 * ones that no longer hold. Returns, per parcel, the change in its count of open problems.
 */
async function reconcileProblems(
  ctx: AppContext,
  trx: Executor,
  parcels: Array<{ parcel: ParcelContext; state: TrackingState }>,
  now: number,
  actor: string,
  rules: ProblemRules,
  events: NewOrderEventRow[],
  report: IngestReport,
): Promise<Map<number, number>> {
  const delta = new Map<number, number>();
  const detected = new Map<number, DetectedProblem[]>();
  const withOpen: number[] = [];
  for (const { parcel, state } of parcels) {
    const found = detectParcelProblems(
      { parcelId: parcel.parcel_id, trackingNumber: parcel.tracking_number, carrier: parcel.carrier, declaredAt: declaredAtOf(parcel), paidAt: parcel.paid_at, buyerCountry: parcel.buyer_country, state },
      now,
      rules,
    );
    if (found.length) detected.set(parcel.parcel_id, found);
    if ((parcel.tracking?.open_problems ?? 0) > 0) withOpen.push(parcel.parcel_id);
  }
  if (detected.size === 0 && withOpen.length === 0) return delta;

  const open = new Map<number, Array<{ id: number; problem_key: string; kind: string; order_id: number }>>();
  for (let i = 0; i < withOpen.length; i += 1000) {
    const rows = await trx
      .selectFrom('tracking_problems')
      .select(['id', 'parcel_id', 'problem_key', 'kind', 'order_id'])
      .where('parcel_id', 'in', withOpen.slice(i, i + 1000))
      .where('resolved_at', 'is', null)
      .execute();
    for (const row of rows) open.set(row.parcel_id!, [...(open.get(row.parcel_id!) ?? []), row]);
  }
  const byId = new Map(parcels.map((p) => [p.parcel.parcel_id, p.parcel]));
  for (const [parcelId, rows] of open) {
    const holding = new Set((detected.get(parcelId) ?? []).map((p) => p.key));
    const gone = rows.filter((row) => !holding.has(row.problem_key));
    if (gone.length === 0) continue;
    await trx.updateTable('tracking_problems').set({ resolved_at: now }).where('id', 'in', gone.map((g) => g.id)).where('resolved_at', 'is', null).execute();
    for (const row of gone) {
      events.push({ order_id: row.order_id, parcel_id: parcelId, at: now, actor, kind: 'tracking_problem_resolved', action: null, from_state: null, to_state: null, reason: `${row.kind} no longer holds`, data: JSON.stringify({ problem_key: row.problem_key, kind: row.kind }) });
    }
    report.problemsResolved += gone.length;
    delta.set(parcelId, (delta.get(parcelId) ?? 0) - gone.length);
  }
  for (const [parcelId, problems] of detected) {
    const parcel = byId.get(parcelId)!;
    const raised = await raiseProblems(trx, { orderId: parcel.order_id, parcelId, shopId: parcel.shop_id, trackingNumber: parcel.tracking_number }, problems, now, actor, events);
    report.problemsRaised += raised;
    if (raised) delta.set(parcelId, (delta.get(parcelId) ?? 0) + raised);
  }
  return delta;
}

/** Inserts the problems not raised before; each new one is a timeline event and an alert. Returns how many were new. */
export async function raiseProblems(
  trx: Executor,
  target: { orderId: number; parcelId: number | null; shopId: string; trackingNumber: string | null },
  problems: DetectedProblem[],
  now: number,
  actor: string,
  events: NewOrderEventRow[],
): Promise<number> {
  if (problems.length === 0) return 0;
  const inserted = await trx
    .insertInto('tracking_problems')
    .values(
      problems.map((p) => ({
        order_id: target.orderId,
        parcel_id: target.parcelId,
        shop_id: target.shopId,
        problem_key: p.key,
        kind: p.kind,
        level: p.level,
        detected_at: now,
        resolved_at: null,
        message: JSON.stringify(p.message),
        action: JSON.stringify(p.action),
        data: JSON.stringify(p.data),
      })),
    )
    .onConflict((oc) => oc.columns(['order_id', 'problem_key']).doNothing())
    .returning(['id', 'problem_key'])
    .execute();
  for (const row of inserted) {
    const problem = problems.find((p) => p.key === row.problem_key)!;
    events.push({
      order_id: target.orderId,
      parcel_id: target.parcelId,
      at: now,
      actor,
      kind: 'tracking_problem',
      action: null,
      from_state: null,
      to_state: null,
      reason: problem.message.en,
      data: JSON.stringify({ problem_id: row.id, kind: problem.kind, level: problem.level, key: problem.key, message: problem.message, action: problem.action }),
    });
    await queueAlert(
      trx,
      target.shopId,
      `tracking_problem:${target.orderId}:${problem.key}`,
      {
        kind: `tracking_${problem.kind}`,
        level: problem.level,
        shop_id: target.shopId,
        order_id: target.orderId,
        parcel_id: target.parcelId,
        tracking_number: target.trackingNumber,
        at: toIso(now),
        message: problem.message,
        what_to_do: problem.action,
        data: problem.data,
      },
      now,
    );
  }
  return inserted.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Kept-aside events and registration

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
  const poller = await pollingProvider(ctx.store.db);
  await withRetries(() =>
    ctx.store.db.transaction().execute(async (trx) => {
      await applyBatch(ctx, trx, { kind: 'match', rows: unique }, poller, {}, report);
    }),
  );
  return report;
}

/** Parcels with a number and no tracking row get one (polled by the polling provider, if any). */
export async function registerParcels(ctx: AppContext, options: { limit?: number } = {}): Promise<number> {
  const now = ctx.now();
  const poller = await pollingProvider(ctx.store.db);
  const rows = await ctx.store.db
    .selectFrom('parcels as p')
    .leftJoin('parcel_tracking as t', 't.parcel_id', 'p.id')
    .select(['p.id', 'p.tracking_number'])
    .where('t.parcel_id', 'is', null)
    .where('p.tracking_number', 'is not', null)
    .where('p.status', 'in', ['labelled', 'handed_over', 'tracking_uploaded', 'in_transit'])
    .orderBy('p.id')
    .limit(options.limit ?? 5000)
    .execute();
  if (rows.length === 0) return 0;
  await ctx.store.db
    .insertInto('parcel_tracking')
    .values(
      rows.map((r) => ({
        ...trackingColumns(EMPTY_TRACKING_STATE),
        parcel_id: r.id,
        tracking_number: r.tracking_number!,
        provider: poller?.name ?? null,
        open_problems: 0,
        registered_at: now,
        next_poll_at: poller ? now : null,
        last_polled_at: null,
        polls: 0,
        updated_at: now,
      })),
    )
    .onConflict((oc) => oc.column('parcel_id').doNothing())
    .execute();
  return rows.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Polling

export interface PollReport {
  polled: number;
  registered: number;
  refused: number;
  ingest: IngestReport;
}

/** Polls the parcels due, through their provider's client (settable cadence per provider). */
export async function pollDueParcels(
  ctx: AppContext,
  options: { limit?: number; clientFor?: (provider: TrackingProviderRow) => PollingClient | undefined; signal?: AbortSignal } = {},
): Promise<PollReport> {
  const report: PollReport = { polled: 0, registered: 0, refused: 0, ingest: emptyIngestReport() };
  const now = ctx.now();
  const due = await ctx.store.db
    .selectFrom('parcel_tracking')
    .selectAll()
    .where('next_poll_at', 'is not', null)
    .where('next_poll_at', '<=', now)
    .where('provider', 'is not', null)
    .orderBy('next_poll_at')
    .limit(options.limit ?? 400)
    .execute();
  if (due.length === 0) return report;
  const providers = new Map((await ctx.store.db.selectFrom('tracking_providers').selectAll().execute()).map((p) => [p.name, p]));
  const carriers = new Map(
    (await ctx.store.db.selectFrom('parcels').select(['id', 'carrier']).where('id', 'in', due.map((d) => d.parcel_id)).execute()).map((p) => [p.id, p.carrier]),
  );
  const byProvider = new Map<string, ParcelTrackingRow[]>();
  for (const row of due) byProvider.set(row.provider!, [...(byProvider.get(row.provider!) ?? []), row]);
  for (const [name, rows] of byProvider) {
    const provider = providers.get(name);
    const client = provider && (options.clientFor ? options.clientFor(provider) : isProviderKind(provider.kind) && provider.base_url ? pollingClientFor(provider.kind, { baseUrl: provider.base_url, apiKey: provider.api_key }) : undefined);
    if (!provider || !client) {
      // Nothing can poll these any more: stop asking.
      await ctx.store.db.updateTable('parcel_tracking').set({ next_poll_at: null, updated_at: now }).where('parcel_id', 'in', rows.map((r) => r.parcel_id)).execute();
      continue;
    }
    const cadence = cadenceOf(provider);
    for (let i = 0; i < rows.length; i += client.batchSize) {
      if (options.signal?.aborted) return report;
      const chunk = rows.slice(i, i + client.batchSize);
      const result = await client.fetch(chunk.map((r) => r.tracking_number), now, options.signal);
      report.polled += chunk.length;
      if (result.unregistered.length) {
        const parcelOf = new Map(chunk.map((r) => [r.tracking_number, r.parcel_id]));
        await client.register(result.unregistered.map((number) => ({ number, carrier: carriers.get(parcelOf.get(number) ?? -1) ?? null })), options.signal);
        report.registered += result.unregistered.length;
      }
      report.refused += result.refused.length;
      mergeReports(report.ingest, await ingestTrackingEvents(ctx, result.events, { provider: name }));
      // The next poll from the state after these events.
      const fresh = new Map(
        (await ctx.store.db.selectFrom('parcel_tracking').selectAll().where('parcel_id', 'in', chunk.map((r) => r.parcel_id)).execute()).map((r) => [r.parcel_id, r]),
      );
      for (const row of chunk) {
        const current = fresh.get(row.parcel_id) ?? row;
        await ctx.store.db
          .updateTable('parcel_tracking')
          .set((eb) => ({ next_poll_at: nextPollAt(current.registered_at, stateOfRow(current), now, cadence), last_polled_at: now, polls: current.polls + 1, updated_at: now, version: eb('version', '+', 1) }))
          .where('parcel_id', '=', row.parcel_id)
          .execute();
      }
    }
  }
  return report;
}

// ---------------------------------------------------------------------------------------------------------------
// The sweep: problems that come with time (not online, stalled), and orders whose parcels moved before they shipped

export interface TrackingSweepReport {
  examined: number;
  problemsRaised: number;
  problemsResolved: number;
  stalledMarked: number;
  ordersReconciled: number;
}

/** The time-based problems of parcels still on their way. Idempotent: a problem is raised once. */
export async function runTrackingSweep(ctx: AppContext, options: { rules?: ProblemRules; lookbackDays?: number } = {}): Promise<TrackingSweepReport> {
  const now = ctx.now();
  const rules = options.rules ?? DEFAULT_PROBLEM_RULES;
  const report: TrackingSweepReport = { examined: 0, problemsRaised: 0, problemsResolved: 0, stalledMarked: 0, ordersReconciled: 0 };
  const firstNotOnline = Math.min(...rules.notOnline.map((t) => t.afterHours)) * 3_600_000;
  const since = now - (options.lookbackDays ?? 120) * DAY_MS;
  // Not online: declared shipped long enough ago, no first scan.
  const notOnline = await ctx.store.db
    .selectFrom('parcels as p')
    .select('p.tracking_number')
    .where('p.tracking_number', 'is not', null)
    .where('p.first_scan_at', 'is', null)
    .where('p.status', 'in', ['labelled', 'handed_over', 'tracking_uploaded'])
    .where((eb) => eb(eb.fn.coalesce('p.tracking_uploaded_at', 'p.labelled_at'), '<=', now - firstNotOnline))
    .where((eb) => eb(eb.fn.coalesce('p.tracking_uploaded_at', 'p.labelled_at'), '>=', since))
    .execute();
  // Stalled: with the carrier, no news for the shorter (express) limit at least.
  const stalled = await ctx.store.db
    .selectFrom('parcel_tracking')
    .select('tracking_number')
    .where('phase', '=', 1)
    .where('last_event_at', '<=', now - Math.min(rules.stalledDays.express, rules.stalledDays.postal) * DAY_MS)
    .where('last_event_at', '>=', since)
    .execute();
  const numbers = [...new Set([...notOnline, ...stalled].map((r) => r.tracking_number!))];
  report.examined = numbers.length;
  for (let i = 0; i < numbers.length; i += 1000) {
    const chunk = numbers.slice(i, i + 1000);
    await withRetries(() =>
      ctx.store.db.transaction().execute(async (trx) => {
        const writer = trackingBulkWriter(ctx.store, trx);
        await writer.beginBatch();
        const parcels = await writer.findParcels(chunk);
        const events: NewOrderEventRow[] = [];
        const ingest = emptyIngestReport();
        const rows: ParcelTrackingRow[] = [];
        const list = [...parcels.values()].filter((p) => p.parcel_status !== 'voided');
        const delta = await reconcileProblems(ctx, trx, list.map((p) => ({ parcel: p, state: stateOfRow(p.tracking) })), now, 'sweep', rules, events, ingest);
        for (const parcel of list) {
          const change = delta.get(parcel.parcel_id) ?? 0;
          if (!parcel.tracking) {
            if (change !== 0) rows.push({ ...trackingColumns(EMPTY_TRACKING_STATE), parcel_id: parcel.parcel_id, tracking_number: parcel.tracking_number, provider: null, open_problems: Math.max(0, change), registered_at: now, next_poll_at: null, last_polled_at: null, polls: 0, updated_at: now, version: 1 });
          } else if (change !== 0) {
            rows.push({ ...parcel.tracking, open_problems: Math.max(0, parcel.tracking.open_problems + change), updated_at: now });
          }
        }
        if ((await writer.upsertTracking(rows.map((row) => ({ row, base: parcels.get(row.tracking_number)?.tracking ?? null })))) !== rows.length) {
          throw new ConflictError('order.version', localized('a parcel\'s tracking changed meanwhile; sweeping again.', '包裹轨迹已被修改；正在重新检查。'));
        }
        await writer.appendOrderEvents(events);
        report.problemsRaised += ingest.problemsRaised;
        report.problemsResolved += ingest.problemsResolved;
      }),
    );
  }
  // A stalled parcel also gets shipby's own "stalled" event, so its status says so until the carrier speaks again.
  const marks: ProviderEvent[] = [];
  for (const row of stalled) {
    const tracking = await ctx.store.db.selectFrom('parcel_tracking').select(['tracking_number', 'last_event_at', 'status', 'parcel_id']).where('tracking_number', '=', row.tracking_number).where('phase', '=', 1).executeTakeFirst();
    if (!tracking || tracking.status === 'stalled' || tracking.last_event_at === null) continue;
    const parcel = await ctx.store.db.selectFrom('parcels').select('carrier').where('id', '=', tracking.parcel_id).executeTakeFirst();
    const limitDays = isExpressCarrier(parcel?.carrier) ? rules.stalledDays.express : rules.stalledDays.postal;
    if (now - tracking.last_event_at < limitDays * DAY_MS) continue;
    marks.push({
      trackingNumber: tracking.tracking_number,
      carrier: '',
      event: {
        key: `${SHIPBY_EVENT_PREFIX}stalled:${tracking.last_event_at}`,
        occurredAt: tracking.last_event_at + limitDays * DAY_MS,
        status: 'stalled',
        rawStatus: null,
        rawSubstatus: null,
        description: `no carrier news for ${limitDays} days`,
        location: null,
        destinationCountry: null,
      },
    });
  }
  if (marks.length) report.stalledMarked = (await ingestTrackingEvents(ctx, marks, { provider: 'shipby', actor: 'sweep' })).stored;
  report.ordersReconciled = (await reconcileShippedOrders(ctx)).transitions;
  return report;
}

/**
 * Orders whose parcels moved on before the order itself was shipped (the upload was accepted after the carrier's
 * events): the same order rules as ingestion, applied from the stored tracking state.
 */
export async function reconcileShippedOrders(ctx: AppContext, options: { limit?: number } = {}): Promise<IngestReport> {
  const report = emptyIngestReport();
  const rows = await ctx.store.db
    .selectFrom('orders as o')
    .innerJoin('parcels as p', 'p.order_id', 'o.id')
    .innerJoin('parcel_tracking as t', 't.parcel_id', 'p.id')
    .select('p.tracking_number')
    .where((eb) =>
      eb.or([
        eb.and([eb('o.status', '=', 'shipped'), eb('p.status', 'in', ['in_transit', 'delivered', 'returned'])]),
        eb.and([
          eb('o.status', 'in', ['shipped', 'in_transit']),
          eb('p.status', '=', 'delivered'),
          eb.not(eb.exists(eb.selectFrom('parcels as q').select('q.id').whereRef('q.order_id', '=', 'o.id').where('q.status', 'not in', ['delivered', 'returned', 'voided']))),
        ]),
      ]),
    )
    .limit(options.limit ?? 2000)
    .execute();
  const numbers = [...new Set(rows.map((r) => r.tracking_number!))];
  if (numbers.length === 0) return report;
  const poller = await pollingProvider(ctx.store.db);
  await withRetries(() =>
    ctx.store.db.transaction().execute(async (trx) => {
      const writer = trackingBulkWriter(ctx.store, trx);
      await writer.beginBatch();
      const parcels = [...(await writer.findParcels(numbers)).values()].filter((p) => p.tracking);
      const touched = parcels.map((parcel) => {
        const state = stateOfRow(parcel.tracking);
        return { parcel, before: state, after: state, newEvents: 0 };
      });
      if (touched.length) await applyEffects(ctx, trx, writer, touched, ctx.now(), 'sweep', poller, DEFAULT_PROBLEM_RULES, report);
    }),
  );
  return report;
}

// ---------------------------------------------------------------------------------------------------------------
// Reads

export interface ParcelProblemView {
  id: number;
  order_id: number;
  platform_order_id: string;
  shop_id: string;
  parcel_id: number | null;
  tracking_number: string | null;
  tracking_status: string | null;
  kind: string;
  level: string;
  detected_at: string | null;
  message: Localized;
  what_to_do: Localized;
  data: unknown;
}

/** Open problems, newest first; `kind` one of the problem kinds, `false_shipment` for its three kinds, or all. */
export async function listProblems(ctx: AppContext, filter: { kind?: string; shopIds?: string[]; parcelId?: number; limit?: number }): Promise<ParcelProblemView[]> {
  let kinds: string[] | undefined;
  if (filter.kind && filter.kind !== 'any') {
    if (filter.kind === 'false_shipment') kinds = ['invalid_number', 'scan_before_payment', 'wrong_destination'];
    else if (isProblemKind(filter.kind)) kinds = [filter.kind];
    else throw new ValidationError([{ row: 0, field: 'problem', message: localized(`unknown problem "${filter.kind}".`, `未知问题类型「${filter.kind}」。`) }]);
  }
  let query = ctx.store.db
    .selectFrom('tracking_problems as tp')
    .innerJoin('orders as o', 'o.id', 'tp.order_id')
    .leftJoin('parcels as p', 'p.id', 'tp.parcel_id')
    .leftJoin('parcel_tracking as t', 't.parcel_id', 'tp.parcel_id')
    .select(['tp.id', 'tp.order_id', 'o.platform_order_id', 'tp.shop_id', 'tp.parcel_id', 'p.tracking_number', 't.status as tracking_status', 'tp.kind', 'tp.level', 'tp.detected_at', 'tp.message', 'tp.action', 'tp.data'])
    .where('tp.resolved_at', 'is', null);
  if (kinds) query = query.where('tp.kind', 'in', kinds);
  if (filter.shopIds?.length) query = query.where('tp.shop_id', 'in', filter.shopIds);
  if (filter.parcelId !== undefined) query = query.where('tp.parcel_id', '=', filter.parcelId);
  const rows = await query.orderBy('tp.id', 'desc').limit(filter.limit ?? 200).execute();
  return rows.map((r) => ({
    id: r.id,
    order_id: r.order_id,
    platform_order_id: r.platform_order_id,
    shop_id: r.shop_id,
    parcel_id: r.parcel_id,
    tracking_number: r.tracking_number,
    tracking_status: r.tracking_status,
    kind: r.kind,
    level: r.level,
    detected_at: toIso(r.detected_at),
    message: JSON.parse(r.message) as Localized,
    what_to_do: JSON.parse(r.action) as Localized,
    data: r.data ? JSON.parse(r.data) : null,
  }));
}

export interface ParcelTrackingView {
  parcel_id: number;
  order_id: number;
  tracking_number: string | null;
  parcel_status: string;
  tracking: {
    status: string | null;
    label: Localized | null;
    raw_status: string | null;
    raw_substatus: string | null;
    description: string | null;
    status_at: string | null;
    first_scan_at: string | null;
    last_event_at: string | null;
    delivered_at: string | null;
    destination_country: string | null;
    next_poll_at: string | null;
  } | null;
  events: Array<{ at: string | null; status: string; raw_status: string | null; raw_substatus: string | null; description: string | null; location: string | null; provider: string }>;
  problems: ParcelProblemView[];
}

export async function getParcelTracking(ctx: AppContext, parcelId: number): Promise<ParcelTrackingView> {
  const db = ctx.store.db;
  const parcel = await db.selectFrom('parcels').selectAll().where('id', '=', parcelId).executeTakeFirst();
  if (!parcel) throw new NotFoundError(localized(`parcel ${parcelId} not found.`, `未找到包裹 ${parcelId}。`));
  const tracking = await db.selectFrom('parcel_tracking').selectAll().where('parcel_id', '=', parcelId).executeTakeFirst();
  const events = await db.selectFrom('tracking_events').selectAll().where('parcel_id', '=', parcelId).orderBy('occurred_at').orderBy('id').execute();
  const problems = await listProblems(ctx, { parcelId, limit: 1000 });
  return {
    parcel_id: parcel.id,
    order_id: parcel.order_id,
    tracking_number: parcel.tracking_number,
    parcel_status: parcel.status,
    tracking: tracking
      ? {
          status: tracking.status,
          label: tracking.status && isTrackingStatus(tracking.status) ? TRACKING_STATUS_LABELS[tracking.status] : null,
          raw_status: tracking.raw_status,
          raw_substatus: tracking.raw_substatus,
          description: tracking.description,
          status_at: toIso(tracking.status_at),
          first_scan_at: toIso(tracking.first_scan_at),
          last_event_at: toIso(tracking.last_event_at),
          delivered_at: toIso(tracking.delivered_at),
          destination_country: tracking.destination_country,
          next_poll_at: toIso(tracking.next_poll_at),
        }
      : null,
    events: events.map((e) => ({ at: toIso(e.occurred_at), status: e.status, raw_status: e.raw_status, raw_substatus: e.raw_substatus, description: e.description, location: e.location, provider: e.provider })),
    problems,
  };
}

export interface ParcelListItem {
  parcel_id: number;
  order_id: number;
  platform_order_id: string;
  shop_id: string;
  destination: string;
  parcel_status: string;
  carrier: string | null;
  service: string | null;
  tracking_number: string | null;
  tracking_status: string | null;
  tracking_label: Localized | null;
  last_event_at: string | null;
  first_scan_at: string | null;
  delivered_at: string | null;
  open_problems: number;
  created_at: string | null;
}

/**
 * Every parcel that has a tracking number (or a label coming), newest first, with its normalised tracking status:
 * the parcels screen lists them under the problems. Keyset pagination by id (`before` = the last id of the page).
 */
export async function listParcels(ctx: AppContext, filter: { shopIds?: string[]; limit?: number; before?: number } = {}): Promise<{ items: ParcelListItem[]; next_before: number | null }> {
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 500);
  let query = ctx.store.db
    .selectFrom('parcels as p')
    .innerJoin('orders as o', 'o.id', 'p.order_id')
    .leftJoin('parcel_tracking as t', 't.parcel_id', 'p.id')
    .select([
      'p.id', 'p.order_id', 'o.platform_order_id', 'p.shop_id', 'o.buyer_country', 'p.status', 'p.carrier', 'p.service', 'p.tracking_number', 'p.created_at',
      't.status as tracking_status', 't.last_event_at', 'p.first_scan_at', 'p.delivered_at', 't.open_problems',
    ])
    .where('p.status', '!=', 'voided');
  if (filter.shopIds?.length) query = query.where('p.shop_id', 'in', filter.shopIds);
  if (filter.before !== undefined) query = query.where('p.id', '<', filter.before);
  const rows = await query.orderBy('p.id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      parcel_id: r.id,
      order_id: r.order_id,
      platform_order_id: r.platform_order_id,
      shop_id: r.shop_id,
      destination: r.buyer_country,
      parcel_status: r.status,
      carrier: r.carrier,
      service: r.service,
      tracking_number: r.tracking_number,
      tracking_status: r.tracking_status,
      tracking_label: r.tracking_status && isTrackingStatus(r.tracking_status) ? TRACKING_STATUS_LABELS[r.tracking_status] : null,
      last_event_at: toIso(r.last_event_at),
      first_scan_at: toIso(r.first_scan_at),
      delivered_at: toIso(r.delivered_at),
      open_problems: Number(r.open_problems ?? 0),
      created_at: toIso(r.created_at),
    })),
    next_before: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

/** Events kept aside because no parcel has their number yet. */
export async function listUnmatchedEvents(ctx: AppContext, limit = 200) {
  const rows = await ctx.store.db.selectFrom('tracking_events').selectAll().where('parcel_id', 'is', null).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, tracking_number: r.tracking_number, carrier: r.carrier, provider: r.provider, status: r.status, raw_substatus: r.raw_substatus, occurred_at: toIso(r.occurred_at), received_at: toIso(r.received_at) }));
}

export async function deliveryCounts(ctx: AppContext) {
  const rows = await ctx.store.db.selectFrom('tracking_deliveries').select(['provider', 'status', (eb) => eb.fn.countAll<number>().as('count')]).groupBy(['provider', 'status']).orderBy('provider').execute();
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/** PostgreSQL deadlocks and serialisation failures are retried a few times; anything else is thrown. */
export async function withRetries<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const retriable = code === '40P01' || code === '40001' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) || (error instanceof ConflictError && error.rule === 'order.version');
      if (!retriable || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.floor(Math.random() * 20)));
    }
  }
}
