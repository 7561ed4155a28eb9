/**
 * Access to the API (issue 10), in one place:
 * - ROUTE_ACCESS (route-access.ts) declares, for every route, the permission it needs and where its shop comes from. A route that
 *   is not in the table makes buildServer throw, so it cannot ship undeclared (and every test fails).
 * - `onRequest` finds the caller: an API key (`Authorization: Bearer sbk_…`) or a browser session cookie.
 * - `preValidation` applies the route's declaration before the body is validated or any handler runs:
 *   nobody → 401; a role without the permission → 403; another shop's (or account's) object → 404, the same
 *   answer as for an object that does not exist, so ids cannot be probed. Cookie sessions must echo their CSRF
 *   token in `x-csrf-token` on every unsafe request.
 * - Handlers read `request.access`: the shops and warehouses the caller may see, and the actor name to record.
 * - Every unsafe request of a known caller goes to the audit log with its outcome.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  actorLabel,
  ownsInstallation,
  principalOfApiKey,
  principalOfSession,
  recordAudit,
  type Principal,
} from '../app/accounts';
import { accountOfPurchaseOrder, shopOfObject, warehousesOfAccount } from '../app/access-scope';
import type { AppContext } from '../app/context';
import {
  AuthenticationError,
  ForbiddenError,
  NotFoundError,
  TooManyAttemptsError,
  ValidationError,
  isDatabaseUnavailable,
} from '../app/errors';
import { shopsAllowing, type Permission } from '../core/access';
import { localized } from '../core/i18n';
import { accessOf, type RouteAccess, type Where } from './route-access';

export { accessOf, ROUTE_ACCESS, type RouteAccess, type Where } from './route-access';

export const SESSION_COOKIE = 'shipby_session';
/** A browser that signed in before (sent to /auth only): it signs in while its user is locked. */
export const DEVICE_COOKIE = 'shipby_device';
export const CSRF_HEADER = 'x-csrf-token';

/** What a handler may see and whom it records as the actor. `shops`/`warehouses` undefined: no limit (auth off). */
export interface AccessGrant {
  shops?: string[];
  warehouses?: string[];
  actor: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    access: AccessGrant;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export interface AccessOptions {
  /** false: every caller may do everything (tests of other capabilities, and the limit in `bench:api`). */
  required: boolean;
  /** Unknown API keys an IP may send a minute before it gets 429 (default 30). */
  badCredentialsPerMinute?: number;
}

/**
 * The rate limiter counts per key, so a loop that sends a new made-up key each time would never meet it: unknown
 * keys are counted per IP here, and past the limit that IP is answered 429 before any lookup.
 */
class BadCredentialCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  constructor(private readonly perMinute: number) {}

  /** Seconds to wait, when the IP is over the limit. */
  blockedFor(ip: string, now = Date.now()): number | undefined {
    const window = this.windows.get(ip);
    if (!window || window.resetAt <= now) return undefined;
    return window.count >= this.perMinute ? Math.ceil((window.resetAt - now) / 1000) : undefined;
  }

  record(ip: string, now = Date.now()): void {
    const window = this.windows.get(ip);
    if (!window || window.resetAt <= now) {
      if (this.windows.size >= 100_000) this.windows.clear();
      this.windows.set(ip, { count: 1, resetAt: now + 60_000 });
    } else window.count++;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const notFound = () =>
  new NotFoundError(localized('Not found, or not one of your shops.', '未找到，或不属于您的店铺。'));
const forbidden = (permission: Permission) =>
  new ForbiddenError(
    localized(
      `Your role does not allow this (it needs the "${permission}" permission).`,
      `您的角色无权执行此操作（需要「${permission}」权限）。`,
    ),
  );

function valuesAt(request: FastifyRequest, where: Where): string[] | undefined {
  const source = (where.in === 'params' ? request.params : where.in === 'query' ? request.query : request.body) as
    | Record<string, unknown>
    | undefined
    | null;
  const value = source && typeof source === 'object' ? source[where.field] : undefined;
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function idParam(request: FastifyRequest): number | undefined {
  const raw = (request.params as Record<string, unknown>)?.['id'];
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

export function registerAccess(app: FastifyInstance, ctx: AppContext, options: AccessOptions): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('access', undefined as unknown as AccessGrant);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      const access = accessOf(method, route.url);
      if (!access) {
        throw new Error(
          `Route ${method} ${route.url} has no declared permission: add it to ROUTE_ACCESS in src/http/access.ts.`,
        );
      }
      route.config = { ...(route.config ?? {}), access };
    }
  });

  identifyCallers(app, ctx, options);
  checkAccess(app, ctx, options);
  auditUnsafeRequests(app, ctx);
}

