/**
 * The fake marketplace's seller authorisation: authorisation codes (what the consent page hands back), and the
 * token calls `/auth/token/create` and `/auth/token/refresh` as the IOP `/rest` gateway serves them.
 *
 * Answer fields are those the platform returns for these calls (moh3a/ae_sdk `src/types/system.ts`, the
 * `AES_Access_Token_Result` type, cross-checked with a public mirror of the refresh call's documentation; see
 * test/fixtures/aliexpress/README.md): `access_token`, `refresh_token`, `expires_in` and `refresh_expires_in`
 * (seconds), `expire_time` and `refresh_token_valid_time` (epoch ms), `account`, `account_id`, `account_platform`,
 * `user_id`, `seller_id`, `user_nick`, `havana_id`, `sp`, `locale`, with `code` "0" and `request_id` at the top
 * level like every `/rest` answer. The error codes for a bad code or refresh token are not in our sources
 * (`InvalidCode`, `IllegalRefreshToken` are the fake's); their shape is the `/rest` one (`type`, `code`, `message`).
 *
 * Tokens expire on the fake's clock: an expired access token is refused on `/sync` with `IllegalAccessToken`. A
 * refresh gives a new access and refresh token; the access token's life starts again, the refresh token keeps the
 * end of the first one ("the duration of the refresh token will not be reset", the platform's "Authorize your APP").
 * The admin API (fake-admin.ts) revokes refresh tokens and breaks the next token answer (not JSON, cut off).
 */
import { randomBytes } from 'node:crypto';

export const AUTH_TOKEN_CREATE = '/auth/token/create';
export const AUTH_TOKEN_REFRESH = '/auth/token/refresh';

export interface FakeAuthOptions {
  /** Access token lifetime. Default 30 days (a commercial developer's token, per the platform's FAQ). */
  accessTokenTtlMs?: number;
  refreshTokenTtlMs?: number;
  /** An authorisation code is good for this long, once. Default 30 minutes. */
  codeTtlMs?: number;
  sellerLoginId: string;
  sellerId?: string;
}

export interface FakeTokenAnswer {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_expires_in: number;
  expire_time: number;
  refresh_token_valid_time: number;
  account: string;
  account_id: string;
  account_platform: string;
  user_id: string;
  seller_id: string;
  user_nick: string;
  havana_id: string;
  sp: string;
  locale: string;
}

/** How the next token answer is broken (a test's fault): `not_json` (an HTML error page), `truncated` (cut off). */
export type TokenAnswerFault = 'not_json' | 'truncated';

export interface FakeAuthRefusal {
  code: string;
  message: string;
}

interface Grant {
  accessExpiresAt: number;
  refreshToken: string;
}

interface RefreshGrant {
  expiresAt: number;
  revoked: boolean;
}

const DAY_MS = 86_400_000;

export class FakeAuth {
  readonly #codes = new Map<string, { expiresAt: number; used: boolean }>();
  readonly #access = new Map<string, Grant>();
  readonly #refresh = new Map<string, RefreshGrant>();
  readonly #accessTtl: number;
  readonly #refreshTtl: number;
  readonly #codeTtl: number;
  readonly #account: string;
  readonly #sellerId: string;
  /** How many token answers were given, by call (refresh counts matter to "refreshed once" tests). */
  readonly counts = { create: 0, refresh: 0 };
  /** The next token answer's fault, if any (used once). */
  answerFault: TokenAnswerFault | undefined;

  constructor(options: FakeAuthOptions) {
    this.#accessTtl = options.accessTokenTtlMs ?? 30 * DAY_MS;
    this.#refreshTtl = options.refreshTokenTtlMs ?? 60 * DAY_MS;
    this.#codeTtl = options.codeTtlMs ?? 30 * 60_000;
    this.#account = options.sellerLoginId;
    this.#sellerId = options.sellerId ?? '2000000000001';
  }

