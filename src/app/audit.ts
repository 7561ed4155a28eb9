/** The audit log: who did what, when and from where (issue 10); what each caller may read of it (issue 19). */
import { maskPersonalData } from '../core/personal-data';
import * as store from '../store/accounts';
import type { AuditRow } from '../store/schema-accounts';
import type { AppContext } from './context';

export interface AuditEntry {
  accountId?: string | null;
  shopId?: string | null;
  orderId?: number | null;
  actorKind: 'user' | 'key' | 'cli' | 'system' | 'anonymous';
  actorId?: string | null;
  actorName: string;
  action: string;
  target?: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  ip?: string | null;
  detail?: unknown;
}

export function auditRow(at: number, entry: AuditEntry) {
  return {
    at,
    account_id: entry.accountId ?? null,
    shop_id: entry.shopId ?? null,
    order_id: entry.orderId ?? null,
    actor_kind: entry.actorKind,
    actor_id: entry.actorId ?? null,
    actor_name: entry.actorName,
    action: entry.action,
    target: entry.target ?? null,
    outcome: entry.outcome,
    ip: entry.ip ?? null,
    // Details never carry a buyer's phone or address, whatever a caller passes.
    detail: entry.detail === undefined ? null : JSON.stringify(maskPersonalData(entry.detail)),
  };
}

export async function recordAudit(ctx: AppContext, ...entries: AuditEntry[]): Promise<void> {
  const now = ctx.now();
  await store.insertAuditRows(
    ctx.store,
    entries.map((e) => auditRow(now, e)),
  );
}

export interface AuditQuery {
  accountId: string;
  /** The shops whose lines the caller reads; absent: every shop of the account. */
  shopIds?: readonly string[];
  /**
   * Lines of no shop (sign-ins, keys): all of them for an account owner (absent); for anyone else only their own
   * (issue 19, finding 5: a shop owner does not read the account's other users' sign-ins).
   */
  accountWideOf?: { kind: 'user' | 'key'; id: number };
  orderId?: number;
  beforeId?: number;
  limit?: number;
}

export async function listAudit(ctx: AppContext, query: AuditQuery): Promise<AuditRow[]> {
  let q = ctx.store.db
    .selectFrom('audit_log')
    .selectAll()
    .where('account_id', '=', query.accountId)
    .orderBy('id', 'desc')
    .limit(Math.min(query.limit ?? 100, 1000));
  if (query.shopIds || query.accountWideOf) {
    const shops = [...(query.shopIds ?? [])];
    const own = query.accountWideOf;
    q = q.where((eb) => {
      const accountWide = own
        ? eb.and([eb('shop_id', 'is', null), eb('actor_kind', '=', own.kind), eb('actor_id', '=', String(own.id))])
        : eb('shop_id', 'is', null);
      const ofShops = query.shopIds
        ? shops.length
          ? [eb('shop_id', 'in', shops)]
          : []
        : [eb('shop_id', 'is not', null)];
      return eb.or([accountWide, ...ofShops]);
    });
  }
  if (query.orderId !== undefined) q = q.where('order_id', '=', query.orderId);
  if (query.beforeId !== undefined) q = q.where('id', '<', query.beforeId);
  return q.execute();
}

/** The audit lines of one order, for its timeline. */
export async function auditOfOrder(ctx: AppContext, orderId: number): Promise<AuditRow[]> {
  return ctx.store.db.selectFrom('audit_log').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}
