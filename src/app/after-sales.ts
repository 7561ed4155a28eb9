import {
  CASE_KINDS,
  CASE_KIND_LABELS,
  caseMachine,
  isCaseKind,
  responseDeadline,
  type CaseAction,
  type CaseState,
} from '../core/after-sales';
import { localized } from '../core/i18n';
import { decide, isAction } from '../core/state-machine';
import { toIso } from '../core/time';
import * as orderStore from '../store/orders';
import type { Executor } from '../store/orders';
import type { AfterSalesCaseRow } from '../store/schema-tracking';
import type { AppContext } from './context';
import { queueAlert } from './deadlines';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { timelineEvent } from '../core/timeline';
import { getCase, type CaseView } from './after-sales-views';

const DEFAULT_DATA_DIR = './data';

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SHIPBY_DATA_DIR || DEFAULT_DATA_DIR;
}

export interface OpenCaseInput {
  orderId: number;
  kind: string;
  reason: string;
  source?: 'manual' | 'sync';
  platformCaseId?: string;
  /** When the buyer opened it (default now). */
  openedAt?: number;
}

export async function openCase(ctx: AppContext, input: OpenCaseInput, actor: string): Promise<CaseView> {
  if (!isCaseKind(input.kind)) {
    throw new ValidationError([
      {
        row: 0,
        field: 'kind',
        message: localized(`kind is one of ${CASE_KINDS.join(', ')}.`, `kind 必须是 ${CASE_KINDS.join('、')} 之一。`),
      },
    ]);
  }
  if (!input.reason?.trim())
    throw new ValidationError([
      { row: 0, field: 'reason', message: localized("a case needs the buyer's reason.", '纠纷需要填写买家的理由。') },
    ]);
  const kind = input.kind;
  const now = ctx.now();
  const openedAt = input.openedAt ?? now;
  const id = await ctx.store.db.transaction().execute(async (trx) => {
    const order = await orderStore.getOrder(trx, undefined, input.orderId);
    if (!order)
      throw new NotFoundError(localized(`order ${input.orderId} not found.`, `未找到订单 ${input.orderId}。`));
    if (input.platformCaseId) {
      const existing = await trx
        .selectFrom('after_sales_cases')
        .select('id')
        .where('shop_id', '=', order.shop_id)
        .where('platform_case_id', '=', input.platformCaseId)
        .executeTakeFirst();
      if (existing) return existing.id;
    }
    const respondBy = responseDeadline(kind, openedAt);
    const inserted = await trx
      .insertInto('after_sales_cases')
      .values({
        order_id: order.id,
        shop_id: order.shop_id,
        kind,
        state: 'open',
        source: input.source ?? 'manual',
        platform_case_id: input.platformCaseId ?? null,
        reason: input.reason.trim(),
        opened_at: openedAt,
        opened_by: actor,
        respond_by: respondBy,
        responded_at: null,
        outcome: null,
        refunded_amount: null,
        currency: order.currency,
        resolved_at: null,
        version: 1,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The tracking history as it stands when the case opens: evidence that cannot change afterwards.
    await trx
      .insertInto('after_sales_evidence')
      .values({
        case_id: inserted.id,
        kind: 'tracking_snapshot',
        file_path: null,
        sha256: null,
        content: JSON.stringify(await trackingSnapshot(trx, order.id, now)),
        added_at: now,
        added_by: actor,
      })
      .execute();
    const label = CASE_KIND_LABELS[kind];
    await orderStore.appendEvents(trx, [
      timelineEvent({
        orderId: order.id,
        at: now,
        actor,
        kind: 'after_sales_opened',
        to: 'open',
        reason: `${label.en}: ${input.reason.trim()}`,
        data: JSON.stringify({
          case_id: inserted.id,
          kind,
          source: input.source ?? 'manual',
          respond_by: toIso(respondBy),
        }),
      }),
    ]);
    await queueAlert(
      trx,
      order.shop_id,
      `after_sales_opened:${inserted.id}`,
      {
        kind: 'after_sales_opened',
        shop_id: order.shop_id,
        order_id: order.id,
        platform_order_id: order.platform_order_id,
        case_id: inserted.id,
        case_kind: kind,
        respond_by: toIso(respondBy),
        message: localized(
          `A "${label.en}" case was opened on order ${order.platform_order_id}; answer by ${toIso(respondBy)}.`,
          `订单 ${order.platform_order_id} 有新的「${label['zh-CN']}」纠纷；请在 ${toIso(respondBy)} 前回复。`,
        ),
      },
      now,
    );
    return inserted.id;
  });
  return getCase(ctx, id);
}

async function trackingSnapshot(db: Executor, orderId: number, now: number) {
  const parcels = await db
    .selectFrom('parcels as p')
    .leftJoin('parcel_tracking as t', 't.parcel_id', 'p.id')
    .select([
      'p.id',
      'p.tracking_number',
      'p.carrier',
      'p.status',
      'p.first_scan_at',
      'p.delivered_at',
      't.status as tracking_status',
      't.raw_status',
      't.raw_substatus',
      't.description',
      't.last_event_at',
    ])
    .where('p.order_id', '=', orderId)
    .execute();
  const ids = parcels.map((p) => p.id);
  const events = ids.length
    ? await db
        .selectFrom('tracking_events')
        .selectAll()
        .where('parcel_id', 'in', ids)
        .orderBy('occurred_at')
        .orderBy('id')
        .execute()
    : [];
  return {
    taken_at: toIso(now),
    parcels: parcels.map((p) => ({
      parcel_id: p.id,
      tracking_number: p.tracking_number,
      carrier: p.carrier,
      parcel_status: p.status,
      tracking_status: p.tracking_status,
      raw_status: p.raw_status,
      raw_substatus: p.raw_substatus,
      first_scan_at: toIso(p.first_scan_at),
      delivered_at: toIso(p.delivered_at),
      last_event_at: toIso(p.last_event_at),
      events: events
        .filter((e) => e.parcel_id === p.id)
        .map((e) => ({
          at: toIso(e.occurred_at),
          status: e.status,
          raw_status: e.raw_status,
          raw_substatus: e.raw_substatus,
          description: e.description,
          location: e.location,
        })),
    })),
  };
}

export interface CaseStepInput {
  action: string;
  note?: string;
  outcome?: string;
  /** Minor units of the order's currency. */
  refundedAmount?: number;
}

/** Moves a case through the declared case machine; a refused step changes nothing and names the rule. */
export async function stepCase(
  ctx: AppContext,
  caseId: number,
  input: CaseStepInput,
  actor: string,
): Promise<CaseView> {
  if (!isAction(caseMachine, input.action)) {
    throw new ValidationError([
      {
        row: 0,
        field: 'action',
        message: localized(
          `action is one of ${Object.keys(caseMachine.transitions).join(', ')}.`,
          `操作必须是 ${Object.keys(caseMachine.transitions).join('、')} 之一。`,
        ),
      },
    ]);
  }
  const action: CaseAction = input.action;
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('after_sales_cases').selectAll().where('id', '=', caseId).executeTakeFirst();
    if (!row) throw new NotFoundError(localized(`case ${caseId} not found.`, `未找到纠纷 ${caseId}。`));
    const order = await orderStore.getOrder(trx, undefined, row.order_id);
    const decision = decide(caseMachine, row.state as CaseState, action, {
      note: input.note,
      outcome: input.outcome,
      refundedAmount: input.refundedAmount,
      orderTotal: order?.total_amount,
    });
    if (!decision.ok) {
      const message = decision.rule.endsWith('.from')
        ? localized(
            `Case ${caseId} is ${row.state}: it cannot be ${action}d.`,
            `纠纷 ${caseId} 状态为「${row.state}」，不能执行「${action}」。`,
          )
        : decision.message;
      throw new ConflictError(decision.rule, message, row.state);
    }
    const changes: Partial<AfterSalesCaseRow> = { state: decision.to, updated_at: now, version: row.version + 1 };
    if (action === 'respond') changes.responded_at = now;
    if (action === 'resolve') {
      changes.outcome = input.outcome!;
      changes.refunded_amount = input.refundedAmount ?? 0;
      changes.resolved_at = now;
    }
    if (action === 'withdraw') changes.resolved_at = now;
    const updated = await trx
      .updateTable('after_sales_cases')
      .set(changes)
      .where('id', '=', caseId)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw new ConflictError(
        'case.version',
        localized('the case changed meanwhile; try again.', '纠纷已被修改，请重试。'),
        row.state,
      );
    if (input.note?.trim()) {
      await trx
        .insertInto('after_sales_evidence')
        .values({
          case_id: caseId,
          kind: 'note',
          file_path: null,
          sha256: null,
          content: input.note.trim(),
          added_at: now,
          added_by: actor,
        })
        .execute();
    }
    await orderStore.appendEvents(trx, [
      timelineEvent({
        orderId: row.order_id,
        at: now,
        actor,
        kind: 'after_sales_transition',
        action,
        from: decision.from,
        to: decision.to,
        reason: input.note?.trim() || null,
        data: JSON.stringify({
          case_id: caseId,
          kind: row.kind,
          ...(action === 'resolve'
            ? { outcome: input.outcome, refunded: { amount: input.refundedAmount ?? 0, currency: row.currency } }
            : {}),
        }),
      }),
    ]);
  });
  return getCase(ctx, caseId);
}

