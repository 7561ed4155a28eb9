/**
 * API keys (issue 10): random, shown once, stored as their SHA-256, scoped to shops and a role, revocable.
 * Issue 19: a key remembers who made it — the user's session (`created_by_user_id`) or another key
 * (`parent_key_id`) — so a password change can end the user's keys and revoking a key ends the keys it minted;
 * a shop owner manages only the keys of their shops.
 */
import { isRole, type Role } from '../core/access';
import { localized } from '../core/i18n';
import * as store from '../store/accounts';
import type { Executor } from '../store/orders';
import { auditRow, recordAudit } from './audit';
import type { AppContext } from './context';
import { NotFoundError, ValidationError } from './errors';
import { randomToken, tokenHash } from './passwords';
import {
  cachedPrincipal,
  forgetPrincipals,
  rememberPrincipal,
  TOUCH_EVERY_MS,
  type Origin,
  type Principal,
} from './principals';

export const API_KEY_PREFIX = 'sbk_';

export interface NewApiKey {
  accountId: string;
  name: string;
  role: Role;
  shopIds: string[];
  createdBy: string;
  /** Who makes it: a user's session or a key (then the new key ends when that one is revoked). */
  madeBy?: Pick<Principal, 'kind' | 'id'>;
}

const noShopInAccount = (shopId: string) =>
  new NotFoundError(localized(`The account has no shop "${shopId}".`, `该账户下没有店铺「${shopId}」。`));
const noLiveKey = (id: number) =>
  new NotFoundError(localized(`There is no live API key ${id}.`, `不存在有效的 API 密钥 ${id}。`));

