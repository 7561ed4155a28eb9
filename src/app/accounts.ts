/**
 * Accounts, users and their roles per shop, password sign-in with lockout, browser sessions, one-time sign-in
 * links, API keys and the audit log (issue 10). Every token is random, shown once and stored as its SHA-256.
 */
import { FAILED_LOGINS_BEFORE_LOCK, isRole, lockoutAfter, passwordProblem, ROLES, type Role } from '../core/access';
import { localized } from '../core/i18n';
import { maskPersonalData } from '../core/personal-data';
import * as store from '../store/accounts';
import type { Executor } from '../store/orders';
import { DEFAULT_ACCOUNT_ID } from '../store/migrations/0009-accounts';
import type { AuditRow } from '../store/schema-accounts';
import type { AppContext } from './context';
import { AuthenticationError, ConflictError, NotFoundError, TooManyAttemptsError, ValidationError } from './errors';
import { generatedPassword, hashPassword, randomToken, tokenHash, verifyPassword } from './passwords';

export { DEFAULT_ACCOUNT_ID };

export const SESSION_TTL_MS = 12 * 3_600_000;
export const SIGN_IN_LINK_TTL_MS = 15 * 60_000;
export const API_KEY_PREFIX = 'sbk_';
// Writes that only keep a timestamp fresh are throttled: a busy key would otherwise write on every request.
const TOUCH_EVERY_MS = 60_000;

/** Who is calling: a signed-in user or an API key, with the role it holds in each shop it can reach. */
export interface Principal {
  kind: 'user' | 'key';
  id: number;
  /** The user's e-mail or the key's name: what the audit log and the timeline show. */
  name: string;
  accountId: string;
  /** Owner of every shop of the account (users only). */
  accountOwner: boolean;
  roles: ReadonlyMap<string, Role>;
  /** Browser sessions only: the CSRF token unsafe requests must echo. */
  csrfToken?: string;
}

export function actorLabel(principal: Principal): string {
  return principal.kind === 'user' ? principal.name : `key:${principal.name}`;
}

function invalid(field: string, en: string, zh: string): ValidationError {
  return new ValidationError([{ row: 0, field, message: localized(en, zh) }]);
}

const noShopInAccount = (shopId: string) => new NotFoundError(localized(`The account has no shop "${shopId}".`, `该账户下没有店铺「${shopId}」。`));

function normaliseEmail(email: string): string {
  const value = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(value) || value.length > 200) throw invalid('email', `"${email}" is not an e-mail address.`, `「${email}」不是有效的电子邮箱地址。`);
  return value;
}

// --- Accounts and users ---------------------------------------------------------------------------------------

export async function createAccount(ctx: AppContext, id: string, name: string): Promise<void> {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(id)) throw invalid('account', `account id "${id}" may use letters, digits, - and _ only.`, `账户 ID「${id}」只能包含字母、数字、- 和 _。`);
  await store.ensureAccount(ctx.store.db, id, name, ctx.now());
}

export interface NewUser {
  email: string;
  name?: string;
  accountId?: string;
  /** Omitted: one is generated and returned once. */
  password?: string;
  /** Owner of every shop of the account. */
  accountOwner?: boolean;
  shops?: Array<{ shopId: string; role: Role }>;
}

export async function addUser(ctx: AppContext, input: NewUser): Promise<{ id: number; email: string; password: string }> {
  const email = normaliseEmail(input.email);
  const accountId = input.accountId ?? DEFAULT_ACCOUNT_ID;
  const password = input.password ?? generatedPassword();
  const problem = passwordProblem(password);
  if (problem) throw new ValidationError([{ row: 0, field: 'password', message: problem }]);
  const hash = await hashPassword(password);
  const now = ctx.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    if (!(await store.findAccount(trx, accountId))) throw new NotFoundError(localized(`There is no account "${accountId}".`, `不存在账户「${accountId}」。`));
    if (await store.findUserByEmail(trx, email)) throw new ConflictError('user_exists', localized(`A user with e-mail ${email} exists already.`, `邮箱为 ${email} 的用户已存在。`));
    const row = await trx
      .insertInto('users')
      .values({ account_id: accountId, email, name: input.name ?? email, password_hash: hash, account_owner: input.accountOwner ? 1 : 0, created_at: now, updated_at: now, locked_until: null, disabled_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const grant of input.shops ?? []) await grantInTransaction(trx, row.id, accountId, grant.shopId, grant.role, now);
    await store.insertAudit(trx, [auditRow(now, { accountId, actorKind: 'cli', actorName: 'cli', action: 'user.add', target: email, outcome: 'ok' })]);
    return { id: row.id, email, password };
  });
}

