/**
 * Signing in (issue 10, hardened by issue 19 findings 4 and 7): password sign-in with a lockout that answers alike
 * for known and unknown e-mails, proven devices that still sign in while an account is locked, browser sessions,
 * one-time links. Password changes and resets (which end the user's other sessions and, as configured, the API keys
 * made under them) are password-changes.ts.
 */
import { FAILED_LOGINS_BEFORE_LOCK, lockoutAfter, MAX_LOCK_MS } from '../core/access';
import { localized } from '../core/i18n';
import * as store from '../store/accounts';
import { DEFAULT_ACCOUNT_ID } from '../store/migrations/0009-accounts';
import type { Executor } from '../store/orders';
import { auditRow, recordAudit } from './audit';
import type { AppContext } from './context';
import { AuthenticationError, NotFoundError, TooManyAttemptsError } from './errors';
import { randomToken, tokenHash, verifyPassword } from './passwords';
import {
  cachedPrincipal,
  forgetPrincipal,
  rememberPrincipal,
  rolesOf,
  TOUCH_EVERY_MS,
  type Origin,
  type Principal,
} from './principals';

export const SESSION_TTL_MS = 12 * 3_600_000;
export const SIGN_IN_LINK_TTL_MS = 15 * 60_000;
/** A proven device stays proven this long after its last sign-in. */
export const DEVICE_TTL_MS = 180 * 24 * 3_600_000;

export interface SignedIn {
  token: string;
  csrfToken: string;
  expiresAt: number;
  principal: Principal;
  /** The device token to keep in the browser (new, or the one it sent), proving it at the next sign-in. */
  deviceToken: string;
}

type UserRow = NonNullable<Awaited<ReturnType<typeof store.findUser>>>;

export const WRONG_CREDENTIALS = localized('The e-mail or the password is wrong.', '邮箱或密码错误。');

export function lockedError(ms: number): TooManyAttemptsError {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return new TooManyAttemptsError(
    localized(
      `Too many wrong passwords: signing in is locked for ${seconds} s. A browser you signed in with before still signs in; or ask the owner for a sign-in link or a new password.`,
      `密码错误次数过多：登录已锁定 ${seconds} 秒。您以前登录过的浏览器仍可登录；或请店主发送登录链接或重置密码。`,
    ),
    seconds,
  );
}

/** The failure counter of an e-mail: the user's own, or (for an e-mail of no user) one kept alike in sign_in_failures. */
interface FailureCounter {
  failed: number;
  lockedUntil: number | null;
  save(db: Executor, failed: number, lockedUntil: number | null, now: number): Promise<void>;
}

async function failureCounter(db: Executor, email: string, user: UserRow | undefined): Promise<FailureCounter> {
  if (user) {
    return {
      failed: user.failed_logins,
      lockedUntil: user.locked_until,
      save: async (trx, failed, lockedUntil) =>
        void (await trx
          .updateTable('users')
          .set({ failed_logins: failed, locked_until: lockedUntil })
          .where('id', '=', user.id)
          .execute()),
    };
  }
  const emailHash = tokenHash(email);
  const row = await db
    .selectFrom('sign_in_failures')
    .selectAll()
    .where('email_hash', '=', emailHash)
    .executeTakeFirst();
  return {
    failed: row?.failed_logins ?? 0,
    lockedUntil: row?.locked_until ?? null,
    save: async (trx, failed, lockedUntil, now) => {
      // Counters of strangers' e-mails go once no lock could still hang on them: the table stays small.
      await trx
        .deleteFrom('sign_in_failures')
        .where('updated_at', '<', now - 2 * MAX_LOCK_MS)
        .execute();
      await trx
        .insertInto('sign_in_failures')
        .values({ email_hash: emailHash, failed_logins: failed, locked_until: lockedUntil, updated_at: now })
        .onConflict((oc) =>
          oc.column('email_hash').doUpdateSet({ failed_logins: failed, locked_until: lockedUntil, updated_at: now }),
        )
        .execute();
    },
  };
}

/**
 * Password sign-in. A wrong password counts against the e-mail (whether or not a user has it, so the answers cannot
 * tell); from the fifth in a row it is locked for a time that doubles with each further failure, and while locked
 * even the right password is refused (429) — except from a proven device (`deviceToken`: a browser that signed in
 * as this user before), whose wrong passwords count against that device alone and forget it at the fifth.
 */
