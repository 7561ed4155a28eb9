/**
 * Polling the provider for parcels that are due (the cadence of core/tracking-poll.ts), each parcel claimed by one
 * poller across processes (`tracking_poll_claims`), and the sweep: problems that come with time (not online,
 * stalled), and orders whose parcels moved before they shipped.
 */
import { localized } from '../core/i18n';
import { DAY_MS } from '../core/time';
import { nextPollAt } from '../core/tracking-poll';
import { DEFAULT_PROBLEM_RULES, isExpressCarrier, type ProblemRules } from '../core/tracking-problems';
import { EMPTY_TRACKING_STATE, SHIPBY_EVENT_PREFIX } from '../core/tracking-status';
import type { PollingClient, ProviderEvent } from '../integrations/tracking/provider';
import { newLeaseOwner, ownerIsGone } from '../store/leases';
import type { NewOrderEventRow } from '../store/schema';
import type { ParcelTrackingRow, TrackingProviderRow } from '../store/schema-tracking';
import { trackingBulkWriter } from '../store/tracking';
import type { AppContext } from './context';
import { ConflictError } from './errors';
import { IngestReport, emptyIngestReport, ingestTrackingEvents, mergeReports, stateOfRow, withRetries } from './tracking';
import { applyEffects, reconcileProblems, trackingColumns } from './tracking-effects';
import { cadenceOf, clientOfProvider, pollingProvider } from './tracking-providers';

// ---------------------------------------------------------------------------------------------------------------
// Polling

export interface PollReport {
  polled: number;
  registered: number;
  refused: number;
  /** Events the provider sent that could not be read (set aside), and times read by a guess (flagged). */
  setAside: number;
  flagged: number;
  /** Due parcels another poller holds: left to it. */
  claimedElsewhere: number;
  ingest: IngestReport;
}

/**
 * Claims these parcels for `owner` until `until`: a claim row per parcel, taken when there is none, it has run out, or
 * its holder's process is gone from this host. Returns the parcels claimed. One conditional upsert per attempt, so
 * two pollers (two processes, or two runs in one) never both hold a parcel.
 */
export async function claimPolls(ctx: AppContext, parcelIds: number[], owner: string, now: number, until: number): Promise<number[]> {
  if (parcelIds.length === 0) return [];
  const db = ctx.store.db;
  const taken = await db
    .insertInto('tracking_poll_claims')
    .values(parcelIds.map((parcel_id) => ({ parcel_id, owner, until })))
    .onConflict((oc) => oc.column('parcel_id').doUpdateSet({ owner, until }).where('tracking_poll_claims.until', '<', now))
    .returning('parcel_id')
    .execute();
  const claimed = new Set(taken.map((r) => r.parcel_id));
  const rest = parcelIds.filter((id) => !claimed.has(id));
  if (rest.length) {
    const holders = await db.selectFrom('tracking_poll_claims').select(['parcel_id', 'owner']).where('parcel_id', 'in', rest).execute();
    for (const holder of holders.filter((h) => ownerIsGone(h.owner))) {
      const moved = await db.updateTable('tracking_poll_claims').set({ owner, until }).where('parcel_id', '=', holder.parcel_id).where('owner', '=', holder.owner).executeTakeFirst();
      if (Number(moved.numUpdatedRows) === 1) claimed.add(holder.parcel_id);
    }
  }
  return parcelIds.filter((id) => claimed.has(id));
}

export async function releasePolls(ctx: AppContext, parcelIds: number[], owner: string): Promise<void> {
  for (let i = 0; i < parcelIds.length; i += 1000) {
    await ctx.store.db.deleteFrom('tracking_poll_claims').where('parcel_id', 'in', parcelIds.slice(i, i + 1000)).where('owner', '=', owner).execute();
  }
}

/** Polls the parcels due, through their provider's client (settable cadence per provider), each claimed first. */
export async function pollDueParcels(
  ctx: AppContext,
  options: { limit?: number; clientFor?: (provider: TrackingProviderRow) => PollingClient | undefined; signal?: AbortSignal; leaseMs?: number } = {},
): Promise<PollReport> {
  const report: PollReport = { polled: 0, registered: 0, refused: 0, setAside: 0, flagged: 0, claimedElsewhere: 0, ingest: emptyIngestReport() };
  const now = ctx.now();
  const candidates = await ctx.store.db
    .selectFrom('parcel_tracking')
    .select('parcel_id')
    .where('next_poll_at', 'is not', null)
    .where('next_poll_at', '<=', now)
    .where('provider', 'is not', null)
    .orderBy('next_poll_at')
    .limit(options.limit ?? 400)
    .execute();
  if (candidates.length === 0) return report;
  const owner = newLeaseOwner();
  const claimed = await claimPolls(ctx, candidates.map((c) => c.parcel_id), owner, now, now + (options.leaseMs ?? 5 * 60_000));
  report.claimedElsewhere = candidates.length - claimed.length;
  try {
    if (claimed.length) await pollClaimed(ctx, claimed, now, options, report);
  } finally {
    await releasePolls(ctx, claimed, owner);
  }
  return report;
}

async function pollClaimed(
  ctx: AppContext,
  claimed: number[],
  now: number,
  options: { clientFor?: (provider: TrackingProviderRow) => PollingClient | undefined; signal?: AbortSignal },
  report: PollReport,
): Promise<void> {
  // Read again under the claim: a poller that finished just before it moved next_poll_at on, and is not repeated.
  const due = await ctx.store.db.selectFrom('parcel_tracking').selectAll().where('parcel_id', 'in', claimed).where('next_poll_at', '<=', now).orderBy('next_poll_at').execute();
  if (due.length === 0) return;
  const providers = new Map((await ctx.store.db.selectFrom('tracking_providers').selectAll().execute()).map((p) => [p.name, p]));
  const carriers = new Map(
    (await ctx.store.db.selectFrom('parcels').select(['id', 'carrier']).where('id', 'in', due.map((d) => d.parcel_id)).execute()).map((p) => [p.id, p.carrier]),
  );
  const byProvider = new Map<string, ParcelTrackingRow[]>();
  for (const row of due) byProvider.set(row.provider!, [...(byProvider.get(row.provider!) ?? []), row]);
  for (const [name, rows] of byProvider) {
    const provider = providers.get(name);
    const client = provider && (options.clientFor ? options.clientFor(provider) : clientOfProvider(provider, ctx));
    if (!provider || !client) {
      // Nothing can poll these any more: stop asking.
      await ctx.store.db.updateTable('parcel_tracking').set({ next_poll_at: null, updated_at: now }).where('parcel_id', 'in', rows.map((r) => r.parcel_id)).execute();
      continue;
    }
    const cadence = cadenceOf(provider);
    for (let i = 0; i < rows.length; i += client.batchSize) {
      if (options.signal?.aborted) return;
      const chunk = rows.slice(i, i + client.batchSize);
      const result = await client.fetch(chunk.map((r) => r.tracking_number), now, options.signal);
      report.polled += chunk.length;
      report.setAside += result.setAside.length;
      report.flagged += result.flagged.length;
      if (result.unregistered.length) {
        const parcelOf = new Map(chunk.map((r) => [r.tracking_number, r.parcel_id]));
        const registered = await client.register(result.unregistered.map((number) => ({ number, carrier: carriers.get(parcelOf.get(number) ?? -1) ?? null })), options.signal);
        report.registered += registered.registered.length;
        report.refused += registered.refused.length;
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
