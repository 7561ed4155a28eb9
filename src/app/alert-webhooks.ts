/**
 * Alert webhooks (issue 5; hardened by issue 19): where alerts are POSTed, signed with the webhook's secret (stored
 * encrypted under the master key, bound to its row), delivered with retries and leases; listed to tenants without
 * the installation-wide ones.
 */
import { createHmac } from 'node:crypto';
import { localized } from '../core/i18n';
import { guardedFetch } from '../integrations/outbound';
import { ownerIsGone, processOwnerId } from '../store/leases';
import { inRetriedTransaction } from '../store/transaction-retry';
import { claimWebhookDeliveries, webhookDeliveryQueue } from '../store/webhook-deliveries';
import type { AppContext } from './context';
import { ValidationError } from './errors';
import { outboundUrlOrIssue } from './outbound-settings';
import { encryptSecret, masterKeyOf, openStoredSecret, SECRET_CONTEXTS } from './secrets';

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export { WEBHOOK_MAX_ATTEMPTS } from '../store/webhook-deliveries';

/**
 * Delivers due alerts: POST JSON with `X-Shipby-Timestamp` and `X-Shipby-Signature: sha256=HMAC(secret,
 * timestamp.body)`. The deliveries are a leased queue (store/webhook-deliveries.ts): claimed under a lease first, so
 * two workers never send the same one at once; a failure is retried with backoff; after WEBHOOK_MAX_ATTEMPTS it is dead.
 */
export async function deliverWebhooks(
  ctx: AppContext,
  options: { fetch?: typeof fetch; limit?: number; timeoutMs?: number } = {},
): Promise<{ delivered: number; failed: number; dead: number }> {
  const db = ctx.store.db;
  const send =
    options.fetch ?? guardedFetch({ field: 'url', timeoutMs: options.timeoutMs ?? 10_000, maxBytes: 64 * 1024 });
  const now = ctx.now();
  const owner = processOwnerId();
  const result = { delivered: 0, failed: 0, dead: 0 };
  // Leases of processes gone from this host are free now, not when they run out.
  const goneOwners = (await webhookDeliveryQueue.holders(db, now)).filter(ownerIsGone);
  const due = await inRetriedTransaction(db, (trx) =>
    claimWebhookDeliveries(trx, { dialect: ctx.store.dialect, owner, now, limit: options.limit ?? 50, goneOwners }),
  );
  for (const delivery of due) {
    const timestamp = String(Math.floor(now / 1000));
    let error: string | null = null;
    try {
      const secret = openStoredSecret(
        () => masterKeyOf(ctx),
        delivery.secret,
        SECRET_CONTEXTS.alertWebhook(delivery.webhook_id),
      );
      const response = await send(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shipby-timestamp': timestamp,
          'x-shipby-signature': `sha256=${signWebhook(secret, timestamp, delivery.payload)}`,
        },
        body: delivery.payload,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!response.ok) error = `HTTP ${response.status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    if (!error) {
      if ((await webhookDeliveryQueue.done(db, owner, ctx.now(), [{ id: delivery.id }])).size) result.delivered++;
    } else {
      const settled = await webhookDeliveryQueue.retry(db, owner, now, [
        { id: delivery.id, attempts: delivery.attempts, error },
      ]);
      result.failed += settled.retried.size;
      result.dead += settled.dead.size;
    }
  }
  return result;
}

export async function addWebhook(ctx: AppContext, input: { shopId?: string; url: string; secret: string }) {
  const url = await outboundUrlOrIssue(input.url, 'url');
  if (input.secret.length < 16) {
    throw new ValidationError([
      {
        row: 0,
        field: 'secret',
        message: localized('the secret must be at least 16 characters.', 'secret 至少需要 16 个字符。'),
      },
    ]);
  }
  const masterKey = masterKeyOf(ctx);
  // The secret is stored encrypted, bound to its row (issue 19, finding 9): the row first, then its sealed secret.
  return ctx.store.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('alert_webhooks')
      .values({ shop_id: input.shopId ?? null, url: url.toString(), secret: '', created_at: ctx.now() })
      .returning(['id', 'shop_id', 'url', 'created_at'])
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('alert_webhooks')
      .set({ secret: encryptSecret(masterKey, input.secret, SECRET_CONTEXTS.alertWebhook(row.id)) })
      .where('id', '=', row.id)
      .execute();
    return row;
  });
}

/**
 * The alert webhooks (never their secrets): those of the given shops and, with `installationWide`, those for every
 * shop (shop_id null) — an installation's own, never listed to a tenant (issue 19, finding 9).
 */
export async function listWebhooks(
  ctx: AppContext,
  shopIds?: readonly string[],
  options: { installationWide?: boolean } = {},
) {
  const installationWide = options.installationWide ?? shopIds === undefined;
  let query = ctx.store.db.selectFrom('alert_webhooks').select(['id', 'shop_id', 'url', 'created_at']).orderBy('id');
  if (shopIds) {
    const shops = [...shopIds];
    query = query.where((eb) =>
      eb.or([
        ...(installationWide ? [eb('shop_id', 'is', null)] : []),
        ...(shops.length ? [eb('shop_id', 'in', shops)] : [eb.lit(false)]),
      ]),
    );
  } else if (!installationWide) query = query.where('shop_id', 'is not', null);
  return query.execute();
}
