/**
 * Accounts and access (http/routes/auth.ts, auth-admin.ts): who is signed in, users, API keys, the audit log, a
 * buyer's data.
 */
import { anyValue, bool, enumOf, items, list, num, object, ref, str, strOrNull } from './common';

const shopRoles = list(object({ id: str, role: str, permissions: list(str) }));
const principal = {
  kind: enumOf(['user', 'key']),
  name: str,
  account_id: str,
  account_owner: bool,
  /** The default account's owner: changes what every account shares (tracking providers, carrier contracts). */
  installation_owner: bool,
  shops: shopRoles,
};

/** Who is signed in (GET /auth/session): the shops, with the role and permissions in each. */
const Session = object({ ...principal, csrf_token: strOrNull });

const AccountUser = object({
  id: num,
  email: str,
  name: str,
  account_owner: bool,
  locked_until: strOrNull,
  disabled_at: strOrNull,
  created_at: strOrNull,
  shops: list(object({ shop_id: str, role: str })),
});

const ApiKey = object({
  id: num,
  name: str,
  prefix: str,
  role: str,
  shops: list(str),
  created_by: str,
  created_at: strOrNull,
  last_used_at: strOrNull,
  last_used_ip: strOrNull,
  revoked_at: strOrNull,
});

/** A line of the audit log (store/schema-accounts.ts audit_log), its detail parsed. */
const AuditLine = object({
  id: num,
  at: strOrNull,
  account_id: strOrNull,
  shop_id: strOrNull,
  order_id: { type: ['number', 'null'] },
  /** user | key | cli | system | anonymous */
  actor_kind: str,
  actor_id: strOrNull,
  actor_name: str,
  action: str,
  target: strOrNull,
  /** ok | denied | failed */
  outcome: str,
  ip: strOrNull,
  detail: anyValue,
});

export const ACCESS_SCHEMAS = { Session, AccountUser, ApiKey, AuditLine };

/** Signed in (POST /auth/login): the session and when it ends. */
export const signedIn = object({ ...principal, csrf_token: strOrNull, expires_at: strOrNull });
export const signedOut = object({ signed_out: bool });
export const passwordChanged = object({ changed: bool, other_sessions_ended: num, keys_revoked: list(num) });
export const userList = items(ref('AccountUser'));
export const keyList = items(ref('ApiKey'));
export const keyCreated = object({ id: num, key: str, prefix: str, warning: ref('Localized') });
export const keyRevoked = object({ revoked: bool, keys: list(num) });
export const auditLines = items(ref('AuditLine'));
/** Everything the shop holds about one buyer: each order as GET /orders/:id presents it, with its lines and parcels. */
export const buyerExport = object({ shop_id: str, buyer: str, exported_at: str, orders: list(anyValue) });
export const buyerErased = object({ orders: num });