async function grantInTransaction(trx: Executor, userId: number, accountId: string, shopId: string, role: Role, now: number): Promise<void> {
  const shop = await trx.selectFrom('shops').select(['id', 'account_id']).where('id', '=', shopId).executeTakeFirst();
  if (!shop || shop.account_id !== accountId) {
    throw noShopInAccount(shopId);
  }
  await trx
    .insertInto('memberships')
    .values({ user_id: userId, shop_id: shopId, role, created_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'shop_id']).doUpdateSet({ role }))
    .execute();
}

export function parseRole(value: string, field = 'role'): Role {
  if (!isRole(value)) throw invalid(field, `role "${value}" is not one of ${ROLES.join(', ')}.`, `角色「${value}」不是 ${ROLES.join('、')} 之一。`);
  return value;
}

export async function grantRole(ctx: AppContext, email: string, shopId: string, role: Role): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, email);
    await grantInTransaction(trx, user.id, user.account_id, shopId, role, ctx.now());
    await store.insertAudit(trx, [auditRow(ctx.now(), { accountId: user.account_id, shopId, actorKind: 'cli', actorName: 'cli', action: 'user.grant', target: `${user.email} ${role}`, outcome: 'ok' })]);
  });
  forgetPrincipals();
}

async function requireUser(db: Executor, email: string) {
  const user = await store.findUserByEmail(db, email);
  if (!user) throw new NotFoundError(localized(`There is no user with e-mail ${email}.`, `不存在邮箱为 ${email} 的用户。`));
  return user;
}

/** A new password (generated when none is given), the lockout cleared, and every session of the user ended. */
export async function resetPassword(ctx: AppContext, email: string, password = generatedPassword()): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new ValidationError([{ row: 0, field: 'password', message: problem }]);
  const hash = await hashPassword(password);
  await ctx.store.db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, email);
    await trx.updateTable('users').set({ password_hash: hash, failed_logins: 0, locked_until: null, updated_at: ctx.now() }).where('id', '=', user.id).execute();
    await trx.deleteFrom('user_sessions').where('user_id', '=', user.id).execute();
    await store.insertAudit(trx, [auditRow(ctx.now(), { accountId: user.account_id, actorKind: 'cli', actorName: 'cli', action: 'user.reset-password', target: user.email, outcome: 'ok' })]);
  });
  forgetPrincipals((p) => p.kind === 'user' && p.name === email.trim().toLowerCase());
  return password;
}

export async function listUsers(ctx: AppContext, accountId?: string) {
  const users = await store.listUsers(ctx.store.db, accountId);
  return Promise.all(users.map(async (u) => ({ ...u, shops: await store.membershipsOf(ctx.store.db, u.id) })));
}

// --- Who is calling -------------------------------------------------------------------------------------------

async function rolesOf(db: Executor, user: { id: number; account_id: string; account_owner: number }): Promise<Map<string, Role>> {
  const roles = new Map<string, Role>();
  if (user.account_owner) for (const shop of await store.shopsOfAccount(db, user.account_id)) roles.set(shop, 'owner');
  for (const m of await store.membershipsOf(db, user.id)) if (!roles.has(m.shop_id) && isRole(m.role)) roles.set(m.shop_id, m.role);
  return roles;
}

export interface SignedIn {
  token: string;
  csrfToken: string;
  expiresAt: number;
  principal: Principal;
}

export interface Origin {
  ip?: string;
  userAgent?: string;
}

const WRONG_CREDENTIALS = localized('The e-mail or the password is wrong.', '邮箱或密码错误。');

/**
 * Password sign-in. A wrong password counts against the user; from the fifth in a row the user is locked for a
 * time that doubles with each further failure, and while locked even the right password is refused (429).
 */
