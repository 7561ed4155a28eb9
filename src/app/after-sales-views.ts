import { CASE_KIND_LABELS, OPEN_CASE_STATES, inrDisputeRate, isCaseKind } from '../core/after-sales';
import { localized, type Localized } from '../core/i18n';
import { DAY_MS, toIso } from '../core/time';
import type { AfterSalesCaseRow, AfterSalesEvidenceRow } from '../store/schema-tracking';
import type { AppContext } from './context';
import { NotFoundError } from './errors';

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
