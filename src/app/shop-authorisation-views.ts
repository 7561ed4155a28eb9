/**
 * What the dashboard shows about shops' authorisations: the notices (a paused shop, one whose authorisation ends
 * soon, with what to do) and each shop's state, never a secret. Re-exported by shop-authorisation.ts.
 */
import type { Localized } from '../core/i18n';
import { platformName } from '../core/marketplace-outage';
import {
  authorisationEnding,
  DEFAULT_ENDING_WARN_MS,
  endingNotice,
  pausedNotice,
  type AuthorisationState,
} from '../core/shop-authorisation';
import * as marketplace from '../store/marketplace';
import * as store from '../store/shop-authorisation';
import type { AppContext } from './context';

/** A stored time (PostgreSQL's bigint comes back as text) as a number, or null. */
export const num = (value: number | string | null | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);

export interface AuthorisationNotice {
  /** `paused`: the platform refused to renew it; `ending`: its refresh token ends within the warning window. */
  kind: 'shop_authorisation_paused' | 'shop_authorisation_ending';
  level: 'error' | 'warn';
  shopId: string;
  platform: string;
  since: number;
  message: Localized;
}

/**
 * The dashboard's notices about the shops given: each paused shop, and each shop whose authorisation ends within
 * `warnMs` (the owner must click Connect again before then), with what to do.
 */
export async function authorisationNotices(
  ctx: AppContext,
  shopIds?: readonly string[],
  warnMs = DEFAULT_ENDING_WARN_MS,
): Promise<AuthorisationNotice[]> {
  const rows = await store.pausedConnections(ctx.store.db, shopIds);
  const paused: AuthorisationNotice[] = rows.map((row) => ({
    kind: 'shop_authorisation_paused',
    level: 'error',
    shopId: row.shop_id,
    platform: row.platform,
    since: Number(row.auth_paused_at ?? row.updated_at),
    message: row.auth_paused_reason
      ? (JSON.parse(row.auth_paused_reason) as Localized)
      : pausedNotice(row.shop_id, platformName(row.platform), null, null),
  }));
  const now = ctx.now();
  const ending = await store.connectionsEndingBefore(ctx.store.db, now + warnMs + 1, shopIds);
  return [
    ...paused,
    ...ending
      .filter((row) => authorisationEnding({ refreshExpiresAt: num(row.refresh_expires_at) }, now, warnMs))
      .map((row): AuthorisationNotice => {
        const endsAt = Number(row.refresh_expires_at);
        return {
          kind: 'shop_authorisation_ending',
          level: 'warn',
          shopId: row.shop_id,
          platform: row.platform,
          since: endsAt - warnMs,
          message: endingNotice(row.shop_id, platformName(row.platform), new Date(endsAt).toISOString()),
        };
      }),
  ];
}

/** What the dashboard shows about a shop's authorisation (never a secret). */
export interface AuthorisationView {
  shopId: string;
  connected: boolean;
  state: AuthorisationState | null;
  /** `platform` when authorised through the consent page (refreshable), `pasted` for a pasted access token. */
  source: 'platform' | 'pasted' | null;
  account: string | null;
  accessExpiresAt: number | null;
  refreshExpiresAt: number | null;
  pausedReason: Localized | null;
  lastSyncAt: number | null;
}

export async function authorisationViews(ctx: AppContext, shopIds: readonly string[]): Promise<AuthorisationView[]> {
  const rows = new Map((await marketplace.getConnections(ctx.store.db, [...shopIds])).map((r) => [r.shop_id, r]));
  return shopIds.map((shopId) => {
    const row = rows.get(shopId);
    if (!row)
      return {
        shopId,
        connected: false,
        state: null,
        source: null,
        account: null,
        accessExpiresAt: null,
        refreshExpiresAt: null,
        pausedReason: null,
        lastSyncAt: null,
      };
    return {
      shopId,
      connected: true,
      state: row.auth_state === 'paused' ? 'paused' : 'authorised',
      source: row.refresh_token_enc ? 'platform' : 'pasted',
      account: row.seller_account,
      accessExpiresAt: num(row.access_expires_at),
      refreshExpiresAt: num(row.refresh_expires_at),
      pausedReason: row.auth_paused_reason ? (JSON.parse(row.auth_paused_reason) as Localized) : null,
      lastSyncAt: num(row.last_sync_at),
    };
  });
}
