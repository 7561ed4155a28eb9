/**
 * Who is calling (a signed-in user or an API key) and the few seconds a caller is remembered. Sign-in
 * (app/sign-in.ts) and API keys (app/api-keys.ts) make principals; the HTTP layer reads them.
 */
import { isRole, shopsAllowing, type Role } from '../core/access';
import * as store from '../store/accounts';
import { DEFAULT_ACCOUNT_ID } from '../store/migrations/0009-accounts';
import type { Executor } from '../store/orders';

/** Writes that only keep a timestamp fresh are throttled: a busy key would otherwise write on every request. */
export const TOUCH_EVERY_MS = 60_000;

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
  /** Browser sessions only: the SHA-256 of the session's token (a password change keeps this one session). */
  sessionHash?: string;
}

export interface Origin {
  ip?: string;
  userAgent?: string;
}

export function actorLabel(principal: Principal): string {
  return principal.kind === 'user' ? principal.name : `key:${principal.name}`;
}

/**
 * What a caller manages among the account's users, keys and audit lines (issue 19, finding 5): an account owner
 * the whole account ('account'); anyone else the shops where they hold the owner role, and nothing beyond them.
 */
export function managedShops(principal: Principal): 'account' | string[] {
  return principal.accountOwner ? 'account' : shopsAllowing(principal.roles, 'owner');
}

/**
 * An owner of the installation: the default account's owner, who alone changes what every account shares (policies,
 * carrier contracts, tracking providers) and sees what belongs to no shop.
 */
export function ownsInstallation(principal: Principal): boolean {
  return principal.accountOwner && principal.accountId === DEFAULT_ACCOUNT_ID;
}

export async function rolesOf(
  db: Executor,
  user: { id: number; account_id: string; account_owner: number },
): Promise<Map<string, Role>> {
  const roles = new Map<string, Role>();
  if (user.account_owner) for (const shop of await store.shopsOfAccount(db, user.account_id)) roles.set(shop, 'owner');
  for (const m of await store.membershipsOf(db, user.id))
    if (!roles.has(m.shop_id) && isRole(m.role)) roles.set(m.shop_id, m.role);
  return roles;
}

/**
 * Who a token is, remembered for a few seconds of real time (not the injected clock): without it every request
 * pays two or three queries (issue 10's bench:api). Sign-out, revocation, password resets and role changes made in
 * this process forget at once; made in another process, they take effect within PRINCIPAL_CACHE_MS.
 */
export const PRINCIPAL_CACHE_MS = 5_000;
const principalCache = new Map<string, { principal: Principal; until: number }>();

export function cachedPrincipal(hash: string): Principal | undefined {
  const hit = principalCache.get(hash);
  if (hit && hit.until > Date.now()) return hit.principal;
  if (hit) principalCache.delete(hash);
  return undefined;
}

export function rememberPrincipal(hash: string, principal: Principal): Principal {
  if (principalCache.size >= 10_000) principalCache.clear();
  principalCache.set(hash, { principal, until: Date.now() + PRINCIPAL_CACHE_MS });
  return principal;
}

/** Forgets the remembered callers that match (all of them without a test). */
export function forgetPrincipals(match?: (principal: Principal) => boolean): void {
  for (const [hash, entry] of principalCache) if (!match || match(entry.principal)) principalCache.delete(hash);
}

export function forgetPrincipal(hash: string): void {
  principalCache.delete(hash);
}
