/**
 * "Database outages are weather": when PostgreSQL goes away (a restart, a failover, an admin terminating our
 * connections, the network), every query fails with one typed error, `DatabaseUnavailableError`, and nothing else
 * happens — no process exits. The HTTP layer answers it 503 with Retry-After, the jobs wait for their next tick, and
 * the pool makes new connections by itself once the server is back.
 *
 * `resilientPool` wraps pg's pool for Kysely: every connection gets an `error` listener for its whole life (pg's
 * `pool.on('error')` covers idle clients only; an error on a checked-out client without a listener ends the
 * process), and connection errors of `connect` and `query` are turned into `DatabaseUnavailableError`. Any other
 * error (a constraint, a deadlock, a syntax error) passes unchanged.
 */
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/** The database cannot be reached now; nothing was done, and the same request can be made again later. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
  /** The driver's own code (ECONNREFUSED, 57P01, …), for the logs. */
  readonly reason: string;
  constructor(cause: unknown) {
    const raw = cause as { code?: unknown; message?: unknown };
    const reason = typeof raw?.code === 'string' && raw.code ? raw.code : 'connection';
    super(
      `the database is unavailable (${reason}: ${typeof raw?.message === 'string' ? raw.message : String(cause)})`,
      { cause },
    );
    this.name = 'DatabaseUnavailableError';
    this.reason = reason;
  }
}

/** Socket errors that mean the server is not there (or went away). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/**
 * PostgreSQL SQLSTATEs of a server that is going or not yet there: 57P01 admin_shutdown (restart, pg_terminate_backend),
 * 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, recovery), and class 08, connection exceptions.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03']);
/** pg's own messages for a connection lost or never made (it sets no code on them). */
const LOST_CONNECTION =
  /Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect|Connection ended unexpectedly|terminating connection/i;

/**
 * Whether an error means the database is unreachable now (as opposed to a query the database refused): a
 * `DatabaseUnavailableError`, which only the database's own connections raise — a carrier or tracking provider
 * refusing its connection (ECONNREFUSED too) is not the database being away.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let e = error, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if (e instanceof DatabaseUnavailableError) return true;
  }
  return false;
}

/** Whether a driver error is a lost or refused connection to the database (the wrapper below types it). */
export function isConnectionError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)))
    return true;
  if (typeof message === 'string' && LOST_CONNECTION.test(message)) return true;
  const cause = (error as { cause?: unknown }).cause;
  // AggregateError (several addresses refused), or an error wrapping the driver's.
  if (
    Array.isArray((error as { errors?: unknown }).errors) &&
    (error as { errors: unknown[] }).errors.some(isConnectionError)
  )
    return true;
  return cause !== undefined && cause !== error && isConnectionError(cause);
}

function typed(error: unknown): unknown {
  return !(error instanceof DatabaseUnavailableError) && isConnectionError(error)
    ? new DatabaseUnavailableError(error)
    : error;
}

/**
 * pg's pool as Kysely's pool, surviving the server's absence: connection errors are handled on every client and
 * surface as `DatabaseUnavailableError`. `onConnectionError` hears each lost connection once (for a log line).
 */
export function resilientPool(pool: pg.Pool, onConnectionError: (error: Error) => void): PostgresPool {
  // A checked-out client's socket error: the query in progress rejects with it; the pool drops the client on release.
  pool.on('connect', (client) => client.on('error', onConnectionError));
  // An idle client's: the pool drops it and makes a new one when asked.
  pool.on('error', onConnectionError);
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let wrapper = wrappers.get(client);
    if (!wrapper) {
      // A client whose query met a lost connection is never handed out again.
      let broken = false;
      wrapper = {
        query: ((text: unknown, parameters?: unknown) => {
          const result = (client.query as (a: unknown, b?: unknown) => unknown)(text, parameters);
          if (!(result instanceof Promise)) return result;
          return result.catch((error: unknown) => {
            const thrown = typed(error);
            if (thrown instanceof DatabaseUnavailableError) broken = true;
            throw thrown;
          });
        }) as PostgresPoolClient['query'],
        release: (destroy?: boolean) => {
          client.release(destroy || broken ? true : undefined);
          wrappers.delete(client);
        },
      };
      wrappers.set(client, wrapper);
    }
    return wrapper;
  };
  return {
    connect: async () => {
      try {
        return wrap(await pool.connect());
      } catch (error) {
        throw typed(error);
      }
    },
    end: () => pool.end(),
  };
}
