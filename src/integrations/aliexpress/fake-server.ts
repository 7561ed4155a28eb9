/**
 * A fake AliExpress Open Platform: a real HTTP server (node:http) that speaks the signed protocol of both gateways,
 * for tests, benchmarks and local development.
 *
 * Protocol paths (what a real client calls):
 * - `POST|GET /sync?method=<api>` — IOP gateway: parameters from the query string and/or a form-encoded or
 *   multipart body; `sign_method=sha256` (HMAC-SHA256, no path prefix for dotted APIs); `timestamp` epoch ms or
 *   ISO-8601, accepted within ±7200 s. As observed on the real gateway, a TOP-style call (md5/hmac/hmac-sha256
 *   with a GMT+8 timestamp) is accepted on /sync too. Errors use the gateway's envelope `{error_response: {type, code, msg, request_id}}`.
 * - `POST|GET /router/rest` — TOP gateway: md5 / hmac / hmac-sha256, GMT+8 `yyyy-MM-dd HH:mm:ss` timestamp within
 *   ±10 min, errors in `{error_response: {code, msg, sub_code, sub_msg, request_id}}`.
 * - `/rest` (API path in `method`, as the Python IOP SDK posts it) or `/rest/<path>` — IOP system APIs: the signature
 *   (with the path prefix) is checked; `/auth/token/create` and `/auth/token/refresh` answer the token fields
 *   (fake-auth.ts), anything else is refused as unsupported. Errors here are the four top-level fields.
 * Successful answers are wrapped in `<api_with_underscores>_response` on both gateways.
 *
 * Test/admin API, separate from the protocol: everything under `/__fake/` (seed orders, read state and declared
 * shipments, set faults, read request counts, move the clock, mint an authorisation code): fake-admin.ts.
 *
 * Files: this one wires the HTTP server, its routes and the stats; fake-flow.ts the protocol request flow;
 * fake-gateway.ts the gateway checks and error shapes; fake-dispatch.ts the business APIs; fake-faults.ts the fault
 * injection; fake-auth.ts the seller authorisation; fake-marketplace.ts the platform's state; fake-http.ts the HTTP
 * plumbing.
 *
 * Faults, settable at runtime, each with a probability drawn from a seeded RNG, an optional `count` (at most that
 * many times) and an optional `methods` filter: `serverError` (5xx before processing), `timeout` (hold the request
 * without answering, then drop it), `rateLimit` (HTTP 429 + Retry-After, or the platform's flow-control answer),
 * `dropAfterCommit` (apply the change, then destroy the socket without answering). An optional
 * `maxRequestsPerSecond` enforces a real flow-control limit per app key.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { IOP_REST_PREFIX, IOP_SYNC_PATH, TOP_PATH } from './protocol';
import { FakeAuth } from './fake-auth';
import { handleConsent } from './fake-consent';
import { handleAdmin, type AdminContext } from './fake-admin';
import { FaultInjector, type FaultConfig } from './fake-faults';
import { handleProtocol, type ProtocolFlow } from './fake-flow';
import type { Gateway } from './fake-gateway';
import { readParams, sendJson } from './fake-http';
import { FakeMarketplace } from './fake-marketplace';

export type { FaultConfig, FaultRule } from './fake-faults';
export { parseMultipartFields } from './fake-http';

// ---------------------------------------------------------------------------------------------------------------
// Options, stats

export interface FakeServerOptions {
  host?: string;
  /** 0 = an ephemeral port. */
  port?: number;
  appKey?: string;
  appSecret?: string;
  /** Accepted seller tokens; when empty, any non-empty token is accepted. */
  accessTokens?: string[];
  /** The platform clock (epoch ms); an admin offset is added to it. */
  now?: () => number;
  /** Seeds both the fault RNG and generated orders. */
  seed?: number;
  seedOrders?: number;
  faults?: FaultConfig;
  /** Flow control: more protocol requests than this in one clock second (per app key) get the platform's ban. */
  maxRequestsPerSecond?: number;
  sellerLoginId?: string;
  /** Lifetime of the access tokens `/auth/token/create` and `/auth/token/refresh` issue. Default 30 days. */
  accessTokenTtlMs?: number;
  /** Lifetime of a refresh token from the authorisation (a refresh does not extend it). Default 60 days. */
  refreshTokenTtlMs?: number;
  /** How long the consent page's code is good for (once). Default 30 minutes. */
  codeTtlMs?: number;
  /** Told of every protocol request as it arrives, before any fault (benchmarks: when each order's calls came). */
  onCall?: (call: { method: string; params: ReadonlyMap<string, string>; at: number }) => void;
}

export interface FakeServerStats {
  /** Protocol requests (admin calls excluded). */
  total: number;
  byGateway: { iop: number; top: number; rest: number };
  byMethod: Record<string, number>;
  outcomes: {
    ok: number;
    gatewayError: number;
    businessRefusal: number;
    injectedServerError: number;
    injectedRateLimit: number;
    injectedTimeout: number;
    injectedGatewayError: number;
    /** Injected gateway errors that came after the change was applied. */
    injectedGatewayErrorAfterCommit: number;
    droppedAfterCommit: number;
    flowControlled: number;
  };
  /** Highest number of protocol requests seen within one clock second. */
  peakPerSecond: number;
}

export interface FakeAliExpressServer {
  readonly url: string;
  readonly port: number;
  readonly marketplace: FakeMarketplace;
  /** Seller authorisation: codes, issued tokens and their expiry (fake-auth.ts). */
  readonly auth: FakeAuth;
  readonly appKey: string;
  now(): number;
  setFaults(faults: FaultConfig): void;
  clearFaults(): void;
  stats(): FakeServerStats;
  resetStats(): void;
  /** Moves the fake platform clock relative to the injected one. */
  setClockOffset(offsetMs: number): void;
  close(): Promise<void>;
}