export async function login(ctx: AppContext, email: string, password: string, origin: Origin = {}): Promise<SignedIn> {
  const now = ctx.now();
  const user = await store.findUserByEmail(ctx.store.db, email.trim().toLowerCase());
  if (user?.locked_until && user.locked_until > now) {
    await recordAudit(ctx, { accountId: user.account_id, actorKind: 'anonymous', actorName: user.email, action: 'login', outcome: 'denied', ip: origin.ip, detail: { reason: 'locked' } });
    throw lockedError(user.locked_until - now);
  }
  const ok = await verifyPassword(password, user?.password_hash ?? null);
  if (!user || user.disabled_at !== null || !ok) {
    if (user) {
      const failed = user.failed_logins + 1;
      const lockMs = lockoutAfter(failed);
      await ctx.store.db.updateTable('users').set({ failed_logins: failed, locked_until: lockMs ? now + lockMs : null }).where('id', '=', user.id).execute();
      await recordAudit(ctx, { accountId: user.account_id, actorKind: 'anonymous', actorName: user.email, action: 'login', outcome: 'failed', ip: origin.ip, detail: { failed_logins: failed, locked: lockMs > 0 } });
      if (failed >= FAILED_LOGINS_BEFORE_LOCK) throw lockedError(lockMs);
    }
    throw new AuthenticationError(WRONG_CREDENTIALS);
  }
  if (user.failed_logins > 0) await ctx.store.db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
  return openSession(ctx, user, origin, 'login');
}

function lockedError(ms: number): TooManyAttemptsError {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return new TooManyAttemptsError(
    localized(`Too many wrong passwords: signing in is locked for ${seconds} s. Ask the owner to reset the password if you forgot it.`, `密码错误次数过多：登录已锁定 ${seconds} 秒。如忘记密码，请联系店主重置。`),
    seconds,
  );
}

async function openSession(ctx: AppContext, user: NonNullable<Awaited<ReturnType<typeof store.findUser>>>, origin: Origin, via: string): Promise<SignedIn> {
  const now = ctx.now();
  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = now + SESSION_TTL_MS;
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('user_sessions')
      .values({ token_hash: tokenHash(token), user_id: user.id, csrf_token: csrfToken, created_at: now, expires_at: expiresAt, last_seen_at: now, ip: origin.ip ?? null, user_agent: origin.userAgent?.slice(0, 200) ?? null })
      .execute();
    // Expired sessions of this user go while we are here: the table never grows without bound.
    await trx.deleteFrom('user_sessions').where('user_id', '=', user.id).where('expires_at', '<=', now).execute();
    await store.insertAudit(trx, [auditRow(now, { accountId: user.account_id, actorKind: 'user', actorId: String(user.id), actorName: user.email, action: 'login', outcome: 'ok', ip: origin.ip, detail: { via } })]);
  });
  return { token, csrfToken, expiresAt, principal: { kind: 'user', id: user.id, name: user.email, accountId: user.account_id, accountOwner: user.account_owner === 1, roles: await rolesOf(ctx.store.db, user), csrfToken } };
}

/**
 * Who a token is, remembered for a few seconds of real time (not the injected clock): without it every request
 * pays two or three queries (issue 10's bench:api). Sign-out, revocation, password resets and role changes made in
 * this process forget at once; made in another process, they take effect within PRINCIPAL_CACHE_MS.
 */
export const PRINCIPAL_CACHE_MS = 5_000;
const principalCache = new Map<string, { principal: Principal; until: number }>();

function cachedPrincipal(hash: string): Principal | undefined {
  const hit = principalCache.get(hash);
  if (hit && hit.until > Date.now()) return hit.principal;
  if (hit) principalCache.delete(hash);
  return undefined;
}

function rememberPrincipal(hash: string, principal: Principal): Principal {
  if (principalCache.size >= 10_000) principalCache.clear();
  principalCache.set(hash, { principal, until: Date.now() + PRINCIPAL_CACHE_MS });
  return principal;
}

/** Forgets the remembered callers that match (all of them without a test). */
export function forgetPrincipals(match?: (principal: Principal) => boolean): void {
  for (const [hash, entry] of principalCache) if (!match || match(entry.principal)) principalCache.delete(hash);
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
    await ctx.store.db.updateTable('user_sessions').set({ last_seen_at: now, expires_at: now + SESSION_TTL_MS }).where('token_hash', '=', hash).execute();
  }
  // The session's query already joined its user: no second read.
  const user = { id: session.user_id, account_id: session.account_id, account_owner: session.account_owner };
  return rememberPrincipal(hash, { kind: 'user', id: user.id, name: session.email, accountId: user.account_id, accountOwner: user.account_owner === 1, roles: await rolesOf(ctx.store.db, user), csrfToken: session.csrf_token });
}

