/**
 * Accounts, users, memberships, sessions, sign-in links, API keys and the audit log (issue 10).
 * Tokens are looked up by their SHA-256 hash; the tokens themselves are never stored.
 */
import type { Store } from './database';
import type { Executor } from './orders';
import type { AuditLogTable } from './schema-accounts';
import type { Insertable } from 'kysely';
import { groupCommitFor, type SqliteGroupCommit } from './sqlite-group-commit';

export async function findAccount(db: Executor, id: string) {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function ensureAccount(db: Executor, id: string, name: string, now: number): Promise<void> {
  await db
    .insertInto('accounts')
    .values({ id, name, created_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function countUsers(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findUserByEmail(db: Executor, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}

export async function findUser(db: Executor, id: number) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listUsers(db: Executor, accountId?: string) {
  let query = db
    .selectFrom('users')
    .select(['id', 'account_id', 'email', 'name', 'account_owner', 'locked_until', 'disabled_at', 'created_at'])
    .orderBy('id');
  if (accountId) query = query.where('account_id', '=', accountId);
  return query.execute();
}

export async function membershipsOf(db: Executor, userId: number) {
  return (
    db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .innerJoin('shops', 'shops.id', 'memberships.shop_id')
      // A membership never reaches across accounts, even if a row says so.
      .whereRef('shops.account_id', '=', 'users.account_id')
      .where('memberships.user_id', '=', userId)
      .select(['memberships.shop_id', 'memberships.role'])
      .execute()
  );
}

export async function shopsOfAccount(db: Executor, accountId: string): Promise<string[]> {
  const rows = await db.selectFrom('shops').select('id').where('account_id', '=', accountId).orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** The account of each of these shops (ids of no shop are absent). */
export async function accountsOfShops(db: Executor, shopIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(shopIds)];
  const map = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const row of await db
      .selectFrom('shops')
      .select(['id', 'account_id'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute())
      map.set(row.id, row.account_id);
  }
  return map;
}

export async function warehousesOfAccount(db: Executor, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('warehouses')
    .select('id')
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** The session with its user, if the session is live and the user is not disabled. */
export async function findLiveSession(db: Executor, tokenHash: string, now: number) {
  return db
    .selectFrom('user_sessions')
    .innerJoin('users', 'users.id', 'user_sessions.user_id')
    .where('user_sessions.token_hash', '=', tokenHash)
    .where('user_sessions.expires_at', '>', now)
    .where('users.disabled_at', 'is', null)
    .select([
      'user_sessions.token_hash',
      'user_sessions.csrf_token',
      'user_sessions.last_seen_at',
      'user_sessions.expires_at',
      'users.id as user_id',
      'users.email',
      'users.name',
      'users.account_id',
      'users.account_owner',
    ])
    .executeTakeFirst();
}

/** A key that is not revoked, with its shops (only those of the key's own account). */
export async function findLiveApiKey(db: Executor, tokenHash: string) {
  const key = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!key) return undefined;
  const shops = await db
    .selectFrom('api_key_shops')
    .innerJoin('shops', 'shops.id', 'api_key_shops.shop_id')
    .where('api_key_shops.key_id', '=', key.id)
    .where('shops.account_id', '=', key.account_id)
    .select('api_key_shops.shop_id')
    .execute();
  return { key, shopIds: shops.map((s) => s.shop_id) };
}

export async function insertAudit(db: Executor, rows: Insertable<AuditLogTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('audit_log').values(rows).execute();
}

const AUDIT_COLUMNS = [
  'at',
  'account_id',
  'shop_id',
  'order_id',
  'actor_kind',
  'actor_id',
  'actor_name',
  'action',
  'target',
  'outcome',
  'ip',
  'detail',
] as const;

type AuditRowInput = Insertable<AuditLogTable>;

const auditWriters = new WeakMap<object, SqliteGroupCommit<AuditRowInput, unknown>>();

/** Audit lines outside any transaction (one per write request): grouped per event-loop turn on SQLite. */
export async function insertAuditRows(store: Store, rows: AuditRowInput[]): Promise<void> {
  if (rows.length === 0) return;
  // On SQLite the lines of one event-loop turn share one commit (store/sqlite-group-commit.ts), each request waiting
  // for the commit that holds its line — so the line is written before the answer leaves.
  const writer = groupCommitFor(auditWriters, store, (sqlite) => {
    const statement = sqlite.prepare<unknown[]>(
      `INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`,
    );
    return (row: AuditRowInput) =>
      statement.run(...AUDIT_COLUMNS.map((c) => (row as Record<string, unknown>)[c] ?? null));
  });
  if (!writer) return insertAudit(store.db, rows);
  await Promise.all(rows.map((row) => writer.write(row)));
}
