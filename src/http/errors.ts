/**
 * One error shape for every API answer: { error: { code, message, messages: {en, zh-CN}, … } }.
 * `message` follows Accept-Language; both languages are always there.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  AuthenticationError,
  ConflictError,
  DiskFullError,
  ForbiddenError,
  isDatabaseUnavailable,
  NotFoundError,
  sellerError,
  StoreBusyError,
  TooManyAttemptsError,
  ValidationError,
} from '../app/errors';
import { localized, pickLocale, type Localized } from '../core/i18n';
import { dataErrorIssue } from './input-guards';
import { requestRefusal, schemaRefusal } from './schema-refusals';

export function errorBody(
  request: FastifyRequest,
  code: string,
  message: Localized,
  extra: Record<string, unknown> = {},
) {
  const locale = pickLocale(request.headers['accept-language']);
  return { error: { code, message: message[locale], messages: message, ...extra } };
}

export function handleError(thrown: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const locale = pickLocale(request.headers['accept-language']);
  const error = sellerError(thrown) as FastifyError | Error;
  if (error instanceof DiskFullError) {
    request.log.error({ err: error.cause }, 'disk full');
    return reply.status(507).send(errorBody(request, 'disk_full', error.localizedMessage));
  }
  if (error instanceof StoreBusyError) {
    request.log.warn({ err: error.cause }, 'database busy');
    return reply
      .status(503)
      .header('retry-after', String(error.retryAfterSeconds))
      .send(errorBody(request, 'busy', error.localizedMessage, { retry_after_seconds: error.retryAfterSeconds }));
  }
  if (error instanceof ValidationError) {
    return reply.status(400).send(
      errorBody(
        request,
        'validation',
        localized('The request has invalid fields; nothing was changed.', '请求中有无效字段；未做任何更改。'),
        {
          issues: error.issues.map((i) => ({
            path: i.field,
            row: i.row,
            message: i.message[locale],
            messages: i.message,
            ...(i.fix ? { fix: i.fix } : {}),
          })),
        },
      ),
    );
  }
  if (error instanceof ConflictError) {
    return reply
      .status(409)
      .send(errorBody(request, 'conflict', error.localizedMessage, { rule: error.rule, state: error.state }));
  }
  if (error instanceof NotFoundError) {
    return reply.status(404).send(errorBody(request, 'not_found', error.localizedMessage));
  }
  if (error instanceof AuthenticationError) {
    return reply.status(401).send(errorBody(request, 'unauthenticated', error.localizedMessage));
  }
  if (error instanceof ForbiddenError) {
    return reply.status(403).send(errorBody(request, 'forbidden', error.localizedMessage));
  }
  if (error instanceof TooManyAttemptsError) {
    return reply
      .status(429)
      .header('retry-after', String(error.retryAfterSeconds))
      .send(errorBody(request, error.code, error.localizedMessage, { retry_after_seconds: error.retryAfterSeconds }));
  }
  if (isDatabaseUnavailable(error)) return databaseUnavailable(request, reply);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    return reply.status(400).send(
      errorBody(
        request,
        'validation',
        localized('The request has invalid fields; nothing was changed.', '请求中有无效字段；未做任何更改。'),
        {
          issues: fastifyError.validation.map((v) => {
            const { path, message } = schemaRefusal(request, fastifyError.validationContext, v);
            return { path, message: message[locale], messages: message };
          }),
        },
      ),
    );
  }
  if (fastifyError.statusCode && fastifyError.statusCode < 500) {
    return reply
      .status(fastifyError.statusCode)
      .send(errorBody(request, fastifyError.code ?? 'bad_request', requestRefusal(fastifyError)));
  }
  const dataError = dataErrorIssue(error, request);
  if (dataError) return handleError(dataError, request, reply);
  request.log.error({ err: error }, 'request failed');
  return reply
    .status(500)
    .send(
      errorBody(
        request,
        'internal',
        localized(
          'Something went wrong on our side; nothing was lost, try again.',
          '服务器出错；未丢失任何数据，请重试。',
        ),
      ),
    );
}

/** Seconds a client is asked to wait while the database is away; the pool reconnects by itself when it is back. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The database is away (a restart, a failover): 503 with Retry-After; nothing was done, the request can be repeated. */
function databaseUnavailable(request: FastifyRequest, reply: FastifyReply) {
  return reply
    .status(503)
    .header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
    .send(
      errorBody(
        request,
        'database_unavailable',
        localized(
          `The database is unavailable for a moment. Try again in ${DATABASE_RETRY_AFTER_SECONDS} s.`,
          `数据库暂时不可用。请 ${DATABASE_RETRY_AFTER_SECONDS} 秒后重试。`,
        ),
        { retry_after_seconds: DATABASE_RETRY_AFTER_SECONDS },
      ),
    );
}
