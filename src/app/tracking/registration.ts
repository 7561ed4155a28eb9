/**
 * Registration: a parcel whose label is bought (it has a tracking number) gets its tracking row (polled through the
 * polling provider, if any), and its number is registered with every provider shipby can call — with the provider's
 * own carrier code (core/data/tracking-carriers.ts) — so that the provider tracks it and pushes its webhooks. Runs in
 * the tracking job right after labels are bought. Each (provider, number) is a row of `tracking_registrations`
 * until the provider took or refused it: a provider that failed (unreachable, an error answer) is asked again with
 * backoff (core/tracking/registration-retry.ts), so a webhook-only provider, which never polls, still learns every
 * number; dead after REGISTRATION_MAX_ATTEMPTS. The rows are a leased queue (store/tracking-registrations.ts): a due
 * row is claimed under a lease by one process, which alone may settle it, whatever the processes.
 */
import { EMPTY_TRACKING_STATE } from '../../core/tracking-status';
import type { AppContext } from '../context';
import { trackingColumns } from '../../core/tracking/tracking-rows';
import { clientOfProvider, pollingProvider } from './providers';
import type { PollingClient } from '../../integrations/tracking/provider';
import type { TrackingProviderRow } from '../../store/schema-tracking';
import { REGISTRATION_REFUSED, trackingRegistrationQueue } from '../../store/tracking-registrations';
import { claimForThisProcess } from '../leased-claims';
import { inRetriedTransaction } from '../../store/transaction-retry';
import { reportDeadRegistrations } from './registration-dead';

/** Who the timeline says gave a registration up. */
const REGISTRATION_ACTOR = 'tracking';

export interface ProviderRegistration {
  provider: string;
  registered: number;
  refused: Array<{ number: string; reason: string }>;
  /** The provider could not be reached or answered an error (its own words). */
  error: string | null;
  /** Numbers given up this run: they failed REGISTRATION_MAX_ATTEMPTS times (absent: none). */
  dead?: number;
}

/** Registers these parcels' numbers with every callable provider; never throws (a failure is reported). */
export async function registerWithProviders(
  ctx: AppContext,
  parcels: Array<{ number: string; carrier: string | null }>,
  options: { clientFor?: (provider: TrackingProviderRow) => PollingClient | undefined; signal?: AbortSignal } = {},
): Promise<ProviderRegistration[]> {
  if (parcels.length === 0) return [];
  const providers = await ctx.store.db.selectFrom('tracking_providers').selectAll().orderBy('name').execute();
  const results: ProviderRegistration[] = [];
  for (const provider of providers) {
    const client = options.clientFor ? options.clientFor(provider) : clientOfProvider(provider, ctx);
    if (!client) continue;
    const outcome: ProviderRegistration = { provider: provider.name, registered: 0, refused: [], error: null };
    try {
      for (let i = 0; i < parcels.length; i += client.batchSize) {
        const answer = await client.register(parcels.slice(i, i + client.batchSize), options.signal);
        outcome.registered += answer.registered.length;
        outcome.refused.push(...answer.refused);
      }
    } catch (error) {
      outcome.error = (error as Error).message;
    }
    results.push(outcome);
  }
  return results;
}

/** Parcels with a number and no tracking row get one and are registered with the providers. Returns how many. */
export async function registerParcels(
  ctx: AppContext,
  options: {
    limit?: number;
    onRegistered?: (results: ProviderRegistration[]) => void;
    clientFor?: (provider: TrackingProviderRow) => PollingClient | undefined;
  } = {},
): Promise<number> {
  const now = ctx.now();
  const poller = await pollingProvider(ctx.store.db);
  const rows = await ctx.store.db
    .selectFrom('parcels as p')
    .leftJoin('parcel_tracking as t', 't.parcel_id', 'p.id')
    .select(['p.id', 'p.tracking_number', 'p.carrier'])
    .where('t.parcel_id', 'is', null)
    .where('p.tracking_number', 'is not', null)
    .where('p.status', 'in', ['labelled', 'handed_over', 'tracking_uploaded', 'in_transit'])
    .orderBy('p.id')
    .limit(options.limit ?? 5000)
    .execute();
  if (rows.length === 0) {
    await retryRegistrations(ctx, options);
    return 0;
  }
  const inserted = await ctx.store.db
    .insertInto('parcel_tracking')
    .values(
      rows.map((r) => ({
        ...trackingColumns(EMPTY_TRACKING_STATE),
        parcel_id: r.id,
        tracking_number: r.tracking_number!,
        provider: poller?.name ?? null,
        open_problems: 0,
        registered_at: now,
        next_poll_at: poller ? now : null,
        last_polled_at: null,
        polls: 0,
        updated_at: now,
      })),
    )
    .onConflict((oc) => oc.column('parcel_id').doNothing())
    .returning('parcel_id')
    .execute();
  // Only the rows this call created: another process registering the same parcels meanwhile queues them itself.
  const mine = new Set(inserted.map((r) => r.parcel_id));
  await queueRegistrations(
    ctx,
    rows.filter((r) => mine.has(r.id)).map((r) => ({ number: r.tracking_number!, carrier: r.carrier })),
    options,
  );
  await retryRegistrations(ctx, options);
  return rows.length;
}

