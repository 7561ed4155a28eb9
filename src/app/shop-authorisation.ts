/**
 * Authorising a shop at AliExpress and keeping it authorised (issue 15), as named steps:
 *
 * 1. `beginAuthorisation`: a random `state` (only its hash is stored), single use, good for STATE_TTL_MS, bound to
 *    the browser that started it (a nonce the route sets as a cookie; only its hash is stored) or, for a URL printed
 *    at a terminal, to none; answers the consent page's URL.
 * 2. `completeAuthorisation` (the callback): the state checked and used (one conditional update, so a replayed
 *    callback finds it used), the code exchanged at `/auth/token/create`, the tokens stored encrypted with their
 *    expiry in one transaction (undo: nothing was written before it; a refused or unreadable answer writes nothing).
 * 3. `refreshExpiringTokens` (a job): one worker at a time (the `token-refresh` store lease); each shop whose access
 *    token ends within the refresh window is refreshed at `/auth/token/refresh`, and the new tokens replace exactly
 *    the ones they came from (a conditional update). A refused refresh pauses the shop (once), which raises the
 *    dashboard's notice and one alert through the alert webhooks; the sync and the outbox wait while it is paused.
 *    An unreadable or missing answer changes nothing: the next tick tries again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { localized, type Localized } from '../core/i18n';
import { platformName } from '../core/marketplace-outage';
import {
  authorisationEnding,
  authorisationMachine,
  codeRefusedMessage,
  DEFAULT_ENDING_WARN_MS,
  DEFAULT_REFRESH_AHEAD_MS,
  endingNotice,
  pausedNotice,
  refreshDue,
  STATE_TTL_MS,
  stateProblem,
  stateProblemMessage,
  unreadableAnswerMessage,
  type AuthorisationState,
} from '../core/shop-authorisation';
import { decide } from '../core/state-machine';
import {
  authorizeUrl,
  TOKEN_CREATE,
  TOKEN_REFRESH,
  type PlatformTokens,
  type TokenAnswer,
} from '../integrations/aliexpress/authorisation';
import { DEFAULT_IOP_BASE_URL } from '../integrations/aliexpress/protocol';
import { callTokenApi } from '../integrations/aliexpress/token-client';
import { releaseLease, takeLease, newLeaseOwner } from '../store/leases';
import * as marketplace from '../store/marketplace';
import * as orderStore from '../store/orders';
import * as outbox from '../store/outbox';
import type { MarketplaceConnectionRow } from '../store/schema';
import * as store from '../store/shop-authorisation';
import type { AliExpressApp } from './aliexpress-app';
import type { AppContext } from './context';
import { queueAlert } from './deadlines';
import { LocalizedError } from './errors';
import { decryptSecret, encryptSecret, SECRET_CONTEXTS } from './secrets';

const PLATFORM = 'aliexpress';
const TOKEN_REFRESH_LEASE = 'token-refresh';

/** An authorisation that did not complete: the HTTP status to answer and a reason code, in both languages. */
export class AuthorisationError extends LocalizedError {
  constructor(
    readonly status: 400 | 409 | 422 | 502,
    readonly reason: string,
    message: Localized,
  ) {
    super(message);
  }
}

export interface AuthorisationDeps {
  app: AliExpressApp;
  masterKey: Buffer;
  /** The token calls' fetch (tests, the demo); default the outgoing-request guard's. */
  fetch?: typeof fetch;
}

const hash = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');

export interface StartedAuthorisation {
  url: string;
  /** For the browser that started it (a cookie), absent for a terminal's URL. */
  binding?: string;
  expiresAt: number;
}

