/**
 * The stored answers of POSTs sent with an `Idempotency-Key` (http/idempotency.ts). A key is claimed by one
 * statement (an insert that only overwrites an expired row, or one whose request died before answering), so two
 * requests with the same key never both run. On SQLite the claims and the stored answers of the requests of one
 * event-loop turn share one transaction (store/sqlite-group-commit.ts, as the audit log's lines do): 50 concurrent callers
 * pay one commit, not one each.
 */
import type { Store } from './database';
import type { Executor } from './orders';
import { newLeaseOwner } from './leases';
import { groupCommitFor, type SqliteGroupCommit } from './sqlite-group-commit';

export interface StoredAnswer {
  statusCode: number;
  contentType: string | null;
  body: string | Buffer;
}

export type Claim =
  | { kind: 'claimed'; owner: string }
  | { kind: 'answered'; answer: StoredAnswer }
  | { kind: 'mismatch'; request: string }
  | { kind: 'busy' };

export async function claim(
  store: Store,
  input: { scope: string; key: string; request: string; bodyHash: string; keepMs: number; lockMs: number },
): Promise<Claim> {
  const db = store.db;
  const now = Date.now();
  const owner = newLeaseOwner();
  const fresh = {
    request: input.request,
    body_hash: input.bodyHash,
    status_code: null,
    content_type: null,
    response: null,
    encoding: null,
    owner,
    locked_until: now + input.lockMs,
    created_at: now,
    expires_at: now + input.keepMs,
  };
  const writer = sqliteWriter(store);
  const taken = writer
    ? await writer.claim([
        input.scope,
        input.key,
        fresh.request,
        fresh.body_hash,
        owner,
        fresh.locked_until,
        now,
        fresh.expires_at,
        now,
        now,
      ])
    : await db
        .insertInto('idempotency_keys')
        .values({ scope: input.scope, key: input.key, ...fresh })
        .onConflict((oc) =>
          oc
            .columns(['scope', 'key'])
            .doUpdateSet(fresh)
            .where((eb) =>
              eb.or([
                eb('idempotency_keys.expires_at', '<', now),
                eb.and([eb('idempotency_keys.status_code', 'is', null), eb('idempotency_keys.locked_until', '<', now)]),
              ]),
            ),
        )
        .returning('key')
        .executeTakeFirst();
  if (taken) {
    if (Math.random() < 0.01) await purgeExpired(db, now);
    return { kind: 'claimed', owner };
  }
  const row = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('scope', '=', input.scope)
    .where('key', '=', input.key)
    .executeTakeFirst();
  if (!row) return { kind: 'busy' }; // released between the two statements: the next try claims it
  if (row.request !== input.request || row.body_hash !== input.bodyHash)
    return { kind: 'mismatch', request: row.request };
  if (row.status_code === null) return { kind: 'busy' };
  const body = row.encoding === 'base64' ? Buffer.from(row.response ?? '', 'base64') : (row.response ?? '');
  return { kind: 'answered', answer: { statusCode: row.status_code, contentType: row.content_type, body } };
}

/** Stores the answer of the request that holds the key. */
export async function settle(
  store: Store,
  held: { scope: string; key: string; owner: string },
  answer: StoredAnswer,
): Promise<void> {
  const binary = Buffer.isBuffer(answer.body);
  const response = binary ? (answer.body as Buffer).toString('base64') : (answer.body as string);
  const writer = sqliteWriter(store);
  if (writer)
    return writer.settle([
      answer.statusCode,
      answer.contentType,
      response,
      binary ? 'base64' : 'utf8',
      held.scope,
      held.key,
      held.owner,
    ]);
  await store.db
    .updateTable('idempotency_keys')
    .set({
      status_code: answer.statusCode,
      content_type: answer.contentType,
      response,
      encoding: binary ? 'base64' : 'utf8',
      locked_until: null,
    })
    .where('scope', '=', held.scope)
    .where('key', '=', held.key)
    .where('owner', '=', held.owner)
    .execute();
}

/** Frees a key whose request ended without an answer worth keeping (a 5xx, a 429, a lost connection). */
export async function release(db: Executor, scope: string, key: string, owner: string): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('owner', '=', owner)
    .where('status_code', 'is', null)
    .execute();
}

async function purgeExpired(db: Executor, now = Date.now()): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

type ClaimParams = [
  scope: string,
  key: string,
  request: string,
  bodyHash: string,
  owner: string,
  lockedUntil: number,
  createdAt: number,
  expiresAt: number,
  expiredBefore: number,
  lockedBefore: number,
];
type SettleParams = [
  statusCode: number,
  contentType: string | null,
  response: string,
  encoding: string,
  scope: string,
  key: string,
  owner: string,
];
type Op = { kind: 'claim'; params: ClaimParams } | { kind: 'settle'; params: SettleParams };

const writers = new WeakMap<object, SqliteGroupCommit<Op, unknown>>();

/** The claims and answers of one event-loop turn in one SQLite transaction (store/sqlite-group-commit.ts). */
function sqliteWriter(store: Store) {
  const writer = groupCommitFor(writers, store, (sqlite) => {
    const claim = sqlite.prepare<unknown[]>(
      `INSERT INTO idempotency_keys (scope, key, request, body_hash, status_code, content_type, response, encoding, owner, locked_until, created_at, expires_at)
       VALUES (?, ?, ?, ?, NULL, NULL, NULL, NULL, ?, ?, ?, ?)
       ON CONFLICT (scope, key) DO UPDATE SET request = excluded.request, body_hash = excluded.body_hash, status_code = NULL, content_type = NULL,
         response = NULL, encoding = NULL, owner = excluded.owner, locked_until = excluded.locked_until, created_at = excluded.created_at, expires_at = excluded.expires_at
       WHERE idempotency_keys.expires_at < ? OR (idempotency_keys.status_code IS NULL AND idempotency_keys.locked_until < ?)
       RETURNING key`,
    );
    const settle = sqlite.prepare<unknown[]>(
      'UPDATE idempotency_keys SET status_code = ?, content_type = ?, response = ?, encoding = ?, locked_until = NULL WHERE scope = ? AND key = ? AND owner = ?',
    );
    return (op: Op): unknown => (op.kind === 'claim' ? claim.get(...op.params) : settle.run(...op.params));
  });
  return (
    writer && {
      claim: (params: ClaimParams) => writer.write({ kind: 'claim', params }),
      settle: async (params: SettleParams) => void (await writer.write({ kind: 'settle', params })),
    }
  );
}
