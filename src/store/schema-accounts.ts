/** Accounts, users, roles per shop, sessions, sign-in links, API keys and the audit log (migration 0009, issue 10). */
import type { Generated, Selectable } from 'kysely';

export interface AccountsTable {
  id: string;
  name: string;
  created_at: number;
}

export interface UsersTable {
  id: Generated<number>;
  account_id: string;
  /** Lower-cased; unique across the installation. */
  email: string;
  name: string;
  /** scrypt (app/passwords.ts); null = signs in only through a one-time link until a password is set. */
  password_hash: string | null;
  /** 1 = owner of every shop of the account, present and future; others hold roles per shop (memberships). */
  account_owner: Generated<number>;
  failed_logins: Generated<number>;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
  disabled_at: number | null;
}

export interface MembershipsTable {
  user_id: number;
  shop_id: string;
  /** core/access.ts ROLES */
  role: string;
  created_at: number;
}

export interface UserSessionsTable {
  /** SHA-256 of the cookie's random token (base64url). */
  token_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  ip: string | null;
  user_agent: string | null;
}

export interface SignInLinksTable {
  token_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface ApiKeysTable {
  id: Generated<number>;
  account_id: string;
  name: string;
  /** The key's first characters, shown in lists so a seller can tell keys apart. */
  prefix: string;
  token_hash: string;
  role: string;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  last_used_ip: string | null;
  revoked_at: number | null;
  /** The user whose session made the key (migration 0019): a password change or reset may end it. */
  created_by_user_id: number | null;
  /** The key that made this one: revoking it ends this one too. */
  parent_key_id: number | null;
}

/** Wrong passwords for e-mails of no user, counted like a user's (migration 0019). */
export interface SignInFailuresTable {
  /** SHA-256 (base64url) of the lower-cased e-mail. */
  email_hash: string;
  failed_logins: number;
  locked_until: number | null;
  updated_at: number;
}

/** Browsers that signed in before (the `shipby_device` cookie, hashed): they sign in while the user is locked. */
export interface KnownDevicesTable {
  token_hash: string;
  user_id: number;
  /** Wrong passwords sent from this device in a row: at the lockout's threshold the device is forgotten. */
  failed_logins: number;
  created_at: number;
  last_used_at: number;
}

export interface ApiKeyShopsTable {
  key_id: number;
  shop_id: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  account_id: string | null;
  shop_id: string | null;
  order_id: number | null;
  /** user | key | cli | system | anonymous */
  actor_kind: string;
  actor_id: string | null;
  actor_name: string;
  /** e.g. login, logout, key.create, key.revoke, key.use, POST /orders/:id/actions/:action */
  action: string;
  target: string | null;
  /** ok | denied | failed */
  outcome: string;
  ip: string | null;
  /** JSON */
  detail: string | null;
}

export interface AccountTables {
  accounts: AccountsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  user_sessions: UserSessionsTable;
  sign_in_links: SignInLinksTable;
  api_keys: ApiKeysTable;
  api_key_shops: ApiKeyShopsTable;
  audit_log: AuditLogTable;
  sign_in_failures: SignInFailuresTable;
  known_devices: KnownDevicesTable;
}

export type UserRow = Selectable<UsersTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type AuditRow = Selectable<AuditLogTable>;
