import type { Localized } from '../core/i18n';
import type { ImportIssue } from '../core/order-input';

/** The database cannot be reached now (HTTP 503 with Retry-After); raised by the store, named here for the callers. */
export { DatabaseUnavailableError, isDatabaseUnavailable } from '../store/unavailable';

/** Input that broke a rule: each issue names the field (and row); nothing was changed. HTTP 400. */
export class ValidationError extends Error {
  constructor(readonly issues: ImportIssue[]) {
    super(issues.slice(0, 5).map((i) => `row ${i.row}, ${i.field}: ${i.message.en}`).join('\n') + (issues.length > 5 ? `\n… and ${issues.length - 5} more` : ''));
    this.name = 'ValidationError';
  }
}

/** An error whose message a seller reads, in English and Chinese; the subclass says which answer it is. */
export class LocalizedError extends Error {
  constructor(readonly localizedMessage: Localized) {
    super(localizedMessage.en);
    this.name = new.target.name;
  }
}

/** A state rule refused an action. HTTP 409 with the rule. */
export class ConflictError extends LocalizedError {
  constructor(readonly rule: string, localizedMessage: Localized, readonly state?: string) {
    super(localizedMessage);
  }
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
  constructor(localizedMessage: Localized, readonly retryAfterSeconds: number, readonly code = 'too_many_attempts') {
    super(localizedMessage);
  }
}
