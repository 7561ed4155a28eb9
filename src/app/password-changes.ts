/**
 * Password changes and resets (issue 19, finding 4): a change needs the current password (a wrong one counts toward
 * the lockout like a failed sign-in), a reset is an owner's or a one-time link's; both end the user's other sessions
 * and, as SHIPBY_PASSWORD_CHANGE_KEYS says, the API keys made under them. Signing in is sign-in.ts.
 */
import { lockoutAfter, passwordProblem } from '../core/access';
import { localized } from '../core/i18n';
import * as store from '../store/accounts';
import type { Executor } from '../store/orders';
import { revokeKeysInTransaction } from './api-keys';
import { auditRow, recordAudit } from './audit';
import type { AppContext } from './context';
import { AuthenticationError, ValidationError } from './errors';
import { generatedPassword, hashPassword, verifyPassword } from './passwords';
import { forgetPrincipals, type Origin, type Principal } from './principals';
import { setting } from '../core/config';
import { lockedError, requireUser, WRONG_CREDENTIALS } from './sign-in';

/**
 * What a password change or reset does to the API keys the user made while signed in (and the keys those made):
 * `revoke` (default) ends them with the sessions; `keep` leaves machines running. SHIPBY_PASSWORD_CHANGE_KEYS.
 */
export type KeysOnPasswordChange = 'revoke' | 'keep';

export function keysOnPasswordChange(env: NodeJS.ProcessEnv = process.env): KeysOnPasswordChange {
  return setting(env, 'SHIPBY_PASSWORD_CHANGE_KEYS') ?? 'revoke';
}

export interface SessionsEnded {
  sessions: number;
  keys: number[];
}

/** Ends the user's sessions (but `keepSession`) and, when so configured, the keys made under them. */
async function endSessionsOf(
  trx: Executor,
  userId: number,
  now: number,
  keys: KeysOnPasswordChange,
  keepSession?: string,
): Promise<SessionsEnded> {
  let sessions = trx.deleteFrom('user_sessions').where('user_id', '=', userId);
  if (keepSession) sessions = sessions.where('token_hash', '!=', keepSession);
  const ended = await sessions.executeTakeFirst();
  let revoked: number[] = [];
  if (keys === 'revoke') {
    const made = await trx
      .selectFrom('api_keys')
      .select('id')
      .where('created_by_user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
    revoked = await revokeKeysInTransaction(
      trx,
      made.map((k) => k.id),
      now,
    );
  }
  forgetPrincipals((p) => p.kind === 'user' && p.id === userId && p.sessionHash !== keepSession);
  return { sessions: Number(ended.numDeletedRows), keys: revoked };
}

/**
 * One's own password. A wrong current password counts toward the lockout like a wrong sign-in (and a locked user
 * cannot change it); a change ends every other session of the user and, as configured, the keys made under them.
 */
export async function changePassword(
  ctx: AppContext,
  principal: Principal,
  current: string,
  next: string,
  origin: Origin = {},
  keys: KeysOnPasswordChange = keysOnPasswordChange(),
): Promise<SessionsEnded> {
  const user = principal.kind === 'user' ? await store.findUser(ctx.store.db, principal.id) : undefined;
  if (!user) throw new AuthenticationError(WRONG_CREDENTIALS);
  const now = ctx.now();
  if (user.locked_until !== null && user.locked_until > now) throw lockedError(user.locked_until - now);
  // A user signed in through a link has no password yet; one who has must give it.
  if (user.password_hash !== null && !(await verifyPassword(current, user.password_hash))) {
    const failed = user.failed_logins + 1;
    const lockMs = lockoutAfter(failed);
    await ctx.store.db
      .updateTable('users')
      .set({ failed_logins: failed, locked_until: lockMs ? now + lockMs : null })
      .where('id', '=', user.id)
      .execute();
    await recordAudit(ctx, {
      accountId: user.account_id,
      actorKind: 'user',
      actorId: String(user.id),
      actorName: user.email,
      action: 'password.change',
      outcome: 'failed',
      ip: origin.ip,
      detail: { failed_logins: failed, locked: lockMs > 0 },
    });
    if (lockMs > 0) throw lockedError(lockMs);
    throw new ValidationError([
      { row: 0, field: 'current_password', message: localized('The current password is wrong.', '当前密码错误。') },
    ]);
  }
  const problem = passwordProblem(next);
  if (problem) throw new ValidationError([{ row: 0, field: 'new_password', message: problem }]);
  const hash = await hashPassword(next);
  return ctx.store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: hash, failed_logins: 0, locked_until: null, updated_at: now })
      .where('id', '=', user.id)
      .execute();
    const ended = await endSessionsOf(trx, user.id, now, keys, principal.sessionHash);
    await store.insertAudit(trx, [
      auditRow(now, {
        accountId: user.account_id,
        actorKind: 'user',
        actorId: String(user.id),
        actorName: user.email,
        action: 'password.change',
        outcome: 'ok',
        ip: origin.ip,
        detail: { sessions_ended: ended.sessions, keys_revoked: ended.keys },
      }),
    ]);
    return ended;
  });
}

/** A new password (generated when none is given), the lockout cleared, every session of the user ended and, as configured, their keys. */
export async function resetPassword(
  ctx: AppContext,
  email: string,
  password = generatedPassword(),
  keys: KeysOnPasswordChange = keysOnPasswordChange(),
): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new ValidationError([{ row: 0, field: 'password', message: problem }]);
  const hash = await hashPassword(password);
  const now = ctx.now();
  await ctx.store.db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, email);
    await trx
      .updateTable('users')
      .set({ password_hash: hash, failed_logins: 0, locked_until: null, updated_at: now })
      .where('id', '=', user.id)
      .execute();
    const ended = await endSessionsOf(trx, user.id, now, keys);
    await store.insertAudit(trx, [
      auditRow(now, {
        accountId: user.account_id,
        actorKind: 'cli',
        actorName: 'cli',
        action: 'user.reset-password',
        target: user.email,
        outcome: 'ok',
        detail: { sessions_ended: ended.sessions, keys_revoked: ended.keys },
      }),
    ]);
  });
  return password;
}

// --- One-time sign-in links (the first start, the demo, a forgotten password, a locked account) ------------------
