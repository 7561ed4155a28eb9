import { localized, type Localized } from '../core/i18n';
import type { ImportIssue } from '../core/order-input';
import { isSqliteBusy } from '../store/sqlite-busy';

/** The database cannot be reached now (HTTP 503 with Retry-After); raised by the store, named here for the callers. */
export { DatabaseUnavailableError, isDatabaseUnavailable } from '../store/unavailable';

/** Input that broke a rule: each issue names the field (and row); nothing was changed. HTTP 400. */
export class ValidationError extends Error {
  constructor(readonly issues: ImportIssue[]) {
    super(
      issues
        .slice(0, 5)
        .map((i) => `row ${i.row}, ${i.field}: ${i.message.en}`)
        .join('\n') + (issues.length > 5 ? `\n… and ${issues.length - 5} more` : ''),
    );
    this.name = 'ValidationError';
  }
}

import { LocalizedError } from '../core/i18n';

/** The base of every error a seller reads (declared in core, so the store can refuse in both languages too). */
export { LocalizedError };

/** A state rule refused an action. HTTP 409 with the rule. */
export class ConflictError extends LocalizedError {
  constructor(
    readonly rule: string,
    localizedMessage: Localized,
    readonly state?: string,
  ) {
    super(localizedMessage);
  }
}

/** The optimistic lock's refusal: the order was written by someone else since it was read (`state`: as read). */
export function orderChangedMeanwhile(state?: string): ConflictError {
  return new ConflictError(
    'order.version',
    localized('the order changed meanwhile; try again.', '订单已被修改，请重试。'),
    state,
  );
}

/** An order's optimistic version check lost to another writer: a use case that re-reads the order retries it. */
export function isOrderVersionConflict(error: unknown): boolean {
  return error instanceof ConflictError && error.rule === 'order.version';
}

/** HTTP 404: no such object, or not one the caller may see. */
export class NotFoundError extends LocalizedError {}

/** No valid credentials (no session, bad password, revoked key). HTTP 401. */
export class AuthenticationError extends LocalizedError {}

/** Signed in, but the role does not allow this. HTTP 403. */
export class ForbiddenError extends LocalizedError {}

/** Too many attempts (password guessing lockout, rate limits). HTTP 429 with Retry-After. */
export class TooManyAttemptsError extends LocalizedError {
  readonly statusCode = 429;
  constructor(
    localizedMessage: Localized,
    readonly retryAfterSeconds: number,
    readonly code = 'too_many_attempts',
  ) {
    super(localizedMessage);
  }
}

/** The disk holding the database (or a file being written) is full: the transaction rolled back. HTTP 507. */
export class DiskFullError extends LocalizedError {
  constructor(override readonly cause?: unknown) {
    super(
      localized(
        'The disk holding the database is full: nothing was saved. Free some space (or move the database to a larger disk) and try again.',
        '数据库所在的磁盘已满：未保存任何内容。请释放磁盘空间（或把数据库移到更大的磁盘）后重试。',
      ),
    );
  }
}

/** SQLite's SQLITE_FULL (a full disk, or the database's page limit), PostgreSQL's 53100 disk_full, a file's ENOSPC. */
function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC' || error instanceof DiskFullError;
}

/** Another process held the SQLite file's write lock for longer than the wait (SHIPBY_SQLITE_BUSY_WAIT_MS). HTTP 503. */
export class StoreBusyError extends LocalizedError {
  readonly retryAfterSeconds = 5;
  constructor(override readonly cause?: unknown) {
    super(
      localized(
        'The database is busy with another process (a large import?): nothing was saved. Try again in a moment.',
        '数据库正被另一个进程占用（可能是大批量导入）：未保存任何内容。请稍后重试。',
      ),
    );
  }
}

/** The error a seller should read for a failure from below: a full disk or a busy file becomes one they can act on. */
export function sellerError(error: unknown): unknown {
  if (error instanceof LocalizedError) return error;
  if (isDiskFull(error)) return new DiskFullError(error);
  if (isSqliteBusy(error)) return new StoreBusyError(error);
  return error;
}
