/**
 * Keeping shops authorised (step 3 of shop-authorisation.ts): one worker at a time refreshes the tokens that end
 * within the window, each replacing exactly the tokens it came from; a refused refresh pauses the shop (once) with
 * the dashboard's notice and one alert. Re-exported by shop-authorisation.ts.
 */
import { platformName } from '../core/marketplace-outage';
import {
  authorisationMachine,
  DEFAULT_REFRESH_AHEAD_MS,
  pausedNotice,
  refreshDue,
  type AuthorisationState,
} from '../core/shop-authorisation';
import { decide } from '../core/state-machine';
import { TOKEN_REFRESH, type PlatformTokens, type TokenAnswer } from '../integrations/aliexpress/authorisation';
import { DEFAULT_IOP_BASE_URL } from '../integrations/aliexpress/protocol';
import { callTokenApi } from '../integrations/aliexpress/token-client';
import { releaseLease, takeLease, newLeaseOwner } from '../store/leases';
import type { MarketplaceConnectionRow } from '../store/schema';
import * as store from '../store/shop-authorisation';
import { queueAlert } from './alert-queue';
import type { AppContext } from './context';
import { decryptSecret, encryptSecret, SECRET_CONTEXTS } from './secrets';
import type { AuthorisationDeps } from './shop-authorisation';
import { num } from './shop-authorisation-views';

const TOKEN_REFRESH_LEASE = 'token-refresh';

export interface RefreshReport {
  /** False when another worker holds the refresh lease (this tick did nothing). */
  ran: boolean;
  refreshed: string[];
  paused: string[];
  /** Left for the next tick: the platform did not answer readably. */
  failed: Array<{ shopId: string; detail: string }>;
}

/**
 * Step 3: refreshes the tokens that end within the window, one worker at a time. `aheadMs` is how long before the
 * access token's end a refresh happens (never more than half its life; core/shop-authorisation.ts).
 */
export async function refreshExpiringTokens(
  ctx: AppContext,
  deps: Omit<AuthorisationDeps, 'app'>,
  options: { aheadMs?: number; leaseMs?: number } = {},
): Promise<RefreshReport> {
  const report: RefreshReport = { ran: false, refreshed: [], paused: [], failed: [] };
  const owner = newLeaseOwner();
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  // Leases are about processes: wall-clock time, not the (possibly simulated) business clock.
  if (!(await takeLease(ctx.store.db, TOKEN_REFRESH_LEASE, owner, Date.now(), leaseMs))) return report;
  report.ran = true;
  try {
    const aheadMs = options.aheadMs ?? DEFAULT_REFRESH_AHEAD_MS;
    const now = ctx.now();
    const candidates = await store.connectionsExpiringBefore(ctx.store.db, now + aheadMs);
    for (const row of candidates) {
      const times = {
        accessExpiresAt: num(row.access_expires_at),
        issuedAt: num(row.token_issued_at),
        refreshExpiresAt: num(row.refresh_expires_at),
      };
      if (!refreshDue(times, now, aheadMs)) continue;
      await refreshOne(ctx, deps, row, report);
    }
  } finally {
    await releaseLease(ctx.store.db, TOKEN_REFRESH_LEASE, owner).catch(() => undefined);
  }
  return report;
}

/** What one refresh did: renewed, paused (the platform refused it), failed (no readable answer), or nothing (changed meanwhile). */
export type RefreshOutcome =
  | { type: 'refreshed' }
  | { type: 'paused' }
  | { type: 'failed'; detail: string }
  | { type: 'unchanged' };

async function refreshOne(
  ctx: AppContext,
  deps: Omit<AuthorisationDeps, 'app'>,
  row: MarketplaceConnectionRow,
  report: RefreshReport,
): Promise<void> {
  const outcome = await refreshConnection(ctx, deps, row);
  if (outcome.type === 'refreshed') report.refreshed.push(row.shop_id);
  else if (outcome.type === 'paused') report.paused.push(row.shop_id);
  else if (outcome.type === 'failed') report.failed.push({ shopId: row.shop_id, detail: outcome.detail });
}

/**
 * Refreshes one shop's tokens from the row as read: the new tokens replace exactly the ones in `row`; a refusal
 * pauses the shop (once) with a notice and one alert, `refusal` naming what was refused before that if anything
 * (a token refused in use). Also used after the platform refused a token in use (shop-authorisation-upkeep.ts).
 */
export async function refreshConnection(
  ctx: AppContext,
  deps: Omit<AuthorisationDeps, 'app'>,
  row: MarketplaceConnectionRow,
  options: { refusedFirst?: string; skipRefresh?: boolean } = {},
): Promise<RefreshOutcome> {
  const now = ctx.now();
  const answer = await refreshAnswer(ctx, deps, row, now, options);
  const state: AuthorisationState = row.auth_state === 'paused' ? 'paused' : 'authorised';
  if (answer.type === 'tokens') {
    if (!decide(authorisationMachine, state, 'refreshed', {}).ok) return { type: 'unchanged' };
    return (await storeRefreshedTokens(ctx, deps, row, answer.tokens, now))
      ? { type: 'refreshed' }
      : { type: 'unchanged' };
  }
  if (answer.type !== 'refused') return { type: 'failed', detail: answer.detail };
  if (!decide(authorisationMachine, state, 'refresh_refused', {}).ok) return { type: 'unchanged' };
  return (await pauseShop(ctx, row, answer, now, options.refusedFirst)) ? { type: 'paused' } : { type: 'unchanged' };
}

