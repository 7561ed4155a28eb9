/**
 * A marketplace outage, recorded once and alerted once (its start and its end) however many workers see it, and
 * shown on the dashboard while it lasts (`marketplaceNotices`). The outbox worker keeps an `OutageTracker` and
 * feeds it each recorded batch's signals (core/marketplace-outage.ts holds the rules and the messages). When the
 * outage ends, every waiting upload is made due at once, so they go out most urgent first.
 */
import {
  countOutageFailures,
  marketplaceMachine,
  outageEndedNotice,
  outageNotice,
  outageTransition,
  type AvailabilitySignal,
  type MarketplaceState,
} from '../core/marketplace-outage';
import { decide } from '../core/state-machine';
import type { Localized } from '../core/i18n';
import * as outages from '../store/marketplace-outages';
import * as outbox from '../store/outbox';
import type { Executor } from '../store/orders';
import type { AppContext } from './context';
import { queueAlert } from './deadlines';

/** What one worker believes about a platform; `unknown` at start (another process may have opened an outage). */
export interface OutageTracker {
  platform: string;
  state: MarketplaceState | 'unknown';
  consecutiveFailures: number;
  /** When the current run of consecutive failures began (the clock of the batch that started it). */
  failingSince: number | null;
  lastError: string | null;
}

export function newOutageTracker(platform = 'aliexpress'): OutageTracker {
  return { platform, state: 'unknown', consecutiveFailures: 0, failingSince: null, lastError: null };
}

export interface OutageChange {
  change: 'began' | 'ended';
  /** Whether this call recorded it (and queued its alert); another worker may have done so first. */
  recorded: boolean;
  released?: number;
}

/**
 * Feeds a recorded batch's signals to the tracker; records the start or end of an outage when they call for one
 * (one small transaction, only then), and counts the failures into an open outage.
 */
export async function noteMarketplaceSignals(
  ctx: AppContext,
  tracker: OutageTracker,
  signals: ReadonlyArray<{ signal: AvailabilitySignal; error?: string }>,
): Promise<OutageChange | undefined> {
  if (signals.length === 0) return undefined;
  const answered = signals.some((s) => s.signal === 'answered');
  const failures = signals.filter((s) => s.signal === 'outage');
  const now = ctx.now();
  tracker.consecutiveFailures = countOutageFailures(
    tracker.consecutiveFailures,
    signals.map((s) => s.signal),
  );
  if (tracker.consecutiveFailures === 0) tracker.failingSince = null;
  else tracker.failingSince ??= now;
  if (failures.length) tracker.lastError = failures[failures.length - 1]!.error ?? tracker.lastError;
  const failingFor = tracker.failingSince === null ? 0 : now - tracker.failingSince;
  // `unknown` acts as either state: an answer may end an outage another process opened; failures may open one.
  const action =
    tracker.state === 'unknown'
      ? answered && tracker.consecutiveFailures === 0
        ? 'outage_ended'
        : outageTransition('up', tracker.consecutiveFailures, false, failingFor)
      : outageTransition(
          tracker.state,
          tracker.consecutiveFailures,
          answered && tracker.consecutiveFailures === 0,
          failingFor,
        );
  if (action) {
    if (tracker.state !== 'unknown') {
      const decision = decide(marketplaceMachine, tracker.state, action, {});
      if (!decision.ok) return undefined;
    }
    if (action === 'outage_began') {
      tracker.state = 'down';
      const opened = await ctx.store.db.transaction().execute(async (trx) => {
        const row = await outages.openOutage(
          trx,
          tracker.platform,
          now,
          tracker.consecutiveFailures,
          tracker.lastError,
        );
        if (row)
          await alertConnectedShops(
            trx,
            tracker.platform,
            `marketplace_outage:${tracker.platform}:${row.id}`,
            {
              kind: 'marketplace_outage',
              platform: tracker.platform,
              outage_id: row.id,
              started_at: new Date(row.started_at).toISOString(),
              last_error: row.last_error,
              message: outageNotice(tracker.platform, new Date(row.started_at).toISOString(), row.last_error),
            },
            now,
          );
        return row;
      });
      return { change: 'began', recorded: opened !== undefined };
    }
    tracker.state = 'up';
    const ended = await ctx.store.db.transaction().execute(async (trx) => {
      const row = await outages.endOutage(trx, tracker.platform, now);
      if (!row) return undefined;
      const released = await outbox.releaseWaitingUploads(trx, now);
      const since = new Date(row.started_at).toISOString();
      const until = new Date(now).toISOString();
      await alertConnectedShops(
        trx,
        tracker.platform,
        `marketplace_outage_ended:${tracker.platform}:${row.id}`,
        {
          kind: 'marketplace_outage_ended',
          platform: tracker.platform,
          outage_id: row.id,
          started_at: since,
          ended_at: until,
          failures: row.failures,
          uploads_released: released,
          message: outageEndedNotice(tracker.platform, since, until),
        },
        now,
      );
      return { released };
    });
    return ended ? { change: 'ended', recorded: true, released: ended.released } : undefined;
  }
  if (tracker.state === 'down' && failures.length)
    await outages.addOutageFailures(ctx.store.db, tracker.platform, now, failures.length, tracker.lastError);
  return undefined;
}

/** To the alert webhooks of every shop connected to the platform (and the all-shops hooks), each once. */
async function alertConnectedShops(
  trx: Executor,
  platform: string,
  dedupeKey: string,
  payload: { kind: string } & Record<string, unknown>,
  now: number,
): Promise<void> {
  const shops = await trx
    .selectFrom('marketplace_connections')
    .select('shop_id')
    .where('platform', '=', platform)
    .execute();
  for (const shopId of shops.length ? shops.map((s) => s.shop_id) : [''])
    await queueAlert(trx, shopId, dedupeKey, payload, now);
}

export interface MarketplaceNotice {
  kind: 'marketplace_outage';
  level: 'warning';
  platform: string;
  since: number;
  failures: number;
  message: Localized;
}

/** The dashboard's notices: each open marketplace outage, with what to do. */
export async function marketplaceNotices(ctx: AppContext): Promise<MarketplaceNotice[]> {
  const open = await outages.openOutages(ctx.store.db);
  return open.map((o) => ({
    kind: 'marketplace_outage',
    level: 'warning',
    platform: o.platform,
    since: o.started_at,
    failures: o.failures,
    message: outageNotice(o.platform, new Date(o.started_at).toISOString(), o.last_error),
  }));
}