/**
 * Cases from the marketplace sync: an AliExpress order the platform holds IN_ISSUE (a buyer dispute) gets a case,
 * once. The platform does not say which kind through the order status: a delivered order is taken as "not as
 * described", any other as "not received" (the seller corrects the kind by resolving and reopening if needed).
 */
export async function openCasesFromSync(ctx: AppContext, options: { limit?: number } = {}): Promise<number> {
  const rows = await ctx.store.db
    .selectFrom('orders as o')
    .select(['o.id', 'o.platform_order_id', 'o.status', 'o.delivered_at', 'o.updated_at'])
    .where('o.platform_status', '=', 'IN_ISSUE')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('after_sales_cases as c')
            .select('c.id')
            .whereRef('c.order_id', '=', 'o.id')
            .where('c.source', '=', 'sync'),
        ),
      ),
    )
    .limit(options.limit ?? 500)
    .execute();
  for (const row of rows) {
    const delivered = row.status === 'delivered' || row.delivered_at !== null;
    await openCase(
      ctx,
      {
        orderId: row.id,
        kind: delivered ? 'not_as_described' : 'not_received',
        reason: delivered
          ? 'the platform reports a buyer dispute (IN_ISSUE) on a delivered order'
          : 'the platform reports a buyer dispute (IN_ISSUE) on an order not delivered',
        source: 'sync',
        platformCaseId: `${row.platform_order_id}:IN_ISSUE`,
        openedAt: row.updated_at,
      },
      'sync',
    );
  }
  return rows.length;
}
