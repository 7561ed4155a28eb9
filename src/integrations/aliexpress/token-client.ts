/**
 * The token calls' transport: one signed POST (authorisation.ts builds it and reads the answer), with its own
 * timeout, through the outgoing-request guard. A token call is not retried here: a refused code or refresh token
 * will not pass by retrying, and the refresh job comes back on its next tick for anything transient.
 */
import { guardedFetch } from '../outbound';
import { redactSecrets } from './errors';
import { readTokenAnswer, tokenRequest, type TokenAnswer, type TokenCall } from './authorisation';

export interface TokenClientConfig {
  /** The platform's (or the fake's) origin, e.g. https://api-sg.aliexpress.com. */
  baseUrl: string;
  appKey: string;
  appSecret: string;
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

export async function callTokenApi(config: TokenClientConfig, call: TokenCall): Promise<TokenAnswer> {
  const now = config.now ?? Date.now;
  const send =
    config.fetch ?? guardedFetch({ field: 'SHIPBY_ALIEXPRESS_GATEWAY_URL', timeoutMs: 60_000, maxBytes: 256 * 1024 });
  const { url, body } = tokenRequest(config.baseUrl, config, call, now());
  let response: Response;
  let text: string;
  try {
    response = await send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(config.timeoutMs ?? 15_000),
    });
    text = await response.text();
  } catch (error) {
    const detail =
      error instanceof Error
        ? error.cause instanceof Error
          ? `${error.message}: ${error.cause.message}`
          : error.message
        : String(error);
    // A body cut off mid-way is as unreadable as a broken one; a connection that never came is unavailability.
    return { type: 'unavailable', detail: redact(detail, config.appSecret, call) };
  }
  const answer = readTokenAnswer(response.status, text, now());
  if (answer.type === 'refused') return { ...answer, message: redact(answer.message, config.appSecret, call) };
  return answer;
}

function redact(text: string, secret: string, call: TokenCall): string {
  return redactSecrets(text, [secret, 'code' in call ? call.code : call.refreshToken]);
}
