/**
 * Tracking webhooks as each provider sends them: verified by the provider's own adapter over the raw body (17TRACK's
 * `sign`, AfterShip's `aftership-hmac-sha256`; no timestamp is demanded — neither provider sends one), stored raw
 * (`tracking_deliveries`) and answered at once, then processed from the table in batches (`processDeliveries`, behind
 * the answer by the drainer and on schedule). A replay is known by the provider's identity of the delivery
 * (AfterShip's `event_id`, 17TRACK's `sign`, a digest of the body) and taken once. A delivery is claimed under a lease;
 * a lease held by a process that is gone from this host is taken over at once.
 */
import {
  MalformedPayloadError,
  isProviderKind,
  parseJsonBody,
  webhookAdapterFor,
  type ParsedDelivery,
  type ProviderEvent,
} from '../../integrations/tracking/provider';
import { trackingDeliveryQueue } from '../../store/tracking-deliveries';
import type { AppContext } from '../context';
import { claimForThisProcess } from '../leased-claims';
import { IngestReport, emptyIngestReport, ingestTrackingEvents, mergeReports } from './ingest';
import { getProviderRow } from './providers';
import { masterKeyOf, openStoredSecret, SECRET_CONTEXTS } from '../secrets';

// ---------------------------------------------------------------------------------------------------------------
// Webhooks: verify, store raw, answer; processed from the table

export type WebhookAnswer =
  | { status: 202; deliveryId: number; setAside: number }
  | { status: 200; duplicate: true }
  | { status: 401; reason: 'missing' | 'bad_signature'; header: string }
  | { status: 404 }
  | { status: 400; message: string };

/** What processing a delivery set aside and flagged, as stored in `tracking_deliveries.notes`. */
function deliveryNotes(parsed: ParsedDelivery): string | null {
  if (parsed.setAside.length === 0 && parsed.flagged.length === 0) return null;
  return JSON.stringify({ set_aside: parsed.setAside, flagged: parsed.flagged });
}

/**
 * The request path: nothing but the provider's signature check, a parse (to refuse a body of an unknown shape at
 * once) and one insert. A missing or wrong signature is stored nowhere; a body of an unknown shape is stored as
 * `malformed` (with its provider, never applied) for whoever looks into it; a replay is answered 200 (the provider
 * stops retrying) and not stored again.
 */
