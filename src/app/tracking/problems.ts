/**
 * Tracking problems (core/tracking-problems.ts detects them): raised once — a timeline event and an alert through
 * `queueAlert` — and resolved when their condition no longer holds. Used by ingestion, the sweep and the receipt.
 */
import { toIso } from '../../core/time';
import { detectParcelProblems, type DetectedProblem, type ProblemRules } from '../../core/tracking-problems';
import { type TrackingState } from '../../core/tracking-status';
import type { Executor } from '../../store/orders';
import type { NewOrderEventRow } from '../../store/schema';
import type { ParcelContext } from '../../store/tracking-bulk';
import type { AppContext } from '../context';
import { queueAlert } from '../deadlines';
import type { IngestReport } from './ingest';
import { timelineEvent } from '../../core/timeline';

function declaredAtOf(parcel: Pick<ParcelContext, 'tracking_uploaded_at' | 'labelled_at'>): number | null {
  return parcel.tracking_uploaded_at ?? parcel.labelled_at;
}

/**
 * Raises the problems that hold and were not raised yet (timeline event + alert webhook), and resolves the open
 * ones that no longer hold. Returns, per parcel, the change in its count of open problems.
 */
export async function reconcileProblems(
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
      {
        parcelId: parcel.parcel_id,
        trackingNumber: parcel.tracking_number,
        carrier: parcel.carrier,
        declaredAt: declaredAtOf(parcel),
        paidAt: parcel.paid_at,
        buyerCountry: parcel.buyer_country,
        state,
      },
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
    await trx
      .updateTable('tracking_problems')
      .set({ resolved_at: now })
      .where(
        'id',
        'in',
        gone.map((g) => g.id),
      )
      .where('resolved_at', 'is', null)
      .execute();
    for (const row of gone) {
      events.push(
        timelineEvent({
          orderId: row.order_id,
          parcelId,
          at: now,
          actor,
          kind: 'tracking_problem_resolved',
          reason: `${row.kind} no longer holds`,
          data: JSON.stringify({ problem_key: row.problem_key, kind: row.kind }),
        }),
      );
    }
    report.problemsResolved += gone.length;
    delta.set(parcelId, (delta.get(parcelId) ?? 0) - gone.length);
  }
  for (const [parcelId, problems] of detected) {
    const parcel = byId.get(parcelId)!;
    const raised = await raiseProblems(
      trx,
      { orderId: parcel.order_id, parcelId, shopId: parcel.shop_id, trackingNumber: parcel.tracking_number },
      problems,
      now,
      actor,
      events,
    );
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
    events.push(
      timelineEvent({
        orderId: target.orderId,
        parcelId: target.parcelId,
        at: now,
        actor,
        kind: 'tracking_problem',
        reason: problem.message.en,
        data: JSON.stringify({
          problem_id: row.id,
          kind: problem.kind,
          level: problem.level,
          key: problem.key,
          message: problem.message,
          action: problem.action,
        }),
      }),
    );
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