  /** What the consent page gives back to the app's callback after the seller agrees. */
  issueCode(now: number): string {
    const code = `3_${randomBytes(12).toString('hex')}`;
    this.#codes.set(code, { expiresAt: now + this.#codeTtl, used: false });
    return code;
  }

  /** `/auth/token/create`: a code, once, before it expires. */
  create(code: string | undefined, now: number): FakeTokenAnswer | FakeAuthRefusal {
    const grant = code ? this.#codes.get(code) : undefined;
    if (!grant || grant.used || grant.expiresAt < now) {
      return { code: 'InvalidCode', message: 'The authorization code is invalid, used or expired' };
    }
    grant.used = true;
    this.counts.create++;
    return this.#grant(now);
  }

  /** `/auth/token/refresh`: a new access (and refresh) token for a refresh token that is still valid. */
  refresh(refreshToken: string | undefined, now: number): FakeTokenAnswer | FakeAuthRefusal {
    const known = refreshToken ? this.#refresh.get(refreshToken) : undefined;
    if (!known || known.revoked || known.expiresAt < now) {
      return { code: 'IllegalRefreshToken', message: 'The specified refresh token is invalid or expired' };
    }
    known.revoked = true;
    this.counts.refresh++;
    return this.#grant(now, known.expiresAt);
  }

  /** undefined: not a token this fake issued; otherwise whether it is still good. */
  accessTokenValid(token: string, now: number): boolean | undefined {
    const grant = this.#access.get(token);
    return grant === undefined ? undefined : grant.accessExpiresAt > now;
  }

  /** Test hook: the platform refuses this refresh token (every one when none is named) from now on; how many. */
  revokeRefreshToken(refreshToken?: string): number {
    let revoked = 0;
    for (const [token, known] of this.#refresh) {
      if ((refreshToken === undefined || token === refreshToken) && !known.revoked) {
        known.revoked = true;
        revoked++;
      }
    }
    return revoked;
  }

  /**
   * Test hook: the platform refuses this access token (every one when none is named) from now on, as it does when
   * the seller withdraws the app or the token is invalidated early; how many.
   */
  revokeAccessToken(accessToken?: string): number {
    let revoked = 0;
    for (const [token, grant] of this.#access) {
      if ((accessToken === undefined || token === accessToken) && grant.accessExpiresAt > Number.MIN_SAFE_INTEGER) {
        grant.accessExpiresAt = Number.MIN_SAFE_INTEGER;
        revoked++;
      }
    }
    return revoked;
  }

  /** The fault for this answer, once. */
  takeAnswerFault(): TokenAnswerFault | undefined {
    const fault = this.answerFault;
    this.answerFault = undefined;
    return fault;
  }

  reset(): void {
    this.#codes.clear();
    this.#access.clear();
    this.#refresh.clear();
    this.counts.create = 0;
    this.counts.refresh = 0;
    this.answerFault = undefined;
  }

  /** A new pair; a refresh keeps the first refresh token's end (`refreshExpiresAt`). */
  #grant(now: number, refreshExpiresAt = now + this.#refreshTtl): FakeTokenAnswer {
    const accessToken = `50000${randomBytes(24).toString('hex')}`;
    const refreshToken = `50001${randomBytes(24).toString('hex')}`;
    this.#access.set(accessToken, { accessExpiresAt: now + this.#accessTtl, refreshToken });
    this.#refresh.set(refreshToken, { expiresAt: refreshExpiresAt, revoked: false });
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: Math.floor(this.#accessTtl / 1000),
      refresh_expires_in: Math.max(0, Math.floor((refreshExpiresAt - now) / 1000)),
      expire_time: now + this.#accessTtl,
      refresh_token_valid_time: refreshExpiresAt,
      account: this.#account,
      account_id: this.#sellerId,
      account_platform: 'seller_center',
      user_id: this.#sellerId,
      seller_id: this.#sellerId,
      user_nick: this.#account,
      havana_id: this.#sellerId,
      sp: 'ae',
      locale: 'en_US',
    };
  }
}
