/**
 * Keeping a shop's authorisation alive between the seller's consents (issue 15), beside the scheduled refresh in
 * shop-authorisation.ts:
 *
 * 1. `warnEndingAuthorisations` (a job): a refresh does not extend the refresh token (at most 60 days from the
 *    seller's consent), so days before it ends (DEFAULT_ENDING_WARN_MS, 7 days) the owner is told to click Connect
 *    again: one alert through the alert webhooks per authorisation (keyed on the refresh token's end, so not one per
 *    tick), beside the dashboard's notice (`authorisationNotices`), which is read from the same rows.
 * 2. `renewAfterTokenRefusal`: the platform refused the access token in use (IllegalAccessToken and its class, a
 *    ReauthorisationRequiredError) during the sync or an upload. The token is refreshed once; if the platform
 *    refuses that (or there is no refresh token, or the refused token was itself issued minutes ago), the shop is
 *    paused exactly like a refused scheduled refresh: one notice, one alert, the sync and uploads waiting, not a
 *    failure per order. Every write is conditional on the token that was refused, so several workers meeting the
 *    same refusal renew or pause it once (the platform's refresh token is single use: a second refresh is refused
 *    and its pause finds the token already replaced).
 */
import { platformName } from '../core/marketplace-outage';
import {
  authorisationEnding,
  DEFAULT_ENDING_WARN_MS,
  endingAlertKey,
  endingNotice,
  renewalAfterRefusal,
} from '../core/shop-authorisation';
import * as marketplace from '../store/marketplace';
import * as store from '../store/shop-authorisation';
import type { AppContext } from './context';
import { queueAlert } from './deadlines';
import { refreshConnection, type AuthorisationDeps } from './shop-authorisation';

/** Queues the "authorisation ends soon" alert for each shop whose refresh token ends within `warnMs`; the shops alerted now. */
export async function warnEndingAuthorisations(ctx: AppContext, options: { warnMs?: number } = {}): Promise<string[]> {
  const warnMs = options.warnMs ?? DEFAULT_ENDING_WARN_MS;
  const now = ctx.now();
  const rows = await store.connectionsEndingBefore(ctx.store.db, now + warnMs + 1);
  const alerted: string[] = [];
  for (const row of rows) {
    const endsAt = Number(row.refresh_expires_at);
    if (!authorisationEnding({ refreshExpiresAt: endsAt }, now, warnMs) || endsAt <= now) continue;
    const endsIso = new Date(endsAt).toISOString();
    const message = endingNotice(row.shop_id, platformName(row.platform), endsIso);
    const queued = await queueAlert(
      ctx.store.db,
      row.shop_id,
      endingAlertKey(row.shop_id, endsAt),
      {
        kind: 'shop_authorisation_ending',
        shop_id: row.shop_id,
        platform: row.platform,
        refresh_expires_at: endsIso,
        message,
      },
      now,
    );
    if (queued > 0) alerted.push(row.shop_id);
  }
  return alerted;
}

/** What a token refusal led to: renewed (by us or another worker: use the shop's new token), paused, or undecided (no readable answer; tried at the next refusal or tick). */
export type RenewalOutcome = 'renewed' | 'paused' | 'undecided';

/**
 * The platform refused `refusedToken` (the encrypted access token the call was made with, as stored) with `code`.
 * Refreshes it once or pauses the shop; never throws for the platform's answer.
 */
export async function renewAfterTokenRefusal(
  ctx: AppContext,
  deps: Omit<AuthorisationDeps, 'app'>,
  shopId: string,
  refusedToken: string,
  code: string,
): Promise<RenewalOutcome> {
  const row = await marketplace.getConnection(ctx.store.db, shopId);
  if (!row) return 'undecided';
  if (row.auth_state === 'paused') return 'paused';
  if (row.access_token_enc !== refusedToken) return 'renewed'; // already replaced since the call was made
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  const plan = renewalAfterRefusal(
    {
      hasRefreshToken: row.refresh_token_enc !== null,
      issuedAt: num(row.token_issued_at),
      refreshExpiresAt: num(row.refresh_expires_at),
    },
    ctx.now(),
  );
  const outcome = await refreshConnection(ctx, deps, row, { refusedFirst: code, skipRefresh: plan === 'pause' });
  switch (outcome.type) {
    case 'refreshed':
      return 'renewed';
    case 'paused':
      return 'paused';
    case 'failed':
      return 'undecided';
    case 'unchanged': {
      // Another worker got there first: whatever it did is the shop's state now.
      const now = await marketplace.getConnection(ctx.store.db, shopId);
      return now?.auth_state === 'paused'
        ? 'paused'
        : now && now.access_token_enc !== refusedToken
          ? 'renewed'
          : 'undecided';
    }
  }
}