type ClientFor = (provider: TrackingProviderRow) => PollingClient | undefined;

/** Each number queued for each provider shipby can call (a row already queued stays as it is). */
async function queueRegistrations(
  ctx: AppContext,
  parcels: Array<{ number: string; carrier: string | null }>,
  options: { clientFor?: ClientFor },
): Promise<void> {
  if (parcels.length === 0) return;
  const now = ctx.now();
  const providers = (await ctx.store.db.selectFrom('tracking_providers').selectAll().orderBy('name').execute()).filter(
    (p) => (options.clientFor ? options.clientFor(p) : clientOfProvider(p, ctx)),
  );
  for (const provider of providers) {
    for (let i = 0; i < parcels.length; i += 1000) {
      await ctx.store.db
        .insertInto('tracking_registrations')
        .values(
          parcels.slice(i, i + 1000).map((p) => ({
            provider: provider.name,
            tracking_number: p.number,
            carrier: p.carrier,
            status: 'pending',
            attempts: 0,
            next_attempt_at: now,
            last_error: null,
            created_at: now,
            updated_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(['provider', 'tracking_number']).doNothing())
        .execute();
    }
  }
}

/**
 * Sends the due registrations (new, or failed before and due again) to their providers, claimed from the leased
 * queue (store/tracking-registrations.ts): taken or refused rows are settled, a failure is retried later with
 * backoff and dead after REGISTRATION_MAX_ATTEMPTS. Reports per provider; never throws for a provider's failure.
 */
export async function retryRegistrations(
  ctx: AppContext,
  options: {
    limit?: number;
    onRegistered?: (results: ProviderRegistration[]) => void;
    clientFor?: ClientFor;
    signal?: AbortSignal;
  } = {},
): Promise<ProviderRegistration[]> {
  const db = ctx.store.db;
  const now = ctx.now();
  const queue = trackingRegistrationQueue;
  const results: ProviderRegistration[] = [];
  for (const provider of await db.selectFrom('tracking_providers').selectAll().orderBy('name').execute()) {
    const client = options.clientFor ? options.clientFor(provider) : clientOfProvider(provider, ctx);
    if (!client) continue;
    const { owner, claimed } = await claimForThisProcess(ctx, queue, {
      now,
      limit: options.limit ?? 2000,
      where: (eb) => eb('q.provider', '=', provider.name),
    });
    if (claimed.length === 0) continue;
    const outcome: ProviderRegistration = { provider: provider.name, registered: 0, refused: [], error: null };
    for (let i = 0; i < claimed.length; i += client.batchSize) {
      const batch = claimed.slice(i, i + client.batchSize);
      try {
        const answer = await client.register(
          batch.map((r) => ({ number: r.tracking_number, carrier: r.carrier })),
          options.signal,
        );
        outcome.registered += answer.registered.length;
        outcome.refused.push(...answer.refused);
        const refused = new Map(answer.refused.map((r) => [r.number, r.reason]));
        await queue.settle(
          db,
          owner,
          now,
          batch.map((r) =>
            refused.has(r.tracking_number)
              ? {
                  id: r.id,
                  status: REGISTRATION_REFUSED,
                  set: { last_error: refused.get(r.tracking_number), next_attempt_at: null },
                }
              : { id: r.id, status: queue.spec.statuses.done, set: { last_error: null, next_attempt_at: null } },
          ),
        );
      } catch (error) {
        outcome.error = (error as Error).message;
        // Asked again later, each row after its own number of attempts; dead once they are spent — and then the
        // seller is told, per order, in the same transaction (registration-dead.ts).
        const failure = outcome.error;
        const dead = await inRetriedTransaction(db, async (trx) => {
          const settled = await queue.retry(
            trx,
            owner,
            now,
            batch.map((r) => ({ id: r.id, attempts: r.attempts, error: failure })),
          );
          const numbers = batch.filter((r) => settled.dead.has(r.id)).map((r) => r.tracking_number);
          await reportDeadRegistrations(trx, provider.name, numbers, now, REGISTRATION_ACTOR);
          return settled.dead;
        });
        if (dead.size) outcome.dead = (outcome.dead ?? 0) + dead.size;
      }
    }
    results.push(outcome);
  }
  if (results.length) options.onRegistered?.(results);
  return results;
}
