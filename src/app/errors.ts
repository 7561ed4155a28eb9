import type { Localized } from '../core/i18n';
import type { ImportIssue } from '../core/order-input';

/** Input that broke a rule: each issue names the field (and row); nothing was changed. HTTP 400. */
export class ValidationError extends Error {
  constructor(readonly issues: ImportIssue[]) {
    super(issues.slice(0, 5).map((i) => `row ${i.row}, ${i.field}: ${i.message.en}`).join('\n') + (issues.length > 5 ? `\n… and ${issues.length - 5} more` : ''));
    this.name = 'ValidationError';
  }
}

/** A state rule refused an action. HTTP 409 with the rule. */
export class ConflictError extends Error {
  constructor(readonly rule: string, readonly localizedMessage: Localized, readonly state?: string) {
    super(localizedMessage.en);
    this.name = 'ConflictError';
  }
}

export class NotFoundError extends Error {
  constructor(readonly localizedMessage: Localized) {
    super(localizedMessage.en);
    this.name = 'NotFoundError';
  }
}

/** No valid credentials (no session, bad password, revoked key). HTTP 401. */
export class AuthenticationError extends Error {
  constructor(readonly localizedMessage: Localized) {
    super(localizedMessage.en);
    this.name = 'AuthenticationError';
  }
}

/** Signed in, but the role does not allow this. HTTP 403. */
export class ForbiddenError extends Error {
  constructor(readonly localizedMessage: Localized) {
    super(localizedMessage.en);
    this.name = 'ForbiddenError';
  }
}

/** Too many attempts (password guessing lockout). HTTP 429 with Retry-After. */
export class TooManyAttemptsError extends Error {
  readonly statusCode = 429;
  constructor(readonly localizedMessage: Localized, readonly retryAfterSeconds: number, readonly code = 'too_many_attempts') {
    super(localizedMessage.en);
    this.name = 'TooManyAttemptsError';
  }
}
