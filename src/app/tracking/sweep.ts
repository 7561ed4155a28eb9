/**
 * The tracking sweep: problems that come with time (not online, stalled; shipby's own "stalled" event), and orders
 * whose parcels moved before they shipped, applied from the stored tracking state with the same plan as ingestion.
 */
import { localized } from '../../core/i18n';
import { DAY_MS } from '../../core/time';
import { DEFAULT_PROBLEM_RULES, isExpressCarrier, type ProblemRules } from '../../core/tracking-problems';
import { EMPTY_TRACKING_STATE, SHIPBY_EVENT_PREFIX } from '../../core/tracking-status';
import type { ProviderEvent } from '../../integrations/tracking/provider';
import type { NewOrderEventRow } from '../../store/schema';
import type { ParcelTrackingRow } from '../../store/schema-tracking';
import { trackingBulkWriter } from '../../store/tracking';
import type { AppContext } from '../context';
import { ConflictError, isOrderVersionConflict } from '../errors';
import { inRetriedTransaction } from '../../store/transaction-retry';
import { IngestReport, applyEffects, emptyIngestReport, ingestTrackingEvents, stateOfRow } from './ingest';
import { trackingColumns } from '../../core/tracking/tracking-rows';
import { reconcileProblems } from './problems';
import { pollingProvider } from './providers';

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
export async function runTrackingSweep(
  ctx: AppContext,
  options: { rules?: ProblemRules; lookbackDays?: number } = {},
): Promise<TrackingSweepReport> {
  const now = ctx.now();
  const rules = options.rules ?? DEFAULT_PROBLEM_RULES;
  const report: TrackingSweepReport = {
    examined: 0,
    problemsRaised: 0,
    problemsResolved: 0,
    stalledMarked: 0,
    ordersReconciled: 0,
  };
  const since = now - (options.lookbackDays ?? 120) * DAY_MS;
  const { notOnline, stalled } = await sweepCandidates(ctx, now, rules, since);
  const numbers = [...new Set([...notOnline, ...stalled].map((r) => r.tracking_number!))];
  report.examined = numbers.length;
  for (let i = 0; i < numbers.length; i += 1000) {
    await reconcileProblemsOf(ctx, numbers.slice(i, i + 1000), now, rules, report);
  }
  const marks = await stalledMarks(ctx, stalled, now, rules);
  if (marks.length)
    report.stalledMarked = (await ingestTrackingEvents(ctx, marks, { provider: 'shipby', actor: 'sweep' })).stored;
  report.ordersReconciled = (await reconcileShippedOrders(ctx)).transitions;
  return report;
}

/** The parcels the sweep examines: not online (declared long enough ago, no scan) and stalled (no carrier news). */
async function sweepCandidates(ctx: AppContext, now: number, rules: ProblemRules, since: number) {
  const firstNotOnline = Math.min(...rules.notOnline.map((t) => t.afterHours)) * 3_600_000;
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
  return { notOnline, stalled };
}

/**
 * One chunk of numbers in one transaction: their problems raised and resolved (counted in `report`), their
 * open-problem counts kept.
 */
async function reconcileProblemsOf(
  ctx: AppContext,
  chunk: string[],
  now: number,
  rules: ProblemRules,
  report: TrackingSweepReport,
): Promise<void> {
  await inRetriedTransaction(
    ctx.store.db,
    async (trx) => {
      const writer = trackingBulkWriter(ctx.store, trx);
      await writer.beginBatch();
      const parcels = await writer.findParcels(chunk);
      const events: NewOrderEventRow[] = [];
      const ingest = emptyIngestReport();
      const list = [...parcels.values()].filter((p) => p.parcel_status !== 'voided');
      const delta = await reconcileProblems(
        ctx,
        trx,
        list.map((p) => ({ parcel: p, state: stateOfRow(p.tracking) })),
        now,
        'sweep',
        rules,
        events,
        ingest,
      );
      const rows = openProblemRows(list, delta, now);
      if (
        (await writer.upsertTracking(
          rows.map((row) => ({ row, base: parcels.get(row.tracking_number)?.tracking ?? null })),
        )) !== rows.length
      ) {
        throw new ConflictError(
          'order.version',
          localized("a parcel's tracking changed meanwhile; sweeping again.", '包裹轨迹已被修改；正在重新检查。'),
        );
      }
      await writer.appendOrderEvents(events);
      report.problemsRaised += ingest.problemsRaised;
      report.problemsResolved += ingest.problemsResolved;
    },
    { alsoRetry: isOrderVersionConflict },
  );
}