export const DEFAULT_FAKE_APP_KEY = 'fake-app-key';
export const DEFAULT_FAKE_APP_SECRET = 'fake-app-secret';

function emptyStats(): FakeServerStats {
  return {
    total: 0,
    byGateway: { iop: 0, top: 0, rest: 0 },
    byMethod: {},
    outcomes: {
      ok: 0,
      gatewayError: 0,
      businessRefusal: 0,
      injectedServerError: 0,
      injectedRateLimit: 0,
      injectedTimeout: 0,
      injectedGatewayError: 0,
      injectedGatewayErrorAfterCommit: 0,
      droppedAfterCommit: 0,
      flowControlled: 0,
    },
    peakPerSecond: 0,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Server

/** Counts each protocol request (per gateway, per API) and the busiest clock second. */
function requestCounter(stats: () => FakeServerStats): ProtocolFlow['countRequest'] {
  let secondBucket = -1;
  let countInSecond = 0;
  return (gateway, method, at) => {
    const current = stats();
    current.total++;
    current.byGateway[gateway]++;
    if (method) current.byMethod[method] = (current.byMethod[method] ?? 0) + 1;
    const second = Math.floor(at / 1000);
    if (second !== secondBucket) {
      secondBucket = second;
      countInSecond = 0;
    }
    countInSecond++;
    current.peakPerSecond = Math.max(current.peakPerSecond, countInSecond);
  };
}

/** The admin API under `/__fake/`, the consent page, else the gateway the path names (404 for any other path). */
async function route(
  flow: ProtocolFlow,
  admin: AdminContext,
  appKey: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { marketplace, auth, now } = flow;
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  if (url.pathname.startsWith('/__fake/') || url.pathname === '/__fake') {
    await handleAdmin(admin, req, res, url);
    return;
  }
  if (handleConsent({ appKey, sellerLoginId: marketplace.sellerLoginId, auth, now }, url, res)) return;
  let gateway: Gateway;
  if (url.pathname === IOP_SYNC_PATH) gateway = 'iop';
  else if (url.pathname === TOP_PATH) gateway = 'top';
  // The official IOP SDKs post to `<base>/rest` with the API path in `method` (Python) or to `<base>/rest<path>`.
  else if (url.pathname === IOP_REST_PREFIX || url.pathname.startsWith(IOP_REST_PREFIX + '/')) gateway = 'rest';
  else {
    sendJson(res, 404, { error: 'not found' });
    return;
  }
  const params = await readParams(req, url);
  await handleProtocol(flow, gateway, url, params, req, res);
}

/** Listens (an ephemeral port by default) and answers the server's address. */
async function listenOn(server: Server, options: FakeServerOptions): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the fake server has no TCP address');
  const host = options.host ?? '127.0.0.1';
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`, port: address.port };
}

export async function startFakeAliExpressServer(options: FakeServerOptions = {}): Promise<FakeAliExpressServer> {
  const appKey = options.appKey ?? DEFAULT_FAKE_APP_KEY;
  const appSecret = options.appSecret ?? DEFAULT_FAKE_APP_SECRET;
  const accessTokens = new Set(options.accessTokens ?? []);
  const baseNow = options.now ?? Date.now;
  let clockOffset = 0;
  const now = () => baseNow() + clockOffset;
  const marketplace = new FakeMarketplace(options.sellerLoginId ? { sellerLoginId: options.sellerLoginId } : {});
  const auth = new FakeAuth({
    sellerLoginId: marketplace.sellerLoginId,
    ...(options.accessTokenTtlMs !== undefined ? { accessTokenTtlMs: options.accessTokenTtlMs } : {}),
    ...(options.refreshTokenTtlMs !== undefined ? { refreshTokenTtlMs: options.refreshTokenTtlMs } : {}),
    ...(options.codeTtlMs !== undefined ? { codeTtlMs: options.codeTtlMs } : {}),
  });
  if (options.seedOrders) marketplace.seedRandomOrders(options.seedOrders, now(), options.seed ?? 1);

  const faults = new FaultInjector(options.seed ?? 1);
  if (options.faults) faults.set(options.faults);
  let stats = emptyStats();
  let requestCount = 0;
  const heldTimers = new Set<NodeJS.Timeout>();
  const flow: ProtocolFlow = {
    marketplace,
    auth,
    faults,
    gatewayCheck: {
      appKey,
      appSecret,
      accessTokens,
      auth,
      maxRequestsPerSecond: options.maxRequestsPerSecond,
      perAppSecond: new Map<string, { second: number; count: number }>(),
    },
    now,
    requestId: () => `0b${randomBytes(6).toString('hex')}${(++requestCount).toString(16).padStart(6, '0')}`,
    stats: () => stats,
    countRequest: requestCounter(() => stats),
    onCall: options.onCall,
    heldTimers,
  };
  const admin: AdminContext = {
    marketplace,
    auth,
    faults,
    seed: options.seed,
    now,
    baseNow,
    clockOffset: () => clockOffset,
    setClockOffset: (offsetMs) => {
      clockOffset = offsetMs;
    },
    stats: () => stats,
    resetStats: () => {
      stats = emptyStats();
    },
  };

  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    route(flow, admin, appKey, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
      } else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const { url, port } = await listenOn(server, options);

  return {
    url,
    port,
    marketplace,
    auth,
    appKey,
    now,
    setFaults: (config: FaultConfig) => faults.set(config),
    clearFaults: () => faults.set({}),
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = emptyStats();
    },
    setClockOffset: (offsetMs: number) => {
      clockOffset = offsetMs;
    },
    close: async () => {
      for (const timer of heldTimers) clearTimeout(timer);
      heldTimers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