export async function createApiKey(
  ctx: AppContext,
  input: NewApiKey,
): Promise<{ id: number; token: string; prefix: string }> {
  const name = input.name.trim();
  if (!name || name.length > 80)
    throw new ValidationError([
      {
        row: 0,
        field: 'name',
        message: localized(
          'The key needs a name (up to 80 characters) that says who uses it.',
          '密钥需要一个名称（最多 80 个字符），说明由谁使用。',
        ),
      },
    ]);
  if (input.shopIds.length === 0)
    throw new ValidationError([
      {
        row: 0,
        field: 'shops',
        message: localized('A key must be scoped to at least one shop.', '密钥必须至少限定一个店铺。'),
      },
    ]);
  const token = randomToken(API_KEY_PREFIX);
  const prefix = token.slice(0, API_KEY_PREFIX.length + 6);
  const now = ctx.now();
  const parentKeyId = input.madeBy?.kind === 'key' ? input.madeBy.id : null;
  const id = await ctx.store.db.transaction().execute(async (trx) => {
    // A key revoked a moment ago (still remembered by another process) mints nothing.
    if (
      parentKeyId !== null &&
      !(await trx
        .selectFrom('api_keys')
        .select('id')
        .where('id', '=', parentKeyId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst())
    ) {
      throw noLiveKey(parentKeyId);
    }
    const shops = await trx.selectFrom('shops').select(['id', 'account_id']).where('id', 'in', input.shopIds).execute();
    for (const shopId of input.shopIds) {
      if (!shops.some((s) => s.id === shopId && s.account_id === input.accountId)) throw noShopInAccount(shopId);
    }
    const row = await trx
      .insertInto('api_keys')
      .values({
        account_id: input.accountId,
        name,
        prefix,
        token_hash: tokenHash(token),
        role: input.role,
        created_by: input.createdBy,
        created_at: now,
        last_used_at: null,
        last_used_ip: null,
        revoked_at: null,
        created_by_user_id: input.madeBy?.kind === 'user' ? input.madeBy.id : null,
        parent_key_id: parentKeyId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('api_key_shops')
      .values(input.shopIds.map((shop_id) => ({ key_id: row.id, shop_id })))
      .execute();
    await store.insertAudit(trx, [
      auditRow(now, {
        accountId: input.accountId,
        actorKind: 'user',
        actorName: input.createdBy,
        action: 'key.create',
        target: `${name} (${prefix}…, ${input.role}: ${input.shopIds.join(', ')})`,
        outcome: 'ok',
      }),
    ]);
    return row.id;
  });
  return { id, token, prefix };
}

/** The account's keys; with `shops`, only those whose every shop is one of them (a shop owner's keys). */
export async function listApiKeys(ctx: AppContext, accountId: string, shops?: readonly string[]) {
  const keys = await ctx.store.db
    .selectFrom('api_keys')
    .select(['id', 'name', 'prefix', 'role', 'created_by', 'created_at', 'last_used_at', 'last_used_ip', 'revoked_at'])
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
  const scopes = keys.length
    ? await ctx.store.db
        .selectFrom('api_key_shops')
        .selectAll()
        .where(
          'key_id',
          'in',
          keys.map((k) => k.id),
        )
        .execute()
    : [];
  const listed = keys.map((k) => ({ ...k, shops: scopes.filter((s) => s.key_id === k.id).map((s) => s.shop_id) }));
  return shops ? listed.filter((k) => k.shops.length > 0 && k.shops.every((s) => shops.includes(s))) : listed;
}

/**
 * Revokes keys and every key they minted, in one transaction (issue 19: an owner key's children do not outlive
 * it). Answers the ids revoked.
 */
export async function revokeKeysInTransaction(trx: Executor, ids: readonly number[], now: number): Promise<number[]> {
  const all = new Set<number>(ids);
  let frontier = [...ids];
  while (frontier.length > 0) {
    const children = await trx
      .selectFrom('api_keys')
      .select('id')
      .where('parent_key_id', 'in', frontier)
      .where('revoked_at', 'is', null)
      .execute();
    frontier = children.map((c) => c.id).filter((id) => !all.has(id));
    for (const id of frontier) all.add(id);
  }
  if (all.size === 0) return [];
  const revoked = await trx
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', 'in', [...all])
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  const gone = new Set(revoked.map((r) => r.id));
  forgetPrincipals((p) => p.kind === 'key' && (gone.has(p.id) || all.has(p.id)));
  return [...gone].sort((a, b) => a - b);
}

/** Revokes a key of the account (with `shops`: only one whose every shop is among them) and the keys it minted. */
export async function revokeApiKey(
  ctx: AppContext,
  accountId: string,
  id: number,
  by: string,
  shops?: readonly string[],
): Promise<number[]> {
  const now = ctx.now();
  const revoked = await ctx.store.db.transaction().execute(async (trx) => {
    const key = await trx
      .selectFrom('api_keys')
      .select('id')
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!key) throw noLiveKey(id);
    if (shops) {
      const scope = await trx.selectFrom('api_key_shops').select('shop_id').where('key_id', '=', id).execute();
      if (scope.length === 0 || !scope.every((s) => shops.includes(s.shop_id))) throw noLiveKey(id);
    }
    return revokeKeysInTransaction(trx, [id], now);
  });
  await recordAudit(ctx, {
    accountId,
    actorKind: 'user',
    actorName: by,
    action: 'key.revoke',
    target: revoked.join(', '),
    outcome: 'ok',
  });
  return revoked;
}

export async function principalOfApiKey(
  ctx: AppContext,
  token: string,
  origin: Origin = {},
): Promise<Principal | undefined> {
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
      await trx
        .updateTable('api_keys')
        .set({ last_used_at: now, last_used_ip: origin.ip ?? null })
        .where('id', '=', key.id)
        .execute();
      await store.insertAudit(trx, [
        auditRow(now, {
          accountId: key.account_id,
          actorKind: 'key',
          actorId: String(key.id),
          actorName: key.name,
          action: 'key.use',
          target: key.prefix,
          outcome: 'ok',
          ip: origin.ip,
        }),
      ]);
    });
  }
  return rememberPrincipal(hash, {
    kind: 'key',
    id: key.id,
    name: key.name,
    accountId: key.account_id,
    accountOwner: false,
    roles: new Map(shopIds.map((s) => [s, role] as const)),
  });
}