/** The tracking rows whose open-problem count changed by `delta` (a parcel without a row gets a fresh one). */
function openProblemRows(
  list: ReadonlyArray<{ parcel_id: number; tracking_number: string; tracking: ParcelTrackingRow | null }>,
  delta: ReadonlyMap<number, number>,
  now: number,
): ParcelTrackingRow[] {
  const rows: ParcelTrackingRow[] = [];
  for (const parcel of list) {
    const change = delta.get(parcel.parcel_id) ?? 0;
    if (!parcel.tracking) {
      if (change !== 0)
        rows.push({
          ...trackingColumns(EMPTY_TRACKING_STATE),
          parcel_id: parcel.parcel_id,
          tracking_number: parcel.tracking_number,
          provider: null,
          open_problems: Math.max(0, change),
          registered_at: now,
          next_poll_at: null,
          last_polled_at: null,
          polls: 0,
          updated_at: now,
          version: 1,
        });
    } else if (change !== 0) {
      rows.push({
        ...parcel.tracking,
        open_problems: Math.max(0, parcel.tracking.open_problems + change),
        updated_at: now,
      });
    }
  }
  return rows;
}

/** A stalled parcel also gets shipby's own "stalled" event, so its status says so until the carrier speaks again. */
async function stalledMarks(
  ctx: AppContext,
  stalled: ReadonlyArray<{ tracking_number: string }>,
  now: number,
  rules: ProblemRules,
): Promise<ProviderEvent[]> {
  const marks: ProviderEvent[] = [];
  for (const row of stalled) {
    const tracking = await ctx.store.db
      .selectFrom('parcel_tracking')
      .select(['tracking_number', 'last_event_at', 'status', 'parcel_id'])
      .where('tracking_number', '=', row.tracking_number)
      .where('phase', '=', 1)
      .executeTakeFirst();
    if (!tracking || tracking.status === 'stalled' || tracking.last_event_at === null) continue;
    const parcel = await ctx.store.db
      .selectFrom('parcels')
      .select('carrier')
      .where('id', '=', tracking.parcel_id)
      .executeTakeFirst();
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
  return marks;
}

/**
 * Orders whose parcels moved on before the order itself was shipped (the upload was accepted after the carrier's
 * events): the same order rules as ingestion, applied from the stored tracking state.
 */
async function reconcileShippedOrders(ctx: AppContext, options: { limit?: number } = {}): Promise<IngestReport> {
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
          eb.not(
            eb.exists(
              eb
                .selectFrom('parcels as q')
                .select('q.id')
                .whereRef('q.order_id', '=', 'o.id')
                .where('q.status', 'not in', ['delivered', 'returned', 'voided']),
            ),
          ),
        ]),
      ]),
    )
    .limit(options.limit ?? 2000)
    .execute();
  const numbers = [...new Set(rows.map((r) => r.tracking_number!))];
  if (numbers.length === 0) return report;
  const poller = await pollingProvider(ctx.store.db);
  await inRetriedTransaction(
    ctx.store.db,
    async (trx) => {
      const writer = trackingBulkWriter(ctx.store, trx);
      await writer.beginBatch();
      const parcels = [...(await writer.findParcels(numbers)).values()].filter((p) => p.tracking);
      const touched = parcels.map((parcel) => {
        const state = stateOfRow(parcel.tracking);
        return { parcel, before: state, after: state, newEvents: 0 };
      });
      if (touched.length)
        await applyEffects(ctx, trx, writer, touched, ctx.now(), 'sweep', poller, DEFAULT_PROBLEM_RULES, report);
    },
    { alsoRetry: isOrderVersionConflict },
  );
  return report;
}