/** Step 1: a fresh, single-use `state` for the shop and the consent page's URL. */
export async function beginAuthorisation(
  ctx: AppContext,
  app: AliExpressApp,
  input: { shopId: string; redirectUri: string; actor: string; bindToBrowser: boolean },
): Promise<StartedAuthorisation> {
  const shopId = input.shopId.trim();
  if (!shopId) throw new AuthorisationError(400, 'shop_required', localized('shop is required.', '必须指定店铺。'));
  const now = ctx.now();
  const state = randomBytes(24).toString('base64url');
  const binding = input.bindToBrowser ? randomBytes(24).toString('base64url') : undefined;
  const expiresAt = now + STATE_TTL_MS;
  await ctx.store.db.transaction().execute(async (trx) => {
    await store.pruneAuthorisationRequests(trx, now - STATE_TTL_MS);
    await store.insertAuthorisationRequest(trx, {
      state_hash: hash(state),
      shop_id: shopId,
      platform: PLATFORM,
      binding_hash: binding ? hash(binding) : null,
      redirect_uri: input.redirectUri,
      actor: input.actor,
      created_at: now,
      expires_at: expiresAt,
      used_at: null,
    });
  });
  return {
    url: authorizeUrl(app.authUrl, { appKey: app.appKey, redirectUri: input.redirectUri, state }),
    ...(binding ? { binding } : {}),
    expiresAt,
  };
}

export interface CallbackInput {
  state: string | undefined;
  code: string | undefined;
  /** The platform's `error` (e.g. `access_denied` when the seller said no). */
  error?: string | undefined;
  /** The starting browser's nonce (its cookie), if it sent one. */
  binding: string | undefined;
}

/** Step 2: the callback. Answers the shop now authorised; throws AuthorisationError with nothing stored otherwise. */
export async function completeAuthorisation(
  ctx: AppContext,
  deps: AuthorisationDeps,
  input: CallbackInput,
): Promise<{ shopId: string; account: string | null; accessExpiresAt: number }> {
  const name = platformName(PLATFORM);
  const stateHash = input.state ? hash(input.state) : '';
  const request = input.state ? await store.getAuthorisationRequest(ctx.store.db, stateHash) : undefined;
  const now = ctx.now();
  const problem = stateProblem(
    request && {
      expiresAt: Number(request.expires_at),
      usedAt: request.used_at === null ? null : Number(request.used_at),
      bindingHash: request.binding_hash,
    },
    now,
    input.binding ? hash(input.binding) : null,
  );
  if (problem)
    throw new AuthorisationError(problem === 'used' ? 409 : 400, `state_${problem}`, stateProblemMessage(problem));
  // Used now, whatever follows: a code or a state is good once.
  if (!(await store.useAuthorisationRequest(ctx.store.db, stateHash, now)))
    throw new AuthorisationError(409, 'state_used', stateProblemMessage('used'));
  const shopId = request!.shop_id;
  if (input.error || !input.code) {
    const detail =
      input.error === 'access_denied'
        ? 'the seller did not authorise the app'
        : input.error
          ? `error ${input.error}`
          : 'no code in the answer';
    throw new AuthorisationError(400, 'code_missing', codeRefusedMessage(name, detail));
  }
  const answer = await callTokenApi(tokenConfig(ctx, deps), { api: TOKEN_CREATE, code: input.code });
  const tokens = tokensOrThrow(answer, name);
  await ctx.store.db.transaction().execute(async (trx) => {
    await orderStore.ensureShop(trx, { id: shopId, platform: PLATFORM }, now);
    const existing = await marketplace.getConnection(trx, shopId);
    await marketplace.upsertConnection(trx, {
      shop_id: shopId,
      platform: PLATFORM,
      app_key: deps.app.appKey,
      app_secret_enc: encryptSecret(
        deps.masterKey,
        deps.app.appSecret,
        SECRET_CONTEXTS.marketplace(shopId, 'app_secret'),
      ),
      access_token_enc: encryptSecret(
        deps.masterKey,
        tokens.accessToken,
        SECRET_CONTEXTS.marketplace(shopId, 'access_token'),
      ),
      refresh_token_enc: encryptSecret(
        deps.masterKey,
        tokens.refreshToken,
        SECRET_CONTEXTS.marketplace(shopId, 'refresh_token'),
      ),
      access_expires_at: tokens.accessExpiresAt,
      refresh_expires_at: tokens.refreshExpiresAt,
      token_issued_at: now,
      seller_account: tokens.account,
      auth_state: 'authorised',
      gateway_protocol: 'iop',
      gateway_url: deps.app.gatewayUrl === DEFAULT_IOP_BASE_URL ? null : deps.app.gatewayUrl,
      upload_timing: existing?.upload_timing ?? 'label',
      sync_cursor_at: existing?.sync_cursor_at ?? null,
      sync_lease_until: existing?.sync_lease_until ?? null,
      last_sync_at: existing?.last_sync_at ?? null,
      last_sync_report: existing?.last_sync_report ?? null,
      created_at: now,
      updated_at: now,
    });
    // Uploads that waited for a new authorisation go out now rather than at their next look.
    await outbox.releaseWaitingUploads(trx, now, shopId);
  });
  return { shopId, account: tokens.account, accessExpiresAt: tokens.accessExpiresAt };
}

