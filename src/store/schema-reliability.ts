/** Tables of migration 0012: the stored answers of repeated POSTs. */
import type { Selectable } from 'kysely';

/** A POST's `Idempotency-Key`, per caller, with the first answer (http/idempotency.ts). */
export interface IdempotencyKeysTable {
  /** Who sent it (a user, an API key, or the caller's address when none), so keys never cross callers. */
  scope: string;
  key: string;
  /** `POST /route/with/:params` as called (the method and the URL without its query). */
  request: string;
  /** SHA-256 of the request body and query: a different body under the same key is refused. */
  body_hash: string;
  /** null while the first request is still being answered. */
  status_code: number | null;
  content_type: string | null;
  response: string | null;
  /** `utf8`, or `base64` for a binary answer (a PDF). */
  encoding: string | null;
  /** The request holding the key while it is in flight (store/leases.ts owner ids). */
  owner: string | null;
  /** While in flight: a repeat waits, and after it (the process died) the key can be used again. */
  locked_until: number | null;
  created_at: number;
  expires_at: number;
}

export interface ReliabilityTables {
  idempotency_keys: IdempotencyKeysTable;
}

export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;
