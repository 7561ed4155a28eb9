/**
 * Polling the provider for parcels that are due (the cadence of core/tracking-poll.ts), each parcel claimed by one
 * poller across processes (`tracking_poll_claims`), and the sweep: problems that come with time (not online,
 * stalled), and orders whose parcels moved before they shipped.
 */
import { nextPollAt } from '../../core/tracking-poll';
import type { PollingClient } from '../../integrations/tracking/provider';
import { newLeaseOwner, ownerIsGone } from '../../store/leases';
import type { ParcelTrackingRow, TrackingProviderRow } from '../../store/schema-tracking';
import type { AppContext } from '../context';
import { IngestReport, emptyIngestReport, ingestTrackingEvents, mergeReports, stateOfRow } from './ingest';
import { cadenceOf, clientOfProvider } from './providers';

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
export async function claimPolls(
  ctx: AppContext,
  parcelIds: number[],
  owner: string,
  now: number,
  until: number,
): Promise<number[]> {
  if (parcelIds.length === 0) return [];
  const db = ctx.store.db;
  const taken = await db
    .insertInto('tracking_poll_claims')
    .values(parcelIds.map((parcel_id) => ({ parcel_id, owner, until })))
    .onConflict((oc) =>
      oc.column('parcel_id').doUpdateSet({ owner, until }).where('tracking_poll_claims.until', '<', now),
    )
    .returning('parcel_id')
    .execute();
  const claimed = new Set(taken.map((r) => r.parcel_id));
  const rest = parcelIds.filter((id) => !claimed.has(id));
  if (rest.length) {
    const holders = await db
      .selectFrom('tracking_poll_claims')
      .select(['parcel_id', 'owner'])
      .where('parcel_id', 'in', rest)
      .execute();
    for (const holder of holders.filter((h) => ownerIsGone(h.owner))) {
      const moved = await db
        .updateTable('tracking_poll_claims')
        .set({ owner, until })
        .where('parcel_id', '=', holder.parcel_id)
        .where('owner', '=', holder.owner)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) === 1) claimed.add(holder.parcel_id);
    }
  }
  return parcelIds.filter((id) => claimed.has(id));
}

async function releasePolls(ctx: AppContext, parcelIds: number[], owner: string): Promise<void> {
  for (let i = 0; i < parcelIds.length; i += 1000) {
    await ctx.store.db
      .deleteFrom('tracking_poll_claims')
      .where('parcel_id', 'in', parcelIds.slice(i, i + 1000))
      .where('owner', '=', owner)
      .execute();
  }
}

/** Polls the parcels due, through their provider's client (settable cadence per provider), each claimed first. */
export async function pollDueParcels(
  ctx: AppContext,
  options: {
    limit?: number;
    clientFor?: (provider: TrackingProviderRow) => PollingClient | undefined;
    signal?: AbortSignal;
    leaseMs?: number;
  } = {},
): Promise<PollReport> {
  const report: PollReport = {
    polled: 0,
    registered: 0,
    refused: 0,
    setAside: 0,
    flagged: 0,
    claimedElsewhere: 0,
    ingest: emptyIngestReport(),
  };
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
  const claimed = await claimPolls(
    ctx,
    candidates.map((c) => c.parcel_id),
    owner,
    now,
    now + (options.leaseMs ?? 5 * 60_000),
  );
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
  const due = await ctx.store.db
    .selectFrom('parcel_tracking')
    .selectAll()
    .where('parcel_id', 'in', claimed)
    .where('next_poll_at', '<=', now)
    .orderBy('next_poll_at')
    .execute();
  if (due.length === 0) return;
  const providers = new Map(
    (await ctx.store.db.selectFrom('tracking_providers').selectAll().execute()).map((p) => [p.name, p]),
  );
  const carriers = new Map(
    (
      await ctx.store.db
        .selectFrom('parcels')
        .select(['id', 'carrier'])
        .where(
          'id',
          'in',
          due.map((d) => d.parcel_id),
        )
        .execute()
    ).map((p) => [p.id, p.carrier]),
  );
  const byProvider = new Map<string, ParcelTrackingRow[]>();
  for (const row of due) byProvider.set(row.provider!, [...(byProvider.get(row.provider!) ?? []), row]);
  for (const [name, rows] of byProvider) {
    const provider = providers.get(name);
    const client = provider && (options.clientFor ? options.clientFor(provider) : clientOfProvider(provider, ctx));
    if (!provider || !client) {
      // Nothing can poll these any more: stop asking.
      await ctx.store.db
        .updateTable('parcel_tracking')
        .set({ next_poll_at: null, updated_at: now })
        .where(
          'parcel_id',
          'in',
          rows.map((r) => r.parcel_id),
        )
        .execute();
      continue;
    }
    const cadence = cadenceOf(provider);
    for (let i = 0; i < rows.length; i += client.batchSize) {
      if (options.signal?.aborted) return;
      const chunk = rows.slice(i, i + client.batchSize);
      const result = await client.fetch(
        chunk.map((r) => r.tracking_number),
        now,
        options.signal,
      );
      report.polled += chunk.length;
      report.setAside += result.setAside.length;
      report.flagged += result.flagged.length;
      if (result.unregistered.length) {
        const parcelOf = new Map(chunk.map((r) => [r.tracking_number, r.parcel_id]));
        const registered = await client.register(
          result.unregistered.map((number) => ({ number, carrier: carriers.get(parcelOf.get(number) ?? -1) ?? null })),
          options.signal,
        );
        report.registered += registered.registered.length;
        report.refused += registered.refused.length;
      }
      report.refused += result.refused.length;
      mergeReports(report.ingest, await ingestTrackingEvents(ctx, result.events, { provider: name }));
      // The next poll from the state after these events.
      const fresh = new Map(
        (
          await ctx.store.db
            .selectFrom('parcel_tracking')
            .selectAll()
            .where(
              'parcel_id',
              'in',
              chunk.map((r) => r.parcel_id),
            )
            .execute()
        ).map((r) => [r.parcel_id, r]),
      );
      for (const row of chunk) {
        const current = fresh.get(row.parcel_id) ?? row;
        await ctx.store.db
          .updateTable('parcel_tracking')
          .set((eb) => ({
            next_poll_at: nextPollAt(current.registered_at, stateOfRow(current), now, cadence),
            last_polled_at: now,
            polls: current.polls + 1,
            updated_at: now,
            version: eb('version', '+', 1),
          }))
          .where('parcel_id', '=', row.parcel_id)
          .execute();
      }
    }
  }
}