export async function login(
  ctx: AppContext,
  email: string,
  password: string,
  origin: Origin = {},
  deviceToken?: string,
): Promise<SignedIn> {
  const now = ctx.now();
  const db = ctx.store.db;
  const normalised = email.trim().toLowerCase();
  const user = await store.findUserByEmail(db, normalised);
  const device =
    user && deviceToken
      ? await db
          .selectFrom('known_devices')
          .selectAll()
          .where('token_hash', '=', tokenHash(deviceToken))
          .where('user_id', '=', user.id)
          .where('last_used_at', '>', now - DEVICE_TTL_MS)
          .executeTakeFirst()
      : undefined;
  const counter = await failureCounter(db, normalised, user);
  const locked = counter.lockedUntil !== null && counter.lockedUntil > now;
  if (locked && !device) {
    if (user)
      await recordAudit(ctx, {
        accountId: user.account_id,
        actorKind: 'anonymous',
        actorName: user.email,
        action: 'login',
        outcome: 'denied',
        ip: origin.ip,
        detail: { reason: 'locked' },
      });
    throw lockedError(counter.lockedUntil! - now);
  }
  const ok = await verifyPassword(password, user?.password_hash ?? null);
  if (!user || user.disabled_at !== null || !ok) {
    if (device) {
      const failed = device.failed_logins + 1;
      if (failed >= FAILED_LOGINS_BEFORE_LOCK)
        await db.deleteFrom('known_devices').where('token_hash', '=', device.token_hash).execute();
      else
        await db
          .updateTable('known_devices')
          .set({ failed_logins: failed })
          .where('token_hash', '=', device.token_hash)
          .execute();
      await recordAudit(ctx, {
        accountId: user!.account_id,
        actorKind: 'anonymous',
        actorName: user!.email,
        action: 'login',
        outcome: 'failed',
        ip: origin.ip,
        detail: { device_failed_logins: failed, device_forgotten: failed >= FAILED_LOGINS_BEFORE_LOCK },
      });
      throw new AuthenticationError(WRONG_CREDENTIALS);
    }
    const failed = counter.failed + 1;
    const lockMs = lockoutAfter(failed);
    await db.transaction().execute((trx) => counter.save(trx, failed, lockMs ? now + lockMs : null, now));
    if (user)
      await recordAudit(ctx, {
        accountId: user.account_id,
        actorKind: 'anonymous',
        actorName: user.email,
        action: 'login',
        outcome: 'failed',
        ip: origin.ip,
        detail: { failed_logins: failed, locked: lockMs > 0 },
      });
    if (failed >= FAILED_LOGINS_BEFORE_LOCK) throw lockedError(lockMs);
    throw new AuthenticationError(WRONG_CREDENTIALS);
  }
  // A proven device signing in while the account is locked leaves the lock for everyone else.
  if (user.failed_logins > 0 && !locked)
    await db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
  return openSession(ctx, user, origin, device ? 'login (proven device)' : 'login', device ? deviceToken : undefined);
}

async function openSession(
  ctx: AppContext,
  user: UserRow,
  origin: Origin,
  via: string,
  provenDevice?: string,
): Promise<SignedIn> {
  const now = ctx.now();
  const token = randomToken();
  const csrfToken = randomToken();
  const deviceToken = provenDevice ?? randomToken();
  const expiresAt = now + SESSION_TTL_MS;
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('user_sessions')
      .values({
        token_hash: tokenHash(token),
        user_id: user.id,
        csrf_token: csrfToken,
        created_at: now,
        expires_at: expiresAt,
        last_seen_at: now,
        ip: origin.ip ?? null,
        user_agent: origin.userAgent?.slice(0, 200) ?? null,
      })
      .execute();
    // Expired sessions and devices of this user go while we are here: the tables never grow without bound.
    await trx.deleteFrom('user_sessions').where('user_id', '=', user.id).where('expires_at', '<=', now).execute();
    await trx
      .deleteFrom('known_devices')
      .where('user_id', '=', user.id)
      .where('last_used_at', '<=', now - DEVICE_TTL_MS)
      .execute();
    await trx
      .insertInto('known_devices')
      .values({
        token_hash: tokenHash(deviceToken),
        user_id: user.id,
        failed_logins: 0,
        created_at: now,
        last_used_at: now,
      })
      .onConflict((oc) => oc.column('token_hash').doUpdateSet({ failed_logins: 0, last_used_at: now }))
      .execute();
    await store.insertAudit(trx, [
      auditRow(now, {
        accountId: user.account_id,
        actorKind: 'user',
        actorId: String(user.id),
        actorName: user.email,
        action: 'login',
        outcome: 'ok',
        ip: origin.ip,
        detail: { via },
      }),
    ]);
  });
  const principal: Principal = {
    kind: 'user',
    id: user.id,
    name: user.email,
    accountId: user.account_id,
    accountOwner: user.account_owner === 1,
    roles: await rolesOf(ctx.store.db, user),
    csrfToken,
    sessionHash: tokenHash(token),
  };
  return { token, csrfToken, expiresAt, principal, deviceToken };
}

