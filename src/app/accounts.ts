/**
 * Accounts, users and their roles per shop, password sign-in with lockout, browser sessions, one-time sign-in
 * links, API keys and the audit log (issue 10). Every token is random, shown once and stored as its SHA-256.
 */
import { isRole, passwordProblem, ROLES, type Role } from '../core/access';
import { localized } from '../core/i18n';
import * as store from '../store/accounts';
import type { Executor } from '../store/orders';
import { DEFAULT_ACCOUNT_ID } from '../store/migrations/0009-accounts';
import { auditRow } from './audit';
import type { AppContext } from './context';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { generatedPassword, hashPassword } from './passwords';
import { forgetPrincipals } from './principals';
import { requireUser } from './sign-in';

// Sign-in, keys, callers and the audit log live in their own modules; this one re-exports them for its callers.
export { DEFAULT_ACCOUNT_ID };
export {
  actorLabel,
  forgetPrincipals,
  managedShops,
  ownsInstallation,
  PRINCIPAL_CACHE_MS,
  type Origin,
  type Principal,
} from './principals';
export { auditOfOrder, listAudit, recordAudit, type AuditEntry, type AuditQuery } from './audit';
export { API_KEY_PREFIX, createApiKey, listApiKeys, principalOfApiKey, revokeApiKey, type NewApiKey } from './api-keys';
export {
  changePassword,
  keysOnPasswordChange,
  resetPassword,
  type KeysOnPasswordChange,
} from './password-changes';
export {
  createSignInLink,
  ensureFirstOwner,
  login,
  logout,
  principalOfSession,
  redeemSignInLink,
  SESSION_TTL_MS,
  SIGN_IN_LINK_TTL_MS,
  type SignedIn,
} from './sign-in';

function invalid(field: string, en: string, zh: string): ValidationError {
  return new ValidationError([{ row: 0, field, message: localized(en, zh) }]);
}

const noShopInAccount = (shopId: string) =>
  new NotFoundError(localized(`The account has no shop "${shopId}".`, `该账户下没有店铺「${shopId}」。`));

function normaliseEmail(email: string): string {
  const value = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(value) || value.length > 200)
    throw invalid('email', `"${email}" is not an e-mail address.`, `「${email}」不是有效的电子邮箱地址。`);
  return value;
}

// --- Accounts and users ---------------------------------------------------------------------------------------

export async function createAccount(ctx: AppContext, id: string, name: string): Promise<void> {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(id))
    throw invalid(
      'account',
      `account id "${id}" may use letters, digits, - and _ only.`,
      `账户 ID「${id}」只能包含字母、数字、- 和 _。`,
    );
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

export async function addUser(
  ctx: AppContext,
  input: NewUser,
): Promise<{ id: number; email: string; password: string }> {
  const email = normaliseEmail(input.email);
  const accountId = input.accountId ?? DEFAULT_ACCOUNT_ID;
  const password = input.password ?? generatedPassword();
  const problem = passwordProblem(password);
  if (problem) throw new ValidationError([{ row: 0, field: 'password', message: problem }]);
  const hash = await hashPassword(password);
  const now = ctx.now();
  return ctx.store.db.transaction().execute(async (trx) => {
    if (!(await store.findAccount(trx, accountId)))
      throw new NotFoundError(localized(`There is no account "${accountId}".`, `不存在账户「${accountId}」。`));
    if (await store.findUserByEmail(trx, email))
      throw new ConflictError(
        'user_exists',
        localized(`A user with e-mail ${email} exists already.`, `邮箱为 ${email} 的用户已存在。`),
      );
    const row = await trx
      .insertInto('users')
      .values({
        account_id: accountId,
        email,
        name: input.name ?? email,
        password_hash: hash,
        account_owner: input.accountOwner ? 1 : 0,
        created_at: now,
        updated_at: now,
        locked_until: null,
        disabled_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const grant of input.shops ?? [])
      await grantInTransaction(trx, row.id, accountId, grant.shopId, grant.role, now);
    await store.insertAudit(trx, [
      auditRow(now, {
        accountId,
        actorKind: 'cli',
        actorName: 'cli',
        action: 'user.add',
        target: email,
        outcome: 'ok',
      }),
    ]);
    return { id: row.id, email, password };
  });
}

async function grantInTransaction(
  trx: Executor,
  userId: number,
  accountId: string,
  shopId: string,
  role: Role,
  now: number,
): Promise<void> {
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
  if (!isRole(value))
    throw invalid(
      field,
      `role "${value}" is not one of ${ROLES.join(', ')}.`,
      `角色「${value}」不是 ${ROLES.join('、')} 之一。`,
    );
  return value;
}

export async function grantRole(ctx: AppContext, email: string, shopId: string, role: Role): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, email);
    await grantInTransaction(trx, user.id, user.account_id, shopId, role, ctx.now());
    await store.insertAudit(trx, [
      auditRow(ctx.now(), {
        accountId: user.account_id,
        shopId,
        actorKind: 'cli',
        actorName: 'cli',
        action: 'user.grant',
        target: `${user.email} ${role}`,
        outcome: 'ok',
      }),
    ]);
  });
  forgetPrincipals();
}