export async function logout(ctx: AppContext, token: string, origin: Origin = {}): Promise<void> {
  const hash = tokenHash(token);
  principalCache.delete(hash);
  const session = await store.findLiveSession(ctx.store.db, hash, ctx.now());
  await ctx.store.db.deleteFrom('user_sessions').where('token_hash', '=', hash).execute();
  if (session) await recordAudit(ctx, { accountId: session.account_id, actorKind: 'user', actorId: String(session.user_id), actorName: session.email, action: 'logout', outcome: 'ok', ip: origin.ip });
}

export async function changePassword(ctx: AppContext, principal: Principal, current: string, next: string, origin: Origin = {}): Promise<void> {
  const user = principal.kind === 'user' ? await store.findUser(ctx.store.db, principal.id) : undefined;
  if (!user) throw new AuthenticationError(WRONG_CREDENTIALS);
  // A user signed in through a link has no password yet; one who has must give it.
  if (user.password_hash !== null && !(await verifyPassword(current, user.password_hash))) {
    throw new ValidationError([{ row: 0, field: 'current_password', message: localized('The current password is wrong.', '当前密码错误。') }]);
  }
  const problem = passwordProblem(next);
  if (problem) throw new ValidationError([{ row: 0, field: 'new_password', message: problem }]);
  await ctx.store.db.updateTable('users').set({ password_hash: await hashPassword(next), updated_at: ctx.now() }).where('id', '=', user.id).execute();
  await recordAudit(ctx, { accountId: user.account_id, actorKind: 'user', actorId: String(user.id), actorName: user.email, action: 'password.change', outcome: 'ok', ip: origin.ip });
}

// --- One-time sign-in links (the first start, the demo, a forgotten password) ------------------------------------

export async function createSignInLink(ctx: AppContext, email: string, ttlMs = SIGN_IN_LINK_TTL_MS): Promise<string> {
  const user = await requireUser(ctx.store.db, email);
  const token = randomToken();
  await ctx.store.db.insertInto('sign_in_links').values({ token_hash: tokenHash(token), user_id: user.id, created_at: ctx.now(), expires_at: ctx.now() + ttlMs, used_at: null }).execute();
  return token;
}

/** Opens a session once: the link is marked used in the same statement that checks it, so two clicks open one. */
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
    throw new AuthenticationError(localized('This sign-in link is used, expired or unknown. Ask the account\'s owner for a new one, or sign in with your password.', '此登录链接已使用、已过期或无效。请向账户所有者索取新链接，或用密码登录。'));
  }
  return openSession(ctx, user, origin, 'link');
}

/**
 * The first start of a fresh installation: with no user at all, an owner of the default account is created
 * (no password; it signs in through the one-time link returned here and may set one). Later starts return nothing.
 */
export async function ensureFirstOwner(ctx: AppContext, email = 'owner@shipby.local'): Promise<{ email: string; token: string } | undefined> {
  if ((await store.countUsers(ctx.store.db)) > 0) return undefined;
  const now = ctx.now();
  try {
    await ctx.store.db.insertInto('users').values({ account_id: DEFAULT_ACCOUNT_ID, email, name: 'Owner', password_hash: null, account_owner: 1, created_at: now, updated_at: now, locked_until: null, disabled_at: null }).execute();
  } catch {
    return undefined; // another process created it first
  }
  return { email, token: await createSignInLink(ctx, email, 24 * 3_600_000) };
}

// --- API keys -------------------------------------------------------------------------------------------------

export interface NewApiKey {
  accountId: string;
  name: string;
  role: Role;
  shopIds: string[];
  createdBy: string;
}