/** `onRequest`: the caller, from an API key or a session cookie; unknown keys counted per IP. */
function identifyCallers(app: FastifyInstance, ctx: AppContext, options: AccessOptions): void {
  const badCredentials = new BadCredentialCounter(options.badCredentialsPerMinute ?? 30);
  app.addHook('onRequest', async (request, reply) => {
    request.access = { actor: 'api' };
    if (!options.required) return;
    // A route with its own token (the metrics scraper's) is not an API caller: its Authorization is not a key.
    if (request.routeOptions.config?.access?.scope === 'own-token') return;
    const authorization = request.headers.authorization;
    if (authorization) {
      const wait = badCredentials.blockedFor(request.ip);
      if (wait !== undefined) {
        throw new TooManyAttemptsError(
          localized(
            `Too many unknown API keys from this address: try again in ${wait} s.`,
            `此地址发送了过多无效的 API 密钥：请 ${wait} 秒后重试。`,
          ),
          wait,
          'rate_limited',
        );
      }
      const [scheme, token] = authorization.split(' ');
      const principal =
        scheme?.toLowerCase() === 'bearer' && token
          ? await principalOfApiKey(ctx, token, { ip: request.ip })
          : undefined;
      if (!principal) {
        badCredentials.record(request.ip);
        // A wrong key is an error even on public routes: a machine that sends one wants to know.
        throw new AuthenticationError(localized('The API key is unknown or revoked.', 'API 密钥无效或已撤销。'));
      }
      request.principal = principal;
      return;
    }
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (!cookie) return;
    request.principal = await principalOfSession(ctx, cookie);
    // An ended session is ordinary: the browser is told to drop the cookie, and the caller is no one.
    if (!request.principal) reply.clearCookie(SESSION_COOKIE, { path: '/' });
  });
}

/** `preValidation`: the route's declaration applied before its body is validated or its handler runs. */
function checkAccess(app: FastifyInstance, ctx: AppContext, options: AccessOptions): void {
  app.addHook('preValidation', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access) return;
    if (!options.required) {
      request.access = { actor: actorOf(request) };
      return;
    }
    if (access.scope === 'public' || access.scope === 'own-token') return;
    const principal = request.principal;
    if (!principal)
      throw new AuthenticationError(localized('Sign in first (or send an API key).', '请先登录（或提供 API 密钥）。'));
    if (principal.csrfToken && UNSAFE.has(request.method) && request.headers[CSRF_HEADER] !== principal.csrfToken) {
      throw new ForbiddenError(
        localized(
          `The request lacks this session's CSRF token (${CSRF_HEADER}); reload the page.`,
          `请求缺少本次会话的 CSRF 令牌（${CSRF_HEADER}）；请刷新页面。`,
        ),
      );
    }
    request.access = { actor: actorLabel(principal) };
    if (access.scope === 'signed-in') return;

    const allowed = shopsAllowing(principal.roles, access.permission);
    // An account's owner may do everything in it, shops or not yet: on an empty installation the owner has no shop,
    // and still opens the account's own things (its shop list, warehouses, stock, the shared settings) to set them up.
    if (allowed.length === 0 && !principal.accountOwner) throw forbidden(access.permission);
    // A warehouse named (beside the shops, or for the account's stock) must be one of the account's.
    const namedWarehouses =
      (access.scope === 'shops' || access.scope === 'account') && access.warehouse
        ? valuesAt(request, access.warehouse)
        : undefined;
    if (namedWarehouses) {
      const ours = await warehousesOfAccount(ctx, principal.accountId);
      if (!namedWarehouses.every((w) => ours.includes(w))) throw notFound();
    }
    await grantScope(ctx, request, principal, access, allowed, namedWarehouses);
  });
}

/** A route declared with a permission: what its scope lets the caller see (another's object is a 404). */
async function grantScope(
  ctx: AppContext,
  request: FastifyRequest,
  principal: Principal,
  access: Exclude<RouteAccess, { scope: 'public' | 'own-token' | 'signed-in' }>,
  allowed: string[],
  namedWarehouses: string[] | undefined,
): Promise<void> {
  switch (access.scope) {
    case 'shops': {
      const named = access.shop ? valuesAt(request, access.shop) : undefined;
      if (!named) {
        if (access.required && access.shop) {
          throw new ValidationError([
            {
              row: 0,
              field: access.shop.field,
              message: localized(
                `${access.shop.field} is required: name the shop.`,
                `${access.shop.field} 为必填项：请指定店铺。`,
              ),
            },
          ]);
        }
        request.access.shops = allowed;
        return;
      }
      for (const shop of named) {
        if (!principal.roles.has(shop)) throw notFound();
        if (!allowed.includes(shop)) throw forbidden(access.permission);
      }
      request.access.shops = named;
      return;
    }
    case 'order':
    case 'parcel':
    case 'case':
    case 'pack-session': {
      const id = idParam(request);
      if (id === undefined) return; // validation answers 400; there is nothing to see
      const shop = await shopOfObject(ctx, access.scope, id);
      if (!shop || !principal.roles.has(shop)) throw notFound();
      if (!allowed.includes(shop)) throw forbidden(access.permission);
      request.access.shops = [shop];
      return;
    }
    case 'account': {
      request.access.shops = allowed;
      request.access.warehouses = namedWarehouses ?? (await warehousesOfAccount(ctx, principal.accountId));
      return;
    }
    case 'purchase-order': {
      const id = idParam(request);
      if (id !== undefined && (await accountOfPurchaseOrder(ctx, id)) !== principal.accountId) throw notFound();
      request.access.shops = allowed;
      return;
    }
    case 'installation': {
      // Shared by every account: only the installation's own owners change them.
      if (UNSAFE.has(request.method) && !ownsInstallation(principal)) {
        throw new ForbiddenError(
          localized(
            'Only an owner of the installation (default account) changes shared settings.',
            '只有本系统（默认账户）的店主可以修改共享设置。',
          ),
        );
      }
      request.access.shops = allowed;
      return;
    }
  }
}

