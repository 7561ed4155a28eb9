/**
 * Registration: a parcel whose label is bought (it has a tracking number) gets its tracking row (polled through the
 * polling provider, if any), and its number is registered with every provider shipby can call — with the provider's
 * own carrier code (core/data/tracking-carriers.ts) — so that the provider tracks it and pushes its webhooks. Runs in
 * the tracking job right after labels are bought; a provider that fails is told again on the polling provider's
 * first poll (a number it does not know is registered then).
 */
import { EMPTY_TRACKING_STATE } from '../../core/tracking-status';
import type { AppContext } from '../context';
import { trackingColumns } from '../../core/tracking/plan';
import { clientOfProvider, pollingProvider } from './providers';
import type { PollingClient } from '../../integrations/tracking/provider';
import type { TrackingProviderRow } from '../../store/schema-tracking';

export interface ProviderRegistration {
  provider: string;
  registered: number;
  refused: Array<{ number: string; reason: string }>;
  /** The provider could not be reached or answered an error (its own words). */
  error: string | null;
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
    const client = options.clientFor ? options.clientFor(provider) : clientOfProvider(provider);
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
  options: { limit?: number; onRegistered?: (results: ProviderRegistration[]) => void; clientFor?: (provider: TrackingProviderRow) => PollingClient | undefined } = {},
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
  if (rows.length === 0) return 0;
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
  // Only the rows this call created: another process registering the same parcels meanwhile tells the providers itself.
  const mine = new Set(inserted.map((r) => r.parcel_id));
  const results = await registerWithProviders(ctx, rows.filter((r) => mine.has(r.id)).map((r) => ({ number: r.tracking_number!, carrier: r.carrier })), options);
  options.onRegistered?.(results);
  return rows.length;
}
