/**
 * After-sales cases: opened by hand (CLI, API) or from the marketplace sync (an AliExpress order in IN_ISSUE),
 * moved through the declared case machine (core/after-sales.ts), with evidence — a snapshot of the tracking history
 * taken when the case opens, photos stored under the data dir, notes — and an outcome with the amount refunded.
 * Every step is a line on the order's timeline; opening one is also an alert. Cases feed the INR dispute rate.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  CASE_KINDS,
  CASE_KIND_LABELS,
  OPEN_CASE_STATES,
  caseMachine,
  inrDisputeRate,
  isCaseKind,
  responseDeadline,
  type CaseAction,
  type CaseState,
} from '../core/after-sales';
import { contentMatchesExtension, EVIDENCE_EXTENSIONS, evidenceQuotaBytes, sniffEvidenceType } from '../core/file-type';
import { localized, type Localized } from '../core/i18n';
import { decide, isAction } from '../core/state-machine';
import { DAY_MS, toIso } from '../core/time';
import * as orders from '../store/orders';
import type { Executor } from '../store/orders';
import type { AfterSalesCaseRow, AfterSalesEvidenceRow } from '../store/schema-tracking';
import type { AppContext } from './context';
import { queueAlert } from './deadlines';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { timelineEvent } from '../core/timeline';

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
    const order = await orders.getOrder(trx, undefined, input.orderId);
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
    await orders.appendEvents(trx, [
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
    const order = await orders.getOrder(trx, undefined, row.order_id);
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
    await orders.appendEvents(trx, [
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
 * Stores a photo (or PDF) under `<dataDir>/evidence/<case>/<sha256><ext>` and records it; the same file twice is one
 * file. The bytes must be what the extension says, and a shop's evidence stays within its quota (issue 19).
 */