export async function createApiKey(ctx: AppContext, input: NewApiKey): Promise<{ id: number; token: string; prefix: string }> {
  const name = input.name.trim();
  if (!name || name.length > 80) throw invalid('name', 'The key needs a name (up to 80 characters) that says who uses it.', '密钥需要一个名称（最多 80 个字符），说明由谁使用。');
  if (input.shopIds.length === 0) throw invalid('shops', 'A key must be scoped to at least one shop.', '密钥必须至少限定一个店铺。');
  const token = randomToken(API_KEY_PREFIX);
  const prefix = token.slice(0, API_KEY_PREFIX.length + 6);
  const now = ctx.now();
  const id = await ctx.store.db.transaction().execute(async (trx) => {
    const shops = await trx.selectFrom('shops').select(['id', 'account_id']).where('id', 'in', input.shopIds).execute();
    for (const shopId of input.shopIds) {
      if (!shops.some((s) => s.id === shopId && s.account_id === input.accountId)) throw noShopInAccount(shopId);
    }
    const row = await trx
      .insertInto('api_keys')
      .values({ account_id: input.accountId, name, prefix, token_hash: tokenHash(token), role: input.role, created_by: input.createdBy, created_at: now, last_used_at: null, last_used_ip: null, revoked_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('api_key_shops').values(input.shopIds.map((shop_id) => ({ key_id: row.id, shop_id }))).execute();
    await store.insertAudit(trx, [auditRow(now, { accountId: input.accountId, actorKind: 'user', actorName: input.createdBy, action: 'key.create', target: `${name} (${prefix}…, ${input.role}: ${input.shopIds.join(', ')})`, outcome: 'ok' })]);
    return row.id;
  });
  return { id, token, prefix };
}

export async function listApiKeys(ctx: AppContext, accountId: string) {
  const keys = await ctx.store.db.selectFrom('api_keys').select(['id', 'name', 'prefix', 'role', 'created_by', 'created_at', 'last_used_at', 'last_used_ip', 'revoked_at']).where('account_id', '=', accountId).orderBy('id').execute();
  const shops = keys.length ? await ctx.store.db.selectFrom('api_key_shops').selectAll().where('key_id', 'in', keys.map((k) => k.id)).execute() : [];
  return keys.map((k) => ({ ...k, shops: shops.filter((s) => s.key_id === k.id).map((s) => s.shop_id) }));
}

export async function revokeApiKey(ctx: AppContext, accountId: string, id: number, by: string): Promise<void> {
  const result = await ctx.store.db.updateTable('api_keys').set({ revoked_at: ctx.now() }).where('id', '=', id).where('account_id', '=', accountId).where('revoked_at', 'is', null).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new NotFoundError(localized(`There is no live API key ${id}.`, `不存在有效的 API 密钥 ${id}。`));
  forgetPrincipals((p) => p.kind === 'key' && p.id === id);
  await recordAudit(ctx, { accountId, actorKind: 'user', actorName: by, action: 'key.revoke', target: String(id), outcome: 'ok' });
}

export async function principalOfApiKey(ctx: AppContext, token: string, origin: Origin = {}): Promise<Principal | undefined> {
  if (!token.startsWith(API_KEY_PREFIX)) return undefined;
  const hash = tokenHash(token);
  const known = cachedPrincipal(hash);
  if (known) return known;
  const found = await store.findLiveApiKey(ctx.store.db, hash);
  if (!found) return undefined;
  const { key, shopIds } = found;
  const role = key.role;
  if (!isRole(role)) return undefined;
  const now = ctx.now();
  if (key.last_used_at === null || now - key.last_used_at > TOUCH_EVERY_MS) {
    // Last use is kept to the minute, and each such touch is a `key.use` line in the audit log.
    await ctx.store.db.transaction().execute(async (trx) => {
      await trx.updateTable('api_keys').set({ last_used_at: now, last_used_ip: origin.ip ?? null }).where('id', '=', key.id).execute();
      await store.insertAudit(trx, [auditRow(now, { accountId: key.account_id, actorKind: 'key', actorId: String(key.id), actorName: key.name, action: 'key.use', target: key.prefix, outcome: 'ok', ip: origin.ip })]);
    });
  }
  return rememberPrincipal(hash, { kind: 'key', id: key.id, name: key.name, accountId: key.account_id, accountOwner: false, roles: new Map(shopIds.map((s) => [s, role] as const)) });
}

// --- Audit ----------------------------------------------------------------------------------------------------

export interface AuditEntry {
  accountId?: string | null;
  shopId?: string | null;
  orderId?: number | null;
  actorKind: 'user' | 'key' | 'cli' | 'system' | 'anonymous';
  actorId?: string | null;
  actorName: string;
  action: string;
  target?: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  ip?: string | null;
  detail?: unknown;
}

function auditRow(at: number, entry: AuditEntry) {
  return {
    at,
    account_id: entry.accountId ?? null,
    shop_id: entry.shopId ?? null,
    order_id: entry.orderId ?? null,
    actor_kind: entry.actorKind,
    actor_id: entry.actorId ?? null,
    actor_name: entry.actorName,
    action: entry.action,
    target: entry.target ?? null,
    outcome: entry.outcome,
    ip: entry.ip ?? null,
    // Details never carry a buyer's phone or address, whatever a caller passes.
    detail: entry.detail === undefined ? null : JSON.stringify(maskPersonalData(entry.detail)),
  };
}

export async function recordAudit(ctx: AppContext, ...entries: AuditEntry[]): Promise<void> {
  const now = ctx.now();
  await store.insertAuditRows(ctx.store, entries.map((e) => auditRow(now, e)));
}

export interface AuditQuery {
  accountId: string;
  shopIds?: readonly string[];
  orderId?: number;
  beforeId?: number;
  limit?: number;
}

export async function listAudit(ctx: AppContext, query: AuditQuery): Promise<AuditRow[]> {
  let q = ctx.store.db.selectFrom('audit_log').selectAll().where('account_id', '=', query.accountId).orderBy('id', 'desc').limit(Math.min(query.limit ?? 100, 1000));
  if (query.shopIds) {
    const shops = [...query.shopIds];
    // Account-wide lines (logins, keys) have no shop; a shop's lines only reach those who hold a role in it.
    q = q.where((eb) => eb.or([eb('shop_id', 'is', null), ...(shops.length ? [eb('shop_id', 'in', shops)] : [])]));
  }
  if (query.orderId !== undefined) q = q.where('order_id', '=', query.orderId);
  if (query.beforeId !== undefined) q = q.where('id', '<', query.beforeId);
  return q.execute();
}

/** The audit lines of one order, for its timeline. */
export async function auditOfOrder(ctx: AppContext, orderId: number): Promise<AuditRow[]> {
  return ctx.store.db.selectFrom('audit_log').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}

// --- What an account owns -------------------------------------------------------------------------------------

/** A new shop of an account (a shop is created in the default account when an import names it first). */
export async function addShop(ctx: AppContext, input: { id: string; accountId: string; name?: string; platform?: string }): Promise<void> {
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(input.id)) throw invalid('shop', `shop id "${input.id}" must be 1–64 letters, digits or . _ : -.`, `店铺 ID「${input.id}」须为 1–64 个字母、数字或 . _ : -。`);
  await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await store.findAccount(trx, input.accountId))) throw new NotFoundError(localized(`There is no account "${input.accountId}".`, `不存在账户「${input.accountId}」。`));
    const existing = await trx.selectFrom('shops').select(['id', 'account_id']).where('id', '=', input.id).executeTakeFirst();
    if (existing) throw new ConflictError('shop_exists', localized(`Shop ${input.id} exists already (account ${existing.account_id}).`, `店铺 ${input.id} 已存在（账户 ${existing.account_id}）。`));
    await trx.insertInto('shops').values({ id: input.id, name: input.name ?? input.id, platform: input.platform ?? 'aliexpress', created_at: ctx.now(), account_id: input.accountId, policy_id: null, policy_by_type: null, policy_overrides: null }).execute();
  });
  forgetPrincipals(); // account owners hold every shop of their account
}

/** Gives a warehouse (and so its stock and purchase orders) to an account. */
export async function assignWarehouse(ctx: AppContext, warehouseId: string, accountId: string): Promise<void> {
  if (!(await store.findAccount(ctx.store.db, accountId))) throw new NotFoundError(localized(`There is no account "${accountId}".`, `不存在账户「${accountId}」。`));
  const result = await ctx.store.db.updateTable('warehouses').set({ account_id: accountId, updated_at: ctx.now() }).where('id', '=', warehouseId).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new NotFoundError(localized(`There is no warehouse "${warehouseId}".`, `不存在仓库「${warehouseId}」。`));
}
