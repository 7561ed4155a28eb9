/**
 * The server's log: one access line per request (method, route, path, status, duration, caller) and every line of a
 * request carrying its id (`request_id`: the proxy's X-Request-Id when it sends one, else Fastify's own, sent back
 * in the answer). Buyers' personal data is taken out by pino's `redact` — the fields of core/personal-data.ts at any
 * of the first three levels of a logged object, and the credentials in headers — so a line keeps its shape instead
 * of losing whole objects; free text has phone numbers masked. Query strings are not logged (a search can hold a
 * name or a phone number).
 */
import { setting } from '../core/config';
import {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { MASKED, maskPersonalData, PERSONAL_FIELDS } from '../core/personal-data';

const HEADER_SECRETS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

/** The redact paths: credentials in headers, and each personal field at depth 1 to 3 of a logged object. */
function redactPaths(): string[] {
  const fields = [...PERSONAL_FIELDS];
  return [...HEADER_SECRETS, ...fields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`])];
}

export const REQUEST_ID_HEADER = 'x-request-id';

/** Fastify's logger settings: level, redact, and phone numbers masked in messages and errors. */
export function loggerOptions(destination?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level: setting(process.env, 'LOG_LEVEL'),
    redact: { paths: redactPaths(), censor: MASKED },
    ...(destination ? { stream: destination } : {}),
    hooks: {
      logMethod(args, method) {
        // Objects are redacted by path; strings (the message) and errors are masked here.
        method.apply(
          this,
          args.map((arg) =>
            typeof arg === 'string' || arg instanceof Error ? maskPersonalData(arg) : arg,
          ) as Parameters<typeof method>,
        );
      },
    },
  };
}

/** Fastify's request logging, replaced: nothing on arrival, one access line when the answer has gone. */
export class AccessLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'request_id' });
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const principal = request.principal;
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? null,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 10) / 10,
      caller: principal ? `${principal.kind}:${principal.id}` : 'anonymous',
    };
    if (error) request.log.error({ ...line, err: error }, 'request');
    else request.log.info(line, 'request');
  }
}

/** The request id goes back to the caller (and the proxy), to find its lines. */
export function registerRequestIdHeader(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}