export async function receiveWebhook(
  ctx: AppContext,
  providerName: string,
  headers: Record<string, string | undefined>,
  body: string,
): Promise<WebhookAnswer> {
  const now = ctx.now();
  const provider = await getProviderRow(ctx.store.db, providerName);
  if (!provider || !isProviderKind(provider.kind)) return { status: 404 };
  const adapter = webhookAdapterFor(provider.kind);
  const signature = headers[adapter.signatureHeader];
  if (!signature) return { status: 401, reason: 'missing', header: adapter.signatureHeader };
  const secret = openStoredSecret(
    () => masterKeyOf(ctx),
    provider.webhook_secret,
    SECRET_CONTEXTS.trackingProvider(provider.name, 'webhook_secret'),
  );
  if (!adapter.verify(secret, signature, body))
    return { status: 401, reason: 'bad_signature', header: adapter.signatureHeader };
  let malformed: string | null = null;
  let json: unknown = null;
  let parsed: ParsedDelivery | null = null;
  try {
    json = parseJsonBody(body);
    parsed = adapter.parse(json, now);
  } catch (error) {
    if (!(error instanceof MalformedPayloadError)) throw error;
    malformed = error.message;
  }
  const inserted = await ctx.store.db
    .insertInto('tracking_deliveries')
    .values({
      provider: provider.name,
      received_at: now,
      signature: adapter.identity(signature, json),
      signed_at: now,
      body,
      status: malformed ? 'malformed' : 'pending',
      attempts: 0,
      lease_until: null,
      processed_at: null,
      events: null,
      error: malformed,
      notes: parsed ? deliveryNotes(parsed) : null,
    })
    .onConflict((oc) => oc.columns(['provider', 'signature']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return { status: 200, duplicate: true };
  if (malformed) return { status: 400, message: malformed };
  return { status: 202, deliveryId: inserted.id, setAside: parsed?.setAside.length ?? 0 };
}

export interface ProcessReport {
  deliveries: number;
  failed: number;
  ingest: IngestReport;
}

/**
 * Processes stored deliveries (oldest first, claimed from the leased queue store/tracking-deliveries.ts); a failure
 * is retried later with backoff, dead after DELIVERY_MAX_ATTEMPTS.
 */
export async function processDeliveries(
  ctx: AppContext,
  options: { limit?: number; leaseMs?: number } = {},
): Promise<ProcessReport> {
  const report: ProcessReport = { deliveries: 0, failed: 0, ingest: emptyIngestReport() };
  const db = ctx.store.db;
  const now = ctx.now();
  const { owner, claimed } = await claimForThisProcess(ctx, trackingDeliveryQueue, {
    now,
    limit: options.limit ?? 200,
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
  });
  if (claimed.length === 0) return report;
  const providers = new Map((await db.selectFrom('tracking_providers').selectAll().execute()).map((p) => [p.name, p]));
  // One ingestion per provider (its name is recorded on every event).
  const byProvider = new Map<string, ProviderEvent[]>();
  const parsed: Array<{ id: number; set: { events: number; notes: string | null } }> = [];
  const failed: Array<{ id: number; attempts: number; error: string }> = [];
  for (const delivery of claimed) {
    const provider = providers.get(delivery.provider);
    try {
      if (!provider || !isProviderKind(provider.kind))
        throw new Error(`provider ${delivery.provider} is not configured any more`);
      const result = webhookAdapterFor(provider.kind).parse(parseJsonBody(delivery.body), delivery.received_at);
      const list = byProvider.get(delivery.provider) ?? [];
      for (const e of result.events) list.push(e);
      byProvider.set(delivery.provider, list);
      parsed.push({ id: delivery.id, set: { events: result.events.length, notes: deliveryNotes(result) } });
    } catch (error) {
      failed.push({ id: delivery.id, attempts: delivery.attempts, error: (error as Error).message.slice(0, 1000) });
    }
  }
  report.failed = failed.length;
  if (failed.length) await trackingDeliveryQueue.retry(db, owner, now, failed);
  for (const [provider, list] of byProvider) {
    if (list.length) mergeReports(report.ingest, await ingestTrackingEvents(ctx, list, { provider }));
  }
  // Marked only after their events are in: a crash before this leaves them pending, and a replay changes nothing.
  if (parsed.length) await trackingDeliveryQueue.done(db, owner, ctx.now(), parsed);
  report.deliveries = parsed.length;
  return report;
}

/**
 * Processes stored deliveries behind the webhook's answer, in this process: one run at a time, and a kick during a
 * run makes it go round once more. Whatever it misses (a crash, another server's delivery) the scheduled job takes.
 */
export interface DeliveryDrainer {
  kick(): void;
  /** Resolves when no run is going. */
  idle(): Promise<void>;
}

const drainers = new WeakMap<AppContext, DeliveryDrainer>();

export function deliveryDrainerOf(
  ctx: AppContext,
  onError: (error: unknown) => void = () => undefined,
): DeliveryDrainer {
  let drainer = drainers.get(ctx);
  if (drainer) return drainer;
  let running: Promise<void> | undefined;
  let again = false;
  const run = async () => {
    do {
      again = false;
      try {
        while ((await processDeliveries(ctx, { limit: 200 })).deliveries > 0) {
          // keep going while there is work
        }
      } catch (error) {
        onError(error);
      }
    } while (again);
    running = undefined;
  };
  drainer = {
    kick() {
      if (running) again = true;
      else running = new Promise<void>((resolve) => setImmediate(() => void run().then(resolve)));
    },
    async idle() {
      while (running) await running;
    },
  };
  drainers.set(ctx, drainer);
  return drainer;
}
