/**
 * The AliExpress transport: one signed HTTP call with its own timeout, retried with backoff and jitter.
 *
 * Reads are retried on all transient failures. Writes are retried only when the platform certainly did not apply
 * them (429, call limits, 503 / service unavailable, a connection never established); otherwise the failure is an
 * AmbiguousOutcomeError and the caller reads the order back. A Retry-After header or a platform ban is waited out
 * in full; a wait longer than `maxRetryAfterMs` is handed back as `retryAfterMs` instead of being slept. The clock,
 * sleep, randomness and fetch are injectable; credentials never leave this object except signed.
 */
import { guardedFetch } from '../outbound';
import type {
  AliExpressClientConfig,
  AliExpressCredentials,
  AttemptFailure,
  CallKind,
  CallOptions,
  ClientEvent,
  RawCallResult,
  RetryPolicy,
} from './client-types';
import {
  AmbiguousOutcomeError,
  MarketplaceError,
  RetryableMarketplaceError,
  redactSecrets,
  type AmbiguousReason,
} from './errors';
import { interpretAnswer } from './gateway-answer';
import { signedRequest, type ResolvedGateway } from './gateway-request';
import { DEFAULT_IOP_BASE_URL, DEFAULT_TOP_BASE_URL } from './protocol';

const DEFAULT_TIMEOUT_MS = 15_000;
const NOT_SENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export class GatewayTransport {
  readonly #credentials: AliExpressCredentials;
  readonly #gateway: ResolvedGateway;
  readonly #timeoutMs: number;
  readonly #retry: Required<RetryPolicy>;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #fetch: typeof fetch;
  readonly #onEvent: ((event: ClientEvent) => void) | undefined;

  constructor(config: AliExpressClientConfig) {
    const { appKey, appSecret, accessToken } = config.credentials;
    if (!appKey || !appSecret || !accessToken) {
      throw new Error('AliExpress client: appKey, appSecret and accessToken are all required.');
    }
    this.#credentials = { appKey, appSecret, accessToken };
    const gateway = config.gateway ?? { protocol: 'iop' };
    const baseUrl = (
      gateway.baseUrl ?? (gateway.protocol === 'iop' ? DEFAULT_IOP_BASE_URL : DEFAULT_TOP_BASE_URL)
    ).replace(/\/+$/, '');
    this.#gateway = {
      protocol: gateway.protocol,
      baseUrl,
      signMethod: gateway.protocol === 'top' ? (gateway.signMethod ?? 'hmac-sha256') : 'hmac-sha256',
    };
    this.#timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retry = {
      maxAttempts: Math.max(1, config.retry?.maxAttempts ?? 4),
      baseDelayMs: config.retry?.baseDelayMs ?? 250,
      maxDelayMs: config.retry?.maxDelayMs ?? 8_000,
      maxRetryAfterMs: config.retry?.maxRetryAfterMs ?? 60_000,
    };
    this.#now = config.now ?? Date.now;
    this.#sleep = config.sleep ?? abortableSleep;
    this.#random = config.random ?? Math.random;
    this.#fetch =
      config.fetch ?? guardedFetch({ field: 'gateway_url', timeoutMs: 120_000, maxBytes: 32 * 1024 * 1024 }); // the outgoing-request guard; the timeout is the client's own
    this.#onEvent = config.onEvent;
  }

  get protocol(): 'iop' | 'top' {
    return this.#gateway.protocol;
  }

  get baseUrl(): string {
    return this.#gateway.baseUrl;
  }

  /**
   * Low-level signed call with retries. `kind: 'write'` makes unknown outcomes
   * ambiguous instead of retrying them. Undefined and empty parameters are not sent.
   */
  async call(
    method: string,
    businessParams: Readonly<Record<string, string | undefined>>,
    kind: CallKind,
    options: CallOptions = {},
  ): Promise<RawCallResult> {
    let lastError: MarketplaceError | undefined;
    for (let attempt = 1; attempt <= this.#retry.maxAttempts; attempt++) {
      if (options.signal?.aborted) break;
      this.#onEvent?.({ type: 'attempt', method, attempt });
      const startedAt = this.#now();
      const outcome = await this.#attempt(method, businessParams, kind, options.signal);
      const durationMs = this.#now() - startedAt;
      if ('response' in outcome) {
        this.#onEvent?.({ type: 'success', method, attempt, durationMs });
        return outcome;
      }
      const { error } = outcome;
      error.attempts = attempt;
      lastError = error;
      const delayMs = this.#retryDelay(error, attempt, outcome.stop === true);
      if (delayMs === undefined) {
        this.#onEvent?.({ type: 'failure', method, attempt, kind: error.kind, code: error.code, durationMs });
        throw error;
      }
      this.#onEvent?.({ type: 'retry', method, attempt, delayMs, code: error.code, durationMs });
      try {
        await this.#sleep(delayMs, options.signal);
      } catch {
        break; // the caller gave up while we waited
      }
    }
    throw (
      lastError ??
      new RetryableMarketplaceError(`${method}: cancelled before it was sent`, {
        method,
        code: 'ABORTED',
        reason: 'network',
        attempts: 0,
      })
    );
  }

  /** Undefined = do not retry. */
  #retryDelay(error: MarketplaceError, attempt: number, stop: boolean): number | undefined {
    if (!(error instanceof RetryableMarketplaceError) || stop) return undefined;
    if (attempt >= this.#retry.maxAttempts) return undefined;
    const { baseDelayMs, maxDelayMs, maxRetryAfterMs } = this.#retry;
    if (error.retryAfterMs !== undefined) {
      if (error.retryAfterMs > maxRetryAfterMs) return undefined;
      // Wait the full ban, plus a little jitter so that many workers do not come back in the same instant.
      return error.retryAfterMs + Math.floor(this.#random() * baseDelayMs);
    }
    const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    // "Equal jitter": at least half the step, so the backoff still grows.
    return Math.floor(step / 2 + this.#random() * (step / 2));
  }

  async #attempt(
    method: string,
    businessParams: Readonly<Record<string, string | undefined>>,
    kind: CallKind,
    callerSignal: AbortSignal | undefined,
  ): Promise<RawCallResult | AttemptFailure> {
    const requestTimestamp = this.#now();
    const { url, body } = signedRequest(this.#gateway, this.#credentials, method, businessParams, requestTimestamp);
    const timeoutSignal = AbortSignal.timeout(this.#timeoutMs);
    const signal = callerSignal ? AbortSignal.any([timeoutSignal, callerSignal]) : timeoutSignal;

    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
        body,
        signal,
      });
    } catch (error) {
      return this.#transportFailure(method, kind, error, 'request', callerSignal);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      return this.#transportFailure(method, kind, error, 'body', callerSignal);
    }
    return interpretAnswer(method, kind, response, text, requestTimestamp, {
      now: this.#now(),
      clean: (t) => this.clean(t),
    });
  }

  #transportFailure(
    method: string,
    kind: CallKind,
    error: unknown,
    phase: 'request' | 'body',
    callerSignal: AbortSignal | undefined,
  ): AttemptFailure {
    const stop = callerSignal?.aborted === true;
    const timedOut = !stop && isTimeoutError(error);
    const code = timedOut ? 'TIMEOUT' : stop ? 'ABORTED' : (networkErrorCode(error) ?? 'NETWORK_ERROR');
    const detail = this.clean(describeError(error));
    // A connection that was never made cannot have delivered the request.
    const certainlyNotSent = phase === 'request' && NOT_SENT_NETWORK_CODES.has(code);
    if (kind === 'write' && !certainlyNotSent) {
      const reason: AmbiguousReason = timedOut ? 'timeout' : 'connection_lost';
      return {
        stop,
        error: new AmbiguousOutcomeError(
          `${method}: ${timedOut ? `no answer within ${this.#timeoutMs} ms` : `connection lost (${detail})`}; ` +
            'the change may have been applied — read the order back before retrying',
          { method, code, reason },
        ),
      };
    }
    return {
      stop,
      error: new RetryableMarketplaceError(
        `${method}: ${timedOut ? `no answer within ${this.#timeoutMs} ms` : `network failure (${detail})`}`,
        { method, code, reason: timedOut ? 'timeout' : 'network' },
      ),
    };
  }

  /** Redacts the credentials (and their URL-encoded forms) out of text that came from the network. */
  clean(text: string): string {
    const { appSecret, accessToken } = this.#credentials;
    return redactSecrets(text, [appSecret, accessToken]);
  }
}

function isTimeoutError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'TimeoutError' || (error.cause instanceof Error && error.cause.name === 'TimeoutError'))
  );
}

/** undici wraps socket errors: `TypeError('fetch failed', { cause: { code } })`. */
function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