/** `onSend`: every unsafe request of a known caller goes to the audit log with its outcome. */
function auditUnsafeRequests(app: FastifyInstance, ctx: AppContext): void {
  // Who did what, when and from where: every unsafe request of a known caller, with its outcome.
  // Written before the answer leaves (onSend), so a client that reads the log next finds its own request there.
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const principal = request.principal;
    if (!principal || !UNSAFE.has(request.method)) return payload;
    const access = request.routeOptions.config.access;
    const url = request.routeOptions.url ?? request.url;
    if (url.startsWith('/auth/')) return payload; // sign-in and sign-out record themselves
    const status = reply.statusCode;
    const isOrder = access?.scope === 'order' && status !== 404;
    try {
      await recordAudit(ctx, {
        accountId: principal.accountId,
        shopId: request.access?.shops?.length === 1 ? request.access.shops[0]! : null,
        orderId: isOrder ? (idParam(request) ?? null) : null,
        actorKind: principal.kind,
        actorId: String(principal.id),
        actorName: principal.name,
        action: `${request.method} ${url}`,
        target: request.url.split('?')[0]!.slice(0, 200),
        outcome: status < 400 ? 'ok' : status === 401 || status === 403 || status === 404 ? 'denied' : 'failed',
        ip: request.ip,
        detail: { status },
      });
    } catch (error) {
      // The database away: a request answered 503 for it did nothing and cannot be audited (no line per request
      // during an outage); one that finished just before gets a short line, without a stack.
      if (!isDatabaseUnavailable(error)) request.log.error({ err: error }, 'audit log write failed');
      else if (status !== 503)
        request.log.warn(
          `audit line not written for ${request.method} ${url} (${status}): ${(error as Error).message}`,
        );
    }
    return payload;
  });
}

/** Whom to record as the actor: the signed-in caller; with access off, the name a station or script gives in
 * x-shipby-actor, else the fallback. */
export function actorOf(request: FastifyRequest, fallback = 'api'): string {
  if (request.principal) return actorLabel(request.principal);
  const header = request.headers['x-shipby-actor'];
  return typeof header === 'string' && header.trim() ? header.trim().slice(0, 64) : fallback;
}

/** A shop id no shop has (ids are letters, digits and . _ : -): the filter of a caller with no shop yet. */
const NO_SHOP = ' ';

/** The shops a list may show: the caller's (narrowed to those named), or those named when access is off. */
export function shopFilter(request: FastifyRequest, named: string | undefined): string[] | undefined {
  const shops = request.access.shops;
  // Many list queries read an empty list as "no filter": the caller's list is never allowed to be empty. An account's
  // owner before its first shop sees empty lists (NO_SHOP matches no shop: a shop id never holds a space); anyone else
  // without a shop is refused.
  if (shops && shops.length === 0) {
    if (request.principal?.accountOwner) return [NO_SHOP];
    throw new ForbiddenError(localized('You hold no role in any shop.', '您在任何店铺都没有角色。'));
  }
  return (
    shops ??
    named
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  );
}

/**
 * An owner of the installation (the default account's owner), or anyone when access is off: the only callers who see
 * what belongs to no shop — installation-wide webhooks, tracking events no parcel claims, providers' settings.
 */
export function isInstallationOwner(request: FastifyRequest): boolean {
  const p = request.principal;
  if (!p) return request.access.shops === undefined;
  return ownsInstallation(p);
}

/** Keeps the rows of the caller's warehouses (all rows when access is off). */
export function inWarehouses<T extends { warehouse_id: string | null }>(request: FastifyRequest, rows: T[]): T[] {
  const warehouses = request.access.warehouses;
  return warehouses ? rows.filter((r) => r.warehouse_id !== null && warehouses.includes(r.warehouse_id)) : rows;
}

/** Who is asking, for per-caller limits: the signed-in user or the API key, else the address. */
export function callerKey(request: FastifyRequest): string {
  const p = request.principal;
  return p ? `${p.kind}:${p.id}` : `ip:${request.ip}`;
}

/** The signed-in caller (a user or an API key); nobody is a 401. */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new AuthenticationError(localized('Sign in first.', '请先登录。'));
  return request.principal;
}