/**
 * The account's users with their roles per shop; with `shops` (a shop owner's), only the users who hold a role in
 * one of them, and only those roles: account owners and the other shops' people are not theirs to manage.
 */
export async function listUsers(ctx: AppContext, accountId?: string, shops?: readonly string[]) {
  const users = await store.listUsers(ctx.store.db, accountId);
  const listed = await Promise.all(
    users.map(async (u) => ({ ...u, shops: await store.membershipsOf(ctx.store.db, u.id) })),
  );
  if (!shops) return listed;
  return listed
    .filter((u) => u.account_owner !== 1)
    .map((u) => ({ ...u, shops: u.shops.filter((m) => shops.includes(m.shop_id)) }))
    .filter((u) => u.shops.length > 0);
}

// --- What an account owns -------------------------------------------------------------------------------------

/** A new shop of an account (a shop is created in the default account when an import names it first). */
export async function addShop(
  ctx: AppContext,
  input: { id: string; accountId: string; name?: string; platform?: string },
): Promise<void> {
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(input.id))
    throw invalid(
      'shop',
      `shop id "${input.id}" must be 1–64 letters, digits or . _ : -.`,
      `店铺 ID「${input.id}」须为 1–64 个字母、数字或 . _ : -。`,
    );
  await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await store.findAccount(trx, input.accountId)))
      throw new NotFoundError(
        localized(`There is no account "${input.accountId}".`, `不存在账户「${input.accountId}」。`),
      );
    const existing = await trx
      .selectFrom('shops')
      .select(['id', 'account_id'])
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (existing)
      throw new ConflictError(
        'shop_exists',
        localized(
          `Shop ${input.id} exists already (account ${existing.account_id}).`,
          `店铺 ${input.id} 已存在（账户 ${existing.account_id}）。`,
        ),
      );
    await trx
      .insertInto('shops')
      .values({
        id: input.id,
        name: input.name ?? input.id,
        platform: input.platform ?? 'aliexpress',
        created_at: ctx.now(),
        account_id: input.accountId,
        policy_id: null,
        policy_by_type: null,
        policy_overrides: null,
      })
      .execute();
  });
  forgetPrincipals(); // account owners hold every shop of their account
}

/** Gives a warehouse (and so its stock and purchase orders) to an account. */
export async function assignWarehouse(ctx: AppContext, warehouseId: string, accountId: string): Promise<void> {
  if (!(await store.findAccount(ctx.store.db, accountId)))
    throw new NotFoundError(localized(`There is no account "${accountId}".`, `不存在账户「${accountId}」。`));
  const result = await ctx.store.db
    .updateTable('warehouses')
    .set({ account_id: accountId, updated_at: ctx.now() })
    .where('id', '=', warehouseId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0)
    throw new NotFoundError(localized(`There is no warehouse "${warehouseId}".`, `不存在仓库「${warehouseId}」。`));
}
