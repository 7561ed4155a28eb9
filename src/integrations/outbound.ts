/**
 * The one door for requests to URLs a user configures (alert webhooks, carrier accounts, tracking providers): a
 * fetch-shaped function over node's http/https with
 * - http(s) only;
 * - every address checked at connect time: a literal one before the socket opens, a host name's in the socket's own
 *   `lookup`, so the address judged is the address connected to (a name that resolves to a public address for a
 *   check and to 127.0.0.1 for the connection, DNS rebinding, cannot pass); outbound-address.ts classifies;
 * - no redirects followed (a 3xx comes back as it is, and every caller treats it as a failure);
 * - a short timeout over the whole exchange and the answer's size capped.
 * SHIPBY_OUTBOUND_ALLOW (`host` or `host:port`, comma-separated) names the addresses that may be reached anyway:
 * the tests' and the demo's servers on 127.0.0.1.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { localized, LocalizedError, type Localized } from '../core/i18n';
import { type AddressClass, classifyAddress, isAllowed, parseAllowList } from './outbound-address';

const DEFAULT_OUTBOUND_TIMEOUT_MS = 10_000;
const DEFAULT_OUTBOUND_MAX_BYTES = 2 * 1024 * 1024;

/** A URL the guard will not reach; `field` names the setting it came from when the caller said which. */
export class OutboundRefusedError extends LocalizedError {
  constructor(
    message: Localized,
    readonly field?: string,
  ) {
    super(message);
  }
}

const CLASS_WORDS: Record<Exclude<AddressClass, 'public'>, [string, string]> = {
  loopback: ['this server itself (loopback)', '本服务器自身（回环地址）'],
  private: ['a private network', '内部网络'],
  'link-local': ['a link-local or cloud-metadata address', '链路本地或云元数据地址'],
  shared: ['a carrier-grade NAT address', '运营商级 NAT 地址'],
  unspecified: ['an unspecified address', '未指定地址'],
  multicast: ['a multicast address', '组播地址'],
  reserved: ['a reserved address', '保留地址'],
};

export function refusedAddress(
  field: string | undefined,
  kind: Exclude<AddressClass, 'public'>,
  address: string,
): OutboundRefusedError {
  const [en, zh] = CLASS_WORDS[kind];
  const name = field ?? 'url';
  return new OutboundRefusedError(
    localized(
      `${name}: the address ${address} is ${en}; shipby only sends to public internet addresses. Enter the public address of the service in the dashboard.`,
      `${name}：地址 ${address} 属于${zh}；shipby 只向公网地址发送请求。请在后台填写该服务的公网地址。`,
    ),
    field,
  );
}

export function allowList() {
  return parseAllowList(process.env.SHIPBY_OUTBOUND_ALLOW);
}

const defaultPort = (url: URL) => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);
const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Checks what can be checked without connecting: the scheme and a literal address. Configuration screens call it so
 * the seller hears at once (a 400 naming the field); the transport checks again, and resolves names, at connect time.
 */
export function checkOutboundUrl(text: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OutboundRefusedError(
      localized(`${field}: "${text}" is not a URL.`, `${field}：「${text}」不是有效的网址。`),
      field,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundRefusedError(
      localized(
        `${field}: the URL must start with http:// or https://.`,
        `${field}：网址必须以 http:// 或 https:// 开头。`,
      ),
      field,
    );
  }
  if (url.username || url.password) {
    throw new OutboundRefusedError(
      localized(`${field}: the URL must not carry a user name or password.`, `${field}：网址中不能包含用户名或密码。`),
      field,
    );
  }
  const host = hostOf(url);
  if (isAllowed(allowList(), host, defaultPort(url))) return url;
  const kind =
    classifyAddress(host) ?? (/^localhost$|\.localhost$/i.test(host.replace(/\.$/, '')) ? 'loopback' : undefined);
  if (kind && kind !== 'public') throw refusedAddress(field, kind, host);
  return url;
}

/** How names become addresses: the system resolver, or a test's (one that answers differently each time). */
export type Resolver = (
  hostname: string,
  callback: (error: Error | null, addresses: dns.LookupAddress[]) => void,
) => void;
const systemResolver: Resolver = (hostname, callback) => dns.lookup(hostname, { all: true }, callback);

