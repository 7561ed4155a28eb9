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
 *
 * Step 3 is shop-authorisation-refresh.ts and the dashboard's notices and views shop-authorisation-views.ts, both
 * re-exported here.
 */
import { createHash, randomBytes } from 'node:crypto';
import { localized, type Localized } from '../core/i18n';
import { platformName } from '../core/marketplace-outage';
import {
  codeRefusedMessage,
  STATE_TTL_MS,
  stateProblem,
  stateProblemMessage,
  unreadableAnswerMessage,
} from '../core/shop-authorisation';
import {
  authorizeUrl,
  TOKEN_CREATE,
  type PlatformTokens,
  type TokenAnswer,
} from '../integrations/aliexpress/authorisation';
import { DEFAULT_IOP_BASE_URL } from '../integrations/aliexpress/protocol';
import { callTokenApi } from '../integrations/aliexpress/token-client';
import * as marketplace from '../store/marketplace';
import * as orderStore from '../store/orders';
import * as outbox from '../store/outbox';
import * as store from '../store/shop-authorisation';
import type { AliExpressApp } from './aliexpress-app';
import type { AppContext } from './context';
import { LocalizedError } from './errors';
import { encryptSecret, SECRET_CONTEXTS } from './secrets';
import { sealedTokens } from './shop-authorisation-refresh';

export {
  refreshConnection,
  refreshExpiringTokens,
  type RefreshOutcome,
  type RefreshReport,
} from './shop-authorisation-refresh';
export {
  authorisationNotices,
  authorisationViews,
  type AuthorisationNotice,
  type AuthorisationView,
} from './shop-authorisation-views';

const PLATFORM = 'aliexpress';

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
      ...sealedTokens(deps.masterKey, shopId, tokens, now),
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