/**
 * The platform's answer to refreshing `row`'s tokens, through the shop's own app and gateway; refused without a call
 * when there is nothing to refresh with, or when the refresh token has expired.
 */
async function refreshAnswer(
  ctx: AppContext,
  deps: Omit<AuthorisationDeps, 'app'>,
  row: MarketplaceConnectionRow,
  now: number,
  options: { refusedFirst?: string; skipRefresh?: boolean },
): Promise<TokenAnswer> {
  const shopId = row.shop_id;
  const refreshEnd = num(row.refresh_expires_at);
  if (options.skipRefresh || !row.refresh_token_enc)
    return { type: 'refused', code: options.refusedFirst ?? 'NoRefreshToken', message: '', requestId: null };
  if (refreshEnd !== null && refreshEnd <= now)
    return { type: 'refused', code: 'RefreshTokenExpired', message: 'the refresh token has expired', requestId: null };
  return callTokenApi(
    {
      // The shop's own app and gateway, as it was authorised with.
      baseUrl: row.gateway_url ?? DEFAULT_IOP_BASE_URL,
      appKey: row.app_key,
      appSecret: decryptSecret(deps.masterKey, row.app_secret_enc, SECRET_CONTEXTS.marketplace(shopId, 'app_secret')),
      now: ctx.now,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    },
    {
      api: TOKEN_REFRESH,
      refreshToken: decryptSecret(
        deps.masterKey,
        row.refresh_token_enc,
        SECRET_CONTEXTS.marketplace(shopId, 'refresh_token'),
      ),
    },
  );
}

/** The new tokens, encrypted, in place of exactly the ones in `row`; false when they were replaced meanwhile. */
async function storeRefreshedTokens(
  ctx: AppContext,
  deps: Omit<AuthorisationDeps, 'app'>,
  row: MarketplaceConnectionRow,
  tokens: PlatformTokens,
  now: number,
): Promise<boolean> {
  return ctx.store.db
    .transaction()
    .execute((trx) =>
      store.replaceTokens(
        trx,
        row.shop_id,
        row.access_token_enc,
        sealedTokens(deps.masterKey, row.shop_id, tokens, now),
        now,
      ),
    );
}

/** A shop's tokens as stored: each encrypted (bound to the shop and the field), with their ends and when issued. */
export function sealedTokens(masterKey: Buffer, shopId: string, tokens: PlatformTokens, issuedAt: number) {
  return {
    access_token_enc: encryptSecret(masterKey, tokens.accessToken, SECRET_CONTEXTS.marketplace(shopId, 'access_token')),
    refresh_token_enc: encryptSecret(
      masterKey,
      tokens.refreshToken,
      SECRET_CONTEXTS.marketplace(shopId, 'refresh_token'),
    ),
    access_expires_at: tokens.accessExpiresAt,
    refresh_expires_at: tokens.refreshExpiresAt,
    token_issued_at: issuedAt,
  };
}

/**
 * Pauses the shop after a refused refresh (once: only if its tokens are still the ones in `row`), with the notice and
 * one alert; `refusedFirst` names what was refused before it, if anything. False when it changed meanwhile.
 */
async function pauseShop(
  ctx: AppContext,
  row: MarketplaceConnectionRow,
  answer: Extract<TokenAnswer, { type: 'refused' }>,
  now: number,
  refusedFirst: string | undefined,
): Promise<boolean> {
  const shopId = row.shop_id;
  const refused = `${answer.code}${answer.message ? `: ${answer.message}` : ''}`;
  const detail = refusedFirst && refusedFirst !== answer.code ? `${refusedFirst}, then ${refused}` : refused;
  const expiresAt = num(row.access_expires_at);
  const message = pausedNotice(
    shopId,
    platformName(row.platform),
    expiresAt === null ? null : new Date(expiresAt).toISOString(),
    detail,
  );
  return ctx.store.db.transaction().execute(async (trx) => {
    if (!(await store.pauseConnection(trx, shopId, row.access_token_enc, JSON.stringify(message), now))) return false;
    await queueAlert(
      trx,
      shopId,
      `shop_authorisation_paused:${shopId}:${row.token_issued_at ?? 0}`,
      {
        kind: 'shop_authorisation_paused',
        shop_id: shopId,
        platform: row.platform,
        access_expires_at: expiresAt === null ? null : new Date(expiresAt).toISOString(),
        platform_code: answer.code,
        message,
      },
      now,
    );
    return true;
  });
}