/** Resolves a name and refuses when any address it gives is not public (unless allowed), in the form the socket asked. */
function guardedLookup(port: number, field: string | undefined, resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, (error, addresses) => {
      if (error) return (callback as (e: Error) => void)(error);
      const list = allowList();
      for (const { address } of addresses) {
        const kind = classifyAddress(address);
        if (kind !== 'public' && !isAllowed(list, address, port) && !isAllowed(list, hostname, port)) {
          return (callback as (e: Error) => void)(
            refusedAddress(field, kind ?? 'reserved', `${address} (${hostname})`),
          );
        }
      }
      if ((options as { all?: boolean }).all)
        return (callback as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return (callback as (e: Error) => void)(new Error(`${hostname} has no address`));
      return (callback as (e: null, a: string, f: number) => void)(null, first.address, first.family);
    });
  };
}

export interface OutboundInit {
  method?: string;
  headers?: Record<string, string> | Headers;
  body?: string | Buffer | Uint8Array;
  signal?: AbortSignal | null;
}

export interface OutboundOptions {
  /** The setting the URL came from (`url`, `base_url`), named in a refusal. */
  field?: string;
  timeoutMs?: number;
  maxBytes?: number;
  /** The resolver asked at connect time (the system's unless a test gives one). */
  resolve?: Resolver;
}

/** A fetch-shaped request through the guard; resolves to a `Response` whose body is already read (and capped). */
export async function outboundFetch(
  input: string | URL,
  init: OutboundInit = {},
  options: OutboundOptions = {},
): Promise<Response> {
  const url = checkOutboundUrl(String(input), options.field ?? 'url');
  const port = defaultPort(url);
  const maxBytes = options.maxBytes ?? DEFAULT_OUTBOUND_MAX_BYTES;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_OUTBOUND_TIMEOUT_MS);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  signal.throwIfAborted();
  const headers: Record<string, string> = {};
  new Headers(init.headers as ConstructorParameters<typeof Headers>[0]).forEach((value, key) => (headers[key] = value));
  const body = init.body === undefined ? undefined : Buffer.from(init.body as string | Uint8Array);
  if (body) headers['content-length'] = String(body.length);
  const transport = url.protocol === 'https:' ? https : http;
  const agentOptions = {
    lookup: guardedLookup(port, options.field, options.resolve ?? systemResolver),
    keepAlive: false,
  };
  return new Promise<Response>((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: init.method ?? 'GET',
        headers,
        agent: new transport.Agent(agentOptions),
        lookup: agentOptions.lookup,
        signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            reject(new Error(`the answer from ${url.host} is larger than ${maxBytes} bytes; it was cut off`));
            request.destroy();
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => {
          const status = response.statusCode ?? 502;
          const answerHeaders = new Headers();
          for (const [key, value] of Object.entries(response.headers)) {
            if (value !== undefined)
              for (const v of Array.isArray(value) ? value : [value]) answerHeaders.append(key, v);
          }
          const nullBody = status === 204 || status === 205 || status === 304 || status < 200;
          resolve(
            new Response(nullBody ? null : Buffer.concat(chunks), {
              status: status < 200 ? 502 : status,
              headers: answerHeaders,
            }),
          );
        });
      },
    );
    // As fetch does: an abort rejects with the signal's reason (TimeoutError), a socket error as `fetch failed` with
    // the socket's error (and its `code`) as the cause.
    request.on('error', (error: Error) =>
      reject(
        error instanceof OutboundRefusedError
          ? error
          : signal.aborted
            ? signal.reason
            : new TypeError('fetch failed', { cause: error }),
      ),
    );
    if (body) request.end(body);
    else request.end();
  });
}

/** `outboundFetch` with its field and limits fixed, in the shape of `fetch` for clients that take one. */
export function guardedFetch(options: OutboundOptions = {}): typeof fetch {
  return ((input: string | URL | Request, init?: RequestInit) =>
    outboundFetch(
      input instanceof Request ? input.url : input,
      init as OutboundInit | undefined,
      options,
    )) as typeof fetch;
}

/** Adds `host:port` to this process's allow-list: the demo's own sample carrier and tracking provider on 127.0.0.1. */
export function allowOutbound(url: string): void {
  const parsed = new URL(url);
  const current = process.env.SHIPBY_OUTBOUND_ALLOW;
  if (isAllowed(parseAllowList(current), hostOf(parsed), defaultPort(parsed))) return;
  process.env.SHIPBY_OUTBOUND_ALLOW = current ? `${current},${parsed.host}` : parsed.host;
}
