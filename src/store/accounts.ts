/**
 * Accounts, users, memberships, sessions, sign-in links, API keys and the audit log (issue 10).
 * Tokens are looked up by their SHA-256 hash; the tokens themselves are never stored.
 */
import type { Store } from './database';
import type { Executor } from './orders';
import type { AuditLogTable } from './schema-accounts';
import type { Insertable } from 'kysely';
import type SqliteDatabase from 'better-sqlite3';
import { busyWaitMs, retryWhileBusy } from './sqlite-dialect';

export async function findAccount(db: Executor, id: string) {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function ensureAccount(db: Executor, id: string, name: string, now: number): Promise<void> {
  await db.insertInto('accounts').values({ id, name, created_at: now }).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export async function countUsers(db: Executor): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findUserByEmail(db: Executor, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}

export async function findUser(db: Executor, id: number) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listUsers(db: Executor, accountId?: string) {
  let query = db.selectFrom('users').select(['id', 'account_id', 'email', 'name', 'account_owner', 'locked_until', 'disabled_at', 'created_at']).orderBy('id');
  if (accountId) query = query.where('account_id', '=', accountId);
  return query.execute();
}

export async function membershipsOf(db: Executor, userId: number) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .innerJoin('shops', 'shops.id', 'memberships.shop_id')
    // A membership never reaches across accounts, even if a row says so.
    .whereRef('shops.account_id', '=', 'users.account_id')
    .where('memberships.user_id', '=', userId)
    .select(['memberships.shop_id', 'memberships.role'])
    .execute();
}

export async function shopsOfAccount(db: Executor, accountId: string): Promise<string[]> {
  const rows = await db.selectFrom('shops').select('id').where('account_id', '=', accountId).orderBy('id').execute();
  return rows.map((r) => r.id);
}

export async function warehousesOfAccount(db: Executor, accountId: string): Promise<string[]> {
  const rows = await db.selectFrom('warehouses').select('id').where('account_id', '=', accountId).orderBy('id').execute();
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
    .select(['user_sessions.token_hash', 'user_sessions.csrf_token', 'user_sessions.last_seen_at', 'user_sessions.expires_at', 'users.id as user_id', 'users.email', 'users.name', 'users.account_id', 'users.account_owner'])
    .executeTakeFirst();
}

/** A key that is not revoked, with its shops (only those of the key's own account). */
export async function findLiveApiKey(db: Executor, tokenHash: string) {
  const key = await db.selectFrom('api_keys').selectAll().where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst();
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

const AUDIT_COLUMNS = ['at', 'account_id', 'shop_id', 'order_id', 'actor_kind', 'actor_id', 'actor_name', 'action', 'target', 'outcome', 'ip', 'detail'] as const;

type AuditRowInput = Insertable<AuditLogTable>;

/**
 * Group commit of audit lines on SQLite: the lines of the requests that finish in the same turn of the event loop
 * are written in one transaction (a cached prepared statement, taken on Kysely's connection so it never lands
 * inside another request's open transaction), and each caller waits for the commit that holds its line — so the
 * line is written before the answer leaves, while 50 concurrent writers share one commit instead of paying one each.
 */
class SqliteAuditWriter {
  private pending: Array<{ row: AuditRowInput; done: (error?: unknown) => void }> = [];
  private scheduled = false;
  private readonly insertAll: SqliteDatabase.Transaction<(rows: AuditRowInput[]) => void>;

  constructor(private readonly store: Store, sqlite: NonNullable<Store['sqlite']>) {
    const statement = sqlite.prepare<unknown[]>(`INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map(() => '?').join(', ')})`);
    this.insertAll = sqlite.transaction((rows: AuditRowInput[]) => {
      for (const row of rows) statement.run(...AUDIT_COLUMNS.map((c) => (row as Record<string, unknown>)[c] ?? null));
    });
  }

  write(rows: AuditRowInput[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let left = rows.length;
      for (const row of rows) this.pending.push({ row, done: (error) => (error ? reject(error) : --left === 0 && resolve()) });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    try {
      // BEGIN IMMEDIATE, and a file another process holds is waited for without blocking the event loop.
      const rows = batch.map((p) => p.row);
      await retryWhileBusy(() => this.store.db.connection().execute(async () => this.insertAll.immediate(rows)), busyWaitMs());
      for (const p of batch) p.done();
    } catch (error) {
      for (const p of batch) p.done(error);
    }
  }
}

const auditWriters = new WeakMap<object, SqliteAuditWriter>();

/** Audit lines outside any transaction (one per write request): grouped per event-loop turn on SQLite. */
export async function insertAuditRows(store: Store, rows: AuditRowInput[]): Promise<void> {
  if (rows.length === 0) return;
  const sqlite = store.sqlite;
  if (!sqlite) return insertAudit(store.db, rows);
  let writer = auditWriters.get(sqlite);
  if (!writer) {
    writer = new SqliteAuditWriter(store, sqlite);
    auditWriters.set(sqlite, writer);
  }
  return writer.write(rows);
}