export async function addPhotoEvidence(
  ctx: AppContext,
  caseId: number,
  file: { name: string; content: Buffer },
  actor: string,
  root: string = dataDir(),
  quotaBytes = evidenceQuotaBytes(process.env),
): Promise<CaseView> {
  const ext = path.extname(file.name).toLowerCase();
  const types = Object.keys(EVIDENCE_EXTENSIONS).join(' ');
  if (!EVIDENCE_EXTENSIONS[ext])
    throw new ValidationError([
      { row: 0, field: 'file_name', message: localized(`evidence files are ${types}.`, `证据文件类型须为 ${types}。`) },
    ]);
  if (file.content.length === 0 || file.content.length > 20 * 1024 * 1024)
    throw new ValidationError([
      {
        row: 0,
        field: 'content_base64',
        message: localized('an evidence file is 1 byte to 20 MB.', '证据文件大小须在 1 字节到 20 MB 之间。'),
      },
    ]);
  if (!contentMatchesExtension(ext, file.content)) {
    const found = sniffEvidenceType(file.content);
    throw new ValidationError([
      {
        row: 0,
        field: 'content_base64',
        message: localized(
          `the file is named ${ext} but its content is ${found ? `a ${found} file` : 'none of ' + types}: choose the original photo or PDF.`,
          `文件名为 ${ext}，但内容${found ? `是 ${found} 文件` : `不属于 ${types}`}：请选择原始照片或 PDF。`,
        ),
      },
    ]);
  }
  const row = await ctx.store.db
    .selectFrom('after_sales_cases')
    .selectAll()
    .where('id', '=', caseId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(localized(`case ${caseId} not found.`, `未找到纠纷 ${caseId}。`));
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  const relative = path.join('evidence', String(caseId), `${sha256}${ext}`);
  const absolute = path.resolve(root, relative);
  const now = ctx.now();
  // The quota is checked and the file counted in one transaction that holds the shop's evidence lock, so two uploads
  // at once cannot both pass on the same room: SQLite's writing transactions are serial (BEGIN IMMEDIATE); on
  // PostgreSQL the shop's row is locked (FOR NO KEY UPDATE, which leaves the shop's foreign keys free).
  await ctx.store.db.transaction().execute(async (trx) => {
    await lockShopEvidence(trx, ctx.store.dialect, row.shop_id);
    const known = await trx
      .selectFrom('after_sales_evidence')
      .select('id')
      .where('case_id', '=', caseId)
      .where('sha256', '=', sha256)
      .executeTakeFirst();
    if (known) return;
    const used = await evidenceBytesOfShop(trx, row.shop_id);
    if (used + file.content.length > quotaBytes) {
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      throw new ConflictError(
        'evidence_quota',
        localized(
          `The shop's evidence would exceed its quota (${mb(used)} of ${mb(quotaBytes)} MB used). Close finished cases' files or ask the installation's owner for more room.`,
          `店铺的证据文件将超出配额（已用 ${mb(used)} / ${mb(quotaBytes)} MB）。请清理已结束纠纷的文件，或请系统所有者增加配额。`,
        ),
      );
    }
    // Written before the row: a crash leaves an orphan file at worst, never a row without its file.
    fs.mkdirSync(path.dirname(absolute), { recursive: true });
    if (!fs.existsSync(absolute)) fs.writeFileSync(absolute, file.content);
    await trx
      .insertInto('after_sales_evidence')
      .values({
        case_id: caseId,
        kind: 'photo',
        file_path: relative,
        sha256,
        content: file.name,
        added_at: now,
        added_by: actor,
        size_bytes: file.content.length,
      })
      .execute();
    await orders.appendEvents(trx, [
      timelineEvent({
        orderId: row.order_id,
        at: now,
        actor,
        kind: 'after_sales_evidence',
        reason: `photo ${file.name}`,
        data: JSON.stringify({ case_id: caseId, file: relative, sha256 }),
      }),
    ]);
  });
  return getCase(ctx, caseId);
}

/** Serialises a shop's evidence writers (PostgreSQL; SQLite's writing transactions are serial already). */
async function lockShopEvidence(trx: Executor, dialect: 'sqlite' | 'postgres', shopId: string): Promise<void> {
  if (dialect === 'postgres')
    await trx.selectFrom('shops').select('id').where('id', '=', shopId).forNoKeyUpdate().execute();
}

/** The bytes of evidence files a shop keeps (every case of every order of it). */
async function evidenceBytesOfShop(db: Executor, shopId: string): Promise<number> {
  const row = await db
    .selectFrom('after_sales_evidence')
    .innerJoin('after_sales_cases', 'after_sales_cases.id', 'after_sales_evidence.case_id')
    .select((eb) =>
      eb.fn.coalesce(eb.fn.sum<number | string>('after_sales_evidence.size_bytes'), eb.lit(0)).as('bytes'),
    )
    .where('after_sales_cases.shop_id', '=', shopId)
    .executeTakeFirst();
  return Number(row?.bytes ?? 0);
}

export interface CaseView {
  id: number;
  order_id: number;
  platform_order_id: string;
  shop_id: string;
  kind: string;
  label: Localized;
  state: string;
  source: string;
  platform_case_id: string | null;
  reason: string;
  opened_at: string | null;
  respond_by: string | null;
  overdue: boolean;
  responded_at: string | null;
  outcome: string | null;
  refunded: { amount: number; currency: string } | null;
  resolved_at: string | null;
  evidence: Array<{
    id: number;
    kind: string;
    file_path: string | null;
    sha256: string | null;
    content: unknown;
    added_at: string | null;
    added_by: string;
  }>;
}

function caseView(
  row: AfterSalesCaseRow & { platform_order_id: string },
  evidence: AfterSalesEvidenceRow[],
  now: number,
): CaseView {
  return {
    id: row.id,
    order_id: row.order_id,
    platform_order_id: row.platform_order_id,
    shop_id: row.shop_id,
    kind: row.kind,
    label: isCaseKind(row.kind) ? CASE_KIND_LABELS[row.kind] : localized(row.kind, row.kind),
    state: row.state,
    source: row.source,
    platform_case_id: row.platform_case_id,
    reason: row.reason,
    opened_at: toIso(row.opened_at),
    respond_by: toIso(row.respond_by),
    overdue: row.state === 'open' && now > row.respond_by,
    responded_at: toIso(row.responded_at),
    outcome: row.outcome,
    refunded: row.refunded_amount === null ? null : { amount: row.refunded_amount, currency: row.currency },
    resolved_at: toIso(row.resolved_at),
    evidence: evidence.map((e) => ({
      id: e.id,
      kind: e.kind,
      file_path: e.file_path,
      sha256: e.sha256,
      content: e.kind === 'tracking_snapshot' && e.content ? JSON.parse(e.content) : e.content,
      added_at: toIso(e.added_at),
      added_by: e.added_by,
    })),
  };
}

export async function getCase(ctx: AppContext, caseId: number): Promise<CaseView> {
  const row = await ctx.store.db
    .selectFrom('after_sales_cases as c')
    .innerJoin('orders as o', 'o.id', 'c.order_id')
    .selectAll('c')
    .select('o.platform_order_id')
    .where('c.id', '=', caseId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(localized(`case ${caseId} not found.`, `未找到纠纷 ${caseId}。`));
  const evidence = await ctx.store.db
    .selectFrom('after_sales_evidence')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
  return caseView(row, evidence, ctx.now());
}

export async function listCases(
  ctx: AppContext,
  filter: { shopIds?: string[]; state?: 'open' | 'closed' | 'all'; orderId?: number; limit?: number },
): Promise<CaseView[]> {
  let query = ctx.store.db
    .selectFrom('after_sales_cases as c')
    .innerJoin('orders as o', 'o.id', 'c.order_id')
    .selectAll('c')
    .select('o.platform_order_id');
  if (filter.shopIds?.length) query = query.where('c.shop_id', 'in', filter.shopIds);
  if (filter.orderId !== undefined) query = query.where('c.order_id', '=', filter.orderId);
  if (filter.state === 'open' || filter.state === undefined)
    query = query.where('c.state', 'in', [...OPEN_CASE_STATES]);
  if (filter.state === 'closed') query = query.where('c.state', 'not in', [...OPEN_CASE_STATES]);
  const rows = await query
    .orderBy('c.respond_by')
    .orderBy('c.id')
    .limit(filter.limit ?? 200)
    .execute();
  const now = ctx.now();
  return rows.map((row) => caseView(row, [], now));
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

export interface InrRateReport {
  shop_id: string;
  window_days: number;
  inr_cases: number;
  inr_withdrawn: number;
  confirmed_orders: number;
  refund_requested_orders: number;
  rate: number | null;
  definition: Localized;
}

/** The item-not-received dispute rate over the last `windowDays` (§1.13). */
export async function inrRate(ctx: AppContext, shopId: string, windowDays = 30): Promise<InrRateReport> {
  const db = ctx.store.db;
  const now = ctx.now();
  const from = now - windowDays * DAY_MS;
  const cases = await db
    .selectFrom('after_sales_cases')
    .select(['order_id', 'kind', 'state'])
    .where('shop_id', '=', shopId)
    .where('opened_at', '>', from)
    .where('opened_at', '<=', now)
    .execute();
  const inr = cases.filter((c) => c.kind === 'not_received');
  const confirmed = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('shop_id', '=', shopId)
    .where('receipt_confirmed_at', '>', from)
    .where('receipt_confirmed_at', '<=', now)
    .executeTakeFirstOrThrow();
  const refundRequested = new Set(
    cases
      .filter((c) => c.kind === 'refund' || c.kind === 'return_requested' || c.kind === 'not_received')
      .map((c) => c.order_id),
  );
  const input = {
    inrCases: inr.length,
    inrWithdrawn: inr.filter((c) => c.state === 'withdrawn').length,
    confirmedOrders: Number(confirmed.n),
    refundRequestedOrders: refundRequested.size,
  };
  return {
    shop_id: shopId,
    window_days: windowDays,
    inr_cases: input.inrCases,
    inr_withdrawn: input.inrWithdrawn,
    confirmed_orders: input.confirmedOrders,
    refund_requested_orders: input.refundRequestedOrders,
    rate: inrDisputeRate(input),
    definition: localized(
      '(item-not-received cases − withdrawn by the buyer) ÷ (orders confirmed or auto-confirmed + orders with a refund requested), opened in the window',
      '（未收到货纠纷数 − 买家撤销数）÷（确认收货及自动确认收货订单数 + 申请退款订单数），统计窗口内',
    ),
  };
}
