/**
 * The transport the carrier adapters share (Karrio's split: each carrier's request building and response parsing
 * are pure functions in its folder; only this file touches the network). A request is a plain value built by the
 * carrier's protocol module; the answer comes back as status + bytes, and the protocol module parses it.
 *
 * A network failure or a timeout is `CarrierUnavailableError` (the outcome of a write is unknown); what the
 * carrier said is for the protocol module to judge.
 */
import { outboundFetch } from '../outbound';
import { CarrierUnavailableError } from './types';

export interface CarrierHttpRequest {
  method: 'GET' | 'POST';
  /** Path and query, appended to the account's base URL: `/api/WayBill/CreateOrder`, `/router/api/service?…`. */
  path: string;
  headers: Record<string, string>;
  /** The exact body sent (signatures are computed over it), or none. */
  body?: string;
}

export interface CarrierHttpAnswer {
  status: number;
  contentType: string;
  bytes: Buffer;
}

/** Sends one request; `fetchImpl` is Node's fetch unless a test gives another. */
export type CarrierTransport = (request: CarrierHttpRequest) => Promise<CarrierHttpAnswer>;

export function httpTransport(baseUrl: string, options: { timeoutMs?: number; carrierName: string }): CarrierTransport {
  const base = baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async (request) => {
    let response: Response;
    try {
      response = await outboundFetch(
        `${base}${request.path}`,
        {
          method: request.method,
          headers: request.headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
        },
        { field: 'url', timeoutMs },
      );
    } catch (error) {
      throw new CarrierUnavailableError(
        `${options.carrierName} at ${base} did not answer ${request.method} ${request.path.split('?')[0]}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      throw new CarrierUnavailableError(
        `${options.carrierName} at ${base} broke off its answer to ${request.path.split('?')[0]}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', bytes };
  };
}

/** Fetches a document the carrier links to (a label PDF), with the same timeout rules. */
export async function fetchDocument(
  url: string,
  options: { timeoutMs?: number; carrierName: string; headers?: Record<string, string> },
): Promise<Buffer> {
  let response: Response;
  try {
    response = await outboundFetch(
      url,
      { headers: options.headers ?? {} },
      { field: 'label_url', timeoutMs: options.timeoutMs ?? 10_000, maxBytes: 20 * 1024 * 1024 },
    );
  } catch (error) {
    throw new CarrierUnavailableError(
      `${options.carrierName} label at ${url} could not be fetched: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!response.ok)
    throw new CarrierUnavailableError(`${options.carrierName} label at ${url} answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** JSON of an answer, or a clear error naming the carrier when it is not JSON (an HTML error page, a proxy). */
export function jsonOf(answer: CarrierHttpAnswer, carrierName: string): unknown {
  const text = answer.bytes.toString('utf8');
  if (answer.status >= 500)
    throw new CarrierUnavailableError(
      `${carrierName} failed (HTTP ${answer.status})${text ? `: ${text.slice(0, 200)}` : ''}`,
    );
  try {
    return text ? (JSON.parse(text) as unknown) : {};
  } catch {
    throw new CarrierUnavailableError(
      `${carrierName} answered HTTP ${answer.status} with something that is not JSON: ${text.slice(0, 120)}`,
    );
  }
}