function tokenConfig(ctx: AppContext, deps: AuthorisationDeps) {
  return {
    baseUrl: deps.app.gatewayUrl,
    appKey: deps.app.appKey,
    appSecret: deps.app.appSecret,
    now: ctx.now,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  };
}

function tokensOrThrow(answer: TokenAnswer, name: Localized): PlatformTokens {
  switch (answer.type) {
    case 'tokens':
      return answer.tokens;
    case 'refused':
      throw new AuthorisationError(
        422,
        'code_refused',
        codeRefusedMessage(name, `${answer.code}${answer.message ? `: ${answer.message}` : ''}`),
      );
    case 'unreadable':
    case 'unavailable':
      throw new AuthorisationError(502, 'answer_unreadable', unreadableAnswerMessage(name, answer.detail));
  }
}

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
  const shopId = row.shop_id;
  const refreshEnd = num(row.refresh_expires_at);
  const now = ctx.now();
  const answer: TokenAnswer =
    options.skipRefresh || !row.refresh_token_enc
      ? { type: 'refused', code: options.refusedFirst ?? 'NoRefreshToken', message: '', requestId: null }
      : refreshEnd !== null && refreshEnd <= now
        ? { type: 'refused', code: 'RefreshTokenExpired', message: 'the refresh token has expired', requestId: null }
        : await callTokenApi(
            {
              // The shop's own app and gateway, as it was authorised with.
              baseUrl: row.gateway_url ?? DEFAULT_IOP_BASE_URL,
              appKey: row.app_key,
              appSecret: decryptSecret(
                deps.masterKey,
                row.app_secret_enc,
                SECRET_CONTEXTS.marketplace(shopId, 'app_secret'),
              ),
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
  const state: AuthorisationState = row.auth_state === 'paused' ? 'paused' : 'authorised';
  if (answer.type === 'tokens') {
    if (!decide(authorisationMachine, state, 'refreshed', {}).ok) return { type: 'unchanged' };
    const t = answer.tokens;
    const stored = await ctx.store.db.transaction().execute((trx) =>
      store.replaceTokens(
        trx,
        shopId,
        row.access_token_enc,
        {
          access_token_enc: encryptSecret(
            deps.masterKey,
            t.accessToken,
            SECRET_CONTEXTS.marketplace(shopId, 'access_token'),
          ),
          refresh_token_enc: encryptSecret(
            deps.masterKey,
            t.refreshToken,
            SECRET_CONTEXTS.marketplace(shopId, 'refresh_token'),
          ),
          access_expires_at: t.accessExpiresAt,
          refresh_expires_at: t.refreshExpiresAt,
          token_issued_at: now,
        },
        now,
      ),
    );
    return stored ? { type: 'refreshed' } : { type: 'unchanged' };
  }
  if (answer.type !== 'refused') return { type: 'failed', detail: answer.detail };
  if (!decide(authorisationMachine, state, 'refresh_refused', {}).ok) return { type: 'unchanged' };
  const refused = `${answer.code}${answer.message ? `: ${answer.message}` : ''}`;
  const detail =
    options.refusedFirst && options.refusedFirst !== answer.code ? `${options.refusedFirst}, then ${refused}` : refused;
  const expiresAt = num(row.access_expires_at);
  const message = pausedNotice(
    shopId,
    platformName(row.platform),
    expiresAt === null ? null : new Date(expiresAt).toISOString(),
    detail,
  );
  const paused = await ctx.store.db.transaction().execute(async (trx) => {
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
  return paused ? { type: 'paused' } : { type: 'unchanged' };
}

const num = (value: number | string | null | undefined): number | null =>
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
