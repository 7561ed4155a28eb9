/** Queuing an alert for the alert webhooks (alert-webhooks.ts delivers it); re-exported by deadlines.ts. */
import type { Executor } from '../store/orders';

/** Queues an alert to each webhook of the shop (and the all-shops ones); returns how many were queued. */
export async function queueAlert(
  db: Executor,
  shopId: string,
  dedupeKey: string,
  payload: { kind: string } & Record<string, unknown>,
  now: number,
): Promise<number> {
  const hooks = await db
    .selectFrom('alert_webhooks')
    .select('id')
    .where((eb) => eb.or([eb('shop_id', '=', shopId), eb('shop_id', 'is', null)]))
    .execute();
  if (!hooks.length) return 0;
  const inserted = await db
    .insertInto('webhook_deliveries')
    .values(
      hooks.map((h) => ({
        webhook_id: h.id,
        dedupe_key: dedupeKey,
        kind: payload.kind,
        payload: JSON.stringify(payload),
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        lease_until: null,
        lease_owner: null,
        last_error: null,
        created_at: now,
        delivered_at: null,
      })),
    )
    .onConflict((oc) => oc.columns(['webhook_id', 'dedupe_key']).doNothing())
    .returning('id')
    .execute();
  return inserted.length;
}
