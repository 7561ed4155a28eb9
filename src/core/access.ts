/**
 * Who may do what (issue 10): roles are held per shop, permissions are what a route needs. One table maps
 * roles to permissions, so a route never names a role and a role's reach is read in one place.
 */
import { localized, type Localized } from './i18n';

export const ROLES = ['owner', 'manager', 'packer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'orders:read', // orders, deadlines, verdicts, metrics, plan
  'orders:write', // import, accept, cancel, extend, labels, cases
  'stock:read',
  'stock:write', // adjustments, purchase orders
  'parcels:read', // parcels and their tracking
  'pack', // the pack station: sessions, scans, weights, labels of the order in hand
  'settings:read', // boxes, sender, carrier rules, policies, webhooks (never secrets)
  'settings:write', // carriers, rules, boxes, sender
  'owner', // keys, policies, secrets, users, audit log, buyers' personal data
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_ALL: Permission[] = ['orders:read', 'stock:read', 'parcels:read', 'settings:read'];

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: PERMISSIONS,
  manager: [...READ_ALL, 'orders:write', 'stock:write', 'settings:write', 'pack'],
  // The pack station needs the order in hand (read) and the parcels; nothing else.
  packer: ['pack', 'parcels:read', 'orders:read'],
  viewer: READ_ALL,
};

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The shops (of a principal's roles) where a permission is held. */
export function shopsAllowing(roles: ReadonlyMap<string, Role>, permission: Permission): string[] {
  const shops: string[] = [];
  for (const [shop, role] of roles) if (roleAllows(role, permission)) shops.push(shop);
  return shops.sort();
}

// ---------------------------------------------------------------------------------------------------------------
// Password guessing: after FAILED_LOGINS_BEFORE_LOCK wrong passwords in a row the user is locked, for a time that
// doubles with every further failure (capped), so a guessing loop gets nowhere and a typo costs a minute at most.
export const FAILED_LOGINS_BEFORE_LOCK = 5;
const FIRST_LOCK_MS = 60_000;
export const MAX_LOCK_MS = 24 * 3_600_000;

export function lockoutAfter(failedLogins: number): number {
  if (failedLogins < FAILED_LOGINS_BEFORE_LOCK) return 0;
  return Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** (failedLogins - FAILED_LOGINS_BEFORE_LOCK));
}

/** A password a person chose: long enough that the lockout, not luck, is what stops guessing. */
export function passwordProblem(password: string): Localized | undefined {
  if (password.length < 10)
    return localized('The password must have at least 10 characters.', '密码至少需要 10 个字符。');
  if (password.length > 200)
    return localized('The password must have at most 200 characters.', '密码最多 200 个字符。');
  return undefined;
}