export async function principalOfSession(ctx: AppContext, token: string): Promise<Principal | undefined> {
  const hash = tokenHash(token);
  const known = cachedPrincipal(hash);
  if (known) return known;
  const now = ctx.now();
  const session = await store.findLiveSession(ctx.store.db, hash, now);
  if (!session) return undefined;
  if (now - session.last_seen_at > TOUCH_EVERY_MS) {
    // Sliding expiry: a session in use stays alive; an idle one ends SESSION_TTL_MS after its last use.
    await ctx.store.db
      .updateTable('user_sessions')
      .set({ last_seen_at: now, expires_at: now + SESSION_TTL_MS })
      .where('token_hash', '=', hash)
      .execute();
  }
  // The session's query already joined its user: no second read.
  const user = { id: session.user_id, account_id: session.account_id, account_owner: session.account_owner };
  return rememberPrincipal(hash, {
    kind: 'user',
    id: user.id,
    name: session.email,
    accountId: user.account_id,
    accountOwner: user.account_owner === 1,
    roles: await rolesOf(ctx.store.db, user),
    csrfToken: session.csrf_token,
    sessionHash: hash,
  });
}

export async function logout(ctx: AppContext, token: string, origin: Origin = {}): Promise<void> {
  const hash = tokenHash(token);
  forgetPrincipal(hash);
  const session = await store.findLiveSession(ctx.store.db, hash, ctx.now());
  await ctx.store.db.deleteFrom('user_sessions').where('token_hash', '=', hash).execute();
  if (session)
    await recordAudit(ctx, {
      accountId: session.account_id,
      actorKind: 'user',
      actorId: String(session.user_id),
      actorName: session.email,
      action: 'logout',
      outcome: 'ok',
      ip: origin.ip,
    });
}

/** What a password change or reset ended. */
export async function createSignInLink(ctx: AppContext, email: string, ttlMs = SIGN_IN_LINK_TTL_MS): Promise<string> {
  const user = await requireUser(ctx.store.db, email);
  const token = randomToken();
  await ctx.store.db
    .insertInto('sign_in_links')
    .values({
      token_hash: tokenHash(token),
      user_id: user.id,
      created_at: ctx.now(),
      expires_at: ctx.now() + ttlMs,
      used_at: null,
    })
    .execute();
  return token;
}

/**
 * Opens a session once: the link is marked used in the same statement that checks it, so two clicks open one.
 * A link signs in a locked user too (the owner sent it), and proves the browser that used it.
 */
export async function redeemSignInLink(ctx: AppContext, token: string, origin: Origin = {}): Promise<SignedIn> {
  const now = ctx.now();
  const used = await ctx.store.db
    .updateTable('sign_in_links')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
  const user = used ? await store.findUser(ctx.store.db, used.user_id) : undefined;
  if (!user || user.disabled_at !== null) {
    throw new AuthenticationError(
      localized(
        "This sign-in link is used, expired or unknown. Ask the account's owner for a new one, or sign in with your password.",
        '此登录链接已使用、已过期或无效。请向账户所有者索取新链接，或用密码登录。',
      ),
    );
  }
  return openSession(ctx, user, origin, 'link');
}

/**
 * The first start of a fresh installation: with no user at all, an owner of the default account is created
 * (no password; it signs in through the one-time link returned here and may set one). Later starts return nothing.
 */
export async function ensureFirstOwner(
  ctx: AppContext,
  email = 'owner@shipby.local',
): Promise<{ email: string; token: string } | undefined> {
  if ((await store.countUsers(ctx.store.db)) > 0) return undefined;
  const now = ctx.now();
  try {
    await ctx.store.db
      .insertInto('users')
      .values({
        account_id: DEFAULT_ACCOUNT_ID,
        email,
        name: 'Owner',
        password_hash: null,
        account_owner: 1,
        created_at: now,
        updated_at: now,
        locked_until: null,
        disabled_at: null,
      })
      .execute();
  } catch {
    return undefined; // another process created it first
  }
  return { email, token: await createSignInLink(ctx, email, 24 * 3_600_000) };
}

export async function requireUser(db: Executor, email: string) {
  const user = await store.findUserByEmail(db, email);
  if (!user)
    throw new NotFoundError(localized(`There is no user with e-mail ${email}.`, `不存在邮箱为 ${email} 的用户。`));
  return user;
}
